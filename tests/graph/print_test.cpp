#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "compiler/graph/evaluate.h"
#include "compiler/graph/print.h"
#include "tests/graph/dsl.h"

using namespace sgntk;
using namespace sgntk::test;
using graph::Kind;
using graph::to_spec;

TEST_CASE("builders produce the canonical form of expr_kinds.def") {
  Graph t;
  const Ex x = t.x;
  CHECK((x - x).e == graph::add(t.g, x.e, graph::mul(t.g, t.c(-1).e, x.e)));
  CHECK((-x).e == graph::mul(t.g, t.c(-1).e, x.e));
  CHECK((-t.c(2)).e == t.c(-2).e);  // a negated literal is a literal
  CHECK((x / (x + 1)).e == graph::mul(t.g, x.e, graph::pow(t.g, (x + 1).e, t.c(-1).e)));
  CHECK((1 / x).e == graph::pow(t.g, x.e, t.c(-1).e));
  CHECK(sqrt(x).e == pow(x, 0.5).e);
  CHECK(erfc(x).e == (1 - erf(x)).e);
  CHECK(less(x, 1).e == heaviside(1 - x).e);
  CHECK(greater(x, 1).e == heaviside(x - 1).e);
  CHECK(graph::compare(t.g, graph::Compare::less_equal, x.e, t.c(1).e) == less(x, 1).e);
  CHECK(graph::compare(t.g, graph::Compare::greater_equal, x.e, t.c(1).e) == greater(x, 1).e);
  CHECK(delta(x, 2).e->value == 2);
  CHECK(delta(x).e == graph::call(t.g, Kind::Delta, x.e));
}

TEST_CASE("printing uses spec syntax with minimal parentheses") {
  Graph t;
  const Ex x = t.x;
  CHECK(to_spec(x - 1) == "x - 1");
  CHECK(to_spec(1 - x) == "1 - x");
  CHECK(to_spec(-x) == "-x");
  CHECK(to_spec(t.c(-2)) == "-2");
  CHECK(to_spec(x - (x - 1)) == "x - (x - 1)");
  CHECK(to_spec(x - 2 * x) == "x - 2*x");
  CHECK(to_spec(x + 2 * x) == "x + 2*x");
  CHECK(to_spec(x + -2 * x) == "x - 2*x");
  CHECK(to_spec((x + 1) * (x - 1)) == "(x + 1)*(x - 1)");
  CHECK(to_spec(2 * x * exp(x)) == "2*x*exp(x)");
  CHECK(to_spec(2 * (x * exp(x))) == "2*(x*exp(x))");
  CHECK(to_spec(x / (x + 1)) == "x/(x + 1)");
  CHECK(to_spec(x / (2 * x)) == "x/(2*x)");
  CHECK(to_spec(1 / pow(1 + 25 * abs(x), 2)) == "1/(1 + 25*abs(x))^2");
  CHECK(to_spec(1 - 1 / x) == "1 - 1/x");
  CHECK(to_spec(t.c(1) * (1 / x)) == "1*(1/x)");
  CHECK(to_spec(sqrt(x + 1)) == "sqrt(x + 1)");
  CHECK(to_spec(pow(x, -2)) == "x^-2");
  CHECK(to_spec(-pow(x, 2)) == "-x^2");
  CHECK(to_spec(pow(-x, 2)) == "(-x)^2");
  CHECK(to_spec(pow(x, pow(x, 2))) == "x^x^2");
  CHECK(to_spec(pow(pow(x, 2), x)) == "(x^2)^x");
  CHECK(to_spec(pow(t.c(-2), x)) == "(-2)^x");
  CHECK(to_spec(pow(2 * x, 3)) == "(2*x)^3");
  CHECK(to_spec(erfc(x)) == "1 - erf(x)");
  CHECK(to_spec(min(x, 2) + max(x, x * x)) == "min(x, 2) + max(x, x*x)");
  CHECK(to_spec(sigmoid(tanh(atan(sin(cos(log(relu(sign(heaviside(x)))))))))) ==
        "sigmoid(tanh(atan(sin(cos(log(relu(sign(heaviside(x)))))))))");
}

TEST_CASE("printing numbers: shortest round-trip form, inf, negative constants") {
  Graph t;
  const Ex x = t.x;
  CHECK(to_spec(t.c(0.1)) == "0.1");
  CHECK(to_spec(t.c(1e-10)) == "1e-10");
  CHECK(to_spec(t.c(2 * std::numbers::inv_sqrtpi)) == "1.1283791670955126");
  CHECK(to_spec(t.c(1.0 / 3.0)) == "0.3333333333333333");
  CHECK(to_spec(t.c(INFINITY) * x) == "inf*x");
  CHECK(to_spec(t.c(-INFINITY) * x) == "-inf*x");
  CHECK(to_spec(2 * delta(x)) == "2*delta(x)");
  CHECK(to_spec(t.c(2 * std::numbers::inv_sqrtpi) * exp(-pow(x, 2))) == "1.1283791670955126*exp(-x^2)");
}

TEST_CASE("printing comparisons and deltas") {
  Graph t;
  const Ex x = t.x;
  CHECK(to_spec(if_(less(x, 1), x, t.c(0))) == "if(x < 1, x, 0)");
  CHECK(to_spec(if_(greater(x, 0.5), 1, 0)) == "if(x > 0.5, 1, 0)");
  CHECK(to_spec(if_(greater(x, -0.5), 1, 0)) == "if(x > -0.5, 1, 0)");
  CHECK(to_spec(if_(less(abs(x), 0.5), 1, 0)) == "if(abs(x) < 0.5, 1, 0)");
  CHECK(to_spec(if_(less(x, x * x), x, -x)) == "if(x < x*x, x, -x)");
  CHECK(to_spec(if_(heaviside(x), 1, 0)) == "if(x > 0, 1, 0)");
  CHECK(to_spec(if_(x, 1, 0)) == "if(x > 0, 1, 0)");
  CHECK(to_spec(delta(x)) == "delta(x)");
  CHECK(to_spec(delta(x - 1, 2)) == "d/dx d/dx delta(x - 1)");
  CHECK(to_spec(3 * delta(x, 1)) == "3*d/dx delta(x)");
  CHECK(to_spec(delta(x * x, 1)) == "delta'(x*x)");  // no spec spelling: for reading only
}

TEST_CASE("a d/dx node written in a spec prints as the spec wrote it") {
  Graph t;
  const Ex x = t.x;
  auto dx = [&](Ex e) { return Ex{&t.g, t.g.make(graph::Kind::Derivative, {e.e})}; };
  CHECK(to_spec(dx(x * x)) == "d/dx (x*x)");  // d/dx binds like unary minus
  CHECK(to_spec(dx(x * x) + 1) == "d/dx (x*x) + 1");
  CHECK(to_spec(dx(x + 1)) == "d/dx (x + 1)");
  CHECK(to_spec(pow(dx(erf(x)), 2)) == "(d/dx erf(x))^2");
  CHECK(to_spec(dx(dx(pow(x, 3)))) == "d/dx d/dx x^3");
  CHECK(dx(x).e->has_derivative);
  CHECK_FALSE(x.e->has_derivative);
  // A constant's derivative has a value (0); a function's must be expanded first.
  CHECK(graph::evaluate(dx(t.c(5)).e, 1.0) == 0.0);
  CHECK_THROWS_AS(graph::evaluate(dx(x).e, 1.0), std::logic_error);
}

TEST_CASE("scalar evaluation: heaviside(0) = 1/2, sign(0) = 0, delta has no value") {
  Graph t;
  const Ex x = t.x;
  CHECK(graph::evaluate(heaviside(x).e, 0.0) == 0.5);
  CHECK(graph::evaluate(sign(x).e, 0.0) == 0.0);
  CHECK(graph::evaluate(sign(x).e, -0.0) == 0.0);
  for (double v : {-2.0, -1e-300, 0.0, 1e-300, 3.0})
    CHECK(graph::evaluate(heaviside(x).e, v) == graph::evaluate(((1 + sign(x)) / 2).e, v));
  CHECK(std::isnan(graph::evaluate(delta(x).e, 1.0)));
  CHECK(std::isnan(graph::evaluate((x + delta(x)).e, 1.0)));
  CHECK(graph::evaluate(relu(x).e, -2.0) == 0.0);
  CHECK(graph::evaluate(relu(x).e, 2.5) == 2.5);
  CHECK(graph::evaluate(sigmoid(x).e, -1000.0) == 0.0);
  CHECK(graph::evaluate(sigmoid(x).e, 1000.0) == 1.0);
  CHECK(graph::evaluate(sigmoid(x).e, -30.0) == doctest::Approx(9.357622968840175e-14).epsilon(1e-15));
  CHECK(std::isnan(graph::evaluate(min(x, log(x)).e, -1.0)));  // NaN is not dropped
  CHECK(graph::evaluate(max(x, 2).e, 1.0) == 2.0);
  CHECK(graph::evaluate(erfc(x).e, 0.5) == 1 - std::erf(0.5));
  CHECK(graph::evaluate((x / (x + 1)).e, 3.0) == 0.75);
}

TEST_CASE("scalar evaluation of if evaluates only the chosen branch") {
  Graph t;
  const Ex x = t.x;
  const Ex f = if_(greater(x, 0), log(x), -x);
  CHECK(graph::evaluate(f.e, -2.0) == 2.0);  // log(-2) is never computed into the result
  CHECK(graph::evaluate(f.e, std::exp(1.0)) == 1.0);
  CHECK(graph::evaluate(f.e, 0.0) == -INFINITY);  // x > 0 at 0: heaviside(0) = 1/2 > 0
  CHECK(std::isnan(graph::evaluate(if_(log(x), 1, 0).e, -1.0)));
}
