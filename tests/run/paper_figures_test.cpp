// The quick Figure 3 of the paper: sign networks trained by SGL against the SG-NTK
// Gaussian process at the same flow time t = lr * steps, and every spec under specs/ runs.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "cli/experiment/load_experiment.h"
#include "npy_reader.h"
#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using sgntk::test::read_npy;
using sgntk::test::run_process;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(SGNTK_BINARY_DIR) / "run_tests" / name;
  fs::remove_all(dir);
  return dir;
}

}  // namespace

TEST_CASE("quick Figure 3: the SGL ensemble mean lies in the SG-NTK GP band and nears the GP mean as n grows" *
          doctest::timeout(600)) {
  const fs::path out = fresh_dir("figure3");
  const auto result = run_process({SGNTK_EXE, "run", "specs/paper/figure3.sgntk", "--quick", "--quiet", "--out",
                                   out.string()},
                                  SGNTK_SOURCE_DIR);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(fs::exists(out / "manifest.json"));
  CHECK(fs::file_size(out / "figure3.png") > 10000);
  CHECK(!fs::exists(out / "manifest.partial.json"));

  const auto mean = read_npy((out / "gp/mean.npy").string());
  const auto sd = read_npy((out / "gp/std.npy").string());
  REQUIRE(mean.shape == std::vector<long>{100, 1});
  std::set<long> training;  // select(grid, every = 7)
  for (long i = 0; i < 100; i += 7) training.insert(i);

  double rms[2] = {0, 0};
  const long widths[2] = {20, 500};
  for (int w = 0; w < 2; ++w) {
    CAPTURE(widths[w]);
    const auto outputs = read_npy((out / ("sgl/n_" + std::to_string(widths[w])) / "outputs.npy").string());
    REQUIRE(outputs.shape.size() == 4);  // [saves, ensemble, points, outputs]
    const long ensemble = outputs.shape[1], points = outputs.shape[2];
    REQUIRE(points == 100);
    const double* last = outputs.data.data() + (outputs.shape[0] - 1) * ensemble * points;
    long inside = 0, tested = 0;
    for (long i = 0; i < points; ++i) {
      if (training.count(i) != 0) continue;
      double m = 0;
      for (long e = 0; e < ensemble; ++e) m += last[e * points + i];
      m /= static_cast<double>(ensemble);
      const double gap = m - mean.data[static_cast<std::size_t>(i)];
      inside += std::abs(gap) <= 2 * sd.data[static_cast<std::size_t>(i)];
      rms[w] += gap * gap;
      ++tested;
    }
    rms[w] = std::sqrt(rms[w] / static_cast<double>(tested));
    CHECK(tested == 85);
    CHECK(static_cast<double>(inside) >= 0.95 * static_cast<double>(tested));
  }
  CAPTURE(rms[0]);
  CAPTURE(rms[1]);
  CHECK(rms[1] < rms[0]);
}

TEST_CASE("every spec under specs/ runs: --quick with tasks, check without" * doctest::timeout(900)) {
  int runs = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(SGNTK_SOURCE_DIR) / "specs")) {
    if (entry.path().extension() != ".sgntk") continue;
    const std::string relative = fs::relative(entry.path(), SGNTK_SOURCE_DIR).string();
    CAPTURE(relative);
    sgntk::Diagnostics diags;
    const auto spec = sgntk::experiment::load_experiment(entry.path().string(), {}, diags);
    REQUIRE_MESSAGE(spec != nullptr, diags.render());
    if (spec->experiment.tasks.empty()) {
      CHECK(run_process({SGNTK_EXE, "check", relative}, SGNTK_SOURCE_DIR).exit_code == 0);
      continue;
    }
    ++runs;
    // The quick Figure 3 runs (and is checked in depth) in the test case above.
    if (relative == "specs/paper/figure3.sgntk") continue;
    const fs::path out = fresh_dir("all_specs/" + entry.path().stem().string());
    const auto result = run_process({SGNTK_EXE, "run", relative, "--quick", "--quiet", "--out", out.string()},
                                    SGNTK_SOURCE_DIR);
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(fs::exists(out / "manifest.json"));
    for (const sgntk::experiment::TaskDecl& task : spec->experiment.tasks)
      CHECK(fs::exists(out / (task.is_plot() ? task.name + ".png" : task.name)));
  }
  CHECK(runs >= 4);  // the four paper figures
}
