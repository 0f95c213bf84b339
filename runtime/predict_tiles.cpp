// The blocked prediction (predict_tiles.h): test rows by tiles, the covariance by bands.
#include "runtime/predict_tiles.h"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <iterator>
#include <span>

#include "runtime/errors.h"
#include "runtime/single_threaded_blas.h"

namespace sgntk::runtime {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;

constexpr Index tile = static_cast<Index>(predict_tile_rows);

// One tile of test rows, solved (predict_tiles.h): a, z, the mean and the variance minus the prior.
struct TestTile {
  RowMatrix a, z, mean;
  Eigen::VectorXd var;
};

// x . y in one fixed order (four interleaved partial sums), wherever x and y lie: Eigen's
// vectorised dot starts its packets at the first aligned element, so its rounding would depend
// on a row's place in memory, and with it on the band height.
double fixed_order_dot(const double* x, const double* y, Index n, Index y_stride = 1) {
  double s[4] = {0.0, 0.0, 0.0, 0.0};
  Index k = 0;
  for (; k + 4 <= n; k += 4)
    for (Index l = 0; l < 4; ++l) s[l] += x[k + l] * y[(k + l) * y_stride];
  for (; k < n; ++k) s[0] += x[k] * y[k * y_stride];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

TestTile solve_tile(const TrainSolve& train, const RowMatrix& k, const RowMatrix& sigma) {
  TestTile t;
  if (train.by_lu) {
    const MatrixXd a_transposed = train.lu.transpose().solve(MatrixXd(k.transpose()));  // K^-T K(x,X)^T
    t.a = a_transposed.transpose();
  } else {
    t.a.noalias() = k * train.flow;
  }
  t.z.noalias() = t.a * train.sigma;
  t.z -= 2.0 * sigma;
  const Index n = t.a.rows(), n_train = t.a.cols(), outputs = train.y.cols();
  t.mean.resize(n, outputs);
  t.var.resize(n);
  for (Index i = 0; i < n; ++i) {
    for (Index c = 0; c < outputs; ++c) t.mean(i, c) = fixed_order_dot(t.a.row(i).data(), train.y.data() + c, n_train, outputs);
    t.var(i) = fixed_order_dot(t.z.row(i).data(), t.a.row(i).data(), n_train);
  }
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
    for (Index r = 0; r < t.var.size(); ++r) {
      const double var = test.prior_diagonal(i + r) + t.var(r);
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
  Work work{0.0, 1.0, options};
  {  // the planned work, for the progress
    double total = static_cast<double>(n * n_train);
    for (Index r0 = 0; bands && r0 < n; r0 += band) {
      const Index r1 = std::min(n, r0 + band);
      total += static_cast<double>((r1 - r0) * (n - r0));
      if (!hold && r1 < n) total += static_cast<double>((n - r1) * n_train);
    }
    work.total = total;
  }

  std::vector<TestTile> held;  // every test row's tile, with hold
  if (hold) {
    for (Index r0 = 0; r0 < n; r0 += band) {
      std::vector<TestTile> tiles = solve_rows(train, test, r0, std::min(n, r0 + band), options);
      std::move(tiles.begin(), tiles.end(), std::back_inserter(held));
      work.add(static_cast<double>((std::min(n, r0 + band) - r0) * n_train));
    }
    take_means(held, 0, test, out);
  }
  std::vector<double> values;
  for (Index r0 = 0; r0 < n; r0 += band) {
    const Index r1 = std::min(n, r0 + band);
    std::vector<TestTile> own;
    std::span<const TestTile> rows;
    if (hold) {
      rows = std::span<const TestTile>(held).subspan(static_cast<std::size_t>(r0 / tile),
                                                      static_cast<std::size_t>((r1 - r0 + tile - 1) / tile));
    } else {
      own = solve_rows(train, test, r0, r1, options);
      rows = own;
      take_means(rows, r0, test, out);
      work.add(static_cast<double>((r1 - r0) * n_train));
    }
    if (!bands) continue;

    const Index width = n - r0;
    const RowMatrix prior = test.prior_band(r0, r1);
    require_finite(prior, "Sigma(x,x')", r0, r0);
    values.assign(static_cast<std::size_t>((r1 - r0) * width), 0.0);
    if (hold) {  // every later row at once
      covariance_tiles(rows, r0, std::span<const TestTile>(held).subspan(static_cast<std::size_t>(r0 / tile)), r0,
                       prior, values, width, options);
    } else {  // the later rows a band at a time, solved again
      for (Index j0 = r0; j0 < n; j0 += band) {
        const Index j1 = std::min(n, j0 + band);
        std::vector<TestTile> later;
        if (j0 > r0) {
          later = solve_rows(train, test, j0, j1, options);
          work.add(static_cast<double>((j1 - j0) * n_train));
        }
        covariance_tiles(rows, r0, j0 > r0 ? std::span<const TestTile>(later) : rows, j0, prior, values, width,
                         options);
      }
    }
    // The diagonal (the variance, as std has it) and the mirror of the band's square below it.
    for (Index i = r0; i < r1; ++i) {
      const Index li = i - r0;
      values[static_cast<std::size_t>(li * width + li)] =
          test.prior_diagonal(i) + rows[static_cast<std::size_t>(li / tile)].var(li % tile);
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
