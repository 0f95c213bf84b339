#include "runtime/mpi/collectives.h"

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "runtime/mpi/mpi_api.h"
#include "runtime/mpi/world.h"


namespace sgntk::mpi {
namespace {

// MPI counts and displacements are int: the gathers count whole rows, which keeps them small.
int as_count(long n) {
  if (n < 0 || n > INT_MAX) throw std::length_error("an MPI transfer of more than INT_MAX rows");
  return static_cast<int>(n);
}

}  // namespace

std::vector<int> all_gather(int value) {
  std::vector<int> all(static_cast<std::size_t>(world().size), value);
#ifdef SGNTK_HAVE_MPI
  if (world().size > 1) MPI_Allgather(&value, 1, MPI_INT, all.data(), 1, MPI_INT, MPI_COMM_WORLD);
#endif
  return all;
}

std::vector<long long> all_gather(long long value) {
  std::vector<long long> all(static_cast<std::size_t>(world().size), value);
#ifdef SGNTK_HAVE_MPI
  if (world().size > 1) MPI_Allgather(&value, 1, MPI_LONG_LONG, all.data(), 1, MPI_LONG_LONG, MPI_COMM_WORLD);
#endif
  return all;
}

std::string broadcast(const std::string& bytes, int from) {
  std::string out = bytes;
#ifdef SGNTK_HAVE_MPI
  if (world().size > 1) {
    out.resize(static_cast<std::size_t>(broadcast(as_count(static_cast<long>(bytes.size())), from)));
    MPI_Bcast(out.data(), static_cast<int>(out.size()), MPI_CHAR, from, MPI_COMM_WORLD);
  }
#endif
  return out;
}

int broadcast(int value, int from) {
#ifdef SGNTK_HAVE_MPI
  if (world().size > 1) MPI_Bcast(&value, 1, MPI_INT, from, MPI_COMM_WORLD);
#endif
  return value;
}

void gather_rows(const double* local, long row_length, const std::vector<long>& rows_of,
                 const std::vector<long>& first_row_of, double* all) {
  const World& w = world();
  const long mine = rows_of[static_cast<std::size_t>(w.rank)];
  if (w.size == 1 || row_length == 0) {
    if (mine > 0 && all + first_row_of[0] * row_length != local)
      std::copy(local, local + mine * row_length, all + first_row_of[0] * row_length);
    return;
  }
#ifdef SGNTK_HAVE_MPI
  MPI_Datatype row;
  MPI_Type_contiguous(as_count(row_length), MPI_DOUBLE, &row);
  MPI_Type_commit(&row);
  std::vector<int> counts, displacements;
  for (std::size_t r = 0; r < rows_of.size(); ++r) {
    counts.push_back(as_count(rows_of[r]));
    displacements.push_back(as_count(first_row_of[r]));
  }
  MPI_Gatherv(local, as_count(mine), row, all, counts.data(), displacements.data(), row, 0, MPI_COMM_WORLD);
  MPI_Type_free(&row);
#endif
}

}  // namespace sgntk::mpi
