#include "runtime/quadrature_2d.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "runtime/closed_forms.h"
#include "runtime/gauss_expect_1d.h"
#include "runtime/gauss_hermite.h"

namespace sgntk::runtime {

namespace {

constexpr std::size_t grid_points = 1 << 16;  // g values per evaluation batch (512 KiB)

// Law of v given u = t: N(slope * t, var) with slope = c/a and var = b - c^2/a >= 0 formed
// stably. a = 0 forces c = 0 (clamped input): then u = 0 and v keeps its own law.
struct Conditional {
  double slope, var;
};
Conditional conditional(double a, double b, double c) {
  return a > 0 ? Conditional{c / a, covariance_gap(a, b, c) / a} : Conditional{0.0, b};
}

void tensor_gauss_hermite(const QuadratureTerm& t, const double* a, const double* b, const double* c, double* out,
                          std::size_t n) {
  const GaussHermiteRule& rule = gauss_hermite(t.order);
  const std::size_t m = rule.nodes.size();
  const std::size_t per_chunk = std::max<std::size_t>(1, grid_points / (m * m));
  std::vector<double> u, fu, v, gv;
  for (std::size_t first = 0; first < n; first += per_chunk) {
    const std::size_t count = std::min(per_chunk, n - first);
    u.resize(count * m);
    fu.resize(count * m);
    v.resize(count * m * m);
    gv.resize(count * m * m);
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t e = first + i;
      // u = sqrt(a) z1, v = sqrt(a) slope z1 + sqrt(var) z2: the Cholesky factor of the covariance.
      const Conditional law = conditional(a[e], b[e], c[e]);
      const double su = std::sqrt(a[e]), r = a[e] > 0 ? c[e] / su : 0.0, s = std::sqrt(law.var);
      for (std::size_t j = 0; j < m; ++j) {
        u[i * m + j] = su * rule.nodes[j];
        for (std::size_t k = 0; k < m; ++k) v[(i * m + j) * m + k] = r * rule.nodes[j] + s * rule.nodes[k];
      }
    }
    t.f->eval(u.data(), fu.data(), u.size());
    t.g->eval(v.data(), gv.data(), v.size());
    for (std::size_t i = 0; i < count; ++i) {
      double sum = 0.0;
      for (std::size_t j = 0; j < m; ++j) {
        const double fj = fu[i * m + j];
        if (fj == 0.0) continue;  // compact f: skip, and never form 0 * inf
        double inner = 0.0;
        for (std::size_t k = 0; k < m; ++k) inner += rule.weights[k] * gv[(i * m + j) * m + k];
        sum += rule.weights[j] * fj * inner;
      }
      out[first + i] = sum;
    }
  }
}

// E1[g](mean, var) by the term's formula when it has one, else adaptively.
void inner_average(const ArrayFunctionRef& g, const Shape& shape, const GaussianAverageRef& average,
                   const double* mean, const double* var, double* out, std::size_t n, double tolerance) {
  if (average)
    average->average(mean, var, out, n);
  else
    gauss_expect_1d(*g, shape, mean, var, out, n, tolerance);
}

void conditional_quadrature(const QuadratureTerm& t, const double* a, const double* b, const double* c, double* out,
                            std::size_t n) {
  std::vector<Conditional> law_of(n);
  std::vector<double> zero_mean(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) law_of[i] = conditional(a[i], b[i], c[i]);

  // Outer integrand f(t) E1[g](slope t, var) per entry; E1 only where f(t) != 0.
  const double inner_tolerance = 0.25 * t.tolerance;
  std::vector<double> fy, mean, var, inner;
  std::vector<std::size_t> live;
  auto integrand = [&](const std::uint32_t* entry, const double* x, double* y, std::size_t m) {
    fy.resize(m);
    t.f->eval(x, fy.data(), m);
    live.clear();
    mean.clear();
    var.clear();
    for (std::size_t k = 0; k < m; ++k) {
      y[k] = 0.0;
      if (fy[k] == 0.0) continue;
      live.push_back(k);
      mean.push_back(law_of[entry[k]].slope * x[k]);
      var.push_back(law_of[entry[k]].var);
    }
    inner.resize(live.size());
    inner_average(t.g, t.g_shape, t.g_average, mean.data(), var.data(), inner.data(), live.size(), inner_tolerance);
    for (std::size_t k = 0; k < live.size(); ++k) y[live[k]] = fy[live[k]] * inner[k];
  };
  // E1[g](slope t, var) changes fastest where slope t crosses one of g's break points (or 0, where
  // surrogates peak): there a jump of g becomes an erf of width w = sqrt(var)/|slope| in t, which
  // near perfect correlation is far narrower than the outer rule's nodes can see. Cut at it and
  // at geometrically spaced distances, so that panels of every scale from w/4 to 16w meet it.
  // A steep transition of g of width wg becomes one of width sqrt(var + wg^2)/|slope|: cut on
  // every scale from that width up (transition_cuts).
  auto features = [&](std::uint32_t entry, std::vector<double>& cuts) {
    const Conditional& law = law_of[entry];
    if (law.slope == 0.0) return;
    const double w = std::sqrt(law.var) / std::fabs(law.slope);
    auto around = [&](double p) {
      const double center = p / law.slope;
      cuts.push_back(center);
      if (w > 0)
        for (double k : {0.25, 1.0, 4.0, 16.0}) cuts.insert(cuts.end(), {center - k * w, center + k * w});
    };
    around(0.0);
    for (double p : t.g_shape.breakpoints) around(p);
    for (double p : {t.g_shape.support_lo, t.g_shape.support_hi})
      if (std::isfinite(p)) around(p);
    for (const program::Transition& tr : t.g_shape.transitions)
      transition_cuts(tr.center / law.slope, std::sqrt(law.var + tr.width * tr.width) / std::fabs(law.slope),
                      std::sqrt(a[entry]), cuts);
  };
  // The outer rule's own error (half the target) and the inner averages' (a quarter, counted
  // twice as noise of the outer integrand) together meet the target. A closed inner average is
  // exact to rounding.
  adaptive_gauss_1d(integrand, t.f_shape, zero_mean.data(), a, out, n, 0.5 * t.tolerance, features,
                    t.g_average ? 0.0 : inner_tolerance);
}

}  // namespace

// Tensor Gauss-Hermite loses accuracy for steep integrands as |rho| -> 1 (measured for
// erf(2u) erf(3v) at 128 points: 1e-12 up to |rho| = 0.8, 2e-6 at 0.999, 6e-4 at 0.9999, and
// every diagonal entry has rho = 1). Entries beyond this correlation take the conditional
// reduction, which stays accurate there; the split depends on the entry alone, so results do
// not depend on how entries are grouped into tiles or threads.
constexpr double gauss_hermite_max_correlation = 0.8;

void evaluate_quadrature(const QuadratureTerm& t, const double* a, const double* b, const double* c, double* out,
                         std::size_t n) {
  if (t.swap) std::swap(a, b);  // f belongs to v and g to u: E[f(v) g(u)] with (a, b) exchanged
  if (t.method != QuadratureTerm::Method::gauss_hermite) return conditional_quadrature(t, a, b, c, out, n);
  std::vector<std::size_t> far, near;
  for (std::size_t i = 0; i < n; ++i) {
    const double ab = a[i] * b[i];
    const bool correlated = ab > 0 && c[i] * c[i] > gauss_hermite_max_correlation * gauss_hermite_max_correlation * ab;
    (correlated ? near : far).push_back(i);
  }
  auto run_subset = [&](const std::vector<std::size_t>& subset, bool use_gauss_hermite) {
    if (subset.empty()) return;
    if (subset.size() == n) {
      return use_gauss_hermite ? tensor_gauss_hermite(t, a, b, c, out, n) : conditional_quadrature(t, a, b, c, out, n);
    }
    std::vector<double> sa, sb, sc, so(subset.size());
    for (std::size_t i : subset) sa.push_back(a[i]), sb.push_back(b[i]), sc.push_back(c[i]);
    if (use_gauss_hermite)
      tensor_gauss_hermite(t, sa.data(), sb.data(), sc.data(), so.data(), subset.size());
    else
      conditional_quadrature(t, sa.data(), sb.data(), sc.data(), so.data(), subset.size());
    for (std::size_t k = 0; k < subset.size(); ++k) out[subset[k]] = so[k];
  };
  run_subset(far, true);
  run_subset(near, false);
}

void evaluate_bump_conditional(const BumpConditionalTerm& t, const double* a, const double* b, const double* c,
                               double* out, std::size_t n) {
  if (t.bump_on_v) std::swap(a, b);
  std::vector<double> density(n), mean(n), var(n), average(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Observing w = u - shift + xi = 0, xi ~ N(0, e): v | w ~ N(c shift/(a+e), b - c^2/(a+e)).
    const double ae = a[i] + t.eps;
    if (ae > 0) {
      density[i] = std::exp(-0.5 * t.shift * t.shift / ae) / std::sqrt(2 * std::numbers::pi * ae);
      mean[i] = c[i] * t.shift / ae;
      var[i] = (covariance_gap(a[i], b[i], c[i]) + t.eps * b[i]) / ae;
    } else {  // u = 0 exactly and the bump is a delta: delta(-shift)
      density[i] = t.shift == 0.0 ? HUGE_VAL : 0.0;
      mean[i] = 0.0;
      var[i] = b[i];
    }
  }
  inner_average(t.g, t.g_shape, t.g_average, mean.data(), var.data(), average.data(), n, t.tolerance);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = density[i] == 0.0 || average[i] == 0.0 ? 0.0 : density[i] * average[i];
}

std::string describe_splits(const Shape& s) {
  if (s.breakpoints.empty() && s.transitions.empty()) return "0 break points";
  std::string out = fmt::format("{} break points", s.breakpoints.size());
  if (!s.breakpoints.empty()) out += fmt::format(" ({:g})", fmt::join(s.breakpoints, ", "));
  if (!s.transitions.empty()) {
    out += fmt::format(" and {} steep transitions (", s.transitions.size());
    for (std::size_t k = 0; k < s.transitions.size(); ++k)
      out += fmt::format("{}{:g} width {:g}", k ? ", " : "", s.transitions[k].center, s.transitions[k].width);
    out += ")";
  }
  return out;
}

// The series' coefficient rules: the trapezoidal rule for a smooth side, Gauss-Legendre panels
// between the break points for a piecewise one.
std::string series_rules(const QuadratureTerm& t) {
  auto rule = [](const Shape& s) {
    return program::is_piecewise(s) ? "Gauss-Legendre panels split at " + describe_splits(s) : std::string("trapezoidal rule");
  };
  const std::string f = rule(t.f_shape), g = rule(t.g_shape);
  return f == g ? f : fmt::format("f: {}; g: {}", f, g);
}

std::string describe(const QuadratureTerm& t) {
  const std::string f = t.f ? t.f->text() : "?", g = t.g ? t.g->text() : "?";
  if (t.method == QuadratureTerm::Method::gauss_hermite)
    return fmt::format("quadrature E[({})(u) * ({})(v)]: tensor Gauss-Hermite {}x{} points, target {:g}", f, g,
                       t.order, t.order, t.tolerance);
  if (t.method == QuadratureTerm::Method::hermite_series)
    return fmt::format("quadrature E[({})(u) * ({})(v)]: Mehler series sum_k rho^k f_k(a) g_k(b), Hermite "
                       "coefficients tabulated per point and layer ({}, step halved until they "
                       "settle to 1e-12), truncated where |rho|^(K+1) sqrt(T_f T_g) <= {:g}; entries beyond that "
                       "bound: conditional quadrature, target {:g}",
                       f, g, series_rules(t), t.tolerance / 4, t.tolerance);
  return fmt::format("quadrature E[({})(u) * ({})(v)]: conditional, outer adaptive G7K15 over u split at {}, "
                     "inner E1 {}, target {:g}",
                     f, g, describe_splits(t.f_shape),
                     t.g_average ? "by formula " + t.g_average->text()
                                 : "adaptive G7K15 split at " + describe_splits(t.g_shape),
                     t.tolerance);
}

std::string describe(const BumpConditionalTerm& t) {
  const std::string g = t.g ? t.g->text() : (t.g_average ? t.g_average->text() : "?");
  return fmt::format("bump conditional E[N({0} - {1:g}; 0, {2:g}) * ({3})({4})]: density times E1 {5}",
                     t.bump_on_v ? "v" : "u", t.shift + 0.0 /* no -0 */, t.eps, g, t.bump_on_v ? "u" : "v",
                     t.g_average ? "by formula " + t.g_average->text() : fmt::format("adaptive G7K15, target {:g}", t.tolerance));
}

}  // namespace sgntk::runtime
