// A real function of one variable that the runtime evaluates over whole arrays: compiled
// expression bytecode (bytecode.h) or a plugin surrogate (plugin_host.h). One virtual call per
// array, never per scalar.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "runtime/program/shape.h"

namespace sgntk::runtime {

class ArrayFunction {
 public:
  virtual ~ArrayFunction() = default;
  // out[i] = f(x[i]) for 0 <= i < n. Thread-safe: may be called concurrently.
  // Throws sgntk::runtime::EvalError (errors.h) when the function cannot be evaluated.
  virtual void eval(const double* x, double* out, std::size_t n) const = 0;
  // The function in spec syntax, for dumps and messages.
  virtual std::string text() const = 0;
};

using ArrayFunctionRef = std::shared_ptr<const ArrayFunction>;

// A closed-form one-dimensional Gaussian average of some function g:
//   out[i] = E[g(V)], V ~ N(mean[i], var[i])   (var may be 0: then g(mean)).
// Built-in families (sign, heaviside, erf, Gaussian bumps, ...) and plugin hooks provide it;
// where present the runtime uses it instead of quadrature. Thread-safe.
class GaussianAverage {
 public:
  virtual ~GaussianAverage() = default;
  virtual void average(const double* mean, const double* var, double* out, std::size_t n) const = 0;
  virtual std::string text() const = 0;  // e.g. "erf(m / sqrt(2 (0.5 + s2)))" or "plugin hook"
};

using GaussianAverageRef = std::shared_ptr<const GaussianAverage>;

// Where a function is not smooth (program/shape.h); quadrature splits there.
using program::Shape;

}  // namespace sgntk::runtime
