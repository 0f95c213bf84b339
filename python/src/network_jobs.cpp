#include "python/src/network_jobs.h"

#include <fmt/format.h>
#include <nanobind/stl/string.h>

#include <filesystem>
#include <stdexcept>

#include "cli/jobs/jobs.h"
#include "cli/jobs/kinds.h"
#include "python/src/errors.h"
#include "python/src/job_hooks.h"
#include "runtime/quadrature_misses.h"

namespace sgntk::python {
namespace {

template <class Kind>
Kind kind_of(const std::string& name, const char* what) {
  if (const auto kind = jobs::kind_from<Kind>(name)) return *kind;
  throw std::invalid_argument(
      fmt::format("{} must be one of {}, not '{}'", what, fmt::join(jobs::kind_names<Kind>(), ", "), name));
}

std::vector<double> as_doubles(const std::vector<long>& v) { return {v.begin(), v.end()}; }

// The CLI's usage rules for a file target (exit 2 there, ValueError here).
void check_target(const FileTarget& target, const char* name) {
  if (!target.path) {
    if (target.memory_budget != 0 || target.out_of_core || target.resume)
      throw std::invalid_argument(fmt::format("memory_budget, out_of_core and resume need {}= (a .npy path)", name));
    return;
  }
  const std::filesystem::path path(*target.path);
  if (path.extension() != ".npy" && path.extension() != ".csv")
    throw std::invalid_argument(fmt::format("{} '{}' must end in .npy or .csv", name, *target.path));
  if ((target.out_of_core || target.resume) && path.extension() != ".npy")
    throw std::invalid_argument(fmt::format("out_of_core and resume need an .npy {}, not '{}'", name, *target.path));
}

}  // namespace

nb::object kernel(const Network& net, const InArray& x1_in, const std::optional<InArray>& x2_in,
                  const std::string& kind_name, int threads, nb::object progress, const FileTarget& target) {
  const runtime::KernelKind kind = kind_of<runtime::KernelKind>(kind_name, "kind");
  check_target(target, "out");
  const runtime::RowMatrix x1 = to_matrix(x1_in, "x1");
  const runtime::RowMatrix x2 = x2_in ? to_matrix(*x2_in, "x2") : runtime::RowMatrix();
  Diagnostics diags;
  jobs::warn_infinite_diagonal(net.module(), net.program(), kind, diags);
  warn_diagnostics(diags);
  JobHooks hooks(std::move(progress));
  runtime::KernelOptions options;
  options.threads = threads;
  options.progress = [&](double fraction) { hooks.report(fraction); };
  options.cancelled = [&] { return hooks.cancel_requested(); };
  const runtime::RowMatrix* x2_ptr = x2_in ? &x2 : nullptr;
  runtime::reset_quadrature_misses();
  auto warn_misses = [] {  // nothing falls short of the target silently
    if (const auto w = runtime::quadrature_miss_warning()) warn(*w);
  };
  if (!target.path) {
    nb::object k = nb::cast(to_numpy(hooks.run([&] { return jobs::kernel(net.program(), kind, x1, x2_ptr, options); })));
    warn_misses();
    return k;
  }
  jobs::KernelFileOptions file;
  file.memory_budget = static_cast<std::size_t>(target.memory_budget);
  file.out_of_core = target.out_of_core;
  if (target.resume) {
    const LoadOptions& o = net.options();
    file.resume_identity = jobs::kernel_resume_identity(net.source_text(), o.network, o.tolerance, o.sets, o.plugin_paths);
  }
  hooks.run([&] {
    jobs::kernel_to_file(net.program(), kind, x1, x2_ptr, *target.path, options, file);
    return true;
  });
  warn_misses();
  return nb::none();
}

OutArray empirical(const Network& net, const InArray& x1, const std::optional<InArray>& x2, const EmpiricalArgs& args) {
  runtime::EmpiricalJob job;
  job.kind = kind_of<runtime::EmpiricalKind>(args.kind, "kind");
  job.x1 = to_matrix(x1, "x1");
  if (x2) job.x2 = to_matrix(*x2, "x2");
  job.seed = args.seed;
  job.ensemble = args.ensemble;
  job.threads = args.threads;
  if (args.train_x.has_value() != args.train_y.has_value())
    throw std::invalid_argument("empirical: training needs both x and y");
  if (args.train_x) {
    runtime::TrainSettings settings;
    settings.learning_rate = args.lr;
    settings.steps = args.steps;
    settings.backprop = kind_of<runtime::Backprop>(args.backprop, "backprop");
    job.train = runtime::EmpiricalJob::Training{to_matrix(*args.train_x, "x"), to_matrix(*args.train_y, "y", Vector::column),
                                                settings};
  }
  const long n2 = job.x2.size() > 0 ? job.x2.rows() : job.x1.rows();
  JobHooks hooks{nb::none()};  // the runtime reports no progress here: Ctrl-C is raised when it returns
  return to_numpy(hooks.run([&] { return jobs::empirical(net.program(), job); }),
                  {job.ensemble, static_cast<long>(job.x1.rows()), n2});
}

nb::dict train(const Network& net, const InArray& x, const InArray& y, const std::optional<InArray>& eval,
               const TrainArgs& args, nb::object progress) {
  runtime::EnsembleTraining job;
  job.x = to_matrix(x, "x");
  job.y = to_matrix(y, "y", Vector::column);
  runtime::check_data(net.program(), job.x, &job.y, "x");
  if (eval) {
    job.eval = to_matrix(*eval, "eval");
    runtime::check_data(net.program(), job.eval, nullptr, "eval");
  }
  job.settings.learning_rate = args.lr;
  job.settings.steps = args.steps;
  job.settings.backprop = kind_of<runtime::Backprop>(args.backprop, "backprop");
  job.save_at = args.save_at.empty() ? std::vector<long>{args.steps} : args.save_at;
  job.loss_every = args.loss_every;
  job.seed = args.seed;
  job.ensemble = args.ensemble;
  job.threads = args.threads;
  job.precision = kind_of<runtime::Precision>(args.precision, "precision");
  JobHooks hooks(std::move(progress));
  std::atomic<long> done{0};
  const double total = static_cast<double>(args.ensemble) * static_cast<double>(std::max(1L, args.steps));
  job.progress = [&](long steps) { hooks.report(static_cast<double>(done += steps) / total); };
  runtime::EnsembleResult result = hooks.run([&] { return jobs::train(net.program(), job); });
  nb::dict out;
  const long records = static_cast<long>(result.loss_steps.size());
  out["outputs"] = to_numpy(std::move(result.outputs), result.outputs_shape);
  out["save_steps"] = to_numpy(as_doubles(job.save_at), {static_cast<long>(job.save_at.size())});
  out["loss"] = to_numpy(std::move(result.loss), {args.ensemble, records});
  out["loss_steps"] = to_numpy(as_doubles(result.loss_steps), {records});
  return out;
}

nb::tuple predict(const Network& net, const InArray& x_train, const InArray& y_train, const InArray& x_test,
                  const std::string& kind_name, double t, double diag_reg, bool cov, int threads, nb::object progress,
                  const FileTarget& cov_file) {
  const runtime::PredictKind kind = kind_of<runtime::PredictKind>(kind_name, "kind");
  if (!(t >= 0)) throw std::invalid_argument("t must be >= 0 (or inf)");
  if (!(diag_reg >= 0)) throw std::invalid_argument("diag_reg must be >= 0");
  check_target(cov_file, "cov");
  if (cov_file.resume) throw std::invalid_argument("predict has no resume");
  const runtime::RowMatrix xtr = to_matrix(x_train, "x_train"), ytr = to_matrix(y_train, "y_train", Vector::column),
                           xte = to_matrix(x_test, "x_test");
  runtime::PredictOptions options;
  options.t = t;
  options.diag_reg = diag_reg;
  options.covariance = cov;
  options.threads = threads;
  JobHooks hooks(std::move(progress));
  options.progress = [&](double fraction) { hooks.report(fraction); };
  options.cancelled = [&] { return hooks.cancel_requested(); };
  runtime::Prediction p = hooks.run([&] {
    if (!cov_file.path) return jobs::predict(net.program(), kind, xtr, ytr, xte, options);
    const jobs::PredictFiles files{"", *cov_file.path, static_cast<std::size_t>(cov_file.memory_budget),
                                   cov_file.out_of_core};
    return jobs::predict_to_files(net.program(), kind, xtr, ytr, xte, options, files);
  });
  for (const std::string& w : p.warnings) warn(w);
  nb::object covariance = cov && !cov_file.path ? nb::object(nb::cast(to_numpy(std::move(p.cov)))) : nb::none();
  return nb::make_tuple(to_numpy(std::move(p.mean)), to_numpy(p.std), covariance);
}

}  // namespace sgntk::python
