#include "compiler/graph/context.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace sgntk::graph {

namespace {
constexpr int arities[] = {
#define SGNTK_EXPR_KIND(Enum, spelling, arity) arity,
#include "compiler/graph/expr_kinds.def"
#undef SGNTK_EXPR_KIND
};
constexpr std::string_view spellings[] = {
#define SGNTK_EXPR_KIND(Enum, spelling, arity) spelling,
#include "compiler/graph/expr_kinds.def"
#undef SGNTK_EXPR_KIND
};

std::size_t mix(std::size_t h, std::size_t v) {
  return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}
}  // namespace

int arity(Kind k) { return arities[static_cast<int>(k)]; }
std::string_view spelling(Kind k) { return spellings[static_cast<int>(k)]; }

bool GraphContext::Equal::operator()(const Node* a, const Node* b) const {
  if (a->kind != b->kind || a->arity != b->arity) return false;
  if (std::bit_cast<std::uint64_t>(a->value) != std::bit_cast<std::uint64_t>(b->value)) return false;
  for (int i = 0; i < a->arity; ++i)
    if (a->kids[i] != b->kids[i]) return false;
  return true;
}

Expr GraphContext::make(Kind kind, std::span<const Expr> kids, double value) {
  if (static_cast<int>(kids.size()) != arity(kind))
    throw std::logic_error("GraphContext::make: wrong number of children for " + std::string(spelling(kind)));
  if (value == 0.0) value = 0.0;                                   // -0.0 -> 0.0
  if (std::isnan(value)) value = std::numeric_limits<double>::quiet_NaN();

  Node probe{};
  probe.kind = kind;
  probe.arity = static_cast<std::uint8_t>(kids.size());
  probe.value = value;
  std::size_t h = mix(static_cast<std::size_t>(kind) + 1, std::bit_cast<std::uint64_t>(value));
  std::uint32_t depth = 0;
  std::uint64_t size = 1;
  probe.has_var = kind == Kind::Var;
  probe.has_delta = kind == Kind::Delta;
  probe.has_derivative = kind == Kind::Derivative;
  for (std::size_t i = 0; i < kids.size(); ++i) {
    probe.kids[i] = kids[i];
    h = mix(h, kids[i]->id + 1);
    depth = std::max(depth, kids[i]->depth);
    size += kids[i]->size;
    probe.has_var = probe.has_var || kids[i]->has_var;
    probe.has_delta = probe.has_delta || kids[i]->has_delta;
    probe.has_derivative = probe.has_derivative || kids[i]->has_derivative;
  }
  probe.hash = h;
  probe.depth = depth + 1;
  probe.size = static_cast<std::uint32_t>(std::min<std::uint64_t>(size, UINT32_MAX));

  if (auto it = table_.find(&probe); it != table_.end()) return *it;
  probe.id = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(probe);
  const Node* node = &nodes_.back();
  table_.insert(node);
  return node;
}

}  // namespace sgntk::graph
