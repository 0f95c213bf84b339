// Hand-built KernelPrograms for the finite-network tests (and their circle training data): small
// ArrayFunction subclasses stand in for what the compiler emits (tanh, erf(m x), sign and their
// derivatives), and the analytic expectations of erf_m and sign networks are filled in for
// comparisons with compute_kernel.
#pragma once
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "tests/support/scalar_function.h"
#include "runtime/bound_program.h"
#include "runtime/training.h"

namespace sgntk::test {

inline runtime::ArrayFunctionRef fn(std::string text, std::function<double(double)> f) {
  return scalar_function(std::move(text), std::move(f));
}

inline runtime::ArrayFunctionRef tanh_fn() { return fn("tanh(x)", [](double x) { return std::tanh(x); }); }
inline runtime::ArrayFunctionRef tanh_prime() {
  return fn("1 - tanh(x)^2", [](double x) { return 1 - std::tanh(x) * std::tanh(x); });
}
inline runtime::ArrayFunctionRef erf_fn(double m) { return fn("erf(m x)", [m](double x) { return std::erf(m * x); }); }
// erf_m'(x) = (2 m / sqrt(pi)) exp(-m^2 x^2)
inline runtime::ArrayFunctionRef erf_prime(double m) {
  return fn("erf'(m x)", [m](double x) { return 2 * m / std::sqrt(M_PI) * std::exp(-m * m * x * x); });
}
inline runtime::ArrayFunctionRef sign_fn() {
  return fn("sign(x)", [](double x) { return static_cast<double>((x > 0) - (x < 0)); });
}

// A layer of width n with activation phi, derivative dphi (may be null) and optional surrogate.
inline runtime::LayerProgram layer(int n, runtime::ArrayFunctionRef phi, runtime::ArrayFunctionRef dphi,
                                   runtime::ArrayFunctionRef surrogate = nullptr, double sw = 1.0, double sb = 0.1) {
  runtime::LayerProgram l;
  l.name = "dense";
  l.width = n;
  l.sigma_w = sw;
  l.sigma_b = sb;
  l.activation = std::move(phi);
  l.derivative = std::move(dphi);
  l.has_surrogate = surrogate != nullptr;
  l.surrogate = std::move(surrogate);
  return l;
}

inline runtime::KernelProgram network(int input_dim, std::vector<runtime::LayerProgram> hidden, int outputs = 1,
                                      double sw = 1.0, double sb = 0.1) {
  runtime::KernelProgram p;
  p.network = "test";
  p.input_dim = input_dim;
  p.hidden = std::move(hidden);
  p.outputs = outputs;
  p.readout_sigma_w = sw;
  p.readout_sigma_b = sb;
  return p;
}

// Analytic expectations. erf(m x) = erf_e(x) with e = 1/(2 m^2);
// erf_m' = 2 N(.; 0, e), so E[erf_m'(u) erf_k'(v)] = 4 E[N(u; 0, e_m) N(v; 0, e_k)].
inline runtime::Term closed(runtime::ClosedFormId id, double e1, double e2, double coef = 1.0) {
  runtime::ClosedFormTerm t{id, {e1, e2, 0, 0}, false};
  return runtime::Term{coef, t};
}

// erf(m x) layer, surrogate erf_k' (k <= 0: none, the true derivative), with its expectations.
inline runtime::LayerProgram erf_layer(int n, double m, double k = 0) {
  using runtime::ClosedFormId;
  const double e = 1 / (2 * m * m), eg = k > 0 ? 1 / (2 * k * k) : e;
  runtime::LayerProgram l = layer(n, erf_fn(m), erf_prime(m), k > 0 ? erf_prime(k) : nullptr);
  l.nngp.terms = {closed(ClosedFormId::erf_erf, e, e)};
  l.ntk.terms = {closed(ClosedFormId::bump_bump, e, e, 4.0)};
  l.sgntk.terms = {closed(ClosedFormId::bump_bump, e, eg, 4.0)};
  return l;
}

// The paper's training setting in miniature: n points on the unit circle, the cubic target.
inline runtime::EnsembleTraining circle_job(int n, long steps, double lr = 0.1) {
  runtime::EnsembleTraining job;
  job.x.resize(n, 2);
  job.y.resize(n, 1);
  for (int i = 0; i < n; ++i) {
    const double a = 2 * M_PI * i / n - M_PI, x0 = std::sin(a), x1 = std::cos(a);
    job.x.row(i) << x0, x1;
    job.y(i, 0) = 4 * x0 * x1 * x1 - 0.8 * x0 * x0 * x0 + 1.2 * x1 * x1 - 0.8 * x0 * x0 * x1;
  }
  job.settings.learning_rate = lr;
  job.settings.steps = steps;
  job.seed = 10;
  return job;
}

}  // namespace sgntk::test
