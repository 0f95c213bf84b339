// The speed-of-light loop of bench/ must compute the kernel it is timed against: its NTK
// against runtime::compute_kernel (today's engine) off the diagonal, and against the closed
// rho = 1 recursion (written out here) on it, for every instruction set this CPU runs.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "bench/hand_fused_kernels.h"
#include "tests/kernel/kernel_fixture.h"

using namespace sgntk;

namespace {

std::string spec_of(const bench::HandNetwork& net, int input) {
  const bool relu = net.activation == bench::HandActivation::relu;
  const std::string act = relu ? "relu" : "erf(" + std::to_string(net.m) + "*x)";
  std::string text = "network net(input = " + std::to_string(input) + ") {\n";
  const std::string scales = "sigma_w = " + std::to_string(net.sigma_w) + ", sigma_b = " + std::to_string(net.sigma_b);
  for (int l = 0; l < net.hidden_layers; ++l) text += "  dense(width = 512, " + scales + ", act = " + act + ")\n";
  return text + "  readout(outputs = 1, " + scales + ")\n}\n";
}

// Points of different norms; n is not a multiple of the tile so that the edges are covered.
runtime::RowMatrix points(int n, int d) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> scale(0.2, 3.0);
  runtime::RowMatrix x(n, d);
  for (int i = 0; i < n; ++i) {
    const double s = scale(rng);
    for (int k = 0; k < d; ++k) x(i, k) = s * normal(rng);
  }
  return x;
}

// Theta(x, x) by the rho = 1 closed forms, independently of the loop's own diagonal code.
double diagonal_ntk(const bench::HandNetwork& net, const runtime::RowMatrix& x, int i) {
  const double w2 = net.sigma_w * net.sigma_w, b2 = net.sigma_b * net.sigma_b, m2 = net.m * net.m;
  double s = w2 * x.row(i).squaredNorm() / double(x.cols()) + b2, theta = s;
  for (int l = 0; l < net.hidden_layers; ++l) {
    double e_phi = s / 2, e_dot = 0.5;
    if (net.activation == bench::HandActivation::erf) {
      e_phi = 2 / std::numbers::pi * std::asin(2 * m2 * s / (1 + 2 * m2 * s));
      e_dot = 4 * m2 / std::numbers::pi / std::sqrt((1 + 2 * m2 * s) * (1 + 2 * m2 * s) - 4 * m2 * m2 * s * s);
    }
    s = w2 * e_phi + b2;
    theta = theta * w2 * e_dot + s;
  }
  return theta;
}

// Relative error, but an entry that cancels to below 1e-3 of its Cauchy-Schwarz scale
// sqrt(K(x, x) K(x', x')) (the erf kernels change sign) is judged against that 1e-3: there both
// routes lose the digits of the cancellation, each rounding its own way.
double off_diagonal_error(const runtime::RowMatrix& got, const runtime::RowMatrix& want, int i, int j) {
  const double floor = 1e-3 * std::sqrt(want(i, i) * want(j, j));
  return std::abs(got(i, j) - want(i, j)) / std::max(std::abs(want(i, j)), floor);
}

void check_against_engine(const bench::HandNetwork& net) {
  const int n = 203, d = 16;
  const auto x = points(n, d);
  const auto program = test::compile(spec_of(net, d)).program;
  const auto engine = runtime::compute_kernel(program, runtime::KernelKind::ntk, x, nullptr);
  for (const auto isa : {bench::HandIsa::avx512, bench::HandIsa::avx2, bench::HandIsa::scalar}) {
    if (!bench::hand_isa_supported(isa)) continue;
    CAPTURE(bench::hand_isa_name(isa));
    runtime::RowMatrix hand = runtime::RowMatrix::Constant(n, n, std::nan(""));
    bench::hand_fused_ntk(net, x, {hand.data(), size_t(n), size_t(n), size_t(n)}, isa);
    double worst_off = 0, worst_diag = 0;
    bool symmetric = true;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        symmetric = symmetric && hand(i, j) == hand(j, i);
        if (i != j) worst_off = std::max(worst_off, off_diagonal_error(hand, engine, i, j));
      }
    for (int i = 0; i < n; ++i)
      worst_diag = std::max(worst_diag, test::relative_error(hand(i, i), diagonal_ntk(net, x, i)));
    CHECK(symmetric);
    CHECK(worst_off <= 1e-12);
    CHECK(worst_diag <= 1e-14);
  }
}

}  // namespace

TEST_CASE("hand-fused erf(2x) NTK (3 hidden layers) matches the engine off the diagonal and the closed diagonal") {
  check_against_engine({bench::HandActivation::erf, 2.0, 1.0, 0.1, 3});
}

TEST_CASE("hand-fused erf(0.5x) NTK (1 hidden layer, sigma_w 1.5) matches the engine and the closed diagonal") {
  check_against_engine({bench::HandActivation::erf, 0.5, 1.5, 0.3, 1});
}

TEST_CASE("hand-fused relu NTK (3 hidden layers) matches the engine off the diagonal and the closed diagonal") {
  check_against_engine({bench::HandActivation::relu, 1.0, 1.0, 0.1, 3});
}

TEST_CASE("hand-fused relu NTK without bias (2 hidden layers, sigma_w 1.4) matches the engine and the diagonal") {
  check_against_engine({bench::HandActivation::relu, 1.0, 1.4, 0.0, 2});
}
