// `sgntk run SPEC [--out DIR] [--quick]`: runs the spec's data and task statements (experiment/)
// with a progress display, writing npy results, PNG plots and OUT/manifest.json.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "cli/progress.h"
#include "cli/stop_signals.h"
#include "cli/experiment/run.h"

namespace sgntk::cli {
namespace {

// Exit code of a run stopped by Ctrl-C when SIGINT was ignored before the run (else sgntk dies of
// the signal: run_stoppable()).
constexpr int exit_interrupted = 130;

struct RunArgs {
  experiment::RunOptions options;
  CommonOptions common;
};

int run_run(RunArgs& args) {
  args.options.sets = args.common.sets;
  args.options.threads = args.common.threads;
  args.options.plugin_paths = args.common.plugin_paths;
  Diagnostics diags;
  std::unique_ptr<Progress> bar;
  experiment::Reporter reporter;
  reporter.begin = [&](const std::string& label) {
    bar.reset();  // the previous step's bar is erased first
    if (!args.common.quiet) std::cerr << "sgntk: " << label << "\n";
    bar = std::make_unique<Progress>(label, args.common.quiet);
  };
  reporter.progress = [&](double fraction) {
    if (bar) bar->update(fraction);
  };
  reporter.warning = [&](const std::string& text) { std::cerr << "sgntk: warning: " << text << "\n"; };
  const experiment::RunStatus status = experiment::run_experiment(args.options, reporter, diags);
  bar.reset();
  std::cerr << diags.render();
  switch (status) {
    case experiment::RunStatus::ok:
      if (!args.common.quiet)
        std::cerr << fmt::format("sgntk: results in {}/ (manifest.json lists them)\n",
                                 experiment::output_folder(args.options));
      return exit_ok;
    case experiment::RunStatus::interrupted: return exit_interrupted;
    case experiment::RunStatus::input_error: break;
  }
  return exit_input_error;
}

}  // namespace

RunFunction register_run(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  experiment::RunOptions& o = args->options;
  CLI::App* sub = app.add_subcommand("run", "Run a spec's experiments (data, tasks, plots); writes npy, png and a manifest");
  sub->add_option("spec", o.spec, "Spec file (.sgntk) with data and task statements")->required();
  sub->add_option("--out", o.out, "Output folder (default: out/<spec name>)");
  sub->add_flag("--quick", o.quick, "Apply the spec's `quick` overrides (a reduced, fast version)");
  sub->add_flag("--resume", o.resume,
                "Train only the networks an earlier, stopped run of the same spec and options has not saved "
                "(OUT/.resume/)");
  sub->add_option("--only", o.only, "Run only these tasks (repeatable)");
  sub->add_option("--python", o.python, "Python with matplotlib, for plots")->capture_default_str();
  sub->add_option("--scripts-dir", o.scripts_dir, "Folder of plot_figure.py (default: found from the executable)");
  add_common_options(*sub, args->common, option_set | option_threads | option_plugin_path | option_quiet);
  sub->footer("A sweep point overrides --set for the params it sweeps. A task whose result has a NaN fails and\n"
              "writes nothing. OUT is replaced as a whole, and only when every task succeeded (with --only it then\n"
              "holds those tasks alone); a failed or stopped run leaves it as it was. A second run into the same OUT\n"
              "is refused while the first holds OUT.lock.\n"
              "Exit codes: 0 ok, 1 error in the spec or data (or OUT is locked, or not an earlier result), 2 usage,\n"
              "3 internal, 130/143 stopped by SIGINT (Ctrl-C) / SIGTERM.");
  return [args] { return run_stoppable([&] { return run_run(*args); }); };
}

}  // namespace sgntk::cli
