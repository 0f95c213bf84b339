#include "compiler/passes/match_gaussian.h"

#include "compiler/graph/print.h"
#include <algorithm>

#include "compiler/passes/analyze_tails.h"
#include "compiler/passes/check_integrable.h"
#include "compiler/passes/gaussian_family.h"
#include "compiler/passes/match_gaussian_rules.h"
#include "compiler/passes/plan_quadrature.h"

namespace sgntk::passes {
namespace {

// A side's atoms; a plugin operand is one generic atom with no expression.
struct Side {
  std::vector<WeightedAtom> atoms;
  std::optional<program::PluginCall> plugin;
};

Side expand(graph::GraphContext& g, const Operand& op) {
  Side side;
  if (op.plugin) {
    side.plugin = op.plugin;
    side.atoms.push_back({1.0, Atom{.family = Family::generic}});
  } else {
    side.atoms = expand_families(g, op.expr);
    // Atoms of an integrable operand can each be singular where their sum is not: sin(x)/x has
    // the derivative cos(x)/x - sin(x)/x^2. Such an operand is integrated whole.
    auto singular = [](const WeightedAtom& w) {
      return w.atom.family == Family::generic && w.atom.expr && integrability_problem(w.atom.expr);
    };
    if (!op.expr->has_delta && std::any_of(side.atoms.begin(), side.atoms.end(), singular) &&
        !integrability_problem(op.expr))
      side.atoms = {{1.0, Atom{.family = Family::generic, .expr = op.expr}}};
  }
  return side;
}

// Appends the closed form of coef * E[f(u) g(v)] from the first rule that matches, in either
// orientation. False when none does.
bool match_closed_form(const Atom& f, const Atom& g, double coef, const MatchOptions& options,
                       std::vector<program::Term>& out) {
  // delta x delta has no quadrature alternative: it keeps its closed form in every mode.
  const bool delta_pair = f.family == Family::bump && g.family == Family::bump && f.eps == 0 && g.eps == 0;
  if (!options.closed_forms && !delta_pair) return false;
  for (const PairRule& rule : pair_rules()) {
    for (int orientation = 0; orientation < 2; ++orientation) {
      const bool swap = orientation == 1;
      const Atom& first = swap ? g : f;
      const Atom& second = swap ? f : g;
      const bool any = rule.f == Family::generic && rule.g == Family::generic;
      if (!any && (first.family != rule.f || second.family != rule.g)) continue;
      if (any && (first.family == Family::generic || second.family == Family::generic)) continue;
      if (rule.condition && !rule.condition(first, second)) continue;
      rule.emit(first, second, coef, swap, out);
      return true;
    }
  }
  return false;
}

void plan_pairs(graph::GraphContext& g, const Operand& f, const Operand& gside, const MatchOptions& options,
                program::Expectation& result);
void plan_whole_series(graph::GraphContext& g, const Operand& f, const Operand& gside, const MatchOptions& options,
                       program::Expectation& result);

}  // namespace

program::Label Operand::label() const {
  if (plugin) return *plugin;
  return graph::to_spec(expr);
}

program::Expectation match_gaussian(graph::GraphContext& g, const Operand& f, const Operand& gside,
                                    const MatchOptions& options) {
  program::Expectation result;
  result.f = f.label();
  result.g = gside.label();
  result.growth = {f.expr ? tail_growth(f.expr) : 0.0, gside.expr ? tail_growth(gside.expr) : 0.0};
  if (result.growth.f <= 0 && result.growth.g <= 0) result.growth = {};  // converges for every covariance
  try {
    for (const Operand* side : {&f, &gside})
      if (side->expr)
        if (const auto problem = integrability_problem(side->expr)) throw MatchError(*problem);
    if (f.expr && gside.expr)
      if (const auto problem = diagonal_singularity(f.expr, gside.expr)) throw MatchError(*problem);
    plan_pairs(g, f, gside, options, result);
  } catch (const MatchError& e) {
    // Not computable: recorded with its reason, reported only if a kernel needs it.
    result.terms.clear();
    result.infinite_on_diagonal = false;
    result.unavailable = e.what();
  }
  return result;
}

namespace {

void plan_pairs(graph::GraphContext& g, const Operand& f, const Operand& gside, const MatchOptions& options,
                program::Expectation& result) {
  const Side fs = expand(g, f), gs = expand(g, gside);
  for (const WeightedAtom& fa : fs.atoms) {
    for (const WeightedAtom& ga : gs.atoms) {
      const double coef = fa.weight * ga.weight;
      if (coef == 0) continue;
      const std::size_t before = result.terms.size();
      if (!match_closed_form(fa.atom, ga.atom, coef, options, result.terms))
        plan_quadrature(g, PlanSide{fa.atom, fs.plugin}, PlanSide{ga.atom, gs.plugin}, coef, options, result.terms);
      for (std::size_t i = before; i < result.terms.size(); ++i) {
        const auto* closed = std::get_if<program::ClosedFormTerm>(&result.terms[i].what);
        if (closed && closed->id == program::ClosedFormId::bump_bump && closed->p[0] == 0 && closed->p[1] == 0)
          result.infinite_on_diagonal = true;
      }
    }
  }
  plan_whole_series(g, f, gside, options, result);
}

bool is_series(const program::Term& t) {
  const auto* q = std::get_if<program::QuadratureTerm>(&t.what);
  return q && q->method == program::QuadratureTerm::Method::hermite_series;
}

// The expansion distributes products of sums (phi' = 1 - tanh^2 gives four terms, SiLU's
// derivative four more), and each series term costs the kernel a sum per entry. When the
// expansion left a series term and nothing the series cannot stand in for (only closed forms
// and series), Mehler's series of the whole product E[f(u) g(v)] replaces them all: one sum,
// and no cancellation between the parts.
void plan_whole_series(graph::GraphContext& g, const Operand& f, const Operand& gside, const MatchOptions& options,
                       program::Expectation& result) {
  const auto& terms = result.terms;
  const bool any_series = std::any_of(terms.begin(), terms.end(), is_series);
  const bool replaceable = std::all_of(terms.begin(), terms.end(), [](const program::Term& t) {
    return is_series(t) || std::holds_alternative<program::ClosedFormTerm>(t.what);
  });
  if (!any_series || !replaceable || terms.size() < 2 || result.infinite_on_diagonal || !f.expr || !gside.expr ||
      f.plugin || gside.plugin || f.expr->has_delta || gside.expr->has_delta)
    return;
  std::vector<program::Term> whole;
  plan_quadrature(g, PlanSide{Atom{.family = Family::generic, .expr = f.expr}, std::nullopt},
                  PlanSide{Atom{.family = Family::generic, .expr = gside.expr}, std::nullopt}, 1.0, options, whole);
  if (whole.size() == 1 && is_series(whole[0])) result.terms = std::move(whole);
}

}  // namespace

}  // namespace sgntk::passes
