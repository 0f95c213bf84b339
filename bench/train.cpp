// Figure 3 training workload: an ensemble of sign networks 2-n-n-1 (forward sign, backward erf')
// trained by SGL on 15 points of the unit circle, outputs saved on the 100-point grid. The
// engine (training_engine.h) and the previous engine (three BLAS products per layer) run
// alternately, `rounds` times each; per engine the median of network-steps per second, its
// fraction of the machine's FMA peak (the step's nominal FMAs, those of the three products, per
// second, over the peak of the threads' cores measured in this process by machine_yardsticks)
// and the ratio of the run time to its matrix-multiply floor (the run's GEMM FLOPs at the
// OpenBLAS/Eigen rate measured here on the same shapes and number of threads). With `stats`
// the engine also runs in the other precision, and the effect of f32 (float weights, double
// loss) against f64 on the final loss and the ensemble mean on the grid is printed. By hand:
//   bench_train [steps=100] [ensemble=500] [width=500] [threads=0 (all cores)] [f64|f32] [rounds=3] [stats]
// (rounds = 0 with stats: no timings, only the precision comparison).
#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/machine_yardsticks.h"
#include "runtime/training.h"
#include "runtime/training_sweeps.h"

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

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double final_mean_loss(const EnsembleResult& r, long ensemble) {
  double s = 0;
  const long records = static_cast<long>(r.loss_steps.size());
  for (long e = 0; e < ensemble; ++e) s += r.loss[e * records + records - 1];
  return s / ensemble;
}

// Mean and standard error over the ensemble of values[e * stride + offset].
std::pair<double, double> mean_and_error(const std::vector<double>& values, long ensemble, long stride, long offset) {
  double s = 0, s2 = 0;
  for (long e = 0; e < ensemble; ++e) s += values[e * stride + offset];
  const double m = s / ensemble;
  for (long e = 0; e < ensemble; ++e) s2 += (values[e * stride + offset] - m) * (values[e * stride + offset] - m);
  return {m, std::sqrt(s2 / (ensemble - 1) / ensemble)};
}

// The effect of f32 (float weights, double loss) against f64: final loss, ensemble mean on the grid.
void print_precision_effect(const EnsembleResult& f64, const EnsembleResult& f32, long ensemble) {
  const long records = static_cast<long>(f64.loss_steps.size());
  const auto [l64, e64] = mean_and_error(f64.loss, ensemble, records, records - 1);
  const auto [l32, e32] = mean_and_error(f32.loss, ensemble, records, records - 1);
  fmt::print("  f32 vs f64: final mean loss {:.6f} +- {:.6f} (f32) vs {:.6f} +- {:.6f} (f64), {:.2f} standard errors\n",
             l32, e32, l64, e64, std::abs(l32 - l64) / std::hypot(e32, e64));
  // outputs: [save, ensemble, point, 1]; the last save
  const long points = f64.outputs_shape[2], last = (f64.outputs_shape[0] - 1) * ensemble * points;
  const std::vector<double> a(f64.outputs.begin() + last, f64.outputs.end());
  const std::vector<double> b(f32.outputs.begin() + last, f32.outputs.end());
  double worst = 0;
  for (long i = 0; i < points; ++i) {
    const auto [m64, s64] = mean_and_error(a, ensemble, points, i);
    const auto [m32, s32] = mean_and_error(b, ensemble, points, i);
    worst = std::max(worst, std::abs(m64 - m32) / std::hypot(s64, s32));
  }
  fmt::print("  f32 vs f64: ensemble mean on the grid differs by at most {:.2f} standard errors\n", worst);
}

}  // namespace

int main(int argc, char** argv) {
  const long steps = argc > 1 ? std::atol(argv[1]) : 100;
  const long ensemble = argc > 2 ? std::atol(argv[2]) : 500;
  const int width = argc > 3 ? std::atoi(argv[3]) : 500;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 0;
  const bool f32 = argc > 5 && std::string(argv[5]) == "f32";
  const int rounds = argc > 6 ? std::atoi(argv[6]) : 3;
  const bool stats = argc > 7 && std::string(argv[7]) == "stats";
  const int thread_count = threads == 0 ? tbb::info::default_concurrency() : threads;

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
  // The FMA peak of the threads' cores in this precision (the yardstick counts f64 lanes).
  const double peak_fma = sgntk::bench::measured_fma_per_second_per_core() * thread_count * (f32 ? 2 : 1);
  double rate = measure_rate();
  std::vector<double> times[2];
  EnsembleResult results[2];
  if (rounds == 0) {  // `stats` alone: the engine once, no timings
    results[0] = train_ensemble(program, job);
  }
  for (int r = 0; r < rounds; ++r)
    for (int engine = 0; engine < 2; ++engine) {  // 0: the engine, 1: the previous engine
      job.reference_engine = engine == 1;
      const auto t = std::chrono::steady_clock::now();
      results[engine] = train_ensemble(program, job);
      times[engine].push_back(seconds_since(t));
    }
  // The GEMM rate before and after the runs: other load on the machine slows any one measurement,
  // and the faster of the two is the conservative (higher) floor.
  rate = std::max(rate, measure_rate());

  // Floor: the training steps' GEMMs plus the two saves' forward passes on the grid.
  const double flops = ensemble * (steps * step_flops(program, 15) + 2 * step_flops(program, 100) / 3);
  fmt::print("bench_train: {} networks 2-{}-{}-1, {} SGL steps, {} threads, {}, sweeps on {}, median of {}\n", ensemble,
             width, width, steps, thread_count, f32 ? "f32" : "f64",
             f32 ? sgntk::runtime::training_sweeps::sweeps_f32().unit
                 : sgntk::runtime::training_sweeps::sweeps_f64().unit,
             rounds);
  fmt::print("  FMA peak {:.1f} GFMA/s ({} cores); OpenBLAS/Eigen GEMM rate {:.2f} GFLOP/s; floor {:.3f} s\n",
             peak_fma * 1e-9, thread_count, rate * 1e-9, flops / rate);
  const char* names[2] = {"engine", "previous engine"};
  for (int engine = 0; engine < 2 && rounds > 0; ++engine) {
    const double elapsed = median(times[engine]);
    fmt::print("  {:>15}: time {:.3f} s, {:.0f} network-steps/s, {:.1f}% of FMA peak, time / floor = {:.2f}, "
               "final mean loss {:.6f}\n",
               names[engine], elapsed, ensemble * steps / elapsed, 100 * flops / 2 / elapsed / peak_fma,
               elapsed / (flops / rate), final_mean_loss(results[engine], ensemble));
  }
  if (rounds > 0) fmt::print("  speed-up {:.2f}x\n", median(times[1]) / median(times[0]));
  if (stats) {
    job.reference_engine = false;
    job.precision = f32 ? Precision::f64 : Precision::f32;
    const EnsembleResult other = train_ensemble(program, job);
    if (f32) print_precision_effect(other, results[0], ensemble);
    else print_precision_effect(results[0], other, ensemble);
  }
  return 0;
}
