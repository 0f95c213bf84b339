// The kernel and empirical tasks: infinite-width kernel matrices, and the empirical kernels of
// finite networks at initialisation and after training.
#include <fmt/format.h>

#include "cli/experiment/interrupt.h"
#include "cli/experiment/tasks.h"
#include "cli/jobs/jobs.h"
#include "cli/jobs/kinds.h"
#include "runtime/quadrature_misses.h"

namespace sgntk::experiment {

using runtime::RowMatrix;

void run_kernel_task(const TaskContext& ctx, const KernelTask& task, const runtime::KernelProgram& program) {
  const RowMatrix& x1 = ctx.data.points(task.x1);
  const RowMatrix* x2 = task.x2 ? &ctx.data.points(*task.x2) : nullptr;
  Diagnostics warnings;
  jobs::warn_infinite_diagonal(ctx.module, program, task.kind, warnings);
  for (const Diagnostic& d : warnings.all())
    if (d.severity == Severity::warning) warn(ctx, fmt::format("task '{}': {}", ctx.task.name, d.message));
  runtime::KernelOptions options;
  options.threads = ctx.options.threads;
  options.progress = ctx.reporter.progress;
  // Ctrl-C stops the kernel at its next tile; the runner then removes the staging folder.
  options.cancelled = [] { return interrupted(); };
  runtime::reset_quadrature_misses();
  try {  // computed straight into the staging folder's kernel.npy (peak memory: the output)
    jobs::kernel_to_file(program, task.kind, x1, x2, (ctx.dir / "kernel.npy").string(), options);
  } catch (const runtime::Cancelled&) {
    throw Interrupted();
  }
  if (const auto w = runtime::quadrature_miss_warning()) warn(ctx, fmt::format("task '{}': {}", ctx.task.name, *w));
  ctx.record.files.push_back("kernel.npy");
  write_result(ctx, "x1.npy", x1);
  write_result(ctx, "x2.npy", x2 ? *x2 : x1);
}

void run_empirical_task(const TaskContext& ctx, const EmpiricalTask& task, const runtime::KernelProgram& program) {
  runtime::EmpiricalJob job;
  job.kind = task.kind;
  job.x1 = ctx.data.points(task.x1);
  job.x2 = task.x2 ? ctx.data.points(*task.x2) : job.x1;
  job.seed = task.seed;
  job.ensemble = task.ensemble;
  job.threads = ctx.options.threads;
  job.cancelled = [] { return interrupted(); };
  const std::vector<long>& steps = task.steps;
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
      training.x = ctx.data.points(*task.x);
      training.y = ctx.data.values(*task.y, training.x);
      training.settings.learning_rate = task.lr;
      training.settings.steps = steps[i];
      training.settings.backprop = task.kind == runtime::EmpiricalKind::ntk ? runtime::Backprop::true_derivative
                                                                             : runtime::Backprop::surrogate;
      job.train = std::move(training);
    }
    const std::vector<double> kernels = jobs::empirical(program, job);
    all.insert(all.end(), kernels.begin(), kernels.end());
  }
  const std::vector<double> steps_column(steps.begin(), steps.end());
  write_result(ctx, "kernels.npy", all, {static_cast<long>(steps.size()), job.ensemble, n1, n2});
  write_result(ctx, "steps.npy", steps_column, {static_cast<long>(steps.size())});
  write_result(ctx, "x1.npy", job.x1);
  write_result(ctx, "x2.npy", job.x2);
  ctx.record.values["seed"] = static_cast<double>(job.seed);
}

}  // namespace sgntk::experiment
