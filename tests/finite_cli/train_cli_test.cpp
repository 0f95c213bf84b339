// `sgntk train` as a user runs it: the paper's sign networks trained by surrogate gradients on 15
// circle points, the files and shapes it writes, bitwise reproducibility across --threads, and
// every kind of bad input: a diagnostic, exit code 1 and nothing left behind.
#include <algorithm>
#include <cmath>

#include "tests/finite_cli/cli_helpers.h"

using namespace sgntk::test;

namespace {

const std::string sign_spec = "specs/paper/sign_sgl.sgntk";
const std::string grid = "specs/data/circle_grid.csv";

// A small sign network run: width 20, `steps` SGL steps, 3 networks.
std::vector<std::string> small_run(const TrainingData& data, const std::string& out, long steps = 40) {
  return {sign_spec, "--set", "n=20", "--x", data.x, "--y", data.y, "--steps", std::to_string(steps),
          "--ensemble", "3", "--seed", "10", "--out", out};
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("sgntk train writes outputs, save steps and loss curves as loadable npy") {
  ScratchDir dir;
  const TrainingData data = paper_training_data(dir);
  const std::string out = dir / "run";
  const ProcessResult r = run_sgntk("train", small_run(data, out) + std::vector<std::string>{
                                             "--eval", grid, "--save-at", "0,20,40", "--loss-every", "10"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());  // stderr is not a terminal: no progress bar, and nothing to warn about

  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(out)) files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  CHECK(files == std::vector<std::string>{"loss.npy", "loss_steps.npy", "outputs.npy", "save_steps.npy"});

  const NpyArray outputs = read_npy(out + "/outputs.npy");
  CHECK(outputs.shape == std::vector<long>{3, 3, 100, 1});  // [saves, ensemble, grid points, outputs]
  CHECK(std::all_of(outputs.data.begin(), outputs.data.end(), [](double v) { return std::isfinite(v); }));
  const NpyArray save_steps = read_npy(out + "/save_steps.npy");
  CHECK(save_steps.shape == std::vector<long>{3});
  CHECK(save_steps.data == std::vector<double>{0, 20, 40});
  const NpyArray loss_steps = read_npy(out + "/loss_steps.npy");
  CHECK(loss_steps.data == std::vector<double>{0, 10, 20, 30, 40});
  const NpyArray loss = read_npy(out + "/loss.npy");
  REQUIRE(loss.shape == std::vector<long>{3, 5});
  for (int e = 0; e < 3; ++e) {
    CAPTURE(e);
    CHECK(loss.data[e * 5 + 4] < loss.data[e * 5]);  // SGL lowers the loss
  }
  // Training changed every network's function: outputs at step 40 differ from step 0.
  for (int e = 0; e < 3; ++e) {
    CAPTURE(e);
    CHECK(outputs.data[(2 * 3 + e) * 100] != outputs.data[(0 * 3 + e) * 100]);
  }
}

TEST_CASE("sgntk train: the outputs at step 0 on the training points give the recorded initial loss") {
  ScratchDir dir;
  const TrainingData data = paper_training_data(dir);
  const std::string out = dir / "run";
  const ProcessResult r = run_sgntk("train", small_run(data, out, 5) + std::vector<std::string>{"--save-at", "0"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const NpyArray outputs = read_npy(out + "/outputs.npy");  // eval defaults to the training inputs
  REQUIRE(outputs.shape == std::vector<long>{1, 3, 15, 1});
  const NpyArray loss = read_npy(out + "/loss.npy");
  std::vector<double> y;
  std::ifstream in(data.y);
  for (double v; in >> v;) y.push_back(v);
  REQUIRE(y.size() == 15);
  for (int e = 0; e < 3; ++e) {
    double sum = 0;
    for (int i = 0; i < 15; ++i) sum += std::pow(outputs.data[e * 15 + i] - y[i], 2);
    CAPTURE(e);
    CHECK(sum / 30 == doctest::Approx(loss.data[e * 6]).epsilon(1e-12));  // (1/2N) sum (f - y)^2
  }
}

TEST_CASE("sgntk train: same seed, different --threads: identical output bytes") {
  ScratchDir dir;
  const TrainingData data = paper_training_data(dir);
  for (const std::string precision : {"f64", "f32"}) {
    CAPTURE(precision);
    const auto run = [&](const std::string& name, const std::string& threads, const std::string& seed) {
      const std::vector<std::string> args{sign_spec, "--set", "n=30", "--x", data.x, "--y", data.y,
                                          "--steps", "30", "--ensemble", "5", "--seed", seed,
                                          "--eval", grid, "--save-at", "0,30", "--threads", threads,
                                          "--precision", precision, "--out", dir / name};
      const ProcessResult r = run_sgntk("train", args);
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      return file_bytes(dir / (name + "/outputs.npy")) + file_bytes(dir / (name + "/loss.npy"));
    };
    const std::string serial = run(precision + "_1", "1", "10");
    CHECK(run(precision + "_2", "2", "10") == serial);
    CHECK(run(precision + "_0", "0", "10") == serial);
    CHECK(run(precision + "_seed", "2", "11") != serial);  // the comparison can fail
  }
}

TEST_CASE("sgntk train --precision f32 trains the same networks to nearly the same outputs") {
  ScratchDir dir;
  const TrainingData data = paper_training_data(dir);
  // erf(2x) rather than sign: a smooth network, where f32 rounding cannot flip a jump.
  const auto run = [&](const std::string& precision) {
    const ProcessResult r =
        run_sgntk("train", {"specs/paper/erf_ntk.sgntk", "--set", "n=30", "--x", data.x, "--y", data.y, "--steps",
                            "20", "--ensemble", "2", "--precision", precision, "--out", dir / precision});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return read_npy(dir / (precision + "/outputs.npy"));
  };
  const NpyArray f64 = run("f64"), f32 = run("f32");
  REQUIRE(f64.shape == f32.shape);
  for (std::size_t i = 0; i < f64.data.size(); ++i) {
    CAPTURE(i);
    CHECK(f32.data[i] == doctest::Approx(f64.data[i]).epsilon(1e-4));
    CHECK(f32.data[i] != f64.data[i]);  // it really ran in single precision
  }
}

TEST_CASE("sgntk train: bad input exits 1 with a diagnostic and leaves no output behind") {
  ScratchDir dir;
  const TrainingData data = paper_training_data(dir);
  const std::string out = dir / "out";
  struct Case {
    const char* name;
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases{
      {"ragged csv", {sign_spec, "--x", dir.write("ragged.csv", "0,1\n1\n"), "--y", data.y},
       "ragged.csv:2: ragged rows: 1 fields, but the first row has 2"},
      {"wrong input dimension",
       {sign_spec, "--x", dir.write("three.csv", "0,1,2\n"), "--y", dir.write("y1.csv", "1\n")},
       "three.csv' has 3 columns but network 'sign_sgl' takes 2-dimensional inputs"},
      {"NaN in the inputs",
       {sign_spec, "--x", dir.write("nan.csv", "0,1\nnan,0\n"), "--y", dir.write("y2.csv", "1\n2\n")},
       "nan.csv:2: field 1 is not finite: 'nan'"},
      {"empty file", {sign_spec, "--x", dir.write("empty.csv", "# nothing\n"), "--y", data.y},
       "empty.csv: empty file (no data rows)"},
      {"missing targets file", {sign_spec, "--x", data.x, "--y", dir / "absent.csv"},
       "absent.csv: cannot open: No such file or directory"},
      {"targets of the wrong length", {sign_spec, "--x", data.x, "--y", dir.write("y3.csv", "1\n2\n")},
       "the targets have 2 rows but --x"},
      {"wrong eval dimension", {sign_spec, "--x", data.x, "--y", data.y, "--eval", dir.write("e.csv", "1\n")},
       "e.csv' has 1 columns but network 'sign_sgl' takes 2-dimensional inputs"},
      {"unknown network", {sign_spec, "--network", "sign_sg", "--x", data.x, "--y", data.y},
       "no network named 'sign_sg'"},
      {"gradient descent through sign", {sign_spec, "--backprop", "true", "--x", data.x, "--y", data.y},
       "layer 'dense 1': the derivative of 'sign(x)' contains a delta"},
      {"sign without a surrogate",
       {dir.write("plain_sign.sgntk", "param n = 10\nnetwork s(input = 2) {\n  dense(width = n, act = sign)\n"
                                      "  readout(outputs = 1)\n}\n"),
        "--x", data.x, "--y", data.y},
       "has no surrogate and the derivative of 'sign(x)' contains a delta"},
      {"save step past the end", {sign_spec, "--x", data.x, "--y", data.y, "--save-at", "0,99"},
       "save step 99 is outside [0, 3]"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const ProcessResult r =
        run_sgntk("train", c.args + std::vector<std::string>{"--set", "n=10", "--steps", "3", "--out", out});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "sgntk: error: "));
    CHECK(contains(r.err, c.message));
    CHECK_FALSE(fs::exists(out));
  }
}

TEST_CASE("sgntk train: an --out that cannot be a directory fails before training, leaving nothing") {
  ScratchDir dir;
  const TrainingData data = paper_training_data(dir);
  const std::string file = dir.write("taken", "a file\n");
  const std::vector<std::string> base{sign_spec, "--set", "n=10", "--x", data.x, "--y", data.y, "--steps", "3"};
  SUBCASE("below a regular file") {
    const ProcessResult r = run_sgntk("train", base + std::vector<std::string>{"--out", file + "/run"});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "taken/run: cannot create the output directory: Not a directory"));
  }
  SUBCASE("a regular file") {
    const ProcessResult r = run_sgntk("train", base + std::vector<std::string>{"--out", file});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "taken: --out exists and is not a directory"));
    CHECK(file_bytes(file) == "a file\n");
  }
  SUBCASE("a failed run removes the directories it created") {
    const ProcessResult r =
        run_sgntk("train", base + std::vector<std::string>{"--backprop", "true", "--out", dir / "a/b/c"});
    CHECK(r.exit_code == 1);
    CHECK_FALSE(fs::exists(dir / "a"));
  }
  std::vector<std::string> entries = dir.entries();
  std::sort(entries.begin(), entries.end());
  CHECK(entries == std::vector<std::string>{"taken", "x.csv", "y.csv"});  // no temporary files either
}

TEST_CASE("sgntk train without a required option is a usage error (exit 2)") {
  ScratchDir dir;
  const TrainingData data = paper_training_data(dir);
  const ProcessResult r = run_sgntk("train", {sign_spec, "--x", data.x, "--steps", "3", "--out", dir / "out"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "--y is required"));
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("sgntk train --help lists the options") {
  const ProcessResult r = run_sgntk("train", {"--help"});
  CHECK(r.exit_code == 0);
  for (const char* option : {"--network", "--x", "--y", "--lr", "--steps", "--ensemble", "--seed", "--set", "--eval",
                             "--save-at", "--loss-every", "--backprop", "--threads", "--precision", "--out"}) {
    CAPTURE(option);
    CHECK(contains(r.out, std::string(option) + " "));
  }
}
