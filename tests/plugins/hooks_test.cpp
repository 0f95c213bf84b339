// The built-in plugins' closed-form Gaussian hooks agree with quadrature over their own eval,
// and every plugin's stated normalisation holds.
#include <doctest/doctest.h>

#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "plugin_fixture.h"
#include "runtime/errors.h"
#include "runtime/gauss_expect_1d.h"

using namespace sgntk;
using Params = std::vector<std::pair<std::string, double>>;

namespace {

struct HookCase {
  std::string id;
  Params params;
};

// Each hooked plugin at its defaults and at a second, deliberately different parameter set.
const std::vector<HookCase> average_cases = {
    {"triangle", {}},         {"triangle", {{"width", 0.3}, {"scale", 2}}},
    {"boxcar", {}},           {"boxcar", {{"width", 2.5}}},
    {"straight_through", {}}, {"straight_through", {{"scale", 0.4}}},
    {"gaussian", {}},         {"gaussian", {{"mu", -0.4}, {"sigma", 1.3}}},
    {"erf", {}},              {"erf", {{"alpha", 1}, {"scale", 2}}},
    {"multi_gaussian", {}},   {"multi_gaussian", {{"h", 0.4}, {"s", 2}, {"sigma", 1}}},
    {"laplace", {}},          {"laplace", {{"alpha", 6}, {"scale", 0.5}}},
};

const std::vector<HookCase> expect2_cases = {
    {"straight_through", {{"scale", 0.4}}},
    {"gaussian", {}},
    {"gaussian", {{"mu", 0.3}, {"sigma", 0.7}}},
    {"erf", {}},
    {"erf", {{"alpha", 1}, {"scale", 2}}},
    {"multi_gaussian", {}},
};

}  // namespace

TEST_CASE("closed-form E[g(V)] hooks agree with quadrature over eval") {
  const double means[] = {0.0, 0.3, -1.7, 4.0};
  const double vars[] = {0.0, 0.01, 0.5, 1.0, 9.0};
  for (const HookCase& c : average_cases) {
    const auto g = test::builtin(c.id, c.params);
    REQUIRE(g->has_average());
    for (double m : means)
      for (double v : vars) {
        CAPTURE(c.id);
        CAPTURE(g->text());
        CAPTURE(m);
        CAPTURE(v);
        double hook;
        g->average(&m, &v, &hook, 1);
        const double ref = test::reference_average(*g, m, v);
        CHECK(test::close(hook, ref, 1e-12, 1e-14));
      }
  }
}

TEST_CASE("closed-form E[g(V)] hooks agree with the runtime's adaptive quadrature") {
  std::vector<double> mean, var;
  for (double m : {0.0, 0.7, -2.5})
    for (double v : {0.05, 1.0, 3.0}) mean.push_back(m), var.push_back(v);
  for (const HookCase& c : average_cases) {
    CAPTURE(c.id);
    const auto g = test::builtin(c.id, c.params);
    std::vector<double> hook(mean.size()), quad(mean.size());
    g->average(mean.data(), var.data(), hook.data(), mean.size());
    runtime::gauss_expect_1d(*runtime::plugin_function(g), g->shape(), mean.data(), var.data(), quad.data(),
                             mean.size(), 1e-12);
    for (std::size_t i = 0; i < mean.size(); ++i) {
      CAPTURE(mean[i]);
      CAPTURE(var[i]);
      // Absolute floor 1e-15: the runtime's rule truncates at 9 sd, which far-tail values feel.
      CHECK(test::close(hook[i], quad[i], 1e-9, 1e-6));
    }
  }
}

TEST_CASE("closed-form E[g(u) g(v)] hooks agree with nested quadrature over eval") {
  struct Cov { double a, b, c; };
  const Cov covs[] = {{1, 1, 0.5}, {2, 0.5, -0.3}, {1, 1, 1}, {0.3, 4, 0.9}, {1.5, 1.5, 0}};
  for (const HookCase& c : expect2_cases) {
    const auto g = test::builtin(c.id, c.params);
    REQUIRE(g->has_expect2());
    for (const Cov& k : covs) {
      CAPTURE(g->text());
      CAPTURE(k.a);
      CAPTURE(k.b);
      CAPTURE(k.c);
      double hook;
      g->expect2(&k.a, &k.b, &k.c, &hook, 1);
      CHECK(test::close(hook, test::reference_expect2(*g, k.a, k.b, k.c), 1e-10, 1e-12));
    }
  }
}

TEST_CASE("the erf plugin's E2 hook is Williams' erf derivative kernel") {
  // Williams' erf kernel for g = alpha exp(-alpha^2 x^2) / sqrt(pi): E[g g] = alpha^2 / (pi sqrt((1 + 2 alpha^2 a)(1 + 2 alpha^2 b) - 4 alpha^4 c^2)).
  const double alpha = 1.7, a = 0.8, b = 1.9, c = 0.6;
  const auto g = test::builtin("erf", {{"alpha", alpha}});
  double hook;
  g->expect2(&a, &b, &c, &hook, 1);
  const double al2 = alpha * alpha;
  const double want = al2 / (M_PI * std::sqrt((1 + 2 * al2 * a) * (1 + 2 * al2 * b) - 4 * al2 * al2 * c * c));
  CHECK(test::close(hook, want, 1e-14));
}

TEST_CASE("the Laplace hook stays accurate where exp(alpha^2 s^2 / 2) alone would overflow") {
  // alpha s = 40: the naive form multiplies e^800 (inf) by Phi(-40) (~1e-350, 0). As s grows
  // with alpha fixed, E[(alpha/2) exp(-alpha |V|)] -> p_V(0) = 1 / (s sqrt(2 pi)) (1 - O(1/(alpha s)^2)).
  const auto g = test::builtin("laplace", {{"alpha", 40}});
  const double m = 0.0, v = 1.0;
  double hook;
  g->average(&m, &v, &hook, 1);
  CHECK(std::isfinite(hook));
  CHECK(test::close(hook, test::reference_average(*g, m, v), 1e-12));
}

TEST_CASE("every built-in plugin's stated normalisation holds") {
  for (const std::string& id : test::builtin_registry().ids()) {
    CAPTURE(id);
    const auto g = test::builtin(id);
    const runtime::PluginDescriptor& d = g->descriptor();
    const double scale = g->values()[d.find_param("scale")];
    if (d.normalisation == SGNTK_NORM_PEAK) {
      CHECK(test::close(test::eval1(*g, 0.0), scale, 1e-15));
      for (double x : {1e-3, 0.1, 1.0, 10.0}) CHECK(test::eval1(*g, x) <= scale);
      continue;
    }
    if (d.normalisation != SGNTK_NORM_AREA) continue;
    // Every built-in is even: area = 2 (int_0^B g + int_B^inf g), panels split at break points.
    REQUIRE(g->shape().parity == 1);
    auto f = [&](double t) { return test::eval1(*g, t); };
    std::vector<double> cuts{0.0};
    for (double b : g->shape().breakpoints)
      if (b > 0) cuts.push_back(b);
    double half = 0.0;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i)
      half += boost::math::quadrature::gauss_kronrod<double, 61>::integrate(f, cuts[i], cuts[i + 1], 15, 1e-14);
    const double tail_from = std::max(cuts.back(), 1.0);
    if (tail_from > cuts.back())
      half += boost::math::quadrature::gauss_kronrod<double, 61>::integrate(f, cuts.back(), tail_from, 15, 1e-14);
    half += boost::math::quadrature::exp_sinh<double>().integrate(
        [&](double t) { return f(t); }, tail_from, std::numeric_limits<double>::infinity());
    CHECK(test::close(2 * half, scale, 1e-9));
  }
}

TEST_CASE("a hook called outside its domain is an EvalError naming the plugin and its file") {
  const auto g = test::builtin("gaussian");
  const double m = 0.0, v = -1.0;
  double out;
  const std::string label = "plugin 'gaussian' (" + test::builtin_plugin_dir() + "/libsgntk_gaussian.so)";
  CHECK_THROWS_WITH_AS(g->average(&m, &v, &out, 1), doctest::Contains(label.c_str()), runtime::EvalError);
  CHECK_THROWS_WITH_AS(g->average(&m, &v, &out, 1), doctest::Contains("SGNTK_EDOMAIN"), runtime::EvalError);
}
