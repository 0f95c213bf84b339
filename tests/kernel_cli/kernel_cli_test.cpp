// `sgntk kernel` as a user runs it: the paper's kernel rows (Figures 1 and 2), csv and npy, and
// every kind of bad data: a diagnostic, exit code 1 and no output file.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

#include "runtime/matrix_io.h"
#include "tests/support/read_file.h"
#include "tests/support/run_process.h"

using sgntk::test::run_process;
namespace fs = std::filesystem;

namespace {

const std::string source_dir = SGNTK_SOURCE_DIR;

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("sgntk_kernel_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name, const std::string& text = "") const {
    const fs::path p = path / name;
    if (!text.empty()) std::ofstream(p) << text;
    return p.string();
  }
  static inline int counter = 0;
};

sgntk::test::ProcessResult kernel(const std::vector<std::string>& args) {
  std::vector<std::string> argv{SGNTK_EXE, "kernel"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, source_dir);
}

// Kernel outputs may hold +inf (read_matrix rejects it as input data), so rows are read here.
std::vector<double> read_csv_row(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<double> values;
  const char* p = line.c_str();
  while (*p) {
    char* end = nullptr;
    values.push_back(std::strtod(p, &end));
    if (end == p) break;
    p = *end == ',' ? end + 1 : end;
  }
  return values;
}

const std::string grid = "specs/data/circle_grid.csv";
const std::string mid = "specs/data/x_mid.csv";

}  // namespace

TEST_CASE("the kernel rows of Figures 1 and 2 are finite except the naive NTK's diagonal at m = inf") {
  TempDir dir;
  for (const std::string m : {"2", "5", "20", "inf"}) {
    for (const auto& [spec, kind] : std::vector<std::pair<std::string, std::string>>{
             {"specs/paper/erf_ntk.sgntk", "ntk"}, {"specs/paper/erf_ntk.sgntk", "nngp"}, {"specs/paper/erf_sgntk.sgntk", "sgntk"}}) {
      CAPTURE(m);
      CAPTURE(kind);
      const std::string out = dir.file("row_" + kind + "_" + m + ".csv");
      const auto r = kernel({spec, "--kind", kind, "--set", "m=" + m, "--x1", mid, "--x2", grid, "--out", out, "--quiet"});
      CHECK(r.exit_code == 0);
      const std::vector<double> row = read_csv_row(out);
      REQUIRE(row.size() == 100);
      for (std::size_t j = 0; j < 100; ++j) {
        CAPTURE(j);
        CHECK(!std::isnan(row[j]));
        const bool diagonal = j == 50;  // grid point 50 is x_mid = (0, 1)
        if (m == "inf" && kind == "ntk" && diagonal) CHECK(row[j] == INFINITY);
        else CHECK(std::isfinite(row[j]));
      }
      if (m == "inf" && kind == "ntk") CHECK(r.err.find("warning: the NTK of layer 1 is +inf on the diagonal") != std::string::npos);
    }
  }
}

TEST_CASE("the +inf NTK warning quotes the activation as written and names its derivative a delta") {
  TempDir dir;
  const std::string spec = dir.file("step.sgntk",
                                    "network step(input = 2) {\n"
                                    "  dense(width = 10, act = heaviside)\n"
                                    "  readout()\n"
                                    "}\n");
  const auto r = kernel({spec, "--kind", "ntk", "--x1", mid, "--out", dir.file("k.csv"), "--quiet"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find(":2:3: warning: the NTK of layer 1 is +inf on the diagonal: the derivative of 'heaviside' is a "
                   "delta (delta(x)) and E[delta(u) delta(v)] diverges where x = x'") != std::string::npos);
  // A user-defined activation is quoted by its name, at its definition, at the limit --set gives it.
  const auto erf = kernel({"specs/paper/erf_ntk.sgntk", "--kind", "ntk", "--set", "m=inf", "--x1", mid, "--out",
                           dir.file("e.csv"), "--quiet"});
  CHECK(erf.exit_code == 0);
  CHECK(erf.err.find("erf_ntk.sgntk:7:1") != std::string::npos);
}

TEST_CASE("--kind sgntk warns like --kind ntk on a jump layer without a surrogate, and not on one with it") {
  TempDir dir;
  const std::string spec = dir.file("mixed.sgntk",
                                    "surrogate g(x) = exp(-x^2)\n"
                                    "network mixed(input = 2) {\n"
                                    "  dense(width = 10, act = sign, surrogate = g)\n"
                                    "  dense(width = 10, act = sign)\n"
                                    "  readout()\n"
                                    "}\n");
  const auto r = kernel({spec, "--kind", "sgntk", "--x1", mid, "--out", dir.file("k.csv"), "--quiet"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find(":4:3: warning: the SG-NTK of layer 2 is +inf on the diagonal: the derivative of 'sign' is a "
                   "delta (2*delta(x))") != std::string::npos);
  CHECK(r.err.find("layer 2 has no surrogate") != std::string::npos);
  CHECK(r.err.find("layer 1 is +inf") == std::string::npos);  // layer 1 has its surrogate
  const std::vector<double> row = read_csv_row(dir.file("k.csv"));
  REQUIRE(!row.empty());
  CHECK(std::isinf(row[0]));
  const auto nngp = kernel({spec, "--kind", "nngp", "--x1", mid, "--out", dir.file("n.csv"), "--quiet"});
  CHECK(nngp.exit_code == 0);
  CHECK(nngp.err.empty());
}

TEST_CASE("a scale whose square overflows is refused naming the layer, and a huge one that fits is exact") {
  TempDir dir;
  auto sign_net = [&](const std::string& name, const std::string& sigma_w, const std::string& sigma_b) {
    return dir.file(name, "network s(input = 2) {\n"
                          "  dense(width = 10, act = sign, sigma_w = " + sigma_w + ", sigma_b = " + sigma_b + ")\n"
                          "  dense(width = 10, act = sign)\n"
                          "  readout()\n"
                          "}\n");
  };
  // sigma_w^2 = 1e320 is beyond the largest double: an error naming the layer, nothing written.
  const auto big = kernel({sign_net("big.sgntk", "1e160", "0.1"), "--kind", "nngp", "--x1", mid, "--out",
                           dir.file("big.csv"), "--quiet"});
  CHECK(big.exit_code == 1);
  CHECK(big.err.find("sgntk: error: sigma_w = 1e+160 of hidden layer 1 ('dense 1'): its square, the variance it "
                     "scales by, is beyond the largest double") != std::string::npos);
  CHECK(!fs::exists(dir.file("big.csv")));
  // sigma_w = 1e77 fits (sigma_w^2 = 1e154). A sign layer is invariant under positive scaling of
  // its pre-activation, so (sigma_w, sigma_b) = (1e77, 0.1) is the network (1, 1e-78): the two
  // kernels must agree although one recursion runs at variances of 1e154 and the other at 1.
  for (const std::string kind : {"nngp", "sgntk"}) {
    CAPTURE(kind);
    const auto huge = kernel({sign_net("huge.sgntk", "1e77", "0.1"), "--kind", kind, "--x1", grid, "--out",
                              dir.file("huge.csv"), "--quiet"});
    const auto unit = kernel({sign_net("unit.sgntk", "1", "1e-78"), "--kind", kind, "--x1", grid, "--out",
                              dir.file("unit.csv"), "--quiet"});
    REQUIRE(huge.exit_code == 0);
    REQUIRE(unit.exit_code == 0);
    if (kind == "sgntk") continue;  // the SG-NTK's sigma_w^2 terms differ by 1e154: only the NNGP is invariant
    const std::vector<double> a = read_csv_row(dir.file("huge.csv")), b = read_csv_row(dir.file("unit.csv"));
    REQUIRE(a.size() == b.size());
    REQUIRE(a.size() > 2);
    for (std::size_t j = 0; j < a.size(); ++j) CHECK(a[j] == doctest::Approx(b[j]).epsilon(1e-13));
  }
  // Points of |x|^2/d = 8 take the same network to variances of 8e154, where ab - c^2 of two of
  // them overflows (entries once came out 0): refused, naming the layer and the point.
  const auto beyond = kernel({sign_net("huge.sgntk", "1e77", "0.1"), "--kind", "nngp", "--x1",
                              dir.file("far.csv", "4,0\n0,4\n"), "--out", dir.file("far_k.csv"), "--quiet"});
  CHECK(beyond.exit_code == 1);
  CHECK(beyond.err.find("sgntk: error: the variance of the pre-activation of hidden layer 1 ('dense 1') at point 0 "
                        "is 8e+154, beyond 6e+153, where products of two variances (ab - c^2) overflow a double") !=
        std::string::npos);
  CHECK(!fs::exists(dir.file("far_k.csv")));
}

TEST_CASE("an infinite entry that nothing means is an overflow: exit 1, in memory and out of core") {
  TempDir dir;
  // E[relu(1e200 u) relu(1e200 v)] = 1e400 E[relu(u) relu(v)]: beyond the largest double. Before,
  // the whole matrix was written as inf with exit 0.
  const std::string spec = dir.file("big.sgntk", "network big(input = 2) {\n"
                                                 "  dense(width = 10, act = relu(1e200 * x))\n"
                                                 "  readout()\n"
                                                 "}\n");
  const std::string x = dir.file("x.csv", "-1,0\n0,1\n");
  for (const std::vector<std::string> extra :
       {std::vector<std::string>{"--out", dir.file("k.csv")}, {"--out", dir.file("k.npy")},
        {"--out", dir.file("k.npy"), "--out-of-core"}}) {
    std::vector<std::string> args{spec, "--kind", "nngp", "--x1", x, "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = kernel(args);
    CAPTURE(extra.back());
    CHECK(r.exit_code == 1);
    CHECK(r.err == "sgntk: error: the nngp kernel is infinite at entry (0, 0): beyond the largest double; no output "
                   "written\n");
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 2);  // big.sgntk, x.csv
  }
  // The naive NTK of a jump layer keeps its +inf diagonal (with its warning), off-diagonal finite.
  const std::string step = dir.file("step.sgntk", "network step(input = 2) {\n"
                                                  "  dense(width = 10, act = sign)\n"
                                                  "  readout()\n"
                                                  "}\n");
  const auto ntk = kernel({step, "--kind", "ntk", "--x1", x, "--out", dir.file("n.csv"), "--quiet"});
  CHECK(ntk.exit_code == 0);
  const std::vector<double> row = read_csv_row(dir.file("n.csv"));
  REQUIRE(row.size() == 2);
  CHECK(std::isinf(row[0]));
  CHECK(std::isfinite(row[1]));
}

TEST_CASE("csv and npy outputs hold the same kernel") {
  TempDir dir;
  const std::string csv = dir.file("k.csv"), npy = dir.file("k.npy");
  for (const std::string& out : {csv, npy})
    REQUIRE(kernel({"specs/paper/sign_sgl.sgntk", "--kind", "sgntk", "--x1", grid, "--out", out, "--quiet"}).exit_code == 0);
  const auto a = sgntk::runtime::read_matrix(csv), b = sgntk::runtime::read_matrix(npy);
  REQUIRE(a.rows() == 100);
  CHECK((a.array() == b.array()).all());  // csv is written with round-trip precision
  // The .npy is computed in place (memory-mapped): the very bytes write_matrix gives that matrix.
  CHECK(sgntk::test::read_file(npy) == sgntk::runtime::matrix_bytes(npy, a));
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 2);
}

TEST_CASE("a NaN kernel, a folder --out or Ctrl-C keeps the older output and leaves no temporary") {
  TempDir dir;
  auto entries = [&] { return std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()); };
  const std::string older = "older result";
  // The relu closed form is inf - inf = NaN after a layer whose E[phi^2] overflows (as in the jobs
  // rules test).
  const std::string nan_spec = dir.file("nan.sgntk", "network net(input = 2) {\n"
                                                     "  dense(width = 10, act = 1e200 * x)\n"
                                                     "  dense(width = 10, act = relu(x))\n"
                                                     "  readout()\n}\n");
  const std::string x = dir.file("x.csv", "-1,0\n0,1\n");
  for (const std::string name : {"k.npy", "k.csv"}) {
    CAPTURE(name);
    const std::string out = dir.file(name, older);
    const auto r = kernel({nan_spec, "--kind", "nngp", "--x1", x, "--out", out});
    CHECK(r.exit_code == 1);
    CHECK(r.err == "sgntk: error: the nngp kernel is NaN at entry (0, 1); no output written\n");
    CHECK(sgntk::test::read_file(out) == older);
  }
  CHECK(entries() == 4);  // nan.sgntk, x.csv, k.npy, k.csv

  fs::create_directory(dir.path / "folder.npy");
  const auto folder = kernel({"specs/paper/sign_sgl.sgntk", "--kind", "nngp", "--x1", grid, "--out", dir.file("folder.npy")});
  CHECK(folder.exit_code == 1);
  CHECK(folder.err == "sgntk: error: " + dir.file("folder.npy") + ": cannot write: Is a directory\n");
  CHECK(fs::is_empty(dir.path / "folder.npy"));
  CHECK(entries() == 5);

  // Ctrl-C or SIGTERM once the output's temporary exists (the kernel is running): it stops,
  // removes the temporary, keeps k.npy and dies of the signal (status 128 + signal). Started in
  // the background by sh, sgntk inherits SIGINT ignored and then exits 130 itself.
  std::string points;
  for (int i = 0; i < 2500; ++i) points += std::to_string(std::cos(i)) + "," + std::to_string(std::sin(0.7 * i)) + "\n";
  const std::string many = dir.file("many.csv", points);
  for (const auto& [signal, status] : std::vector<std::pair<std::string, std::string>>{{"INT", "130"}, {"TERM", "143"}}) {
    CAPTURE(signal);
    const std::string script = std::string(SGNTK_EXE) + " kernel specs/paper/erf_ntk.sgntk --kind ntk --x1 " + many +
                               " --out " + dir.file("k.npy") + " --quiet --threads 1 & pid=$!\n"
                               "while kill -0 $pid 2>/dev/null && ! ls -a " + dir.path.string() +
                               " | grep -q tmp; do sleep 0.005; done\n"
                               "kill -" + signal + " $pid; wait $pid; echo $?\n";
    const auto stopped = run_process({"/bin/sh", "-c", script}, source_dir);
    CHECK(stopped.out == status + "\n");
    CHECK(sgntk::test::read_file(dir.file("k.npy")) == older);
    CHECK(entries() == 6);  // many.csv added, no temporary
  }
}

TEST_CASE("bad data gets a diagnostic, exit code 1 and no output file") {
  TempDir dir;
  const std::string out = dir.file("k.csv");
  struct Case {
    std::string name, x1_text, expect;
  };
  const std::vector<Case> cases{
      {"ragged.csv", "0,1\n1,0,2\n", "ragged.csv:2"},
      {"wrong_dim.csv", "0,1,2\n1,0,2\n", "dimension 3"},
      {"nan.csv", "0,1\nnan,0\n", "nan.csv:2"},
      {"empty.csv", "# only a comment\n", "empty"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const std::string x1 = dir.file(c.name, c.x1_text);
    const auto r = kernel({"specs/paper/sign_sgl.sgntk", "--kind", "nngp", "--x1", x1, "--out", out});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("error") != std::string::npos);
    CHECK(r.err.find(c.expect) != std::string::npos);
    CHECK(!fs::exists(out));
  }
  fs::create_directory(dir.path / "folder.csv");  // a directory named like data: not "empty file"
  const auto folder = kernel({"specs/paper/sign_sgl.sgntk", "--kind", "nngp", "--x1", dir.file("folder.csv"), "--out", out});
  CHECK(folder.exit_code == 1);
  CHECK(folder.err.find("folder.csv: is a directory, not a data file") != std::string::npos);
  CHECK(folder.err.find("empty") == std::string::npos);
  CHECK(!fs::exists(out));
  const auto tiny = kernel({"specs/paper/sign_sgl.sgntk", "--kind", "nngp", "--x1", dir.file("tiny.csv", "0,1\n1e-400,0\n"),
                            "--out", out});
  CHECK(tiny.exit_code == 1);
  CHECK(tiny.err.find("tiny.csv:2: field 1 is out of the range of a double (underflow)") != std::string::npos);
  CHECK(!fs::exists(out));
  const auto missing = kernel({"specs/paper/sign_sgl.sgntk", "--kind", "nngp", "--x1", dir.file("absent.csv"), "--out", out});
  CHECK(missing.exit_code == 1);
  CHECK(!fs::exists(out));
  const auto unwritable = kernel({"specs/paper/sign_sgl.sgntk", "--kind", "nngp", "--x1", grid, "--out",
                                  (dir.path / "no_such_dir" / "k.csv").string()});
  CHECK(unwritable.exit_code == 1);
  CHECK(unwritable.err.find("error") != std::string::npos);
}

TEST_CASE("usage errors exit 2, spec errors exit 1, --help exits 0") {
  TempDir dir;
  CHECK(kernel({"--help"}).exit_code == 0);
  CHECK(kernel({"specs/paper/sign_sgl.sgntk", "--kind", "bogus", "--x1", grid, "--out", dir.file("k.csv")}).exit_code == 2);
  CHECK(kernel({"specs/paper/sign_sgl.sgntk", "--kind", "nngp", "--x1", grid, "--out", dir.file("k.txt")}).exit_code == 2);
  const auto r = kernel({"specs/paper/sign_sgl.sgntk", "--kind", "nngp", "--set", "q=1", "--x1", grid, "--out", dir.file("k.csv")});
  CHECK(r.exit_code == 1);
  CHECK(!fs::exists(dir.path / "k.csv"));
}

TEST_CASE("surrogate = straight_through is g = 1: the closed form, the straight_through plugin, not identity") {
  // One hidden sign layer, sigma_w = 1, sigma_b = 0, unit inputs in d = 2: a = b = 1/2,
  // Sigma^1 = <x,x'>/2, Sigma^2 = (2/pi) asin(<x,x'>), mSigma^2 = E[2 delta(u) g(v)]. With g = 1 that
  // is 2/sqrt(2 pi a) = 2/sqrt(pi), so I = <x,x'>/sqrt(pi) + (2/pi) asin(<x,x'>); with g(x) = x
  // (identity) it is 0 (E[delta(u) v] = c * 0 / a), so I = Sigma^2.
  TempDir dir;
  const std::string body = "  readout()\n}\n";
  const auto spec = [&](const std::string& name, const std::string& head, const std::string& surrogate) {
    return dir.file(name, head + "network net(input = 2) {\n  dense(width = 10, act = sign, surrogate = " + surrogate +
                              ")\n" + body);
  };
  const std::string builtin = spec("builtin.sgntk", "", "straight_through");
  const std::string plugin = spec("plugin.sgntk", "surrogate st = plugin(\"straight_through\")\n", "st");
  const std::string identity = spec("identity.sgntk", "", "identity");
  const auto row_of = [&](const std::string& s, const std::string& name) {
    const std::string out = dir.file(name);
    const auto r = kernel({s, "--kind", "sgntk", "--x1", mid, "--x2", grid, "--out", out, "--quiet"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return std::make_pair(read_csv_row(out), r.err);
  };
  const auto [st, st_err] = row_of(builtin, "st.csv");
  const auto [pl, pl_err] = row_of(plugin, "pl.csv");
  const auto [id, id_err] = row_of(identity, "id.csv");
  REQUIRE(st.size() == 100);
  CHECK(st_err.find("warning") == std::string::npos);
  CHECK(id_err.find("warning: surrogate 'identity' is g(x) = x") != std::string::npos);
  for (std::size_t j = 0; j < 100; ++j) {
    CAPTURE(j);
    const double alpha = 2 * M_PI * static_cast<double>(j) / 100 - M_PI;
    const double c = std::clamp(std::cos(alpha), -1.0, 1.0);  // <x_mid, x(alpha)>, x_mid = (0, 1)
    const double sigma2 = 2 / M_PI * std::asin(c);
    CHECK(st[j] == doctest::Approx(c / std::sqrt(M_PI) + sigma2).epsilon(1e-12));
    CHECK(pl[j] == doctest::Approx(st[j]).epsilon(1e-13));
    CHECK(id[j] == doctest::Approx(sigma2).epsilon(1e-12));
  }
}

TEST_CASE("integrals short of their target are reported by kernel, predict and run, and not where they are met") {
  // |x|^-0.49 is integrable, but its square on the diagonal (|u|^-0.98) is beyond what the
  // adaptive rule resolves to 1e-10; log|x| it resolves.
  TempDir dir;
  const std::string spec = dir.file("short.sgntk", "network n(input = 2) {\n  dense(width = 10, act = abs(x)^-0.49)\n"
                                                   "  readout()\n}\n"
                                                   "data pts = csv(\"x.csv\")\ntarget y = x0\n"
                                                   "task k = kernel(network = n, kind = nngp, x1 = pts)\n"
                                                   "task p = predict(network = n, kind = nngp, x_train = pts, y_train = y, "
                                                   "x_test = pts)\n");
  dir.file("x.csv", "1,0.5\n0.3,-0.8\n");
  const std::string fine = dir.file("fine.sgntk", "network n(input = 2) {\n  dense(width = 10, act = log(abs(x)))\n"
                                                  "  readout()\n}\n");
  const std::string said = "numeric integrals stopped refining with their error estimate above their target (the largest: ";
  const std::string x = dir.file("x.csv"), y = dir.file("y.csv", "1\n2\n");
  for (const std::string& s : {spec, fine}) {
    CAPTURE(s);
    const bool expect = s == spec;
    const auto k = kernel({s, "--kind", "nngp", "--x1", x, "--out", dir.file("k.npy"), "--quiet"});
    CHECK(k.exit_code == 0);
    CHECK((k.err.rfind("sgntk: warning: ", 0) == 0 && k.err.find(said) != std::string::npos) == expect);
    const auto p = run_process({SGNTK_EXE, "predict", s, "--kind", "nngp", "--x-train", x, "--y-train", y, "--x-test", x,
                                "--out", dir.file("p.csv"), "--quiet"},
                               source_dir);
    CHECK(p.exit_code == 0);
    CHECK((p.err.rfind("sgntk: warning: ", 0) == 0 && p.err.find(said) != std::string::npos) == expect);
  }
  const auto r = run_process({SGNTK_EXE, "run", spec, "--out", dir.file("out"), "--quiet"}, source_dir);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  for (const std::string task : {"k", "p"}) {
    const std::size_t at = r.err.find("sgntk: warning: task '" + task + "': ");
    CHECK(at != std::string::npos);
    CHECK(r.err.find(said, at) < r.err.find('\n', at));  // the count, then what it counts
  }
}
