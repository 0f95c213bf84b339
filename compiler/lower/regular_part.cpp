#include "compiler/lower/regular_part.h"

#include <unordered_map>
#include <vector>

#include "compiler/passes/simplify.h"

namespace sgntk::lower {

graph::Expr regular_part(graph::GraphContext& g, graph::Expr e) {
  if (!e->has_delta) return e;
  std::unordered_map<graph::Expr, graph::Expr> memo;
  auto rebuild = [&](auto& self, graph::Expr n) -> graph::Expr {
    if (!n->has_delta) return n;
    if (n->is(graph::Kind::Delta)) return g.constant(0);
    if (auto it = memo.find(n); it != memo.end()) return it->second;
    std::vector<graph::Expr> kids;
    for (graph::Expr k : n->children()) kids.push_back(self(self, k));
    graph::Expr r = g.make(n->kind, kids, n->value);
    memo.emplace(n, r);
    return r;
  };
  return passes::simplify(g, rebuild(rebuild, e));
}

}  // namespace sgntk::lower
