// Values the planner could not give before: E[log|u| log|v|] off the diagonal (an integrable
// singularity, against its closed form), the NNGP of a piecewise-constant activation (against
// the bivariate normal), and exp(c x^2) below its divergence threshold (against its closed form).
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "tests/numeric/helpers.h"
#include "tests/planner/planner_fixture.h"
#include "tests/planner/reference.h"

using namespace sgntk;
using test::Law;
using test::Real;

TEST_CASE("E[log|u| log|v|] off the diagonal is finite and matches its closed form") {
  // log|sqrt(a) Z| = log(a)/2 + log|Z|, E log|Z| = -(gamma + log 2)/2 and, from the Hermite
  // coefficients of log|z|, Cov(log|Z1|, log|Z2|) = arcsin(rho)^2 / 2.
  const auto program = test::bound_program(test::planned("log(abs(x))"));
  const double mu = -(std::numbers::egamma + std::numbers::ln2) / 2;
  struct Entry {
    double a, b, c;
  };
  // Two correlated entries only: each takes seconds (the singular outer panels call the
  // adaptive inner average many times).
  for (const Entry& e : {Entry{0.125, 2.5, 0.3}, Entry{2, 2, 1.999}, Entry{0.7, 0.3, 0}}) {
    const double rho = e.c / std::sqrt(e.a * e.b);
    const double reference = (std::log(e.a) / 2 + mu) * (std::log(e.b) / 2 + mu) + std::asin(rho) * std::asin(rho) / 2;
    CAPTURE(e.a);
    CAPTURE(e.b);
    CAPTURE(e.c);
    CHECK(test::close(test::expect(program.hidden[0].nngp, e.a, e.b, e.c), reference, 1e-10));
  }
}

TEST_CASE("the NNGP of a piecewise-constant activation matches the bivariate normal") {
  // phi = -1 + [x >= 0.3] + [x >= 0.7]: E[phi(u) phi(v)] = 1 - sum_s (P(U > s) + P(V > s))
  // + sum_{s, t} P(U > s, V > t).
  const auto program = test::bound_program(test::planned("if(x < 0.3, -1, if(x < 0.7, 0, 1))"));
  CHECK(program.hidden[0].ntk.unavailable);  // its derivative holds deltas it cannot integrate
  for (const Law& law : {Law{0.5L, 0.5L, 0.0L}, Law{0.5L, 1.7L, 0.5L * 1.7L * 0.75L}, Law{1.2L, 1.1L, 1.32L * 1e-4L},
                         Law{0.2L, 0.9L, 0.18L * 0.99L}}) {
    const Real sa = std::sqrt(law.a), sb = std::sqrt(law.b);
    const Real rho = law.c() / (sa * sb), s = std::sqrt(law.gap / (law.a * law.b));
    Real reference = 1;
    for (Real t : {0.3L, 0.7L}) reference -= test::normal_cdf(-t / sa) + test::normal_cdf(-t / sb);
    for (Real t1 : {0.3L, 0.7L})
      for (Real t2 : {0.3L, 0.7L}) {
        // the diagonal: U = V, P(U > max)
        reference += law.gap == 0 ? test::normal_cdf(-std::max(t1, t2) / sa) : test::bivariate_upper(t1 / sa, t2 / sb, rho, s);
      }
    CAPTURE(static_cast<double>(law.a));
    CAPTURE(static_cast<double>(law.b));
    const double value = test::expect(program.hidden[0].nngp, static_cast<double>(law.a), static_cast<double>(law.b),
                                      static_cast<double>(law.c()));
    CHECK(test::close(value, static_cast<double>(reference), 1e-10));
  }
}

TEST_CASE("exp(0.3 x^2) below its divergence threshold matches 1/sqrt(det(I - 2 D Sigma))") {
  // E[exp(r u^2 + r v^2)] = ((1 - 2 r a)(1 - 2 r b) - 4 r^2 c^2)^(-1/2) where it is finite.
  const auto program = test::bound_program(test::planned("exp(0.3*x^2)"));
  const double r = 0.3;
  struct Entry {
    double a, b, c;
  };
  for (const Entry& e : {Entry{0.5, 0.5, 0.5}, Entry{0.8, 0.8, 0.8}, Entry{0.3, 1.2, 0.2}, Entry{0.1, 0.2, 0.0}}) {
    const double reference = 1 / std::sqrt((1 - 2 * r * e.a) * (1 - 2 * r * e.b) - 4 * r * r * e.c * e.c);
    CAPTURE(e.a);
    CAPTURE(e.b);
    CAPTURE(e.c);
    CHECK(test::close(test::expect(program.hidden[0].nngp, e.a, e.b, e.c), reference, 1e-10));
  }
}
