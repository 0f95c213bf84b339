// The `sgntk` driver: parses the command line, runs one subcommand, maps failures to the exit
// codes of the CLI contract. No exception escapes main. Subcommands let runtime::DataError and
// runtime::EvalError propagate (their outputs are written atomically or cleaned up by RAII).
#include <CLI/CLI.hpp>
#include <csignal>
#include <exception>
#include <iostream>
#include <new>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "runtime/errors.h"

int main(int argc, char** argv) {
  using namespace sgntk::cli;
  // A write past the file size limit (ulimit -f) fails with EFBIG, which the writers report and
  // clean up after, instead of killing sgntk with its temporaries left behind.
  std::signal(SIGXFSZ, SIG_IGN);
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
    return app.exit(e) == 0 ? exit_ok : exit_usage;
  }

  try {
    const auto subcommands = app.get_subcommands({});
    for (std::size_t i = 0; i < runs.size(); ++i)
      if (subcommands[i]->parsed()) return runs[i]();
  } catch (const sgntk::runtime::DataError& e) {  // bad data: every command reports it the same way
    std::cerr << "sgntk: error: " << e.what() << "\n";
    return exit_input_error;
  } catch (const sgntk::runtime::EvalError& e) {  // a function (expression or plugin) that failed
    std::cerr << "sgntk: error: " << e.what() << "\n";
    return exit_input_error;
  } catch (const std::bad_alloc&) {
    std::cerr << "sgntk: error: out of memory\n";
    return exit_input_error;
  } catch (const std::exception& e) {
    std::cerr << "sgntk: internal error: " << e.what() << "\n";
    return exit_internal;
  }
  return exit_usage;
}
