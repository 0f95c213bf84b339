// `sgntk predict SPEC --kind ntk|sgntk|nngp --x-train FILE --y-train FILE --x-test FILE --t T
// --out FILE [--cov FILE]`: the infinite-width prediction (science.md section 4) of the spec's
// network trained for flow time T = eta * steps (or converged, T = inf) on (x-train, y-train),
// evaluated at x-test. Writes
//   --out FILE  [n_test, 2 * outputs]: the mean of output 1..k, then its standard deviation
//               (the std columns repeat: every output has the same covariance)
//   --cov FILE  [n_test, n_test]: the covariance C_t(x_i, x_j) of the outputs (optional)
// as .csv or .npy by extension. Either every file is written or none.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <unistd.h>
#include <utility>

#include "cli/commands.h"
#include "cli/compile_network.h"
#include "cli/exit_codes.h"
#include "compiler/lower/lower.h"
#include "compiler/sema/load_spec.h"
#include "runtime/errors.h"
#include "runtime/matrix_io.h"
#include "runtime/predict.h"

namespace sgntk::cli {
namespace {

struct PredictArgs {
  std::string spec, kind, network, x_train, y_train, x_test, t = "inf", out, cov;
  std::vector<std::string> sets, plugin_paths;
  double diag_reg = 0.0, tolerance = 1e-10;
  int threads = 0;
};

// "inf" (or "infinity") or a number >= 0; nullopt otherwise.
std::optional<double> parse_time(const std::string& text) {
  if (text == "inf" || text == "infinity") return INFINITY;
  char* end = nullptr;
  const double t = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(t) || t < 0.0) return std::nullopt;
  return t;
}

// Writes every (path, matrix) or none: each goes to a hidden staging file beside its target
// first, and only when all are complete are they renamed into place.
void write_all(const std::vector<std::pair<std::string, runtime::RowMatrix>>& outputs) {
  std::vector<std::string> staged;
  try {
    for (const auto& [path, m] : outputs) {
      const std::filesystem::path target(path);
      staged.push_back((target.parent_path() / fmt::format(".{}.staged.{}{}", target.stem().string(), ::getpid(),
                                                           target.extension().string()))
                           .string());
      runtime::write_matrix(staged.back(), m);
    }
  } catch (...) {
    for (const std::string& s : staged) std::remove(s.c_str());
    throw;
  }
  for (std::size_t i = 0; i < outputs.size(); ++i)
    if (std::rename(staged[i].c_str(), outputs[i].first.c_str()) != 0) {
      for (std::size_t j = i; j < staged.size(); ++j) std::remove(staged[j].c_str());
      throw runtime::DataError(fmt::format("{}: cannot write", outputs[i].first));
    }
}

int run_predict(const PredictArgs& args) {
  for (const std::string& path : {args.out, args.cov})
    if (!path.empty() && !has_matrix_extension(path)) {
      std::cerr << fmt::format("sgntk: error: output '{}' must end in .csv or .npy\n", path);
      return exit_usage;
    }
  lower::LowerOptions lower_options;
  lower_options.tolerance = args.tolerance;
  const auto compiled = compile_network(args.spec, args.sets, args.network, lower_options, {args.plugin_paths});
  if (!compiled) return exit_input_error;
  const runtime::KernelProgram* program = &compiled->program;

  static const std::map<std::string, runtime::PredictKind> kinds{
      {"ntk", runtime::PredictKind::ntk}, {"sgntk", runtime::PredictKind::sgntk}, {"nngp", runtime::PredictKind::nngp}};
  runtime::PredictOptions options;
  options.t = *parse_time(args.t);  // validated by the option's check
  options.diag_reg = args.diag_reg;
  options.covariance = !args.cov.empty();
  options.threads = args.threads;
  const runtime::RowMatrix x_train = runtime::read_matrix(args.x_train);
  const runtime::RowMatrix y_train = runtime::read_matrix(args.y_train);
  const runtime::RowMatrix x_test = runtime::read_matrix(args.x_test);
  const runtime::Prediction p =
      runtime::predict(*program, kinds.at(args.kind), x_train, y_train, x_test, options);
  for (const std::string& w : p.warnings) std::cerr << "sgntk: warning: " << w << "\n";

  const Eigen::Index k = p.mean.cols();
  runtime::RowMatrix mean_std(p.mean.rows(), 2 * k);
  mean_std.leftCols(k) = p.mean;
  mean_std.rightCols(k) = p.std.replicate(1, k);
  std::vector<std::pair<std::string, runtime::RowMatrix>> outputs{{args.out, mean_std}};
  if (!args.cov.empty()) outputs.emplace_back(args.cov, p.cov);
  write_all(outputs);
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
      "learning) or NNGP (readout only; t = inf is the NNGP posterior, Sigma kernel regression).");
  sub->add_option("spec", args->spec, "Spec file (.sgntk)")->required();
  sub->add_option("--kind", args->kind, "Training kernel: ntk (gradient descent), sgntk (surrogate gradients), nngp")
      ->required()
      ->check(CLI::IsMember({"ntk", "sgntk", "nngp"}));
  sub->add_option("--network", args->network, "Network to use (default: the spec's only network)");
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
  sub->add_option("--set", args->sets, "Override a param: NAME=VALUE (repeatable)");
  sub->add_option("--threads", args->threads, "Worker threads (default: all cores)")->check(CLI::NonNegativeNumber);
  sub->add_option("--plugin-path", args->plugin_paths, "Extra folder searched for surrogate plugins (repeatable)");
  sub->add_option("--tolerance", args->tolerance, "Relative error target of numeric expectations")
      ->check(CLI::Range(1e-15, 1e-2));
  return [args] { return run_predict(*args); };
}

}  // namespace sgntk::cli
