// `sgntk kernel SPEC --kind nngp|ntk|sgntk --x1 FILE [--x2 FILE] --out FILE`: compiles the
// network's kernel program and evaluates one kernel matrix.
#include <fmt/format.h>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/compile_network.h"
#include "cli/exit_codes.h"
#include "cli/progress.h"
#include "compiler/lower/lower.h"
#include "compiler/sema/load_spec.h"
#include "runtime/errors.h"
#include "runtime/kernels.h"
#include "runtime/matrix_io.h"

namespace sgntk::cli {
namespace {

struct KernelArgs {
  std::string spec, kind, network, x1, x2, out;
  std::vector<std::string> sets, plugin_paths;
  int threads = 0;
  bool quiet = false;
  double tolerance = 1e-10;
};

// Warns where the naive NTK of a jump activation is infinite on the diagonal.
void warn_infinite_diagonal(const sema::Module& module, const runtime::KernelProgram& program, Diagnostics& diags) {
  const sema::Network* network = module.find_network(program.network);
  for (std::size_t l = 0; l < program.hidden.size(); ++l) {
    if (!program.hidden[l].ntk.infinite_on_diagonal) continue;
    const sema::Layer& layer = network->hidden[l];
    const SourceRange where = layer.activation && layer.activation->where.file ? layer.activation->where : layer.where;
    diags.warning(where, fmt::format("the NTK of layer {} is +inf on the diagonal: the derivative of '{}' is a "
                                     "delta and E[delta(u) delta(v)] diverges where x = x'",
                                     l + 1, program.hidden[l].ntk.f_text));
    diags.note(where, "the naive NTK of a jump activation is ill-posed; the SG-NTK (--kind sgntk) is finite");
  }
}

int run_kernel(const KernelArgs& args) {
  if (!has_matrix_extension(args.out)) {
    std::cerr << fmt::format("sgntk: error: --out '{}' must end in .csv or .npy\n", args.out);
    return exit_usage;
  }
  lower::LowerOptions options;
  options.tolerance = args.tolerance;
  const auto compiled = compile_network(args.spec, args.sets, args.network, options, {args.plugin_paths});
  if (!compiled) return exit_input_error;
  const runtime::KernelProgram* program = &compiled->program;

  static const std::map<std::string, runtime::KernelKind> kinds{
      {"nngp", runtime::KernelKind::nngp}, {"ntk", runtime::KernelKind::ntk}, {"sgntk", runtime::KernelKind::sgntk}};
  const runtime::KernelKind kind = kinds.at(args.kind);
  if (kind == runtime::KernelKind::ntk) {
    Diagnostics diags;
    warn_infinite_diagonal(compiled->spec->module, *program, diags);
    std::cerr << diags.render();
  }

  auto read_points = [&](const std::string& path) {
    runtime::RowMatrix x = runtime::read_matrix(path);
    if (x.cols() != program->input_dim)
      throw runtime::DataError(fmt::format("{}: points of dimension {}, but network '{}' has input dimension {}",
                                           path, x.cols(), program->network, program->input_dim));
    return x;
  };
  const runtime::RowMatrix x1 = read_points(args.x1);
  runtime::RowMatrix x2;
  if (!args.x2.empty()) x2 = read_points(args.x2);
  Progress progress(fmt::format("{} kernel", args.kind), args.quiet);
  runtime::KernelOptions kernel_options;
  kernel_options.threads = args.threads;
  if (progress.enabled()) kernel_options.progress = [&](double f) { progress.update(f); };
  const runtime::RowMatrix k = runtime::compute_kernel(*program, kind, x1, args.x2.empty() ? nullptr : &x2, kernel_options);
  for (Eigen::Index i = 0; i < k.rows(); ++i)
    for (Eigen::Index j = 0; j < k.cols(); ++j)
      if (std::isnan(k(i, j))) {
        std::cerr << fmt::format("sgntk: error: the {} kernel is NaN at entry ({}, {}); no output written\n",
                                 args.kind, i, j);
        return exit_input_error;
      }
  runtime::write_matrix(args.out, k);
  return exit_ok;
}

}  // namespace

RunFunction register_kernel(CLI::App& app) {
  auto args = std::make_shared<KernelArgs>();
  CLI::App* sub = app.add_subcommand("kernel", "Compute an infinite-width kernel matrix (NNGP, NTK or SG-NTK)");
  sub->add_option("spec", args->spec, "Spec file (.sgntk)")->required();
  sub->add_option("--kind", args->kind, "Kernel: nngp, ntk or sgntk")
      ->required()
      ->check(CLI::IsMember({"nngp", "ntk", "sgntk"}));
  sub->add_option("--network", args->network, "Network to use (default: the spec's only network)");
  sub->add_option("--x1", args->x1, "Points x1 (.csv or .npy, one point per row)")->required();
  sub->add_option("--x2", args->x2, "Points x2 (default: x1)");
  sub->add_option("--out", args->out, "Output matrix K[i][j] = K(x1_i, x2_j) (.csv or .npy)")->required();
  sub->add_option("--set", args->sets, "Override a param: NAME=VALUE (repeatable)");
  sub->add_option("--threads", args->threads, "Worker threads (default: all cores)")->check(CLI::NonNegativeNumber);
  sub->add_option("--plugin-path", args->plugin_paths, "Extra folder searched for surrogate plugins (repeatable)");
  sub->add_option("--tolerance", args->tolerance, "Relative error target of numeric expectations")
      ->check(CLI::Range(1e-15, 1e-2));
  sub->add_flag("--quiet", args->quiet, "No progress display");
  return [args] { return run_kernel(*args); };
}

}  // namespace sgntk::cli
