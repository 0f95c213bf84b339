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

namespace sgntk::runtime {
namespace {

constexpr std::size_t tile = 16;                 // tile x tile entries run fused together
constexpr std::size_t tile_entries = tile * tile;

// The weight and bias scales of the affine map that reads layer l's activation (l = -1: input).
struct Scales {
  double w2, b2;
};
Scales reader_of(const KernelProgram& p, std::ptrdiff_t l) {
  const std::size_t next = static_cast<std::size_t>(l + 1);
  if (next < p.hidden.size()) return {p.hidden[next].sigma_w * p.hidden[next].sigma_w, p.hidden[next].sigma_b * p.hidden[next].sigma_b};
  return {p.readout_sigma_w * p.readout_sigma_w, p.readout_sigma_b * p.readout_sigma_b};
}

// Sigma^l(x, x) for every layer l = 0..L (index 0: the input layer's Sigma^1), per point.
std::vector<std::vector<double>> diagonal_recursion(const KernelProgram& p, const RowMatrix& x) {
  const std::size_t n = static_cast<std::size_t>(x.rows());
  const Scales in = reader_of(p, -1);
  std::vector<std::vector<double>> diag(p.hidden.size() + 1, std::vector<double>(n));
  for (std::size_t i = 0; i < n; ++i) diag[0][i] = in.w2 * x.row(static_cast<Eigen::Index>(i)).squaredNorm() / p.input_dim + in.b2;
  std::vector<double> e(n);
  DivergentEntries divergent(p);
  const auto bad = std::make_unique<bool[]>(n);
  for (std::size_t l = 0; l < p.hidden.size(); ++l) {
    const std::vector<double>& s = diag[l];
    divergent.mark(l, 0, p.hidden[l].nngp, s.data(), s.data(), s.data(), bad.get(), n, 1);
    divergent.throw_if_any(n, "points (their variances Sigma(x, x))");
    evaluate(p.hidden[l].nngp, s.data(), s.data(), s.data(), e.data(), n);
    const Scales next = reader_of(p, static_cast<std::ptrdiff_t>(l));
    for (std::size_t i = 0; i < n; ++i) diag[l + 1][i] = next.w2 * e[i] + next.b2;
  }
  return diag;
}

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

class FusedKernel {
 public:
  FusedKernel(const KernelProgram& p, KernelKind kind, const RowMatrix& x1, const RowMatrix& x2,
              const std::vector<std::vector<double>>& d1, const std::vector<std::vector<double>>& d2, MatrixView out,
              DivergentEntries& divergent, FirstNan& first_nan)
      : p_(p), kind_(kind), x1_(x1), x2_(x2), d1_(d1), d2_(d2), out_(out), divergent_(divergent), first_nan_(first_nan) {}

  void run(const TileJob& job, bool mirror) const {
    const std::size_t ni = std::min(tile, static_cast<std::size_t>(x1_.rows()) - job.i0);
    const std::size_t nj = std::min(tile, static_cast<std::size_t>(x2_.rows()) - job.j0);
    const std::size_t n = ni * nj;
    std::array<double, tile_entries> a, b, c, theta, e, d;
    std::array<bool, tile_entries> divergent{};  // entries whose expectations diverge: refused
    const Scales in = reader_of(p_, -1);
    const double inv_dim = 1.0 / p_.input_dim;
    for (std::size_t i = 0; i < ni; ++i)
      for (std::size_t j = 0; j < nj; ++j) {
        const auto r1 = x1_.row(static_cast<Eigen::Index>(job.i0 + i));
        const auto r2 = x2_.row(static_cast<Eigen::Index>(job.j0 + j));
        double dot = 0;
        for (Eigen::Index k = 0; k < r1.size(); ++k) dot += r1[k] * r2[k];
        c[i * nj + j] = in.w2 * dot * inv_dim + in.b2;
      }
    std::copy_n(c.begin(), n, theta.begin());
    const Expectation* dot_expectation = nullptr;
    for (std::size_t l = 0; l < p_.hidden.size(); ++l) {
      for (std::size_t i = 0; i < ni; ++i)
        for (std::size_t j = 0; j < nj; ++j) {
          a[i * nj + j] = d1_[l][job.i0 + i];
          b[i * nj + j] = d2_[l][job.j0 + j];
        }
      const LayerProgram& layer = p_.hidden[l];
      const Scales next = reader_of(p_, static_cast<std::ptrdiff_t>(l));
      dot_expectation = kind_ == KernelKind::ntk ? &layer.ntk : kind_ == KernelKind::sgntk ? &layer.sgntk : nullptr;
      // A divergent entry is counted (the run then fails) and evaluated at a harmless zero law.
      const std::size_t weight = mirror ? 2 : 1;
      divergent_.mark(l, 0, layer.nngp, a.data(), b.data(), c.data(), divergent.data(), n, weight);
      if (dot_expectation) divergent_.mark(l, 1, *dot_expectation, a.data(), b.data(), c.data(), divergent.data(), n, weight);
      for (std::size_t k = 0; k < n; ++k)
        if (divergent[k]) a[k] = b[k] = c[k] = 0.0;
      if (dot_expectation) {
        const Expectation* both[] = {&layer.nngp, dot_expectation};
        double* outs[] = {e.data(), d.data()};
        evaluate_all(both, a.data(), b.data(), c.data(), outs, n);
      } else {
        evaluate(layer.nngp, a.data(), b.data(), c.data(), e.data(), n);
      }
      for (std::size_t k = 0; k < n; ++k) c[k] = next.w2 * e[k] + next.b2;
      if (dot_expectation)
        for (std::size_t k = 0; k < n; ++k) theta[k] = theta[k] * (next.w2 * d[k]) + c[k];
    }
    const std::array<double, tile_entries>& result = kind_ == KernelKind::nngp ? c : theta;
    for (std::size_t i = 0; i < ni; ++i)
      for (std::size_t j = 0; j < nj; ++j) {
        const double v = divergent[i * nj + j] ? std::nan("") : result[i * nj + j];
        out_(job.i0 + i, job.j0 + j) = v;
        if (mirror) out_(job.j0 + j, job.i0 + i) = v;
        if (std::isnan(v)) {
          first_nan_.offer(job.i0 + i, job.j0 + j, out_.cols);
          if (mirror) first_nan_.offer(job.j0 + j, job.i0 + i, out_.cols);
        }
      }
  }

 private:
  const KernelProgram& p_;
  KernelKind kind_;
  const RowMatrix &x1_, &x2_;
  const std::vector<std::vector<double>>&d1_, &d2_;
  MatrixView out_;
  DivergentEntries& divergent_;
  FirstNan& first_nan_;
};

}  // namespace

namespace {

// Symmetry of the kernel of x1 against itself, given x1's diagonal recursion.
bool symmetric_given_diagonal(const KernelProgram& program, KernelKind kind,
                              const std::vector<std::vector<double>>& diag) {
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
  return symmetric_given_diagonal(program, kind, diagonal_recursion(program, x1));
}

KernelSummary compute_kernel_into(const KernelProgram& program, KernelKind kind, const RowMatrix& x1,
                                  const RowMatrix* x2_or_null, MatrixView out, const KernelOptions& options) {
  require_available(program, kind);
  check_points(program, x1, "--x1");
  const RowMatrix& x2 = x2_or_null ? *x2_or_null : x1;
  if (x2_or_null) check_points(program, x2, "--x2");
  if (out.rows != static_cast<std::size_t>(x1.rows()) || out.cols != static_cast<std::size_t>(x2.rows()))
    throw std::invalid_argument("compute_kernel_into: the output view's shape differs from the kernel's");
  const auto d1 = diagonal_recursion(program, x1);
  const auto d2 = x2_or_null ? diagonal_recursion(program, x2) : d1;
  const bool symmetric = !x2_or_null && symmetric_given_diagonal(program, kind, d1);

  std::vector<TileJob> jobs;
  for (std::size_t i0 = 0; i0 < static_cast<std::size_t>(x1.rows()); i0 += tile)
    for (std::size_t j0 = symmetric ? i0 : 0; j0 < static_cast<std::size_t>(x2.rows()); j0 += tile) jobs.push_back({i0, j0});

  DivergentEntries divergent(program);
  FirstNan first_nan;
  const FusedKernel kernel(program, kind, x1, x2, d1, d2, out, divergent, first_nan);
  tbb::task_arena arena(options.threads > 0 ? options.threads : tbb::task_arena::automatic);
  // Progress is reported between chunks of jobs, from this thread only.
  const std::size_t chunks = options.progress ? std::min<std::size_t>(100, jobs.size()) : 1;
  for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
    const std::size_t begin = jobs.size() * chunk / chunks, end = jobs.size() * (chunk + 1) / chunks;
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(begin, end), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t k = r.begin(); k != r.end(); ++k) {
          if (options.cancelled && options.cancelled()) return;
          kernel.run(jobs[k], symmetric && jobs[k].i0 != jobs[k].j0);
        }
      });
    });
    if (options.cancelled && options.cancelled()) throw Cancelled();
    if (options.progress) options.progress(static_cast<double>(end) / static_cast<double>(jobs.size()));
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
