// Plugins in isolation (runtime/plugin_probe.h): a plugin whose constructor or eval crashes,
// loops, exits, returns NaN or whose closed-form hook lies is reported with its file, id and
// reason and exit code 1, while a run that uses a good plugin is unaffected by a hostile library
// on the search path. The hostile libraries are built from tests/plugins/broken/hostile_*.c.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "plugin_fixture.h"
#include "tests/support/run_process.h"

using namespace sgntk;

namespace {

// The build's plugins and the named folders only; hostile loops are stopped after 2 s (set
// when a test case starts: every case runs in a process of its own under ctest).
bool hermetic() {
  return ::unsetenv("SGNTK_PLUGIN_PATH") == 0 && ::setenv("SGNTK_PLUGIN_TIMEOUT", "2", 1) == 0;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() : path(std::filesystem::temp_directory_path() / ("sgntk_isolation_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

// A one-layer sign network whose surrogate is the plugin `id`, and three input points.
std::string write_spec(const TempDir& dir, const std::string& id) {
  const std::string file = dir.file(id + ".sgntk");
  std::ofstream(file) << "surrogate g = plugin(\"" << id << "\")\n"
                      << "network net(input = 2) {\n  dense(width = 10, act = sign, surrogate = g)\n  readout()\n}\n";
  std::ofstream(dir.file("x.csv")) << "0.1,0.2\n0.3,-0.5\n1,1\n";
  return file;
}

test::ProcessResult sgntk_run(std::vector<std::string> args) {
  args.insert(args.begin(), SGNTK_EXE);
  return test::run_process(args, SGNTK_SOURCE_DIR);
}

test::ProcessResult kernel(const TempDir& dir, const std::string& id, const std::string& out,
                           const std::string& plugin_path) {
  std::vector<std::string> args{"kernel", write_spec(dir, id), "--kind", "sgntk", "--x1", dir.file("x.csv"),
                                "--out", dir.file(out), "--quiet"};
  if (!plugin_path.empty()) args.insert(args.end(), {"--plugin-path", plugin_path});
  return sgntk_run(args);
}

std::string slurp(const std::string& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Hostile {
  const char* id;
  const char* reason;
};

// Every way a plugin can misbehave, and what the host says about it.
const Hostile hostile[] = {
    {"hostile_ctor", "cannot be used: crashed with SIGSEGV (signal 11) while loading the library"},
    {"hostile_crash", "crashed with SIGSEGV (signal 11) while calling eval"},
    {"hostile_loop", "did not return within 2 s while calling eval, and was stopped (an endless loop?)"},
    {"hostile_exit", "ended the process with exit status 0 while calling eval (a plugin must return, never exit)"},
    {"broken_nan", "eval returned nan at x = 4"},
    {"hostile_liar", "gauss_average disagrees with quadrature of eval: E[g(V)] for V ~ N(0, 0) is 50000000000 by "
                     "the hook but 0.5 by quadrature"},
};

}  // namespace

TEST_CASE("a hostile plugin named by a spec fails the run with its file, id and reason, exit 1, no output") {
  REQUIRE(hermetic());
  TempDir dir;
  for (const Hostile& h : hostile) {
    CAPTURE(h.id);
    const auto r = kernel(dir, h.id, "k.csv", test::broken_plugin_dir(h.id));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(std::string(h.id) + ".sgntk:1:11: error: plugin '" + h.id + "'") != std::string::npos);
    CHECK(r.err.find(test::broken_plugin_file(h.id)) != std::string::npos);
    CHECK(r.err.find(h.reason) != std::string::npos);
    CHECK(!std::filesystem::exists(dir.file("k.csv")));
    MESSAGE(r.err);
  }
}

TEST_CASE("a run with a good plugin gives the same kernel whatever hostile library sits on the search path") {
  REQUIRE(hermetic());
  TempDir dir;
  const auto clean = kernel(dir, "erf", "clean.csv", "");
  REQUIRE(clean.exit_code == 0);
  const std::string expected = slurp(dir.file("clean.csv"));
  CHECK(expected.size() > 20);
  for (const Hostile& h : hostile) {
    CAPTURE(h.id);
    const std::string out = std::string(h.id) + ".csv";
    const auto r = kernel(dir, "erf", out, test::broken_plugin_dir(h.id));
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(slurp(dir.file(out)) == expected);
  }
}

TEST_CASE("sgntk plugins survives a library whose constructor crashes and lists the others") {
  REQUIRE(hermetic());
  const auto r = sgntk_run({"plugins", "--plugin-path", test::broken_plugin_dir("hostile_ctor")});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("sgntk: warning: skipped '" + test::broken_plugin_file("hostile_ctor") +
                   "': crashed with SIGSEGV (signal 11) while loading the library") != std::string::npos);
  CHECK(r.out.find("\nerf\n") != std::string::npos);
}

TEST_CASE("sgntk plugins --check passes every built-in plugin, one line each, exit 0") {
  REQUIRE(hermetic());
  const auto r = sgntk_run({"plugins", "--check"});
  CHECK(r.exit_code == 0);
  for (const std::string& id : test::builtin_registry().ids()) {
    CAPTURE(id);
    CHECK(r.out.find("plugin '" + id + "' (" + test::builtin_plugin_dir() + "/libsgntk_" + id + ".so): ok\n") !=
          std::string::npos);
  }
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == static_cast<long>(test::builtin_registry().ids().size()));
}

TEST_CASE("sgntk plugins --check names each hostile plugin and its reason, and exits 1") {
  REQUIRE(hermetic());
  for (const Hostile& h : hostile) {
    CAPTURE(h.id);
    const auto r = sgntk_run({"plugins", "--check", "--plugin-path", test::broken_plugin_dir(h.id)});
    CHECK(r.exit_code == 1);
    const std::string prefix = std::string(h.id) == "hostile_ctor"
                                   ? "'" + test::broken_plugin_file(h.id) + "': "
                                   : "plugin '" + std::string(h.id) + "' (" + test::broken_plugin_file(h.id) + "): ";
    const std::string reason = std::string(h.id) == "hostile_ctor" ? "crashed with SIGSEGV" : h.reason;
    CHECK(r.out.find(prefix + reason) != std::string::npos);
    CHECK(r.out.find("plugin 'erf' (" + test::builtin_plugin_dir() + "/libsgntk_erf.so): ok\n") != std::string::npos);
    MESSAGE(r.out);
  }
}

TEST_CASE("a hook off by a relative 1e-6 is caught, the same hook exact passes") {
  REQUIRE(hermetic());
  const auto fib = sgntk_run({"plugins", "--check", "--plugin-path", test::broken_plugin_dir("hostile_fib")});
  CHECK(fib.exit_code == 1);
  CHECK(fib.out.find("plugin 'hostile_fib' (" + test::broken_plugin_file("hostile_fib") +
                     "): gauss_average disagrees with quadrature of eval") != std::string::npos);
  CHECK(fib.out.find("difference 5e-07, more than 1e-08 of 0.5") != std::string::npos);
  const auto honest = sgntk_run({"plugins", "--check", "--plugin-path", test::broken_plugin_dir("honest_hook")});
  CHECK(honest.exit_code == 0);
  CHECK(honest.out.find("plugin 'honest_hook' (" + test::broken_plugin_file("honest_hook") + "): ok") !=
        std::string::npos);
}

TEST_CASE("the probe stops a looping plugin after 5 s by default") {
  REQUIRE(hermetic());
  ::unsetenv("SGNTK_PLUGIN_TIMEOUT");
  const auto start = std::chrono::steady_clock::now();
  const auto r = sgntk_run({"plugins", "--check", "--plugin-path", test::broken_plugin_dir("hostile_loop")});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(hermetic());
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("did not return within 5 s while calling eval") != std::string::npos);
  CHECK(seconds >= 5.0);
  CHECK(seconds < 30.0);
}
