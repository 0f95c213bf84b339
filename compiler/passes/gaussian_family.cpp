#include "compiler/passes/gaussian_family.h"

#include <cmath>
#include <fmt/format.h>
#include <numbers>
#include <optional>

#include "compiler/graph/build.h"
#include "compiler/graph/print.h"

namespace sgntk::passes {
namespace {

using graph::Expr;
using graph::Kind;

struct Affine {
  double k, s;  // k*x + s
};

// k*x + s with constant k != 0, s.
std::optional<Affine> as_affine(Expr e) {
  if (e->is(Kind::Var)) return Affine{1, 0};
  if (e->is(Kind::Mul) && e->kids[0]->is_const() && e->kids[1]->is(Kind::Var))
    return Affine{e->kids[0]->value, 0};
  if (e->is(Kind::Mul) && e->kids[1]->is_const() && e->kids[0]->is(Kind::Var))
    return Affine{e->kids[1]->value, 0};
  if (e->is(Kind::Add)) {
    for (int i = 0; i < 2; ++i) {
      if (!e->kids[i]->is_const()) continue;
      if (auto inner = as_affine(e->kids[1 - i]); inner && inner->s == 0)
        return Affine{inner->k, e->kids[i]->value};
    }
  }
  return std::nullopt;
}

bool finite_nonzero(double k) { return std::isfinite(k) && k != 0; }

// Where k x + s crosses zero (+0 rather than -0, so that equal atoms compare equal).
double shift_of(const Affine& a) { return a.s == 0 ? 0.0 : -a.s / a.k; }

// exp(arg) with arg = -q * (k x + s)^2 or -q x^2: the Gaussian bump family.
std::optional<std::pair<double, Affine>> as_gaussian_exponent(Expr arg) {
  double q = 1;
  Expr square = arg;
  if (arg->is(Kind::Mul) && arg->kids[0]->is_const()) {
    q = -arg->kids[0]->value;
    square = arg->kids[1];
  } else {
    return std::nullopt;
  }
  if (!(q > 0) || !std::isfinite(q)) return std::nullopt;
  if (!square->is(Kind::Pow) || !square->kids[1]->is_const(2.0)) return std::nullopt;
  auto affine = as_affine(square->kids[0]);
  if (!affine || !finite_nonzero(affine->k)) return std::nullopt;
  return std::make_pair(q, *affine);
}

class Expander {
 public:
  explicit Expander(graph::GraphContext& g) : g_(g) {}

  void add(double w, Expr e) {
    if (w == 0) return;
    switch (e->kind) {
      case Kind::Const:
        return push(w * e->value, Atom{Family::one});
      case Kind::Add:
        add(w, e->kids[0]);
        add(w, e->kids[1]);
        return;
      case Kind::Mul:
        if (e->kids[0]->is_const()) return add(w * e->kids[0]->value, e->kids[1]);
        if (e->kids[1]->is_const()) return add(w * e->kids[1]->value, e->kids[0]);
        if (e->kids[0]->is(Kind::Add) || e->kids[1]->is(Kind::Add)) return distribute(w, e);
        return generic(w, e);
      default:
        if (!classify(w, e)) generic(w, e);
    }
  }

  std::vector<WeightedAtom> result() {
    std::vector<WeightedAtom> out;
    for (auto& wa : atoms_)
      if (wa.weight != 0) out.push_back(wa);
    return out;
  }

 private:
  // (a + b) * c = a*c + b*c, only one level deep per call; recursion handles the rest.
  void distribute(double w, Expr e) {
    const int sum_side = e->kids[0]->is(Kind::Add) ? 0 : 1;
    Expr sum = e->kids[sum_side], other = e->kids[1 - sum_side];
    add(w, graph::mul(g_, sum->kids[0], other));
    add(w, graph::mul(g_, sum->kids[1], other));
  }

  bool classify(double w, Expr e) {
    switch (e->kind) {
      case Kind::Var:
        push(w, Atom{.family = Family::moment, .p = 1});
        return true;
      case Kind::Pow: {
        const double p = e->kids[1]->is_const() ? e->kids[1]->value : -1;
        if (e->kids[0]->is(Kind::Var) && p >= 0 && p <= 64 && p == std::floor(p)) {
          push(w, Atom{.family = Family::moment, .p = static_cast<int>(p)});
          return true;
        }
        // relu(k x)^2 = k^2 relu(x)^2 (k > 0): the arc-cosine family of degree 2
        if (e->kids[0]->is(Kind::Relu) && p == 2) {
          auto a = as_affine(e->kids[0]->kids[0]);
          if (!a || a->s != 0 || !(a->k > 0) || !std::isfinite(a->k)) return false;
          push(w * a->k * a->k, Atom{.family = Family::relu, .p = 2});
          return true;
        }
        return false;
      }
      case Kind::Erf:
      case Kind::Sign: {
        // erf(k x + s) = sign(k) erf(|k| (x - shift)), shift = -s/k; likewise sign
        auto a = as_affine(e->kids[0]);
        if (!a || !finite_nonzero(a->k) || !std::isfinite(a->s)) return false;
        const double sgn = a->k > 0 ? 1.0 : -1.0;
        double eps = 0;
        if (e->is(Kind::Erf)) eps = 1.0 / (2 * a->k * a->k);
        push(w * sgn, Atom{.family = Family::erf, .eps = eps, .shift = shift_of(*a)});
        return true;
      }
      case Kind::Heaviside: {
        // H(k x + s) = 1/2 + sign(k) sign(x - shift) / 2
        auto a = as_affine(e->kids[0]);
        if (!a || !finite_nonzero(a->k) || !std::isfinite(a->s)) return false;
        push(0.5 * w, Atom{Family::one});
        push(0.5 * w * (a->k > 0 ? 1 : -1), Atom{.family = Family::erf, .eps = 0, .shift = shift_of(*a)});
        return true;
      }
      case Kind::Relu:
      case Kind::Abs: {
        auto a = as_affine(e->kids[0]);
        if (!a || a->s != 0 || !finite_nonzero(a->k)) return false;
        const double k = std::abs(a->k);
        const Atom relu{.family = Family::relu, .p = 1};
        const Atom linear{.family = Family::moment, .p = 1};
        if (e->is(Kind::Abs)) {
          push(2 * k * w, relu);
          push(-k * w, linear);
        } else if (a->k > 0) {
          push(k * w, relu);
        } else {
          push(k * w, relu);
          push(-k * w, linear);
        }
        return true;
      }
      case Kind::Exp: {
        if (auto gauss = as_gaussian_exponent(e->kids[0])) {
          // exp(-q (k x + s)^2) = exp(-q k^2 (x + s/k)^2) = sqrt(pi/Q) N(x; -s/k, 1/(2Q)), Q = q k^2
          const auto [q, affine] = *gauss;
          const double big_q = q * affine.k * affine.k;
          if (!(big_q > 0) || !std::isfinite(big_q)) return false;
          push(w * std::sqrt(std::numbers::pi / big_q),
               Atom{.family = Family::bump, .eps = 1 / (2 * big_q), .shift = -affine.s / affine.k});
          return true;
        }
        return false;
      }
      case Kind::Delta: {
        if (e->value != 0) return false;
        auto a = as_affine(e->kids[0]);
        if (!a || !finite_nonzero(a->k)) return false;
        push(w / std::abs(a->k), Atom{.family = Family::bump, .eps = 0, .shift = -a->s / a->k});
        return true;
      }
      case Kind::Cos:
      case Kind::Sin: {
        auto a = as_affine(e->kids[0]);
        if (!a || a->s != 0 || !std::isfinite(a->k)) return false;
        const double k = std::abs(a->k);
        const double sgn = (e->is(Kind::Sin) && a->k < 0) ? -1.0 : 1.0;
        push(w * sgn, Atom{.family = e->is(Kind::Cos) ? Family::cos : Family::sin, .k = k});
        return true;
      }
      default:
        return false;
    }
  }

  void generic(double w, Expr e) { push(w, Atom{.family = Family::generic, .expr = e}); }

  void push(double w, Atom a) {
    for (auto& existing : atoms_) {
      if (existing.atom == a) {
        existing.weight += w;
        return;
      }
    }
    atoms_.push_back({w, a});
  }

  graph::GraphContext& g_;
  std::vector<WeightedAtom> atoms_;
};

}  // namespace

std::vector<WeightedAtom> expand_families(graph::GraphContext& g, graph::Expr e) {
  Expander expander(g);
  expander.add(1.0, e);
  return expander.result();
}

int parity(const Atom& a) {
  switch (a.family) {
    case Family::one: return 1;
    case Family::erf: return a.shift == 0 ? -1 : 0;
    case Family::bump: return a.shift == 0 ? 1 : 0;
    case Family::relu: return 0;
    case Family::moment: return a.p % 2 == 0 ? 1 : -1;
    case Family::cos: return 1;
    case Family::sin: return -1;
    case Family::generic: return 0;
  }
  return 0;
}

std::string describe(const Atom& a) {
  switch (a.family) {
    case Family::one: return "1";
    case Family::erf: {
      const std::string x = a.shift == 0 ? "x" : fmt::format("(x - {})", a.shift);
      return a.eps == 0 ? fmt::format("sign({})", x) : fmt::format("erf({}/sqrt(2*{}))", x, a.eps);
    }
    case Family::bump:
      if (a.eps == 0) return a.shift == 0 ? "delta(x)" : fmt::format("delta(x - {})", a.shift);
      return fmt::format("N(x; {}, {})", a.shift, a.eps);
    case Family::relu: return a.p == 1 ? "relu(x)" : fmt::format("relu(x)^{}", a.p);
    case Family::moment: return a.p == 1 ? "x" : fmt::format("x^{}", a.p);
    case Family::cos: return fmt::format("cos({}*x)", a.k);
    case Family::sin: return fmt::format("sin({}*x)", a.k);
    case Family::generic: return graph::to_spec(a.expr);
  }
  return "?";
}

}  // namespace sgntk::passes
