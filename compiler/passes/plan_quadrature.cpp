#include "compiler/passes/plan_quadrature.h"

#include <cmath>
#include <fmt/format.h>
#include <numbers>

#include "compiler/graph/build.h"
#include "compiler/graph/print.h"
#include "compiler/passes/analyze_shape.h"
#include "compiler/passes/analyze_tails.h"
#include "compiler/passes/check_integrable.h"
#include "compiler/passes/emit_bytecode.h"

namespace sgntk::passes {
namespace {

using graph::Expr;
using graph::Kind;

// The atom as an expression that bytecode can evaluate (no delta).
Expr atom_expr(graph::GraphContext& g, const Atom& a) {
  const Expr x = g.x();
  switch (a.family) {
    case Family::one: return g.constant(1);
    case Family::erf: {
      const Expr shifted = a.shift == 0 ? x : graph::sub(g, x, g.constant(a.shift));
      if (a.eps == 0) return graph::call(g, Kind::Sign, shifted);
      return graph::call(g, Kind::Erf, graph::mul(g, g.constant(1 / std::sqrt(2 * a.eps)), shifted));
    }
    case Family::bump: {
      if (a.eps == 0) throw MatchError("internal: a delta cannot be evaluated pointwise");
      const Expr d = a.shift == 0 ? x : graph::sub(g, x, g.constant(a.shift));
      const Expr e = graph::call(g, Kind::Exp, graph::mul(g, g.constant(-0.5 / a.eps), graph::pow(g, d, g.constant(2))));
      return graph::mul(g, g.constant(1 / std::sqrt(2 * std::numbers::pi * a.eps)), e);
    }
    case Family::relu:
      return a.p == 1 ? graph::call(g, Kind::Relu, x) : graph::pow(g, graph::call(g, Kind::Relu, x), g.constant(a.p));
    case Family::moment: return graph::pow(g, x, g.constant(a.p));
    case Family::cos:
    case Family::sin: return graph::call(g, a.family == Family::cos ? Kind::Cos : Kind::Sin, graph::mul(g, g.constant(a.k), x));
    case Family::generic: return a.expr;
  }
  return a.expr;
}

// The closed 1-D Gaussian average of an atom's family (none for generic atoms).
std::optional<program::ClosedAverage> atom_average(const Atom& a) {
  using program::AverageId;
  switch (a.family) {
    case Family::one: return program::ClosedAverage{AverageId::moment, {0, 0}};
    case Family::erf: return program::ClosedAverage{AverageId::erf, {a.eps, a.shift}};
    case Family::bump: return program::ClosedAverage{AverageId::bump, {a.eps, a.shift}};
    case Family::relu:
      if (a.p != 1) return std::nullopt;
      return program::ClosedAverage{AverageId::relu, {0, 0}};
    case Family::moment: return program::ClosedAverage{AverageId::moment, {static_cast<double>(a.p), 0}};
    case Family::cos: return program::ClosedAverage{AverageId::cos, {a.k, 0}};
    case Family::sin: return program::ClosedAverage{AverageId::sin, {a.k, 0}};
    case Family::generic: return std::nullopt;
  }
  return std::nullopt;
}

// What quadrature needs to know about one side: its values, shape and closed average.
program::Integrand integrand(graph::GraphContext& g, const PlanSide& side, const MatchOptions& options) {
  if (side.atom.family == Family::generic && side.plugin)
    return program::PluginIntegrand{side.plugin->plugin, options.closed_forms};
  const Expr e = atom_expr(g, side.atom);
  if (e->has_delta)
    throw MatchError(fmt::format("cannot integrate '{}': a delta is only supported as a factor delta(k*x + s) "
                                 "of its own term",
                                 graph::to_spec(e)));
  if (const auto problem = integrability_problem(e)) throw MatchError(*problem);
  return program::CompiledIntegrand{emit_bytecode(e), analyze_shape(e),
                                    options.closed_forms ? atom_average(side.atom) : std::nullopt};
}

// Whether Mehler's series suits the pair: compiled sides (a plugin's shape is known only at
// bind, which decides for it) of suitable shapes (program::series_suits), growing slower than
// any exp(r x^2).
bool series_suits(const program::Integrand& fi, const PlanSide& f, const program::Integrand& gi, const PlanSide& g) {
  const auto* cf = std::get_if<program::CompiledIntegrand>(&fi);
  const auto* cg = std::get_if<program::CompiledIntegrand>(&gi);
  auto tame = [](const PlanSide& side) { return !side.atom.expr || tail_growth(side.atom.expr) == 0.0; };
  return cf && cg && tame(f) && tame(g) && program::series_suits(cf->shape, cg->shape);
}

}  // namespace

void plan_quadrature(graph::GraphContext& g, const PlanSide& f, const PlanSide& gside, double coef,
                     const MatchOptions& options, std::vector<program::Term>& out) {
  using Method = program::QuadratureTerm::Method;
  // A Gaussian bump of positive width is smooth itself: with a smooth or piecewise other side
  // (tanh' against the paper's erf' surrogate) Mehler's series costs a short sum per entry, where
  // the bump conditional below costs an adaptive integral. A narrow bump shows as a steep
  // transition and keeps the conditional.
  const bool f_bump = f.atom.family == Family::bump, g_bump = gside.atom.family == Family::bump;
  if (f_bump != g_bump && (f_bump ? f : gside).atom.eps > 0) {
    program::Integrand fi = integrand(g, f, options), gi = integrand(g, gside, options);
    if (series_suits(fi, f, gi, gside)) {
      program::QuadratureTerm term;
      term.tolerance = options.tolerance;
      term.order = options.gauss_hermite_order;
      term.method = Method::hermite_series;
      term.f = std::move(fi);
      term.g = std::move(gi);
      out.push_back(program::Term{coef, term});
      return;
    }
  }
  // A bump (or delta) on either side removes one dimension.
  if (f_bump || g_bump) {
    const bool bump_on_v = f.atom.family != Family::bump;
    const Atom& bump = bump_on_v ? gside.atom : f.atom;
    program::BumpConditionalTerm term;
    term.eps = bump.eps;
    term.shift = bump.shift;
    term.bump_on_v = bump_on_v;
    term.g = integrand(g, bump_on_v ? f : gside, options);
    out.push_back(program::Term{coef, term});
    return;
  }
  program::QuadratureTerm term;
  term.tolerance = options.tolerance;
  term.order = options.gauss_hermite_order;
  // The conditional method integrates over u outside (adaptive, split at f's break points)
  // and takes E1[g] inside; it meets the tolerance for every integrand we have measured,
  // while tensor Gauss-Hermite misses 1e-10 for steep smooth integrands already at moderate
  // correlation (erf(2u) erf(2v), a = 1, b = 0.2, rho = 0.78: 2e-7 with 64^2 points). So
  // Gauss-Hermite is kept for polynomial pairs, where it is exact; everything else is
  // conditional, and bind puts inside the side whose inner average is a closed formula.
  //
  // In the kernel engine the conditional method costs milliseconds per entry. Where both sides
  // are smooth (analytic on the line, no steep transition) and grow slower than any exp(r x^2),
  // or one is smooth and the other piecewise at known break points, Mehler's series converges
  // fast and costs a short sum per entry (hermite_series); its entries that cannot meet the
  // tolerance fall back to the conditional method.
  auto polynomial = [](const Atom& a) { return a.family == Family::moment || a.family == Family::one; };
  term.f = integrand(g, f, options);
  term.g = integrand(g, gside, options);
  if (polynomial(f.atom) && polynomial(gside.atom))
    term.method = Method::gauss_hermite;
  else if (series_suits(term.f, f, term.g, gside))
    term.method = Method::hermite_series;
  else
    term.method = Method::conditional;
  out.push_back(program::Term{coef, term});
}

}  // namespace sgntk::passes
