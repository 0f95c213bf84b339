// Rules on sums and products: like terms and like powers are combined, operands are put in the
// structural order of compiler/graph/order.h (constant first in products, last in sums), and a
// delta multiplies its neighbours' values at its support point (sifting).
#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "compiler/graph/build.h"
#include "compiler/graph/evaluate.h"
#include "compiler/graph/order.h"
#include "compiler/passes/simplify_support.h"

namespace sgntk::passes::detail {

using graph::Expr;
using graph::Kind;

std::optional<Affine> as_affine(Expr e) {
  auto linear = [](Expr t) -> std::optional<double> {
    if (t->is(Kind::Var)) return 1.0;
    if (t->is(Kind::Mul) && t->kids[0]->is_const() && t->kids[1]->is(Kind::Var)) return t->kids[0]->value;
    if (t->is(Kind::Mul) && t->kids[1]->is_const() && t->kids[0]->is(Kind::Var)) return t->kids[1]->value;
    return std::nullopt;
  };
  std::optional<Affine> out;
  if (auto k = linear(e)) out = Affine{*k, 0.0};
  else if (e->is(Kind::Add) && e->kids[1]->is_const()) {
    if (auto k = linear(e->kids[0])) out = Affine{*k, e->kids[1]->value};
  } else if (e->is(Kind::Add) && e->kids[0]->is_const()) {
    if (auto k = linear(e->kids[1])) out = Affine{*k, e->kids[0]->value};
  }
  if (out && (out->k == 0 || !std::isfinite(out->k) || !std::isfinite(out->s))) return std::nullopt;
  return out;
}

void flatten(Kind kind, Expr e, std::vector<Expr>& out) {
  if (!e->is(kind)) {
    out.push_back(e);
    return;
  }
  flatten(kind, e->kids[0], out);
  flatten(kind, e->kids[1], out);
}

Expr build_product(graph::GraphContext& g, double coef, const std::vector<Expr>& factors) {
  Expr out = coef == 1 && !factors.empty() ? nullptr : g.constant(coef);
  for (Expr f : factors) out = out ? graph::mul(g, out, f) : f;
  return out;
}

Expr build_sum(graph::GraphContext& g, const std::vector<Expr>& terms) {
  Expr out = nullptr;
  for (Expr t : terms) out = out ? graph::add(g, out, t) : t;
  return out ? out : g.constant(0.0);
}

std::pair<double, Expr> split_coefficient(graph::GraphContext& g, Expr e) {
  if (e->is_const()) return {e->value, nullptr};
  if (!e->is(Kind::Mul)) return {1.0, e};
  std::vector<Expr> factors, rest;
  flatten(Kind::Mul, e, factors);
  double coef = 1.0;
  for (Expr f : factors) {
    if (f->is_const()) coef *= f->value;
    else rest.push_back(f);
  }
  return {coef, build_product(g, 1.0, rest)};
}

namespace {

// a op b for constants, or nullopt when that would turn numbers into NaN (inf - inf, 0 * inf):
// the expression is then left as written rather than silently folded to NaN.
std::optional<double> combine(double a, double b, bool product) {
  const double r = product ? a * b : a + b;
  if (std::isnan(r) && !std::isnan(a) && !std::isnan(b)) return std::nullopt;
  return r;
}

Expr changed_or_null(Expr result, Expr e) { return result == e ? nullptr : result; }

bool by_structure(Expr a, Expr b) { return graph::structurally_less(a, b); }

// h is continuous at x = r and finite there: no jump (sign, heaviside, if) switches at r.
bool continuous_at(Expr h, double r) {
  std::unordered_set<Expr> seen;
  bool ok = std::isfinite(graph::evaluate(h, r));
  auto visit = [&](auto&& self, Expr e) -> void {
    if (!ok || !seen.insert(e).second) return;
    // sign and heaviside jump where their argument is 0; if(ind, a, b) where ind crosses 0
    // (a heaviside indicator is checked as a heaviside).
    const bool jump = e->is(Kind::Sign) || e->is(Kind::Heaviside) ||
                      (e->is(Kind::Select) && !e->kids[0]->is(Kind::Heaviside));
    if (jump && !(graph::evaluate(e->kids[0], r) != 0)) ok = false;  // also rejects NaN
    for (Expr k : e->children()) self(self, k);
  };
  visit(visit, h);
  return ok;
}

}  // namespace

// ---- sums ------------------------------------------------------------------------------------

Expr add_zero(RuleContext&, Expr e) {
  if (e->kids[1]->is_const(0.0)) return e->kids[0];
  if (e->kids[0]->is_const(0.0)) return e->kids[1];
  return nullptr;
}

// c1*t + c2*t -> (c1 + c2)*t, constants summed, terms in structural order, constant last.
Expr add_collect(RuleContext& rc, Expr e) {
  std::vector<Expr> terms;
  flatten(Kind::Add, e, terms);
  double constant = 0.0;
  std::vector<std::pair<Expr, double>> like;  // (term without coefficient, coefficient)
  for (Expr t : terms) {
    auto [coef, rest] = split_coefficient(rc.g, t);
    if (!rest) {
      auto sum = combine(constant, coef, false);
      if (!sum) return nullptr;
      constant = *sum;
      continue;
    }
    auto it = std::find_if(like.begin(), like.end(), [&, rest = rest](const auto& p) { return p.first == rest; });
    if (it == like.end()) {
      like.emplace_back(rest, coef);
    } else if (auto sum = combine(it->second, coef, false)) {
      it->second = *sum;
    } else {
      return nullptr;
    }
  }
  // 0*t is dropped unless t holds an infinity (0*inf is not 0); a sum is linear, so a zero
  // multiple of a delta is zero.
  std::erase_if(like, [&](const auto& p) { return p.second == 0 && !rc.has_infinity(p.first); });
  std::sort(like.begin(), like.end(), [](const auto& a, const auto& b) { return by_structure(a.first, b.first); });
  std::vector<Expr> out;
  for (const auto& [rest, coef] : like) {
    std::vector<Expr> factors;
    flatten(Kind::Mul, rest, factors);
    out.push_back(build_product(rc.g, coef, factors));
  }
  if (constant != 0 || out.empty()) out.push_back(rc.g.constant(constant));
  return changed_or_null(build_sum(rc.g, out), e);
}

// ---- products --------------------------------------------------------------------------------

// x*0 -> 0, but only for finite x without a delta: 0*inf is undefined, not 0.
Expr mul_zero(RuleContext& rc, Expr e) {
  for (int i = 0; i < 2; ++i) {
    const Expr other = e->kids[1 - i];
    if (e->kids[i]->is_const(0.0) && !other->has_delta && !rc.has_infinity(other)) return rc.g.constant(0.0);
  }
  return nullptr;
}

Expr mul_one(RuleContext&, Expr e) {
  if (e->kids[0]->is_const(1.0)) return e->kids[1];
  if (e->kids[1]->is_const(1.0)) return e->kids[0];
  return nullptr;
}

// H(g) relu(g)^n = relu(g)^n for n > 0: both vanish where g <= 0, and H(g) = 1 where g > 0.
// The derivative of relu(x)^n, n relu(x)^(n-1) H(x), then stays inside relu's closed forms.
Expr mul_step_relu(RuleContext& rc, Expr e) {
  std::vector<Expr> factors;
  flatten(Kind::Mul, e, factors);
  auto relu_of = [](Expr f) -> Expr {  // g when f is relu(g) or relu(g)^n with constant n > 0
    if (f->is(Kind::Relu)) return f->kids[0];
    if (f->is(Kind::Pow) && f->kids[0]->is(Kind::Relu) && f->kids[1]->is_const() && f->kids[1]->value > 0)
      return f->kids[0]->kids[0];
    return nullptr;
  };
  for (std::size_t i = 0; i < factors.size(); ++i) {
    if (!factors[i]->is(Kind::Heaviside)) continue;
    for (Expr f : factors)
      if (relu_of(f) == factors[i]->kids[0]) {
        factors.erase(factors.begin() + static_cast<std::ptrdiff_t>(i));
        return build_product(rc.g, 1.0, factors);
      }
  }
  return nullptr;
}

// h(x) * delta(x - r) = h(r) * delta(x - r) for h continuous at r.
Expr mul_sift_delta(RuleContext& rc, Expr e) {
  std::vector<Expr> factors, others;
  flatten(Kind::Mul, e, factors);
  Expr the_delta = nullptr;
  double coef = 1.0;
  for (Expr f : factors) {
    if (f->is_const()) coef *= f->value;
    else if (f->is(Kind::Delta) && !the_delta) the_delta = f;
    else others.push_back(f);
  }
  if (!the_delta || others.empty() || the_delta->value != 0) return nullptr;
  auto affine = as_affine(the_delta->kids[0]);
  if (!affine || affine->k != 1) return nullptr;  // delta.affine normalises the slope first
  const double r = -affine->s;
  const Expr h = build_product(rc.g, 1.0, others);
  if (h->has_delta || rc.has_infinity(h) || !continuous_at(h, r)) return nullptr;
  const double weight = coef * graph::evaluate(h, r);
  if (!std::isfinite(weight)) return nullptr;
  if (weight == 0) return rc.g.constant(0.0);
  return graph::mul(rc.g, rc.g.constant(weight), the_delta);
}

// c*(a + b) -> c*a + c*b for a finite constant c: like terms can then meet. An infinite c stays
// outside, so that erf(inf*(x - 1)) still sees its limit.
Expr mul_distribute_const(RuleContext& rc, Expr e) {
  auto [coef, rest] = split_coefficient(rc.g, e);
  if (!rest || !rest->is(Kind::Add) || coef == 1 || !std::isfinite(coef)) return nullptr;
  std::vector<Expr> terms;
  flatten(Kind::Add, rest, terms);
  for (Expr& t : terms) t = graph::mul(rc.g, rc.g.constant(coef), t);
  return build_sum(rc.g, terms);
}

// h * (delta(x - r1) + delta(x - r2)) -> h*delta(x - r1) + h*delta(x - r2), so each term sifts.
Expr mul_distribute_delta_sum(RuleContext& rc, Expr e) {
  std::vector<Expr> factors;
  flatten(Kind::Mul, e, factors);
  auto sum = std::find_if(factors.begin(), factors.end(), [](Expr f) { return f->is(Kind::Add) && f->has_delta; });
  if (sum == factors.end() || factors.size() < 2) return nullptr;
  const Expr the_sum = *sum;
  factors.erase(sum);
  std::vector<Expr> terms;
  flatten(Kind::Add, the_sum, terms);
  for (Expr& t : terms) {
    std::vector<Expr> with = factors;
    with.push_back(t);
    t = build_product(rc.g, 1.0, with);
  }
  return build_sum(rc.g, terms);
}

// Constants multiplied, like bases combined (x*x -> x^2, x^a*x^b -> x^(a+b)), factors in
// structural order of their bases, coefficient first.
Expr mul_collect(RuleContext& rc, Expr e) {
  std::vector<Expr> factors;
  flatten(Kind::Mul, e, factors);
  double coef = 1.0;
  std::vector<std::pair<Expr, double>> powers;  // (base, constant exponent)
  for (Expr f : factors) {
    if (f->is_const()) {
      auto product = combine(coef, f->value, true);
      if (!product) return nullptr;
      coef = *product;
      continue;
    }
    Expr base = f;
    double exponent = 1.0;
    if (f->is(Kind::Pow) && f->kids[1]->is_const()) {
      base = f->kids[0];
      exponent = f->kids[1]->value;
    }
    auto it = std::find_if(powers.begin(), powers.end(), [&](const auto& p) { return p.first == base; });
    if (it == powers.end()) powers.emplace_back(base, exponent);
    else it->second += exponent;
  }
  std::erase_if(powers, [](const auto& p) { return p.second == 0; });
  std::sort(powers.begin(), powers.end(), [](const auto& a, const auto& b) { return by_structure(a.first, b.first); });
  std::vector<Expr> out;
  for (const auto& [base, exponent] : powers)
    out.push_back(exponent == 1 ? base : graph::pow(rc.g, base, rc.g.constant(exponent)));
  if (coef == 0) {
    const Expr rest = build_product(rc.g, 1.0, out);
    if (out.empty() || (!rest->has_delta && !rc.has_infinity(rest))) return changed_or_null(rc.g.constant(0.0), e);
  }
  return changed_or_null(build_product(rc.g, coef, out), e);
}

}  // namespace sgntk::passes::detail
