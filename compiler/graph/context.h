// GraphContext owns every node of one compilation and interns them (hash-consing): make()
// returns the existing node for an equal one. Nodes live as long as the context. Not
// thread-safe: build graphs on one thread, then share them read-only.
#pragma once
#include <deque>
#include <initializer_list>
#include <unordered_set>

#include "compiler/graph/expr.h"

namespace sgntk::graph {

class GraphContext {
 public:
  GraphContext() = default;
  GraphContext(const GraphContext&) = delete;
  GraphContext& operator=(const GraphContext&) = delete;

  // Raw, interning constructor: no canonicalisation, no simplification. Constants are
  // normalised so that -0.0 and 0.0 are one node and every NaN is one node.
  Expr make(Kind kind, std::span<const Expr> kids = {}, double value = 0.0);
  Expr make(Kind kind, std::initializer_list<Expr> kids, double value = 0.0) {
    return make(kind, std::span<const Expr>(kids.begin(), kids.size()), value);
  }

  Expr constant(double v) { return make(Kind::Const, {}, v); }
  Expr x() { return make(Kind::Var); }

  std::size_t node_count() const { return nodes_.size(); }

 private:
  struct Hash { std::size_t operator()(const Node* n) const { return n->hash; } };
  struct Equal { bool operator()(const Node* a, const Node* b) const; };
  std::deque<Node> nodes_;
  std::unordered_set<const Node*, Hash, Equal> table_;
};

}  // namespace sgntk::graph
