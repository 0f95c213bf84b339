#include "cli/experiment/run.h"

#include <chrono>
#include <filesystem>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <type_traits>

#include "cli/experiment/interrupt.h"
#include "cli/experiment/load_experiment.h"
#include "cli/experiment/tasks.h"
#include "cli/jobs/jobs.h"
#include "runtime/errors.h"
#include "runtime/matrix_io.h"
#include "runtime/replaced_folder.h"

namespace sgntk::experiment {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

const char* const stopped_message =
    "interrupted: nothing is replaced (the output folder keeps its earlier results; the networks trained so far "
    "are saved for --resume)";
using Assignment = std::vector<std::pair<std::string, double>>;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A param value in a folder name ("inf", "0.5", "1e-05").
std::string folder_value(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{}", v);
}

// Every point of the Cartesian product of the sweeps, the first sweep varying slowest.
std::vector<Assignment> sweep_points(const std::vector<Sweep>& sweeps) {
  std::vector<Assignment> points{{}};
  for (const Sweep& s : sweeps) {
    std::vector<Assignment> next;
    for (const Assignment& p : points)
      for (double v : s.values) {
        Assignment q = p;
        q.emplace_back(s.param, v);
        next.push_back(std::move(q));
      }
    points = std::move(next);
  }
  return points;
}

// "m_2-n_500"; empty without sweeps (the files go straight into the task's folder).
std::string point_dir(const Assignment& point) {
  std::string out;
  for (const auto& [param, value] : point) out += (out.empty() ? "" : "-") + param + "_" + folder_value(value);
  return out;
}

// The task's arguments and sweeps as run, as JSON values by name ("sweep" holds the sweeps). A
// predict task's "t" is the flow time it computes (that of its flow_of train task, if any).
std::map<std::string, std::string> args_as_run(const TaskDecl& task, const Experiment& experiment, bool quick) {
  std::map<std::string, std::string> out = task.args_json;
  if (const auto* predict = std::get_if<PredictTask>(&task.body))
    out["t"] = json_number(predict_flow_time(experiment, task.name, *predict, quick));
  std::string sweeps;
  for (const Sweep& s : task.sweeps) {
    std::string values;
    for (double v : s.values) values += (values.empty() ? "" : ", ") + json_number(v);
    sweeps += (sweeps.empty() ? "" : ", ") + json_string(s.param) + ": [" + values + "]";
  }
  out["sweep"] = "{" + sweeps + "}";
  return out;
}

std::string json_object(const std::map<std::string, std::string>& values) {
  std::string out = "{";
  for (const auto& [key, value] : values) out += (out.size() > 1 ? ", " : "") + json_string(key) + ": " + value;
  return out + "}";
}

// Under --quick: the arguments (and "sweep") the quick statements changed, with their values in
// the full-size run (null for an argument the full-size task does not have).
std::map<std::string, std::string> replaced_by_quick(const std::map<std::string, std::string>& full,
                                                     const std::map<std::string, std::string>& quick) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : quick) {
    const auto it = full.find(key);
    if (it == full.end()) out[key] = "null";
    else if (it->second != value) out[key] = it->second;
  }
  return out;
}

// Runs the task's kind of job (plots are drawn by run_task).
void run_body(const TaskContext& ctx, const runtime::KernelProgram& program) {
  std::visit(
      [&](const auto& body) {
        using Body = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<Body, KernelTask>) run_kernel_task(ctx, body, program);
        else if constexpr (std::is_same_v<Body, EmpiricalTask>) run_empirical_task(ctx, body, program);
        else if constexpr (std::is_same_v<Body, TrainTask>) run_train_task(ctx, body, program);
        else if constexpr (std::is_same_v<Body, PredictTask>) run_predict_task(ctx, body, program);
      },
      ctx.task.body);
}

class Runner {
 public:
  // Writes the results into `staging` (the new folder, swapped in by the caller when run()
  // succeeds) and the saved networks under `networks` (kept in place across runs).
  Runner(const RunOptions& options, const Reporter& reporter, Diagnostics& diags, const ParsedSpec& parsed,
         const std::vector<sema::ParamOverride>& sets, const LoadedExperiment& base, fs::path staging,
         fs::path networks)
      : options_(options), reporter_(reporter), diags_(diags), parsed_(parsed), sets_(sets), base_(base),
        data_(base.experiment), out_(std::move(staging)), networks_(std::move(networks)) {}

  RunStatus run();

 private:
  void run_task(const TaskDecl& declared, const TaskDecl& task);
  void run_point(const TaskDecl& task, const Assignment& point, const fs::path& dir, TaskRecord& record);
  void begin(const std::string& label) const {
    if (reporter_.begin) reporter_.begin(label);
  }

  const RunOptions& options_;
  const Reporter& reporter_;
  Diagnostics& diags_;
  const ParsedSpec& parsed_;                   // parsed once; every sweep point builds from it
  const std::vector<sema::ParamOverride>& sets_;  // --set, parsed once
  const LoadedExperiment& base_;               // at the --set values: data, targets, tasks
  DataSets data_;
  fs::path out_, networks_;
  Manifest manifest_;
};

RunStatus Runner::run() {
  const auto start = Clock::now();
  const sema::Module& module = base_.spec->module;
  const Experiment& experiment = base_.experiment;
  manifest_.spec_path = options_.spec;
  manifest_.spec_sha1 = sha1_hex(parsed_.source->text());
  manifest_.quick = options_.quick;
  manifest_.sets = options_.sets;
  manifest_.params = module.params;
  manifest_.started = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
  try {
    fs::create_directories(out_ / "data");
    for (const DataDecl& d : experiment.data) {
      const std::string file = "data/" + d.name + ".npy";
      const runtime::RowMatrix& x = data_.points(d.name);
      runtime::write_npy((out_ / file).string(), x.data(), {x.rows(), x.cols()});
      manifest_.data_files[d.name] = file;
    }
    for (const TaskDecl& task : experiment.tasks) {
      if (!options_.only.empty() &&
          std::find(options_.only.begin(), options_.only.end(), task.name) == options_.only.end())
        continue;
      throw_if_interrupted();
      const TaskDecl effective = task.effective(options_.quick);
      if (effective.is_plot()) runtime::write_file_atomically((out_ / "manifest.partial.json").string(), to_json(manifest_));
      run_task(task, effective);
    }
    fs::remove(out_ / "manifest.partial.json");
    manifest_.seconds = seconds_since(start);
    runtime::write_file_atomically((out_ / "manifest.json").string(), to_json(manifest_));
    throw_if_interrupted();  // a signal during the last task's writes: the run still stops
    return RunStatus::ok;
  } catch (const Interrupted&) {
    diags_.error(stopped_message);
  } catch (const runtime::Cancelled&) {  // a job that polled the flag (a kernel, training)
    diags_.error(stopped_message);
  } catch (const runtime::DataError& e) {
    diags_.error(e.what());
  } catch (const runtime::EvalError& e) {
    diags_.error(e.what());
  } catch (const fs::filesystem_error& e) {
    diags_.error(e.what());
  }
  return interrupted() ? RunStatus::interrupted : RunStatus::input_error;
}

// `task` is `declared` as it runs (with --quick: its quick version).
void Runner::run_task(const TaskDecl& declared, const TaskDecl& task) {
  const auto start = Clock::now();
  TaskRecord record;
  record.name = task.name;
  record.kind = kind_name(task.body);
  const auto args = args_as_run(task, base_.experiment, options_.quick);
  record.args_json = json_object(args);
  if (options_.quick)
    record.quick_replaced_json = json_object(replaced_by_quick(args_as_run(declared, base_.experiment, false), args));
  if (task.is_plot()) {
    begin(fmt::format("plot {}", task.name));
    RunRecord run;
    const TaskContext ctx{task, base_.experiment, base_.spec->module, data_, out_, run, options_, reporter_, {}, {}};
    // The script draws into a folder of its own (with its messages), so that a plot that fails
    // leaves nothing to list.
    const fs::path drawing = out_ / ("." + task.name + ".drawing");
    fs::create_directories(drawing);
    const std::string failure = run_plot_task(ctx, record.args_json, out_ / "manifest.partial.json", drawing / "plot.png");
    if (failure.empty()) {
      fs::rename(drawing / "plot.png", out_ / (task.name + ".png"));
      record.plot = task.name + ".png";
    } else {
      // The data are written already: the run goes on, the manifest says the plot is missing.
      record.warnings.push_back(failure);
      if (reporter_.warning) reporter_.warning(failure + "; the data are written, the plot is not");
    }
    fs::remove_all(drawing);
  } else {
    for (const Assignment& point : sweep_points(task.sweeps)) {
      throw_if_interrupted();
      const std::string sub = point_dir(point);
      fs::create_directories(out_ / task.name / sub);
      run_point(task, point, out_ / task.name / sub, record);
      record.runs.back().dir = sub.empty() ? task.name : task.name + "/" + sub;
    }
  }
  record.seconds = seconds_since(start);
  manifest_.tasks.push_back(std::move(record));
}

void Runner::run_point(const TaskDecl& task, const Assignment& point, const fs::path& dir, TaskRecord& record) {
  std::string label = fmt::format("{} {}", kind_name(task.body), task.name);
  if (!point.empty()) label += " [" + point_dir(point) + "]";
  begin(label);
  // The network is compiled at this sweep point: the swept params change widths, activations
  // and surrogates alike. The data and tasks come from the spec as loaded without the sweep.
  // The point's values are set as numbers on the spec parsed once (after --set: they win).
  std::unique_ptr<LoadedSpec> at_point;
  if (!point.empty()) {
    std::vector<sema::ParamOverride> overrides = sets_;
    for (const auto& [param, value] : point) overrides.push_back({param, value});
    at_point = build_spec(parsed_, overrides, diags_);
    if (!at_point) throw runtime::DataError(fmt::format("task '{}': the spec does not load at {}", task.name, label));
  }
  const sema::Module& module = at_point ? at_point->module : base_.spec->module;
  const auto program = jobs::lower_and_bind(module, *network_of(task.body), {}, {options_.plugin_paths}, diags_);
  if (!program) throw runtime::DataError(fmt::format("task '{}': the network does not compile", task.name));

  record.runs.emplace_back().params = point;
  std::string sets;
  for (const std::string& set : options_.sets) sets += set + "\n";
  const std::string stamp = fmt::format("spec sha1 {}\nsets\n{}args {}\npoint {}\n", manifest_.spec_sha1, sets,
                                        record.args_json, point_dir(point));
  // One folder per job (by the stamp's hash): a --quick run, or one with other sets, never
  // empties the folder of a long run's networks.
  const fs::path networks = networks_ / task.name / sha1_hex(stamp).substr(0, 16);
  const TaskContext ctx{task,     base_.experiment, module, data_,   dir, record.runs.back(), options_, reporter_,
                        networks, stamp};
  try {
    run_body(ctx, *program);
  } catch (const jobs::NanResult& e) {  // say which task (and sweep point) it was
    throw runtime::DataError(fmt::format("task '{}'{}: {}", task.name,
                                         point.empty() ? "" : " [" + point_dir(point) + "]", e.what()));
  }
}

}  // namespace

std::string output_folder(const RunOptions& options) {
  if (!options.out.empty()) return options.out;
  return (fs::path("out") / fs::path(options.spec).stem()).string();
}

RunStatus run_experiment(const RunOptions& options, const Reporter& reporter, Diagnostics& diags) {
  InterruptGuard guard;
  clear_interrupt();
  // The spec is read and parsed once, and --set parsed once: sweep points reuse both.
  bool sets_ok = true;
  const std::vector<sema::ParamOverride> sets = parse_sets(options.sets, diags, sets_ok);
  const std::unique_ptr<ParsedSpec> parsed = parse_spec_file(options.spec, diags);
  if (!parsed) return RunStatus::input_error;
  const std::unique_ptr<LoadedExperiment> base = build_experiment(*parsed, sets, diags);
  if (!base || !sets_ok) return RunStatus::input_error;
  if (base->experiment.tasks.empty()) {
    diags.error(fmt::format("'{}' has no tasks: nothing to run (sgntk check reads specs without tasks)", options.spec));
    return RunStatus::input_error;
  }
  for (const std::string& name : options.only)
    if (base->experiment.find_task(name) == nullptr) {
      diags.error(fmt::format("--only {}: the spec has no task '{}'", name, name));
      return RunStatus::input_error;
    }
  // The new results go into a staging folder beside the output folder and replace it as a whole
  // only when every task succeeded; the saved networks live in the output folder itself.
  std::optional<runtime::ReplacedFolder> folder;
  try {
    folder.emplace(output_folder(options), "manifest.json", ".resume", "sgntk run " + options.spec);
  } catch (const runtime::DataError& e) {
    diags.error(e.what());
    return RunStatus::input_error;
  }
  Runner runner(options, reporter, diags, *parsed, sets, *base, folder->staging(), folder->target() / ".resume");
  const RunStatus status = runner.run();
  if (status != RunStatus::ok) return status;
  try {
    folder->commit();
  } catch (const runtime::DataError& e) {
    diags.error(e.what());
    return RunStatus::input_error;
  }
  return RunStatus::ok;
}

}  // namespace sgntk::experiment
