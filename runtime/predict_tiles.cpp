// The blocked prediction (predict_tiles.h): test rows by tiles, the covariance by bands.
#include "runtime/predict_tiles.h"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <iterator>
#include <optional>
#include <span>

#include "runtime/errors.h"
#include "runtime/single_threaded_blas.h"
#include "runtime/spilled_rows.h"

namespace sgntk::runtime {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;

constexpr Index tile = static_cast<Index>(predict_tile_rows);

// One tile of test rows, solved (predict_tiles.h): a, z, the mean, and per row p = a . Sigma(x,X)
// and q = a Sigma(X,X) . a, the terms of the variance (prior - 2 p) + q. Kept apart (not z . a):
// at a training point p and q round to the prior, and the variance cancels to exactly 0.
struct TestTile {
  RowMatrix a, z, mean;
  Eigen::VectorXd p, q;
  double variance(Index r, double prior) const { return (prior - 2.0 * p(r)) + q(r); }
};

// x . y summed left to right, wherever x and y lie: Eigen's vectorised dot starts its packets at
// the first aligned element, so its rounding would depend on a row's place in memory, and with it
// on the band height. One running sum (not several partial ones): where one term dominates (a
// training point, whose row of A is nearly a unit vector) the others, added one at a time, are
// absorbed, so the variance there cancels to exactly 0 as in an exact solve.
double fixed_order_dot(const double* x, const double* y, Index n, Index y_stride = 1) {
  double sum = 0.0;
  for (Index k = 0; k < n; ++k) sum += x[k] * y[k * y_stride];
  return sum;
}

TestTile solve_tile(const TrainSolve& train, const RowMatrix& k, const RowMatrix& sigma) {
  TestTile t;
  if (train.by_lu) {
    const MatrixXd a_transposed = train.lu.transpose().solve(MatrixXd(k.transpose()));  // K^-T K(x,X)^T
    t.a = a_transposed.transpose();
  } else {
    t.a.noalias() = k * train.flow;
  }
  t.z.noalias() = t.a * train.sigma;  // a Sigma(X,X) for now
  const Index n = t.a.rows(), n_train = t.a.cols(), outputs = train.y.cols();
  t.mean.resize(n, outputs);
  t.p.resize(n);
  t.q.resize(n);
  for (Index i = 0; i < n; ++i) {
    for (Index c = 0; c < outputs; ++c) t.mean(i, c) = fixed_order_dot(t.a.row(i).data(), train.y.data() + c, n_train, outputs);
    t.p(i) = fixed_order_dot(t.a.row(i).data(), sigma.row(i).data(), n_train);
    t.q(i) = fixed_order_dot(t.z.row(i).data(), t.a.row(i).data(), n_train);
  }
  t.z -= 2.0 * sigma;
  return t;
}

// Runs body(k) for k in [0, count) on the options' threads; Cancelled once options.cancelled says so.
void for_each_tile(Index count, const PredictOptions& options, const std::function<void(Index)>& body) {
  std::atomic<bool> stop{false};
  tbb::task_arena arena(options.threads > 0 ? options.threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(Index{0}, count, [&](Index k) {
      if (stop.load(std::memory_order_relaxed)) return;
      if (options.cancelled && options.cancelled()) {
        stop = true;
        return;
      }
      body(k);
    });
  });
  if (stop) throw Cancelled();
}

// The tiles of test rows [r0, r1) (r0 a multiple of the tile), with their kernels checked.
std::vector<TestTile> solve_rows(const TrainSolve& train, const TestKernels& test, Index r0, Index r1,
                                 const PredictOptions& options) {
  const RowMatrix k = test.k_rows(r0, r1), sigma = test.sigma_rows(r0, r1);
  require_finite(k, "K(x,X)", r0);
  require_finite(sigma, "Sigma(x,X)", r0);
  std::vector<TestTile> tiles(static_cast<std::size_t>((r1 - r0 + tile - 1) / tile));
  for_each_tile(static_cast<Index>(tiles.size()), options, [&](Index t) {
    const Index i0 = t * tile, n = std::min(tile, r1 - r0 - i0);
    tiles[static_cast<std::size_t>(t)] = solve_tile(train, k.middleRows(i0, n), sigma.middleRows(i0, n));
  });
  return tiles;
}

// Mean and variance of the rows of `tiles` (the first at row r0) into the prediction; checked.
void take_means(std::span<const TestTile> tiles, Index r0, const TestKernels& test, Prediction& out) {
  Index i = r0;
  for (const TestTile& t : tiles) {
    require_finite(t.mean, "the predicted mean", i);
    out.mean.middleRows(i, t.mean.rows()) = t.mean;
    for (Index r = 0; r < t.p.size(); ++r) {
      const double var = t.variance(r, test.prior_diagonal(i + r));
      if (!std::isfinite(var)) throw DataError("the predicted standard deviation is not finite; no prediction");
      out.std(i + r) = std::sqrt(std::max(var, 0.0));
    }
    i += t.mean.rows();
  }
}

// The covariance entries of band rows [r0, r1) against the test rows of `cols` (tile-aligned,
// the first at row j0 >= r0), on and above the diagonal, into `values` (rows r0.., columns r0..,
// row stride `width`), as prior + (z_i . a_j + a_i . z_j) / 2.
void covariance_tiles(std::span<const TestTile> rows, Index r0, std::span<const TestTile> cols, Index j0,
                      const RowMatrix& prior, std::vector<double>& values, Index width, const PredictOptions& options) {
  std::vector<std::pair<Index, Index>> pairs;
  for (Index bi = 0; bi < static_cast<Index>(rows.size()); ++bi)
    for (Index cj = 0; cj < static_cast<Index>(cols.size()); ++cj)
      if (j0 + cj * tile >= r0 + bi * tile) pairs.emplace_back(bi, cj);
  for_each_tile(static_cast<Index>(pairs.size()), options, [&](Index p) {
    const auto [bi, cj] = pairs[static_cast<std::size_t>(p)];
    const TestTile &ti = rows[static_cast<std::size_t>(bi)], &tj = cols[static_cast<std::size_t>(cj)];
    MatrixXd c;
    c.noalias() = ti.z * tj.a.transpose();
    c.noalias() += ti.a * tj.z.transpose();
    const Index i0 = bi * tile, c0 = j0 - r0 + cj * tile;  // in the band's coordinates
    for (Index i = 0; i < c.rows(); ++i)
      for (Index j = 0; j < c.cols(); ++j)
        values[static_cast<std::size_t>((i0 + i) * width + c0 + j)] = prior(i0 + i, c0 + j) + 0.5 * c(i, j);
  });
}

// The solved test rows of every tile on disk (a, z, p and q; not the mean, taken already).
class SpilledTiles {
 public:
  SpilledTiles(const std::string& folder, Index n_test, Index n_train)
      : n_test_(n_test), n_train_(n_train),
        rows_(folder, static_cast<std::size_t>((n_test + tile - 1) / tile),
              static_cast<std::size_t>((2 * n_train + 2) * tile) * sizeof(double)) {}
  void put(Index t, const TestTile& x) {
    const std::size_t matrix = static_cast<std::size_t>(x.a.size()) * sizeof(double);
    rows_.write(static_cast<std::size_t>(t), 0, x.a.data(), matrix);
    rows_.write(static_cast<std::size_t>(t), matrix, x.z.data(), matrix);
    const std::size_t vector = static_cast<std::size_t>(x.p.size()) * sizeof(double);
    rows_.write(static_cast<std::size_t>(t), 2 * matrix, x.p.data(), vector);
    rows_.write(static_cast<std::size_t>(t), 2 * matrix + vector, x.q.data(), vector);
  }
  // The tiles of rows [r0, r1), fresh matrices (the same bits as when they were solved).
  std::vector<TestTile> get(Index r0, Index r1) const {
    std::vector<TestTile> tiles;
    for (Index i0 = r0; i0 < r1; i0 += tile) {
      const Index n = std::min(tile, n_test_ - i0);
      TestTile x;
      x.a.resize(n, n_train_);
      x.z.resize(n, n_train_);
      x.p.resize(n);
      x.q.resize(n);
      const std::size_t matrix = static_cast<std::size_t>(x.a.size()) * sizeof(double),
                        vector = static_cast<std::size_t>(n) * sizeof(double), record = static_cast<std::size_t>(i0 / tile);
      rows_.read(record, 0, x.a.data(), matrix);
      rows_.read(record, matrix, x.z.data(), matrix);
      rows_.read(record, 2 * matrix, x.p.data(), vector);
      rows_.read(record, 2 * matrix + vector, x.q.data(), vector);
      tiles.push_back(std::move(x));
    }
    return tiles;
  }

 private:
  Index n_test_, n_train_;
  SpilledRows rows_;
};

// Work units for the progress: a solved test row costs about N_train (its solve is ~4 N_train^2
// flops), a covariance entry 1 (~4 N_train flops).
struct Work {
  double done = 0.0, total = 1.0;
  const PredictOptions& options;
  void add(double units) {
    done += units;
    if (options.progress) options.progress(std::min(1.0, done / total));
  }
};

}  // namespace

void require_finite(const Eigen::Ref<const RowMatrix>& m, const char* name, Index row0, Index col0) {
  for (Index i = 0; i < m.rows(); ++i)
    for (Index j = 0; j < m.cols(); ++j)
      if (!std::isfinite(m(i, j)))
        throw DataError(
            fmt::format("{} is {} at entry ({}, {}); no prediction", name, m(i, j), row0 + i, col0 + j));
}

Prediction predict_tiled(const TrainSolve& train, const TestKernels& test, const PredictOptions& options,
                         const CovarianceBands* bands, std::size_t mean_band_rows) {
  use_single_threaded_blas();
  const Index n = test.n_test, n_train = train.y.rows();
  Prediction out;
  out.mean.resize(n, train.y.cols());
  out.std.resize(n);
  const Index band = static_cast<Index>(bands ? bands->band_rows : mean_band_rows);
  if (band <= 0 || band % tile != 0) throw std::invalid_argument("predict_tiled: band rows must be a multiple of the tile");
  const bool hold = bands && bands->hold_test_rows;
  // Without holding: the solved rows spilled to a scratch file when a folder is given, else solved again.
  std::optional<SpilledTiles> spilled;
  if (bands && !hold && !bands->spill_folder.empty()) spilled.emplace(bands->spill_folder, n, n_train);
  const bool first_pass = hold || spilled;  // every row solved once, before the bands
  Work work{0.0, 1.0, options};
  {  // the planned work, for the progress
    double total = static_cast<double>(n * n_train);
    for (Index r0 = 0; bands && r0 < n; r0 += band) {
      const Index r1 = std::min(n, r0 + band);
      total += static_cast<double>((r1 - r0) * (n - r0));
      if (!first_pass && r1 < n) total += static_cast<double>((n - r1) * n_train);
    }
    work.total = total;
  }

  std::vector<TestTile> held;  // every test row's tile, with hold
  for (Index r0 = 0; first_pass && r0 < n; r0 += band) {
    const Index r1 = std::min(n, r0 + band);
    std::vector<TestTile> tiles = solve_rows(train, test, r0, r1, options);
    take_means(tiles, r0, test, out);
    if (spilled)
      for (std::size_t t = 0; t < tiles.size(); ++t) spilled->put(r0 / tile + static_cast<Index>(t), tiles[t]);
    else
      std::move(tiles.begin(), tiles.end(), std::back_inserter(held));
    work.add(static_cast<double>((r1 - r0) * n_train));
  }
  // The tiles of rows [r0, r1) when they are not held: read back or solved again.
  auto rows_of = [&](Index r0, Index r1) {
    if (spilled) return spilled->get(r0, r1);
    std::vector<TestTile> tiles = solve_rows(train, test, r0, r1, options);
    work.add(static_cast<double>((r1 - r0) * n_train));
    return tiles;
  };
  std::vector<double> values;
  for (Index r0 = 0; r0 < n; r0 += band) {
    const Index r1 = std::min(n, r0 + band);
    std::vector<TestTile> own;
    std::span<const TestTile> rows;
    if (hold) {
      rows = std::span<const TestTile>(held).subspan(static_cast<std::size_t>(r0 / tile),
                                                      static_cast<std::size_t>((r1 - r0 + tile - 1) / tile));
    } else {
      own = rows_of(r0, r1);
      rows = own;
      if (!spilled) take_means(rows, r0, test, out);
    }
    if (!bands) continue;

    const Index width = n - r0;
    const RowMatrix prior = test.prior_band(r0, r1);
    require_finite(prior, "Sigma(x,x')", r0, r0);
    values.assign(static_cast<std::size_t>((r1 - r0) * width), 0.0);
    if (hold) {  // every later row at once
      covariance_tiles(rows, r0, std::span<const TestTile>(held).subspan(static_cast<std::size_t>(r0 / tile)), r0,
                       prior, values, width, options);
    } else {  // the later rows a band at a time, read back or solved again
      for (Index j0 = r0; j0 < n; j0 += band) {
        std::vector<TestTile> later;
        if (j0 > r0) later = rows_of(j0, std::min(n, j0 + band));
        covariance_tiles(rows, r0, j0 > r0 ? std::span<const TestTile>(later) : rows, j0, prior, values, width,
                         options);
      }
    }
    // The diagonal (the variance, as std has it) and the mirror of the band's square below it.
    for (Index i = r0; i < r1; ++i) {
      const Index li = i - r0;
      values[static_cast<std::size_t>(li * width + li)] =
          rows[static_cast<std::size_t>(li / tile)].variance(li % tile, test.prior_diagonal(i));
      for (Index lj = 0; lj < li; ++lj)
        values[static_cast<std::size_t>(li * width + lj)] = values[static_cast<std::size_t>(lj * width + li)];
    }
    require_finite(Eigen::Map<const RowMatrix>(values.data(), r1 - r0, width), "the predicted covariance", r0, r0);
    KernelBand b;
    b.index = static_cast<std::size_t>(r0 / band);
    b.r0 = static_cast<std::size_t>(r0), b.r1 = static_cast<std::size_t>(r1), b.c0 = b.r0;
    b.cols = static_cast<std::size_t>(n);
    b.values = values.data();
    b.symmetric = true;
    bands->band(b);
    work.add(static_cast<double>((r1 - r0) * width));
  }
  return out;
}

}  // namespace sgntk::runtime
