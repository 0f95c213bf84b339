#include "compiler/passes/analyze_shape.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "compiler/graph/evaluate.h"

namespace sgntk::passes {

namespace {

using graph::Expr;
using graph::Kind;

// Interval [lo, hi] (lo > hi: empty), used for supports.
struct Interval {
  double lo = -HUGE_VAL, hi = HUGE_VAL;
  bool empty() const { return lo > hi; }
};
constexpr Interval everywhere{};
constexpr Interval nowhere{HUGE_VAL, -HUGE_VAL};
Interval hull(Interval p, Interval q) {
  if (p.empty()) return q;
  if (q.empty()) return p;
  return {std::min(p.lo, q.lo), std::max(p.hi, q.hi)};
}
Interval meet(Interval p, Interval q) { return {std::max(p.lo, q.lo), std::min(p.hi, q.hi)}; }

// The closure of {x : h(x) >= 0}, as an interval hull, for h affine or h = C + k*P with C > 0,
// k < 0 and P = |A| or A^2, A affine (e.g. 1 - abs(x), 0.25 - x^2); everywhere otherwise.
Interval nonnegative_set(Expr h) {
  if (const auto a = affine(h)) {
    if (a->slope == 0) return a->intercept >= 0 ? everywhere : nowhere;
    const double root = -a->intercept / a->slope;
    return a->slope > 0 ? Interval{root, HUGE_VAL} : Interval{-HUGE_VAL, root};
  }
  if (!h->is(Kind::Add)) return everywhere;
  for (int side = 0; side < 2; ++side) {
    const Expr cst = h->kids[side], rest = h->kids[1 - side];
    if (!cst->is_const() || !rest->is(Kind::Mul) || !rest->kids[0]->is_const()) continue;
    const double C = cst->value, k = rest->kids[0]->value;
    const Expr p = rest->kids[1];
    double radius;  // |A| <= radius
    if (p->is(Kind::Abs))
      radius = C / -k;
    else if (p->is(Kind::Pow) && p->kids[1]->is_const(2.0))
      radius = std::sqrt(C / -k);
    else
      continue;
    const auto a = affine(p->kids[0]);
    if (!(C > 0 && k < 0) || !a || a->slope == 0) continue;
    const double x1 = (-radius - a->intercept) / a->slope, x2 = (radius - a->intercept) / a->slope;
    return {std::min(x1, x2), std::max(x1, x2)};
  }
  return everywhere;
}

// Transitions narrower than this (in x) are recorded; wider ones are resolved by the
// integrator's panels (at most 1.5 standard deviations wide) without help.
constexpr double steep_width = 0.1;

class Analyzer {
 public:
  program::Shape run(Expr e) {
    visit_all(e);
    program::Shape s;
    const Interval supp = support(e);
    if (supp.empty()) {  // identically zero
      s.support_lo = s.support_hi = 0.0;
    } else {
      s.support_lo = supp.lo;
      s.support_hi = supp.hi;
    }
    for (double edge : {s.support_lo, s.support_hi})
      if (std::isfinite(edge)) breaks_.push_back(edge);
    std::sort(breaks_.begin(), breaks_.end());
    breaks_.erase(std::unique(breaks_.begin(), breaks_.end()), breaks_.end());
    s.breakpoints = breaks_;
    s.transitions = merged(std::move(transitions_));
    s.period = period_;
    s.smooth = smooth_ && breaks_.empty();  // steep transitions are still analytic
    s.parity = parity(e);
    return s;
  }

 private:
  // Whether e > 0 for every real x, read from its form (exp(.) + 1, sigmoid(.), 2 + x^2, ...):
  // log and non-integer powers of such an argument are analytic on the whole line (softplus,
  // SiLU = x / (1 + exp(-x))). False when unsure.
  static bool positive(Expr e) {
    switch (e->kind) {
      case Kind::Const: return e->value > 0;
      case Kind::Exp: case Kind::Sigmoid: return true;
      case Kind::Add: return (positive(e->kids[0]) && non_negative(e->kids[1])) ||
                             (non_negative(e->kids[0]) && positive(e->kids[1]));
      case Kind::Mul: return positive(e->kids[0]) && positive(e->kids[1]);
      case Kind::Pow: return positive(e->kids[0]);
      default: return false;
    }
  }
  static bool non_negative(Expr e) {
    if (positive(e)) return true;
    switch (e->kind) {
      case Kind::Const: return e->value >= 0;
      case Kind::Abs: case Kind::Relu: case Kind::Heaviside: return true;
      case Kind::Mul: return non_negative(e->kids[0]) && non_negative(e->kids[1]);
      case Kind::Add: return non_negative(e->kids[0]) && non_negative(e->kids[1]);
      case Kind::Pow: {
        const Expr ex = e->kids[1];
        return non_negative(e->kids[0]) ||
               (ex->is_const() && ex->value > 0 && std::fmod(ex->value, 2.0) == 0.0);  // even powers
      }
      default: return false;
    }
  }

  // A point where the expression may be non-smooth: the zero of `arg` if it is affine.
  void singular_at_zero_of(Expr arg) {
    const auto a = affine(arg);
    if (!a) {
      smooth_ = false;
    } else if (a->slope != 0) {
      breaks_.push_back(-a->intercept / a->slope);
    }
  }

  // A sigmoid-like function (erf, tanh, sigmoid, atan) of k*(x - center) rises within about
  // 1/|k| of the center; `scale` is the argument change over which the function moves by O(1).
  // Composition keeps the transition where it is (tanh(5*erf(300*x - 60)) still turns at 0.2),
  // and every subexpression is visited, so sums and products keep every transition of their parts.
  void steep_at_zero_of(Expr arg, double scale) {
    const auto a = affine(arg);
    if (!a || a->slope == 0) return;
    const double width = scale / std::fabs(a->slope);
    if (width < steep_width) transitions_.push_back({-a->intercept / a->slope, width});
  }

  // sin or cos of k*x + s: a period of 2 pi / |k|, recorded where it is short (|k| > 10).
  void oscillating(Expr arg) {
    const auto a = affine(arg);
    if (a && std::fabs(a->slope) > 10) period_ = std::min(period_, 2 * std::numbers::pi / std::fabs(a->slope));
  }

  // exp(-q*A^2), A affine: a bump of width 1/sqrt(2q) in A around the zero of A.
  void steep_bump(Expr arg) {
    if (!arg->is(Kind::Mul) || !arg->kids[0]->is_const() || arg->kids[0]->value >= 0) return;
    const Expr p = arg->kids[1];
    if (!p->is(Kind::Pow) || !p->kids[1]->is_const(2.0)) return;
    steep_at_zero_of(p->kids[0], 1.0 / std::sqrt(-2.0 * arg->kids[0]->value));
  }

  // Sorted by center; transitions at the same center keep the narrowest width.
  static std::vector<program::Transition> merged(std::vector<program::Transition> t) {
    std::sort(t.begin(), t.end(), [](const auto& p, const auto& q) {
      return p.center != q.center ? p.center < q.center : p.width < q.width;
    });
    t.erase(std::unique(t.begin(), t.end(), [](const auto& p, const auto& q) { return p.center == q.center; }), t.end());
    return t;
  }

  void visit_all(Expr e) {
    if (!seen_.insert(e).second) return;
    for (Expr k : e->children()) visit_all(k);
    if (!e->depends_on_x()) return;
    switch (e->kind) {
      case Kind::Abs: case Kind::Sign: case Kind::Heaviside: case Kind::Relu: case Kind::Delta:
        singular_at_zero_of(e->kids[0]);
        break;
      case Kind::Select: singular_at_zero_of(e->kids[0]); break;
      case Kind::Min: case Kind::Max: {
        const auto l = affine(e->kids[0]), r = affine(e->kids[1]);
        if (l && r) {
          if (l->slope != r->slope) breaks_.push_back(-(l->intercept - r->intercept) / (l->slope - r->slope));
        } else {
          smooth_ = false;
        }
        break;
      }
      case Kind::Log:
        if (!positive(e->kids[0])) singular_at_zero_of(e->kids[0]);
        break;
      case Kind::Sin: case Kind::Cos: oscillating(e->kids[0]); break;
      case Kind::Erf: case Kind::Tanh: case Kind::Sigmoid: case Kind::Atan:
        steep_at_zero_of(e->kids[0], 1.0);
        break;
      case Kind::Exp: steep_bump(e->kids[0]); break;
      case Kind::Pow: {
        const Expr ex = e->kids[1];
        const bool polynomial = ex->is_const() && ex->value >= 0 && ex->value == std::floor(ex->value);
        if (ex->depends_on_x()) smooth_ = false;
        else if (!polynomial && e->kids[0]->depends_on_x() && !positive(e->kids[0])) singular_at_zero_of(e->kids[0]);
        break;
      }
      default: break;
    }
  }

  // f == 0 outside the returned interval (an over-approximation).
  Interval support(Expr e) {
    if (auto it = support_.find(e); it != support_.end()) return it->second;
    Interval r = everywhere;
    const auto& k = e->kids;
    switch (e->kind) {
      case Kind::Const: r = e->value == 0 ? nowhere : everywhere; break;
      case Kind::Mul: r = meet(support(k[0]), support(k[1])); break;
      case Kind::Add: r = hull(support(k[0]), support(k[1])); break;
      // f(0) = 0: zero wherever the argument is
      case Kind::Abs: case Kind::Sign: case Kind::Erf: case Kind::Tanh: case Kind::Sin: case Kind::Atan:
        r = support(k[0]);
        break;
      case Kind::Pow:
        if (k[1]->is_const() && k[1]->value > 0) r = support(k[0]);
        break;
      case Kind::Relu: r = meet(nonnegative_set(k[0]), support(k[0])); break;
      case Kind::Heaviside: r = nonnegative_set(k[0]); break;  // H(0) = 1/2: the closed set
      case Kind::Max:
        if (k[0]->is_const(0)) r = nonnegative_set(k[1]);
        else if (k[1]->is_const(0)) r = nonnegative_set(k[0]);
        else r = hull(support(k[0]), support(k[1]));
        break;
      case Kind::Min: r = hull(support(k[0]), support(k[1])); break;
      case Kind::Select: r = hull(meet(support(k[0]), support(k[1])), support(k[2])); break;
      default: break;
    }
    support_[e] = r;
    return r;
  }

  // +1 even, -1 odd, 0 unknown.
  int parity(Expr e) {
    if (auto it = parity_.find(e); it != parity_.end()) return it->second;
    int p = 0;
    const auto& k = e->kids;
    auto kid = [&](int i) { return parity(k[i]); };
    switch (e->kind) {
      case Kind::Const: p = 1; break;
      case Kind::Var: p = -1; break;
      case Kind::Add: p = kid(0) == kid(1) ? kid(0) : 0; break;
      case Kind::Mul: p = kid(0) * kid(1); break;
      case Kind::Pow:
        if (k[1]->is_const() && k[1]->value == std::floor(k[1]->value))
          p = kid(0) == 1 ? 1 : kid(0) == -1 ? (std::fmod(k[1]->value, 2.0) == 0 ? 1 : -1) : 0;
        else if (kid(0) == 1 && kid(1) == 1)
          p = 1;
        break;
      case Kind::Sign: case Kind::Erf: case Kind::Tanh: case Kind::Sin: case Kind::Atan:
        p = kid(0);  // odd functions keep their argument's parity
        break;
      case Kind::Abs: case Kind::Cos: case Kind::Delta:  // even functions: even of either parity
        p = kid(0) != 0 ? 1 : 0;
        break;
      case Kind::Exp: case Kind::Log: case Kind::Heaviside: case Kind::Relu: case Kind::Sigmoid:
        p = kid(0) == 1 ? 1 : 0;
        break;
      case Kind::Min: case Kind::Max: p = kid(0) == 1 && kid(1) == 1 ? 1 : 0; break;
      case Kind::Select: p = kid(0) == 1 && kid(1) == 1 && kid(2) == 1 ? 1 : 0; break;
      case Kind::Derivative: break;  // expanded by differentiate before any shape is needed
    }
    parity_[e] = p;
    return p;
  }

  std::unordered_set<Expr> seen_;
  std::unordered_map<Expr, Interval> support_;
  std::unordered_map<Expr, int> parity_;
  std::vector<double> breaks_;
  std::vector<program::Transition> transitions_;
  double period_ = HUGE_VAL;
  bool smooth_ = true;
};

}  // namespace

program::Shape analyze_shape(Expr e) { return Analyzer().run(e); }

std::optional<Affine> affine(Expr e) {
  if (!e->depends_on_x()) return Affine{0.0, graph::evaluate(e, 0.0)};
  switch (e->kind) {
    case Kind::Var: return Affine{1.0, 0.0};
    case Kind::Add: {
      const auto l = affine(e->kids[0]), r = affine(e->kids[1]);
      if (!l || !r) return std::nullopt;
      return Affine{l->slope + r->slope, l->intercept + r->intercept};
    }
    case Kind::Mul: {
      const auto l = affine(e->kids[0]), r = affine(e->kids[1]);
      if (!l || !r || (l->slope != 0 && r->slope != 0)) return std::nullopt;
      return Affine{l->slope * r->intercept + r->slope * l->intercept, l->intercept * r->intercept};
    }
    default: return std::nullopt;
  }
}

}  // namespace sgntk::passes
