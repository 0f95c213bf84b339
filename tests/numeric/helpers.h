// Shared helpers of the numeric tests: array functions from lambdas, a reference Gaussian
// sampler, and a relative-error comparison.
#pragma once
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <utility>

#include "runtime/array_function.h"
#include "tests/support/scalar_function.h"

namespace sgntk::test {

inline runtime::ArrayFunctionRef lambda(std::string text, std::function<double(double)> f) {
  return scalar_function(std::move(text), std::move(f));
}

inline double gauss_density(double x, double var) {
  return std::exp(-0.5 * x * x / var) / std::sqrt(2 * M_PI * var);
}

// |x - ref| <= tol * max(|ref|, floor): relative error with an absolute floor near zero.
inline bool close(double x, double ref, double tol, double floor = 1e-300) {
  return std::fabs(x - ref) <= tol * std::fmax(std::fabs(ref), floor);
}

}  // namespace sgntk::test
