// The planner's program data: unavailable expectations with their reasons, tail growth and
// steep transitions, and their text form (write_program / read_program round trip).
#include <doctest/doctest.h>

#include "compiler/passes/analyze_tails.h"
#include "runtime/expectation_tails.h"
#include "runtime/program/text_format.h"
#include "tests/planner/planner_fixture.h"

using namespace sgntk;

TEST_CASE("non-integrable, undefined and unplannable expectations are unavailable, with their reason") {
  struct Case {
    std::string phi;
    bool nngp_available;
    std::string reason;  // part of the NNGP's (or else the NTK's) reason
  };
  const std::vector<Case> cases = {
      {"1/x", false, "non-integrable singularity at x = 0"},
      {"1/(x - 0.3)", false, "non-integrable singularity at x = 0.3"},
      {"abs(x)^-1.5", false, "non-integrable singularity at x = 0"},
      {"sqrt(x)", false, "undefined (NaN) for x < 0"},
      {"log(x)", false, "undefined (NaN) for x < 0"},
      {"x^0.5", false, "undefined (NaN) for x < 0"},
      {"sqrt(x - 1)", false, "undefined (NaN) for x < about"},
      {"abs(x)^-0.6", false, "infinite wherever u and v are proportional"},
      {"log(abs(x))", true, "non-integrable singularity at x = 0"},  // NTK: 1/x
      {"if(x < 0.3, -1, if(x < 0.7, 0, 1))", true, "cannot integrate"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.phi);
    const program::KernelProgram p = test::planned(c.phi);
    const program::Expectation& e = c.nngp_available ? p.hidden[0].ntk : p.hidden[0].nngp;
    CHECK(p.hidden[0].nngp.unavailable.has_value() == !c.nngp_available);
    REQUIRE(e.unavailable);
    CHECK(e.terms.empty());
    CHECK(e.unavailable->find(c.reason) != std::string::npos);
  }
  // Regular after all: removable singularities, guarded branches, integrable powers.
  for (const char* phi : {"sin(x)/x", "(exp(x) - 1)/x", "if(x < 0, 0, sqrt(x))", "x*log(abs(x))", "abs(x)^-0.4"}) {
    CAPTURE(phi);
    CHECK_FALSE(test::planned(phi).hidden[0].nngp.unavailable);
  }
}

TEST_CASE("tail growth rates are read symbolically") {
  struct Case {
    std::string phi;
    double rate;
  };
  for (const Case& c : {Case{"exp(0.3*x^2)", 0.3}, Case{"x*exp(x^2/4)", 0.25}, Case{"exp(x^3)", HUGE_VAL},
                        Case{"exp(exp(x))", HUGE_VAL}, Case{"exp(2*x)", 0}, Case{"tanh(x)", 0},
                        Case{"exp(x^2)*erf(x)", 1}}) {
    CAPTURE(c.phi);
    CHECK(test::planned(c.phi).hidden[0].nngp.growth.f == c.rate);
  }
  CHECK(test::planned("exp(-x^2)").hidden[0].nngp.growth == program::TailGrowth{});  // decay: not recorded
}

TEST_CASE("the divergence condition of exp(r u^2) exp(r v^2) is I - 2 L'DL positive definite") {
  const program::TailGrowth g{0.3, 0.3};
  // On the diagonal: finite iff (0.3 + 0.3) a < 1/2, a < 5/6.
  CHECK(runtime::tails_converge(g, 0.83, 0.83, 0.83));
  CHECK_FALSE(runtime::tails_converge(g, 0.84, 0.84, 0.84));
  // Off it: det(I - 2 D Sigma) = (1 - 0.6 a)(1 - 0.6 b) - 0.36 c^2 > 0 with 1 - 0.6 a > 0.
  CHECK(runtime::tails_converge(g, 1.5, 0.2, 0.0));
  CHECK_FALSE(runtime::tails_converge(g, 1.7, 0.2, 0.0));
  CHECK(runtime::tails_converge(g, 1.0, 1.0, 0.6));   // (0.4)^2 - 0.36 * 0.36 > 0
  CHECK_FALSE(runtime::tails_converge(g, 1.0, 1.0, 0.7));  // 0.16 - 0.1764 < 0
  // Growth on one side only, decay on the other: the decay helps where u and v go together.
  CHECK(runtime::tails_converge({0.4, -1.0}, 1.5, 1.5, 1.5));
  CHECK_FALSE(runtime::tails_converge({0.4, 0.0}, 1.5, 1.5, 1.5));
  // Faster than any Gaussian: only a side without variance converges.
  CHECK_FALSE(runtime::tails_converge({HUGE_VAL, 0}, 1e-6, 1, 0));
  CHECK(runtime::tails_converge({HUGE_VAL, 0}, 0, 1, 0));
}

TEST_CASE("transitions, growth and unavailable reasons survive the text form") {
  for (const char* phi : {"erf(1000*(x - 0.2)) * tanh(5*erf(300*x - 60))", "exp(0.3*x^2)", "1/x",
                          "if(x < 0.3, -1, if(x < 0.7, 0, 1))", "exp(x^3)"}) {
    CAPTURE(phi);
    const program::KernelProgram p = test::planned(phi);
    const std::string text = program::write_program(p);
    CHECK(program::read_program(text) == p);
  }
}
