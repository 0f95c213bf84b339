// `sgntk train SPEC --x FILE --y FILE --steps S --out DIR [...]`: trains an ensemble of finite
// networks of the spec's network by full-batch gradient descent / surrogate gradient learning and
// writes, as npy, into DIR:
//   outputs.npy     [saves, ensemble, n_eval, outputs]  every network's outputs at the save steps
//   save_steps.npy  [saves]                             the steps of the first axis
//   loss.npy        [ensemble, records]                 the training loss curves
//   loss_steps.npy  [records]                           the steps of the loss curves
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/compile_network.h"
#include "cli/ensemble_ranks.h"
#include "cli/exit_codes.h"
#include "cli/jobs/jobs.h"
#include "cli/jobs/kinds.h"
#include "cli/progress.h"
#include "cli/rank_steps.h"
#include "cli/stop_signals.h"
#include "runtime/errors.h"
#include "runtime/matrix_io.h"
#include "runtime/mpi/world.h"
#include "runtime/output_lock.h"

namespace sgntk::cli {
namespace {

struct TrainArgs {
  std::string spec, x, y, eval, out, precision = "f64", backprop = "surrogate";
  std::vector<long> save_at;
  double lr = 0.1;
  long steps = 0, ensemble = 1, loss_every = 1;
  std::uint64_t seed = 0;
  CommonOptions common;
};

std::vector<double> as_doubles(const std::vector<long>& v) { return {v.begin(), v.end()}; }

// The output directory, made ready before training (a run of hours must not fail at the end on
// a bad --out), locked (DIR.lock beside it: a second `sgntk train` into it is refused, so two
// runs never mix their files) and removed when the run fails if this run created it. The files
// go in together through the one atomic writer, so a failed run leaves nothing behind and an
// older result stays whole.
class OutputDirectory {
 public:
  OutputDirectory(const std::string& path, const std::string& command) : path_(path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(path_, ec)) {
      if (!fs::is_directory(path_, ec))
        throw runtime::DataError(fmt::format("{}: --out exists and is not a directory", path));
      if (::access(path.c_str(), W_OK | X_OK) != 0)
        throw runtime::DataError(fmt::format("{}: cannot write into the output directory: {}", path,
                                             std::strerror(errno)));
      lock_ = std::make_unique<runtime::OutputLock>(path, command);
      return;
    }
    // Remember the outermost missing ancestor: removing it removes all that we create.
    for (fs::path p = fs::absolute(path_, ec); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
      created_ = p;
      if (p == p.parent_path()) break;
    }
    // The lock file goes beside the directory: its parent first, then the lock, then the directory.
    const fs::path absolute = fs::absolute(path_, ec).lexically_normal();
    fs::create_directories(absolute.has_filename() ? absolute.parent_path() : absolute.parent_path().parent_path(), ec);
    if (!ec) {
      try {
        lock_ = std::make_unique<runtime::OutputLock>(path, command);
      } catch (...) {
        remove_created();
        throw;
      }
      fs::create_directories(path_, ec);
    }
    if (ec) {
      remove_created();  // undo a partial creation
      throw runtime::DataError(fmt::format("{}: cannot create the output directory: {}", path, ec.message()));
    }
  }
  ~OutputDirectory() {
    if (!committed_) remove_created();
  }
  // (file name, npy bytes) of an array to write.
  std::pair<std::string, std::string> npy(const std::string& name, const double* data,
                                          const std::vector<long>& shape) const {
    const std::string file = (path_ / name).string();
    return {file, runtime::npy_array_bytes(file, data, shape)};
  }
  void commit() { committed_ = true; }

 private:
  void remove_created() {
    lock_.reset();  // its file may be in a folder made here
    std::error_code ignored;
    if (!created_.empty()) std::filesystem::remove_all(created_, ignored);
    created_.clear();
  }

  std::filesystem::path path_, created_;
  std::unique_ptr<runtime::OutputLock> lock_;
  bool committed_ = false;
};

// The job of `args` on `program`, its data read and checked.
runtime::EnsembleTraining training_job(const TrainArgs& args, const runtime::KernelProgram& program) {
  runtime::EnsembleTraining job;
  job.x = runtime::read_matrix(args.x);
  job.y = runtime::read_matrix(args.y);
  runtime::check_data(program, job.x, &job.y, fmt::format("--x '{}'", args.x).c_str());
  if (!args.eval.empty()) {
    job.eval = runtime::read_matrix(args.eval);
    runtime::check_data(program, job.eval, nullptr, fmt::format("--eval '{}'", args.eval).c_str());
  }
  job.settings.learning_rate = args.lr;
  job.settings.steps = args.steps;
  job.settings.backprop = *jobs::kind_from<runtime::Backprop>(args.backprop);  // checked by --backprop
  job.save_at = args.save_at.empty() ? std::vector<long>{args.steps} : args.save_at;
  job.loss_every = args.loss_every;
  job.seed = args.seed;
  job.ensemble = args.ensemble;
  job.threads = args.common.threads;
  job.precision = *jobs::kind_from<runtime::Precision>(args.precision);  // checked by --precision
  return job;
}

// One process trains the whole ensemble. Under mpirun every rank compiles the spec, reads the
// data and trains its block of the ensemble (ensemble_ranks.h); rank 0 alone owns the
// output directory, shows progress (of its own block), gathers the results and writes them.
// Each step ends with the ranks agreeing on its outcome (rank_steps.h).
int run_train(const TrainArgs& args) {
  const mpi::World& world = mpi::world();
  std::optional<CompiledNetwork> compiled;
  runtime::EnsembleTraining job;
  if (const int code = on_every_rank([&] {
        compiled = compile_network(args.spec, args.common);
        if (!compiled) return exit_input_error;
        job = training_job(args, compiled->program);
        return exit_ok;
      }))
    return code;
  const runtime::KernelProgram& program = compiled->program;

  std::unique_ptr<OutputDirectory> out;
  if (const int code = on_root([&] {
        out = std::make_unique<OutputDirectory>(args.out, "sgntk train " + args.spec);
        return exit_ok;
      }))
    return code;

  const EnsembleBlock block = ensemble_block(args.ensemble, world.rank, world.size);
  // Workers report finished network-steps; whichever thread gets the lock redraws the bar.
  Progress progress(fmt::format("training {} networks", args.ensemble), args.common.quiet || !world.root());
  std::atomic<long> done{0};
  std::mutex draw;
  const double total = static_cast<double>(block.count) * std::max(1L, args.steps);
  if (progress.enabled())
    job.progress = [&](long steps) {
      const long now = done += steps;
      if (std::unique_lock lock(draw, std::try_to_lock); lock) progress.update(now / total);
    };
  job.cancelled = stop_requested;  // SIGINT, SIGTERM: polled after every step (run_stoppable)
  runtime::EnsembleResult result;
  if (const int code = on_every_rank([&] {
        result = train_block(program, job, block);
        if (stop_requested()) throw runtime::Cancelled();  // a signal after the last step: the old result stays
        return exit_ok;
      }))
    return code;
  if (world.size > 1) result = gather_ensemble(result, job);

  return on_root([&] {
    jobs::refuse_non_finite_in_ensemble(result, args.ensemble);
    runtime::write_files_atomically({
        out->npy("outputs.npy", result.outputs.data(), result.outputs_shape),
        out->npy("save_steps.npy", as_doubles(job.save_at).data(), {static_cast<long>(job.save_at.size())}),
        out->npy("loss.npy", result.loss.data(), {args.ensemble, static_cast<long>(result.loss_steps.size())}),
        out->npy("loss_steps.npy", as_doubles(result.loss_steps).data(), {static_cast<long>(result.loss_steps.size())}),
    });
    out->commit();
    return exit_ok;
  });
}

}  // namespace

RunFunction register_train(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* sub = app.add_subcommand("train", "Train an ensemble of finite networks (GD or surrogate gradients)");
  sub->add_option("spec", args->spec, "Spec file (.sgntk)")->required();
  sub->add_option("--x", args->x, "Training inputs (.csv or .npy, one point per row)")->required();
  sub->add_option("--y", args->y, "Training targets (one row per point, one column per output)")->required();
  sub->add_option("--lr", args->lr, "Learning rate eta")->capture_default_str();
  sub->add_option("--steps", args->steps, "Number of full-batch steps")->required()->check(CLI::NonNegativeNumber);
  sub->add_option("--ensemble", args->ensemble, "Number of independent networks")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub->add_option("--seed", args->seed, "Seed of the initialisation (network e uses stream (seed, e))")
      ->capture_default_str();
  sub->add_option("--eval", args->eval, "Points whose outputs are saved (default: the training inputs)");
  sub->add_option("--save-at", args->save_at, "Steps at which outputs are saved, increasing (default: the last)")
      ->delimiter(',');
  sub->add_option("--loss-every", args->loss_every, "Record the loss every K steps (and at the last)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub->add_option("--backprop", args->backprop,
                  "surrogate: each layer's surrogate (SGL; the true derivative where there is none); "
                  "true: gradient descent")
      ->capture_default_str()
      ->check(CLI::IsMember(jobs::kind_names<runtime::Backprop>()));
  sub->add_option("--precision", args->precision, "Arithmetic of the networks: f64 or f32")
      ->capture_default_str()
      ->check(CLI::IsMember(jobs::kind_names<runtime::Precision>()));
  sub->add_option("--out", args->out, "Output directory (created if missing)")->required();
  add_common_options(*sub, args->common, option_network | option_set | option_threads | option_plugin_path | option_quiet);
  return [args] { return run_stoppable([&] { return run_train(*args); }); };
}

}  // namespace sgntk::cli
