#include "cli/jobs/band_shares.h"

#include <algorithm>

namespace sgntk::jobs {

std::size_t BandLayout::tiles(std::size_t b) const {
  const std::size_t r0 = b * band_rows, r1 = std::min(rows, r0 + band_rows);
  const std::size_t col_tiles = (cols + tile - 1) / tile;
  if (!symmetric) return (r1 - r0 + tile - 1) / tile * col_tiles;
  std::size_t n = 0;
  for (std::size_t i0 = r0; i0 < r1; i0 += tile) n += col_tiles - i0 / tile;  // tiles j0 >= i0
  return n;
}

std::vector<int> band_owners(const BandLayout& layout, int ranks, const std::vector<bool>& finished) {
  const std::size_t bands = layout.bands();
  std::vector<std::size_t> cost(bands);
  std::size_t total = 0;
  for (std::size_t b = 0; b < bands; ++b) {
    cost[b] = b < finished.size() && finished[b] ? 0 : layout.tiles(b);
    total += cost[b];
  }
  // Band b goes to the rank whose share [r/K, (r+1)/K) of the total holds the band's midpoint:
  // the running sum only grows, so each rank's bands are contiguous. (Twice the sums: integers.)
  std::vector<int> owner(bands, 0);
  std::size_t before = 0;
  for (std::size_t b = 0; b < bands; ++b) {
    if (total > 0) {
      const std::size_t mid2 = 2 * before + cost[b];
      owner[b] = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(ranks) - 1,
                                                        mid2 * static_cast<std::size_t>(ranks) / (2 * total)));
    }
    before += cost[b];
  }
  return owner;
}

std::size_t band_rows_for_ranks(std::size_t rows, std::size_t budget_rows, std::size_t tile, int ranks) {
  const std::size_t even = rows / (16 * static_cast<std::size_t>(ranks)) / tile * tile;
  return std::max(tile, std::min(budget_rows, even));
}

}  // namespace sgntk::jobs
