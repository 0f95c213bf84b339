// The compiled NNGP, NTK and SG-NTK against the published closed-form recursions.
#include <doctest/doctest.h>
#include <random>

#include "tests/kernel/kernel_fixture.h"
#include "tests/kernel/reference_kernels.h"

using namespace sgntk;
using namespace sgntk::test;

namespace {

std::vector<std::vector<double>> random_points(int n, int d, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> scale(0.3, 2.0);
  std::vector<std::vector<double>> pts(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(d)));
  for (auto& p : pts) {
    const double s = scale(rng);
    for (double& v : p) v = s * normal(rng);
  }
  return pts;
}

void check_against_reference(const Compiled& c, const ReferenceNet& net, runtime::KernelKind kind,
                             const std::vector<std::vector<double>>& x1, const std::vector<std::vector<double>>& x2,
                             double tolerance) {
  const auto m1 = to_matrix(x1), m2 = to_matrix(x2);
  const auto k = runtime::compute_kernel(c.program, kind, m1, &m2);
  auto pick = [&](const KernelValues& v) {
    return kind == runtime::KernelKind::nngp ? v.nngp : kind == runtime::KernelKind::ntk ? v.ntk : v.sgntk;
  };
  double worst = 0;
  for (std::size_t i = 0; i < x1.size(); ++i)
    for (std::size_t j = 0; j < x2.size(); ++j) {
      const double w = pick(reference_kernel(net, x1[i], x2[j]));
      // An entry that the bias makes cancel to below 1e-3 of its Cauchy-Schwarz scale
      // sqrt(K(x, x) K(x', x')) is judged against 1e-3 of that scale: its relative error is the
      // rounding of the O(scale) terms that cancel, times the cancellation, in any double
      // evaluation (seen: an erf(5x) NTK entry of -2e-5 on a scale of 0.6, 1.2e-12 relative).
      const double scale = std::sqrt(std::abs(pick(reference_kernel(net, x1[i], x1[i])) *
                                              pick(reference_kernel(net, x2[j], x2[j]))));
      const double got = k(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      worst = std::max(worst, std::abs(got - w) / std::max(std::abs(w), 1e-3 * scale));
    }
  CHECK(worst <= tolerance);
}

}  // namespace

TEST_CASE("NNGP and NTK of erf networks equal Williams' closed forms to 1e-12") {
  for (double m : {0.5, 2.0, 5.0, 20.0}) {
    for (int layers : {1, 2, 3}) {
      CAPTURE(m);
      CAPTURE(layers);
      auto c = compile(paper_network("erf(m*x)", "", layers, 3), {"m=" + std::to_string(m)});
      ReferenceNet net{Act::erf_m, m, false, layers};
      const auto x1 = random_points(20, 3, 1), x2 = random_points(17, 3, 2);
      check_against_reference(c, net, runtime::KernelKind::nngp, x1, x2, 1e-12);
      // For steep activations the derivative kernel (2/pi) / sqrt((e + a)(e + b) - c^2) is
      // ill-conditioned in c for nearly parallel inputs: a rounding of c in an earlier layer
      // is amplified by about c^2 / ((e + a)(e + b) - c^2) ~ a / e = 2 m^2 a. At m = 20 and 3
      // layers that makes 2.7e-12 against the long-double reference, which is the conditioning
      // of the problem, not an error of the formula; it is bounded here accordingly.
      check_against_reference(c, net, runtime::KernelKind::ntk, x1, x2, m >= 20 && layers >= 2 ? 1e-11 : 1e-12);
    }
  }
}

TEST_CASE("NNGP and NTK of relu networks equal the arc-cosine closed forms to 1e-12") {
  for (int layers : {1, 2, 4}) {
    CAPTURE(layers);
    auto c = compile(paper_network("relu", "", layers, 4));
    ReferenceNet net{Act::relu, 0, false, layers};
    const auto x1 = random_points(15, 4, 3), x2 = random_points(12, 4, 4);
    check_against_reference(c, net, runtime::KernelKind::nngp, x1, x2, 1e-12);
    check_against_reference(c, net, runtime::KernelKind::ntk, x1, x2, 1e-12);
  }
}

TEST_CASE("the SG-NTK of erf and sign networks with surrogate erf' equals the closed form") {
  const std::string surrogate = "2/sqrt(pi)*exp(-x^2)";
  for (double m : {2.0, 5.0, 20.0}) {
    CAPTURE(m);
    auto c = compile(paper_network("erf(m*x)", surrogate), {"m=" + std::to_string(m)});
    check_against_reference(c, ReferenceNet{Act::erf_m, m, true}, runtime::KernelKind::sgntk, random_points(14, 2, 5),
                            random_points(11, 2, 6), 1e-12);
  }
  auto c = compile(paper_network("sign", surrogate));
  check_against_reference(c, ReferenceNet{Act::sign, 0, true}, runtime::KernelKind::sgntk, random_points(14, 2, 7),
                          random_points(11, 2, 8), 1e-12);
  check_against_reference(c, ReferenceNet{Act::sign, 0, true}, runtime::KernelKind::nngp, random_points(14, 2, 7),
                          random_points(11, 2, 8), 1e-12);
}

TEST_CASE("m = inf turns erf(m*x) into sign: kernels equal the sign network's") {
  const std::string surrogate = "2/sqrt(pi)*exp(-x^2)";
  auto limit = compile(paper_network("erf(m*x)", surrogate), {"m=inf"});
  auto sign = compile(paper_network("sign", surrogate));
  const auto grid = to_matrix(circle_grid());
  for (auto kind : {runtime::KernelKind::nngp, runtime::KernelKind::sgntk}) {
    const auto a = runtime::compute_kernel(limit.program, kind, grid, nullptr);
    const auto b = runtime::compute_kernel(sign.program, kind, grid, nullptr);
    CHECK((a.array() == b.array()).all());
  }
}

TEST_CASE("the SG-NTK of erf(m x) tends to that of the sign network as m grows") {
  const std::string surrogate = "2/sqrt(pi)*exp(-x^2)";
  const auto grid = to_matrix(circle_grid());
  auto sign = compile(paper_network("sign", surrogate));
  const auto target = runtime::compute_kernel(sign.program, runtime::KernelKind::sgntk, grid, nullptr);
  // The distance shrinks like 1/m (erf(m x) differs from sign(x) on a band of width 1/m).
  double previous = INFINITY;
  for (double m : {2.0, 5.0, 20.0, 100.0, 1000.0, 1e4, 1e5}) {
    auto c = compile(paper_network("erf(m*x)", surrogate), {"m=" + std::to_string(m)});
    const auto k = runtime::compute_kernel(c.program, runtime::KernelKind::sgntk, grid, nullptr);
    const double distance = (k - target).cwiseAbs().maxCoeff();
    CAPTURE(m);
    CHECK(distance < previous);
    previous = distance;
  }
  CHECK(previous < 1e-3);
}

TEST_CASE("the naive NTK at m = inf is +inf on the diagonal and finite elsewhere") {
  auto c = compile(paper_network("erf(m*x)"), {"m=inf"});
  const auto grid = to_matrix(circle_grid());
  const auto k = runtime::compute_kernel(c.program, runtime::KernelKind::ntk, grid, nullptr);
  for (Eigen::Index i = 0; i < k.rows(); ++i)
    for (Eigen::Index j = 0; j < k.cols(); ++j) {
      if (i == j) CHECK(std::isinf(k(i, j)));
      else CHECK(std::isfinite(k(i, j)));
      CHECK(!std::isnan(k(i, j)));
    }
  CHECK(c.program.hidden[0].ntk.infinite_on_diagonal);
}

TEST_CASE("the SG-NTK is asymmetric for inputs of different norms and symmetric on the circle") {
  auto c = compile(paper_network("sign", "2/sqrt(pi)*exp(-x^2)"));
  const auto mixed = to_matrix({{0.2, 0.1}, {1.5, -0.7}, {0.0, 3.0}});
  CHECK_FALSE(runtime::kernel_is_symmetric(c.program, runtime::KernelKind::sgntk, mixed));
  const auto k = runtime::compute_kernel(c.program, runtime::KernelKind::sgntk, mixed, nullptr);
  CHECK(std::abs(k(0, 1) - k(1, 0)) > 1e-3 * std::abs(k(0, 1)));
  const auto grid = to_matrix(circle_grid());
  CHECK(runtime::kernel_is_symmetric(c.program, runtime::KernelKind::sgntk, grid));
  // On the circle the full (non-mirrored) computation is symmetric too.
  const auto g = runtime::compute_kernel(c.program, runtime::KernelKind::sgntk, grid, &grid);
  CHECK((g - g.transpose()).cwiseAbs().maxCoeff() <= 1e-13 * g.cwiseAbs().maxCoeff());
}

TEST_CASE("kernels are bitwise identical for every thread count") {
  auto c = compile(paper_network("erf(m*x)", "2/sqrt(pi)*exp(-x^2)", 3, 5));
  const auto x = to_matrix(random_points(70, 5, 9));
  for (auto kind : {runtime::KernelKind::nngp, runtime::KernelKind::ntk, runtime::KernelKind::sgntk}) {
    runtime::KernelOptions one, two;
    one.threads = 1;
    two.threads = 2;
    const auto a = runtime::compute_kernel(c.program, kind, x, nullptr, one);
    const auto b = runtime::compute_kernel(c.program, kind, x, nullptr, two);
    CHECK(std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0);
  }
}
