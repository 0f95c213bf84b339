// The adaptive 1-D Gaussian average E1[g](mean, var) against closed forms (sign, boxcar) and
// against long double references by Boost's Gauss-Kronrod on intervals split at the break points
// (triangle, fast sigmoid, narrow Gaussian, boxcar), to 1e-10.
#include <doctest/doctest.h>

#include <boost/math/quadrature/gauss_kronrod.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include "runtime/gauss_expect_1d.h"
#include "runtime/gauss_hermite.h"
#include "runtime/quadrature_misses.h"
#include "tests/numeric/helpers.h"

using namespace sgntk::runtime;
using sgntk::test::close;
using sgntk::test::lambda;

namespace {

const std::vector<double> means = {0.0, 0.3, -1.2, 2.0, 0.05, 0.01, -0.4};
const std::vector<double> vars = {1.0, 0.01, 2.5, 0.0004, 100.0, 1e-6, 0.3};

// E[g(V)] in long double: integrate N(t; m, s2) g(t) over [m - 12 sd, m + 12 sd] split at `cuts`
// (and at the peaks the adaptive rule must find), each piece by adaptive G30K61 to 1e-18.
long double reference(double (*g)(double), std::vector<double> cuts, double m, double s2) {
  using boost::math::quadrature::gauss_kronrod;
  const long double sd = std::sqrt(static_cast<long double>(s2));
  const long double lo = m - 12 * sd, hi = m + 12 * sd;
  std::vector<long double> pts{lo, hi};
  for (double c : cuts)
    if (c > lo && c < hi) pts.push_back(c);
  std::sort(pts.begin(), pts.end());
  auto integrand = [&](long double t) {
    const long double z = (t - m) / sd;
    return std::exp(-z * z / 2) / (sd * std::sqrt(2 * static_cast<long double>(M_PI))) * g(static_cast<double>(t));
  };
  long double sum = 0;
  for (std::size_t k = 0; k + 1 < pts.size(); ++k)
    sum += gauss_kronrod<long double, 61>::integrate(integrand, pts[k], pts[k + 1], 12, 1e-18L);
  return sum;
}

std::vector<double> adaptive(double (*g)(double), const Shape& shape) {
  std::vector<double> out(means.size());
  gauss_expect_1d(*lambda("g", g), shape, means.data(), vars.data(), out.data(), out.size(), 1e-10);
  return out;
}

Shape with_breaks(std::vector<double> b, double lo = -HUGE_VAL, double hi = HUGE_VAL) {
  Shape s;
  s.breakpoints = std::move(b);
  s.smooth = false;
  s.support_lo = lo;
  s.support_hi = hi;
  return s;
}

double sign(double x) { return (x > 0) - (x < 0); }
double boxcar(double x) { return std::fabs(x) < 0.05 ? 1.0 : 0.0; }  // width 0.1
double triangle(double x) { return std::fmax(0.0, 1 - std::fabs(x)); }
double fast_sigmoid(double x) { return 1 / std::pow(1 + 25 * std::fabs(x), 2); }
double narrow_gauss(double x) { return std::exp(-x * x / (2 * 0.0025)); }  // sd 0.05, at 0
double heavy(double x) { return 1 / (1 + x * x) + std::pow(x, 4); }         // tail |x|^-2 plus growth

double Phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

TEST_CASE("E1 of sign and of a boxcar of width 0.1 match their closed forms to 1e-10") {
  const auto s = adaptive(sign, with_breaks({0.0}));
  const auto b = adaptive(boxcar, with_breaks({-0.05, 0.05}, -0.05, 0.05));
  for (std::size_t i = 0; i < means.size(); ++i) {
    const double m = means[i], sd = std::sqrt(vars[i]);
    CAPTURE(m); CAPTURE(vars[i]);
    CHECK(close(s[i], std::erf(m / std::sqrt(2 * vars[i])), 1e-10, 1.0));  // |E1[sign]| <= 1
    CHECK(close(b[i], Phi((0.05 - m) / sd) - Phi((-0.05 - m) / sd), 1e-10, 1e-12));
  }
}

TEST_CASE("E1 of a triangle, a fast sigmoid and a heavy-tailed function match long double references") {
  struct Case {
    double (*g)(double);
    Shape shape;
  };
  const Case cases[] = {
      {triangle, with_breaks({-1, 0, 1}, -1, 1)},
      {fast_sigmoid, with_breaks({0})},
      {heavy, Shape{}},
  };
  for (const Case& c : cases) {
    const auto got = adaptive(c.g, c.shape);
    for (std::size_t i = 0; i < means.size(); ++i) {
      CAPTURE(means[i]); CAPTURE(vars[i]); CAPTURE(got[i]);
      const double ref = static_cast<double>(reference(c.g, c.shape.breakpoints, means[i], vars[i]));
      CAPTURE(ref);
      CHECK(close(got[i], ref, 1e-10));
    }
  }
}

TEST_CASE("E1 resolves a narrow Gaussian peak that no break point announces") {
  const auto got = adaptive(narrow_gauss, Shape{});
  for (std::size_t i = 0; i < means.size(); ++i) {
    // N(0; m, s2 + w2) * sqrt(2 pi w2): the Gaussian convolution in closed form
    const double w2 = 0.0025, v = vars[i] + w2;
    const double want = std::exp(-means[i] * means[i] / (2 * v)) * std::sqrt(w2 / v);
    CAPTURE(means[i]); CAPTURE(vars[i]);
    CHECK(close(got[i], want, 1e-10, 1e-8));  // absolute 1e-18: the truncation at |z| = 9
  }
}

TEST_CASE("E1 with zero variance is g(mean), with a support outside the window it is 0") {
  const double mean[] = {0.7, -0.2, 30.0}, var[] = {0.0, 0.0, 1.0};
  double out[3];
  gauss_expect_1d(*lambda("triangle", triangle), with_breaks({-1, 0, 1}, -1, 1), mean, var, out, 3);
  CHECK(out[0] == triangle(0.7));
  CHECK(out[1] == triangle(-0.2));
  CHECK(out[2] == 0.0);
}

TEST_CASE("Gauss-Hermite rules integrate Gaussian moments exactly and are symmetric") {
  for (int n : {1, 2, 5, 20, 64, 200}) {
    const GaussHermiteRule& r = gauss_hermite(n);
    REQUIRE(r.nodes.size() == static_cast<std::size_t>(n));
    double m0 = 0, m2 = 0, m4 = 0;
    for (int i = 0; i < n; ++i) {
      const double z = r.nodes[i], w = r.weights[i];
      CHECK(r.nodes[i] == -r.nodes[n - 1 - i]);
      m0 += w, m2 += w * z * z, m4 += w * z * z * z * z;
    }
    CAPTURE(n);
    CHECK(close(m0, 1.0, 1e-14));
    if (n >= 2) CHECK(close(m2, 1.0, 1e-13));
    if (n >= 3) CHECK(close(m4, 3.0, 1e-13));
  }
  CHECK(&gauss_hermite(64) == &gauss_hermite(64));  // cached
}

TEST_CASE("an integral that stops refining above its target is counted, with its estimated error") {
  // |t - 0.3|^-0.9 without a cut at its singularity: the panels around it reach the depth and
  // width limits with their error estimates still above their share of the target.
  const auto singular = lambda("abs(x - 0.3)^-0.9", [](double t) { return std::pow(std::fabs(t - 0.3), -0.9); });
  const auto smooth = lambda("exp(x/3)", [](double t) { return std::exp(t / 3); });
  const double mean[] = {0.0, 0.1}, var[] = {1.0, 0.5};
  double out[2];
  reset_quadrature_misses();
  gauss_expect_1d(*smooth, Shape{}, mean, var, out, 2, 1e-10);
  CHECK(quadrature_misses().count == 0);
  gauss_expect_1d(*singular, Shape{}, mean, var, out, 2, 1e-10);
  const QuadratureMisses misses = quadrature_misses();
  CHECK(misses.count == 2);
  CHECK(misses.largest_relative > 1e-10);
  CHECK(misses.largest_relative < 1.0);
  reset_quadrature_misses();
  CHECK(quadrature_misses().count == 0);
}

TEST_CASE("integrable singularities at a break point meet the target without a miss (graded panels)") {
  // E[log|V|] = log(sd) - (gamma + log 2) / 2 and E[|V|^-1/2] = sd^-1/2 2^-1/4 Gamma(1/4) / sqrt(pi),
  // V ~ N(0, sd^2): bisection alone leaves the panel beside 0 with an error as large as its share.
  const auto log_abs = lambda("log(abs(x))", [](double t) { return std::log(std::fabs(t)); });
  const auto inv_sqrt = lambda("abs(x)^-0.5", [](double t) { return 1 / std::sqrt(std::fabs(t)); });
  Shape cut_at_0;
  cut_at_0.breakpoints = {0.0};
  cut_at_0.smooth = false;
  const double mean[] = {0.0, 0.0, 0.0}, var[] = {0.01, 1.0, 30.0};
  double out[3];
  reset_quadrature_misses();
  gauss_expect_1d(*log_abs, cut_at_0, mean, var, out, 3, 1e-10);
  const double euler = 0.57721566490153286061;
  for (int i = 0; i < 3; ++i) {
    CAPTURE(var[i]);
    const double want = 0.5 * std::log(var[i]) - 0.5 * (euler + std::log(2.0));
    CHECK(std::fabs(out[i] - want) < 1e-11 * std::fabs(want) + 1e-12);
  }
  gauss_expect_1d(*inv_sqrt, cut_at_0, mean, var, out, 3, 1e-10);
  for (int i = 0; i < 3; ++i) {
    CAPTURE(var[i]);
    const double want = std::pow(var[i], -0.25) * std::pow(2.0, -0.25) * std::tgamma(0.25) / std::sqrt(std::numbers::pi);
    CHECK(std::fabs(out[i] - want) < 1e-10 * want);
  }
  CHECK(quadrature_misses().count == 0);
}
