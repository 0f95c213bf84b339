#include <doctest/doctest.h>

#include "compiler/graph/print.h"
#include "compiler/passes/simplify.h"
#include "compiler/passes/substitute.h"
#include "tests/graph/dsl.h"

using namespace sgntk;
using namespace sgntk::test;

TEST_CASE("substitute replaces x and keeps everything else") {
  Graph t;
  const Ex x = t.x;
  const Ex f = erf(3 * x) + x;
  CHECK(passes::substitute(t.g, f.e, (2 * x).e) == (erf(3 * (2 * x)) + 2 * x).e);
  CHECK(passes::substitute(t.g, f.e, x.e) == f.e);
  const Ex constant = exp(t.c(2));
  CHECK(passes::substitute(t.g, constant.e, (x + 1).e) == constant.e);
  CHECK(graph::to_spec(passes::simplify(t.g, passes::substitute(t.g, f.e, (2 * x).e))) == "2*x + erf(6*x)");
  CHECK(graph::to_spec(passes::simplify(t.g, passes::substitute(t.g, f.e, t.c(0).e))) == "0");
}

TEST_CASE("substitute is linear in distinct nodes") {
  Graph t;
  Ex p = t.x;
  for (int i = 0; i < 64; ++i) p = p * p + 1;  // exponentially large as a tree
  const std::size_t before = t.g.node_count();
  const graph::Expr q = passes::substitute(t.g, p.e, sin(t.x).e);
  CHECK(q->depth == p.e->depth + 1);
  CHECK(t.g.node_count() - before <= 2 * 64 + 2);  // one new Mul and Add per level, plus sin(x)
}
