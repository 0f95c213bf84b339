// A plot that cannot be drawn (here: a paper style given a user's kernel sweep) is a warning with
// the plotting script's one-line reason, not a traceback; the data and the manifest are written.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/read_file.h"
#include "tests/support/run_process.h"

namespace fs = std::filesystem;

TEST_CASE("a plot style given tasks of other kinds: a warning, the data and the manifest are still written") {
  const fs::path dir = fs::path(SGNTK_BINARY_DIR) / "run_tests" / "plot_failure";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "sweep.sgntk") << R"(param m = 2
network net(input = 2) {
  dense(width = 10, act = erf(m*x), surrogate = exp(-x^2))
  readout()
}
data grid = circle(n = 20)
task rows = kernel(network = net, kind = sgntk, x1 = grid, sweep m = [2, 5])
task fig = plot(style = figure2, inputs = [rows])
)";
  const fs::path out = dir / "out";
  const auto result = sgntk::test::run_process(
      {SGNTK_EXE, "run", (dir / "sweep.sgntk").string(), "--quiet", "--out", out.string()}, SGNTK_SOURCE_DIR);
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.err.find("sgntk: warning: plot 'fig' was not drawn: ") != std::string::npos);
  CHECK(result.err.find("style 'figure2' draws inputs of kinds [empirical, kernel]; [rows] are [kernel]") !=
        std::string::npos);
  CHECK(result.err.find("the data are written, the plot is not") != std::string::npos);
  CHECK(result.err.find("Traceback") == std::string::npos);
  CHECK(fs::exists(out / "rows/m_2/kernel.npy"));
  CHECK(fs::exists(out / "rows/m_5/kernel.npy"));
  CHECK(!fs::exists(out / "fig.png"));
  const std::string manifest = sgntk::test::read_file(out / "manifest.json");
  const std::size_t fig = manifest.find(R"("name": "fig")");
  REQUIRE(fig != std::string::npos);
  CHECK(manifest.find(R"("plot": null)", fig) != std::string::npos);
  CHECK(manifest.find(R"("warnings": ["plot 'fig' was not drawn)", fig) != std::string::npos);
}
