// Numeric expectations benchmark (issue 9). In one process, run alternately, medians:
//  * the kernel of a 3-hidden-layer network whose activation has no closed form (tanh, SiLU,
//    softplus: the engine's Mehler series; piecewise cases: triangle and boxcar surrogates on
//    tanh (the series with a piecewise side), relu^2, a shifted step and a steep shifted erf
//    (closed forms)) against the same network with erf(2x), whose expectations are closed
//    forms, on the same N points in d = 16 with different norms (rows scaled by U(0.3, 2.5));
//  * the ratio (goals: <= 5 for the smooth cases, <= 10 for the piecewise ones) and entries x
//    layers per second per core. The SG-NTK baseline is erf(2x) with the Gaussian surrogate
//    2/sqrt(pi) exp(-x^2) (closed forms too): like the cases, its kernel is not symmetric for
//    points of different norms, so both compute the whole matrix.
// Compute only: into a buffer (the file write is the same for every case).
// Usage: bench_numeric_kernel [--n N] [--n-piecewise N] [--reps R] [--quick] [--only SUBSTRING]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <random>
#include <string>
#include <tbb/info.h>
#include <vector>

#include "bench/compile_spec.h"
#include "cli/jobs/jobs.h"
#include "runtime/kernels.h"

using namespace sgntk;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int hidden_layers = 3, input_dim = 16;

struct Case {
  std::string name, act;  // the dense layer's act (and surrogate) text
  runtime::KernelKind kind;
  bool piecewise;
};

const char* surrogates = R"(
surrogate sig_prime(x) = 4 * exp(-4*x) / (1 + exp(-4*x))^2
surrogate triangle(x) = max(0, 1 - abs(x))
surrogate boxcar(x) = if(abs(x) < 0.5, 1, 0)
surrogate gauss(x) = 2/sqrt(pi) * exp(-x^2)
)";

const std::vector<Case> cases = {
    {"tanh NTK", "tanh(x)", runtime::KernelKind::ntk, false},
    {"SiLU NTK", "x/(1 + exp(-x))", runtime::KernelKind::ntk, false},
    {"softplus NTK", "log(1 + exp(x))", runtime::KernelKind::ntk, false},
    {"tanh SG-NTK (sigmoid')", "tanh(x), surrogate = sig_prime", runtime::KernelKind::sgntk, false},
    {"SiLU SG-NTK (sigmoid')", "x/(1 + exp(-x)), surrogate = sig_prime", runtime::KernelKind::sgntk, false},
    {"softplus SG-NTK (sigmoid')", "log(1 + exp(x)), surrogate = sig_prime", runtime::KernelKind::sgntk, false},
    {"tanh SG-NTK (erf', Gaussian)", "tanh(x), surrogate = gauss", runtime::KernelKind::sgntk, false},
    {"relu^2 NTK", "relu(x)^2", runtime::KernelKind::ntk, true},
    {"tanh SG-NTK (triangle)", "tanh(x), surrogate = triangle", runtime::KernelKind::sgntk, true},
    {"tanh SG-NTK (boxcar)", "tanh(x), surrogate = boxcar", runtime::KernelKind::sgntk, true},
    {"shifted step NNGP", "heaviside(x - 0.3)", runtime::KernelKind::nngp, true},
    {"steep shifted erf NNGP", "erf(1000*(x - 0.2))", runtime::KernelKind::nngp, true},
};

std::string network_spec(const std::string& act) {
  std::string s = fmt::format("{}network bench(input = {}) {{\n", surrogates, input_dim);
  for (int l = 0; l < hidden_layers; ++l)
    s += fmt::format("  dense(width = 512, sigma_w = 1, sigma_b = 0.1, act = {})\n", act);
  return s + "  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)\n}\n";
}

runtime::KernelProgram compile(const std::string& text) { return bench::compile_spec(text); }

runtime::RowMatrix points(int n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> scale(0.3, 2.5);
  runtime::RowMatrix x(n, input_dim);
  for (int i = 0; i < n; ++i) {
    const double s = scale(rng);
    for (int k = 0; k < input_dim; ++k) x(i, k) = s * normal(rng);
  }
  return x;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

double seconds_of(const runtime::KernelProgram& p, runtime::KernelKind kind, const runtime::RowMatrix& x,
                  runtime::RowMatrix& buffer) {
  const runtime::MatrixView view{buffer.data(), std::size_t(buffer.rows()), std::size_t(buffer.cols()),
                                 std::size_t(buffer.cols())};
  const auto t0 = Clock::now();
  jobs::kernel_into(p, kind, x, nullptr, view, {});
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void run_case(const Case& c, int n, int reps, int cores) {
  const auto program = compile(network_spec(c.act));
  const auto erf = compile(network_spec(c.kind == runtime::KernelKind::sgntk ? "erf(2*x), surrogate = gauss" : "erf(2*x)"));
  const auto x = points(n, 1);
  runtime::RowMatrix buffer = runtime::RowMatrix::Zero(n, n);
  std::vector<double> ours, base;
  for (int r = 0; r < reps; ++r) {
    if (r % 2 == 0) {
      ours.push_back(seconds_of(program, c.kind, x, buffer));
      base.push_back(seconds_of(erf, c.kind, x, buffer));
    } else {
      base.push_back(seconds_of(erf, c.kind, x, buffer));
      ours.push_back(seconds_of(program, c.kind, x, buffer));
    }
  }
  // the SG-NTK of points of different norms is not symmetric: every entry is computed
  const double entries = c.kind == runtime::KernelKind::sgntk ? double(n) * n : double(n) * (n + 1) / 2;
  const double entry_layers = entries * hidden_layers;
  const double ratio = median(ours) / median(base);
  fmt::print("  {:<28} N = {:5}: {:8.3f} s vs erf(2x){} {:.3f} s: ratio {:6.2f} (goal <= {}) {}; {:.3g} entries x "
             "layers / s / core\n",
             c.name, n, median(ours), c.kind == runtime::KernelKind::sgntk ? " (Gaussian surrogate)" : "", median(base), ratio, c.piecewise ? 10 : 5,
             ratio <= (c.piecewise ? 10 : 5) ? "met" : "NOT met", entry_layers / median(ours) / cores);
}

}  // namespace

int main(int argc, char** argv) {
  int n = 4096, n_piecewise = 4096, reps = 3;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) n = 512, n_piecewise = 512, reps = 1;
    if (std::strcmp(argv[i], "--n") == 0 && i + 1 < argc) n = std::atoi(argv[++i]);
    if (std::strcmp(argv[i], "--n-piecewise") == 0 && i + 1 < argc) n_piecewise = std::atoi(argv[++i]);
    if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
  }
  const int cores = tbb::info::default_concurrency();
  fmt::print("numeric expectations: {} hidden layers, sigma_w 1, sigma_b 0.1, d = {}, |x| / sqrt(d) ~ U(0.3, 2.5) "
             "x N(0, 1); {} cores; medians of {}, alternately with erf(2x)\n",
             hidden_layers, input_dim, cores, reps);
  for (const Case& c : cases)
    if (c.name.find(only) != std::string::npos) run_case(c, c.piecewise ? n_piecewise : n, reps, cores);
}
