// Golden diagnostics: every tests/errors/bad_*.sgntk must make `sgntk check` exit with 1 and
// print exactly its bad_*.expect on stderr (paths as given, relative to the repository root);
// every warn_*.sgntk must pass (exit 0) with exactly its warn_*.expect on stderr.
// After an intended change of wording, regenerate from the repository root and review the diff:
//   for f in tests/errors/{bad,warn}_*.sgntk; do build/sgntk check "$f" 2> "${f%.sgntk}.expect"; done
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/run_process.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using sgntk::test::run_process;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The specs tests/errors/PREFIX*.sgntk, sorted.
std::vector<fs::path> specs_named(const std::string& prefix) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(fs::path(SGNTK_SOURCE_DIR) / "tests/errors")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && entry.path().extension() == ".sgntk") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// `sgntk check` on every tests/errors/PREFIX*.sgntk: its exit code, whether it prints the spec on
// stdout (only when it passes), and exactly its .expect on stderr. Returns how many specs there are.
std::size_t check_goldens(const std::string& prefix, int exit_code) {
  const std::vector<fs::path> specs = specs_named(prefix);
  for (const fs::path& spec : specs) {
    const std::string relative = "tests/errors/" + spec.filename().string();
    CAPTURE(relative);
    fs::path expect = spec;
    expect.replace_extension(".expect");
    REQUIRE(fs::exists(expect));
    const auto result = run_process({SGNTK_EXE, "check", relative}, SGNTK_SOURCE_DIR);
    CHECK(result.exit_code == exit_code);
    CHECK(result.out.empty() == (exit_code != 0));
    CHECK(result.err == read_file(expect));
  }
  return specs.size();
}

}  // namespace

TEST_CASE("every bad spec fails with exactly its expected diagnostics") { CHECK(check_goldens("bad_", 1) >= 25); }

TEST_CASE("every warn spec passes with exactly its expected warnings") { CHECK(check_goldens("warn_", 0) >= 1); }

TEST_CASE("an unknown --set name is an input error with a did-you-mean note") {
  const auto result = run_process({SGNTK_EXE, "check", "specs/paper/erf_ntk.sgntk", "--set", "mm=3"}, SGNTK_SOURCE_DIR);
  CHECK(result.exit_code == 1);
  CHECK(result.err ==
        "sgntk: error: --set mm: the spec has no param 'mm'\n"
        "sgntk: note: did you mean 'm'?\n");
}

// A malformed --set is a mistake on the command line: usage (exit 2), found before the spec is
// read. A well-formed one naming a param the spec lacks is the spec's business (exit 1, above).
TEST_CASE("a malformed --set is a usage error") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"m=abc", "--set: m: 'abc' is not a number (write a number, inf or -inf)\n"},
      {"m=nan", "--set: m: 'nan' is not a number (write a number, inf or -inf)\n"},
      {"m=", "--set: m: '' is not a number (write a number, inf or -inf)\n"},
      {"m=1e999", "--set: m: number out of range: '1e999'\n"},
      {"m", "--set: expects NAME=VALUE, got 'm'\n"},
      {"=3", "--set: expects NAME=VALUE, got '=3'\n"},
  };
  for (const auto& [set, message] : cases) {
    CAPTURE(set);
    const auto result = run_process({SGNTK_EXE, "check", "specs/paper/erf_ntk.sgntk", "--set", set}, SGNTK_SOURCE_DIR);
    CHECK(result.exit_code == 2);
    CHECK(result.err.rfind(message, 0) == 0);
  }
  // Every command that takes --set checks it the same way, before reading anything.
  for (const std::string command : {"kernel", "train", "empirical", "predict", "run"}) {
    CAPTURE(command);
    const auto result = run_process({SGNTK_EXE, command, "no_such_spec.sgntk", "--set", "m"}, SGNTK_SOURCE_DIR);
    CHECK(result.exit_code == 2);
    CHECK(result.err.rfind("--set: expects NAME=VALUE, got 'm'\n", 0) == 0);
  }
}

TEST_CASE("--set accepts numbers and inf") {
  const auto result = run_process({SGNTK_EXE, "check", "specs/paper/erf_ntk.sgntk", "--set", "m=inf", "--set", "n=20"},
                                  SGNTK_SOURCE_DIR);
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("param m = inf\nparam n = 20\n") == 0);
  CHECK(result.out.find("activation: sign(x)") != std::string::npos);
}

TEST_CASE("a spec that starts with a UTF-8 byte order mark checks as the same spec without it") {
  const sgntk::test::TempDir dir("sgntk_bom");
  const std::string plain = read_file(fs::path(SGNTK_SOURCE_DIR) / "specs/paper/sign_sgl.sgntk");
  const std::string with_bom = dir.write("bom.sgntk", "\xEF\xBB\xBF" + plain);
  const auto bom = run_process({SGNTK_EXE, "check", with_bom}, SGNTK_SOURCE_DIR);
  const auto reference = run_process({SGNTK_EXE, "check", "specs/paper/sign_sgl.sgntk"}, SGNTK_SOURCE_DIR);
  CHECK(bom.exit_code == 0);
  CHECK(bom.err.empty());
  CHECK(bom.out == reference.out);
}

TEST_CASE("a missing spec file is reported by name") {
  const auto result = run_process({SGNTK_EXE, "check", "tests/errors/no_such_file.sgntk"}, SGNTK_SOURCE_DIR);
  CHECK(result.exit_code == 1);
  CHECK(result.err == "sgntk: error: cannot read 'tests/errors/no_such_file.sgntk': No such file or directory\n");
}

TEST_CASE("a directory is not a spec") {
  const auto result = run_process({SGNTK_EXE, "check", "tests/errors"}, SGNTK_SOURCE_DIR);
  CHECK(result.exit_code == 1);
  CHECK(result.err == "sgntk: error: cannot read 'tests/errors': is a directory\n");
}

TEST_CASE("a bad --dump choice is a usage error") {
  const auto result = run_process({SGNTK_EXE, "check", "specs/paper/erf_ntk.sgntk", "--dump", "tokens"}, SGNTK_SOURCE_DIR);
  CHECK(result.exit_code == 2);
}
