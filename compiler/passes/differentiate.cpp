// One chain rule per node kind (SymEngine's derivative.cpp shape). The switch has no default,
// so a kind added to expr_kinds.def without a rule here is a compiler warning (-Wswitch).
#include "compiler/passes/differentiate.h"

#include <array>
#include <functional>
#include <numbers>
#include <stdexcept>
#include <unordered_map>

#include "compiler/graph/build.h"

namespace sgntk::passes {

namespace {

using graph::Expr;
using graph::Kind;

class Differentiator {
 public:
  explicit Differentiator(graph::GraphContext& g) : g_(g) {}

  // Memoised: a shared subexpression is differentiated once.
  Expr d(Expr e) {
    if (!e->has_var) return zero();
    if (auto it = memo_.find(e); it != memo_.end()) return it->second;
    const Expr out = rule(e);
    memo_.emplace(e, out);
    return out;
  }

 private:
  Expr rule(Expr e) {
    const Expr a = e->arity > 0 ? e->kids[0] : nullptr;
    const Expr b = e->arity > 1 ? e->kids[1] : nullptr;
    switch (e->kind) {
      case Kind::Const: return zero();
      case Kind::Var: return num(1);
      case Kind::Add: return add(d(a), d(b));
      case Kind::Mul: return add(mul(d(a), b), mul(a, d(b)));
      case Kind::Pow: return power(a, b);
      case Kind::Exp: return mul(e, d(a));
      case Kind::Log: return mul(d(a), graph::pow(g_, a, num(-1)));
      case Kind::Abs: return mul(fn(Kind::Sign, a), d(a));
      case Kind::Sign: return mul(mul(num(2), graph::delta(g_, a)), d(a));
      case Kind::Heaviside: return mul(graph::delta(g_, a), d(a));
      case Kind::Relu: return mul(fn(Kind::Heaviside, a), d(a));
      case Kind::Erf:  // 2/sqrt(pi) exp(-a^2) a'
        return mul(mul(num(std::numbers::inv_sqrtpi * 2), fn(Kind::Exp, graph::neg(g_, square(a)))), d(a));
      case Kind::Tanh: return mul(graph::sub(g_, num(1), square(e)), d(a));
      case Kind::Sigmoid: return mul(mul(e, graph::sub(g_, num(1), e)), d(a));
      case Kind::Sin: return mul(fn(Kind::Cos, a), d(a));
      case Kind::Cos: return mul(graph::neg(g_, fn(Kind::Sin, a)), d(a));
      case Kind::Atan: return mul(d(a), graph::pow(g_, graph::add(g_, num(1), square(a)), num(-1)));
      case Kind::Min:  // H(b - a) a' + H(a - b) b'
        return add(mul(step(b, a), d(a)), mul(step(a, b), d(b)));
      case Kind::Max:  // H(a - b) a' + H(b - a) b'
        return add(mul(step(a, b), d(a)), mul(step(b, a), d(b)));
      case Kind::Delta: return mul(graph::delta(g_, a, static_cast<int>(e->value) + 1), d(a));
      case Kind::Derivative: return d(d(a));  // a d/dx written in the spec, inside this one
      case Kind::Select: {  // if(H(g), p, q)' = if(H(g), p', q') + H(g)' (p - q)
        // Any other indicator ind switches where it crosses 0, like H(ind) (up to the null set
        // ind = 0), so the jump term is that of H(ind).
        const Expr p = e->kids[1], q = e->kids[2];
        const Expr step = a->is(Kind::Heaviside) ? a : fn(Kind::Heaviside, a);
        const Expr branches = graph::select(g_, a, d(p), d(q));
        return add(branches, mul(d(step), graph::sub(g_, p, q)));
      }
    }
    throw std::logic_error("differentiate: unhandled kind");
  }

  // a^c -> c a^(c-1) a'; c^b -> c^b log(c) b'; a^b -> a^b (b' log a + b a'/a).
  Expr power(Expr a, Expr b) {
    if (!b->has_var)
      return mul(mul(b, graph::pow(g_, a, graph::sub(g_, b, num(1)))), d(a));
    const Expr e = graph::pow(g_, a, b);
    if (!a->has_var) return mul(mul(e, fn(Kind::Log, a)), d(b));
    const Expr inner = add(mul(d(b), fn(Kind::Log, a)), mul(b, mul(d(a), graph::pow(g_, a, num(-1)))));
    return mul(e, inner);
  }

  // Products and sums that skip exact zeros from constant subtrees: d(c) = 0 contributes no
  // term at all (so no 0*delta or 0*inf appears for the simplifier to refuse to fold).
  Expr add(Expr p, Expr q) {
    if (p == zero()) return q;
    if (q == zero()) return p;
    return graph::add(g_, p, q);
  }
  Expr mul(Expr p, Expr q) {
    if (p == zero() || q == zero()) return zero();
    return graph::mul(g_, p, q);
  }

  Expr step(Expr p, Expr q) { return fn(Kind::Heaviside, graph::sub(g_, p, q)); }  // H(p - q)
  Expr square(Expr p) { return graph::pow(g_, p, num(2)); }
  Expr fn(Kind k, Expr p) { return graph::call(g_, k, p); }
  Expr num(double v) { return g_.constant(v); }
  Expr zero() { return g_.constant(0.0); }

  graph::GraphContext& g_;
  std::unordered_map<Expr, Expr> memo_;
};

}  // namespace

graph::Expr differentiate(graph::GraphContext& g, graph::Expr e) { return Differentiator(g).d(e); }

graph::Expr expand_derivatives(graph::GraphContext& g, graph::Expr e, const std::function<graph::Expr(graph::Expr)>& derive) {
  std::unordered_map<Expr, Expr> memo;
  // Rebuilds only the nodes above a d/dx node, children first, so nested ones go innermost first.
  auto expand = [&](auto& self, Expr n) -> Expr {
    if (!n->has_derivative) return n;
    if (auto it = memo.find(n); it != memo.end()) return it->second;
    std::array<Expr, 3> kids{};
    for (int i = 0; i < n->arity; ++i) kids[i] = self(self, n->kids[i]);
    const Expr out = n->is(Kind::Derivative) ? derive(kids[0])
                                               : g.make(n->kind, std::span<const Expr>(kids.data(), n->arity), n->value);
    memo.emplace(n, out);
    return out;
  };
  return expand(expand, e);
}

}  // namespace sgntk::passes
