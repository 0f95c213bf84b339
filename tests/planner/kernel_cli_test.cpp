// `sgntk kernel` on activations whose expectations diverge or are undefined: each exits 1 with a
// diagnostic naming the layer and the expectation, and writes no output file; the same
// activation below its divergence threshold gives a kernel. `sgntk check --dump program` shows
// the steep-transition splits and the unavailable reasons.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "tests/support/run_process.h"

namespace fs = std::filesystem;

namespace {

// A scratch folder with a one-layer spec of activation phi and three sets of points.
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("sgntk_planner_cli_" + std::to_string(::getpid()));
  Scratch() {
    fs::create_directories(dir);
    write("small.csv", "0.2,0.1\n0.3,0.2\n-0.1,0.4\n");  // Sigma(x, x) = |x|^2 / 2 <= 0.1
    write("large.csv", "0.2,0.1\n1,1\n2,0\n");            // Sigma up to 2
    write("mixed.csv", "1,0\n0,0.5\n0.3,0.4\n");
  }
  ~Scratch() { fs::remove_all(dir); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }
  std::string spec(const std::string& phi) const {
    return write("net.sgntk", "activation phi(x) = " + phi +
                                  "\nnetwork net(input = 2) {\n  dense(width = 10, sigma_w = 1, sigma_b = 0, act = phi)\n"
                                  "  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)\n}\n");
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

sgntk::test::ProcessResult sgntk_run(const std::vector<std::string>& args) {
  std::vector<std::string> argv{SGNTK_EXE};
  argv.insert(argv.end(), args.begin(), args.end());
  return sgntk::test::run_process(argv, SGNTK_SOURCE_DIR);
}

}  // namespace

TEST_CASE("divergent and undefined expectations exit 1 with their diagnostic and no output file") {
  const Scratch s;
  struct Case {
    std::string phi, kind, points;
    std::vector<std::string> expect;
  };
  const std::vector<Case> cases = {
      {"exp(0.3*x^2)", "nngp", "large.csv", {"layer 'dense 1'", "E[exp(0.3*x^2) * exp(0.3*x^2)]", "diverges at 2 of 3 points"}},
      {"exp(0.3*x^2)", "ntk", "large.csv", {"layer 'dense 1'", "diverges"}},
      {"exp(x^2)", "nngp", "mixed.csv", {"layer 'dense 1'", "E[exp(x^2) * exp(x^2)]", "diverges at 1 of 3 points"}},
      {"exp(x^3)", "nngp", "small.csv", {"layer 'dense 1'", "diverges"}},
      {"1/x", "nngp", "mixed.csv", {"layer 'dense 1'", "NNGP kernel needs E[1/x * 1/x]", "non-integrable singularity at x = 0"}},
      {"1/x", "ntk", "mixed.csv", {"non-integrable singularity"}},
      {"1/(x - 0.3)", "nngp", "mixed.csv", {"non-integrable singularity at x = 0.3"}},
      {"log(abs(x))", "ntk", "mixed.csv", {"NTK kernel needs E[1/abs(x)*sign(x) * 1/abs(x)*sign(x)]", "non-integrable"}},
      {"sqrt(x)", "nngp", "mixed.csv", {"E[sqrt(x) * sqrt(x)]", "undefined (NaN) for x < 0"}},
      {"x^0.5", "nngp", "mixed.csv", {"undefined (NaN) for x < 0"}},
      {"log(x)", "nngp", "mixed.csv", {"E[log(x) * log(x)]", "undefined (NaN) for x < 0"}},
      {"if(x < 0.3, -1, if(x < 0.7, 0, 1))", "ntk", "mixed.csv", {"NTK kernel needs", "cannot integrate"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.phi);
    CAPTURE(c.kind);
    const std::string out = s.path("k.csv");
    const auto r = sgntk_run({"kernel", s.spec(c.phi), "--kind", c.kind, "--x1", s.path(c.points), "--out", out, "--quiet"});
    CAPTURE(r.err);
    CHECK(r.exit_code == 1);
    for (const std::string& text : c.expect) CHECK(r.err.find(text) != std::string::npos);
    CHECK_FALSE(fs::exists(out));
  }
}

TEST_CASE("the same activation below its divergence threshold gives a kernel, a piecewise-constant NNGP runs") {
  const Scratch s;
  for (const auto& [phi, points] : std::vector<std::pair<std::string, std::string>>{
           {"exp(0.3*x^2)", "small.csv"}, {"exp(x^2)", "small.csv"}, {"log(abs(x))", "mixed.csv"},
           {"if(x < 0.3, -1, if(x < 0.7, 0, 1))", "mixed.csv"}}) {
    CAPTURE(phi);
    const std::string out = s.path("k.csv");
    const auto r = sgntk_run({"kernel", s.spec(phi), "--kind", "nngp", "--x1", s.path(points), "--out", out, "--quiet"});
    CAPTURE(r.err);
    CHECK(r.exit_code == 0);
    CHECK(fs::exists(out));
    fs::remove(out);
  }
}

TEST_CASE("check --dump program shows steep-transition splits, targets and unavailable reasons") {
  const Scratch s;
  const auto steep = sgntk_run({"check", s.spec("tanh(1000*(x - 0.2))"), "--dump", "program"});
  CHECK(steep.exit_code == 0);
  CHECK(steep.out.find("conditional, outer adaptive G7K15 over u split at 0 break points and 1 steep transitions "
                       "(0.2 width 0.001)") != std::string::npos);
  CHECK(steep.out.find("target 1e-10") != std::string::npos);
  // a shifted steep erf (or step) is a closed form: the bivariate normal orthant
  const auto shifted = sgntk_run({"check", s.spec("erf(1000*(x - 0.2))"), "--dump", "program"});
  CHECK(shifted.out.find("closed form erf_erf(e1=5e-07, e2=5e-07, s1=0.2, s2=0.2)") != std::string::npos);
  const auto pc = sgntk_run({"check", s.spec("if(x < 0.3, -1, if(x < 0.7, 0, 1))"), "--dump", "program"});
  CHECK(pc.exit_code == 0);
  CHECK(pc.out.find("split at 2 break points (0.3, 0.7)") != std::string::npos);
  CHECK(pc.out.find("unavailable: cannot integrate") != std::string::npos);
  const auto growth = sgntk_run({"check", s.spec("exp(0.3*x^2)"), "--dump", "program"});
  CHECK(growth.out.find("tails grow like exp(0.3 u^2) exp(0.3 v^2)") != std::string::npos);
}
