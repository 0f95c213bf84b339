// Plugin surrogates of a checked module become program references (lower::plugin_refs), bind
// loads them into runtime objects (runtime::bind_plugins), and every failure becomes a
// diagnostic at the spec position that names the plugin id and file (lower::report_bind_problems).
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <fmt/format.h>
#include <string>

#include "compiler/lower/plugin_refs.h"
#include "compiler/sema/load_spec.h"
#include "plugin_fixture.h"
#include "runtime/bind_plugins.h"

using namespace sgntk;

namespace {

// Binding also searches SGNTK_PLUGIN_PATH: these tests must see only the build's
// plugins (and the folders they name), whatever the environment of the run.
const bool hermetic = [] { return ::unsetenv("SGNTK_PLUGIN_PATH") == 0; }();

// A one-line spec `surrogate NAME = plugin("ID", P = V)` and the module the front end would
// build from it (positions included), so that diagnostics render with line and caret.
struct OneSurrogate {
  SourceFile file;
  sema::Module module;

  OneSurrogate(const std::string& name, const std::string& id, const std::string& param, double value)
      : file("spec.sgntk", "surrogate " + name + " = plugin(\"" + id + "\"" +
                               (param.empty() ? "" : ", " + param + " = " + fmt::format("{}", value)) + ")\n") {
    sema::PluginSurrogate p{id, {}, {}};
    if (!param.empty()) {
      const std::size_t at = file.text().find(param + " =");
      p.params.push_back({param, value});
      p.param_where.push_back({&file, at, at + param.size()});
    }
    sema::FunctionDef def{name, p, {&file, 0, file.text().size() - 1}, false};
    module.surrogates.push_back(def);
  }
};

// The module's plugin surrogates, bound, by name; bind's problems reported into `diags` at
// their spec positions. A surrogate that could not be bound is missing from the map.
std::map<std::string, runtime::BoundPlugin> resolve_plugins(const sema::Module& module,
                                                            const std::vector<std::string>& paths,
                                                            Diagnostics& diags) {
  program::KernelProgram program;
  program.plugins = lower::plugin_refs(module);
  runtime::PluginBinding binding = runtime::bind_plugins(program.plugins, paths);
  lower::report_bind_problems(module, program, binding.problems, diags);
  std::map<std::string, runtime::BoundPlugin> resolved;
  for (std::size_t i = 0; i < program.plugins.size(); ++i)
    if (binding.plugins[i].instance) resolved[program.plugins[i].name] = binding.plugins[i];
  return resolved;
}

std::string resolve_errors(OneSurrogate& spec, const std::vector<std::string>& paths = {}) {
  Diagnostics diags;
  const auto resolved = resolve_plugins(spec.module, paths, diags);
  CHECK(diags.has_errors());
  CHECK(resolved.empty());
  return diags.render();
}

bool has(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return true;
  MESSAGE("missing '", part, "' in:\n", text);
  return false;
}

}  // namespace

TEST_CASE("a bound plugin surrogate carries eval, its hooks, its shape and its text") {
  REQUIRE(hermetic);
  OneSurrogate spec("g", "gaussian", "sigma", 0.25);
  Diagnostics diags;
  const auto resolved = resolve_plugins(spec.module, {}, diags);
  CHECK(!diags.has_errors());
  REQUIRE(resolved.count("g") == 1);
  const runtime::BoundPlugin& r = resolved.at("g");
  REQUIRE(r.eval);
  CHECK(r.e1);
  CHECK(r.e2);
  CHECK(r.shape.smooth);
  CHECK(r.instance->text() == "plugin(\"gaussian\", mu = 0, sigma = 0.25, scale = 1)");
  CHECK(r.eval->text() == r.instance->text());
  CHECK(r.instance->descriptor().file == test::builtin_plugin_dir() + "/libsgntk_gaussian.so");
  const double x = 0.0;
  double y;
  r.eval->eval(&x, &y, 1);
  CHECK(test::close(y, 1 / (0.25 * std::sqrt(2 * M_PI)), 1e-15));

  OneSurrogate fs("fs", "fast_sigmoid", "", 0);
  const auto plain = resolve_plugins(fs.module, {}, diags);
  REQUIRE(plain.count("fs") == 1);
  CHECK(!plain.at("fs").e1);  // no closed form: the compiler plans quadrature over eval
  CHECK(!plain.at("fs").e2);
  CHECK(plain.at("fs").shape.breakpoints == std::vector<double>{0.0});
}

TEST_CASE("an unknown parameter points at the parameter and suggests the right name") {
  OneSurrogate spec("fs", "fast_sigmoid", "slop", 25);
  const std::string out = resolve_errors(spec);
  CHECK(has(out, "spec.sgntk:1:39: error: plugin 'fast_sigmoid' (" + test::builtin_plugin_dir() +
                     "/libsgntk_fast_sigmoid.so) has no parameter 'slop'"));
  CHECK(has(out, "spec.sgntk:1:39: note: did you mean 'slope'?"));
  CHECK(has(out, "    1 | surrogate fs = plugin(\"fast_sigmoid\", slop = 25)\n"
                 "      |                                       ^~~~\n"));
}

TEST_CASE("an out-of-range parameter points at the parameter") {
  OneSurrogate spec("tri", "triangle", "width", -2);
  CHECK(has(resolve_errors(spec), "spec.sgntk:1:36: error: plugin 'triangle' ("));
  CHECK(has(resolve_errors(spec), "parameter 'width' = -2 is outside its range (0, inf)"));
}

TEST_CASE("an unknown plugin id suggests a near one and says where it looked") {
  OneSurrogate spec("fs", "fast_sigmod", "", 0);
  const std::string out = resolve_errors(spec);
  CHECK(has(out, "spec.sgntk:1:1: error: no plugin provides surrogate 'fast_sigmod'"));
  CHECK(has(out, "note: did you mean 'fast_sigmoid'?"));
  CHECK(has(out, "sgntk: note: searched '" + test::builtin_plugin_dir() + "' (build)"));
}

TEST_CASE("a broken library that was meant to provide the id is blamed by name") {
  OneSurrogate spec("b", "broken_major", "", 0);
  const std::string out = resolve_errors(spec, {test::broken_plugin_dir("broken_major")});
  CHECK(has(out, "spec.sgntk:1:1: error: plugin 'broken_major' in '" + test::broken_plugin_file("broken_major") +
                     "' cannot be used: descriptor 0: built for plugin ABI 2.0, but this sgntk reads ABI major 1 only"));
}

TEST_CASE("broken plugins fail at the spec line with the plugin's own reason") {
  const struct { const char* id; const char* reason; } cases[] = {
      {"broken_small", "struct_size is 16 bytes"},
      {"broken_nosymbol", "not an sgntk plugin"},
      {"broken_noeval", "descriptor has no eval function"},
      {"broken_nan", "eval returned nan at x = 4"},
      {"broken_error", "eval returned error code 2"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.id);
    OneSurrogate spec("b", c.id, "", 0);
    const std::string out = resolve_errors(spec, {test::broken_plugin_dir(c.id)});
    CHECK(has(out, "spec.sgntk:1:1: error: plugin '" + std::string(c.id) + "'"));
    CHECK(has(out, test::broken_plugin_file(c.id)));
    CHECK(has(out, c.reason));
  }
}

TEST_CASE("a --plugin-path entry that does not exist is an error") {
  OneSurrogate spec("e", "erf", "", 0);
  Diagnostics diags;
  const auto resolved = resolve_plugins(spec.module, {"/no/such/plugins"}, diags);
  CHECK(diags.error_count() == 1);
  CHECK(has(diags.render(), "sgntk: error: plugin path '/no/such/plugins' does not exist"));
  CHECK(resolved.count("e") == 1);  // still found in the build folder; the run stops anyway
}

TEST_CASE("plugin surrogates parsed from a spec resolve, and a bad one points at its line") {
  const std::string text =
      "param m = 3\n"
      "surrogate fs = plugin(\"fast_sigmoid\", slope = 25)\n"
      "surrogate er = plugin(\"erf\", alpha = 1, scale = 2)\n"
      "network sign_net(input = 2) {\n"
      "  dense(width = 64, sigma_w = 1, sigma_b = 0.1, act = sign, surrogate = er)\n"
      "  dense(width = 64, sigma_w = 1, sigma_b = 0.1, act = sign, surrogate = fs)\n"
      "  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)\n"
      "}\n";
  Diagnostics diags;
  auto spec = load_spec_text("plugins.sgntk", text, {}, diags);
  INFO(diags.render());
  REQUIRE(spec);
  const auto resolved = resolve_plugins(spec->module, {}, diags);
  CHECK(!diags.has_errors());
  REQUIRE(resolved.size() == 2);
  CHECK(resolved.at("er").instance->text() == "plugin(\"erf\", alpha = 1, scale = 2)");
  CHECK(resolved.at("er").e1);
  CHECK(resolved.at("fs").instance->text() == "plugin(\"fast_sigmoid\", slope = 25, scale = 1)");

  const std::string bad = "surrogate fs = plugin(\"fast_sigmoid\", slope = 0)\n";
  Diagnostics bad_diags;
  auto bad_spec = load_spec_text("bad.sgntk", bad, {}, bad_diags);
  REQUIRE(bad_spec);
  CHECK(resolve_plugins(bad_spec->module, {}, bad_diags).empty());
  CHECK(has(bad_diags.render(), "bad.sgntk:1:39: error: plugin 'fast_sigmoid' ("));
  CHECK(has(bad_diags.render(), "parameter 'slope' = 0 is outside its range (0, inf)"));
}
