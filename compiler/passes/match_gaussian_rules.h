// The table of closed forms for pairs of family atoms, written as data: each rule names the
// pair of families it applies to, an extra condition, and the terms it emits. Rules are tried
// in order on (f, g) and then, with the roles swapped, on (g, f).
#pragma once
#include <span>
#include <vector>

#include "compiler/passes/gaussian_family.h"
#include "runtime/program/program.h"

namespace sgntk::passes {

struct PairRule {
  const char* name;
  Family f, g;                                       // Family::generic matches any family
  bool (*condition)(const Atom& f, const Atom& g);  // null: always
  // Appends coef-weighted terms for E[f(u) g(v)]; `swap` marks the swapped orientation.
  void (*emit)(const Atom& f, const Atom& g, double coef, bool swap, std::vector<program::Term>& out);
};

std::span<const PairRule> pair_rules();

}  // namespace sgntk::passes
