// The kernel program: what the compiler emits and the runtime binds (runtime/bind.h) and then
// executes. Plain data: ids, numbers, strings and instruction vectors; no live object, no
// plugin handle. It can be compared (==), written and read back (text_format.h). One program
// describes the infinite-width kernels, and the finite-width networks, of one network.
//
// Conventions. For a pair of inputs (x, x') and a hidden layer l with a = Sigma^l(x,x),
// b = Sigma^l(x',x'), c = Sigma^l(x,x') and (u, v) ~ N(0, [[a, c], [c, b]]):
//   Sigma^1      = sw^2 <x, x'> / input_dim + sb^2     (sw, sb of the first layer)
//   Sigma^{l+1}  = sw^2 E[phi(u) phi(v)]  + sb^2        (sw, sb of the layer that reads phi)
//   dSigma^{l+1} = sw^2 E[phi'(u) phi'(v)]
//   mSigma^{l+1} = sw^2 E[phi'(u) g(v)]                 (u belongs to x: true; v to x': surrogate)
//   Theta^{l+1}  = Theta^l * dSigma^{l+1} + Sigma^{l+1};  I^{l+1} = I^l * mSigma^{l+1} + Sigma^{l+1}
// with Theta^1 = I^1 = Sigma^1; the readout layer closes the recursion the same way.
#pragma once
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runtime/program/bytecode.h"
#include "runtime/program/closed_forms.h"
#include "runtime/program/plugin_ref.h"
#include "runtime/program/shape.h"
#include "runtime/program/tail_growth.h"

namespace sgntk::program {

// A function of x the runtime evaluates over arrays: compiled bytecode or a plugin surrogate.
using Function = std::variant<Bytecode, PluginCall>;

// One side of a numeric expectation, compiled: its values, where it is not smooth, and its
// closed 1-D Gaussian average when it has one (then no inner quadrature is needed).
struct CompiledIntegrand {
  Bytecode code;
  Shape shape;
  std::optional<ClosedAverage> average;
  bool operator==(const CompiledIntegrand&) const = default;
};

// One side of a numeric expectation that is a plugin: bind takes its values from eval, its
// shape (break points, support) from the shape hook, and, when use_average_hook, its 1-D
// average from the E1 hook if the plugin has one for these parameters.
struct PluginIntegrand {
  std::size_t plugin = 0;  // index into KernelProgram::plugins
  bool use_average_hook = true;
  bool operator==(const PluginIntegrand&) const = default;
};

using Integrand = std::variant<CompiledIntegrand, PluginIntegrand>;

// E[N(u - shift; 0, e) g(v)] = N(shift; 0, a + e) * E1[g](mean, var) with the conditional
// moments of v given the bump; e = 0 is E[delta(u - shift) g(v)]. E1 over g by g's average,
// else by 1-D quadrature split at g's break points. Exact up to the 1-D rule.
struct BumpConditionalTerm {
  double eps = 0.0;
  double shift = 0.0;
  bool bump_on_v = false;          // true: the bump is on v (x' side) and g on u
  Integrand g;
  double tolerance = 1e-10;        // relative error target of the numeric E1
  bool operator==(const BumpConditionalTerm&) const = default;
};

// E[f(u) g(v)] by numeric integration. gauss_hermite: tensor Gauss-Hermite of `order` points
// per dimension (exact for polynomials). conditional: the outer integral over u split at f's
// break points, the inner E1[g] over the conditional law of v given u, split at g's break
// points. For the conditional method bind puts inside the side whose E1 is a closed formula:
// g, unless only f has one (then f and g trade places and the runtime term is marked swapped).
// hermite_series (smooth f and g of moderate growth): Mehler's expansion
// E[f(u) g(v)] = sum_k rho^k f_k(a) g_k(b), rho = c / sqrt(ab), with the Hermite coefficients
// f_k(a) = E[f(sqrt(a) Z) He_k(Z)] / sqrt(k!) computed once per point and layer, truncated
// where a bound on the rest meets the tolerance; entries where it cannot (|rho| near 1 with a
// slowly converging series) take the conditional method.
struct QuadratureTerm {
  enum class Method { gauss_hermite, conditional, hermite_series };
  Method method = Method::gauss_hermite;
  Integrand f, g;
  int order = 64;
  double tolerance = 1e-10;  // relative error target the plan is built for
  bool operator==(const QuadratureTerm&) const = default;
};

struct Term {
  double coef = 1.0;
  std::variant<ClosedFormTerm, BumpConditionalTerm, QuadratureTerm> what;
  bool operator==(const Term&) const = default;
};

// What an operand of an expectation is, for dumps: its spec text, or a plugin (whose text,
// with every parameter filled in, bind knows).
using Label = std::variant<std::string, PluginCall>;

// E[f(u) g(v)] as a sum of terms; an empty list is 0.
struct Expectation {
  std::vector<Term> terms;
  Label f, g;
  bool infinite_on_diagonal = false;  // E[delta delta]-type: +inf where c^2 = ab
  TailGrowth growth;
  // Set when the planner cannot compute this expectation (a non-integrable singularity, a
  // function undefined where the Gaussian has mass, a delta it cannot integrate): why, as a
  // user-facing text. Then `terms` is empty, and the runtime reports the reason only when a
  // kernel that needs this expectation is requested.
  std::optional<std::string> unavailable;
  bool operator==(const Expectation&) const = default;
};

// One transition Sigma^l -> Sigma^{l+1} through the activation of hidden layer l.
struct LayerProgram {
  std::string name;            // "dense 1", for messages
  int width = 0;
  double sigma_w = 1.0, sigma_b = 0.0;   // of this layer's own affine map h^l = ...
  Expectation nngp;            // E[phi(u) phi(v)]
  Expectation ntk;             // E[phi'(u) phi'(v)]
  Expectation sgntk;           // E[phi'(u) g(v)]; g = phi' when the layer has no surrogate
  Bytecode activation;         // phi, for finite-width networks
  std::optional<Bytecode> derivative;  // phi'; none when it is a distribution (sign' = 2 delta)
  std::optional<Function> surrogate;   // g; none: the layer trains with phi'
  bool operator==(const LayerProgram&) const = default;
};

struct KernelProgram {
  std::string network;
  int input_dim = 0;
  std::vector<LayerProgram> hidden;
  int outputs = 1;
  double readout_sigma_w = 1.0, readout_sigma_b = 0.0;
  // Every plugin surrogate the spec defines, in spec order: bind checks them all, whether or
  // not this network uses them, as the front end always has.
  std::vector<PluginRef> plugins;
  bool operator==(const KernelProgram&) const = default;
};

}  // namespace sgntk::program
