// The text form of a program: a golden file for one small spec (the paper's erf network), and
// malformed texts that must fail with a message naming the line, never crash.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "program_fixture.h"
#include "runtime/program/text_format.h"

using namespace sgntk;

namespace {

const std::string golden_path = SGNTK_SOURCE_DIR "/tests/program/golden/erf_ntk.program";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string erf_ntk_text() {
  const test::LoweredSpec lowered = test::lower_spec(SGNTK_SOURCE_DIR "/specs/paper/erf_ntk.sgntk");
  return program::write_program(lowered.programs.front());
}

// The message of the ReadError `text` raises ("" and a failed check when it reads).
std::string read_error(const std::string& text) {
  try {
    program::read_program(text);
  } catch (const program::ReadError& e) {
    return e.what();
  }
  FAIL_CHECK("read without an error:\n" << text);
  return "";
}

// `text` with the first occurrence of `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("the program of specs/paper/erf_ntk.sgntk is written as in its golden file") {
  const std::string text = erf_ntk_text();
  // SGNTK_UPDATE_GOLDEN=1 rewrites the golden file after an intended change of the format.
  if (std::getenv("SGNTK_UPDATE_GOLDEN")) std::ofstream(golden_path, std::ios::binary) << text;
  CHECK(text == read_file(golden_path));
  CHECK(program::write_program(program::read_program(read_file(golden_path))) == text);
}

TEST_CASE("malformed program texts fail with a message that names the line") {
  const std::string good = erf_ntk_text();
  CHECK(read_error("") == "end of text: expected 'sgntk-program', found the end of the text");
  CHECK(read_error("kernel-program 1\n") == "line 1: expected 'sgntk-program', found 'kernel-program'");
  CHECK(read_error(replaced(good, "sgntk-program 1", "sgntk-program 2")) ==
        "line 1: this sgntk reads program format 1 only");
  CHECK(read_error(replaced(good, "width 500", "widht 500")) == "line 5: expected 'width', found 'widht'");
  CHECK(read_error(replaced(good, "width 500 sigma_w 1 sigma_b 0.1", "width 500 sigma_w 1 sigma_b 0.1x")) ==
        "line 5: expected a number, found '0.1x'");
  CHECK(read_error(replaced(good, "closed erf_erf", "closed erf_erv")).find("unknown closed form 'erf_erv'") !=
        std::string::npos);
  CHECK(read_error(replaced(good, "load_x", "load_y")).find("unknown instruction 'load_y'") != std::string::npos);
  CHECK(read_error(replaced(good, "registers 1", "registers 0")).find("expected an integer in [1, 65535]") !=
        std::string::npos);
  CHECK(read_error(replaced(good, "result 0", "result 7")).find("bad bytecode: register out of range") !=
        std::string::npos);
  CHECK(read_error(replaced(good, "network \"erf_ntk\"", "network \"erf_ntk")).find("unterminated string") !=
        std::string::npos);
  CHECK(read_error(replaced(good, "text \"", "text \"\\q")).find("unknown escape '\\q'") != std::string::npos);
  CHECK(read_error(good + "extra\n").find("unexpected text after 'end'") != std::string::npos);
  CHECK(read_error(replaced(good, "surrogate none", "surrogate plugin 0"))
            .find("plugin index 0 out of range (the program has 0 plugin references)") != std::string::npos);
}

TEST_CASE("every truncation of a program text is a read error, not a crash") {
  const std::string good = erf_ntk_text();
  for (std::size_t cut = 0; cut + 1 < good.size(); cut += 7) {
    CAPTURE(cut);
    CHECK_THROWS_AS(program::read_program(good.substr(0, cut)), program::ReadError);
  }
}
