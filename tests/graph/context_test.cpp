#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "compiler/graph/context.h"
#include "tests/graph/dsl.h"

using namespace sgntk;
using namespace sgntk::test;
using graph::Kind;

TEST_CASE("equal subexpressions are one node") {
  Graph t;
  const Ex x = t.x;
  const Ex a = erf(5 * x) + 1;
  const std::size_t count = t.g.node_count();
  const Ex b = erf(5 * x) + 1;
  CHECK(a.e == b.e);
  CHECK(t.g.node_count() == count);  // nothing new was created
  CHECK((erf(5 * x) + 2).e != a.e);
  CHECK(t.g.node_count() == count + 2);  // the constant 2 and the new sum
  CHECK(a.e->kids[0] == b.e->kids[0]);
}

TEST_CASE("constants are normalised: -0.0 is 0.0 and every NaN is one node") {
  graph::GraphContext g;
  CHECK(g.constant(-0.0) == g.constant(0.0));
  CHECK_FALSE(std::signbit(g.constant(-0.0)->value));
  const double nan1 = std::numeric_limits<double>::quiet_NaN();
  const double nan2 = -std::numeric_limits<double>::signaling_NaN();
  CHECK(g.constant(nan1) == g.constant(nan2));
  CHECK(g.constant(1.0) != g.constant(std::nextafter(1.0, 2.0)));
  CHECK(g.constant(INFINITY) != g.constant(-INFINITY));
}

TEST_CASE("nodes record whether x and delta occur below, depth and tree size") {
  Graph t;
  const Ex x = t.x;
  const Ex c = t.c(3) * t.c(2);
  CHECK_FALSE(c.e->has_var);
  const Ex f = x * delta(x - 1);
  CHECK(f.e->has_var);
  CHECK(f.e->has_delta);
  CHECK_FALSE((x * x).e->has_delta);
  CHECK(x.e->depth == 1);
  CHECK((x * x).e->depth == 2);
  CHECK((x * x).e->size == 3);  // the tree view counts x twice
  Ex p = x;
  for (int i = 0; i < 40; ++i) p = p * p;  // a DAG of 2^40 tree nodes
  CHECK(p.e->size == UINT32_MAX);           // saturates
  CHECK(p.e->depth == 41);
}

TEST_CASE("make rejects a wrong number of children") {
  graph::GraphContext g;
  CHECK_THROWS(g.make(Kind::Add, {g.x()}));
  CHECK_THROWS(graph::call(g, Kind::Add, g.x()));
  CHECK_THROWS(graph::call(g, Kind::Erf, g.x(), g.x()));
}
