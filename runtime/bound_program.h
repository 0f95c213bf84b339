// The bound kernel program: the executable form of a program::KernelProgram
// (runtime/program/program.h) that runtime::bind (bind.h) builds. The same structure with
// every function live: bytecode as register machines, plugins loaded and checked, 1-D averages
// as objects. Kernels, finite-width networks, training and predictions run this form; the
// conventions (what each expectation is, how layers combine) are those of program.h.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runtime/array_function.h"
#include "runtime/program/closed_forms.h"
#include "runtime/program/tail_growth.h"

namespace sgntk::runtime {

using program::ClosedFormId;
using program::ClosedFormTerm;

// E[N(u - shift; 0, e) g(v)] = N(shift; 0, a + e) * E1[g](mean, var) with the conditional
// moments of v given the bump; e = 0 is E[delta(u - shift) g(v)]. E1 over g by 1-D quadrature
// split at g's break points. Used for delta/bump times anything, exact up to the 1-D rule.
struct BumpConditionalTerm {
  double eps = 0.0;
  double shift = 0.0;
  bool bump_on_v = false;          // true: the bump is on v (x' side) and g on u
  ArrayFunctionRef g;
  Shape g_shape;
  GaussianAverageRef g_average;    // when set: E1[g] by this formula, no quadrature
  double tolerance = 1e-10;        // relative error target of the numeric E1
};

// E[f(u) g(v)] by numeric integration. Polynomial f, g: tensor Gauss-Hermite of `order` points
// per dimension. Otherwise: outer integral over u split at f's break points, inner E1[g] over
// the conditional law of v, split at g's break points. hermite_series: the kernel engine sums
// Mehler's series from per-point coefficient tables (hermite_series.h); any other caller, and
// the entries where the series cannot meet the tolerance, use the conditional method.
struct QuadratureTerm {
  enum class Method { gauss_hermite, conditional, hermite_series };
  Method method = Method::gauss_hermite;
  ArrayFunctionRef f, g;
  Shape f_shape, g_shape;
  GaussianAverageRef g_average;    // when set (conditional method): inner E1[g] is a formula
  int order = 64;
  double tolerance = 1e-10;  // relative error target the plan is built for
  bool swap = false;         // f is a function of v and g of u: evaluate with (a, b) exchanged
};

struct Term {
  double coef = 1.0;
  std::variant<ClosedFormTerm, BumpConditionalTerm, QuadratureTerm> what;
};

// E[f(u) g(v)] as a sum of terms; an empty list is 0.
struct Expectation {
  std::vector<Term> terms;
  std::string f_text, g_text;  // the integrand in spec syntax, for dumps
  bool infinite_on_diagonal = false;  // E[delta delta]-type: +inf where c^2 = ab
  program::TailGrowth growth;         // tail growth of f and g: divergent entries are refused
  std::optional<std::string> unavailable;  // why the planner could not plan it (no terms then)
};

// One transition Sigma^l -> Sigma^{l+1} through the activation of hidden layer l.
struct LayerProgram {
  std::string name;            // "dense 1", for messages
  int width = 0;
  double sigma_w = 1.0, sigma_b = 0.0;   // of this layer's own affine map h^l = ...
  Expectation nngp;            // E[phi(u) phi(v)]
  Expectation ntk;             // E[phi'(u) phi'(v)]
  Expectation sgntk;           // E[phi'(u) g(v)]; g = phi' when the layer has no surrogate
  bool has_surrogate = false;
  ArrayFunctionRef activation, derivative, surrogate;   // for finite-width networks (may be
                                                         // null when phi' is a distribution)
};

struct KernelProgram {
  std::string network;
  int input_dim = 0;
  std::vector<LayerProgram> hidden;
  int outputs = 1;
  double readout_sigma_w = 1.0, readout_sigma_b = 0.0;
};

}  // namespace sgntk::runtime
