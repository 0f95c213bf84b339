// The host refuses every kind of broken plugin with a message naming the file (and the id when
// it can be read), checks parameters, and searches the path in order. The broken libraries are
// built from tests/plugins/broken/.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "plugin_fixture.h"
#include "runtime/errors.h"

using namespace sgntk;

namespace {

// Loads one library and returns the text of its only error ("" when it loaded cleanly).
std::string load_error(const std::string& file) {
  const runtime::PluginLoadResult r = runtime::load_plugin_library(file);
  REQUIRE(r.errors.size() <= 1);
  return r.errors.empty() ? "" : r.errors[0].text();
}

// Instantiates a built-in and returns the error (message, index of the blamed parameter).
runtime::InstantiateError instantiate_error(const std::string& id,
                                            const std::vector<std::pair<std::string, double>>& params) {
  runtime::InstantiateError error;
  const auto instance = runtime::instantiate(*test::builtin_registry().find(id), params, error);
  CHECK(instance == nullptr);
  return error;
}

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("a plugin built for another ABI major is refused after reading its version only") {
  const std::string file = test::broken_plugin_file("broken_major");
  const std::string e = load_error(file);
  CHECK(e.find(file) != std::string::npos);
  CHECK(e.find("built for plugin ABI 2.0, but this sgntk reads ABI major 1 only") != std::string::npos);
}

TEST_CASE("a descriptor smaller than ABI 1.0 is refused") {
  const std::string e = load_error(test::broken_plugin_file("broken_small"));
  CHECK(e.find("libsgntk_broken_small.so") != std::string::npos);
  CHECK(e.find("struct_size is 16 bytes, smaller than the") != std::string::npos);
}

TEST_CASE("a library without the entry symbol is not a plugin") {
  const std::string e = load_error(test::broken_plugin_file("broken_nosymbol"));
  CHECK(e.find("libsgntk_broken_nosymbol.so") != std::string::npos);
  CHECK(e.find("not an sgntk plugin (no symbol 'sgntk_surrogate_descriptor_at')") != std::string::npos);
}

TEST_CASE("a descriptor without eval is refused, naming its id") {
  const std::string e = load_error(test::broken_plugin_file("broken_noeval"));
  CHECK(e.find("plugin 'broken_noeval' in '") != std::string::npos);
  CHECK(e.find("descriptor has no eval function") != std::string::npos);
}

TEST_CASE("a file that is no shared library, and a missing file, are load errors") {
  TempDir dir("sgntk_text_plugin");
  const std::string file = (dir.path / "libsgntk_text.so").string();
  std::ofstream(file) << "not an ELF file\n";
  CHECK(load_error(file).find("not a loadable library") != std::string::npos);
  CHECK(load_error((dir.path / "missing.so").string()).find("no such file") != std::string::npos);
}

TEST_CASE("eval returning NaN fails at instantiation and in the runtime wrapper") {
  const auto r = runtime::load_plugin_library(test::broken_plugin_file("broken_nan"));
  REQUIRE(r.descriptors.size() == 1);  // the descriptor itself is fine
  runtime::InstantiateError error;
  CHECK(runtime::instantiate(r.descriptors[0], {}, error) == nullptr);
  CHECK(error.message.find("plugin 'broken_nan' (") != std::string::npos);
  CHECK(error.message.find("eval returned nan at x = 4") != std::string::npos);  // first probe > 2

  // Constructed directly (no probe), the wrapper still refuses the NaN mid-array.
  const auto instance = std::make_shared<const runtime::PluginInstance>(r.descriptors[0], std::vector<double>{0.5});
  const auto g = runtime::plugin_function(instance);
  std::vector<double> x(3000, 0.5), out(3000);
  x[2500] = 3.0;
  CHECK_THROWS_WITH_AS(g->eval(x.data(), out.data(), x.size()),
                       doctest::Contains("libsgntk_broken_nan.so): eval returned nan at x = 3"), runtime::EvalError);
  x[2500] = 0.5;
  CHECK_NOTHROW(g->eval(x.data(), out.data(), x.size()));
  CHECK(out[2999] == 0.5);
}

TEST_CASE("eval returning an error code fails with that code") {
  const auto r = runtime::load_plugin_library(test::broken_plugin_file("broken_error"));
  REQUIRE(r.descriptors.size() == 1);
  runtime::InstantiateError error;
  CHECK(runtime::instantiate(r.descriptors[0], {}, error) == nullptr);
  CHECK(error.message.find("plugin 'broken_error' (") != std::string::npos);
  CHECK(error.message.find("eval returned error code 2 (SGNTK_EDOMAIN") != std::string::npos);
}

TEST_CASE("parameters are checked by name, range and multiplicity") {
  SUBCASE("unknown name") {
    const auto e = instantiate_error("fast_sigmoid", {{"scale", 1}, {"slop", 3}});
    CHECK(e.param == 1);
    CHECK(e.message.find("plugin 'fast_sigmoid' (") != std::string::npos);
    CHECK(e.message.find("has no parameter 'slop' (its parameters: slope, scale)") != std::string::npos);
  }
  SUBCASE("out of range") {
    const auto e = instantiate_error("fast_sigmoid", {{"slope", -1}});
    CHECK(e.param == 0);
    CHECK(e.message.find("parameter 'slope' = -1 is outside its range (0, inf)") != std::string::npos);
  }
  SUBCASE("open lower bound") {
    CHECK(instantiate_error("q_pseudo_spike", {{"alpha", 1}}).message.find("(1, inf)") != std::string::npos);
  }
  SUBCASE("not finite") {
    CHECK(instantiate_error("laplace", {{"alpha", INFINITY}}).param == 0);
    CHECK(instantiate_error("laplace", {{"alpha", NAN}}).param == 0);
  }
  SUBCASE("given twice") {
    const auto e = instantiate_error("erf", {{"alpha", 1}, {"alpha", 2}});
    CHECK(e.param == 1);
    CHECK(e.message.find("parameter 'alpha' is given twice") != std::string::npos);
  }
  SUBCASE("defaults fill the rest, in descriptor order") {
    const auto g = test::builtin("multi_gaussian", {{"sigma", 0.75}});
    CHECK(g->values() == std::vector<double>{0.15, 6, 0.75, 0.5});
    CHECK(g->text() == "plugin(\"multi_gaussian\", h = 0.15, s = 6, sigma = 0.75, scale = 0.5)");
  }
}

TEST_CASE("the search path is --plugin-path, SGNTK_PLUGIN_PATH, then the build folder") {
  ::setenv("SGNTK_PLUGIN_PATH", "/env/one::/env/two", 1);
  const auto path = runtime::plugin_search_path({"/opt/a", "/opt/b"});
  ::unsetenv("SGNTK_PLUGIN_PATH");
  REQUIRE(path.size() >= 5);
  CHECK(path[0].path == "/opt/a");
  CHECK(path[1].path == "/opt/b");
  CHECK(path[2].path == "/env/one");  // the empty entry between the colons is dropped
  CHECK(path[3].path == "/env/two");
  CHECK(path[2].origin == runtime::SearchDir::Origin::environment);
  CHECK(path[4].path == test::builtin_plugin_dir());
  CHECK(path[4].origin == runtime::SearchDir::Origin::build);
}

TEST_CASE("an earlier folder shadows a later one, broken libraries do not hide good ones") {
  TempDir dir("sgntk_shadow");
  // A copy of the erf plugin in a folder that comes first, next to a broken library.
  std::filesystem::copy_file(test::builtin_plugin_dir() + "/libsgntk_erf.so", dir.path / "libsgntk_erf.so");
  std::filesystem::copy_file(test::broken_plugin_file("broken_major"), dir.path / "libsgntk_broken_major.so");
  using Origin = runtime::SearchDir::Origin;
  const auto registry = runtime::PluginRegistry::scan(
      {{dir.path.string(), Origin::option}, {test::builtin_plugin_dir(), Origin::build}});
  const runtime::PluginDescriptor* erf = registry.find("erf");
  REQUIRE(erf != nullptr);
  CHECK(erf->file == (dir.path / "libsgntk_erf.so").string());
  CHECK(registry.find("fast_sigmoid") != nullptr);
  REQUIRE(registry.errors().size() == 1);
  CHECK(registry.errors()[0].file.find("libsgntk_broken_major.so") != std::string::npos);
}

TEST_CASE("a missing --plugin-path entry is an error, a missing default folder is not") {
  using Origin = runtime::SearchDir::Origin;
  const auto registry = runtime::PluginRegistry::scan({{"/no/such/folder", Origin::option},
                                                       {"/no/such/env", Origin::environment}});
  REQUIRE(registry.errors().size() == 1);
  CHECK(registry.errors()[0].missing_path);
  CHECK(registry.errors()[0].file == "/no/such/folder");
}

TEST_CASE("the shape hook becomes the runtime's Shape") {
  const runtime::Shape s = test::builtin("triangle", {{"width", 0.5}})->shape();
  CHECK(s.breakpoints == std::vector<double>{-0.5, 0.0, 0.5});
  CHECK(s.support_lo == -0.5);
  CHECK(s.support_hi == 0.5);
  CHECK(!s.smooth);
  CHECK(s.parity == 1);
  CHECK(test::builtin("erf")->shape().smooth);
}

TEST_CASE("a plugin from a newer minor ABI with a larger descriptor is accepted") {
  const auto r = runtime::load_plugin_library(test::broken_plugin_file("newer_minor"));
  REQUIRE(r.errors.empty());
  REQUIRE(r.descriptors.size() == 1);
  const runtime::PluginDescriptor& d = r.descriptors[0];
  CHECK(d.abi_minor == SGNTK_ABI_MINOR + 1);
  CHECK(d.raw.struct_size > sizeof(sgntk_surrogate_descriptor));
  runtime::InstantiateError error;
  const auto g = runtime::instantiate(d, {{"height", 2}}, error);
  REQUIRE(g);
  CHECK(test::eval1(*g, 0.5) == 2.0);
  CHECK(test::eval1(*g, 1.5) == 0.0);
}

TEST_CASE("a plugin's eval gives the same numbers from many threads at once") {
  const auto g = runtime::plugin_function(test::builtin("laplace", {{"alpha", 3}}));
  std::vector<double> x(100000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = -5.0 + 1e-4 * static_cast<double>(i);
  std::vector<double> serial(x.size());
  g->eval(x.data(), serial.data(), x.size());
  std::vector<double> parallel(x.size());
  std::vector<std::thread> threads;
  const std::size_t parts = 8, step = x.size() / parts;
  for (std::size_t t = 0; t < parts; ++t)
    threads.emplace_back([&, t] { g->eval(x.data() + t * step, parallel.data() + t * step, step); });
  for (std::thread& t : threads) t.join();
  CHECK(parallel == serial);
}

TEST_CASE("a hook that answers SGNTK_EUNSUPPORTED for some parameters is dropped for those") {
  const auto r = runtime::load_plugin_library(test::broken_plugin_file("partial_hook"));
  REQUIRE(r.descriptors.size() == 1);
  runtime::InstantiateError error;
  const auto served = runtime::instantiate(r.descriptors[0], {{"height", 0.5}}, error);
  REQUIRE(served);
  CHECK(served->has_average());
  CHECK(runtime::plugin_average(served) != nullptr);
  const auto unserved = runtime::instantiate(r.descriptors[0], {{"height", 2}}, error);
  REQUIRE(unserved);  // still usable: the compiler integrates eval instead
  CHECK(!unserved->has_average());
  CHECK(runtime::plugin_average(unserved) == nullptr);
  const bool untouched = r.descriptors[0].raw.gauss_average != nullptr;  // the shared descriptor
  CHECK(untouched);
}
