// Shape analysis: break points of kinks, jumps and support edges, smoothness, parity, support.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "compiler/graph/build.h"
#include "compiler/passes/analyze_shape.h"

using namespace sgntk;
using graph::Expr;
using graph::Kind;

namespace {
struct Fixture {
  graph::GraphContext g;
  Expr x = g.x();
  Expr k(double v) { return g.constant(v); }
  Expr fn(Kind kind, Expr a) { return graph::call(g, kind, a); }
  Expr add(Expr a, Expr b) { return graph::add(g, a, b); }
  Expr sub(Expr a, Expr b) { return graph::sub(g, a, b); }
  Expr mul(Expr a, Expr b) { return graph::mul(g, a, b); }
};
}  // namespace

TEST_CASE_FIXTURE(Fixture, "smooth activations have no break points and the right parity") {
  const program::Shape erf = passes::analyze_shape(fn(Kind::Erf, mul(k(5), x)));
  CHECK(erf.smooth);
  CHECK(erf.breakpoints.empty());
  CHECK(erf.parity == -1);
  CHECK(std::isinf(erf.support_lo));
  const program::Shape gauss = passes::analyze_shape(fn(Kind::Exp, mul(k(-1), mul(x, x))));
  CHECK(gauss.smooth);
  CHECK(gauss.parity == 1);
  CHECK(passes::analyze_shape(fn(Kind::Sigmoid, x)).parity == 0);
  CHECK(passes::analyze_shape(add(x, k(1))).parity == 0);
}

TEST_CASE_FIXTURE(Fixture, "affine arguments of jumps and kinks give solved break points") {
  // sign(2x - 1) + relu(-x - 3) + heaviside(x): breaks at 0.5, -3, 0
  const program::Shape s = passes::analyze_shape(
      add(add(fn(Kind::Sign, sub(mul(k(2), x), k(1))), fn(Kind::Relu, sub(mul(k(-1), x), k(3)))), fn(Kind::Heaviside, x)));
  CHECK(!s.smooth);
  CHECK(s.breakpoints == std::vector<double>{-3.0, 0.0, 0.5});
  // max(x, 2 - x) has its kink at 1; min(x, x^2) is non-smooth without a solved break point
  CHECK(passes::analyze_shape(graph::call(g, Kind::Max, x, sub(k(2), x))).breakpoints == std::vector<double>{1.0});
  const program::Shape m = passes::analyze_shape(graph::call(g, Kind::Min, x, mul(x, x)));
  CHECK(!m.smooth);
  CHECK(m.breakpoints.empty());
  // fast sigmoid 1/(1 + 25|x|)^2: a kink at 0, even
  const program::Shape fs = passes::analyze_shape(graph::pow(g, add(k(1), mul(k(25), fn(Kind::Abs, x))), k(-2)));
  CHECK(fs.breakpoints == std::vector<double>{0.0});
  CHECK(fs.parity == 1);
}

TEST_CASE_FIXTURE(Fixture, "compact supports: triangle and boxcar") {
  const program::Shape tri = passes::analyze_shape(graph::call(g, Kind::Max, k(0), sub(k(1), fn(Kind::Abs, x))));
  CHECK(tri.support_lo == -1.0);
  CHECK(tri.support_hi == 1.0);
  CHECK(tri.breakpoints == std::vector<double>{-1.0, 0.0, 1.0});
  CHECK(tri.parity == 1);
  CHECK(!tri.smooth);
  const Expr box = graph::select(g, graph::compare(g, graph::Compare::less, fn(Kind::Abs, x), k(0.5)), k(1), k(0));
  const program::Shape b = passes::analyze_shape(box);
  CHECK(b.support_lo == -0.5);
  CHECK(b.support_hi == 0.5);
  CHECK(b.breakpoints == std::vector<double>{-0.5, 0.0, 0.5});
  // 3 * (1 - (2x)^2) relu-ed: support [-0.5, 0.5]
  const program::Shape q = passes::analyze_shape(mul(k(3), fn(Kind::Relu, sub(k(1), graph::pow(g, mul(k(2), x), k(2))))));
  CHECK(q.support_lo == -0.5);
  CHECK(q.support_hi == 0.5);
}

TEST_CASE_FIXTURE(Fixture, "poles and fractional powers break smoothness at their base's zero") {
  CHECK(passes::analyze_shape(graph::sqrt(g, fn(Kind::Abs, x))).breakpoints == std::vector<double>{0.0});
  CHECK(passes::analyze_shape(fn(Kind::Log, add(x, k(2)))).breakpoints == std::vector<double>{-2.0});
  CHECK(passes::analyze_shape(graph::pow(g, x, k(3))).smooth);
}
