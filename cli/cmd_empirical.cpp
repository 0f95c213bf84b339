// `sgntk empirical SPEC --kind ntk|sgntk --x1 FILE [--x2 FILE] --ensemble E --out FILE.npy`:
// the empirical NTK J(x1) J(x2)^T or SG-NTK J(x1) J~(x2)^T of E finite networks, at
// initialisation or, with --train, after training; written as npy [ensemble, n1, n2]. Network e
// is the network `sgntk train` trains with the same seed.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/compile_network.h"
#include "cli/exit_codes.h"
#include "cli/jobs/jobs.h"
#include "cli/jobs/kinds.h"
#include "cli/stop_signals.h"
#include "runtime/errors.h"
#include "runtime/matrix_io.h"

namespace sgntk::cli {
namespace {

struct EmpiricalArgs {
  std::string spec, kind, x1, x2, out, x, y, backprop = "surrogate";
  long ensemble = 1, steps = 0;
  double lr = 0.1;
  std::uint64_t seed = 0;
  bool train = false;
  CommonOptions common;
};

int run_empirical(const EmpiricalArgs& args) {
  if (args.out.size() < 4 || args.out.compare(args.out.size() - 4, 4, ".npy") != 0) {
    std::cerr << fmt::format("sgntk: error: --out '{}' must end in .npy (the result is [ensemble, n1, n2])\n", args.out);
    return exit_usage;
  }
  if (args.train && (args.x.empty() || args.y.empty())) {
    std::cerr << "sgntk: error: --train needs --x and --y\n";
    return exit_usage;
  }
  // Fail before the (possibly long) computation when the output cannot be placed.
  const std::filesystem::path parent = std::filesystem::path(args.out).parent_path();
  if (std::error_code ec; !parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    std::cerr << fmt::format("sgntk: error: {}: cannot write: '{}' is not a directory\n", args.out, parent.string());
    return exit_input_error;
  }
  const auto compiled = compile_network(args.spec, args.common);
  if (!compiled) return exit_input_error;
  const runtime::KernelProgram* program = &compiled->program;

  runtime::EmpiricalJob job;
  job.kind = *jobs::kind_from<runtime::EmpiricalKind>(args.kind);  // checked by --kind
  job.x1 = runtime::read_matrix(args.x1);
  if (!args.x2.empty()) job.x2 = runtime::read_matrix(args.x2);
  job.seed = args.seed;
  job.ensemble = args.ensemble;
  job.threads = args.common.threads;
  if (args.train) {
    runtime::TrainSettings settings;
    settings.learning_rate = args.lr;
    settings.steps = args.steps;
    settings.backprop = *jobs::kind_from<runtime::Backprop>(args.backprop);  // checked by --backprop
    job.train = runtime::EmpiricalJob::Training{runtime::read_matrix(args.x), runtime::read_matrix(args.y), settings};
  }
  job.cancelled = stop_requested;  // SIGINT, SIGTERM: polled after every training step (run_stoppable)
  const std::vector<double> k = jobs::empirical(*program, job);
  if (stop_requested()) throw runtime::Cancelled();  // a signal after the last network: the old --out stays
  const long n2 = job.x2.size() > 0 ? job.x2.rows() : job.x1.rows();
  runtime::write_npy(args.out, k.data(), {args.ensemble, static_cast<long>(job.x1.rows()), n2});
  return exit_ok;
}

}  // namespace

RunFunction register_empirical(CLI::App& app) {
  auto args = std::make_shared<EmpiricalArgs>();
  CLI::App* sub = app.add_subcommand("empirical", "Empirical NTK or SG-NTK of an ensemble of finite networks");
  sub->add_option("spec", args->spec, "Spec file (.sgntk)")->required();
  sub->add_option("--kind", args->kind, "Kernel: ntk (J J^T) or sgntk (J J~^T)")
      ->required()
      ->check(CLI::IsMember(jobs::kind_names<runtime::EmpiricalKind>()));
  sub->add_option("--x1", args->x1, "Points x1 (.csv or .npy; the true Jacobian)")->required();
  sub->add_option("--x2", args->x2, "Points x2 (default: x1; the quasi-Jacobian for sgntk)");
  sub->add_option("--ensemble", args->ensemble, "Number of networks")->capture_default_str()->check(CLI::PositiveNumber);
  sub->add_option("--seed", args->seed, "Seed of the initialisation")->capture_default_str();
  sub->add_flag("--train", args->train, "Train each network first (needs --x, --y, --steps)");
  sub->add_option("--x", args->x, "Training inputs (with --train)");
  sub->add_option("--y", args->y, "Training targets (with --train)");
  sub->add_option("--lr", args->lr, "Learning rate (with --train)")->capture_default_str();
  sub->add_option("--steps", args->steps, "Training steps (with --train)")->check(CLI::NonNegativeNumber);
  sub->add_option("--backprop", args->backprop, "Training gradient: surrogate (SGL) or true (GD)")
      ->capture_default_str()
      ->check(CLI::IsMember(jobs::kind_names<runtime::Backprop>()));
  sub->add_option("--out", args->out, "Output .npy [ensemble, n1, n2]")->required();
  add_common_options(*sub, args->common, option_network | option_set | option_threads | option_plugin_path);
  return [args] { return run_stoppable([&] { return run_empirical(*args); }); };
}

}  // namespace sgntk::cli
