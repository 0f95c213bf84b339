#include "cli/experiment/run.h"

#include <chrono>
#include <filesystem>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fstream>

#include "compiler/lower/lower.h"
#include "compiler/lower/plugin_refs.h"
#include "compiler/sema/load_spec.h"
#include "cli/experiment/interrupt.h"
#include "cli/experiment/tasks.h"
#include "runtime/bind.h"
#include "runtime/errors.h"

namespace sgntk::experiment {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
using Assignment = std::vector<std::pair<std::string, double>>;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A param value as --set reads it back exactly ("inf", "0.5", "1e-05").
std::string set_value(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{}", v);
}

// Every point of the Cartesian product of the sweeps, the first sweep varying slowest.
std::vector<Assignment> sweep_points(const std::vector<sema::Sweep>& sweeps) {
  std::vector<Assignment> points{{}};
  for (const sema::Sweep& s : sweeps) {
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
  for (const auto& [param, value] : point) out += (out.empty() ? "" : "-") + param + "_" + set_value(value);
  return out;
}

std::string args_json(const sema::TaskDecl& task) {
  std::string out = "{";
  auto sep = [&] { return out.size() > 1 ? ", " : ""; };
  for (const auto& [key, arg] : task.args) {
    std::string value;
    if (!arg.numbers.empty()) {
      if (arg.numbers.size() == 1) {
        value = json_number(arg.numbers[0]);
      } else {
        for (double v : arg.numbers) value += (value.empty() ? "" : ", ") + json_number(v);
        value = "[" + value + "]";
      }
    } else if (arg.names.size() > 1) {
      for (const std::string& n : arg.names) value += (value.empty() ? "" : ", ") + json_string(n);
      value = "[" + value + "]";
    } else {
      value = json_string(arg.text);
    }
    out += sep() + json_string(key) + ": " + value;
  }
  std::string sweeps;
  for (const sema::Sweep& s : task.sweeps) {
    std::string values;
    for (double v : s.values) values += (values.empty() ? "" : ", ") + json_number(v);
    sweeps += (sweeps.empty() ? "" : ", ") + json_string(s.param) + ": [" + values + "]";
  }
  out += std::string(sep()) + "\"sweep\": {" + sweeps + "}";
  return out + "}";
}

// Writes `text` to `path` atomically (temporary file, then rename).
void write_text(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw runtime::DataError(fmt::format("{}: cannot write", tmp.string()));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw runtime::DataError(fmt::format("{}: cannot write: {}", path.string(), ec.message()));
}

// Moves a finished task's staging folder (or file) into place, replacing an older result.
void publish(const fs::path& staging, const fs::path& final_path) {
  fs::remove_all(final_path);
  fs::rename(staging, final_path);
}

class Runner {
 public:
  Runner(const RunOptions& options, const Reporter& reporter, Diagnostics& diags, const LoadedSpec& base)
      : options_(options), reporter_(reporter), diags_(diags), base_(base), data_(base.module),
        out_(output_folder(options)) {}

  RunStatus run();

 private:
  void run_task(const sema::TaskDecl& task);
  void run_point(const sema::TaskDecl& task, const Assignment& point, const fs::path& dir, TaskRecord& record);
  void begin(const std::string& label) const {
    if (reporter_.begin) reporter_.begin(label);
  }

  const RunOptions& options_;
  const Reporter& reporter_;
  Diagnostics& diags_;
  const LoadedSpec& base_;
  DataSets data_;
  fs::path out_;
  Manifest manifest_;
  std::vector<fs::path> temporaries_;  // removed when the run stops early
};

RunStatus Runner::run() {
  const auto start = Clock::now();
  const sema::Module& module = base_.module;
  manifest_.spec_path = options_.spec;
  manifest_.spec_sha1 = sha1_hex(base_.source->text());
  manifest_.quick = options_.quick;
  manifest_.sets = options_.sets;
  manifest_.params = module.params;
  manifest_.started = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
  const fs::path manifest_path = out_ / "manifest.json", partial = out_ / "manifest.partial.json";
  try {
    fs::create_directories(out_ / "data");
    fs::remove(manifest_path);  // from an earlier run: it would describe results being replaced
    temporaries_.push_back(partial);
    for (const sema::DataDecl& d : module.data) {
      const std::string file = "data/" + d.name + ".npy";
      const runtime::RowMatrix& x = data_.points(d.name);
      runtime::write_npy((out_ / file).string(), x.data(), {x.rows(), x.cols()});
      manifest_.data_files[d.name] = file;
    }
    for (const sema::TaskDecl& task : module.tasks) {
      if (!options_.only.empty() &&
          std::find(options_.only.begin(), options_.only.end(), task.name) == options_.only.end())
        continue;
      throw_if_interrupted();
      const sema::TaskDecl effective = task.effective(options_.quick);
      if (effective.kind == sema::TaskDecl::Kind::plot) write_text(partial, to_json(manifest_));
      run_task(effective);
    }
    manifest_.seconds = seconds_since(start);
    write_text(manifest_path, to_json(manifest_));  // last: its presence marks a complete run
    fs::remove(partial);
    return RunStatus::ok;
  } catch (const Interrupted&) {
    diags_.error("interrupted: the finished tasks are kept, the manifest is not written");
  } catch (const runtime::DataError& e) {
    diags_.error(e.what());
  } catch (const runtime::EvalError& e) {
    diags_.error(e.what());
  } catch (const fs::filesystem_error& e) {
    diags_.error(e.what());
  }
  std::error_code ec;
  for (const fs::path& p : temporaries_) fs::remove_all(p, ec);
  return interrupted() ? RunStatus::interrupted : RunStatus::input_error;
}

void Runner::run_task(const sema::TaskDecl& task) {
  const auto start = Clock::now();
  TaskRecord record;
  record.name = task.name;
  record.kind = sema::kind_name(task.kind);
  record.args_json = args_json(task);
  const fs::path staging = out_ / ("." + task.name + ".partial");
  temporaries_.push_back(staging);
  fs::remove_all(staging);
  fs::create_directories(staging);
  if (task.kind == sema::TaskDecl::Kind::plot) {
    begin(fmt::format("plot {}", task.name));
    RunRecord run;
    const TaskContext ctx{task, base_.module, data_, staging, run, options_, reporter_};
    run_plot_task(ctx, record.args_json, out_ / "manifest.partial.json", staging / "plot.png");
    publish(staging / "plot.png", out_ / (task.name + ".png"));
    fs::remove_all(staging);
    record.plot = task.name + ".png";
  } else {
    for (const Assignment& point : sweep_points(task.sweeps)) {
      throw_if_interrupted();
      const std::string sub = point_dir(point);
      fs::create_directories(staging / sub);
      run_point(task, point, staging / sub, record);
      record.runs.back().dir = sub.empty() ? task.name : task.name + "/" + sub;
    }
    publish(staging, out_ / task.name);
  }
  temporaries_.pop_back();
  record.seconds = seconds_since(start);
  manifest_.tasks.push_back(std::move(record));
}

void Runner::run_point(const sema::TaskDecl& task, const Assignment& point, const fs::path& dir,
                       TaskRecord& record) {
  std::string label = fmt::format("{} {}", sema::kind_name(task.kind), task.name);
  std::vector<std::string> sets = options_.sets;
  for (const auto& [param, value] : point) sets.push_back(param + "=" + set_value(value));
  if (!point.empty()) label += " [" + point_dir(point) + "]";
  begin(label);
  // The network is compiled at this sweep point: the swept params change widths, activations
  // and surrogates alike. The data and tasks come from the spec as loaded without the sweep.
  std::unique_ptr<LoadedSpec> loaded;
  if (!point.empty()) {
    loaded = load_spec(options_.spec, sets, diags_);
    if (!loaded) throw runtime::DataError(fmt::format("task '{}': the spec does not load at {}", task.name, label));
  }
  const sema::Module& module = loaded ? loaded->module : base_.module;
  std::optional<runtime::KernelProgram> program;
  if (const auto data = lower::lower(module, task.text("network"), {}, diags_)) {
    runtime::BindResult bound = runtime::bind(*data, {options_.plugin_paths});
    lower::report_bind_problems(module, *data, bound.problems, diags_);
    program = std::move(bound.program);
  }
  if (!program) throw runtime::DataError(fmt::format("task '{}': the network does not compile", task.name));

  record.runs.emplace_back().params = point;
  const TaskContext ctx{task, base_.module, data_, dir, record.runs.back(), options_, reporter_};
  switch (task.kind) {
    case sema::TaskDecl::Kind::kernel: run_kernel_task(ctx, *program); break;
    case sema::TaskDecl::Kind::empirical: run_empirical_task(ctx, *program); break;
    case sema::TaskDecl::Kind::train: run_train_task(ctx, *program); break;
    case sema::TaskDecl::Kind::predict: run_predict_task(ctx, *program); break;
    case sema::TaskDecl::Kind::plot: break;  // run_task draws plots
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
  const auto base = load_spec(options.spec, options.sets, diags);
  if (!base) return RunStatus::input_error;
  if (base->module.tasks.empty()) {
    diags.error(fmt::format("'{}' has no tasks: nothing to run (sgntk check reads specs without tasks)", options.spec));
    return RunStatus::input_error;
  }
  for (const std::string& name : options.only)
    if (base->module.find_task(name) == nullptr) {
      diags.error(fmt::format("--only {}: the spec has no task '{}'", name, name));
      return RunStatus::input_error;
    }
  Runner runner(options, reporter, diags, *base);
  return runner.run();
}

}  // namespace sgntk::experiment
