// bind: lowering records plugin surrogates by reference without loading anything; bind loads
// them, reports what is wrong as data, and completes the plans the compiler left open.
#include <doctest/doctest.h>

#include <cstdlib>

#include "program_fixture.h"

using namespace sgntk;

namespace {

// bind also searches SGNTK_PLUGIN_PATH: these tests must see only the build's plugins.
const bool hermetic = [] { return ::unsetenv("SGNTK_PLUGIN_PATH") == 0; }();

std::string relu_network(const std::string& surrogate) {
  return "surrogate g = " + surrogate +
         "\nnetwork n(input = 2) {\n  dense(width = 8, act = relu, surrogate = g)\n  readout()\n}\n";
}

const runtime::QuadratureTerm& quadrature(const runtime::Term& t) {
  const auto* q = std::get_if<runtime::QuadratureTerm>(&t.what);
  REQUIRE(q != nullptr);
  return *q;
}

}  // namespace

TEST_CASE("lowering records an unknown plugin without loading it, bind reports it as data") {
  REQUIRE(hermetic);
  const test::LoweredSpec lowered = test::lower_spec("unknown.sgntk", relu_network("plugin(\"no_such_plugin\", k = 2)"));
  const program::KernelProgram& p = lowered.programs.front();
  REQUIRE(p.plugins.size() == 1);
  CHECK(p.plugins[0] == program::PluginRef{"g", "no_such_plugin", {{"k", 2.0}}});
  CHECK(p.hidden[0].surrogate == std::optional<program::Function>(program::PluginCall{0}));

  const runtime::BindResult result = runtime::bind(p);
  CHECK(!result.program);
  REQUIRE(result.problems.size() >= 2);
  CHECK(result.problems[0].severity == program::BindProblem::Severity::error);
  CHECK(result.problems[0].message == "no plugin provides surrogate 'no_such_plugin'");
  CHECK(result.problems[0].plugin == std::optional<std::size_t>(0));
  CHECK(result.problems[0].unknown_name == "no_such_plugin");
  CHECK(result.problems[1].severity == program::BindProblem::Severity::note);
  CHECK(!result.problems[1].plugin);  // "searched ...": no spec position
}

TEST_CASE("bind puts the side with a closed E1 inside a conditional quadrature, plugin hooks included") {
  REQUIRE(hermetic);
  // relu' = heaviside = 1/2 + sign/2: both atoms have closed averages. fast_sigmoid has no E1
  // hook, so bind swaps the roles; the erf plugin has one, so it stays inside.
  const runtime::KernelProgram no_hook =
      test::bound(test::lower_spec("fs.sgntk", relu_network("plugin(\"fast_sigmoid\")")).programs.front());
  const runtime::KernelProgram hook =
      test::bound(test::lower_spec("erf.sgntk", relu_network("plugin(\"erf\")")).programs.front());
  REQUIRE(no_hook.hidden[0].sgntk.terms.size() == 2);
  REQUIRE(hook.hidden[0].sgntk.terms.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    const runtime::QuadratureTerm& swapped = quadrature(no_hook.hidden[0].sgntk.terms[i]);
    // The plugin's shape (a kink at 0), known now, suits Mehler's series against the constant
    // 1/2 of relu', not against the sign, piecewise too.
    CAPTURE(swapped.g->text());
    CHECK(swapped.method == (swapped.g->text() == "1" ? runtime::QuadratureTerm::Method::hermite_series
                                                       : runtime::QuadratureTerm::Method::conditional));
    CHECK(swapped.swap);
    CHECK(swapped.g_average);
    CHECK(swapped.f->text() == "plugin(\"fast_sigmoid\", slope = 25, scale = 1)");
    CHECK(swapped.f_shape.breakpoints == std::vector<double>{0.0});  // from the plugin's shape hook
    const runtime::QuadratureTerm& kept = quadrature(hook.hidden[0].sgntk.terms[i]);
    CHECK(!kept.swap);
    CHECK(kept.g_average);
    CHECK(kept.g_average->text().find("E1 hook of plugin(\"erf\"") == 0);
  }
  CHECK(no_hook.hidden[0].sgntk.g_text == "plugin(\"fast_sigmoid\", slope = 25, scale = 1)");
  CHECK(no_hook.hidden[0].has_surrogate);
  CHECK(no_hook.hidden[0].surrogate->text() == no_hook.hidden[0].sgntk.g_text);
}
