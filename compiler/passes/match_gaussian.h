// Plans a bivariate Gaussian expectation E[f(u) g(v)], (u, v) ~ N(0, [[a, c], [c, b]]):
// expands f and g into family atoms (gaussian_family.h), matches each pair against the table of
// closed forms (match_gaussian_rules.cpp), and hands every pair without one to plan_quadrature.
// Records how fast f and g grow in the tails (analyze_tails.h). A pair that cannot be planned
// makes the whole expectation `unavailable`, with the reason (program.h), instead of failing.
#pragma once
#include <optional>

#include "compiler/graph/context.h"
#include "compiler/passes/plan_options.h"
#include "runtime/program/program.h"

namespace sgntk::passes {

// One side of the expectation: an expression in x, or a plugin surrogate of the program.
struct Operand {
  graph::Expr expr = nullptr;
  std::optional<program::PluginCall> plugin;
  program::Label label() const;  // the spec text, or the plugin
};

program::Expectation match_gaussian(graph::GraphContext& g, const Operand& f, const Operand& gside,
                                    const MatchOptions& options);

}  // namespace sgntk::passes
