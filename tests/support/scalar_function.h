// An ArrayFunction that evaluates a scalar lambda element by element: the tests' stand-in for
// compiled bytecode or a plugin.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "runtime/array_function.h"

namespace sgntk::test {

class ScalarFunction final : public runtime::ArrayFunction {
 public:
  ScalarFunction(std::string text, std::function<double(double)> f) : text_(std::move(text)), f_(std::move(f)) {}
  void eval(const double* x, double* out, std::size_t n) const override {
    for (std::size_t i = 0; i < n; ++i) out[i] = f_(x[i]);
  }
  std::string text() const override { return text_; }

 private:
  std::string text_;
  std::function<double(double)> f_;
};

inline runtime::ArrayFunctionRef scalar_function(std::string text, std::function<double(double)> f) {
  return std::make_shared<ScalarFunction>(std::move(text), std::move(f));
}

}  // namespace sgntk::test
