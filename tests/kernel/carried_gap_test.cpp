// The engine carries each entry's gap ab - c^2 and distance a + b - 2c without cancellation.
// These tests check what that buys, against facts that need no reference implementation:
// symmetry bit for bit, exact diagonals of jump networks, and continuity at the diagonal.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>

#include "tests/kernel/kernel_fixture.h"

namespace sgntk::test {
namespace {

std::string network(const std::string& act, const std::string& surrogate, int layers, double sigma_b) {
  std::string layer = "  dense(width = 100, sigma_w = 1, sigma_b = " + std::to_string(sigma_b) + ", act = " + act +
                      (surrogate.empty() ? "" : ", surrogate = " + surrogate) + ")\n";
  std::string text = "surrogate g(x) = 2/sqrt(pi) * exp(-x^2)\nnetwork net(input = 16) {\n";
  for (int l = 0; l < layers; ++l) text += layer;
  return text + "  readout(outputs = 1, sigma_w = 1, sigma_b = " + std::to_string(sigma_b) + ")\n}\n";
}

}  // namespace

TEST_CASE("K(x1, x2) with x2 a copy of x1 equals the symmetric path's K(x1) bit for bit") {
  const auto x = random_rows(40, 16, 1);
  const runtime::RowMatrix copy = x;
  for (const char* act : {"relu", "sign", "erf(2*x)", "heaviside"}) {
    CAPTURE(act);
    const auto c = compile(network(act, "g", 3, 0.1));
    for (auto kind : {runtime::KernelKind::nngp, runtime::KernelKind::sgntk}) {
      const auto a = runtime::compute_kernel(c.program, kind, x, nullptr);
      const auto b = runtime::compute_kernel(c.program, kind, x, &copy);
      CHECK(a == b);
    }
  }
}

TEST_CASE("the NNGP diagonal of a sign network is sigma_w^2 + sigma_b^2 in every layer, to the last bit") {
  // E[sign(u)^2] = 1 whatever the variance: Sigma^(l+1)(x, x) = 1 + 0.01 exactly in double.
  // A correlation rounded below 1 would make it 1 - O(sqrt(eps)) after one layer, and the
  // next layer amplifies that again (4e-5 before the gap was carried).
  const auto x = random_rows(30, 16, 2);
  const auto c = compile(network("sign", "g", 3, 0.1));
  const auto k = runtime::compute_kernel(c.program, runtime::KernelKind::nngp, x, nullptr);
  for (Eigen::Index i = 0; i < x.rows(); ++i) CHECK(k(i, i) == 1.0 + 0.1 * 0.1);
}

TEST_CASE("kernels that are Lipschitz at the diagonal stay so: K(x, x + h u) -> K(x, x) as h -> 0") {
  // The relu kernels (any depth: the arc-cosine map is C^1 at rho = 1) and one layer of sign or
  // heaviside (the angle enters linearly) move by O(h) when x' moves by h, so at h = 1e-12 an
  // entry differs from the diagonal by O(1e-12). Without the carried gap the rounding of rho
  // near 1 alone moves them by about sqrt(eps) = 1e-8. (Deeper jump networks are only Hoelder
  // 1/2 at the diagonal: each layer takes a square root of the angle.)
  const auto x = random_rows(12, 16, 3);
  auto u = random_rows(12, 16, 4);
  u.rowwise().normalize();
  const runtime::RowMatrix near = x + 1e-12 * u;
  struct Case {
    std::string act;
    int layers;
    runtime::KernelKind kind;
  };
  for (const Case& t : {Case{"relu", 3, runtime::KernelKind::ntk}, Case{"relu", 3, runtime::KernelKind::nngp},
                        Case{"sign", 1, runtime::KernelKind::sgntk}, Case{"sign", 1, runtime::KernelKind::nngp},
                        Case{"heaviside", 1, runtime::KernelKind::sgntk}}) {
    CAPTURE(t.act);
    CAPTURE(t.layers);
    const auto c = compile(network(t.act, "g", t.layers, 0.1));
    const auto same = runtime::compute_kernel(c.program, t.kind, x, nullptr);
    const auto moved = runtime::compute_kernel(c.program, t.kind, x, &near);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      CAPTURE(i);
      CHECK(std::abs(moved(i, i) - same(i, i)) <= 1e-10 * std::abs(same(i, i)));
    }
  }
}

TEST_CASE("a relu network without bias keeps the tiny kernel of nearly opposite inputs to full precision") {
  // x' = -x + 1e-6 u: one relu layer gives E[relu(u) relu(v)] = |c| (t - atan t) / (2 pi) with
  // t = sqrt(ab - c^2) / |c| ~ 1e-6, i.e. about |c| t^3 / (6 pi). Its leading order, from the
  // exact geometry of the two points, must match to the next order t^2.
  const auto x = random_rows(10, 16, 5);
  auto u = random_rows(10, 16, 6);
  // the part of u orthogonal to x, unit length
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    u.row(i) -= u.row(i).dot(x.row(i)) / x.row(i).squaredNorm() * x.row(i);
    u.row(i).normalize();
  }
  const runtime::RowMatrix opposite = -x + 1e-6 * u;
  const auto c = compile(network("relu", "", 1, 0.0));
  const auto k = runtime::compute_kernel(c.program, runtime::KernelKind::nngp, x, &opposite);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double cc = x.row(i).dot(opposite.row(i)) / 16;
    // ab - c^2 = |x|^2 |r|^2 / 16^2, r the part of x' orthogonal to x: from x' + x, which is exact
    // component by component (x' ~ -x), so the rounding of the stored inputs is accounted for.
    Eigen::RowVectorXd r = opposite.row(i) + x.row(i);
    r -= r.dot(x.row(i)) / x.row(i).squaredNorm() * x.row(i);
    const double gap = x.row(i).squaredNorm() * r.squaredNorm() / (16.0 * 16.0), t = std::sqrt(gap) / std::abs(cc);
    const double leading = std::abs(cc) * t * t * t / 3 / (2 * std::acos(-1.0));
    CAPTURE(i);
    CHECK(k(i, i) > 0);
    CHECK(std::abs(k(i, i) - leading) <= 1e-10 * leading);  // next term: t^2 ~ 1e-12 relative
  }
}

}  // namespace sgntk::test
