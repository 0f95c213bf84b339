// Kernel benchmark (issue 3). In one process:
//  (a) the compiled program for the NTK of a 3-hidden-layer erf network, N = 4096 points in
//      dimension 16, against (b) a hand-written fused loop of the same closed forms (the speed
//      of light), reported as the time ratio (goal <= 1.5);
//  entries x layers per second per core for that case and for a quadrature case (sign network,
//  fast-sigmoid surrogate 1/(1 + 25|x|)^2, SG-NTK);
//  the peak memory of an N = 20000 NTK, measured in a child process, against the output matrix.
// Usage: bench_kernel [--n N] [--quick]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <numbers>
#include <random>
#include <string>
#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include "compiler/lower/lower.h"
#include "compiler/sema/load_spec.h"
#include "runtime/bind.h"
#include "runtime/kernels.h"

using namespace sgntk;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double sw = 1.0, sb = 0.1, m = 2.0;

std::string erf_spec(int layers, int input) {
  std::string s = fmt::format("network bench(input = {}) {{\n", input);
  for (int l = 0; l < layers; ++l) s += fmt::format("  dense(width = 512, sigma_w = {}, sigma_b = {}, act = erf({}*x))\n", sw, sb, m);
  return s + fmt::format("  readout(outputs = 1, sigma_w = {}, sigma_b = {})\n}}\n", sw, sb);
}

const char* sign_fast_sigmoid_spec = R"(
network bench(input = 16) {
  dense(width = 512, sigma_w = 1, sigma_b = 0.1, act = sign, surrogate = 1/(1 + 25*abs(x))^2)
  dense(width = 512, sigma_w = 1, sigma_b = 0.1, act = sign, surrogate = 1/(1 + 25*abs(x))^2)
  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)
}
)";

runtime::KernelProgram compile(const std::string& text) {
  Diagnostics diags;
  auto spec = load_spec_text("bench.sgntk", text, {}, diags);
  std::optional<runtime::KernelProgram> program;
  if (spec)
    if (const auto data = lower::lower(spec->module, "", {}, diags)) program = runtime::bind(*data).program;
  if (!program) {
    fmt::print(stderr, "{}", diags.render());
    std::exit(3);
  }
  return *program;
}

runtime::RowMatrix random_points(int n, int d, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  runtime::RowMatrix x(n, d);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = normal(rng);
  return x;
}

// (b) The speed of light: the erf NTK recursion written out by hand, same symmetry (upper
// triangle), same parallel split over rows, plain libm calls.
runtime::RowMatrix hand_written_erf_ntk(const runtime::RowMatrix& x, int layers) {
  const Eigen::Index n = x.rows();
  const double d = static_cast<double>(x.cols()), w2 = sw * sw, b2 = sb * sb, eps = 1 / (2 * m * m);
  const double two_over_pi = 2 / std::numbers::pi;
  std::vector<std::vector<double>> diag(static_cast<std::size_t>(layers) + 1, std::vector<double>(static_cast<std::size_t>(n)));
  for (Eigen::Index i = 0; i < n; ++i) diag[0][static_cast<std::size_t>(i)] = w2 * x.row(i).squaredNorm() / d + b2;
  for (int l = 0; l < layers; ++l)
    for (Eigen::Index i = 0; i < n; ++i) {
      const double a = diag[static_cast<std::size_t>(l)][static_cast<std::size_t>(i)];
      diag[static_cast<std::size_t>(l) + 1][static_cast<std::size_t>(i)] = w2 * two_over_pi * std::asin(a / (eps + a)) + b2;
    }
  runtime::RowMatrix out(n, n);
  tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, n, 16), [&](const tbb::blocked_range<Eigen::Index>& r) {
    for (Eigen::Index i = r.begin(); i != r.end(); ++i)
      for (Eigen::Index j = i; j < n; ++j) {
        double c = w2 * x.row(i).dot(x.row(j)) / d + b2, theta = c;
        for (int l = 0; l < layers; ++l) {
          const double a = diag[static_cast<std::size_t>(l)][static_cast<std::size_t>(i)];
          const double b = diag[static_cast<std::size_t>(l)][static_cast<std::size_t>(j)];
          const double p = (eps + a) * (eps + b);
          const double e_phi = two_over_pi * std::asin(c / std::sqrt(p));
          const double e_dot = two_over_pi / std::sqrt(p - c * c);
          c = w2 * e_phi + b2;
          theta = theta * w2 * e_dot + c;
        }
        out(i, j) = out(j, i) = theta;
      }
  });
  return out;
}

template <class F>
double seconds(F&& f) {
  const auto t0 = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

long peak_rss_kib_of_child(const std::function<void()>& work) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    work();
    std::_Exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  struct rusage usage {};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  int n = 4096, n_memory = 20000, n_quadrature = 256;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) n = 1024, n_memory = 4000, n_quadrature = 64;
    if (std::strcmp(argv[i], "--n") == 0 && i + 1 < argc) n = std::atoi(argv[++i]);
  }
  const int cores = tbb::info::default_concurrency();
  fmt::print("sgntk kernel benchmark: {} cores\n", cores);

  // Memory first, in a child, before this process holds large matrices.
  {
    const auto program = compile(erf_spec(3, 16));
    const long baseline = peak_rss_kib_of_child([] {});
    const long peak = peak_rss_kib_of_child([&] {
      const auto x = random_points(n_memory, 16, 3);
      const auto k = runtime::compute_kernel(program, runtime::KernelKind::ntk, x, nullptr);
      if (!std::isfinite(k(0, 1))) std::_Exit(1);
    });
    const double matrix_kib = double(n_memory) * n_memory * 8 / 1024;
    fmt::print("memory: N = {} NTK: peak RSS {:.0f} MiB (above a {:.0f} MiB idle child), output matrix {:.0f} MiB, "
               "ratio {:.3f} (goal <= 1.2)\n",
               n_memory, (peak - baseline) / 1024.0, baseline / 1024.0, matrix_kib / 1024, (peak - baseline) / matrix_kib);
  }

  const auto x = random_points(n, 16, 1);
  const auto program = compile(erf_spec(3, 16));
  runtime::RowMatrix compiled, hand;
  const double t_compiled = seconds([&] { compiled = runtime::compute_kernel(program, runtime::KernelKind::ntk, x, nullptr); });
  const double t_hand = seconds([&] { hand = hand_written_erf_ntk(x, 3); });
  // Relative to the kernel's scale: single entries near zero make pointwise ratios meaningless.
  const double max_rel = (compiled - hand).cwiseAbs().maxCoeff() / hand.cwiseAbs().maxCoeff();
  const double entry_layers = double(n) * (n + 1) / 2 * 3;
  fmt::print("erf NTK, 3 hidden layers, N = {}, d = 16: compiled {:.3f} s, hand-written {:.3f} s, ratio {:.3f} (goal <= 1.5); "
             "max difference {:.2e} of the largest entry\n",
             n, t_compiled, t_hand, t_compiled / t_hand, max_rel);
  fmt::print("  compiled: {:.3g} entries x layers per second per core\n", entry_layers / t_compiled / cores);

  const auto quad_program = compile(sign_fast_sigmoid_spec);
  const auto xq = random_points(n_quadrature, 16, 2);
  runtime::RowMatrix kq;
  const double t_quad = seconds([&] { kq = runtime::compute_kernel(quad_program, runtime::KernelKind::sgntk, xq, nullptr); });
  const double quad_entry_layers = double(n_quadrature) * n_quadrature * 2;
  fmt::print("sign SG-NTK, fast-sigmoid surrogate (quadrature), N = {}: {:.3f} s, {:.3g} entries x layers per second per core\n",
             n_quadrature, t_quad, quad_entry_layers / t_quad / cores);
  return 0;
}
