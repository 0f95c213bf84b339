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

struct TileJob {
  std::size_t i0, j0;
};

// Runs one tile and stores it (and its mirror) into the destination.
void run_job(const FusedTile& fused, const TileJob& job, bool mirror, MatrixView out, FirstNan& first_nan) {
  const std::size_t ni = std::min(tile, out.rows - job.i0), nj = std::min(tile, out.cols - job.j0);
  const double* values = fused.run(job.i0, job.j0, ni, nj, mirror ? 2 : 1);
  for (std::size_t i = 0; i < ni; ++i) {
    double* row = &out(job.i0 + i, job.j0);
    std::copy_n(values + i * nj, nj, row);
  }
  if (mirror)
    for (std::size_t j = 0; j < nj; ++j) {
      double* row = &out(job.j0 + j, job.i0);
      for (std::size_t i = 0; i < ni; ++i) row[i] = values[i * nj + j];
    }
  for (std::size_t k = 0; k < ni * nj; ++k)
    if (std::isnan(values[k])) {
      const std::size_t i = job.i0 + k / nj, j = job.j0 + k % nj;
      first_nan.offer(i, j, out.cols);
      if (mirror) first_nan.offer(j, i, out.cols);
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

KernelSummary compute_kernel_into(const KernelProgram& program, KernelKind kind, const RowMatrix& x1,
                                  const RowMatrix* x2_or_null, MatrixView out, const KernelOptions& options) {
  require_available(program, kind);
  check_points(program, x1, "--x1");
  const RowMatrix& x2 = x2_or_null ? *x2_or_null : x1;
  if (x2_or_null) check_points(program, x2, "--x2");
  if (out.rows != static_cast<std::size_t>(x1.rows()) || out.cols != static_cast<std::size_t>(x2.rows()))
    throw std::invalid_argument("compute_kernel_into: the output view's shape differs from the kernel's");
  const auto d1 = diagonal_recursion(program, x1, kind);
  const std::optional<PointDiagonals> d2_own =
      x2_or_null ? std::optional(diagonal_recursion(program, x2, kind)) : std::nullopt;
  const PointDiagonals& d2 = d2_own ? *d2_own : d1;
  const bool symmetric = !x2_or_null && symmetric_given_diagonal(program, kind, d1);

  std::vector<TileJob> jobs;
  for (std::size_t i0 = 0; i0 < static_cast<std::size_t>(x1.rows()); i0 += tile)
    for (std::size_t j0 = symmetric ? i0 : 0; j0 < static_cast<std::size_t>(x2.rows()); j0 += tile) jobs.push_back({i0, j0});

  DivergentEntries divergent(program);
  FirstNan first_nan;
  const FusedTile fused(program, kind, x1, x2, d1, d2, divergent);
  tbb::task_arena arena(options.threads > 0 ? options.threads : tbb::task_arena::automatic);
  // Progress is reported between chunks of jobs, from this thread only.
  // Jobs run row-major in chunks: after a chunk, every row above its last job's tile row is
  // final (its lower part is mirrored from earlier rows).
  // (Each chunk ends in a barrier: few chunks when only the file is waiting for rows.)
  const std::size_t chunks = std::min<std::size_t>(options.progress ? 100 : options.rows_done ? 16 : 1, jobs.size());
  for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
    const std::size_t begin = jobs.size() * chunk / chunks, end = jobs.size() * (chunk + 1) / chunks;
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(begin, end), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t k = r.begin(); k != r.end(); ++k) {
          if (options.cancelled && options.cancelled()) return;
          run_job(fused, jobs[k], symmetric && jobs[k].i0 != jobs[k].j0, out, first_nan);
        }
      });
    });
    if (options.cancelled && options.cancelled()) throw Cancelled();
    if (options.progress) options.progress(static_cast<double>(end) / static_cast<double>(jobs.size()));
    if (options.rows_done) options.rows_done(end < jobs.size() ? jobs[end].i0 : out.rows);
  }
  divergent.throw_if_any(out.rows * out.cols, "kernel entries");
  return {first_nan.get(out.cols)};
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
