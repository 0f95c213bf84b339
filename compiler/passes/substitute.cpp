#include "compiler/passes/substitute.h"

#include <array>
#include <unordered_map>

namespace sgntk::passes {

namespace {
class Substituter {
 public:
  Substituter(graph::GraphContext& g, graph::Expr replacement) : g_(g), replacement_(replacement) {}

  // Memoised: shared subexpressions are rebuilt once; subtrees without x are returned as is.
  graph::Expr run(graph::Expr e) {
    if (!e->has_var) return e;
    if (e->is(graph::Kind::Var)) return replacement_;
    if (auto it = memo_.find(e); it != memo_.end()) return it->second;
    std::array<graph::Expr, 3> kids{};
    for (int i = 0; i < e->arity; ++i) kids[i] = run(e->kids[i]);
    const graph::Expr out = g_.make(e->kind, std::span<const graph::Expr>(kids.data(), e->arity), e->value);
    memo_.emplace(e, out);
    return out;
  }

 private:
  graph::GraphContext& g_;
  graph::Expr replacement_;
  std::unordered_map<graph::Expr, graph::Expr> memo_;
};
}  // namespace

graph::Expr substitute(graph::GraphContext& g, graph::Expr f, graph::Expr replacement) {
  return Substituter(g, replacement).run(f);
}

}  // namespace sgntk::passes
