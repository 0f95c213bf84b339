// Shared helpers of the plugin tests: where the built-in and broken plugins are, instantiating
// one by id, and a reference Gaussian average by Boost adaptive Gauss-Kronrod quadrature that
// shares no code with the runtime's quadrature or the plugins' closed forms.
#pragma once
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "runtime/plugin_host.h"

namespace sgntk::test {

inline std::string builtin_plugin_dir() { return SGNTK_BINARY_DIR "/plugins"; }
inline std::string broken_plugin_dir(const std::string& name) {
  return SGNTK_BINARY_DIR "/tests/plugins/broken/" + name;
}
inline std::string broken_plugin_file(const std::string& name) {
  return broken_plugin_dir(name) + "/libsgntk_" + name + ".so";
}

// The built-in plugins' folder only: the tests must not depend on the user's environment.
inline const runtime::PluginRegistry& builtin_registry() {
  static const runtime::PluginRegistry registry =
      runtime::PluginRegistry::scan({{builtin_plugin_dir(), runtime::SearchDir::Origin::build}});
  return registry;
}

inline runtime::PluginInstanceRef builtin(const std::string& id,
                                          const std::vector<std::pair<std::string, double>>& params = {}) {
  const runtime::PluginDescriptor* d = builtin_registry().find(id);
  if (d == nullptr) throw std::runtime_error("built-in plugin '" + id + "' not found in " + builtin_plugin_dir());
  runtime::InstantiateError error;
  auto instance = runtime::instantiate(*d, params, error);
  if (!instance) throw std::runtime_error(error.message);
  return instance;
}

inline double eval1(const runtime::PluginInstance& g, double x) {
  double y;
  g.eval(&x, &y, 1);
  return y;
}

// E[g(V)], V ~ N(m, v), by adaptive G30K61 on [m - 14 s, m + 14 s] (mass outside < 1e-44),
// split at g's break points so that every panel is smooth.
inline double reference_average(const runtime::PluginInstance& g, double m, double v) {
  if (v == 0) return eval1(g, m);
  const double s = std::sqrt(v);
  std::vector<double> cuts{m - 14 * s};
  for (double b : g.shape().breakpoints)
    if (b > m - 14 * s && b < m + 14 * s) cuts.push_back(b);
  cuts.push_back(m + 14 * s);
  auto h = [&](double t) {
    const double z = (t - m) / s;
    return eval1(g, t) * std::exp(-0.5 * z * z) / (s * std::sqrt(2 * M_PI));
  };
  double sum = 0.0;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i)
    sum += boost::math::quadrature::gauss_kronrod<double, 61>::integrate(h, cuts[i], cuts[i + 1], 10, 1e-14);
  return sum;
}

// E[g(u) g(v)], (u, v) ~ N(0, [[a, c], [c, b]]), as the integral over u of p(u) g(u) times
// the reference average of g over the conditional law v | u ~ N(c u / a, b - c^2 / a).
inline double reference_expect2(const runtime::PluginInstance& g, double a, double b, double c) {
  const double s = std::sqrt(a);
  const double cond_var = std::fmax(b - c * c / a, 0.0);
  std::vector<double> cuts{-14 * s};
  for (double bp : g.shape().breakpoints)
    if (bp > -14 * s && bp < 14 * s) cuts.push_back(bp);
  cuts.push_back(14 * s);
  auto h = [&](double t) {
    const double z = t / s;
    return std::exp(-0.5 * z * z) / (s * std::sqrt(2 * M_PI)) * eval1(g, t) *
           reference_average(g, c * t / a, cond_var);
  };
  double sum = 0.0;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i)
    sum += boost::math::quadrature::gauss_kronrod<double, 31>::integrate(h, cuts[i], cuts[i + 1], 6, 1e-12);
  return sum;
}

inline bool close(double x, double ref, double tol, double floor = 1e-300) {
  return std::fabs(x - ref) <= tol * std::fmax(std::fabs(ref), floor);
}

}  // namespace sgntk::test
