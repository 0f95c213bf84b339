// Helpers shared by the simplifier's rules: affine forms, flattening sums and products into
// canonical left-nested chains, and the rules on Add and Mul (simplify_collect.cpp).
#pragma once
#include <optional>
#include <utility>
#include <vector>

#include "compiler/graph/context.h"
#include "compiler/passes/simplify_rules.h"

namespace sgntk::passes::detail {

struct Affine {
  double k, s;  // k*x + s
};
// k*x + s with constant k != 0 (x, k*x, x + s, k*x + s in either operand order).
std::optional<Affine> as_affine(graph::Expr e);

// Terms of a sum / factors of a product, left to right through nested Add / Mul nodes.
void flatten(graph::Kind kind, graph::Expr e, std::vector<graph::Expr>& out);

// Left-nested chains: ((c*f1)*f2)*f3 with the coefficient first and omitted when 1;
// (t1 + t2) + t3 with an empty sum being 0.
graph::Expr build_product(graph::GraphContext& g, double coef, const std::vector<graph::Expr>& factors);
graph::Expr build_sum(graph::GraphContext& g, const std::vector<graph::Expr>& terms);

// e = coef * rest, rest a product without a constant factor (nullptr when e is a constant).
std::pair<double, graph::Expr> split_coefficient(graph::GraphContext& g, graph::Expr e);

// Rules on sums and products (simplify_collect.cpp).
graph::Expr add_zero(RuleContext& rc, graph::Expr e);
graph::Expr add_collect(RuleContext& rc, graph::Expr e);
graph::Expr mul_zero(RuleContext& rc, graph::Expr e);
graph::Expr mul_one(RuleContext& rc, graph::Expr e);
graph::Expr mul_sift_delta(RuleContext& rc, graph::Expr e);
graph::Expr mul_step_relu(RuleContext& rc, graph::Expr e);
graph::Expr mul_distribute_const(RuleContext& rc, graph::Expr e);
graph::Expr mul_distribute_delta_sum(RuleContext& rc, graph::Expr e);
graph::Expr mul_collect(RuleContext& rc, graph::Expr e);

}  // namespace sgntk::passes::detail
