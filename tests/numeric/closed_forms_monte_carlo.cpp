// Every closed form against a Monte Carlo estimate: 10^6 correlated Gaussian pairs from a fixed
// seed, agreement within 5 standard errors, at several covariances including c^2 close to ab
// (positive and negative c) and a != b.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "runtime/closed_forms.h"
#include "tests/numeric/helpers.h"

using namespace sgntk::runtime;
using sgntk::test::gauss_density;

namespace {

struct Covariance {
  double a, b, c;
};
const Covariance covariances[] = {
    {1.0, 1.0, 0.5}, {0.7, 1.8, -0.9}, {2.0, 0.5, 0.999999}, {1.3, 0.4, -0.7211}, {0.3, 2.2, 0.0},
};

struct Pair {
  ClosedFormTerm term;
  std::function<double(double)> f, g;  // the integrand f(u) g(v) (before any swap)
};

double erf_e(double x, double e) { return e == 0 ? (x > 0) - (x < 0) : std::erf(x / std::sqrt(2 * e)); }
double relu(double x) { return x > 0 ? x : 0; }

std::vector<Pair> pairs() {
  auto pw = [](int p) { return [p](double x) { return std::pow(x, p); }; };
  auto erf_of = [](double e) { return [e](double x) { return erf_e(x, e); }; };
  auto bump = [](double e) { return [e](double x) { return gauss_density(x, e); }; };
  return {
      {{ClosedFormId::erf_erf, {0.125, 0.5}}, erf_of(0.125), erf_of(0.5)},
      {{ClosedFormId::erf_erf, {0.0, 0.0}}, erf_of(0), erf_of(0)},
      {{ClosedFormId::erf_erf, {0.0, 0.3}}, erf_of(0), erf_of(0.3)},
      {{ClosedFormId::bump_bump, {0.4, 0.7}}, bump(0.4), bump(0.7)},
      {{ClosedFormId::relu_relu}, relu, relu},
      {{ClosedFormId::relu_moment, {0}}, relu, pw(0)},
      {{ClosedFormId::relu_moment, {1}}, relu, pw(1)},
      {{ClosedFormId::moment, {2, 2}}, pw(2), pw(2)},
      {{ClosedFormId::moment, {3, 1}}, pw(3), pw(1)},
      {{ClosedFormId::moment, {1, 2}}, pw(1), pw(2)},
      {{ClosedFormId::bump_moment, {0.5, 0}}, bump(0.5), pw(0)},
      {{ClosedFormId::bump_moment, {0.5, 2}}, bump(0.5), pw(2)},
      {{ClosedFormId::erf_moment, {0.2, 1}}, erf_of(0.2), pw(1)},
      {{ClosedFormId::erf_moment, {0.0, 1}}, erf_of(0), pw(1)},
      {{ClosedFormId::erf_moment, {0.2, 0}}, erf_of(0.2), pw(0)},
      {{ClosedFormId::cos_cos, {1.5, -0.7}}, [](double x) { return std::cos(1.5 * x); },
       [](double x) { return std::cos(-0.7 * x); }},
      {{ClosedFormId::sin_sin, {1.5, 2.0}}, [](double x) { return std::sin(1.5 * x); },
       [](double x) { return std::sin(2.0 * x); }},
  };
}

}  // namespace

TEST_CASE("every closed form agrees with Monte Carlo within 5 standard errors") {
  constexpr int samples = 1'000'000;
  for (const Covariance& cov : covariances) {
    const double c = std::fabs(cov.c) < std::sqrt(cov.a * cov.b) ? cov.c : std::copysign(std::sqrt(cov.a * cov.b), cov.c);
    // One sample of (u, v) with this covariance, shared by every pair.
    std::mt19937_64 rng(20240611);
    std::normal_distribution<double> normal;
    const double su = std::sqrt(cov.a), r = c / su, sv = std::sqrt(std::fmax(0.0, cov.b - c * c / cov.a));
    std::vector<double> us(samples), vs(samples);
    for (int s = 0; s < samples; ++s) {
      const double z1 = normal(rng), z2 = normal(rng);
      us[s] = su * z1;
      vs[s] = r * z1 + sv * z2;
    }
    for (Pair p : pairs()) {
      for (bool swap : {false, true}) {  // swapped: f reads v and g reads u
        p.term.swap = swap;
        double sum = 0, sum_sq = 0;
        for (int s = 0; s < samples; ++s) {
          const double u = us[s], v = vs[s];
          const double x = swap ? p.f(v) * p.g(u) : p.f(u) * p.g(v);
          sum += x;
          sum_sq += x * x;
        }
        const double mean = sum / samples, se = std::sqrt(std::fmax(0.0, sum_sq / samples - mean * mean) / samples);
        const double exact = evaluate_closed_form(p.term, cov.a, cov.b, c);
        CAPTURE(describe(p.term));
        CAPTURE(cov.a); CAPTURE(cov.b); CAPTURE(c);
        CAPTURE(mean); CAPTURE(se);
        CHECK(std::fabs(exact - mean) <= 5 * se + 1e-15);
      }
    }
  }
}
