#include "compiler/graph/order.h"

#include <bit>
#include <cmath>
#include <cstdint>

namespace sgntk::graph {

namespace {
// Numbers in increasing order, NaN last; total even for NaN (all NaNs are one node).
int compare_value(double a, double b) {
  const bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return static_cast<int>(na) - static_cast<int>(nb);
  return (a > b) - (a < b);
}
}  // namespace

int compare_structure(Expr a, Expr b) {
  while (a != b) {
    if (a->kind != b->kind) return static_cast<int>(a->kind) < static_cast<int>(b->kind) ? -1 : 1;
    if (int c = compare_value(a->value, b->value)) return c;
    // Same kind, so same arity; the first differing child decides (hash-consing makes equal
    // children equal pointers, so this follows a single path down).
    int i = 0;
    while (i < a->arity && a->kids[i] == b->kids[i]) ++i;
    if (i == a->arity) return 0;  // unreachable for interned nodes of one context
    a = a->kids[i];
    b = b->kids[i];
  }
  return 0;
}

}  // namespace sgntk::graph
