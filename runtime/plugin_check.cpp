#include "runtime/plugin_check.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <vector>

#include "runtime/errors.h"
#include "runtime/gauss_expect_1d.h"

namespace sgntk::runtime {
namespace {

constexpr double quadrature_tolerance = 1e-12;
// Each comparison is relative to max(|quadrature|, peak_floor * P), P = max |g| on the grid
// (squared for E2). The floor is what makes a signed g whose average cancels, or a tail average
// of 1e-20, comparable at all: the quadrature's own error is 1e-12 of E[|g|] <= P, far below
// hook_tolerance * peak_floor * P = 1e-11 P, and a sound closed form is off by a few ulp of P.
constexpr double peak_floor = 1e-3;

// g, announcing each call: a quadrature round is a sign of life for the host's timeout, which
// would otherwise see one silent stage for the whole of a long quadrature.
class AnnouncedFunction final : public ArrayFunction {
 public:
  AnnouncedFunction(const PluginInstance& g, const PluginStage& stage)
      : g_(plugin_function(std::make_shared<const PluginInstance>(g))), stage_(stage) {}
  void eval(const double* x, double* out, std::size_t n) const override {
    stage_("calling eval");
    g_->eval(x, out, n);
  }
  std::string text() const override { return g_->text(); }

 private:
  ArrayFunctionRef g_;
  const PluginStage& stage_;
};

// Where g lives: its largest |value| on the probe grid, where that is, and the half-width
// there (the largest 2^k with |g| >= half the peak at center +- 2^k). Quadrature cuts at the
// center on every scale from that width up (transition_cuts), or its nodes could step over a
// narrow peak (erf with alpha = 1e6, a Gaussian bump of sigma 1e-3 at mu = 5).
struct Survey {
  double peak = 0.0, center = 0.0, width = 1.0;
};

// Many scales, a dense stretch around the threshold, and both sides of every break point;
// evaluated in one call, so that a plugin that mishandles a large n fails here too.
Survey survey(const PluginInstance& g, const Shape& shape) {
  std::vector<double> x{0.0};
  for (int k = -40; k <= 100; ++k) x.insert(x.end(), {std::ldexp(1.0, k), -std::ldexp(1.0, k)});
  for (int i = -1024; i <= 1024; ++i) x.push_back(i / 64.0);
  for (double b : shape.breakpoints) x.insert(x.end(), {b - 1e-9, b, b + 1e-9});
  std::vector<double> y(x.size());
  g.eval(x.data(), y.data(), x.size());
  Survey s;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (std::fabs(y[i]) > s.peak) s.peak = std::fabs(y[i]), s.center = x[i];
  if (s.peak == 0.0) return s;
  std::vector<double> near;
  for (int k = -40; k <= 6; ++k) near.insert(near.end(), {s.center - std::ldexp(1.0, k), s.center + std::ldexp(1.0, k)});
  std::vector<double> z(near.size());
  g.eval(near.data(), z.data(), near.size());
  s.width = std::ldexp(1.0, -40);
  for (std::size_t i = 0; i < near.size(); ++i)
    if (std::fabs(z[i]) >= 0.5 * s.peak) s.width = std::max(s.width, std::fabs(near[i] - s.center));
  return s;
}

// out[i] = E[f(V)], V ~ N(mean[i], var[i]), cut at the break points, 0 and the surveyed peak.
void average_by_quadrature(const ArrayFunction& f, const Shape& shape, const Survey& where, const double* mean,
                           const double* var, double* out, std::size_t n, double tolerance) {
  adaptive_gauss_1d([&f](const std::uint32_t*, const double* t, double* y, std::size_t k) { f.eval(t, y, k); },
                    shape, mean, var, out, n, tolerance, [&](std::uint32_t e, std::vector<double>& cuts) {
                      transition_cuts(where.center, where.width, std::sqrt(std::max(var[e], 0.0)), cuts);
                    });
}

bool near_breakpoint(double x, const Shape& shape) {
  return std::any_of(shape.breakpoints.begin(), shape.breakpoints.end(),
                     [x](double b) { return std::fabs(x - b) < 1e-6 * (1 + std::fabs(b)); });
}

std::string compare(const PluginInstance& g, const char* hook, const std::string& law, double by_hook,
                    double by_quadrature, double scale) {
  const double difference = std::fabs(by_hook - by_quadrature);
  if (difference <= hook_tolerance * scale) return {};
  return fmt::format("{}: {} disagrees with quadrature of eval: {} is {:.17g} by the hook but {:.17g} by "
                     "quadrature (difference {:.3g}, more than {:g} of {:.3g})",
                     g.label(), hook, law, by_hook, by_quadrature, difference, hook_tolerance, scale);
}

// E[g(V)]: at zero variance the hook must give g itself; elsewhere what quadrature gives.
// The laws: fixed ones, and ones on the scale of g's peak.
std::string check_average(const PluginInstance& g, const Shape& shape, const Survey& where,
                          const PluginStage& stage) {
  std::vector<double> mean, var;
  for (double m : {0.0, 0.37, -1.3, 2.9})
    if (!near_breakpoint(m, shape)) mean.push_back(m), var.push_back(0.0);
  for (double m : {0.0, 0.3, -1.7})
    for (double v : {0.04, 1.0, 9.0}) mean.push_back(m), var.push_back(v);
  const double w = where.width;
  for (double m : {where.center, where.center + w, where.center - 3 * w})
    for (double sd : {w, 4 * w, 16 * w}) mean.push_back(m), var.push_back(sd * sd);
  const std::size_t n = mean.size();
  std::vector<double> hook(n), quad(n);
  stage("calling gauss_average");
  g.average(mean.data(), var.data(), hook.data(), n);
  const AnnouncedFunction f(g, stage);
  average_by_quadrature(f, shape, where, mean.data(), var.data(), quad.data(), n, quadrature_tolerance);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string law = fmt::format("E[g(V)] for V ~ N({}, {})", mean[i], var[i]);
    std::string why = compare(g, "gauss_average", law, hook[i], quad[i], std::max(std::fabs(quad[i]), peak_floor * where.peak));
    if (!why.empty()) return why;
  }
  return {};
}

// E[g(u) g(v)] where quadrature in one dimension gives it: independent u and v (c = 0), the
// product of two averages; fully correlated ones (c^2 = ab), v = (c / a) u, the average of
// g(u) g(c u / a). (Intermediate correlations would need a nested quadrature whose inner
// averages sit deep in Gaussian tails for peaked g, at a cost out of proportion to a probe; a
// hook that is wrong at both ends of the correlation range is what this catches.)
void expect2_by_quadrature(const ArrayFunction& f, const Shape& shape, const Survey& where,
                           const std::vector<double>& a, const std::vector<double>& b,
                           const std::vector<double>& c, double* out) {
  const std::size_t n = a.size();
  std::vector<double> zero(n, 0.0), ea(n), eb(n);
  average_by_quadrature(f, shape, where, zero.data(), a.data(), ea.data(), n, quadrature_tolerance);
  average_by_quadrature(f, shape, where, zero.data(), b.data(), eb.data(), n, quadrature_tolerance);
  const BatchIntegrand h = [&](const std::uint32_t* entry, const double* t, double* y, std::size_t k) {
    std::vector<double> scaled(k), gy(k);
    for (std::size_t j = 0; j < k; ++j) scaled[j] = c[entry[j]] / a[entry[j]] * t[j];
    f.eval(t, y, k);
    f.eval(scaled.data(), gy.data(), k);
    for (std::size_t j = 0; j < k; ++j) y[j] *= gy[j];
  };
  Shape product = shape;
  product.smooth = false;
  product.parity = 0;
  std::vector<double> correlated(n);
  adaptive_gauss_1d(h, product, zero.data(), a.data(), correlated.data(), n, quadrature_tolerance,
                    [&](std::uint32_t e, std::vector<double>& cuts) {
                      const double sd = std::sqrt(a[e]), k = c[e] / a[e];
                      transition_cuts(where.center, where.width, sd, cuts);
                      if (k == 0) return;
                      for (double bp : shape.breakpoints) cuts.push_back(bp / k);
                      std::vector<double> scaled;
                      transition_cuts(where.center, where.width, sd * std::fabs(k), scaled);
                      for (double t : scaled) cuts.push_back(t / k);
                    });
  for (std::size_t i = 0; i < n; ++i) out[i] = c[i] == 0 ? ea[i] * eb[i] : correlated[i];
}

std::string check_expect2(const PluginInstance& g, const Shape& shape, const Survey& where,
                          const PluginStage& stage) {
  // c^2 = ab exactly in floating point: every c below is a square root that is a power of two.
  const double w2 = where.width * where.width;
  std::vector<double> a, b, c;
  const struct { double a, b, root; } laws[] = {{1.0, 1.0, 1.0}, {2.0, 0.5, 1.0}, {0.25, 4.0, 1.0}, {w2, w2, w2}};
  for (const auto& law : laws)
    for (double sign : {0.0, 1.0, -1.0}) {
      a.push_back(law.a);
      b.push_back(law.b);
      c.push_back(sign * law.root);
    }
  const std::size_t n = a.size();
  std::vector<double> hook(n), quad(n);
  stage("calling gauss_expect2");
  g.expect2(a.data(), b.data(), c.data(), hook.data(), n);
  const AnnouncedFunction f(g, stage);
  expect2_by_quadrature(f, shape, where, a, b, c, quad.data());
  for (std::size_t i = 0; i < n; ++i) {
    const std::string law =
        fmt::format("E[g(u) g(v)] for (u, v) ~ N(0, [[{}, {}], [{}, {}]])", a[i], c[i], c[i], b[i]);
    std::string why =
        compare(g, "gauss_expect2", law, hook[i], quad[i], std::max(std::fabs(quad[i]), peak_floor * where.peak * where.peak));
    if (!why.empty()) return why;
  }
  return {};
}

}  // namespace

std::string check_plugin(const PluginInstance& g, const PluginStage& stage) {
  try {
    stage("calling shape");
    const Shape shape = g.shape();
    stage("calling eval");
    const Survey where = survey(g, shape);
    // g == 0 on the whole grid: nothing a comparison could be relative to (and nothing to lie about
    // that the runtime would see: it evaluates g at such points too).
    if (where.peak == 0.0) return {};
    if (g.has_average())
      if (std::string why = check_average(g, shape, where, stage); !why.empty()) return why;
    if (g.has_expect2())
      if (std::string why = check_expect2(g, shape, where, stage); !why.empty()) return why;
  } catch (const EvalError& e) {
    return e.what();
  }
  return {};
}

}  // namespace sgntk::runtime
