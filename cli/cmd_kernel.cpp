// `sgntk kernel SPEC --kind nngp|ntk|sgntk --x1 FILE [--x2 FILE] --out FILE`: compiles the
// network's kernel program and evaluates one kernel matrix (the kernel job, cli/jobs/), as one
// process or across the ranks of an MPI job (cli/kernel_ranks.h).
#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/compile_network.h"
#include "cli/exit_codes.h"
#include "cli/jobs/jobs.h"
#include "cli/jobs/kinds.h"
#include "cli/kernel_ranks.h"
#include "cli/progress.h"
#include "cli/rank_steps.h"
#include "cli/stop_signals.h"
#include "runtime/errors.h"
#include "runtime/matrix_io.h"
#include "runtime/quadrature_misses.h"
#include "runtime/mpi/world.h"

namespace sgntk::cli {
namespace {

struct KernelArgs {
  std::string spec, kind, x1, x2, out;
  CommonOptions common;
  std::uint64_t memory_budget = 0;  // 0: jobs::default_memory_budget()
  bool out_of_core = false, resume = false;
};

// What the --resume fingerprint covers besides the points, the kind and the shape: the spec's
// text and every option that changes an entry (not --threads: entries are the same bits for
// every thread count).
std::string resume_identity(const KernelArgs& args) {
  std::ifstream in(args.spec, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return jobs::kernel_resume_identity(text, args.common.network, args.common.tolerance, args.common.sets,
                                      args.common.plugin_paths);
}

// The spec compiled (its warnings printed) and the points read: on every rank of an MPI job.
struct KernelInputs {
  std::optional<CompiledNetwork> compiled;
  runtime::RowMatrix x1, x2;
};

int read_inputs(const KernelArgs& args, runtime::KernelKind kind, KernelInputs& in) {
  in.compiled = compile_network(args.spec, args.common);
  if (!in.compiled) return exit_input_error;
  const runtime::KernelProgram* program = &in.compiled->program;
  Diagnostics diags;
  jobs::warn_infinite_diagonal(in.compiled->module(), *program, kind, diags);
  std::cerr << diags.render();

  auto read_points = [&](const std::string& path) {
    runtime::RowMatrix x = runtime::read_matrix(path);
    if (x.cols() != program->input_dim)
      throw runtime::DataError(fmt::format("{}: points of dimension {}, but network '{}' has input dimension {}",
                                           path, x.cols(), program->network, program->input_dim));
    return x;
  };
  in.x1 = read_points(args.x1);
  if (!args.x2.empty()) in.x2 = read_points(args.x2);
  return exit_ok;
}

// A usage error, printed once (by rank 0 of an MPI job).
int usage_error(const std::string& message) {
  if (mpi::world().root()) std::cerr << "sgntk: error: " << message << "\n";
  return exit_usage;
}

// One process computes the kernel into --out (kernel_to_file); under mpirun the ranks split its
// bands and write them into one file together (kernel_ranks.h), which needs an .npy output.
int run_kernel(const KernelArgs& args) {
  const mpi::World& world = mpi::world();
  if (!has_matrix_extension(args.out)) return usage_error(fmt::format("--out '{}' must end in .csv or .npy", args.out));
  const bool npy = std::filesystem::path(args.out).extension() == ".npy";
  if ((args.out_of_core || args.resume) && !npy)
    return usage_error(fmt::format("--out-of-core and --resume need an .npy --out, not '{}'", args.out));
  if (world.size > 1 && !npy)
    return usage_error(fmt::format("under mpirun the ranks write their bands of the kernel into one .npy file; a "
                                   "csv --out ('{}') is written by one process: run it without mpirun, or write .npy",
                                   args.out));
  const runtime::KernelKind kind = *jobs::kind_from<runtime::KernelKind>(args.kind);  // checked by --kind
  KernelInputs in;
  if (const int code = on_every_rank([&] { return read_inputs(args, kind, in); })) return code;
  const runtime::KernelProgram* program = &in.compiled->program;
  const runtime::RowMatrix& x1 = in.x1;
  const runtime::RowMatrix& x2 = in.x2;
  // Under mpirun rank 0 shows the progress of its own bands (a share of the same size as the others').
  Progress progress(fmt::format("{} kernel", args.kind), args.common.quiet || !world.root());
  runtime::KernelOptions kernel_options;
  kernel_options.threads = args.common.threads;
  if (progress.enabled()) kernel_options.progress = [&](double f) { progress.update(f); };
  // Ctrl-C or SIGTERM stops the kernel at its next tile and unwinds, which removes the output's
  // temporary (the older --out stays; with --resume the partial file and its side file stay):
  // run_stoppable().
  kernel_options.cancelled = stop_requested;
  jobs::KernelFileOptions file;
  file.memory_budget = static_cast<std::size_t>(args.memory_budget);
  file.out_of_core = args.out_of_core;
  if (args.resume) file.resume_identity = resume_identity(args);
  if (!args.common.quiet) file.notice = [](const std::string& line) { std::cerr << "sgntk: " << line << "\n"; };
  if (world.size > 1)
    return kernel_across_ranks(*program, kind, x1, args.x2.empty() ? nullptr : &x2, args.out, kernel_options, file,
                               resume_identity(args));
  runtime::reset_quadrature_misses();
  jobs::kernel_to_file(*program, kind, x1, args.x2.empty() ? nullptr : &x2, args.out, kernel_options, file);
  // Nothing falls short of the target silently (runtime/quadrature_misses.h).
  if (const auto w = runtime::quadrature_miss_warning()) std::cerr << "sgntk: warning: " << *w << "\n";
  return exit_ok;
}

}  // namespace

RunFunction register_kernel(CLI::App& app) {
  auto args = std::make_shared<KernelArgs>();
  CLI::App* sub = app.add_subcommand("kernel", "Compute an infinite-width kernel matrix (NNGP, NTK or SG-NTK)");
  sub->add_option("spec", args->spec, "Spec file (.sgntk)")->required();
  sub->add_option("--kind", args->kind, "Kernel: nngp, ntk or sgntk")
      ->required()
      ->check(CLI::IsMember(jobs::kind_names<runtime::KernelKind>()));
  sub->add_option("--x1", args->x1, "Points x1 (.csv or .npy, one point per row)")->required();
  sub->add_option("--x2", args->x2, "Points x2 (default: x1)");
  sub->add_option("--out", args->out, "Output matrix K[i][j] = K(x1_i, x2_j) (.csv or .npy)")->required();
  sub->add_option("--memory-budget", args->memory_budget,
                  "Memory for the output (e.g. 2G, 512M; default: 1/8 of physical memory): an .npy output larger "
                  "than this is computed out of core, in bands of rows of at most 1/32 of it")
      ->transform(CLI::AsSizeValue(false));
  sub->add_flag("--out-of-core", args->out_of_core, "Compute an .npy output out of core whatever its size");
  sub->add_flag("--resume", args->resume,
                "Out of core, resumable: keep the finished bands of a stopped run (beside --out, as .NAME.partial "
                "and .NAME.partial.bands) and compute only the missing ones when run again with the same inputs");
  add_common_options(*sub, args->common,
                     option_network | option_set | option_threads | option_plugin_path | option_tolerance | option_quiet);
  sub->footer("A NaN entry is an error and nothing is written; +inf is kept (with a warning) only where the naive NTK\n"
              "of a jump activation (or the SG-NTK of a jump layer without a surrogate) diverges on the diagonal.\n"
              "Any other infinite entry is an overflow: an error, and nothing is written.\n"
              "Under mpirun -np K the ranks split the bands of an .npy output and write one file together (README, Scale).");
  return [args] { return run_stoppable([&] { return run_kernel(*args); }); };
}

}  // namespace sgntk::cli
