// No input crashes, hangs or throws: junk, NUL bytes, truncation, deep nesting, huge sizes.
#include <doctest/doctest.h>

#include "compiler/parse/spec_parser.h"
#include "front_helpers.h"

using namespace sgntk;
using test::first_error;

namespace {
std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}
}  // namespace

TEST_CASE("nesting up to the limit parses, deeper is a diagnostic, not a stack overflow") {
  const int ok_depth = parse::max_nesting_depth / 2;  // each paren level passes the guard twice at most
  auto fine = test::load("activation f(x) = " + repeat("(", ok_depth) + "x" + repeat(")", ok_depth) + "\n");
  CHECK_MESSAGE(fine->spec != nullptr, fine->errors());
  for (int depth : {300, 100000}) {
    CAPTURE(depth);
    CHECK(first_error("activation f(x) = " + repeat("(", depth) + "x" + repeat(")", depth) + "\n") ==
          "expression nested too deeply (the limit is 256 levels)");
  }
  CHECK(first_error("activation f(x) = " + repeat("-", 100000) + "x\n") ==
        "expression nested too deeply (the limit is 256 levels)");
  CHECK(first_error("activation f(x) = " + repeat("x^", 100000) + "x\n") ==
        "expression nested too deeply (the limit is 256 levels)");
  CHECK(first_error("activation f(x) = " + repeat("d/dx ", 100000) + "x\n") ==
        "expression nested too deeply (the limit is 256 levels)");
  CHECK(first_error("activation f(x) = " + repeat("exp(", 100000) + "x" + repeat(")", 100000) + "\n") ==
        "expression nested too deeply (the limit is 256 levels)");
}

TEST_CASE("long flat expressions stop at the graph depth limit") {
  CHECK(first_error("activation f(x) = " + repeat("x + ", 200000) + "x\n") ==
        "expression too deeply nested (the limit is 1000 levels)");
}

TEST_CASE("exponential growth through nested calls stops at a graph limit") {
  // Each level doubles the tree: f_i(x) = f_{i-1}(sin(x)) + f_{i-1}(cos(x)).
  std::string spec = "activation f0(x) = x\n";
  for (int i = 1; i <= 40; ++i)
    spec += "activation f" + std::to_string(i) + "(x) = f" + std::to_string(i - 1) + "(sin(x)) + f" +
            std::to_string(i - 1) + "(cos(x))\n";
  // The simplifier flattens the sum of 2^i terms into a chain, so either limit may trip first.
  const std::string error = first_error(spec);
  CHECK((error == "expression too large (the limit is 100000 nodes)" ||
         error == "expression too deeply nested (the limit is 1000 levels)"));
}

TEST_CASE("junk, NUL bytes and truncated files are syntax errors") {
  CHECK(first_error(std::string("param m = 2\n\x01\xff\xfe\0junk", 20)) ==
        "expected 'param', 'activation', 'surrogate', 'network', 'data', 'target', 'task' or 'quick'");
  CHECK(first_error(std::string("param m = 2\0", 12)) == "expected 'param', 'activation', 'surrogate', 'network', 'data', 'target', 'task' or 'quick'");
  CHECK(first_error("network net(input = 2) {\n  dense(width = 8, act = relu") ==
        "expected ')' at the end of the file");
  CHECK(first_error("activation") == "expected name at the end of the file");
  CHECK(first_error("surrogate s") == "expected '(' or '= plugin(...)' at the end of the file");
  CHECK(first_error("network n(input = 1) { dense(width = 1, act = relu) ") == "expected layer or '}' at the end of the file");
}

TEST_CASE("only the first syntax error is reported") {
  auto l = test::load("param = 1\nparam = 2\nfoo\n");
  REQUIRE(l->spec == nullptr);
  CHECK(l->diags.error_count() == 1);
}

TEST_CASE("an empty spec and a spec of comments are valid and empty") {
  for (const char* text : {"", "# nothing\n", "\n\n   \t\r\n# a\n# b"}) {
    auto l = test::load(text);
    REQUIRE_MESSAGE(l->spec != nullptr, l->errors());
    CHECK(l->spec->module.networks.empty());
  }
}

TEST_CASE("CRLF line endings and tabs are whitespace") {
  auto l = test::load("param m = 2\r\n\tactivation f(x) = erf(m*x)\r\n");
  CHECK_MESSAGE(l->spec != nullptr, l->errors());
}

TEST_CASE("keywords need a word boundary") {
  CHECK(first_error("paramm = 2\n") == "expected 'param', 'activation', 'surrogate', 'network', 'data', 'target', 'task' or 'quick'");
  auto l = test::load("param param_x = 2\nactivation iffy(x) = x\n");  // prefixes of keywords are names
  CHECK_MESSAGE(l->spec != nullptr, l->errors());
}
