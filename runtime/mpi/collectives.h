// The few collective operations sgntk needs, over MPI_COMM_WORLD. Every rank must call each
// one, in the same order; with one rank (or no MPI) they only copy.
#pragma once
#include <string>
#include <vector>

namespace sgntk::mpi {

// Every rank's `value`, in rank order, on every rank.
std::vector<int> all_gather(int value);

std::vector<long long> all_gather(long long value);

// `value` of rank `from`, on every rank.
int broadcast(int value, int from);
std::string broadcast(const std::string& bytes, int from);

// Rows of `row_length` doubles gathered on rank 0 into `all` (rows of the destination, which
// rank 0 allocated): this rank sends `rows` rows from `local`, which land at row `first_row`.
// `rows_of[r]` and `first_row_of[r]` describe every rank's part (the same on every rank); `all`
// is ignored on the other ranks.
void gather_rows(const double* local, long row_length, const std::vector<long>& rows_of,
                 const std::vector<long>& first_row_of, double* all);

}  // namespace sgntk::mpi
