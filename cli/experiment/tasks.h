// The task runners of `sgntk run`, one per task kind. Each runs one sweep point of a task
// (run.cpp expands the sweep and compiles the network at that point) through the job layer
// (cli/jobs/) and writes npy files into ctx.dir, listing them in ctx.record.
#pragma once
#include <filesystem>

#include "cli/experiment/data_sets.h"
#include "cli/experiment/experiment.h"
#include "cli/experiment/manifest.h"
#include "cli/experiment/run.h"
#include "compiler/sema/module.h"
#include "runtime/bound_program.h"

namespace sgntk::experiment {

struct TaskContext {
  const TaskDecl& task;               // with the quick overrides applied when --quick
  const Experiment& experiment;       // the spec as loaded without sweeps (data, tasks)
  const sema::Module& module;         // the module at this sweep point (its networks)
  DataSets& data;
  std::filesystem::path dir;          // existing folder for this run's files
  RunRecord& record;
  const RunOptions& options;
  const Reporter& reporter;
  // Train tasks: where the finished networks of this sweep point are saved, and what they belong
  // to (spec, sets, arguments and point; saved networks of anything else are not reused).
  std::filesystem::path networks_dir;
  std::string networks_stamp;
};

void run_kernel_task(const TaskContext& ctx, const KernelTask& task, const runtime::KernelProgram& program);
void run_empirical_task(const TaskContext& ctx, const EmpiricalTask& task, const runtime::KernelProgram& program);
void run_train_task(const TaskContext& ctx, const TrainTask& task, const runtime::KernelProgram& program);
void run_predict_task(const TaskContext& ctx, const PredictTask& task, const runtime::KernelProgram& program);
// The flow time a predict task computes at: its t, or lr * steps of its flow_of train task as that
// task runs (with --quick: its quick steps). Throws DataError when flow_of names no train task.
double predict_flow_time(const Experiment& experiment, const std::string& task_name, const PredictTask& task,
                         bool quick);
// Draws OUT/<task>.png (written to `png`) with scripts/plot_figure.py from the manifest so far.
// `args_json` is the plot task's arguments as the manifest writes them. Returns why the plot
// could not be drawn (no script, no python, the script failed: with its last line of stderr), or
// "" when it was: a plot that fails does not stop the run, whose data are already written.
std::string run_plot_task(const TaskContext& ctx, const std::string& args_json, const std::filesystem::path& manifest,
                   const std::filesystem::path& png);

// Writes a 2-D matrix or an n-d array into ctx.dir and lists it in the record.
void write_result(const TaskContext& ctx, const std::string& file, const runtime::RowMatrix& m);
void write_result(const TaskContext& ctx, const std::string& file, const std::vector<double>& data,
                  const std::vector<long>& shape);
// A warning of the run: into the record (the manifest) and to the reporter.
void warn(const TaskContext& ctx, const std::string& text);

}  // namespace sgntk::experiment
