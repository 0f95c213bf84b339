// `sgntk predict` end to end: the files it writes hold exactly what runtime::predict returns;
// bad input exits 1 and bad usage 2, leaving no output file behind.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "runtime/matrix_io.h"
#include "tests/predict/predict_fixture.h"
#include "tests/support/read_file.h"
#include "tests/support/run_process.h"

namespace {

using namespace sgntk;
using runtime::RowMatrix;
namespace fs = std::filesystem;

// A fresh scratch folder in the build tree holding the paper's training data.
struct Scratch {
  fs::path dir;
  std::string x_train, y_train;
  explicit Scratch(const std::string& name) : dir(fs::path(SGNTK_BINARY_DIR) / "predict_cli" / name) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    const RowMatrix x = test::every_7th(test::circle());
    x_train = (dir / "x_train.csv").string();
    y_train = (dir / "y_train.npy").string();
    runtime::write_matrix(x_train, x);
    runtime::write_matrix(y_train, test::paper_target(x));
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  std::size_t files() const { return std::distance(fs::directory_iterator(dir), fs::directory_iterator{}); }
};

const std::string grid = "specs/data/circle_grid.csv";

test::ProcessResult run_sgntk(std::vector<std::string> args) {
  args.insert(args.begin(), SGNTK_EXE);
  return test::run_process(args, SGNTK_SOURCE_DIR);
}

}  // namespace

TEST_CASE("sgntk predict writes mean and std columns and the covariance, equal to runtime::predict") {
  const Scratch s("ok");
  const auto r = run_sgntk({"predict", "specs/paper/sign_sgl.sgntk", "--kind", "sgntk", "--x-train", s.x_train,
                        "--y-train", s.y_train, "--x-test", grid, "--t", "3000", "--out", s.path("pred.npy"),
                        "--cov", s.path("cov.csv"), "--threads", "2"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const RowMatrix out = runtime::read_matrix(s.path("pred.npy")), cov = runtime::read_matrix(s.path("cov.csv"));

  runtime::PredictOptions options;
  options.t = 3000;
  const RowMatrix x = runtime::read_matrix(s.x_train);
  const runtime::Prediction want = runtime::predict(test::paper_program("sign_sgl"), runtime::PredictKind::sgntk, x,
                                                    runtime::read_matrix(s.y_train), test::circle(), options);
  REQUIRE(out.rows() == 100);
  REQUIRE(out.cols() == 2);
  // The grid file and test::circle() agree to rounding, hence approximate equality.
  CHECK(test::max_relative_difference(out.col(0), want.mean) < 1e-12);
  CHECK(test::max_relative_difference(out.col(1), want.std) < 1e-10);
  CHECK(test::max_relative_difference(cov, want.cov) < 1e-10);
  CHECK(s.files() == 4);  // inputs and outputs, no staging leftovers
}

TEST_CASE("sgntk predict --t inf --kind nngp: Sigma kernel regression interpolates the targets") {
  const Scratch s("nngp");
  const auto r = run_sgntk({"predict", "specs/paper/erf_ntk.sgntk", "--kind", "nngp", "--x-train", s.x_train,
                        "--y-train", s.y_train, "--x-test", s.x_train, "--out", s.path("pred.csv")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const RowMatrix out = runtime::read_matrix(s.path("pred.csv"));
  CHECK((out.col(0) - runtime::read_matrix(s.y_train)).cwiseAbs().maxCoeff() < 1e-8);
  CHECK(out.col(1).cwiseAbs().maxCoeff() < 1e-5);  // std: the square root of a rounding-level variance
}

TEST_CASE("sgntk predict refuses the naive NTK at m = inf with exit 1 and writes nothing") {
  const Scratch s("ill_posed");
  const auto r = run_sgntk({"predict", "specs/paper/erf_ntk.sgntk", "--kind", "ntk", "--set", "m=inf", "--x-train",
                        s.x_train, "--y-train", s.y_train, "--x-test", grid, "--out", s.path("pred.npy"), "--cov",
                        s.path("cov.npy")});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("sgntk: error: K(X,X) is inf on its diagonal") != std::string::npos);
  CHECK(r.err.find("naive NTK of a jump activation at hidden layer 1 ('dense 1'), whose derivative is a delta "
                   "(2*delta(x))") != std::string::npos);
  CHECK(r.err.find("ill-posed") != std::string::npos);
  CHECK(s.files() == 2);
}

TEST_CASE("an NNGP whose variance overflows names the layer and does not blame a jump activation") {
  const Scratch s("overflow");
  // Unit inputs in d = 2: Sigma^0 = 1/2 on the diagonal, so the first layer's u has variance
  // sigma_w^2 / 2 = 800 and E[exp(u)^2] = exp(1600) is beyond the largest double (~exp(709.8)).
  std::ofstream(s.path("first.sgntk")) << "network big(input = 2) {\n"
                                          "  dense(width = 10, sigma_w = 40, act = exp(x))\n"
                                          "  readout()\n"
                                          "}\n";
  // Two training points only: off the diagonal, this variance makes the kernel engine's quadrature slow.
  const std::string x = s.path("x.csv"), y = s.path("y.csv");
  std::ofstream(x) << "0,1\n1,0\n";
  std::ofstream(y) << "1\n2\n";
  for (const std::string kind : {"nngp", "ntk", "sgntk"}) {
    CAPTURE(kind);
    const auto first = run_sgntk({"predict", s.path("first.sgntk"), "--kind", kind, "--x-train", x, "--y-train", y,
                                  "--x-test", x, "--out", s.path("pred.csv")});
    CHECK(first.exit_code == 1);
    CHECK(first.err.find("sgntk: error: Sigma(X,X) is inf on its diagonal (training point 0): the NNGP variance "
                         "overflows at hidden layer 1 ('dense 1'): E[phi(u)^2] of its activation phi(x) = exp(x) "
                         "with u ~ N(0, 800) is infinite or beyond the largest double") != std::string::npos);
    CHECK(first.err.find("jump") == std::string::npos);
    CHECK(!fs::exists(s.path("pred.csv")));
  }
}

TEST_CASE("sgntk predict: bad data exits 1, bad usage 2, and no output is left behind") {
  const Scratch s("errors");
  const std::vector<std::string> base{"predict", "specs/paper/sign_sgl.sgntk", "--kind", "sgntk", "--x-train",
                                      s.x_train, "--y-train", s.y_train};
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_sgntk(args);
  };
  SUBCASE("a missing test file") {
    const auto r = run({"--x-test", s.path("nope.csv"), "--out", s.path("p.csv")});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("nope.csv") != std::string::npos);
  }
  SUBCASE("test points of the wrong dimension") {
    runtime::write_matrix(s.path("x3.csv"), RowMatrix::Ones(4, 3));
    const auto r = run({"--x-test", s.path("x3.csv"), "--out", s.path("p.csv")});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("3 columns") != std::string::npos);
  }
  SUBCASE("an unwritable covariance file: the mean file is not written either") {
    const auto r = run({"--x-test", grid, "--out", s.path("p.csv"), "--cov", s.path("no_dir/cov.csv")});
    CHECK(r.exit_code == 1);
    CHECK(!fs::exists(s.path("p.csv")));
  }
  SUBCASE("a negative or malformed time") {
    for (const char* t : {"-1", "abc", "nan", "1e400"}) {
      CAPTURE(t);
      CHECK(run({"--x-test", grid, "--t", t, "--out", s.path("p.csv")}).exit_code == 2);
    }
  }
  SUBCASE("an output that is neither csv nor npy") {
    CHECK(run({"--x-test", grid, "--out", s.path("p.txt")}).exit_code == 2);
  }
  SUBCASE("an unknown kind") {
    CHECK(run({"--x-test", grid, "--kind", "gp", "--out", s.path("p.csv")}).exit_code == 2);
  }
  CHECK(s.files() == 2 + fs::exists(s.path("x3.csv")));
}

TEST_CASE("sgntk predict streams an .npy --cov past --memory-budget: the same bytes as in memory, test rows held or spilled") {
  const Scratch s("streamed");
  const RowMatrix test_points = test::circle(300, [](int i) { return 0.5 + 0.25 * (i % 3); });
  const std::string x_test = s.path("x_test.npy");
  runtime::write_matrix(x_test, test_points);
  auto predict = [&](const std::string& out, const std::string& cov, std::vector<std::string> extra) {
    std::vector<std::string> args{"predict", "specs/paper/sign_sgl.sgntk", "--kind", "sgntk", "--x-train", s.x_train,
                                  "--y-train", s.y_train, "--x-test", x_test, "--t", "3000", "--out", s.path(out),
                                  "--cov", s.path(cov)};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_sgntk(args);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
  };
  predict("p.npy", "c.npy", {"--threads", "2"});  // 720 KB: in memory under the default budget
  // 64K: bands of one tile, the solved test rows (2 x 300 x 15 doubles) spilled to a scratch file;
  // 600K: held; --out-of-core with the default budget: one band of all rows.
  predict("p_small.npy", "c_small.npy", {"--memory-budget", "64K", "--threads", "1"});
  predict("p_held.npy", "c_held.npy", {"--memory-budget", "600K"});
  predict("p_ooc.npy", "c_ooc.npy", {"--out-of-core"});
  const std::string want_cov = test::read_file(s.path("c.npy")), want_out = test::read_file(s.path("p.npy"));
  CHECK(want_cov.size() == 128 + 300 * 300 * 8);
  for (const char* name : {"small", "held", "ooc"}) {
    CAPTURE(name);
    CHECK(test::read_file(s.path(std::string("c_") + name + ".npy")) == want_cov);
    CHECK(test::read_file(s.path(std::string("p_") + name + ".npy")) == want_out);
  }
  CHECK(s.files() == 3 + 8);  // no temporaries
}

TEST_CASE("sgntk predict --out-of-core needs an .npy --cov (exit 2), and a --cov equal to --out is refused (exit 1)") {
  const Scratch s("streamed_usage");
  const std::vector<std::string> base{"predict", "specs/paper/sign_sgl.sgntk", "--kind", "sgntk", "--x-train",
                                      s.x_train, "--y-train", s.y_train, "--x-test", grid, "--out-of-core"};
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_sgntk(args);
  };
  auto r = run({"--out", s.path("p.npy"), "--cov", s.path("c.csv")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--out-of-core needs an .npy --cov") != std::string::npos);
  CHECK(run({"--out", s.path("p.npy")}).exit_code == 2);
  r = run({"--out", s.path("c.npy"), "--cov", s.path("c.npy")});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("cannot write the same file twice") != std::string::npos);
  CHECK(s.files() == 2);
}
