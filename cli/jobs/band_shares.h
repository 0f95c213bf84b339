// Which rank of an MPI job computes which bands of an out-of-core kernel (`sgntk kernel` under
// mpirun): contiguous runs of bands, cut where the running count of tiles to compute crosses a
// multiple of 1/K of the total, so that each rank computes close to 1/K of the tiles. A band of
// a symmetric kernel holds only the tiles on and right of the diagonal, so the first bands cost
// the most and get fewer rows per rank. Deterministic: every rank works it out from the shape,
// the band height, the symmetry and the bands an earlier run finished, with no communication.
#pragma once
#include <cstddef>
#include <vector>

namespace sgntk::jobs {

// The layout of the bands: rows x cols entries in bands of band_rows rows (a multiple of `tile`),
// tiles of tile x tile entries, only those on and above the diagonal for a symmetric kernel.
struct BandLayout {
  std::size_t rows = 0, cols = 0, band_rows = 0, tile = 0;
  bool symmetric = false;
  std::size_t bands() const { return (rows + band_rows - 1) / band_rows; }
  // The tiles band b computes (the kernel's cost is the same for every tile).
  std::size_t tiles(std::size_t b) const;
};

// The rank (0 .. ranks-1) that computes each band; bands with `finished[b]` (an earlier run's,
// or none when `finished` is empty) cost nothing. A rank may get no band when there are fewer
// bands than ranks, or when a few expensive bands cover its share.
std::vector<int> band_owners(const BandLayout& layout, int ranks, const std::vector<bool>& finished = {});

// The band height for K ranks: the budget's (`budget_rows`), or less so that there are at least
// 16 bands per rank where the matrix allows: a rank's share differs from 1/K by at most one band
// (half of one at either end), and the first bands of a symmetric kernel cost twice the mean;
// at least one tile.
std::size_t band_rows_for_ranks(std::size_t rows, std::size_t budget_rows, std::size_t tile, int ranks);

}  // namespace sgntk::jobs
