// The rule table. Rules on Add and Mul live in simplify_collect.cpp; the scalar-function rules
// are here, each a few lines. Every rule has a test named after it in tests/graph/.
#include "compiler/passes/simplify_rules.h"

#include <array>
#include <cmath>

#include "compiler/graph/build.h"
#include "compiler/graph/evaluate.h"
#include "compiler/graph/order.h"
#include "compiler/passes/simplify_support.h"

namespace sgntk::passes {

using graph::Expr;
using graph::Kind;
using namespace detail;

bool RuleContext::has_infinity(Expr e) {
  if (e->is_const()) return std::isinf(e->value);
  if (e->arity == 0) return false;
  if (auto it = has_infinity_.find(e); it != has_infinity_.end()) return it->second;
  bool found = false;
  for (Expr k : e->children()) found = found || has_infinity(k);
  has_infinity_.emplace(e, found);
  return found;
}

namespace {

constexpr double inf = HUGE_VAL;

// ---- helpers ---------------------------------------------------------------------------------

struct Scaled {
  double c;
  Expr rest;
};
// arg = c * rest with a constant c != 1 leading the product.
std::optional<Scaled> scaled(RuleContext& rc, Expr arg) {
  if (!arg->is(Kind::Mul)) return std::nullopt;
  auto [c, rest] = split_coefficient(rc.g, arg);
  if (!rest || c == 1 || std::isnan(c)) return std::nullopt;
  return Scaled{c, rest};
}

Expr fn(RuleContext& rc, Kind k, Expr a) { return graph::call(rc.g, k, a); }
Expr num(RuleContext& rc, double v) { return rc.g.constant(v); }
Expr times(RuleContext& rc, double c, Expr a) { return graph::mul(rc.g, num(rc, c), a); }
Expr x_plus(RuleContext& rc, double s) { return s == 0 ? rc.g.x() : graph::add(rc.g, rc.g.x(), num(rc, s)); }

// ---- every kind --------------------------------------------------------------------------------

// f(constants) -> its value, except when that would create a NaN from numbers (log(-1),
// 0*inf): the expression then stays as written, visible in dumps, instead of a silent "nan".
Expr fold_constant(RuleContext& rc, Expr e) {
  if (e->arity == 0 || e->is(Kind::Delta)) return nullptr;
  bool nan_in = false;
  for (Expr k : e->children()) {
    if (!k->is_const()) return nullptr;
    nan_in = nan_in || std::isnan(k->value);
  }
  const double v = graph::evaluate(e, 0.0);
  if (std::isnan(v) && !nan_in) return nullptr;
  return num(rc, v);
}

// ---- powers ------------------------------------------------------------------------------------

Expr pow_one(RuleContext&, Expr e) { return e->kids[1]->is_const(1.0) ? e->kids[0] : nullptr; }
Expr pow_zero(RuleContext& rc, Expr e) { return e->kids[1]->is_const(0.0) ? num(rc, 1.0) : nullptr; }
Expr pow_one_base(RuleContext& rc, Expr e) { return e->kids[0]->is_const(1.0) ? num(rc, 1.0) : nullptr; }

bool is_integer(Expr e) { return e->is_const() && std::isfinite(e->value) && e->value == std::floor(e->value); }

// (a^p)^q -> a^(p q) for integer q only: (x^2)^0.5 is |x|, not x.
Expr pow_power(RuleContext& rc, Expr e) {
  const Expr base = e->kids[0];
  if (!base->is(Kind::Pow) || !base->kids[1]->is_const() || !is_integer(e->kids[1])) return nullptr;
  return graph::pow(rc.g, base->kids[0], num(rc, base->kids[1]->value * e->kids[1]->value));
}

// (a b)^n -> a^n b^n for integer n; (c a)^p -> c^p a^p for a constant c > 0 and any p.
Expr pow_product(RuleContext& rc, Expr e) {
  const Expr base = e->kids[0], exponent = e->kids[1];
  if (!base->is(Kind::Mul) || !exponent->is_const()) return nullptr;
  const double p = exponent->value;
  auto [c, rest] = split_coefficient(rc.g, base);
  if (!rest) return nullptr;
  if (is_integer(exponent)) {
    std::vector<Expr> factors;
    flatten(Kind::Mul, rest, factors);
    for (Expr& f : factors) f = graph::pow(rc.g, f, exponent);
    return build_product(rc.g, std::pow(c, p), factors);
  }
  if (c > 0 && c != 1 && std::isfinite(c)) return times(rc, std::pow(c, p), graph::pow(rc.g, rest, exponent));
  return nullptr;
}

// ---- exp, log ----------------------------------------------------------------------------------

Expr log_exp(RuleContext&, Expr e) { return e->kids[0]->is(Kind::Exp) ? e->kids[0]->kids[0] : nullptr; }

// ---- jumps and kinks ---------------------------------------------------------------------------

Expr abs_abs(RuleContext&, Expr e) { return e->kids[0]->is(Kind::Abs) ? e->kids[0] : nullptr; }

Expr abs_scale(RuleContext& rc, Expr e) {  // abs(c g) -> |c| abs(g)
  auto s = scaled(rc, e->kids[0]);
  return s ? times(rc, std::fabs(s->c), fn(rc, Kind::Abs, s->rest)) : nullptr;
}

Expr sign_sign(RuleContext&, Expr e) { return e->kids[0]->is(Kind::Sign) ? e->kids[0] : nullptr; }

Expr sign_scale(RuleContext& rc, Expr e) {  // sign(c g) -> sign(c) sign(g), c != 0
  auto s = scaled(rc, e->kids[0]);
  if (!s) return nullptr;
  const Expr sg = fn(rc, Kind::Sign, s->rest);
  return s->c > 0 ? sg : times(rc, -1.0, sg);
}

Expr sign_affine(RuleContext& rc, Expr e) {  // sign(k x + s) -> sign(k) sign(x + s/k)
  auto a = as_affine(e->kids[0]);
  if (!a || a->k == 1 || a->s == 0) return nullptr;
  const Expr sg = fn(rc, Kind::Sign, x_plus(rc, a->s / a->k));
  return a->k > 0 ? sg : times(rc, -1.0, sg);
}

Expr heaviside_scale(RuleContext& rc, Expr e) {  // H(c g) -> H(g) (c > 0), H(-g) (c < 0)
  auto s = scaled(rc, e->kids[0]);
  if (!s || s->c == -1) return nullptr;
  return fn(rc, Kind::Heaviside, s->c > 0 ? s->rest : times(rc, -1.0, s->rest));
}

Expr heaviside_affine(RuleContext& rc, Expr e) {  // H(k x + s) -> H(+-x + s/|k|)
  auto a = as_affine(e->kids[0]);
  if (!a || std::fabs(a->k) == 1 || a->s == 0) return nullptr;
  const Expr sx = a->k > 0 ? rc.g.x() : times(rc, -1.0, rc.g.x());
  return fn(rc, Kind::Heaviside, graph::add(rc.g, sx, num(rc, a->s / std::fabs(a->k))));
}

Expr relu_scale(RuleContext& rc, Expr e) {  // relu(c g) -> c relu(g), c > 0
  auto s = scaled(rc, e->kids[0]);
  if (!s || !(s->c > 0)) return nullptr;
  return times(rc, s->c, fn(rc, Kind::Relu, s->rest));
}

// ---- odd and even functions; the m -> inf limits ------------------------------------------------

Expr odd(RuleContext& rc, Expr e) {  // f(-c g) -> -f(c g) for odd f, c > 0
  auto s = scaled(rc, e->kids[0]);
  if (!s || !(s->c < 0)) return nullptr;
  return times(rc, -1.0, fn(rc, e->kind, times(rc, -s->c, s->rest)));
}

Expr even(RuleContext& rc, Expr e) {  // f(-c g) -> f(c g) for even f, c > 0
  auto s = scaled(rc, e->kids[0]);
  if (!s || !(s->c < 0)) return nullptr;
  return fn(rc, e->kind, times(rc, -s->c, s->rest));
}

// erf(inf g) -> sign(g), tanh(inf g) -> sign(g): the pointwise limits, including the value 0 at
// g = 0 (erf(m*0) = 0 = sign(0)).
Expr to_sign_limit(RuleContext& rc, Expr e) {
  auto s = scaled(rc, e->kids[0]);
  if (!s || !std::isinf(s->c)) return nullptr;
  const Expr sg = fn(rc, Kind::Sign, s->rest);
  return s->c > 0 ? sg : times(rc, -1.0, sg);
}

// sigmoid(inf g) -> heaviside(g), sigmoid(-inf g) -> heaviside(-g); sigmoid(0) = 1/2 = H(0).
Expr sigmoid_limit(RuleContext& rc, Expr e) {
  auto s = scaled(rc, e->kids[0]);
  if (!s || !std::isinf(s->c)) return nullptr;
  return fn(rc, Kind::Heaviside, s->c > 0 ? s->rest : times(rc, -1.0, s->rest));
}

// ---- min, max ----------------------------------------------------------------------------------

Expr same_operands(RuleContext&, Expr e) { return e->kids[0] == e->kids[1] ? e->kids[0] : nullptr; }

Expr order_operands(RuleContext& rc, Expr e) {  // constant first, then structural order
  if (!graph::structurally_less(e->kids[1], e->kids[0])) return nullptr;
  return graph::call(rc.g, e->kind, e->kids[1], e->kids[0]);
}

Expr max_relu(RuleContext& rc, Expr e) { return e->kids[0]->is_const(0.0) ? fn(rc, Kind::Relu, e->kids[1]) : nullptr; }

Expr min_relu(RuleContext& rc, Expr e) {  // min(0, a) = -relu(-a)
  if (!e->kids[0]->is_const(0.0)) return nullptr;
  return times(rc, -1.0, fn(rc, Kind::Relu, times(rc, -1.0, e->kids[1])));
}

Expr min_inf(RuleContext& rc, Expr e) {
  if (e->kids[0]->is_const(inf)) return e->kids[1];
  if (e->kids[0]->is_const(-inf)) return e->kids[0];
  return nullptr;
}

Expr max_inf(RuleContext& rc, Expr e) {
  if (e->kids[0]->is_const(-inf)) return e->kids[1];
  if (e->kids[0]->is_const(inf)) return e->kids[0];
  return nullptr;
}

// ---- delta ---------------------------------------------------------------------------------------

Expr delta_const(RuleContext& rc, Expr e) {  // delta(c) = 0 as a function of x, c != 0
  const Expr a = e->kids[0];
  return a->is_const() && a->value != 0 && std::isfinite(a->value) ? num(rc, 0.0) : nullptr;
}

// delta^(n)(k x + s) = delta^(n)(x + s/k) / (|k| k^n).
Expr delta_affine(RuleContext& rc, Expr e) {
  auto a = as_affine(e->kids[0]);
  if (!a || a->k == 1) return nullptr;
  const double weight = 1.0 / (std::fabs(a->k) * std::pow(a->k, e->value));
  return times(rc, weight, graph::delta(rc.g, x_plus(rc, a->s / a->k), static_cast<int>(e->value)));
}

// delta(s + c |a x + b|) = (delta(x - x1) + delta(x - x2)) / |c a| at the two roots
// a x + b = +-r, r = -s/c > 0; no roots (r < 0): 0. At r = 0 g touches 0 without crossing and
// the pull-back is undefined: left alone.
Expr delta_abs_roots(RuleContext& rc, Expr e) {
  if (e->value != 0) return nullptr;
  Expr term = e->kids[0];
  double s = 0;
  if (term->is(Kind::Add) && term->kids[1]->is_const()) {
    s = term->kids[1]->value;
    term = term->kids[0];
  }
  auto [c, rest] = split_coefficient(rc.g, term);
  if (!rest || !rest->is(Kind::Abs) || c == 0 || !std::isfinite(c)) return nullptr;
  auto inner = as_affine(rest->kids[0]);
  if (!inner) return nullptr;
  const double r = -s / c;
  if (!std::isfinite(r) || r == 0) return nullptr;
  if (r < 0) return num(rc, 0.0);
  const double x1 = (r - inner->s) / inner->k, x2 = (-r - inner->s) / inner->k;
  const Expr both = graph::add(rc.g, graph::delta(rc.g, x_plus(rc, -x1)), graph::delta(rc.g, x_plus(rc, -x2)));
  return times(rc, 1.0 / std::fabs(c * inner->k), both);
}

// ---- if ----------------------------------------------------------------------------------------

Expr select_const(RuleContext&, Expr e) {
  const Expr ind = e->kids[0];
  if (!ind->is_const() || std::isnan(ind->value)) return nullptr;
  return ind->value > 0 ? e->kids[1] : e->kids[2];
}

Expr select_same(RuleContext&, Expr e) { return e->kids[1] == e->kids[2] ? e->kids[1] : nullptr; }

// ---- the table -----------------------------------------------------------------------------------

constexpr auto table = std::to_array<RewriteRule>({
    {"fold.constant", std::nullopt, fold_constant},
    {"add.zero", Kind::Add, add_zero},
    {"add.collect", Kind::Add, add_collect},
    {"mul.zero", Kind::Mul, mul_zero},
    {"mul.one", Kind::Mul, mul_one},
    {"mul.sift_delta", Kind::Mul, mul_sift_delta},
    {"mul.step_relu", Kind::Mul, mul_step_relu},
    {"mul.distribute_const", Kind::Mul, mul_distribute_const},
    {"mul.distribute_delta_sum", Kind::Mul, mul_distribute_delta_sum},
    {"mul.collect", Kind::Mul, mul_collect},
    {"pow.one", Kind::Pow, pow_one},
    {"pow.zero", Kind::Pow, pow_zero},
    {"pow.one_base", Kind::Pow, pow_one_base},
    {"pow.power", Kind::Pow, pow_power},
    {"pow.product", Kind::Pow, pow_product},
    {"log.exp", Kind::Log, log_exp},
    {"abs.abs", Kind::Abs, abs_abs},
    {"abs.scale", Kind::Abs, abs_scale},
    {"sign.sign", Kind::Sign, sign_sign},
    {"sign.scale", Kind::Sign, sign_scale},
    {"sign.affine", Kind::Sign, sign_affine},
    {"heaviside.scale", Kind::Heaviside, heaviside_scale},
    {"heaviside.affine", Kind::Heaviside, heaviside_affine},
    {"relu.scale", Kind::Relu, relu_scale},
    {"erf.limit", Kind::Erf, to_sign_limit},
    {"erf.odd", Kind::Erf, odd},
    {"tanh.limit", Kind::Tanh, to_sign_limit},
    {"tanh.odd", Kind::Tanh, odd},
    {"sigmoid.limit", Kind::Sigmoid, sigmoid_limit},
    {"sin.odd", Kind::Sin, odd},
    {"atan.odd", Kind::Atan, odd},
    {"cos.even", Kind::Cos, even},
    {"min.same", Kind::Min, same_operands},
    {"min.order", Kind::Min, order_operands},
    {"min.inf", Kind::Min, min_inf},
    {"min.relu", Kind::Min, min_relu},
    {"max.same", Kind::Max, same_operands},
    {"max.order", Kind::Max, order_operands},
    {"max.inf", Kind::Max, max_inf},
    {"max.relu", Kind::Max, max_relu},
    {"delta.const", Kind::Delta, delta_const},
    {"delta.affine", Kind::Delta, delta_affine},
    {"delta.abs_roots", Kind::Delta, delta_abs_roots},
    {"select.const", Kind::Select, select_const},
    {"select.same", Kind::Select, select_same},
});

}  // namespace

std::span<const RewriteRule> rewrite_rules() { return table; }

}  // namespace sgntk::passes
