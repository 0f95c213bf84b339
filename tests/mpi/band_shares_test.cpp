// The bands of an out-of-core kernel shared between the ranks of an MPI job (cli/jobs/
// band_shares.h): contiguous runs, each rank's count of tiles within one band of 1/K of the
// total (the triangle of a symmetric kernel included), and the bands an earlier run finished
// left out of the balance. No MPI needed.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>

#include "cli/jobs/band_shares.h"

using sgntk::jobs::BandLayout;
using sgntk::jobs::band_owners;

namespace {

// Each rank's tiles (counting only unfinished bands), checking that the owners are contiguous.
std::vector<std::size_t> shares(const BandLayout& layout, int ranks, const std::vector<bool>& finished = {}) {
  const std::vector<int> owner = band_owners(layout, ranks, finished);
  REQUIRE(owner.size() == layout.bands());
  CHECK(std::is_sorted(owner.begin(), owner.end()));
  std::vector<std::size_t> tiles(static_cast<std::size_t>(ranks), 0);
  for (std::size_t b = 0; b < owner.size(); ++b) {
    REQUIRE(owner[b] >= 0);
    REQUIRE(owner[b] < ranks);
    if (b >= finished.size() || !finished[b]) tiles[static_cast<std::size_t>(owner[b])] += layout.tiles(b);
  }
  return tiles;
}

}  // namespace

TEST_CASE("a symmetric band computes the tiles on and right of the diagonal, a rectangular one all of its rows'") {
  const BandLayout symmetric{100, 100, 32, 16, true};  // 7 tile rows and columns, 4 bands
  CHECK(symmetric.bands() == 4);
  CHECK(symmetric.tiles(0) == 7 + 6);
  CHECK(symmetric.tiles(3) == 1);  // rows 96..99: the last tile
  std::size_t all = 0;
  for (std::size_t b = 0; b < 4; ++b) all += symmetric.tiles(b);
  CHECK(all == 7 * 8 / 2);
  const BandLayout rectangular{100, 40, 32, 16, false};
  CHECK(rectangular.tiles(0) == 2 * 3);
  CHECK(rectangular.tiles(3) == 1 * 3);
}

TEST_CASE("the triangle of a symmetric kernel is shared in near 1/K of its tiles, with fewer rows for the first ranks") {
  for (int ranks : {2, 3, 4, 7}) {
    CAPTURE(ranks);
    const std::size_t n = 8000, band_rows = sgntk::jobs::band_rows_for_ranks(n, 1504, 16, ranks);
    CHECK(band_rows <= 1504);
    CHECK(band_rows % 16 == 0);
    const BandLayout layout{n, n, band_rows, 16, true};
    CHECK(layout.bands() >= 16 * static_cast<std::size_t>(ranks));
    const std::vector<std::size_t> tiles = shares(layout, ranks);
    const std::size_t total = std::accumulate(tiles.begin(), tiles.end(), std::size_t{0});
    CHECK(total == 500 * 501 / 2);
    // Each share is within one band (the first, the costliest) of 1/K.
    for (std::size_t t : tiles) CHECK(std::abs(static_cast<double>(t) - static_cast<double>(total) / ranks) <= layout.tiles(0));
    const std::vector<int> owner = band_owners(layout, ranks);
    const auto rows_of = [&](int r) { return std::count(owner.begin(), owner.end(), r); };
    CHECK(rows_of(0) < rows_of(ranks - 1));  // the first bands are the longest
  }
}

TEST_CASE("bands an earlier run finished are left out of the balance, and few bands leave ranks without one") {
  const BandLayout layout{1000, 1000, 32, 16, true};  // 32 bands
  std::vector<bool> finished(layout.bands(), false);
  for (std::size_t b = 0; b < 16; ++b) finished[b] = true;  // the costly half is done
  const std::vector<std::size_t> tiles = shares(layout, 3, finished);
  const std::size_t total = std::accumulate(tiles.begin(), tiles.end(), std::size_t{0});
  for (std::size_t t : tiles) CHECK(std::abs(static_cast<double>(t) - total / 3.0) <= layout.tiles(16));
  // Two bands of 20 points on three ranks: the first band (2 tiles) is rank 1's, the second rank 2's.
  CHECK(band_owners({20, 20, 16, 16, true}, 3) == std::vector<int>{1, 2});
  CHECK(band_owners({20, 20, 16, 16, false}, 1) == std::vector<int>{0, 0});
}
