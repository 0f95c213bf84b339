// The rules `sgntk run` shares with the commands through the job layer (cli/jobs/): a NaN result
// fails its task and writes nothing, and a sweep sets its param as a number on the spec parsed
// once, never through text.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>

#include "cli/experiment/data_sets.h"
#include "cli/experiment/load_experiment.h"
#include "cli/experiment/run.h"
#include "cli/jobs/jobs.h"
#include "npy_reader.h"
#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using namespace sgntk;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(SGNTK_BINARY_DIR) / "run_tests" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path write_spec(const fs::path& dir, const std::string& text) {
  const fs::path path = dir / "spec.sgntk";
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("a run task whose kernel is NaN fails, names the task and writes no kernel.npy") {
  const fs::path dir = fresh_dir("nan_task");
  // E[phi^2] of 1e200 x is beyond the largest double: Sigma^2 is inf on the diagonal, and the
  // relu closed form of E[relu(u) relu(v)] is NaN off it (inf - inf; a point with itself keeps
  // the diagonal recursion's inf, so the first NaN is off the diagonal). (An activation undefined on
  // part of the line, such as sqrt, is refused earlier, by the planner; a sigma_w whose square
  // overflows, by the kernel engine: see the scale overflow test.)
  const fs::path spec = write_spec(dir, R"(
network net(input = 2) {
  dense(width = 10, act = 1e200 * x)
  dense(width = 10, act = relu(x))
  readout()
}
data grid = circle(n = 4)
task k = kernel(network = net, kind = nngp, x1 = grid)
)");
  const fs::path out = dir / "out";
  const auto r = test::run_process({SGNTK_EXE, "run", spec.string(), "--quiet", "--out", out.string()}, SGNTK_SOURCE_DIR);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("task 'k': the nngp kernel is NaN at entry (0, 2); no output written") != std::string::npos);
  CHECK_FALSE(fs::exists(out / "k" / "kernel.npy"));
  CHECK_FALSE(fs::exists(out / "k"));
  CHECK_FALSE(fs::exists(out / ".k.partial"));
  CHECK_FALSE(fs::exists(out / "manifest.json"));

  // The kernel command follows the same rule with the same words.
  std::ofstream(dir / "x.csv") << "-1,0\n0,1\n";
  const auto k = test::run_process({SGNTK_EXE, "kernel", spec.string(), "--kind", "nngp", "--x1",
                                    (dir / "x.csv").string(), "--out", (dir / "k.npy").string()},
                                   SGNTK_SOURCE_DIR);
  CHECK(k.exit_code == 1);
  CHECK(k.err == "sgntk: error: the nngp kernel is NaN at entry (0, 1); no output written\n");
  CHECK_FALSE(fs::exists(dir / "k.npy"));
}

TEST_CASE("a sweep sets its param as a number: values without a short decimal form arrive exactly") {
  const fs::path dir = fresh_dir("numeric_sweep");
  const std::string text = R"(
param s = 0
network net(input = 2) {
  dense(width = 10, act = erf(x), sigma_b = s)
  readout(sigma_b = s)
}
data grid = circle(n = 5)
task k = kernel(network = net, kind = nngp, x1 = grid, sweep s = [1/3, 0.1 + 0.2])
)";
  const fs::path spec = write_spec(dir, text);
  experiment::RunOptions options;
  options.spec = spec.string();
  options.out = (dir / "out").string();
  options.threads = 1;
  Diagnostics diags;
  REQUIRE_MESSAGE(experiment::run_experiment(options, {}, diags) == experiment::RunStatus::ok, diags.render());

  // The expected kernels: the spec parsed once, built with the override as a number.
  const std::unique_ptr<ParsedSpec> parsed = parse_spec_text(spec.string(), text, diags);
  REQUIRE(parsed != nullptr);
  for (const double s : {1.0 / 3.0, 0.1 + 0.2}) {
    CAPTURE(s);
    const auto at_point = experiment::build_experiment(*parsed, {{"s", s}}, diags);
    REQUIRE_MESSAGE(at_point != nullptr, diags.render());
    const sema::Module& module = at_point->spec->module;
    CHECK(std::memcmp(&module.params.at("s"), &s, sizeof s) == 0);
    CHECK(module.networks.at(0).hidden.at(0).sigma_b == s);
    const auto program = jobs::lower_and_bind(module, "net", {}, {}, diags);
    REQUIRE(program.has_value());
    experiment::DataSets data(at_point->experiment);
    runtime::KernelOptions kernel_options;
    kernel_options.threads = 1;
    const runtime::RowMatrix expected =
        jobs::kernel(*program, runtime::KernelKind::nngp, data.points("grid"), nullptr, kernel_options);
    const test::NpyArray got = test::read_npy((dir / "out" / "k" / fmt::format("s_{}", s) / "kernel.npy").string());
    REQUIRE(got.data.size() == static_cast<std::size_t>(expected.size()));
    CHECK(std::memcmp(got.data.data(), expected.data(), got.data.size() * sizeof(double)) == 0);
  }
}

TEST_CASE("Ctrl-C during a run's kernel task stops it at the next tile, removes its staging and keeps the older result") {
  const fs::path dir = fresh_dir("interrupted_kernel");
  const fs::path spec = write_spec(dir, R"(
network net(input = 2) {
  dense(width = 10, act = erf(2 * x))
  dense(width = 10, act = erf(2 * x))
  readout()
}
data pts = gaussian(n = 2500)
task k = kernel(network = net, kind = ntk, x1 = pts)
)");
  const fs::path out = dir / "out";
  fs::create_directories(out / "k");
  std::ofstream(out / "k" / "kernel.npy") << "older result";
  std::ofstream(out / "manifest.json") << "older manifest";
  // Ctrl-C once kernel.npy's temporary exists in the task's folder of the staging folder beside
  // out (the kernel is running). Started in the background by sh, sgntk inherits SIGINT ignored;
  // its handler replaces that, as in a terminal.
  const std::string script = std::string(SGNTK_EXE) + " run " + spec.string() + " --quiet --threads 1 --out " +
                             out.string() + " & pid=$!\n"
                             "while kill -0 $pid 2>/dev/null && ! ls -a " + out.string() + ".tmp-*/k 2>/dev/null | grep -q tmp; do sleep 0.005; done\n"
                             "kill -INT $pid; wait $pid; echo $?\n";
  const auto r = test::run_process({"/bin/sh", "-c", script}, SGNTK_SOURCE_DIR);
  CHECK(r.out == "130\n");
  CHECK(r.err.find("interrupted") != std::string::npos);
  std::ifstream older(out / "k" / "kernel.npy");
  CHECK(std::string(std::istreambuf_iterator<char>(older), {}) == "older result");
  std::ifstream manifest(out / "manifest.json");
  CHECK(std::string(std::istreambuf_iterator<char>(manifest), {}) == "older manifest");
  // Nothing beside the folder either: no staging folder, no lock file.
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"out", "spec.sgntk"});
}
