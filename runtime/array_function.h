// A real function of one variable that the runtime evaluates over whole arrays: compiled
// expression bytecode (bytecode.h) or a plugin surrogate (plugin_host.h). One virtual call per
// array, never per scalar.
#pragma once
#include <cmath>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

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

// What the compiler knows about where a function is not smooth; quadrature splits there.
struct Shape {
  std::vector<double> breakpoints;  // kinks, jumps and support edges, sorted, unique
  double support_lo = -HUGE_VAL;    // f == 0 outside [support_lo, support_hi]
  double support_hi = HUGE_VAL;
  bool smooth = true;               // analytic on the real line (Gauss-Hermite converges fast)
  int parity = 0;                   // +1 even, -1 odd, 0 neither/unknown
};

}  // namespace sgntk::runtime
