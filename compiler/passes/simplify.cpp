#include "compiler/passes/simplify.h"

#include <array>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "compiler/passes/simplify_rules.h"

namespace sgntk::passes {

namespace {

using graph::Expr;

// Rules per kind, in table order; kind-independent rules are tried first for every kind.
class RuleIndex {
 public:
  RuleIndex() {
    for (const RewriteRule& r : rewrite_rules())
      for (int k = 0; k < graph::kind_count; ++k)
        if (!r.kind || static_cast<int>(*r.kind) == k) by_kind_[k].push_back(&r);
  }
  const std::vector<const RewriteRule*>& of(graph::Kind k) const { return by_kind_[static_cast<int>(k)]; }

 private:
  std::array<std::vector<const RewriteRule*>, graph::kind_count> by_kind_;
};

class Simplifier {
 public:
  Simplifier(graph::GraphContext& g, std::vector<std::string_view>* fired) : rules_(g), fired_(fired) {}

  // Memoised on the node, so the work is linear in the number of distinct nodes.
  Expr run(Expr e) {
    if (auto it = memo_.find(e); it != memo_.end()) return it->second;
    std::array<Expr, 3> kids{};
    bool changed = false;
    for (int i = 0; i < e->arity; ++i) {
      kids[i] = run(e->kids[i]);
      changed = changed || kids[i] != e->kids[i];
    }
    const Expr rebuilt = changed ? rules_.g.make(e->kind, std::span<const Expr>(kids.data(), e->arity), e->value) : e;
    Expr out;
    if (auto it = memo_.find(rebuilt); it != memo_.end()) out = it->second;
    else out = rewrite(rebuilt);
    memo_[e] = out;
    memo_[out] = out;  // a normal form is its own normal form
    return out;
  }

 private:
  // e's children are in normal form: the first rule that applies gives a new expression, which
  // is simplified in turn (its new children included).
  Expr rewrite(Expr e) {
    static const RuleIndex index;
    for (const RewriteRule* rule : index.of(e->kind)) {
      const Expr next = rule->rewrite(rules_, e);
      if (!next || next == e) continue;
      if (fired_) fired_->push_back(rule->name);
      // Every rule shrinks or canonicalises, so chains of rewrites are short; a long one means
      // two rules undo each other. Fail loudly instead of overflowing the stack.
      if (nested_ >= max_nested_rewrites)
        throw std::logic_error("simplify: rewrite rules do not terminate (last rule '" + std::string(rule->name) + "')");
      ++nested_;
      const Expr out = run(next);
      --nested_;
      return out;
    }
    return e;
  }

  static constexpr int max_nested_rewrites = 4096;
  RuleContext rules_;
  std::vector<std::string_view>* fired_;
  std::unordered_map<Expr, Expr> memo_;
  int nested_ = 0;
};

}  // namespace

Expr simplify(graph::GraphContext& g, Expr e) { return Simplifier(g, nullptr).run(e); }

Expr simplify(graph::GraphContext& g, Expr e, std::vector<std::string_view>& fired) {
  return Simplifier(g, &fired).run(e);
}

}  // namespace sgntk::passes
