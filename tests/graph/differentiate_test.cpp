#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "compiler/graph/evaluate.h"
#include "compiler/graph/print.h"
#include "compiler/passes/differentiate.h"
#include "compiler/passes/simplify.h"
#include "tests/graph/dsl.h"

using namespace sgntk;
using namespace sgntk::test;

namespace {

constexpr double inf = INFINITY;

// The derivative as the pass order computes it (lower/pass_order.cpp): simplify, differentiate,
// simplify-derivative. differentiate itself simplifies nothing.
graph::Expr derivative(graph::GraphContext& g, graph::Expr f) {
  return passes::simplify(g, passes::differentiate(g, passes::simplify(g, f)));
}

std::string d_dx(Graph& t, Ex f) { return graph::to_spec(derivative(t.g, f.e)); }

// f'(x) by the 4th-order central stencil, Richardson-extrapolated once (error O(h^6)); f is
// evaluated in double, so h ~ 1e-3 balances truncation against rounding (~1e-13 relative).
double finite_difference(graph::Expr f, double x) {
  auto stencil = [&](double h) {
    auto v = [&](double at) { return graph::evaluate(f, at); };
    return (v(x - 2 * h) - 8 * v(x - h) + 8 * v(x + h) - v(x + 2 * h)) / (12 * h);
  };
  const double h = 2e-3 * std::max(1.0, std::fabs(x));
  return (64 * stencil(h / 2) - stencil(h)) / 63;
}

// An expression and an interval on which it is smooth (away from its jumps and kinks).
struct Smooth {
  std::function<Ex(Ex)> f;
  double lo, hi;
};

}  // namespace

TEST_CASE("symbolic derivatives agree with finite differences at random points") {
  const std::vector<Smooth> cases = {
      {[](Ex x) { return pow(x, 3) - 2 * x; }, -2, 2},
      {[](Ex x) { return exp(-pow(x, 2)); }, -2, 2},
      {[](Ex x) { return erf(5 * x); }, -0.6, 0.6},
      {[](Ex x) { return tanh(2 * x + 1); }, -2, 2},
      {[](Ex x) { return sigmoid(3 * x); }, -2, 2},
      {[](Ex x) { return sin(x) * cos(2 * x); }, -2, 2},
      {[](Ex x) { return atan(pow(x, 2)); }, -2, 2},
      {[](Ex x) { return log(1 + pow(x, 2)); }, -2, 2},
      {[](Ex x) { return sqrt(1 + pow(x, 2)); }, -2, 2},
      {[](Ex x) { return 1 / pow(1 + 25 * abs(x), 2); }, 0.1, 2},
      {[](Ex x) { return pow(x, x); }, 0.3, 2},
      {[](Ex x) { return pow(2, x); }, -2, 2},
      {[](Ex x) { return abs(x - 0.3); }, 0.5, 2},
      {[](Ex x) { return pow(relu(x), 3); }, 0.2, 2},
      {[](Ex x) { return x * sign(x); }, -2, -0.2},
      {[](Ex x) { return min(x, x * x); }, 0.1, 0.9},
      {[](Ex x) { return max(sin(x), cos(x)); }, 0, 0.7},
      {[](Ex x) { return if_(less(x, 1), x * x, 2 * x - 1); }, -2, 0.9},
      {[](Ex x) { return erfc(x); }, -2, 2},
      {[](Ex x) { return exp(sin(x)); }, -2, 2},
      {[](Ex x) { return sigmoid(x) * (1 - sigmoid(x)); }, -3, 3},
      {[](Ex x) { return pow(x, -2) + 3 / x; }, 0.5, 2},
      {[](Ex x) { return pow(tanh(x), 2); }, -2, 2},
      {[](Ex x) { return log(exp(x) + 1); }, -2, 2},
      {[](Ex x) { return sqrt(x + 1); }, 0, 2},
      {[](Ex x) { return pow(cos(x), 3); }, -2, 2},
      {[](Ex x) { return atan(1 / x); }, 0.3, 2},
      {[](Ex x) { return erf(x) * exp(-x); }, -2, 2},
      {[](Ex x) { return sign(x) * pow(x, 2); }, 0.2, 2},
      {[](Ex x) { return relu(x - 1) + relu(1 - x); }, 1.2, 2},
      {[](Ex x) { return pow(pow(sin(x), 2) + 1, 1.5); }, -2, 2},
      {[](Ex x) { return max(x, 0) * exp(x); }, 0.1, 2},
      {[](Ex x) { return x * log(x); }, 0.1, 2},
      {[](Ex x) { return pow(exp(x), 2) / (x * x + 1); }, -2, 2},
      {[](Ex x) { return heaviside(x - 3) * (x - 3) + min(x, 2.5) * 0.5; }, -2, 2},
      {[](Ex x) { return erf(inf * x) * x; }, 0.2, 2},  // sign(x) * x after the limit
      {[](Ex x) {
         Ex p = 1 + x / 10;
         for (int i = 0; i < 6; ++i) p = p * p;  // (1 + x/10)^64 as a DAG
         return p;
       }, -1, 1},
  };
  std::mt19937_64 rng(20240515);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    Graph t;
    const Ex f = cases[i].f(t.x);
    const graph::Expr df = derivative(t.g, f.e);
    INFO("case ", i, ": d/dx ", graph::to_spec(f.e), " = ", graph::to_spec(df));
    CHECK_FALSE(df->has_delta);  // smooth on the interval: any delta must have been sifted out
    std::uniform_real_distribution<double> at(cases[i].lo, cases[i].hi);
    for (int k = 0; k < 8; ++k) {
      const double x = at(rng);
      const double fd = finite_difference(f.e, x);
      CAPTURE(x);
      CHECK(std::fabs(graph::evaluate(df, x) - fd) <= 1e-7 * std::fabs(fd) + 1e-10);
    }
  }
}

TEST_CASE("derivatives of jumps are deltas with the right weights") {
  Graph t;
  const Ex x = t.x;
  CHECK(d_dx(t, sign(x)) == "2*delta(x)");
  CHECK(d_dx(t, heaviside(x)) == "delta(x)");
  CHECK(d_dx(t, abs(x)) == "sign(x)");
  CHECK(d_dx(t, relu(x)) == "heaviside(x)");
  CHECK(derivative(t.g, derivative(t.g, relu(x).e)) == delta(x).e);
  // 2*3*delta(3x - 1) = 6 * delta(x - 1/3)/3
  CHECK(d_dx(t, sign(3 * x - 1)) == "2*delta(x - 0.3333333333333333)");
  CHECK(d_dx(t, heaviside(1 - x)) == "-delta(x - 1)");
  CHECK(d_dx(t, if_(less(abs(x), 0.5), 1, 0)) == "-delta(x - 0.5) + delta(x + 0.5)");
  CHECK(d_dx(t, erf(inf * x)) == "2*delta(x)");  // the limit is taken before differentiating
  CHECK(d_dx(t, sigmoid(inf * (x - 1))) == "delta(x - 1)");
  CHECK(d_dx(t, delta(x)) == "d/dx delta(x)");
  CHECK(d_dx(t, 2 * delta(x, 1)) == "2*d/dx d/dx delta(x)");
  CHECK(d_dx(t, min(x, 1)) == "heaviside(-x + 1)");
  CHECK(d_dx(t, max(x, 1)) == "heaviside(x - 1)");
  CHECK(d_dx(t, x * heaviside(x)) == "heaviside(x)");  // x delta(x) = 0
  CHECK(d_dx(t, exp(x) * heaviside(x)) == "exp(x)*heaviside(x) + delta(x)");
}

TEST_CASE("derivatives of smooth functions print in canonical form") {
  Graph t;
  const Ex x = t.x;
  CHECK(d_dx(t, erf(5 * x)) == "5.641895835477563*exp(-25*x^2)");  // 10/sqrt(pi)
  CHECK(5 * 2 * std::numbers::inv_sqrtpi == 5.641895835477563);
  CHECK(d_dx(t, erf(x)) == "1.1283791670955126*exp(-x^2)");
  CHECK(d_dx(t, pow(x, 3)) == "3*x^2");
  CHECK(d_dx(t, log(x)) == "1/x");
  CHECK(d_dx(t, sqrt(x)) == "0.5*x^-0.5");
  CHECK(d_dx(t, atan(x)) == "1/(x^2 + 1)");
  CHECK(d_dx(t, tanh(x)) == "-tanh(x)^2 + 1");
  CHECK(d_dx(t, 3 * x + 1) == "3");
  CHECK(d_dx(t, t.c(7)) == "0");
}

TEST_CASE("if: branches differentiate inside, the switch point adds a delta of the jump") {
  Graph t;
  const Ex x = t.x;
  // continuous at 1: no delta; jump of 2 at 0.5: 2*delta(x - 0.5) with a minus for x < 0.5
  CHECK(d_dx(t, if_(less(x, 1), x * x, 2 * x - 1)) == "if(x < 1, 2*x, 2)");
  CHECK(d_dx(t, if_(less(x, 0.5), t.c(3), t.c(1))) == "-2*delta(x - 0.5)");
  // a raw indicator (not heaviside) switches where it crosses 0, like heaviside(ind)
  CHECK(d_dx(t, if_(x - 2, t.c(1), t.c(0))) == "delta(x - 2)");
  // sifting needs continuity: here the neighbour jumps exactly at the delta's support
  CHECK(d_dx(t, heaviside(x) * sign(x)) == "sign(x)*delta(x) + 2*heaviside(x)*delta(x)");
  // an if continuous at the support sifts: 5*delta(x - 2); the jump term 4*delta(x - 1) of the
  // if meets heaviside(x - 2) = 0 at x = 1 and vanishes
  CHECK(d_dx(t, heaviside(x - 2) * if_(less(x, 1), x, t.c(5))) == "heaviside(x - 2)*if(x < 1, 1, 0) + 5*delta(x - 2)");
}

TEST_CASE("differentiate applies the chain rules and simplifies nothing") {
  Graph t;
  const Ex x = t.x;
  const graph::Expr raw = passes::differentiate(t.g, (3 * x).e);
  CHECK(raw != t.c(3).e);  // 3*1, left for simplify-derivative
  CHECK(graph::evaluate(raw, 0.5) == 3);
  CHECK(passes::simplify(t.g, raw) == t.c(3).e);
  CHECK(passes::differentiate(t.g, t.c(7).e) == t.c(0).e);  // constant subtrees add no terms
}

TEST_CASE("d/dx nodes written in the spec are expanded innermost first, nested ones included") {
  Graph t;
  const Ex x = t.x;
  auto dx = [&](Ex e) { return Ex{&t.g, t.g.make(graph::Kind::Derivative, {e.e})}; };
  std::vector<std::string> operands;
  auto derive = [&](graph::Expr operand) {
    operands.push_back(graph::to_spec(operand));
    return derivative(t.g, operand);
  };
  const graph::Expr sq = (x * x).e;
  CHECK(passes::expand_derivatives(t.g, sq, derive) == sq);  // nothing to expand: the same node
  CHECK(operands.empty());
  const graph::Expr once = passes::simplify(t.g, passes::expand_derivatives(t.g, (dx(x * x) + 1).e, derive));
  CHECK(graph::to_spec(once) == "2*x + 1");
  operands.clear();
  const graph::Expr twice = passes::expand_derivatives(t.g, dx(dx(pow(x, 3))).e, derive);
  CHECK(graph::to_spec(twice) == "6*x");
  CHECK(operands == std::vector<std::string>{"x^3", "3*x^2"});  // the inner one first, then its result
  CHECK_FALSE(twice->has_derivative);
  // differentiate expands d/dx nodes inside its operand on its own
  CHECK(passes::simplify(t.g, passes::differentiate(t.g, dx(pow(x, 3)).e)) == twice);
}
