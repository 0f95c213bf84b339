// The train and predict tasks: ensembles of finite networks trained by GD or SGL, and the
// infinite-width prediction (mean, covariance) they are compared with.
#include <atomic>
#include <fmt/format.h>
#include <mutex>

#include "cli/experiment/interrupt.h"
#include "cli/experiment/tasks.h"
#include "runtime/errors.h"
#include "runtime/predict.h"
#include "runtime/training.h"

namespace sgntk::experiment {

using runtime::RowMatrix;

void run_train_task(const TaskContext& ctx, const runtime::KernelProgram& program) {
  const sema::TaskDecl& task = ctx.task;
  runtime::EnsembleTraining job;
  job.x = ctx.data.points(task.text("x"));
  job.y = ctx.data.values(task.text("y"), job.x);
  if (task.has("eval")) job.eval = ctx.data.points(task.text("eval"));
  job.settings.learning_rate = task.number("lr");
  job.settings.steps = task.integer("steps");
  job.settings.backprop =
      task.text("backprop") == "true" ? runtime::Backprop::true_derivative : runtime::Backprop::surrogate;
  if (task.has("save_at"))
    for (double s : task.numbers("save_at")) job.save_at.push_back(static_cast<long>(s));
  else
    job.save_at = {job.settings.steps};
  job.loss_every = task.integer("loss_every");
  job.seed = static_cast<std::uint64_t>(task.integer("seed"));
  job.ensemble = task.integer("ensemble");
  job.threads = ctx.options.threads;
  job.precision = task.text("precision") == "f32" ? runtime::Precision::f32 : runtime::Precision::f64;

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
  const runtime::EnsembleResult result = runtime::train_ensemble(program, job);
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

void run_predict_task(const TaskContext& ctx, const runtime::KernelProgram& program) {
  const sema::TaskDecl& task = ctx.task;
  runtime::PredictOptions options;
  options.t = task.number("t");
  if (task.has("flow_of")) {
    // The flow time the networks of that train task reached: t = lr * steps (after --quick).
    const sema::TaskDecl* trained = ctx.module.find_task(task.text("flow_of"));
    if (trained == nullptr || trained->kind != sema::TaskDecl::Kind::train)
      throw runtime::DataError(fmt::format("task '{}': flow_of = {} must name a train task", task.name,
                                           task.text("flow_of")));
    const sema::TaskDecl as_run = trained->effective(ctx.options.quick);
    options.t = as_run.number("lr") * static_cast<double>(as_run.integer("steps"));
  }
  options.diag_reg = task.number("diag_reg");
  options.threads = ctx.options.threads;
  const std::string& kind = task.text("kind");
  const runtime::PredictKind k = kind == "nngp" ? runtime::PredictKind::nngp
                                 : kind == "ntk" ? runtime::PredictKind::ntk
                                                 : runtime::PredictKind::sgntk;
  const RowMatrix& x_train = ctx.data.points(task.text("x_train"));
  const RowMatrix y_train = ctx.data.values(task.text("y_train"), x_train);
  const RowMatrix& x_test = ctx.data.points(task.text("x_test"));
  const runtime::Prediction p = runtime::predict(program, k, x_train, y_train, x_test, options);
  for (const std::string& w : p.warnings) {
    ctx.record.warnings.push_back(w);
    if (ctx.reporter.warning) ctx.reporter.warning(fmt::format("task '{}': {}", task.name, w));
  }
  write_result(ctx, "mean.npy", p.mean);
  write_result(ctx, "std.npy", std::vector<double>(p.std.data(), p.std.data() + p.std.size()), {p.std.size()});
  write_result(ctx, "cov.npy", p.cov);
  write_result(ctx, "x_train.npy", x_train);
  write_result(ctx, "y_train.npy", y_train);
  write_result(ctx, "x_test.npy", x_test);
  if (ctx.module.find_target(task.text("y_train")) != nullptr)  // the target on the test points
    write_result(ctx, "y_test.npy", ctx.data.values(task.text("y_train"), x_test));
  ctx.record.values["t"] = options.t;
}

}  // namespace sgntk::experiment
