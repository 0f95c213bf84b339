#include "runtime/kernels.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "runtime/errors.h"
#include "runtime/expectation.h"
#include "runtime/expectation_tails.h"
#include "runtime/kernel_tile.h"

namespace sgntk::runtime {
namespace {

constexpr std::size_t tile = FusedTile::side;

void check_points(const KernelProgram& p, const RowMatrix& x, const char* which) {
  if (x.cols() != p.input_dim)
    throw DataError(fmt::format("{} has points of dimension {}, but network '{}' has input dimension {}", which,
                                x.cols(), p.network, p.input_dim));
  if (x.rows() == 0) throw DataError(fmt::format("{} has no points", which));
}

// The expectations a kernel of `kind` needs must have been planned; else the planner's reason.
void require_available(const KernelProgram& p, KernelKind kind) {
  for (const LayerProgram& layer : p.hidden) {
    const Expectation* needed[] = {&layer.nngp, kind == KernelKind::ntk     ? &layer.ntk
                                                : kind == KernelKind::sgntk ? &layer.sgntk
                                                                            : nullptr};
    for (const Expectation* e : needed)
      if (e && e->unavailable)
        throw EvalError(fmt::format("layer '{}': the {} kernel needs E[{} * {}], which cannot be computed: {}",
                                    layer.name, kind == KernelKind::nngp ? "NNGP" : kind == KernelKind::ntk ? "NTK" : "SG-NTK",
                                    e->f_text, e->g_text, *e->unavailable));
  }
}

// The NaN entry of smallest row-major index, whichever thread finds it.
class FirstNan {
 public:
  void offer(std::size_t i, std::size_t j, std::size_t cols) {
    const std::size_t flat = i * cols + j;
    std::size_t seen = flat_.load(std::memory_order_relaxed);
    while (flat < seen && !flat_.compare_exchange_weak(seen, flat, std::memory_order_relaxed)) {
    }
  }
  std::optional<std::pair<std::size_t, std::size_t>> get(std::size_t cols) const {
    const std::size_t flat = flat_.load();
    if (flat == none) return std::nullopt;
    return std::pair{flat / cols, flat % cols};
  }

 private:
  static constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::atomic<std::size_t> flat_{none};
};

// The entries no kernel may hold: NaN, and +-inf except where the mathematics means it (the NTK of
// a jump layer, and the SG-NTK of one without a surrogate, are +inf where x = x').
struct BadEntries {
  FirstNan nan, infinite;
  bool infinity_meant = false;
};

bool infinity_meant(const KernelProgram& program, KernelKind kind) {
  return std::any_of(program.hidden.begin(), program.hidden.end(),
                     [kind](const LayerProgram& layer) { return infinite_on_diagonal(layer, kind); });
}

struct TileJob {
  std::size_t i0, j0;
};

// Where run_job stores entries: entry (i, j) of the kernel at data[(i - row0) * stride + (j - col0)]
// (the whole matrix, or one band of its rows), and up to which row mirrored entries are stored.
struct TileStore {
  double* data;
  std::size_t row0, col0, stride, rows_end;
  double* row(std::size_t i, std::size_t j) const { return data + (i - row0) * stride + (j - col0); }
};

// Runs one tile and stores it (and its mirror, for `mirror`, where it falls within the store's
// rows) into the destination. Every entry's value depends only on the tile's (i0, j0, ni, nj):
// the same tile grid gives the same bits whichever destination it goes to.
void run_job(const FusedTile& fused, const TileJob& job, bool mirror, std::size_t rows, std::size_t cols,
             const TileStore& out, BadEntries& bad) {
  const std::size_t ni = std::min(tile, rows - job.i0), nj = std::min(tile, cols - job.j0);
  const double* values = fused.run(job.i0, job.j0, ni, nj, mirror ? 2 : 1);
  for (std::size_t i = 0; i < ni; ++i) std::copy_n(values + i * nj, nj, out.row(job.i0 + i, job.j0));
  // A tile lies wholly below or above rows_end: bands are whole tile rows.
  if (mirror && job.j0 < out.rows_end)
    for (std::size_t j = 0; j < nj; ++j) {
      double* row = out.row(job.j0 + j, job.i0);
      for (std::size_t i = 0; i < ni; ++i) row[i] = values[i * nj + j];
    }
  for (std::size_t k = 0; k < ni * nj; ++k) {
    if (std::isfinite(values[k])) continue;
    FirstNan* first = std::isnan(values[k]) ? &bad.nan : bad.infinity_meant ? nullptr : &bad.infinite;
    if (!first) continue;
    const std::size_t i = job.i0 + k / nj, j = job.j0 + k % nj;
    first->offer(i, j, cols);
    if (mirror) first->offer(j, i, cols);
  }
}

}  // namespace

namespace {

// Symmetry of the kernel of x1 against itself, given x1's diagonal recursion.
bool symmetric_given_diagonal(const KernelProgram& program, KernelKind kind, const PointDiagonals& points) {
  const std::vector<std::vector<double>>& diag = points.sigma;
  if (kind != KernelKind::sgntk) return true;
  bool any_surrogate = false;
  for (const auto& layer : program.hidden) any_surrogate = any_surrogate || layer.has_surrogate;
  if (!any_surrogate) return true;
  // E[phi'(u) g(v)] is exchangeable in (u, v) when a = b: every point has the same Sigma^l(x,x).
  // Norms equal up to rounding (points on a circle) count as equal: the asymmetry they cause is
  // of the order of that rounding.
  for (const auto& level : diag)
    for (double v : level)
      if (std::abs(v - level.front()) > 1e-13 * std::abs(level.front())) return false;
  return true;
}

}  // namespace

bool kernel_is_symmetric(const KernelProgram& program, KernelKind kind, const RowMatrix& x1) {
  return symmetric_given_diagonal(program, kind, diagonal_recursion(program, x1, KernelKind::nngp));
}

bool infinite_on_diagonal(const LayerProgram& layer, KernelKind kind) {
  return (kind == KernelKind::ntk && layer.ntk.infinite_on_diagonal) ||
         (kind == KernelKind::sgntk && layer.sgntk.infinite_on_diagonal);
}

namespace {

// What both paths share: the checks, the diagonal recursion, the symmetry, the tile engine and
// the thread arena. Both run the same tile grid (16 x 16 tiles at multiples of 16, the upper
// ones only for a symmetric kernel), so their entries are the same bits.
struct TiledKernel {
  TiledKernel(const KernelProgram& program, KernelKind kind, const RowMatrix& x1, const RowMatrix* x2_or_null,
              const KernelOptions& options)
      : x2_(x2_or_null ? *x2_or_null : x1),
        rows(checked(program, kind, x1, x2_or_null)),
        cols(static_cast<std::size_t>(x2_.rows())),
        d1_(diagonal_recursion(program, x1, kind)),
        d2_own_(x2_or_null ? std::optional(diagonal_recursion(program, x2_, kind)) : std::nullopt),
        symmetric(!x2_or_null && symmetric_given_diagonal(program, kind, d1_)),
        divergent_(program),
        fused_(program, kind, x1, x2_, d1_, d2_own_ ? *d2_own_ : d1_, divergent_),
        arena_(options.threads > 0 ? options.threads : tbb::task_arena::automatic),
        options_(options) {
    bad.infinity_meant = infinity_meant(program, kind);
  }

  // The tiles of tile rows [r0, r1), row-major.
  std::vector<TileJob> jobs(std::size_t r0, std::size_t r1) const {
    std::vector<TileJob> out;
    for (std::size_t i0 = r0; i0 < r1; i0 += tile)
      for (std::size_t j0 = symmetric ? i0 : 0; j0 < cols; j0 += tile) out.push_back({i0, j0});
    return out;
  }

  // Runs jobs [begin, end) in parallel into `store`; throws Cancelled when stopped.
  void run(const std::vector<TileJob>& jobs, std::size_t begin, std::size_t end, const TileStore& store) {
    arena_.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(begin, end), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t k = r.begin(); k != r.end(); ++k) {
          if (options_.cancelled && options_.cancelled()) return;
          run_job(fused_, jobs[k], symmetric && jobs[k].i0 != jobs[k].j0, rows, cols, store, bad);
        }
      });
    });
    if (options_.cancelled && options_.cancelled()) throw Cancelled();
  }

  // The divergence error, or the first NaN and the first infinity that nothing means.
  KernelSummary finish() const {
    divergent_.throw_if_any(rows * cols, "kernel entries");
    return {bad.nan.get(cols), bad.infinite.get(cols)};
  }
  bool bad_seen() const { return bad.nan.get(cols) || bad.infinite.get(cols); }

  // The checks, before any work (the diagonal recursion comes after them).
  static std::size_t checked(const KernelProgram& program, KernelKind kind, const RowMatrix& x1,
                             const RowMatrix* x2) {
    require_available(program, kind);
    check_points(program, x1, "--x1");
    if (x2) check_points(program, *x2, "--x2");
    return static_cast<std::size_t>(x1.rows());
  }

  // (initialised in this order)
  const RowMatrix& x2_;
  const std::size_t rows, cols;
  const PointDiagonals d1_;
  const std::optional<PointDiagonals> d2_own_;
  const bool symmetric;
  BadEntries bad;
  DivergentEntries divergent_;
  const FusedTile fused_;
  tbb::task_arena arena_;
  const KernelOptions& options_;
};

}  // namespace

KernelSummary compute_kernel_into(const KernelProgram& program, KernelKind kind, const RowMatrix& x1,
                                  const RowMatrix* x2_or_null, MatrixView out, const KernelOptions& options) {
  TiledKernel kernel(program, kind, x1, x2_or_null, options);
  if (out.rows != kernel.rows || out.cols != kernel.cols)
    throw std::invalid_argument("compute_kernel_into: the output view's shape differs from the kernel's");
  const std::vector<TileJob> jobs = kernel.jobs(0, kernel.rows);
  const TileStore store{out.data, 0, 0, out.stride, out.rows};
  // Progress is reported between chunks of jobs, from this thread only.
  // Jobs run row-major in chunks: after a chunk, every row above its last job's tile row is
  // final (its lower part is mirrored from earlier rows).
  // (Each chunk ends in a barrier: few chunks when only the file is waiting for rows.)
  const std::size_t chunks = std::min<std::size_t>(options.progress ? 100 : options.rows_done ? 16 : 1, jobs.size());
  for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
    const std::size_t begin = jobs.size() * chunk / chunks, end = jobs.size() * (chunk + 1) / chunks;
    kernel.run(jobs, begin, end, store);
    if (options.progress) options.progress(static_cast<double>(end) / static_cast<double>(jobs.size()));
    if (options.rows_done) options.rows_done(end < jobs.size() ? jobs[end].i0 : out.rows);
  }
  return kernel.finish();
}

std::size_t kernel_band_rows(std::size_t cols, std::size_t band_bytes) {
  const std::size_t row_bytes = std::max<std::size_t>(cols, 1) * sizeof(double);
  return std::max(tile, band_bytes / row_bytes / tile * tile);
}

KernelSummary compute_kernel_bands(const KernelProgram& program, KernelKind kind, const RowMatrix& x1,
                                   const RowMatrix* x2, std::size_t band_rows, const KernelBandCallbacks& callbacks,
                                   const KernelOptions& options) {
  if (band_rows == 0 || band_rows % tile != 0)
    throw std::invalid_argument("compute_kernel_bands: band_rows must be a positive multiple of the tile side");
  TiledKernel kernel(program, kind, x1, x2, options);
  const std::size_t bands = (kernel.rows + band_rows - 1) / band_rows;
  // Progress counts only the tiles this run computes, so that the ETA holds after a resume.
  std::vector<std::vector<TileJob>> jobs(bands);
  std::size_t total = 0, done = 0;
  for (std::size_t b = 0; b < bands; ++b)
    if (!callbacks.band_done || !callbacks.band_done(b)) {
      jobs[b] = kernel.jobs(b * band_rows, std::min(kernel.rows, (b + 1) * band_rows));
      total += jobs[b].size();
    }
  std::vector<double> buffer;
  for (std::size_t b = 0; b < bands; ++b) {
    if (jobs[b].empty()) continue;
    KernelBand band;
    band.index = b;
    band.r0 = b * band_rows;
    band.r1 = std::min(kernel.rows, band.r0 + band_rows);
    band.c0 = kernel.symmetric ? band.r0 : 0;
    band.cols = kernel.cols;
    band.symmetric = kernel.symmetric;
    const std::size_t stride = kernel.cols - band.c0;
    buffer.resize((band.r1 - band.r0) * stride);
    // In slices of tiles, so that the progress moves within a band too.
    const std::size_t slices = std::min<std::size_t>(options.progress ? 8 : 1, jobs[b].size());
    for (std::size_t s = 0; s < slices; ++s) {
      const std::size_t begin = jobs[b].size() * s / slices, end = jobs[b].size() * (s + 1) / slices;
      kernel.run(jobs[b], begin, end, {buffer.data(), band.r0, band.c0, stride, band.r1});
      done += end - begin;
      if (options.progress) options.progress(static_cast<double>(done) / static_cast<double>(total));
    }
    band.values = buffer.data();
    // The first NaN (if any) lies in the first band that has one: a band's NaN are in its own
    // rows (their mirrors below), so the run goes on to its end and reports the same first NaN
    // (and count of divergent entries) as the other path, but nothing more is written.
    band.nan_seen = kernel.bad_seen();
    if (callbacks.band) callbacks.band(band);
  }
  return kernel.finish();
}

RowMatrix compute_kernel(const KernelProgram& program, KernelKind kind, const RowMatrix& x1, const RowMatrix* x2,
                         const KernelOptions& options) {
  RowMatrix out(x1.rows(), x2 ? x2->rows() : x1.rows());
  const MatrixView view{out.data(), static_cast<std::size_t>(out.rows()), static_cast<std::size_t>(out.cols()),
                        static_cast<std::size_t>(out.cols())};
  compute_kernel_into(program, kind, x1, x2, view, options);
  return out;
}

}  // namespace sgntk::runtime
