// Compiled bytecode against the scalar reference graph::evaluate: 24 expressions covering every
// node kind except Delta, at random points of several scales and on whole arrays of 1000 points
// (several 256-value blocks), to 1e-14 relative; plus register reuse and the non-finite cases.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "compiler/graph/build.h"
#include "compiler/graph/evaluate.h"
#include "compiler/passes/emit_bytecode.h"
#include "runtime/bytecode.h"

using namespace sgntk;
using graph::Expr;
using graph::Kind;

namespace {

// The expression compiled and made executable, as bind does.
std::shared_ptr<const runtime::Bytecode> compile(Expr e) {
  return std::make_shared<const runtime::Bytecode>(passes::emit_bytecode(e));
}

// The test expressions, written with the canonicalising builders.
std::vector<Expr> expressions(graph::GraphContext& g) {
  const Expr x = g.x();
  auto k = [&](double v) { return g.constant(v); };
  auto f = [&](Kind kind, Expr a) { return graph::call(g, kind, a); };
  auto add = [&](Expr a, Expr b) { return graph::add(g, a, b); };
  auto mul = [&](Expr a, Expr b) { return graph::mul(g, a, b); };
  auto pow = [&](Expr a, Expr b) { return graph::pow(g, a, b); };
  const Expr ax = f(Kind::Abs, x);
  return {
      x,
      k(2.5),
      add(mul(k(3), x), k(-1)),
      mul(x, x),
      pow(x, k(3)),
      pow(add(k(1), mul(k(25), ax)), k(-2)),                                  // fast sigmoid
      graph::sqrt(g, add(k(1), mul(x, x))),
      pow(ax, k(1.5)),
      pow(add(k(2), f(Kind::Sin, x)), x),                                     // x in the exponent
      f(Kind::Exp, mul(k(-0.5), mul(x, x))),
      f(Kind::Log, add(k(1), mul(x, x))),
      f(Kind::Sign, add(x, k(-0.25))),
      f(Kind::Heaviside, x),
      f(Kind::Relu, add(x, k(0.5))),
      f(Kind::Erf, mul(k(5), x)),
      f(Kind::Tanh, mul(k(3), x)),
      f(Kind::Sigmoid, mul(k(40), x)),                                        // both tails
      mul(f(Kind::Sin, mul(k(2), x)), f(Kind::Cos, x)),
      f(Kind::Atan, mul(x, x)),
      graph::call(g, Kind::Max, k(0), add(k(1), mul(k(-1), ax))),              // triangle
      graph::call(g, Kind::Min, x, f(Kind::Cos, x)),
      graph::select(g, graph::compare(g, graph::Compare::less, ax, k(0.5)), k(1), k(0)),  // boxcar
      graph::select(g, f(Kind::Heaviside, x), f(Kind::Log, x), mul(k(-1), x)),  // log only where x > 0
      add(mul(f(Kind::Erf, x), f(Kind::Erf, x)), mul(k(2), f(Kind::Erf, x))),    // shared subexpression
  };
}

std::vector<double> points() {
  std::mt19937_64 rng(7);
  std::vector<double> xs = {0.0, -0.0, 0.25, -0.5, 0.5, 1e-300, -1e-300, 30.0, -30.0, 800.0, -800.0};
  for (double scale : {1e-3, 0.1, 1.0, 10.0}) {
    std::normal_distribution<double> normal(0.0, scale);
    for (int i = 0; i < 240; ++i) xs.push_back(normal(rng));
  }
  return xs;  // 971 points, then padded below
}

bool same(double got, double want) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  return std::fabs(got - want) <= 1e-14 * std::fabs(want) || got == want;
}

}  // namespace

TEST_CASE("bytecode agrees with graph::evaluate on 24 expressions, pointwise and over arrays") {
  graph::GraphContext g;
  std::vector<double> xs = points();
  while (xs.size() < 1000) xs.push_back(0.001 * static_cast<double>(xs.size()));
  for (Expr e : expressions(g)) {
    const auto code = compile(e);
    CAPTURE(code->text());
    std::vector<double> out(xs.size());
    code->eval(xs.data(), out.data(), xs.size());  // 1000 points: blocks of 256, 256, 256, 232
    int mismatches = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const double want = graph::evaluate(e, xs[i]);
      double one;
      code->eval(&xs[i], &one, 1);
      if (!same(out[i], want) || !same(one, want)) {
        ++mismatches;
        const double at = xs[i], got = out[i];
        CAPTURE(at);
        CAPTURE(got);
        CAPTURE(want);
        CHECK(same(out[i], want));
      }
    }
    CHECK(mismatches == 0);
  }
}

TEST_CASE("bytecode is finite where the expression is, and NaN where it genuinely is") {
  graph::GraphContext g;
  const Expr x = g.x();
  const double xs[] = {-1000, -40, 0, 40, 1000};
  double out[5];
  compile(graph::call(g, Kind::Sigmoid, x))->eval(xs, out, 5);
  for (double v : out) CHECK(std::isfinite(v));
  CHECK(out[0] == 0.0);
  CHECK(out[4] == 1.0);
  compile(graph::call(g, Kind::Log, x))->eval(xs, out, 5);
  CHECK(std::isnan(out[0]));
  CHECK(out[2] == -HUGE_VAL);
}

TEST_CASE("emit_bytecode folds constants into immediates and reuses registers") {
  graph::GraphContext g;
  const Expr x = g.x();
  // exp(-(x^2)/2) + 1: x, x^2, *-0.5, exp, +1: one register suffices
  const Expr e = graph::add(g, graph::call(g, Kind::Exp, graph::mul(g, g.constant(-0.5), graph::pow(g, x, g.constant(2)))),
                            g.constant(1));
  const auto code = compile(e);
  CHECK(code->registers() == 1);
  CHECK(code->code().size() == 5);
  CHECK(code->disassemble() == "r0 = load_x\nr0 = pow_int r0, 2\nr0 = mul_const r0, -0.5\nr0 = exp r0\n"
                               "r0 = add_const r0, 1\nreturn r0\n");
  // A shared node is computed once: erf(x) * erf(x) + 2 erf(x)
  const Expr s = graph::call(g, Kind::Erf, x);
  const auto shared = compile(graph::add(g, graph::mul(g, s, s), graph::mul(g, g.constant(2), s)));
  int erfs = 0;
  for (const auto& ins : shared->code()) erfs += ins.op == runtime::Op::erf;
  CHECK(erfs == 1);
  CHECK_THROWS_AS(passes::emit_bytecode(graph::delta(g, x)), std::invalid_argument);
}
