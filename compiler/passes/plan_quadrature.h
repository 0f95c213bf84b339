// Plans the numeric part of a Gaussian expectation: one pair of family atoms that no closed
// form matched (match_gaussian.h) becomes a bump-conditional term when either side is a bump or
// delta (which removes one dimension), else a quadrature term: tensor Gauss-Hermite for
// polynomial pairs, the conditional method otherwise. Each side is compiled to bytecode with its
// shape (break points, support) and its closed 1-D average when it has one; a plugin side is
// recorded by reference, and bind completes its shape and E1 hook.
#pragma once
#include <optional>
#include <vector>

#include "compiler/graph/context.h"
#include "compiler/passes/gaussian_family.h"
#include "compiler/passes/plan_options.h"
#include "runtime/program/program.h"

namespace sgntk::passes {

// One side of the pair: an atom of an expression, or (a generic atom) a plugin surrogate.
struct PlanSide {
  const Atom& atom;
  std::optional<program::PluginCall> plugin;
};

// Appends coef * E[f(u) g(v)] as one numeric term. Throws MatchError for an integrand that
// cannot be evaluated pointwise (a delta that is not a factor of its own term) or integrated
// (check_integrable.h: undefined on part of the line, a non-integrable singularity).
void plan_quadrature(graph::GraphContext& g, const PlanSide& f, const PlanSide& gside, double coef,
                     const MatchOptions& options, std::vector<program::Term>& out);

}  // namespace sgntk::passes
