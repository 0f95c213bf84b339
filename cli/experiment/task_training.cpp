// The train and predict tasks: ensembles of finite networks trained by GD or SGL, and the
// infinite-width prediction (mean, covariance) they are compared with.
#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <mutex>

#include "cli/experiment/interrupt.h"
#include "cli/experiment/network_store.h"
#include "cli/experiment/tasks.h"
#include "cli/jobs/jobs.h"
#include "runtime/errors.h"

namespace sgntk::experiment {

using runtime::RowMatrix;

namespace {

// Trains the ensemble `task.chunk` networks at a time, saving each finished chunk in the network
// store, and (with --resume) takes the chunks an earlier run saved instead of training them.
runtime::EnsembleResult train_in_chunks(const TaskContext& ctx, const TrainTask& task,
                                        const runtime::KernelProgram& program, const runtime::EnsembleTraining& job) {
  // The data are part of what the networks belong to (a csv file may change, the spec not).
  std::string data;
  for (const RowMatrix* m : {&job.x, &job.y, &job.eval})
    data.append(reinterpret_cast<const char*>(m->data()), static_cast<std::size_t>(m->size()) * sizeof(double));
  const NetworkStore store(ctx.networks_dir, ctx.networks_stamp + "data sha1 " + sha1_hex(data) + "\n",
                           ctx.options.resume);
  const long ensemble = job.ensemble, saves = static_cast<long>(job.save_at.size());
  const long points = job.eval.size() > 0 ? job.eval.rows() : job.x.rows(), outputs = program.outputs;
  runtime::EnsembleResult whole;
  whole.loss_steps = runtime::loss_steps(job.settings.steps, job.loss_every);
  whole.outputs_shape = {saves, ensemble, points, outputs};
  whole.outputs.assign(static_cast<std::size_t>(saves * ensemble * points * outputs), 0.0);
  whole.loss.assign(static_cast<std::size_t>(ensemble) * whole.loss_steps.size(), 0.0);
  long reused = 0;
  for (long first = 0; first < ensemble; first += task.chunk) {
    throw_if_interrupted();
    const long count = std::min(task.chunk, ensemble - first);
    std::optional<runtime::EnsembleResult> part = store.load(first, count, saves, points, outputs, whole.loss_steps);
    if (part) {
      reused += count;
      if (job.progress) job.progress(count * std::max(1L, job.settings.steps));
    } else {
      runtime::EnsembleTraining piece = job;
      piece.first = first;
      piece.ensemble = count;
      part = jobs::train(program, piece);
      store.save(first, *part);
    }
    place_chunk(whole, first, *part);
  }
  ctx.record.values["networks_resumed"] = static_cast<double>(reused);
  if (reused > 0 && ctx.reporter.warning)
    ctx.reporter.warning(fmt::format("task '{}': {} of {} networks from an earlier run ({})", ctx.task.name, reused,
                                     ensemble, ctx.networks_dir.string()));
  return whole;
}

}  // namespace

void run_train_task(const TaskContext& ctx, const TrainTask& task, const runtime::KernelProgram& program) {
  runtime::EnsembleTraining job;
  job.x = ctx.data.points(task.x);
  job.y = ctx.data.values(task.y, job.x);
  if (task.eval) job.eval = ctx.data.points(*task.eval);
  job.settings.learning_rate = task.lr;
  job.settings.steps = task.steps;
  job.settings.backprop = task.backprop;
  job.save_at = task.save_at.empty() ? std::vector<long>{task.steps} : task.save_at;
  job.loss_every = task.loss_every;
  job.seed = task.seed;
  job.ensemble = task.ensemble;
  job.threads = ctx.options.threads;
  job.precision = task.precision;

  // Workers report finished network-steps; whoever gets the lock redraws, and every report
  // checks for Ctrl-C (the exception leaves the worker and ends the whole ensemble).
  std::atomic<long> done{0};
  std::mutex draw;
  const double total = static_cast<double>(job.ensemble) * static_cast<double>(std::max(1L, job.settings.steps));
  job.progress = [&](long steps) {
    throw_if_interrupted();
    const long now = done += steps;
    if (std::unique_lock lock(draw, std::try_to_lock); lock && ctx.reporter.progress)
      ctx.reporter.progress(static_cast<double>(now) / total);
  };
  job.cancelled = [] { return interrupted(); };  // also between reports: every step
  const runtime::EnsembleResult result = train_in_chunks(ctx, task, program, job);
  throw_if_interrupted();

  const std::vector<double> save_steps(job.save_at.begin(), job.save_at.end());
  const std::vector<double> loss_steps(result.loss_steps.begin(), result.loss_steps.end());
  write_result(ctx, "outputs.npy", result.outputs, result.outputs_shape);
  write_result(ctx, "save_steps.npy", save_steps, {static_cast<long>(save_steps.size())});
  write_result(ctx, "loss.npy", result.loss, {job.ensemble, static_cast<long>(loss_steps.size())});
  write_result(ctx, "loss_steps.npy", loss_steps, {static_cast<long>(loss_steps.size())});
  write_result(ctx, "x.npy", job.x);
  write_result(ctx, "y.npy", job.y);
  write_result(ctx, "eval.npy", job.eval.size() > 0 ? job.eval : job.x);
  ctx.record.values["t"] = job.settings.learning_rate * static_cast<double>(job.settings.steps);
  ctx.record.values["seed"] = static_cast<double>(job.seed);
}

double predict_flow_time(const Experiment& experiment, const std::string& task_name, const PredictTask& task,
                         bool quick) {
  if (!task.flow_of) return task.t;
  // The flow time the networks of that train task reached: t = lr * steps (after --quick).
  const TaskDecl* trained = experiment.find_task(*task.flow_of);
  const TaskDecl as_run = trained ? trained->effective(quick) : TaskDecl{};
  const auto* train = std::get_if<TrainTask>(&as_run.body);
  if (trained == nullptr || train == nullptr)
    throw runtime::DataError(fmt::format("task '{}': flow_of = {} must name a train task", task_name, *task.flow_of));
  return train->lr * static_cast<double>(train->steps);
}

void run_predict_task(const TaskContext& ctx, const PredictTask& task, const runtime::KernelProgram& program) {
  runtime::PredictOptions options;
  options.t = predict_flow_time(ctx.experiment, ctx.task.name, task, ctx.options.quick);
  options.diag_reg = task.diag_reg;
  options.threads = ctx.options.threads;
  const RowMatrix& x_train = ctx.data.points(task.x_train);
  const RowMatrix y_train = ctx.data.values(task.y_train, x_train);
  const RowMatrix& x_test = ctx.data.points(task.x_test);
  const runtime::Prediction p = jobs::predict(program, task.kind, x_train, y_train, x_test, options);
  for (const std::string& w : p.warnings) {
    ctx.record.warnings.push_back(w);
    if (ctx.reporter.warning) ctx.reporter.warning(fmt::format("task '{}': {}", ctx.task.name, w));
  }
  write_result(ctx, "mean.npy", p.mean);
  write_result(ctx, "std.npy", std::vector<double>(p.std.data(), p.std.data() + p.std.size()), {p.std.size()});
  write_result(ctx, "cov.npy", p.cov);
  write_result(ctx, "x_train.npy", x_train);
  write_result(ctx, "y_train.npy", y_train);
  write_result(ctx, "x_test.npy", x_test);
  if (ctx.experiment.find_target(task.y_train) != nullptr)  // the target on the test points
    write_result(ctx, "y_test.npy", ctx.data.values(task.y_train, x_test));
  ctx.record.values["t"] = options.t;
}

}  // namespace sgntk::experiment
