// Golden dumps after each pass: every tests/dumps/NAME.sgntk, dumped with `sgntk check
// --dump-after PASS` for every pass of the pass order, must print exactly NAME.PASS.expect.
// After an intended change, regenerate from the repository root and review the diff:
//   for f in tests/dumps/*.sgntk; do for p in expand-derivatives simplify differentiate
//     simplify-derivative match-gaussian emit; do build/sgntk check "$f" --dump-after $p > "${f%.sgntk}.$p.expect"; done; done
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "compiler/lower/pass_order.h"
#include "tests/support/read_file.h"
#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using sgntk::test::read_file;
using sgntk::test::run_process;

namespace {

std::vector<std::string> dump_specs() {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(fs::path(SGNTK_SOURCE_DIR) / "tests/dumps"))
    if (entry.path().extension() == ".sgntk") out.push_back("tests/dumps/" + entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> pass_names() {
  std::vector<std::string> out;
  for (const sgntk::lower::Pass& p : sgntk::lower::pass_order()) out.emplace_back(p.name);
  return out;
}

sgntk::test::ProcessResult check(const std::vector<std::string>& args) {
  std::vector<std::string> argv{SGNTK_EXE, "check"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, SGNTK_SOURCE_DIR);
}

}  // namespace

TEST_CASE("the pass order is the documented one") {
  CHECK(pass_names() == std::vector<std::string>{"expand-derivatives", "simplify", "differentiate",
                                                 "simplify-derivative", "match-gaussian", "emit"});
  CHECK(sgntk::lower::pass_names() ==
        "expand-derivatives, simplify, differentiate, simplify-derivative, match-gaussian, emit");
}

TEST_CASE("every spec dumps exactly its golden text after every pass") {
  const std::vector<std::string> specs = dump_specs();
  CHECK(specs.size() == 3);
  for (const std::string& spec : specs) {
    for (const std::string& pass : pass_names()) {
      CAPTURE(spec);
      CAPTURE(pass);
      const std::string expect = spec.substr(0, spec.size() - 6) + "." + pass + ".expect";
      REQUIRE(fs::exists(fs::path(SGNTK_SOURCE_DIR) / expect));
      const auto result = check({spec, "--dump-after", pass});
      CHECK(result.exit_code == 0);
      CHECK(result.err.empty());
      CHECK(result.out == read_file(fs::path(SGNTK_SOURCE_DIR) / expect));
    }
  }
}

TEST_CASE("--dump all prints the AST, the raw graphs, every pass in order and the program") {
  for (const std::string& spec : dump_specs()) {
    CAPTURE(spec);
    const auto all = check({spec, "--dump", "all"});
    REQUIRE(all.exit_code == 0);
    std::string expect = "# ast\n" + check({spec, "--dump", "ast"}).out;
    const std::size_t sema = all.out.find("# sema\n");
    const std::size_t first_pass = all.out.find("# after ");
    REQUIRE(sema != std::string::npos);
    REQUIRE(first_pass != std::string::npos);
    expect += all.out.substr(sema, first_pass - sema);  // checked by the next test case
    for (const std::string& pass : pass_names()) expect += "# after " + pass + "\n" + check({spec, "--dump-after", pass}).out;
    expect += "# program\n" + check({spec, "--dump", "program"}).out;
    CHECK(all.out == expect);
  }
}

TEST_CASE("sema builds raw graphs: a d/dx written in the spec is a node until expand-derivatives") {
  const std::string spec = "tests/dumps/spec_derivative.sgntk";
  const std::string all = check({spec, "--dump", "all"}).out;
  const std::size_t sema = all.find("# sema\n");
  const std::size_t first_pass = all.find("# after expand-derivatives\n");
  REQUIRE(first_pass != std::string::npos);
  const std::string raw = all.substr(sema, first_pass - sema);
  CHECK(raw.find("network derivative_net layer 1 activation: x/2 + d/dx erf(3*x)\n") != std::string::npos);
  CHECK(raw.find("= d/dx %") != std::string::npos);
  CHECK(check({spec, "--dump-after", "expand-derivatives"}).out.find("d/dx") == std::string::npos);
}

TEST_CASE("every pass name is accepted, an unknown one is a usage error that lists them") {
  for (const std::string& pass : pass_names()) {
    CAPTURE(pass);
    CHECK(check({"specs/paper/erf_ntk.sgntk", "--dump-after", pass}).exit_code == 0);
  }
  const auto unknown = check({"specs/paper/erf_ntk.sgntk", "--dump-after", "inline"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.out.empty());
  for (const std::string& pass : pass_names()) CHECK(unknown.err.find(pass) != std::string::npos);
  CHECK(check({"specs/paper/erf_ntk.sgntk", "--dump-after", "simplify", "--dump", "graph"}).exit_code == 2);
}

TEST_CASE("check --help documents --dump all and --dump-after with the pass names") {
  const auto help = check({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--dump-after") != std::string::npos);
  CHECK(help.out.find("all") != std::string::npos);
  for (const std::string& pass : pass_names()) CHECK(help.out.find(pass) != std::string::npos);
}

TEST_CASE("a pass that fails reports its error and prints no dump") {
  // sign' = 2 delta: an activation must be a function, which match-gaussian checks.
  const fs::path spec = fs::temp_directory_path() / "sgntk_pass_dumps_delta.sgntk";
  std::ofstream(spec) << "network n(input = 1) {\n  dense(width = 2, act = d/dx sign(x))\n  readout()\n}\n";
  const auto graphs = check({spec.string(), "--dump-after", "simplify-derivative"});
  CHECK(graphs.exit_code == 0);
  const auto matched = check({spec.string(), "--dump-after", "match-gaussian"});
  CHECK(matched.exit_code == 1);
  CHECK(matched.out.empty());
  CHECK(matched.err.find("contains a delta: it is not a function") != std::string::npos);
  fs::remove(spec);
}
