// Shared setup of the prediction tests: the paper's data (points on the unit circle), the paper's
// specs compiled, kernels on train/test sets, and independent references (an RK4 integrator of
// the gradient-flow ODE).
#pragma once
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "compiler/lower/lower.h"
#include "runtime/bind.h"
#include "compiler/sema/load_spec.h"
#include "runtime/kernels.h"
#include "runtime/predict.h"

namespace sgntk::test {

using runtime::RowMatrix;
using Eigen::MatrixXd;

// The paper's test grid: 100 points on the unit circle, alpha_i = 2 pi i / 100 - pi,
// x = (sin alpha, cos alpha), each scaled by radius(i).
inline RowMatrix circle(int n = 100, const std::function<double(int)>& radius = [](int) { return 1.0; }) {
  RowMatrix x(n, 2);
  for (int i = 0; i < n; ++i) {
    const double alpha = 2 * M_PI * i / n - M_PI;
    x.row(i) << radius(i) * std::sin(alpha), radius(i) * std::cos(alpha);
  }
  return x;
}

// The paper's target y = 4 x0 x1^2 - 0.8 x0^3 + 1.2 x1^2 - 0.8 x0^2 x1.
inline RowMatrix paper_target(const RowMatrix& x) {
  RowMatrix y(x.rows(), 1);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double x0 = x(i, 0), x1 = x(i, 1);
    y(i, 0) = 4 * x0 * x1 * x1 - 0.8 * x0 * x0 * x0 + 1.2 * x1 * x1 - 0.8 * x0 * x0 * x1;
  }
  return y;
}

// 15 training points: every 7th grid point (0, 7, ..., 98).
inline RowMatrix every_7th(const RowMatrix& grid) {
  RowMatrix x(15, grid.cols());
  for (int i = 0; i < 15; ++i) x.row(i) = grid.row(7 * i);
  return x;
}

// A paper spec from specs/paper/, compiled.
inline runtime::KernelProgram paper_program(const std::string& name, const std::vector<std::string>& sets = {}) {
  Diagnostics diags;
  auto spec = load_spec(std::string(SGNTK_SOURCE_DIR) + "/specs/paper/" + name + ".sgntk", sets, diags);
  std::optional<runtime::KernelProgram> program;
  if (spec)
    if (const auto data = lower::lower(spec->module, "", lower::LowerOptions{}, diags)) program = runtime::bind(*data).program;
  INFO(diags.render());
  REQUIRE(program.has_value());
  return *program;
}

// Every kernel matrix a prediction on (x_train, x_test) needs; k is the training kernel.
struct Kernels {
  RowMatrix k_test_train, k_train_train, sigma_test_train, sigma_train_train, sigma_test_test;
};

inline Kernels kernels(const runtime::KernelProgram& program, runtime::KernelKind kind, const RowMatrix& x_train,
                       const RowMatrix& x_test) {
  using runtime::compute_kernel;
  using runtime::KernelKind;
  Kernels k;
  k.k_test_train = compute_kernel(program, kind, x_test, &x_train);
  k.k_train_train = compute_kernel(program, kind, x_train, nullptr);
  k.sigma_test_train = compute_kernel(program, KernelKind::nngp, x_test, &x_train);
  k.sigma_train_train = compute_kernel(program, KernelKind::nngp, x_train, nullptr);
  k.sigma_test_test = compute_kernel(program, KernelKind::nngp, x_test, nullptr);
  return k;
}

inline runtime::Prediction predict(const Kernels& k, const RowMatrix& y, double t, double diag_reg = 0.0) {
  runtime::PredictOptions options;
  options.t = t;
  options.diag_reg = diag_reg;
  return runtime::predict_from_kernels(k.k_test_train, k.k_train_train, k.sigma_test_train, k.sigma_train_train,
                                       k.sigma_test_test, y, options);
}

// Classical RK4 for dz/dt = rhs(z) from z(0) over [0, t] in `steps` equal steps.
inline MatrixXd rk4(const std::function<MatrixXd(const MatrixXd&)>& rhs, MatrixXd z, double t, int steps) {
  const double h = t / steps;
  for (int s = 0; s < steps; ++s) {
    const MatrixXd k1 = rhs(z);
    const MatrixXd k2 = rhs(z + 0.5 * h * k1);
    const MatrixXd k3 = rhs(z + 0.5 * h * k2);
    const MatrixXd k4 = rhs(z + h * k3);
    z += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return z;
}

// Largest |a - b| relative to the largest |b|.
inline double max_relative_difference(const MatrixXd& a, const MatrixXd& b) {
  return (a - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff();
}

}  // namespace sgntk::test
