// Shared helpers of the numeric tests: array functions from lambdas, a reference Gaussian
// sampler, and a relative-error comparison.
#pragma once
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <utility>

#include "runtime/array_function.h"

namespace sgntk::test {

// An ArrayFunction evaluating a scalar lambda (the tests' stand-in for compiled bytecode).
class Lambda final : public runtime::ArrayFunction {
 public:
  Lambda(std::string text, std::function<double(double)> f) : text_(std::move(text)), f_(std::move(f)) {}
  void eval(const double* x, double* out, std::size_t n) const override {
    for (std::size_t i = 0; i < n; ++i) out[i] = f_(x[i]);
  }
  std::string text() const override { return text_; }

 private:
  std::string text_;
  std::function<double(double)> f_;
};

inline runtime::ArrayFunctionRef lambda(std::string text, std::function<double(double)> f) {
  return std::make_shared<Lambda>(std::move(text), std::move(f));
}

inline double gauss_density(double x, double var) {
  return std::exp(-0.5 * x * x / var) / std::sqrt(2 * M_PI * var);
}

// |x - ref| <= tol * max(|ref|, floor): relative error with an absolute floor near zero.
inline bool close(double x, double ref, double tol, double floor = 1e-300) {
  return std::fabs(x - ref) <= tol * std::fmax(std::fabs(ref), floor);
}

}  // namespace sgntk::test
