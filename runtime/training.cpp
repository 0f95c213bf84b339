// Training loops of finite networks and the ensemble driver (training.h).
#include "runtime/training.h"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <string>

#include "runtime/errors.h"
#include "runtime/single_threaded_blas.h"
#include "runtime/training_engine.h"

namespace sgntk::runtime {

namespace {

// Throws EvalError when the loss at `step` is not finite.
void check_loss(long step, double loss) {
  if (std::isfinite(loss)) return;
  // At step 0 no update has run: the learning rate cannot be the cause.
  if (step == 0)
    throw EvalError(fmt::format(
        "the loss is {} at step 0, before any update: the forward pass of the initial network is not finite "
        "(an activation overflowed or is undefined at some training input, or the inputs or targets are too "
        "large for the loss to be a double)",
        loss));
  throw EvalError(fmt::format("training diverged at step {} (loss {}); lower the learning rate", step, loss));
}

}  // namespace

template <class Scalar>
void train_network(FiniteNetwork<Scalar>& net, const typename FiniteNetwork<Scalar>::Matrix& x,
                   const typename FiniteNetwork<Scalar>::Matrix& y, const TrainSettings& settings,
                   const StepObserver<Scalar>& observe) {
  using Matrix = typename FiniteNetwork<Scalar>::Matrix;
  TrainingEngine<Scalar> engine(net, x, y, settings);
  bool net_is_current = true;
  const NetworkNow<Scalar> now{[&]() -> const FiniteNetwork<Scalar>& {
                                 if (!net_is_current) engine.write_to(net);
                                 net_is_current = true;
                                 return net;
                               },
                               [&](const Matrix& points) { return engine.outputs(points); }};
  // Steps are independent units of work: a check that stops training early belongs at the top
  // of this loop.
  for (long step = 0;; ++step) {
    const double loss = engine.forward();
    check_loss(step, loss);
    observe(step, loss, now);
    if (step == settings.steps) break;
    engine.update();
    net_is_current = false;
  }
  now();
}

template <class Scalar>
void train_network_reference(FiniteNetwork<Scalar>& net, const typename FiniteNetwork<Scalar>::Matrix& x,
                             const typename FiniteNetwork<Scalar>::Matrix& y, const TrainSettings& settings,
                             const StepObserver<Scalar>& observe) {
  using Matrix = typename FiniteNetwork<Scalar>::Matrix;
  const auto n = static_cast<double>(x.rows());
  const auto eta = static_cast<Scalar>(settings.learning_rate);
  typename FiniteNetwork<Scalar>::Pass pass;
  Matrix delta;
  // Fused update: the visitor subtracts eta * gradient from layer l as soon as backward() no
  // longer needs layer l, so the step costs the forward GEMMs, the backward GEMMs and one
  // accumulating GEMM per layer, with no gradient buffers.
  const auto update = [&](int l, const Matrix& d, const Matrix& input) {
    net.weight(l).noalias() -= (eta * net.weight_scale(l)) * d.transpose() * input;
    net.bias(l).noalias() -= (eta * net.bias_scale(l)) * d.colwise().sum().transpose();
  };
  const NetworkNow<Scalar> now{[&]() -> const FiniteNetwork<Scalar>& { return net; }, [&](const Matrix& points) {
                                 typename FiniteNetwork<Scalar>::Pass outputs_pass;
                                 net.forward(points, outputs_pass);
                                 return Matrix(outputs_pass.outputs());
                               }};
  for (long step = 0;; ++step) {
    net.forward(x, pass);
    delta = pass.outputs() - y;
    const double loss = static_cast<double>(delta.squaredNorm()) / (2.0 * n);
    check_loss(step, loss);
    observe(step, loss, now);
    if (step == settings.steps) return;
    delta /= static_cast<Scalar>(n);  // d loss / d f
    net.backward(pass, delta, settings.backprop, update);
  }
}

template <class Scalar>
Gradient<Scalar> loss_gradient(const FiniteNetwork<Scalar>& net, const typename FiniteNetwork<Scalar>::Matrix& x,
                               const typename FiniteNetwork<Scalar>::Matrix& y, Backprop mode) {
  using Matrix = typename FiniteNetwork<Scalar>::Matrix;
  typename FiniteNetwork<Scalar>::Pass pass;
  net.forward(x, pass);
  const Matrix residual = pass.outputs() - y;
  const auto n = static_cast<double>(x.rows());
  Gradient<Scalar> g;
  g.loss = static_cast<double>(residual.squaredNorm()) / (2.0 * n);
  g.weights.resize(net.layer_count());
  g.biases.resize(net.layer_count());
  net.backward(pass, residual / static_cast<Scalar>(n), mode, [&](int l, const Matrix& d, const Matrix& input) {
    g.weights[l] = net.weight_scale(l) * (d.transpose() * input);
    g.biases[l] = net.bias_scale(l) * d.colwise().sum().transpose();
  });
  return g;
}

void for_each_network(long count, int threads, const std::function<void(long)>& body) {
  use_single_threaded_blas();
  if (threads == 1) {
    for (long e = 0; e < count; ++e) body(e);
    return;
  }
  tbb::task_arena arena(threads > 1 ? threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<long>(0, count, 1), [&](const tbb::blocked_range<long>& r) {
      for (long e = r.begin(); e < r.end(); ++e) body(e);
    });
  });
}

void check_data(const KernelProgram& program, const RowMatrix& x, const RowMatrix* y, const char* what) {
  if (x.rows() == 0) throw DataError(fmt::format("{} has no points", what));
  if (x.cols() != program.input_dim)
    throw DataError(fmt::format("{} has {} columns but network '{}' takes {}-dimensional inputs", what,
                                x.cols(), program.network, program.input_dim));
  if (!y) return;
  if (y->rows() != x.rows())
    throw DataError(fmt::format("the targets have {} rows but {} has {}", y->rows(), what, x.rows()));
  if (y->cols() != program.outputs)
    throw DataError(fmt::format("the targets have {} columns but network '{}' has {} outputs", y->cols(),
                                program.network, program.outputs));
}

namespace {

void check_job(const KernelProgram& program, const EnsembleTraining& job) {
  check_data(program, job.x, &job.y, "the training input matrix");
  if (job.eval.size() > 0) check_data(program, job.eval, nullptr, "the evaluation input matrix");
  const TrainSettings& s = job.settings;
  if (!(std::isfinite(s.learning_rate) && s.learning_rate > 0))
    throw DataError(fmt::format("the learning rate must be positive, not {}", s.learning_rate));
  if (s.steps < 0) throw DataError(fmt::format("the number of steps must be >= 0, not {}", s.steps));
  if (job.ensemble < 1) throw DataError(fmt::format("the ensemble needs >= 1 network, not {}", job.ensemble));
  if (job.loss_every < 1) throw DataError(fmt::format("the loss interval must be >= 1, not {}", job.loss_every));
  for (std::size_t i = 0; i < job.save_at.size(); ++i) {
    const long t = job.save_at[i];
    if (t < 0 || t > s.steps)
      throw DataError(fmt::format("save step {} is outside [0, {}] (the number of steps)", t, s.steps));
    if (i > 0 && t <= job.save_at[i - 1]) throw DataError("the save steps must be strictly increasing");
  }
  try {
    check_backprop(program, s.backprop);
  } catch (const EvalError& e) {
    if (s.backprop != Backprop::true_derivative) throw;
    throw EvalError(std::string(e.what()) + "; train with surrogate gradients instead (--backprop surrogate, "
                    "with a surrogate on every layer whose activation jumps)");
  }
}

template <class Scalar>
EnsembleResult train_ensemble_as(const KernelProgram& program, const EnsembleTraining& job) {
  using Net = FiniteNetwork<Scalar>;
  using Matrix = typename Net::Matrix;
  const Matrix x = job.x.cast<Scalar>(), y = job.y.cast<Scalar>();
  const Matrix eval = job.eval.size() > 0 ? Matrix(job.eval.cast<Scalar>()) : x;
  const long steps = job.settings.steps, k = job.loss_every;
  const long n_eval = eval.rows(), outputs = program.outputs;

  EnsembleResult result;
  result.loss_steps = loss_steps(steps, k);
  const auto records = static_cast<long>(result.loss_steps.size());
  result.loss.assign(static_cast<std::size_t>(job.ensemble * records), 0.0);
  result.outputs_shape = {static_cast<long>(job.save_at.size()), job.ensemble, n_eval, outputs};
  result.outputs.assign(job.save_at.size() * static_cast<std::size_t>(job.ensemble * n_eval * outputs), 0.0);

  for_each_network(job.ensemble, job.threads, [&](long e) {
    Net net(program, job.seed, static_cast<std::uint32_t>(job.first + e));
    std::size_t next_save = 0;
    long unreported = 0;
    const auto train = job.reference_engine ? &train_network_reference<Scalar> : &train_network<Scalar>;
    train(net, x, y, job.settings, [&](long step, double loss, const NetworkNow<Scalar>& now) {
      if (job.cancelled && job.cancelled()) throw Cancelled();
      if (step % k == 0 || step == steps) result.loss[e * records + (step % k == 0 ? step / k : records - 1)] = loss;
      if (next_save < job.save_at.size() && job.save_at[next_save] == step) {
        const Matrix f = now.outputs(eval);
        double* out = result.outputs.data() + (next_save * job.ensemble + e) * n_eval * outputs;
        for (long i = 0; i < n_eval; ++i)
          for (long o = 0; o < outputs; ++o) out[i * outputs + o] = static_cast<double>(f(i, o));
        ++next_save;
      }
      // Progress in batches: one call per 64 steps keeps the shared counter cold.
      if (job.progress && step > 0 && (++unreported == 64 || step == steps)) {
        job.progress(unreported);
        unreported = 0;
      }
    });
  });
  return result;
}

}  // namespace

std::vector<long> loss_steps(long steps, long every) {
  std::vector<long> out;
  for (long t = 0; t <= steps; t += every) out.push_back(t);
  if (out.back() != steps) out.push_back(steps);
  return out;
}

EnsembleResult train_ensemble(const KernelProgram& program, const EnsembleTraining& job) {
  check_job(program, job);
  return job.precision == Precision::f32 ? train_ensemble_as<float>(program, job)
                                         : train_ensemble_as<double>(program, job);
}

template void train_network<double>(FiniteNetwork<double>&, const FiniteNetwork<double>::Matrix&,
                          const FiniteNetwork<double>::Matrix&, const TrainSettings&, const StepObserver<double>&);
template void train_network<float>(FiniteNetwork<float>&, const FiniteNetwork<float>::Matrix&,
                          const FiniteNetwork<float>::Matrix&, const TrainSettings&, const StepObserver<float>&);
template void train_network_reference<double>(FiniteNetwork<double>&, const FiniteNetwork<double>::Matrix&,
                          const FiniteNetwork<double>::Matrix&, const TrainSettings&, const StepObserver<double>&);
template void train_network_reference<float>(FiniteNetwork<float>&, const FiniteNetwork<float>::Matrix&,
                          const FiniteNetwork<float>::Matrix&, const TrainSettings&, const StepObserver<float>&);
template Gradient<double> loss_gradient<double>(const FiniteNetwork<double>&, const FiniteNetwork<double>::Matrix&,
                                                const FiniteNetwork<double>::Matrix&, Backprop);
template Gradient<float> loss_gradient<float>(const FiniteNetwork<float>&, const FiniteNetwork<float>::Matrix&,
                                              const FiniteNetwork<float>::Matrix&, Backprop);

}  // namespace sgntk::runtime
