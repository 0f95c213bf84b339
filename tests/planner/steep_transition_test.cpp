// Steep shifted transitions: erf(k*(x - 0.2)) for k = 1000 and 1e5 against the bivariate normal
// through Owen's T, on the diagonal, near it (rho > 0.999) and off it, for inputs of different
// norms; compositions and sums against an adaptive long double reference; the shapes the
// planner records.
#include <doctest/doctest.h>

#include "compiler/graph/context.h"
#include "compiler/passes/analyze_shape.h"
#include "tests/numeric/helpers.h"
#include "tests/planner/planner_fixture.h"
#include "tests/planner/reference.h"

using namespace sgntk;
using test::Law;
using test::Real;

namespace {

// Laws of different norms on the diagonal, near it and off it.
const std::vector<Law> laws = {
    {0.5L, 0.5L, 0.0L},          // diagonal
    {1.3L, 1.3L, 0.0L},          // diagonal, another norm
    {0.8L, 0.8L, 0.8L * 0.8L * 1e-3L},  // rho^2 = 0.999
    {0.5L, 1.7L, 0.5L * 1.7L * 1e-4L},  // different norms, rho^2 = 0.9999
    {0.5L, 1.7L, 0.5L * 1.7L * 0.75L},  // rho = 0.5
    {0.09L, 2.0L, 0.09L * 2.0L * 0.1L}, // a small variance: the step is 0.67 sd out
};

void check_steep_erf(const std::string& phi, Real k) {
  const auto program = test::bound_program(test::planned(phi));
  for (const Law& law : laws) {
    const Real reference = test::erf_erf_shifted(law, k, 0.2L);
    const double c = static_cast<double>(law.c());
    const double value = test::expect(program.hidden[0].nngp, static_cast<double>(law.a), static_cast<double>(law.b), c);
    CAPTURE(law.a);
    CAPTURE(law.b);
    CAPTURE(c);
    CAPTURE(static_cast<double>(reference));
    CHECK(test::close(value, static_cast<double>(reference), 1e-10));
  }
}

}  // namespace

TEST_CASE("E[erf(1000(u - 0.2)) erf(1000(v - 0.2))] matches the bivariate normal to 1e-10") {
  check_steep_erf("erf(1000*(x - 0.2))", 1000);
}

TEST_CASE("E[erf(1e5(u - 0.2)) erf(1e5(v - 0.2))] matches the bivariate normal to 1e-10") {
  check_steep_erf("erf(100000*(x - 0.2))", 1e5L);
}

TEST_CASE("the diagonal of a shifted steep erf is not 1") {
  // The planner used to step over the transition and return 1.000000000000.
  const auto program = test::bound_program(test::planned("erf(1000*(x - 0.2))"));
  const double value = test::expect(program.hidden[0].nngp, 1.0, 1.0, 1.0);
  CHECK(test::close(value, static_cast<double>(test::erf_erf_shifted({1, 1, 0}, 1000, 0.2L)), 1e-10));
  CHECK(value < 0.9995);
}

TEST_CASE("steep transitions inside compositions and sums: diagonal values against adaptive long double") {
  struct Case {
    std::string phi;
    std::function<Real(Real)> f;
    std::vector<Real> cuts;
  };
  const std::vector<Case> cases = {
      {"tanh(5*erf(300*x - 60))", [](Real x) { return std::tanh(5 * std::erf(300 * x - 60)); },
       test::cuts_around(0.2L, 1 / 300.0L, 2)},
      {"erf(1000*(x - 0.2)) + erf(1000*(x + 0.3))",
       [](Real x) { return std::erf(1000 * (x - 0.2L)) + std::erf(1000 * (x + 0.3L)); }, {}},
      {"sigmoid(2000*(x - 0.1))*x", [](Real x) { return x / (1 + std::exp(-2000 * (x - 0.1L))); },
       test::cuts_around(0.1L, 1 / 2000.0L, 2)},
  };
  for (const Case& c : cases) {
    CAPTURE(c.phi);
    std::vector<Real> cuts = c.cuts;
    if (cuts.empty()) {  // the sum: both transitions
      cuts = test::cuts_around(-0.3L, 1e-3L, 0.2L);
      const auto more = test::cuts_around(0.2L, 1e-3L, 0.2L);
      cuts.insert(cuts.end(), more.begin(), more.end());
    }
    const auto program = test::bound_program(test::planned(c.phi));
    for (double var : {0.3, 1.0, 2.5}) {
      CAPTURE(var);
      const Real reference = test::gauss_average([&](Real x) { return c.f(x) * c.f(x); }, var, cuts);
      CHECK(test::close(test::expect(program.hidden[0].nngp, var, var, var), static_cast<double>(reference), 1e-10));
    }
  }
}

TEST_CASE("the shape records steep transitions with center and width, also inside compositions") {
  graph::GraphContext g;
  const auto program = test::planned("tanh(5*erf(300*x - 60)) * sigmoid(4000*(x + 1))");
  const auto& term = std::get<program::QuadratureTerm>(program.hidden[0].nngp.terms.at(0).what);
  const auto& shape = std::get<program::CompiledIntegrand>(term.f).shape;
  REQUIRE(shape.transitions.size() == 2);
  CHECK(shape.transitions[0].center == doctest::Approx(-1.0));
  CHECK(shape.transitions[0].width == doctest::Approx(1.0 / 4000));
  CHECK(shape.transitions[1].center == doctest::Approx(0.2));
  CHECK(shape.transitions[1].width == doctest::Approx(1.0 / 300));
  CHECK(shape.smooth);  // steep, but analytic
  // Gentle slopes are left to the integrator's panels.
  const auto gentle = test::planned("tanh(2*x - 1)");
  const auto& gentle_term = std::get<program::QuadratureTerm>(gentle.hidden[0].nngp.terms.at(0).what);
  CHECK(std::get<program::CompiledIntegrand>(gentle_term.f).shape.transitions.empty());
}
