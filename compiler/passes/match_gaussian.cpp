#include "compiler/passes/match_gaussian.h"

#include <cmath>
#include <fmt/format.h>
#include <numbers>

#include "compiler/graph/build.h"
#include "compiler/graph/print.h"
#include "compiler/passes/emit_bytecode.h"
#include "compiler/passes/analyze_shape.h"
#include "compiler/passes/gaussian_family.h"
#include "compiler/passes/match_gaussian_rules.h"
#include "runtime/closed_averages.h"

namespace sgntk::passes {
namespace {

using graph::Expr;
using graph::Kind;

// A side's atoms; an external operand is one generic atom with no expression.
struct Side {
  std::vector<WeightedAtom> atoms;
  const ExternalFunction* external = nullptr;
};

Side expand(graph::GraphContext& g, const Operand& op) {
  Side side;
  if (op.external) {
    side.external = &*op.external;
    side.atoms.push_back({1.0, Atom{.family = Family::generic}});
  } else {
    side.atoms = expand_families(g, op.expr);
  }
  return side;
}

// The atom as an expression that bytecode can evaluate (no delta).
Expr atom_expr(graph::GraphContext& g, const Atom& a) {
  const Expr x = g.x();
  switch (a.family) {
    case Family::one: return g.constant(1);
    case Family::erf:
      if (a.eps == 0) return graph::call(g, Kind::Sign, x);
      return graph::call(g, Kind::Erf, graph::mul(g, g.constant(1 / std::sqrt(2 * a.eps)), x));
    case Family::bump: {
      if (a.eps == 0) throw MatchError("internal: a delta cannot be evaluated pointwise");
      const Expr d = graph::sub(g, x, g.constant(a.shift));
      const Expr e = graph::call(g, Kind::Exp, graph::mul(g, g.constant(-0.5 / a.eps), graph::pow(g, d, g.constant(2))));
      return graph::mul(g, g.constant(1 / std::sqrt(2 * std::numbers::pi * a.eps)), e);
    }
    case Family::relu: return graph::call(g, Kind::Relu, x);
    case Family::moment: return graph::pow(g, x, g.constant(a.p));
    case Family::cos:
    case Family::sin: return graph::call(g, a.family == Family::cos ? Kind::Cos : Kind::Sin, graph::mul(g, g.constant(a.k), x));
    case Family::generic: return a.expr;
  }
  return a.expr;
}

runtime::GaussianAverageRef atom_average(const Atom& a) {
  switch (a.family) {
    case Family::one: return runtime::moment_average(0);
    case Family::erf: return runtime::erf_average(a.eps);
    case Family::bump: return runtime::bump_average(a.eps, a.shift);
    case Family::relu: return runtime::relu_average();
    case Family::moment: return runtime::moment_average(a.p);
    case Family::cos: return runtime::cos_average(a.k);
    case Family::sin: return runtime::sin_average(a.k);
    case Family::generic: return nullptr;
  }
  return nullptr;
}

// What quadrature needs to know about one atom: its values, shape and closed average.
struct Numeric {
  runtime::ArrayFunctionRef fn;
  runtime::Shape shape;
  runtime::GaussianAverageRef average;
};

class Planner {
 public:
  Planner(graph::GraphContext& g, const MatchOptions& options) : g_(g), options_(options) {}

  Numeric numeric(const Atom& a, const Side& side) {
    if (a.family == Family::generic && side.external)
      return {side.external->fn, side.external->shape, options_.closed_forms ? side.external->average : nullptr};
    const Expr e = atom_expr(g_, a);
    if (e->has_delta)
      throw MatchError(fmt::format("cannot integrate '{}': a delta is only supported as a factor delta(k*x + s) "
                                   "of its own term",
                                   graph::to_spec(e)));
    return {passes::emit_bytecode(e), analyze_shape(e), options_.closed_forms ? atom_average(a) : nullptr};
  }

  void pair(const Atom& f, const Side& fs, const Atom& gg, const Side& gs, double coef,
            std::vector<runtime::Term>& out) {
    // delta x delta has no quadrature alternative: it keeps its closed form in every mode.
    const bool delta_pair = f.family == Family::bump && gg.family == Family::bump && f.eps == 0 && gg.eps == 0;
    for (const PairRule& rule : pair_rules()) {
      if (!options_.closed_forms && !delta_pair) break;
      for (int orientation = 0; orientation < 2; ++orientation) {
        const bool swap = orientation == 1;
        const Atom& first = swap ? gg : f;
        const Atom& second = swap ? f : gg;
        const bool any = rule.f == Family::generic && rule.g == Family::generic;
        if (!any && (first.family != rule.f || second.family != rule.g)) continue;
        if (any && (first.family == Family::generic || second.family == Family::generic)) continue;
        if (rule.condition && !rule.condition(first, second)) continue;
        rule.emit(first, second, coef, swap, out);
        return;
      }
    }
    // A bump (or delta) on either side removes one dimension.
    if (f.family == Family::bump || gg.family == Family::bump) {
      const bool bump_on_v = f.family != Family::bump;
      const Atom& bump = bump_on_v ? gg : f;
      const Numeric other = bump_on_v ? numeric(f, fs) : numeric(gg, gs);
      runtime::BumpConditionalTerm term;
      term.eps = bump.eps;
      term.shift = bump.shift;
      term.bump_on_v = bump_on_v;
      term.g = other.fn;
      term.g_shape = other.shape;
      term.g_average = other.average;
      out.push_back(runtime::Term{coef, term});
      return;
    }
    Numeric nf = numeric(f, fs), ng = numeric(gg, gs);
    runtime::QuadratureTerm term;
    term.tolerance = options_.tolerance;
    term.order = options_.gauss_hermite_order;
    // The conditional method integrates over u outside (adaptive, split at f's break points)
    // and takes E1[g] inside; it meets the tolerance for every integrand we have measured,
    // while tensor Gauss-Hermite misses 1e-10 for steep smooth integrands already at moderate
    // correlation (erf(2u) erf(2v), a = 1, b = 0.2, rho = 0.78: 2e-7 with 64^2 points). So
    // Gauss-Hermite is kept for polynomial pairs, where it is exact; everything else is
    // conditional, in the orientation whose inner average is a closed formula if one is.
    const bool polynomial = (f.family == Family::moment || f.family == Family::one) &&
                            (gg.family == Family::moment || gg.family == Family::one);
    term.method = polynomial ? runtime::QuadratureTerm::Method::gauss_hermite : runtime::QuadratureTerm::Method::conditional;
    if (!polynomial && !ng.average && nf.average) {
      std::swap(nf, ng);
      term.swap = true;
    }
    term.f = nf.fn;
    term.g = ng.fn;
    term.f_shape = nf.shape;
    term.g_shape = ng.shape;
    term.g_average = polynomial ? nullptr : ng.average;
    out.push_back(runtime::Term{coef, term});
  }

 private:
  graph::GraphContext& g_;
  const MatchOptions& options_;
};

}  // namespace

std::string Operand::text() const {
  if (external) return external->fn->text();
  return graph::to_spec(expr);
}

runtime::Expectation match_gaussian(graph::GraphContext& g, const Operand& f, const Operand& gside,
                                    const MatchOptions& options) {
  runtime::Expectation result;
  result.f_text = f.text();
  result.g_text = gside.text();
  const Side fs = expand(g, f), gs = expand(g, gside);
  Planner planner(g, options);
  for (const WeightedAtom& fa : fs.atoms) {
    for (const WeightedAtom& ga : gs.atoms) {
      const double coef = fa.weight * ga.weight;
      if (coef == 0) continue;
      const std::size_t before = result.terms.size();
      planner.pair(fa.atom, fs, ga.atom, gs, coef, result.terms);
      for (std::size_t i = before; i < result.terms.size(); ++i) {
        const auto* closed = std::get_if<runtime::ClosedFormTerm>(&result.terms[i].what);
        if (closed && closed->id == runtime::ClosedFormId::bump_bump && closed->p[0] == 0 && closed->p[1] == 0)
          result.infinite_on_diagonal = true;
      }
    }
  }
  return result;
}

}  // namespace sgntk::passes
