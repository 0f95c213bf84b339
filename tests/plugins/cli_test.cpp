// `sgntk plugins`: lists the built-in plugins with formula, parameters and normalisation, warns
// about libraries it cannot use and fails on a --plugin-path that does not exist.
#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

#include "plugin_fixture.h"

namespace {

struct Run {
  int status = -1;
  std::string out;  // stdout and stderr, interleaved
};

Run run_sgntk(const std::string& args) {
  Run r;
  const std::string command = "env -u SGNTK_PLUGIN_PATH '" SGNTK_EXE "' " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer;
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) r.out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace

TEST_CASE("sgntk plugins lists every built-in plugin with its formula and parameters") {
  const Run r = run_sgntk("plugins");
  CHECK(r.status == 0);
  for (const std::string& id : sgntk::test::builtin_registry().ids()) {
    CAPTURE(id);
    CHECK(("\n" + r.out).find("\n" + id + "\n") != std::string::npos);
  }
  CHECK(r.out.find("g(x)          = scale / (1 + slope |x|)^2\n"
                   "    parameters    : slope = 25, scale = 1\n"
                   "    normalisation : peak 1\n") != std::string::npos);
  CHECK(r.out.find("capabilities  : thread-safe, closed E[g(V)], closed E[g(u) g(v)], shape") != std::string::npos);
}

TEST_CASE("sgntk plugins --verbose shows ranges, descriptions and the search path") {
  const Run r = run_sgntk("plugins --verbose");
  CHECK(r.status == 0);
  CHECK(r.out.find("search path:\n") != std::string::npos);
  CHECK(r.out.find(sgntk::test::builtin_plugin_dir() + " (build)") != std::string::npos);
  CHECK(r.out.find("alpha = 2 in (1, inf), scale = 1 in (0, inf)") != std::string::npos);  // q_pseudo_spike
  CHECK(r.out.find("(plugin ABI 1.0)") != std::string::npos);
}

TEST_CASE("sgntk plugins warns about a broken library and keeps listing the rest") {
  const Run r = run_sgntk("plugins --plugin-path '" + sgntk::test::broken_plugin_dir("broken_major") + "'");
  CHECK(r.status == 0);
  CHECK(r.out.find("sgntk: warning: skipped '" + sgntk::test::broken_plugin_file("broken_major") +
                   "': descriptor 0: built for plugin ABI 2.0") != std::string::npos);
  CHECK(r.out.find("\nerf\n") != std::string::npos);
}

TEST_CASE("sgntk plugins with a --plugin-path that does not exist exits 1") {
  const Run r = run_sgntk("plugins --plugin-path /no/such/dir");
  CHECK(r.status == 1);
  CHECK(r.out.find("sgntk: error: plugin path '/no/such/dir' does not exist") != std::string::npos);
}
