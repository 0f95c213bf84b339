// The simplifier's rule table: rewrite rules as data. Each rule rewrites one
// node whose children are already simplified, or returns nullptr when it does not apply;
// simplify() (simplify.h) tries the rules of a node's kind in table order, re-simplifies the
// result, and repeats until no rule applies. Rules are local, deterministic, and each one makes
// the expression smaller or more canonical, so the process terminates.
#pragma once
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>

#include "compiler/graph/context.h"

namespace sgntk::passes {

// What a rule may use: the graph, and memoised facts about nodes (so every query is linear).
class RuleContext {
 public:
  explicit RuleContext(graph::GraphContext& g) : g(g) {}
  graph::GraphContext& g;
  bool has_infinity(graph::Expr e);  // an infinite constant occurs in e

 private:
  std::unordered_map<graph::Expr, bool> has_infinity_;
};

struct RewriteRule {
  std::string_view name;            // "<kind>.<what>", e.g. "erf.limit"; unique
  std::optional<graph::Kind> kind;  // std::nullopt: tried on every kind
  graph::Expr (*rewrite)(RuleContext&, graph::Expr);
};

std::span<const RewriteRule> rewrite_rules();

}  // namespace sgntk::passes
