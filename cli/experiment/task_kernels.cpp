// The kernel and empirical tasks: infinite-width kernel matrices, and the empirical kernels of
// finite networks at initialisation and after training.
#include <fmt/format.h>

#include "cli/experiment/interrupt.h"
#include "cli/experiment/tasks.h"
#include "runtime/empirical_kernel.h"
#include "runtime/errors.h"
#include "runtime/kernels.h"

namespace sgntk::experiment {

using runtime::RowMatrix;

namespace {
void warn(const TaskContext& ctx, const std::string& text) {
  ctx.record.warnings.push_back(text);
  if (ctx.reporter.warning) ctx.reporter.warning(text);
}
}  // namespace

void run_kernel_task(const TaskContext& ctx, const runtime::KernelProgram& program) {
  const sema::TaskDecl& task = ctx.task;
  const RowMatrix& x1 = ctx.data.points(task.text("x1"));
  const RowMatrix* x2 = task.has("x2") ? &ctx.data.points(task.text("x2")) : nullptr;
  const std::string& kind = task.text("kind");
  runtime::KernelOptions options;
  options.threads = ctx.options.threads;
  options.progress = ctx.reporter.progress;
  const runtime::KernelKind k = kind == "nngp" ? runtime::KernelKind::nngp
                                : kind == "ntk" ? runtime::KernelKind::ntk
                                                : runtime::KernelKind::sgntk;
  const RowMatrix kernel = runtime::compute_kernel(program, k, x1, x2, options);
  const long infinite = (kernel.array().abs() == std::numeric_limits<double>::infinity()).count();
  if (infinite > 0)
    warn(ctx, fmt::format("task '{}': {} entries of the {} kernel are infinite (the naive NTK of a jump "
                          "activation is +inf where x = x')", task.name, infinite, kind));
  write_result(ctx, "kernel.npy", kernel);
  write_result(ctx, "x1.npy", x1);
  write_result(ctx, "x2.npy", x2 ? *x2 : x1);
}

void run_empirical_task(const TaskContext& ctx, const runtime::KernelProgram& program) {
  const sema::TaskDecl& task = ctx.task;
  runtime::EmpiricalJob job;
  const bool ntk = task.text("kind") == "ntk";
  job.kind = ntk ? runtime::EmpiricalKind::ntk : runtime::EmpiricalKind::sgntk;
  job.x1 = ctx.data.points(task.text("x1"));
  job.x2 = task.has("x2") ? ctx.data.points(task.text("x2")) : job.x1;
  job.seed = static_cast<std::uint64_t>(task.integer("seed"));
  job.ensemble = task.integer("ensemble");
  job.threads = ctx.options.threads;
  const std::vector<double>& steps = task.numbers("steps");
  const long n1 = job.x1.rows(), n2 = job.x2.rows();
  std::vector<double> all;
  all.reserve(steps.size() * static_cast<std::size_t>(job.ensemble * n1 * n2));
  for (std::size_t i = 0; i < steps.size(); ++i) {
    throw_if_interrupted();
    if (ctx.reporter.progress) ctx.reporter.progress(static_cast<double>(i) / static_cast<double>(steps.size()));
    job.train.reset();
    if (steps[i] > 0) {
      // The kernel the training follows: the NTK under gradient descent, the SG-NTK under SGL.
      runtime::EmpiricalJob::Training training;
      training.x = ctx.data.points(task.text("x"));
      training.y = ctx.data.values(task.text("y"), training.x);
      training.settings.learning_rate = task.number("lr");
      training.settings.steps = static_cast<long>(steps[i]);
      training.settings.backprop = ntk ? runtime::Backprop::true_derivative : runtime::Backprop::surrogate;
      job.train = std::move(training);
    }
    const std::vector<double> kernels = runtime::empirical_kernels(program, job);
    all.insert(all.end(), kernels.begin(), kernels.end());
  }
  write_result(ctx, "kernels.npy", all, {static_cast<long>(steps.size()), job.ensemble, n1, n2});
  write_result(ctx, "steps.npy", steps, {static_cast<long>(steps.size())});
  write_result(ctx, "x1.npy", job.x1);
  write_result(ctx, "x2.npy", job.x2);
  ctx.record.values["seed"] = static_cast<double>(job.seed);
}

}  // namespace sgntk::experiment
