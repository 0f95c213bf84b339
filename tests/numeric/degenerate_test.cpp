// Degenerate covariances (a = 0, b = 0, c^2 = ab, c slightly outside [-sqrt(ab), sqrt(ab)]) give
// the exact limits of every path, never NaN; the delta-delta diagonal is +inf; near-perfect
// correlation keeps full relative accuracy; results do not depend on the tiling.
#include <doctest/doctest.h>

#include <boost/math/constants/constants.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <tbb/parallel_for.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "runtime/closed_averages.h"
#include "runtime/closed_forms.h"
#include "runtime/expectation.h"
#include "tests/numeric/helpers.h"

using namespace sgntk::runtime;
using sgntk::test::close;
using sgntk::test::lambda;

namespace {

// Degenerate entries: rows (a, b, c).
const std::vector<double> A = {0.0, 1.0, 0.0, 1.0, 2.0, 0.5, 1.0, 1e-300, 4.0};
const std::vector<double> B = {1.0, 0.0, 0.0, 1.0, 0.5, 0.5, 1.0, 1.0, 9.0};
const std::vector<double> C = {0.0, 0.0, 0.0, 1.0, -1.0, 0.5000000000000002, -1.0000000000000002, 0.0, 6.0};

std::vector<Term> all_terms() {
  Shape kink;
  kink.breakpoints = {0.0};
  kink.smooth = false;
  auto sign = lambda("sign(x)", [](double x) { return double((x > 0) - (x < 0)); });
  auto erf2 = lambda("erf(2*x)", [](double x) { return std::erf(2 * x); });
  auto relu = lambda("relu(x)", [](double x) { return x > 0 ? x : 0.0; });
  std::vector<Term> terms;
  for (auto id : {ClosedFormId::erf_erf, ClosedFormId::relu_relu, ClosedFormId::cos_cos, ClosedFormId::sin_sin})
    for (double e : {0.0, 0.3}) terms.push_back({1.0, ClosedFormTerm{id, {e, 0.3 + e}}});
  terms.push_back({1.0, ClosedFormTerm{ClosedFormId::bump_bump, {0.2, 0.1}}});
  terms.push_back({1.0, ClosedFormTerm{ClosedFormId::relu_moment, {0}}});
  terms.push_back({1.0, ClosedFormTerm{ClosedFormId::relu_moment, {1}, true}});
  terms.push_back({1.0, ClosedFormTerm{ClosedFormId::moment, {3, 3}}});
  for (double e : {1e-3, 0.4})  // e = 0 with a = 0 is a genuine +inf (tested below)
    for (double q : {0.0, 1.0, 2.0}) terms.push_back({1.0, ClosedFormTerm{ClosedFormId::bump_moment, {e, q}}});
  terms.push_back({1.0, ClosedFormTerm{ClosedFormId::erf_moment, {0.0, 1}}});
  terms.push_back({1.0, ClosedFormTerm{ClosedFormId::erf_moment, {0.1, 1}, true}});
  QuadratureTerm gh;
  gh.f = erf2, gh.g = relu;
  terms.push_back({1.0, gh});
  QuadratureTerm cond;
  cond.method = QuadratureTerm::Method::conditional;
  cond.f = sign, cond.g = relu, cond.f_shape = cond.g_shape = kink;
  terms.push_back({1.0, cond});
  cond.g = sign, cond.g_average = erf_average(0.0);
  terms.push_back({1.0, cond});
  BumpConditionalTerm bump;
  bump.eps = 0.0, bump.shift = 0.5, bump.g = erf2;
  terms.push_back({1.0, bump});
  bump.eps = 0.3, bump.shift = 0.0, bump.bump_on_v = true, bump.g = relu, bump.g_shape = kink;
  terms.push_back({1.0, bump});
  return terms;
}

}  // namespace

TEST_CASE("no term gives NaN at degenerate covariances") {
  for (const Term& t : all_terms()) {
    Expectation e;
    e.terms.push_back(t);
    CAPTURE(describe(e));
    std::vector<double> out(A.size());
    evaluate(e, A.data(), B.data(), C.data(), out.data(), out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      CAPTURE(i);
      CHECK(!std::isnan(out[i]));
      CHECK(std::isfinite(out[i]));  // none of these terms has a delta-delta
    }
  }
}

TEST_CASE("degenerate limits are exact") {
  auto closed = [](ClosedFormTerm t, double a, double b, double c) { return evaluate_closed_form(t, a, b, c); };
  // perfect correlation: E[sign u sign v] = 1, E[sign u sign(-u)] = -1, E[erf_e erf_e] = (2/pi) asin(a/(a+e))
  CHECK(closed({ClosedFormId::erf_erf, {0, 0}}, 2.0, 2.0, 2.0) == 1.0);
  CHECK(closed({ClosedFormId::erf_erf, {0, 0}}, 2.0, 0.5, -1.0) == -1.0);
  CHECK(close(closed({ClosedFormId::erf_erf, {0.5, 0.5}}, 1.0, 1.0, 1.0), 2 / std::numbers::pi * std::asin(1 / 1.5), 1e-15));
  // a = 0: u = 0, so erf_e(u) = 0 and relu(u) = 0
  CHECK(closed({ClosedFormId::erf_erf, {0.2, 0}}, 0.0, 1.0, 0.0) == 0.0);
  CHECK(closed({ClosedFormId::relu_relu}, 0.0, 3.0, 0.0) == 0.0);
  // relu(u) relu(-u) = 0 exactly, and E[relu u relu v] at c = sqrt(ab) is sqrt(ab)/2
  CHECK(closed({ClosedFormId::relu_relu}, 2.0, 0.5, -1.0) == 0.0);
  CHECK(close(closed({ClosedFormId::relu_relu}, 2.0, 0.5, 1.0), 0.5, 1e-15));
  // delta-delta diagonal is +inf; delta(u) at a = 0 times v^2 is +inf, times v is 0
  CHECK(closed({ClosedFormId::bump_bump, {0, 0}}, 1.0, 1.0, 1.0) == HUGE_VAL);
  CHECK(closed({ClosedFormId::bump_moment, {0, 2}}, 0.0, 1.0, 0.0) == HUGE_VAL);
  CHECK(closed({ClosedFormId::bump_moment, {0, 1}}, 0.0, 1.0, 0.0) == 0.0);
  // E[delta(u) g(v)] is finite at c^2 = ab: p_u(0) g(0)
  CHECK(close(closed({ClosedFormId::bump_moment, {0, 0}}, 1.0, 1.0, 1.0), 1 / std::sqrt(2 * std::numbers::pi), 1e-15));
}

TEST_CASE("an infinite_on_diagonal expectation is +inf exactly where c^2 = ab after clamping") {
  Expectation e;
  e.infinite_on_diagonal = true;
  e.terms.push_back({2.0, ClosedFormTerm{ClosedFormId::bump_bump, {0, 0}}});
  e.terms.push_back({-1.0, ClosedFormTerm{ClosedFormId::erf_erf, {0, 0}}});
  const double a[] = {1.0, 1.0, 0.3}, b[] = {1.0, 1.0, 0.3}, c[] = {1.0 + 1e-16, 0.5, 0.3};
  double out[3];
  evaluate(e, a, b, c, out, 3);
  CHECK(out[0] == HUGE_VAL);
  CHECK(close(out[1], 2 / (2 * std::numbers::pi * std::sqrt(0.75)) - 2 / std::numbers::pi * std::asin(0.5), 1e-14));
  CHECK(out[2] == HUGE_VAL);
}

TEST_CASE("closed forms keep their relative accuracy next to perfect (anti)correlation") {
  // relu_relu at rho = -1 + 1e-10, where y + c atan2(y, -c) cancels to 1e-15 of its terms:
  // the reference in 50 digits.
  using big = boost::multiprecision::cpp_bin_float_50;
  const double rho = -(1 - 1e-10);
  const big r = rho, y = sqrt((1 - r) * (1 + r));
  const big want = (y + r * acos(-r) ) / (2 * boost::math::constants::pi<big>());
  CHECK(close(evaluate_closed_form({ClosedFormId::relu_relu}, 1.0, 1.0, rho), want.convert_to<double>(), 1e-12));
  // relu2_relu2 near antiparallel inputs, where 3 c y and (pi - theta)(ab + 2 c^2) cancel to
  // (ab / 2 pi) (4/15) phi^5 (phi = pi - theta): on both sides of the switch to the series at
  // phi = 1/2, and at phi = 1e-3 (where the direct form would keep no digit)
  for (const double phi : {1e-3, 0.1, 0.499, 0.501, 1.0}) {
    CAPTURE(phi);
    const double a = 2.25, b = 0.25, cc = -0.75 * std::cos(phi);  // sqrt(ab) = 0.75 exactly: the gap keeps its digits
    const big s = sqrt(big(a) * big(b)), bc = cc, yy = sqrt(s * s - bc * bc), theta = acos(bc / s);
    const big want2 = (3 * bc * yy + (boost::math::constants::pi<big>() - theta) * (s * s + 2 * bc * bc)) /
                      (2 * boost::math::constants::pi<big>());
    CHECK(close(evaluate_closed_form({ClosedFormId::relu2_relu2}, a, b, cc), want2.convert_to<double>(), 1e-12));
  }
  // sin_sin at small c: exp(-S/2) sinh(klc) without cancellation
  const double c = 1e-12;
  CHECK(close(evaluate_closed_form({ClosedFormId::sin_sin, {1, 1}}, 1.0, 1.0, c), std::exp(-1.0) * std::sinh(c), 1e-14));
  // cos_cos with huge variances underflows to 0 instead of 0 * inf
  CHECK(evaluate_closed_form({ClosedFormId::cos_cos, {1, 1}}, 3000.0, 3000.0, 1000.0) == 0.0);
}

TEST_CASE("evaluate is thread-safe and independent of the tiling") {
  Expectation e;
  QuadratureTerm q;
  q.method = QuadratureTerm::Method::conditional;
  q.f = lambda("tanh(x)", [](double x) { return std::tanh(x); });
  q.g = lambda("1/(1+25|x|)^2", [](double x) { return 1 / std::pow(1 + 25 * std::fabs(x), 2); });
  q.g_shape.breakpoints = {0.0};
  q.g_shape.smooth = false;
  e.terms.push_back({0.5, q});
  e.terms.push_back({1.0, ClosedFormTerm{ClosedFormId::erf_erf, {0.1, 0.2}}});
  const std::size_t n = 96;
  std::vector<double> a(n), b(n), c(n), serial(n), parallel(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = 0.5 + 0.01 * i, b[i] = 1.5 - 0.01 * i, c[i] = std::sqrt(a[i] * b[i]) * std::cos(0.1 * i);
  }
  evaluate(e, a.data(), b.data(), c.data(), serial.data(), n);
  tbb::parallel_for(std::size_t(0), n / 8, [&](std::size_t k) {
    evaluate(e, a.data() + 8 * k, b.data() + 8 * k, c.data() + 8 * k, parallel.data() + 8 * k, 8);
  });
  for (std::size_t i = 0; i < n; ++i) CHECK(serial[i] == parallel[i]);
}
