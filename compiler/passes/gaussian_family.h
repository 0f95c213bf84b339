// Reads an integrand of a Gaussian expectation as a linear combination of atoms from known
// families. Expectation is linear, so E[f(u) g(v)] = sum_ij alpha_i beta_j E[f_i(u) g_j(v)] and
// each pair is matched on its own (match_gaussian.h). Rewrites used along the way, all exact:
//   heaviside(k x) = 1/2 + sign(k)/2 sign(x)      abs(k x) = |k| (2 relu(x) - x)
//   relu(k x), k < 0 = |k| (relu(x) - x)          exp(-q x^2) = sqrt(pi/q) N(x; 0, 1/(2q))
//   erf(k x) = sign(k) erf_e(x), e = 1/(2 k^2)    delta(k x + s) = N(x; -s/k, 0) / |k|
#pragma once
#include <string>
#include <vector>

#include "compiler/graph/context.h"

namespace sgntk::passes {

enum class Family {
  one,      // the constant 1
  erf,      // erf((x - shift) / sqrt(2 eps)); eps = 0: sign(x - shift)
  bump,     // N(x; shift, eps); eps = 0: delta(x - shift)
  relu,     // relu(x)^p, p in {1, 2}
  moment,   // x^p
  cos,      // cos(k x)
  sin,      // sin(k x)
  generic,  // anything else: numeric quadrature over `expr`
};

struct Atom {
  Family family = Family::generic;
  double eps = 0.0;     // erf, bump
  double shift = 0.0;   // erf, bump
  double k = 0.0;       // cos, sin
  int p = 0;            // moment; relu (its power)
  graph::Expr expr = nullptr;  // generic atoms only: what to integrate (families are their params)
  bool operator==(const Atom&) const = default;
};

struct WeightedAtom {
  double weight;
  Atom atom;
};

// The expansion; atoms are distinct (equal atoms are merged), zero weights dropped.
std::vector<WeightedAtom> expand_families(graph::GraphContext& g, graph::Expr e);

// Parity of an atom: +1 even, -1 odd, 0 unknown (generic atoms report 0 here).
int parity(const Atom& a);

std::string describe(const Atom& a);  // "erf_e(x), e = 0.125", "delta(x)", "x^2", ...

}  // namespace sgntk::passes
