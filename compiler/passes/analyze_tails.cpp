#include "compiler/passes/analyze_tails.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "compiler/graph/evaluate.h"

namespace sgntk::passes {
namespace {

using graph::Expr;
using graph::Kind;

// Degree and leading coefficient of a polynomial in x.
struct Polynomial {
  int degree;
  double lead;
};

std::optional<Polynomial> polynomial(Expr e) {
  if (!e->depends_on_x()) return Polynomial{0, graph::evaluate(e, 0.0)};
  switch (e->kind) {
    case Kind::Var: return Polynomial{1, 1.0};
    case Kind::Add: {
      const auto l = polynomial(e->kids[0]), r = polynomial(e->kids[1]);
      if (!l || !r) return std::nullopt;
      if (l->degree != r->degree) return l->degree > r->degree ? l : r;
      const double lead = l->lead + r->lead;
      if (lead == 0) return std::nullopt;  // cancelling leading terms: unknown degree
      return Polynomial{l->degree, lead};
    }
    case Kind::Mul: {
      const auto l = polynomial(e->kids[0]), r = polynomial(e->kids[1]);
      if (!l || !r) return std::nullopt;
      if (l->lead == 0 || r->lead == 0) return Polynomial{0, 0.0};
      return Polynomial{l->degree + r->degree, l->lead * r->lead};
    }
    case Kind::Pow: {
      const Expr n = e->kids[1];
      if (!n->is_const() || n->value < 0 || n->value != std::floor(n->value) || n->value > 64) return std::nullopt;
      const auto b = polynomial(e->kids[0]);
      if (!b) return std::nullopt;
      return Polynomial{b->degree * static_cast<int>(n->value), std::pow(b->lead, n->value)};
    }
    default: return std::nullopt;
  }
}

// Whether e(x) -> +inf along some tail faster than any polynomial may matter: true for
// polynomials of degree >= 1 that are unbounded above, and for exp of such.
bool unbounded_above(Expr e) {
  if (const auto p = polynomial(e)) return p->degree >= 1 && (p->degree % 2 == 1 || p->lead > 0);
  switch (e->kind) {
    case Kind::Exp: return unbounded_above(e->kids[0]);
    case Kind::Add:
      return (!e->kids[0]->depends_on_x() && unbounded_above(e->kids[1])) ||
             (!e->kids[1]->depends_on_x() && unbounded_above(e->kids[0]));
    case Kind::Mul:
      return (e->kids[0]->is_const() && e->kids[0]->value > 0 && unbounded_above(e->kids[1])) ||
             (e->kids[1]->is_const() && e->kids[1]->value > 0 && unbounded_above(e->kids[0]));
    default: return false;
  }
}

// The growth rate of exp(h).
double exp_rate(Expr h) {
  if (const auto p = polynomial(h)) {
    if (p->degree <= 1) return 0.0;
    if (p->degree == 2) return p->lead;
    return p->degree % 2 == 0 && p->lead < 0 ? -HUGE_VAL : HUGE_VAL;
  }
  return unbounded_above(h) ? HUGE_VAL : 0.0;  // e.g. exp(exp(x)); else unknown: 0
}

double rate(Expr e) {
  if (!e->depends_on_x()) return 0.0;
  const auto& k = e->kids;
  switch (e->kind) {
    case Kind::Exp: return exp_rate(k[0]);
    case Kind::Mul: {
      const double l = rate(k[0]), r = rate(k[1]);
      if (std::isinf(l) && std::isinf(r) && l != r) return 0.0;  // inf - inf: unknown
      return l + r;
    }
    case Kind::Add: case Kind::Max: return std::max(rate(k[0]), rate(k[1]));
    case Kind::Min: return std::min(rate(k[0]), rate(k[1]));
    case Kind::Select: return std::max(rate(k[1]), rate(k[2]));
    case Kind::Pow: {
      if (!k[1]->is_const() || k[1]->value == 0) return 0.0;
      const double r = rate(k[0]);
      return r == 0 ? 0.0 : k[1]->value * r;
    }
    case Kind::Abs: case Kind::Relu: return rate(k[0]);
    default: return 0.0;  // bounded (erf, tanh, sin, sign, ...) or slower than exp (log)
  }
}

}  // namespace

double tail_growth(Expr e) {
  const double r = rate(e);
  return std::isnan(r) ? 0.0 : r;
}

}  // namespace sgntk::passes
