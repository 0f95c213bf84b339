// The quick Figure 3 of the paper: sign networks trained by SGL on the authors' points against the
// SG-NTK Gaussian process at the same flow time t = lr * steps, and every spec under specs/ runs.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "cli/experiment/load_experiment.h"
#include "npy_reader.h"
#include "tests/support/read_file.h"
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
  // The authors' training points (grid indices from their PRNGKey(3)), as the tasks received them.
  const std::vector<long> authors{54, 69, 18, 41, 23, 50, 65, 82, 63, 3, 0, 4, 58, 79, 95};
  const std::set<long> training(authors.begin(), authors.end());
  const auto grid = read_npy((out / "data/grid.npy").string());
  for (const char* x_file : {"sgl/n_20/x.npy", "sgl/n_500/x.npy", "gp/x_train.npy"}) {
    CAPTURE(x_file);
    const auto x = read_npy((out / x_file).string());
    REQUIRE(x.shape == std::vector<long>{15, 2});
    for (std::size_t i = 0; i < 15; ++i)
      for (std::size_t k = 0; k < 2; ++k) CHECK(x.data[2 * i + k] == grid.data[2 * static_cast<std::size_t>(authors[i]) + k]);
  }

  // The manifest says what the GP computed: t = 100 (the networks' flow time under --quick), and
  // that --quick replaced the spec's t = inf.
  const std::string manifest = sgntk::test::read_file(out / "manifest.json");
  CHECK(manifest.find(R"("name": "gp", "kind": "predict")") != std::string::npos);
  const std::size_t gp = manifest.find(R"("name": "gp")");
  const std::string gp_record = manifest.substr(gp, manifest.find(R"("name": "sigma_regression")") - gp);
  CHECK(gp_record.find(R"("t": 100)") != std::string::npos);
  CHECK(gp_record.find(R"("t": "inf")") != std::string::npos);  // in quick_replaced only
  CHECK(gp_record.find(R"("quick_replaced": {"flow_of": null, "t": "inf"})") != std::string::npos);
  CHECK(gp_record.find(R"("values": {"t": 100})") != std::string::npos);

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

TEST_CASE("the kappa = 0.2 variant of Figure 3: the GP mean at t = inf is Figure 3's, its std 1/5 of it") {
  // Both at full size (t = inf), the GP task only: kernels and a solve, no training.
  const fs::path plain = fresh_dir("figure3_gp"), kappa = fresh_dir("figure3_kappa_gp");
  for (const auto& [spec, out] : {std::pair{"specs/paper/figure3.sgntk", plain}, {"specs/paper/figure3_kappa.sgntk", kappa}}) {
    const auto result = run_process({SGNTK_EXE, "run", spec, "--only", "gp", "--quiet", "--out", out.string()},
                                    SGNTK_SOURCE_DIR);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
  }
  const auto mean = read_npy((plain / "gp/mean.npy").string()), sd = read_npy((plain / "gp/std.npy").string());
  const auto mean_k = read_npy((kappa / "gp/mean.npy").string()), sd_k = read_npy((kappa / "gp/std.npy").string());
  REQUIRE(mean.data.size() == 100);
  REQUIRE(mean_k.data.size() == 100);
  double largest_sd = 0;
  for (std::size_t i = 0; i < 100; ++i) {
    CAPTURE(i);
    CHECK(mean_k.data[i] == doctest::Approx(mean.data[i]).epsilon(1e-12).scale(1));
    CHECK(sd_k.data[i] == doctest::Approx(0.2 * sd.data[i]).epsilon(1e-12).scale(1));
    largest_sd = std::max(largest_sd, sd.data[i]);
  }
  CHECK(largest_sd > 0.1);  // a band to narrow: away from the training points the GP is uncertain
}
