// Immutable, hash-consed expression nodes in one variable x. Nodes are created only by a
// GraphContext (context.h), which returns the existing node for an equal (kind, value, children)
// triple, so structural equality is pointer equality: `a == b` compares expressions.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sgntk::graph {

enum class Kind : std::uint8_t {
#define SGNTK_EXPR_KIND(Enum, spelling, arity) Enum,
#include "compiler/graph/expr_kinds.def"
#undef SGNTK_EXPR_KIND
};

inline constexpr int kind_count = 0
#define SGNTK_EXPR_KIND(Enum, spelling, arity) +1
#include "compiler/graph/expr_kinds.def"
#undef SGNTK_EXPR_KIND
    ;

int arity(Kind k);
std::string_view spelling(Kind k);  // "erf", "+", "const", ...

struct Node;
using Expr = const Node*;  // never null once built

struct Node {
  Kind kind;
  std::uint8_t arity;
  std::uint32_t id;      // creation order within its context: a stable, deterministic order
  std::uint32_t depth;   // 1 for leaves
  std::uint32_t size;    // number of nodes in the tree view, saturating at UINT32_MAX
  double value;          // Const: the number; Delta: derivative order; otherwise 0
  std::size_t hash;
  std::array<Expr, 3> kids;

  std::span<const Expr> children() const { return {kids.data(), arity}; }
  Expr operator[](std::size_t i) const { return kids[i]; }
  bool is(Kind k) const { return kind == k; }
  bool is_const() const { return kind == Kind::Const; }
  bool is_const(double v) const { return kind == Kind::Const && value == v; }
  bool depends_on_x() const { return has_var; }
  bool has_var;          // true when x occurs below (constants and params do not count)
  bool has_delta;        // true when a Delta occurs below
  bool has_derivative;   // true when a d/dx node (Kind::Derivative) occurs below
};

}  // namespace sgntk::graph
