// Expressions: precedence, associativity, d/dx, if, user functions, constants, numbers.
#include <doctest/doctest.h>

#include <cmath>

#include "compiler/graph/build.h"
#include "compiler/graph/print.h"
#include "front_helpers.h"

using namespace sgntk;
using test::eval_body;
using test::first_error;

TEST_CASE("power binds tighter than unary minus and is right-associative") {
  CHECK(eval_body("-x^2", 3) == -9);
  CHECK(eval_body("2^3^2", 0) == 512);   // 2^(3^2), not (2^3)^2 = 64
  CHECK(eval_body("x^-1", 4) == 0.25);   // the exponent may be negated
  CHECK(eval_body("-2^2", 0) == -4);
  CHECK(eval_body("(-2)^2", 0) == 4);
}

TEST_CASE("products and sums associate to the left") {
  CHECK(eval_body("8 / 4 / 2", 0) == 1);
  CHECK(eval_body("8 - 4 - 2", 0) == 2);
  CHECK(eval_body("1 + 2 * 3", 0) == 7);
  CHECK(eval_body("2 * -x", 5) == -10);
  CHECK(eval_body("x - -x", 5) == 10);
}

TEST_CASE("d/dx applies to the power expression after it") {
  CHECK(eval_body("d/dx x^2", 3) == doctest::Approx(6));
  CHECK(eval_body("d/dx x^2 + 1", 3) == doctest::Approx(7));     // (d/dx x^2) + 1
  CHECK(eval_body("d/dx (x^2 + x)", 3) == doctest::Approx(7));   // parentheses for sums
  CHECK(eval_body("2 * d/dx x^3", 1) == doctest::Approx(6));
  CHECK(eval_body("d/dx d/dx x^3", 2) == doctest::Approx(12));
}

TEST_CASE("sema builds raw graphs: d/dx is a node, and nothing is simplified before the passes") {
  auto l = test::load("param m = 2\nactivation f(x) = d/dx erf(m*x) + 0*x\n");
  REQUIRE_MESSAGE(l->spec != nullptr, l->errors());
  const graph::Expr raw = l->spec->module.activations.at(0).expr();
  CHECK(raw->has_derivative);
  CHECK(graph::to_spec(raw) == "d/dx erf(2*x) + 0*x");
  CHECK(graph::to_spec(test::activation(*l)) == "2.256758334191025*exp(-4*x^2)");
  // The m -> inf limit is the simplifier's: sema keeps erf(inf*x).
  auto limit = test::load("param m = 2\nactivation f(x) = erf(m*x)\n", {"m=inf"});
  REQUIRE_MESSAGE(limit->spec != nullptr, limit->errors());
  CHECK(graph::to_spec(limit->spec->module.activations.at(0).expr()) == "erf(inf*x)");
  CHECK(graph::to_spec(test::activation(*limit)) == "sign(x)");
}

TEST_CASE("d/dx of a jump is a delta") {
  auto l = test::load("activation f(x) = d/dx sign(x)\n");
  const graph::Expr body = test::activation(*l);
  CHECK(body->has_delta);
  CHECK(graph::to_spec(body) == "2*delta(x)");
}

TEST_CASE("if selects by a comparison") {
  CHECK(eval_body("if(abs(x) < 0.5, 1, 0)", 0.2) == 1);
  CHECK(eval_body("if(abs(x) < 0.5, 1, 0)", 0.7) == 0);
  CHECK(eval_body("if(x >= 1, x, -x)", 2) == 2);
  CHECK(eval_body("if(x >= 1, x, -x)", -3) == 3);
  CHECK(eval_body("if(x > 0, 1, 2)", 0.5) == 1);
  CHECK(eval_body("if(x <= 0, 1, 2)", 0.5) == 2);
}

TEST_CASE("built-in functions and constants") {
  CHECK(eval_body("erf(x)", 0.5) == doctest::Approx(std::erf(0.5)).epsilon(1e-15));
  CHECK(eval_body("erfc(x)", 0.5) == doctest::Approx(std::erfc(0.5)).epsilon(1e-15));
  CHECK(eval_body("min(x, 2) + max(x, 2)", 5) == 7);
  CHECK(eval_body("sqrt(x)", 9) == doctest::Approx(3));
  CHECK(eval_body("pi", 0) == M_PI);
  CHECK(eval_body("e", 0) == M_E);
  CHECK(eval_body("identity(x)", 1.5) == 1.5);
  CHECK(std::isinf(eval_body("inf", 0)));
}

TEST_CASE("numbers in every written form") {
  CHECK(eval_body("1e-3", 0) == 1e-3);
  CHECK(eval_body(".5", 0) == 0.5);
  CHECK(eval_body("2.", 0) == 2);
  CHECK(eval_body("1.5E+2", 0) == 150);
  CHECK(first_error("param a = 1e999\n") == "number out of range");
}

TEST_CASE("user functions are substituted, and may be defined after their use") {
  auto l = test::load("param m = 3\n"
                      "activation g(x) = f(2*x) + 1\n"
                      "activation f(x) = erf(m * x)\n");
  const graph::Expr g = test::activation(*l, 0);
  CHECK(graph::evaluate(g, 0.25) == doctest::Approx(std::erf(1.5) + 1).epsilon(1e-15));
}

TEST_CASE("recursive definitions are reported, not followed") {
  CHECK(first_error("activation f(x) = f(x)\n") == "'f' is defined in terms of itself");
  CHECK(first_error("activation f(x) = g(x)\nactivation g(x) = h(x)\nactivation h(x) = f(x)\n") ==
        "'f' is defined in terms of itself");
}

TEST_CASE("arity and kind of names are checked") {
  CHECK(first_error("activation f(x) = max(x)\n") == "'max' takes 2 arguments, got 1");
  CHECK(first_error("activation f(x) = erf(x, 1)\n") == "'erf' takes 1 argument, got 2");
  CHECK(first_error("activation g(x) = x\nactivation f(x) = g(x, x)\n") == "'g' takes 1 argument, got 2");
  CHECK(first_error("activation f(x) = erf\n") == "'erf' is a function: call it, as in 'erf(x)'");
  CHECK(first_error("surrogate fs = plugin(\"p\")\nactivation f(x) = fs(x)\n") ==
        "plugin surrogate 'fs' cannot be called in an expression");
  CHECK(first_error("param a = x\n") == "'x' cannot be used here: the value must be a constant");
}

TEST_CASE("hash-consing: equal expressions are one node") {
  auto l = test::load("activation f(x) = erf(2*x)\nactivation g(x) = erf(2 * x)\n");
  CHECK(test::activation(*l, 0) == test::activation(*l, 1));
}
