#include "compiler/graph/build.h"

#include <stdexcept>
#include <string>

namespace sgntk::graph {

namespace {
bool is_function_kind(Kind k) {
  switch (k) {
    case Kind::Const: case Kind::Var: case Kind::Add: case Kind::Mul: case Kind::Pow:
    case Kind::Min: case Kind::Max: case Kind::Select:
      return false;
    default:
      return true;
  }
}
}  // namespace

Expr add(GraphContext& g, Expr a, Expr b) { return g.make(Kind::Add, {a, b}); }

Expr sub(GraphContext& g, Expr a, Expr b) { return add(g, a, neg(g, b)); }

Expr mul(GraphContext& g, Expr a, Expr b) { return g.make(Kind::Mul, {a, b}); }

// 1/b is Pow(b, -1) itself, not Mul(1, Pow(b, -1)), so that "1/b" and b^-1 are one node.
Expr div(GraphContext& g, Expr a, Expr b) {
  const Expr inverse = pow(g, b, g.constant(-1.0));
  return a->is_const(1.0) ? inverse : mul(g, a, inverse);
}

// A negated literal is a literal: "-2" is Const(-2), not Mul(-1, 2), so that printing a negative
// constant and parsing it back gives the same node.
Expr neg(GraphContext& g, Expr a) {
  if (a->is_const()) return g.constant(-a->value);
  return mul(g, g.constant(-1.0), a);
}

Expr pow(GraphContext& g, Expr a, Expr b) { return g.make(Kind::Pow, {a, b}); }

Expr sqrt(GraphContext& g, Expr a) { return pow(g, a, g.constant(0.5)); }

Expr erfc(GraphContext& g, Expr a) { return sub(g, g.constant(1.0), call(g, Kind::Erf, a)); }

Expr call(GraphContext& g, Kind unary_kind, Expr a) {
  if (!is_function_kind(unary_kind) || arity(unary_kind) != 1)
    throw std::logic_error("graph::call: '" + std::string(spelling(unary_kind)) + "' is not a unary function");
  return g.make(unary_kind, {a});
}

Expr call(GraphContext& g, Kind binary_kind, Expr a, Expr b) {
  if (binary_kind != Kind::Min && binary_kind != Kind::Max)
    throw std::logic_error("graph::call: '" + std::string(spelling(binary_kind)) + "' is not min or max");
  return g.make(binary_kind, {a, b});
}

Expr delta(GraphContext& g, Expr a, int order) {
  if (order < 0) throw std::logic_error("graph::delta: negative derivative order");
  return g.make(Kind::Delta, {a}, static_cast<double>(order));
}

// a < b and a <= b are both Heaviside(b - a): they differ only where a == b, a null set for
// every expectation sgntk computes, and Heaviside(0) = 1/2 sits between the two anyway.
Expr compare(GraphContext& g, Compare op, Expr a, Expr b) {
  switch (op) {
    case Compare::less:
    case Compare::less_equal:
      return call(g, Kind::Heaviside, sub(g, b, a));
    case Compare::greater:
    case Compare::greater_equal:
      return call(g, Kind::Heaviside, sub(g, a, b));
  }
  throw std::logic_error("graph::compare: bad operator");
}

Expr select(GraphContext& g, Expr indicator, Expr then_value, Expr else_value) {
  return g.make(Kind::Select, {indicator, then_value, else_value});
}

}  // namespace sgntk::graph
