// The kernel program: what the compiler emits and the runtime executes. Plain data; the runtime
// never includes compiler/. One program describes the infinite-width kernels of one network.
//
// Conventions (../shared/science.md sections 1-3). For a pair (x, x') and a hidden layer l with
// a = Sigma^l(x,x), b = Sigma^l(x',x'), c = Sigma^l(x,x'), (u, v) ~ N(0, [[a, c], [c, b]]):
//   Sigma^{l+1}  = sw^2 E[phi(u) phi(v)]  + sb^2        (sw, sb of the layer that reads phi)
//   dSigma^{l+1} = sw^2 E[phi'(u) phi'(v)]
//   mSigma^{l+1} = sw^2 E[phi'(u) g(v)]                 (u belongs to x: true; v to x': surrogate)
//   Theta^{l+1}  = Theta^l * dSigma^{l+1} + Sigma^{l+1};  I^{l+1} = I^l * mSigma^{l+1} + Sigma^{l+1}
#pragma once
#include <array>
#include <string>
#include <variant>
#include <vector>

#include "runtime/array_function.h"

namespace sgntk::runtime {

// Closed-form bivariate Gaussian expectations, zero means. Parameters are listed per id.
// "eps" parameterisations keep the jump limit finite: eps = 0 is the limit.
enum class ClosedFormId {
  erf_erf,      // E[erf_e1(u) erf_e2(v)], erf_e(x) = erf(x / sqrt(2 e)); e = 0: sign   p = {e1, e2}
                //   = (2/pi) asin(c / sqrt((e1 + a)(e2 + b)))
  bump_bump,    // E[N(u; s1, e1) N(v; s2, e2)]; e = 0: delta(u - s1)      p = {e1, e2, s1, s2}
                //   = the N(0, [[a + e1, c], [c, b + e2]]) density at (s1, s2); centred:
                //   1 / (2 pi sqrt((e1 + a)(e2 + b) - c^2))    (+inf when that is 0)
  relu_relu,    // E[relu(u) relu(v)] = (sqrt(ab - c^2) + c (pi - acos(rho))) / (2 pi)   p = {}
  relu_moment,  // E[relu(u) v^q], q in {0, 1}                                        p = {q}
  moment,       // E[u^p v^q] (Isserlis), p, q non-negative integers                  p = {p, q}
  bump_moment,  // E[N(u; 0, e) v^q], q a non-negative integer                        p = {e, q}
  erf_moment,   // E[erf_e(u) v^q], q in {0, 1} (0 by parity; Stein's lemma for q=1)  p = {e, q}
  cos_cos,      // E[cos(k u) cos(l v)]                                               p = {k, l}
  sin_sin,      // E[sin(k u) sin(l v)]                                               p = {k, l}
};

// A closed form; `swap` evaluates it with the roles of (u, a) and (v, b) exchanged, so that
// e.g. E[1 * erf(v)] or E[v^2 * relu(u)] need no ids of their own.
struct ClosedFormTerm {
  ClosedFormId id;
  std::array<double, 4> p{};
  bool swap = false;
};

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

// E[f(u) g(v)] by numeric integration. Smooth f, g: tensor Gauss-Hermite of `order` points
// per dimension. Otherwise: outer integral over u split at f's break points, inner E1[g] over
// the conditional law of v, split at g's break points (science.md section 3, conditional form).
struct QuadratureTerm {
  enum class Method { gauss_hermite, conditional };
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
