// A small operator DSL over the canonical builders (compiler/graph/build.h), so that tests read
// like specs: `erf(5*x) - 1` builds exactly what the front end builds for that text.
#pragma once
#include "compiler/graph/build.h"
#include "compiler/graph/context.h"

namespace sgntk::test {

struct Ex {
  graph::GraphContext* g;
  graph::Expr e;
  operator graph::Expr() const { return e; }  // to pass to to_spec(), evaluate(), ...
};

inline Ex num(Ex like, double v) { return {like.g, like.g->constant(v)}; }

inline Ex operator+(Ex a, Ex b) { return {a.g, graph::add(*a.g, a.e, b.e)}; }
inline Ex operator-(Ex a, Ex b) { return {a.g, graph::sub(*a.g, a.e, b.e)}; }
inline Ex operator*(Ex a, Ex b) { return {a.g, graph::mul(*a.g, a.e, b.e)}; }
inline Ex operator/(Ex a, Ex b) { return {a.g, graph::div(*a.g, a.e, b.e)}; }
inline Ex operator-(Ex a) { return {a.g, graph::neg(*a.g, a.e)}; }
inline Ex operator+(Ex a, double b) { return a + num(a, b); }
inline Ex operator+(double a, Ex b) { return num(b, a) + b; }
inline Ex operator-(Ex a, double b) { return a - num(a, b); }
inline Ex operator-(double a, Ex b) { return num(b, a) - b; }
inline Ex operator*(Ex a, double b) { return a * num(a, b); }
inline Ex operator*(double a, Ex b) { return num(b, a) * b; }
inline Ex operator/(Ex a, double b) { return a / num(a, b); }
inline Ex operator/(double a, Ex b) { return num(b, a) / b; }

inline Ex pow(Ex a, Ex b) { return {a.g, graph::pow(*a.g, a.e, b.e)}; }
inline Ex pow(Ex a, double b) { return pow(a, num(a, b)); }
inline Ex pow(double a, Ex b) { return pow(num(b, a), b); }
inline Ex sqrt(Ex a) { return {a.g, graph::sqrt(*a.g, a.e)}; }
inline Ex erfc(Ex a) { return {a.g, graph::erfc(*a.g, a.e)}; }
inline Ex fn(graph::Kind k, Ex a) { return {a.g, graph::call(*a.g, k, a.e)}; }
inline Ex fn(graph::Kind k, Ex a, Ex b) { return {a.g, graph::call(*a.g, k, a.e, b.e)}; }
inline Ex exp(Ex a) { return fn(graph::Kind::Exp, a); }
inline Ex log(Ex a) { return fn(graph::Kind::Log, a); }
inline Ex abs(Ex a) { return fn(graph::Kind::Abs, a); }
inline Ex sign(Ex a) { return fn(graph::Kind::Sign, a); }
inline Ex heaviside(Ex a) { return fn(graph::Kind::Heaviside, a); }
inline Ex relu(Ex a) { return fn(graph::Kind::Relu, a); }
inline Ex erf(Ex a) { return fn(graph::Kind::Erf, a); }
inline Ex tanh(Ex a) { return fn(graph::Kind::Tanh, a); }
inline Ex sigmoid(Ex a) { return fn(graph::Kind::Sigmoid, a); }
inline Ex sin(Ex a) { return fn(graph::Kind::Sin, a); }
inline Ex cos(Ex a) { return fn(graph::Kind::Cos, a); }
inline Ex atan(Ex a) { return fn(graph::Kind::Atan, a); }
inline Ex min(Ex a, Ex b) { return fn(graph::Kind::Min, a, b); }
inline Ex max(Ex a, Ex b) { return fn(graph::Kind::Max, a, b); }
inline Ex min(Ex a, double b) { return min(a, num(a, b)); }
inline Ex max(Ex a, double b) { return max(a, num(a, b)); }
inline Ex delta(Ex a, int order = 0) { return {a.g, graph::delta(*a.g, a.e, order)}; }
inline Ex less(Ex a, Ex b) { return {a.g, graph::compare(*a.g, graph::Compare::less, a.e, b.e)}; }
inline Ex less(Ex a, double b) { return less(a, num(a, b)); }
inline Ex greater(Ex a, Ex b) { return {a.g, graph::compare(*a.g, graph::Compare::greater, a.e, b.e)}; }
inline Ex greater(Ex a, double b) { return greater(a, num(a, b)); }
inline Ex if_(Ex ind, Ex a, Ex b) { return {a.g, graph::select(*a.g, ind.e, a.e, b.e)}; }
inline Ex if_(Ex ind, double a, double b) { return if_(ind, num(ind, a), num(ind, b)); }

// A fresh context and its variable x.
struct Graph {
  graph::GraphContext g;
  Ex x{&g, g.x()};
  Ex c(double v) { return num(x, v); }
};

}  // namespace sgntk::test
