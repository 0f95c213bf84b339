// `sgntk predict SPEC --kind ntk|sgntk|nngp --x-train FILE --y-train FILE --x-test FILE --t T
// --out FILE [--cov FILE]`: the infinite-width prediction (the gradient flow of the linearised
// network) of the spec's network trained for flow time T = eta * steps (or converged, T = inf) on
// (x-train, y-train), evaluated at x-test. Writes
//   --out FILE  [n_test, 2 * outputs]: the mean of output 1..k, then its standard deviation
//               (the std columns repeat: every output has the same covariance)
//   --cov FILE  [n_test, n_test]: the covariance C_t(x_i, x_j) of the outputs (optional)
// as .csv or .npy by extension. Either every file is written or none. An .npy --cov larger than
// --memory-budget (or any, with --out-of-core) streams to its file band by band.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/compile_network.h"
#include "cli/exit_codes.h"
#include "cli/jobs/jobs.h"
#include "cli/jobs/kinds.h"
#include "cli/progress.h"
#include "cli/stop_signals.h"
#include "runtime/matrix_io.h"

namespace sgntk::cli {
namespace {

struct PredictArgs {
  std::string spec, kind, x_train, y_train, x_test, t = "inf", out, cov;
  double diag_reg = 0.0;
  std::uint64_t memory_budget = 0;  // 0: jobs::default_memory_budget()
  bool out_of_core = false;
  CommonOptions common;
};

// "inf" (or "infinity") or a number >= 0; nullopt otherwise.
std::optional<double> parse_time(const std::string& text) {
  if (text == "inf" || text == "infinity") return INFINITY;
  char* end = nullptr;
  const double t = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(t) || t < 0.0) return std::nullopt;
  return t;
}

int run_predict(const PredictArgs& args) {
  for (const std::string& path : {args.out, args.cov})
    if (!path.empty() && !has_matrix_extension(path)) {
      std::cerr << fmt::format("sgntk: error: output '{}' must end in .csv or .npy\n", path);
      return exit_usage;
    }
  if (args.out_of_core && std::filesystem::path(args.cov).extension() != ".npy") {
    std::cerr << fmt::format("sgntk: error: --out-of-core needs an .npy --cov, not '{}'\n", args.cov);
    return exit_usage;
  }
  const auto compiled = compile_network(args.spec, args.common);
  if (!compiled) return exit_input_error;
  const runtime::KernelProgram* program = &compiled->program;

  runtime::PredictOptions options;
  options.t = *parse_time(args.t);  // validated by the option's check
  options.diag_reg = args.diag_reg;
  options.threads = args.common.threads;
  options.cancelled = stop_requested;  // SIGINT, SIGTERM: polled before every kernel tile (run_stoppable)
  const runtime::RowMatrix x_train = runtime::read_matrix(args.x_train);
  const runtime::RowMatrix y_train = runtime::read_matrix(args.y_train);
  const runtime::RowMatrix x_test = runtime::read_matrix(args.x_test);
  std::vector<std::string> warnings;
  {
    Progress progress(fmt::format("{} prediction", args.kind), args.common.quiet);  // erased before the warnings
    if (progress.enabled()) options.progress = [&](double f) { progress.update(f); };
    const jobs::PredictFiles files{args.out, args.cov, static_cast<std::size_t>(args.memory_budget),
                                   args.out_of_core};
    warnings = jobs::predict_to_files(*program, *jobs::kind_from<runtime::PredictKind>(args.kind), x_train, y_train,
                                      x_test, options, files)
                   .warnings;  // --kind is checked
  }
  for (const std::string& w : warnings) std::cerr << "sgntk: warning: " << w << "\n";
  return exit_ok;
}

}  // namespace

RunFunction register_predict(CLI::App& app) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* sub = app.add_subcommand(
      "predict",
      "Infinite-width prediction (mean, std, covariance) of the network trained for flow time t = lr * steps");
  sub->footer(
      "Output: --out holds n_test rows and 2*outputs columns: the predicted mean of each output, then its\n"
      "standard deviation (the same for every output). --cov holds the n_test x n_test covariance.\n"
      "Loss (1/2N) sum_i (f(x_i) - y_i)^2; kernel K = NTK (gradient descent), SG-NTK (surrogate gradient\n"
      "learning) or NNGP (readout only; t = inf is the NNGP posterior, Sigma kernel regression).\n"
      "Memory: K(X,X) and its factorisation (N_train x N_train) must fit, several times over at a finite t;\n"
      "the test points go in blocks. A streamed --cov holds one band of rows (and its prior) plus the solved\n"
      "test rows, 2 x n_test x N_train doubles, while they fit in half the budget (else they go to a scratch\n"
      "file beside --cov, read back a band at a time): peak O(N_train^2 + band x (N_train + n_test)). The bytes\n"
      "are those of the in-memory path.");
  sub->add_option("spec", args->spec, "Spec file (.sgntk)")->required();
  sub->add_option("--kind", args->kind, "Training kernel: ntk (gradient descent), sgntk (surrogate gradients), nngp")
      ->required()
      ->check(CLI::IsMember(jobs::kind_names<runtime::PredictKind>()));
  sub->add_option("--x-train", args->x_train, "Training inputs (.csv or .npy, one point per row)")->required();
  sub->add_option("--y-train", args->y_train, "Training targets (one row per point, one column per output)")
      ->required();
  sub->add_option("--x-test", args->x_test, "Points to predict at (.csv or .npy, one point per row)")->required();
  sub->add_option("--t", args->t, "Flow time lr * steps, or inf for the converged prediction")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& s) { return parse_time(s) ? std::string() : "must be inf or a number >= 0, not '" + s + "'"; },
          "inf|T>=0"));
  sub->add_option("--diag-reg", args->diag_reg,
                  "Add R * mean(diag K(X,X)) to the diagonal of K(X,X) (and of Sigma(X,X) for nngp), "
                  "as neural-tangents' diag_reg")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--out", args->out, "Output: mean and std, [n_test, 2*outputs] (.csv or .npy)")->required();
  sub->add_option("--cov", args->cov, "Also write the covariance, [n_test, n_test] (.csv or .npy)");
  sub->add_option("--memory-budget", args->memory_budget,
                  "Memory for the covariance (e.g. 2G, 512M; default: 1/8 of physical memory): an .npy --cov larger "
                  "than this streams to its file in bands of rows of at most 1/32 of it")
      ->transform(CLI::AsSizeValue(false));
  sub->add_flag("--out-of-core", args->out_of_core, "Stream an .npy --cov to its file whatever its size");
  add_common_options(*sub, args->common,
                     option_network | option_set | option_threads | option_plugin_path | option_tolerance | option_quiet);
  return [args] { return run_stoppable([&] { return run_predict(*args); }); };
}

}  // namespace sgntk::cli
