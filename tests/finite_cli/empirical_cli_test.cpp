// `sgntk empirical` as a user runs it: the empirical NTK and SG-NTK of the paper's erf networks
// (one [n1, n2] kernel per network), reproducibility across --threads, kernels after --train,
// and bad input: a diagnostic, exit code 1 and no output file.
#include <algorithm>
#include <cmath>

#include "tests/finite_cli/cli_helpers.h"

using namespace sgntk::test;

namespace {

const std::string grid = "specs/data/circle_grid.csv";
const std::string mid = "specs/data/x_mid.csv";

NpyArray empirical(const std::vector<std::string>& args, const std::string& out) {
  std::vector<std::string> all = args;
  all.insert(all.end(), {"--out", out});
  const ProcessResult r = run_sgntk("empirical", all);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return read_npy(out);
}

}  // namespace

TEST_CASE("sgntk empirical writes one kernel per network: [ensemble, n1, n2]") {
  ScratchDir dir;
  const NpyArray k = empirical({"specs/paper/erf_ntk.sgntk", "--set", "n=20", "--kind", "ntk", "--x1", mid,
                                "--x2", grid, "--ensemble", "4", "--seed", "3"},
                               dir / "k.npy");
  REQUIRE(k.shape == std::vector<long>{4, 1, 100});
  for (int e = 0; e < 4; ++e) {
    CAPTURE(e);
    const double* row = k.data.data() + e * 100;
    // x_mid is grid point 50, so entry 50 is |J(x_mid)|^2.
    CHECK(row[50] > 0);
    // The networks differ from each other (different streams of the generator).
    if (e > 0) CHECK(row[50] != k.data[(e - 1) * 100 + 50]);
  }
}

TEST_CASE("sgntk empirical: the NTK of a network is a symmetric positive semi-definite Gram matrix") {
  ScratchDir dir;
  const std::string pts = dir.write("pts.csv", "0,1\n1,0\n0.6,0.8\n-0.8,0.6\n");
  const NpyArray k =
      empirical({"specs/paper/erf_ntk.sgntk", "--set", "n=15", "--kind", "ntk", "--x1", pts}, dir / "k.npy");
  REQUIRE(k.shape == std::vector<long>{1, 4, 4});
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      CAPTURE(i);
      CAPTURE(j);
      CHECK(k.data[i * 4 + j] == doctest::Approx(k.data[j * 4 + i]).epsilon(1e-12));
      CHECK(k.data[i * 4 + j] * k.data[i * 4 + j] <= k.data[i * 5] * k.data[j * 5] * (1 + 1e-12));  // Cauchy-Schwarz
    }
}

TEST_CASE("sgntk empirical: the SG-NTK differs from the NTK and is not symmetric") {
  ScratchDir dir;
  const std::string pts = dir.write("pts.csv", "0,1\n0.5,0.2\n");  // different norms
  const std::vector<std::string> base{"specs/paper/erf_sgntk.sgntk", "--set", "m=5", "--set", "n=25", "--x1", pts};
  std::vector<std::string> ntk_args = base, sg_args = base;
  ntk_args.insert(ntk_args.end(), {"--kind", "ntk"});
  sg_args.insert(sg_args.end(), {"--kind", "sgntk"});
  const NpyArray ntk = empirical(ntk_args, dir / "ntk.npy"), sg = empirical(sg_args, dir / "sg.npy");
  REQUIRE(sg.shape == std::vector<long>{1, 2, 2});
  CHECK(sg.data[1] != doctest::Approx(sg.data[2]).epsilon(1e-6));  // I(x, x') != I(x', x)
  CHECK(sg.data[0] != doctest::Approx(ntk.data[0]).epsilon(1e-6));
}

TEST_CASE("sgntk empirical: same seed, different --threads: identical bytes, --train changes the kernel") {
  ScratchDir dir;
  const std::vector<std::string> base{"specs/paper/erf_sgntk.sgntk", "--set", "n=20", "--kind", "sgntk",
                                      "--x1", mid, "--x2", grid, "--ensemble", "5", "--seed", "10"};
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  empirical(with({"--threads", "1"}), dir / "t1.npy");
  empirical(with({"--threads", "2"}), dir / "t2.npy");
  CHECK(file_bytes(dir / "t1.npy") == file_bytes(dir / "t2.npy"));

  std::ostringstream xs, ys;
  xs << "0,1\n1,0\n0,-1\n";
  ys << "1\n-1\n0.5\n";
  const std::string x = dir.write("x.csv", xs.str()), y = dir.write("y.csv", ys.str());
  const NpyArray trained = empirical(with({"--train", "--x", x, "--y", y, "--steps", "50"}), dir / "trained.npy");
  const NpyArray initial = read_npy(dir / "t1.npy");
  REQUIRE(trained.shape == initial.shape);
  CHECK(trained.data[50] != initial.data[50]);
  CHECK(trained.data[50] == doctest::Approx(initial.data[50]).epsilon(0.5));  // lazy training: moves, not far
}

TEST_CASE("sgntk empirical: bad input exits 1 with a diagnostic and writes nothing") {
  ScratchDir dir;
  const std::string out = dir / "k.npy";
  struct Case {
    const char* name;
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases{
      {"SG-NTK of sign", {"specs/paper/sign_sgl.sgntk", "--kind", "sgntk", "--x1", mid},
       "the empirical SG-NTK J(x1) . J~(x2)^T cannot be measured by back-propagation"},
      {"NTK of erf(m x) at m = inf", {"specs/paper/erf_ntk.sgntk", "--set", "m=inf", "--kind", "ntk", "--x1", mid},
       "the derivative of 'sign(x)' contains a delta"},
      {"wrong dimension", {"specs/paper/erf_ntk.sgntk", "--kind", "ntk", "--x1", dir.write("d3.csv", "1,2,3\n")},
       "--x1 has 3 columns but network 'erf_ntk' takes 2-dimensional inputs"},
      {"ragged x2", {"specs/paper/erf_ntk.sgntk", "--kind", "ntk", "--x1", mid, "--x2", dir.write("r.csv", "1,2\n3\n")},
       "r.csv:2: ragged rows"},
      {"--train without --y", {"specs/paper/erf_ntk.sgntk", "--kind", "ntk", "--x1", mid, "--train", "--x", mid},
       "--train needs --x and --y"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"--set", "n=10", "--out", out});
    const ProcessResult r = run_sgntk("empirical", args);
    INFO(r.err);
    CHECK(r.exit_code == (c.message == "--train needs --x and --y" ? 2 : 1));
    CHECK(contains(r.err, "sgntk: error: "));
    CHECK(contains(r.err, c.message));
    CHECK_FALSE(fs::exists(out));
  }
  SUBCASE("an --out in a missing directory fails before computing") {
    const ProcessResult r = run_sgntk("empirical", {"specs/paper/erf_ntk.sgntk", "--kind", "ntk", "--x1", mid, "--out",
                                                dir / "no/such/k.npy"});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "k.npy: cannot write: '" + dir / "no/such" + "' is not a directory"));
  }
  std::vector<std::string> entries = dir.entries();
  std::sort(entries.begin(), entries.end());
  CHECK(entries == std::vector<std::string>{"d3.csv", "r.csv"});  // the inputs above; no temporary files
}

TEST_CASE("sgntk empirical --help lists the options") {
  const ProcessResult r = run_sgntk("empirical", {"--help"});
  CHECK(r.exit_code == 0);
  for (const char* option : {"--kind", "--network", "--x1", "--x2", "--ensemble", "--seed", "--set", "--train", "--x",
                             "--y", "--lr", "--steps", "--backprop", "--threads", "--out"}) {
    CAPTURE(option);
    CHECK(contains(r.out, std::string(option) + " "));
  }
}

TEST_CASE("sgntk empirical: an entry beyond the largest double is an error naming it, and nothing is written") {
  ScratchDir dir;
  // exp(u) with sigma_w = 2000: u has standard deviation 1414 at a unit input, so exp(u) (the
  // activation and its derivative) overflows in about a third of the units, and the NTK's sum of
  // squares of the Jacobian with it (one point: no 0 * inf from another point's underflow).
  const std::string spec = dir.write("big.sgntk", "network big(input = 2) {\n"
                                                  "  dense(width = 4, sigma_w = 2000, act = exp(x))\n"
                                                  "  readout()\n"
                                                  "}\n");
  const std::string pts = dir.write("pts.csv", "0.6,0.8\n");
  const ProcessResult r = run_sgntk("empirical", {spec, "--kind", "ntk", "--x1", pts, "--ensemble", "8", "--seed", "1",
                                                  "--out", dir / "k.npy"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("the empirical ntk kernel is infinite at entry (") != std::string::npos);
  CHECK(r.err.find("beyond the largest double; no output written") != std::string::npos);
  CHECK(!std::filesystem::exists(dir / "k.npy"));
}
