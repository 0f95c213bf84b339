// Figure 3 training workload: an ensemble of sign networks 2-n-n-1 (forward sign, backward erf')
// trained by SGL on 15 points of the unit circle, outputs saved on the 100-point grid. Reports
// network-steps per second and the ratio of the run time to its matrix-multiply floor: the
// run's GEMM FLOPs at the GEMM rate measured here, in this process, on the same shapes and the
// same number of threads. Run by hand:
//   bench_train [steps=100] [ensemble=500] [width=500] [threads=0 (all cores)] [f64|f32]
#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>

#include "runtime/training.h"

namespace {

using namespace sgntk::runtime;

class Pointwise : public ArrayFunction {
 public:
  explicit Pointwise(double (*f)(double), std::string text) : f_(f), text_(std::move(text)) {}
  void eval(const double* x, double* out, std::size_t n) const override {
    for (std::size_t i = 0; i < n; ++i) out[i] = f_(x[i]);
  }
  std::string text() const override { return text_; }

 private:
  double (*f_)(double);
  std::string text_;
};

double sign(double x) { return static_cast<double>((x > 0) - (x < 0)); }
double erf_prime(double x) { return 2 / std::sqrt(M_PI) * std::exp(-x * x); }

KernelProgram sign_network(int width) {
  KernelProgram p;
  p.network = "fig3";
  p.input_dim = 2;
  for (int l = 0; l < 2; ++l) {
    LayerProgram layer;
    layer.name = fmt::format("dense {}", l + 1);
    layer.width = width;
    layer.sigma_w = 1.0;
    layer.sigma_b = 0.1;
    layer.activation = std::make_shared<Pointwise>(sign, "sign(x)");
    layer.surrogate = std::make_shared<Pointwise>(erf_prime, "erf'(x)");
    layer.has_surrogate = true;
    p.hidden.push_back(layer);
  }
  p.readout_sigma_w = 1.0;
  p.readout_sigma_b = 0.1;
  return p;
}

RowMatrix circle(int n) {
  RowMatrix x(n, 2);
  for (int i = 0; i < n; ++i) {
    const double a = 2 * M_PI * i / n - M_PI;
    x.row(i) << std::sin(a), std::cos(a);
  }
  return x;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// GEMM FLOPs of one training step of one network: per layer n_in -> n_out on N samples, the
// forward product, the accumulating weight update and (above the first layer) the backward
// product, 2 N n_in n_out each.
double step_flops(const KernelProgram& p, int n) {
  double flops = 0;
  int fan_in = p.input_dim;
  for (std::size_t l = 0; l <= p.hidden.size(); ++l) {
    const int width = l < p.hidden.size() ? p.hidden[l].width : p.outputs;
    flops += 2.0 * n * fan_in * width * (l > 0 ? 3 : 2);
    fan_in = width;
  }
  return flops;
}

// The GEMM rate (FLOP/s) on the workload's dominant shapes (N x n times n x n, three ways as in
// a step), every thread of the arena busy with its own matrices, as the ensemble runs them.
template <class Scalar>
double gemm_rate(int n_samples, int width, int threads) {
  using M = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  const int reps = 200;
  const auto t = std::chrono::steady_clock::now();
  for_each_network(threads == 0 ? tbb::info::default_concurrency() : threads, threads, [&](long) {
    M a = M::Random(n_samples, width), w = M::Random(width, width), h(n_samples, width), d = M::Random(n_samples, width);
    for (int r = 0; r < reps; ++r) {
      h.noalias() = Scalar(0.5) * a * w.transpose();             // forward
      d.noalias() = Scalar(0.5) * h * w;                          // backward
      w.noalias() -= Scalar(1e-9) * d.transpose() * a;            // update
    }
  });
  const int t_count = threads == 0 ? tbb::info::default_concurrency() : threads;
  return t_count * reps * 3 * 2.0 * n_samples * width * width / seconds_since(t);
}

}  // namespace

int main(int argc, char** argv) {
  const long steps = argc > 1 ? std::atol(argv[1]) : 100;
  const long ensemble = argc > 2 ? std::atol(argv[2]) : 500;
  const int width = argc > 3 ? std::atoi(argv[3]) : 500;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 0;
  const bool f32 = argc > 5 && std::string(argv[5]) == "f32";

  const KernelProgram program = sign_network(width);
  EnsembleTraining job;
  const RowMatrix grid = circle(100);
  job.x.resize(15, 2);
  job.y.resize(15, 1);
  for (int i = 0; i < 15; ++i) {
    job.x.row(i) = grid.row(i * 100 / 15);
    const double x0 = job.x(i, 0), x1 = job.x(i, 1);
    job.y(i, 0) = 4 * x0 * x1 * x1 - 0.8 * x0 * x0 * x0 + 1.2 * x1 * x1 - 0.8 * x0 * x0 * x1;
  }
  job.eval = grid;
  job.settings.learning_rate = 0.1;
  job.settings.steps = steps;
  job.save_at = {0, steps};
  job.seed = 10;
  job.ensemble = ensemble;
  job.threads = threads;
  job.precision = f32 ? Precision::f32 : Precision::f64;

  const auto measure_rate = [&] {
    return f32 ? gemm_rate<float>(15, width, threads) : gemm_rate<double>(15, width, threads);
  };
  const double rate_before = measure_rate();
  const auto t = std::chrono::steady_clock::now();
  const EnsembleResult result = train_ensemble(program, job);
  const double elapsed = seconds_since(t);
  // The GEMM rate before and after the run: other load on the machine slows any one measurement,
  // and the faster of the two is the conservative (higher) floor.
  const double rate = std::max(rate_before, measure_rate());

  // Floor: the training steps' GEMMs plus the two saves' forward passes on the grid.
  const double flops = ensemble * (steps * step_flops(program, 15) + 2 * step_flops(program, 100) / 3);
  fmt::print("bench_train: {} networks 2-{}-{}-1, {} SGL steps, {} threads, {}\n", ensemble, width, width, steps,
             threads == 0 ? tbb::info::default_concurrency() : threads, f32 ? "f32" : "f64");
  fmt::print("  time {:.2f} s, {:.0f} network-steps/s, {:.2f} ensemble-steps/s\n", elapsed, ensemble * steps / elapsed,
             steps / elapsed);
  fmt::print("  GEMM rate {:.2f} GFLOP/s; floor {:.2f} s; time / floor = {:.2f}\n", rate * 1e-9, flops / rate,
             elapsed / (flops / rate));
  fmt::print("  final mean loss {:.6f}\n", [&] {
    double s = 0;
    const long records = static_cast<long>(result.loss_steps.size());
    for (long e = 0; e < ensemble; ++e) s += result.loss[e * records + records - 1];
    return s / ensemble;
  }());
  return 0;
}
