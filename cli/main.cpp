// The `sgntk` driver: parses the command line, runs one subcommand, maps failures to the exit
// codes of the CLI contract. No exception escapes main. Subcommands let runtime::DataError and
// runtime::EvalError propagate (their outputs are written atomically or cleaned up by RAII).
// Started by mpirun, sgntk joins the MPI job (runtime/mpi/world.h); `train` splits its ensemble
// across the ranks and `kernel` its bands, the other commands refuse to run on more than one.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <csignal>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/failure_report.h"
#include "runtime/mpi/world.h"

namespace {

// The commands that run across MPI ranks; the others are refused under mpirun -np K > 1, so
// that K copies never compute and write the same output.
bool runs_across_ranks(const CLI::App& command) { return command.get_name() == "train" || command.get_name() == "kernel"; }

}  // namespace

int main(int argc, char** argv) {
  using namespace sgntk::cli;
  // A write past the file size limit (ulimit -f) fails with EFBIG, which the writers report and
  // clean up after, instead of killing sgntk with its temporaries left behind.
  std::signal(SIGXFSZ, SIG_IGN);
  const sgntk::mpi::Session mpi_session;
  const sgntk::mpi::World& world = sgntk::mpi::world();
  CLI::App app{"sgntk: neural tangent kernels (NNGP, NTK, SG-NTK) of networks with jump activations"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sgntk 0.1.0");

  // Registration order = order of app.get_subcommands({}).
  const std::vector<RunFunction> runs{
      register_check(app),
      register_kernel(app),
      register_plugins(app),
      register_train(app),
      register_empirical(app),
      register_predict(app),
      register_run(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Every rank parses the same command line: rank 0 alone prints help and usage errors.
    std::ostringstream dropped;
    const int code = world.root() ? app.exit(e) : app.exit(e, dropped, dropped);
    return code == 0 ? exit_ok : exit_usage;
  }

  const auto subcommands = app.get_subcommands({});
  // The job's size: MPI's own, or (without MPI) what the launcher announced.
  const int ranks = sgntk::mpi::built_with_mpi() ? world.size : sgntk::mpi::launcher_size().value_or(1);
  if (ranks > 1) {
    std::string refusal;
    if (!sgntk::mpi::built_with_mpi())
      refusal = fmt::format("this sgntk was built without MPI, so it cannot join the {} ranks of mpirun; run it as "
                            "one process or build it with MPI (README, \"Scale\")", ranks);
    for (const CLI::App* command : subcommands)
      if (refusal.empty() && command->parsed() && !runs_across_ranks(*command))
        refusal = fmt::format("only `sgntk train` and `sgntk kernel` run across MPI ranks so far; run `sgntk {}` "
                              "as one process, not under mpirun with {} ranks{}", command->get_name(), ranks,
                              command->get_name() == "run" ? " (the ensemble of a train task can be trained across "
                                                             "ranks by `sgntk train` with the task's arguments)"
                                                           : "");
    if (!refusal.empty()) {
      if (world.root()) std::cerr << "sgntk: error: " << refusal << "\n";
      return exit_usage;
    }
  }

  try {
    for (std::size_t i = 0; i < runs.size(); ++i)
      if (subcommands[i]->parsed()) return runs[i]();
  } catch (const std::exception&) {
    const int code = sgntk::cli::report_failure(std::current_exception(), std::cerr);
    // A failure outside the steps on which the ranks agree (cli/rank_steps.h): the other ranks
    // may be waiting for this one, so the job ends here.
    if (world.size > 1) sgntk::mpi::abort_job(code);
    return code;
  }
  return exit_usage;
}
