// `sgntk run SPEC [--out DIR] [--quick]`: runs the spec's data and task statements (experiment/)
// with a progress display, writing npy results, PNG plots and OUT/manifest.json.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/progress.h"
#include "cli/experiment/run.h"

namespace sgntk::cli {
namespace {

// Exit code of a run stopped by Ctrl-C (the shell convention 128 + SIGINT).
constexpr int exit_interrupted = 130;

struct RunArgs {
  experiment::RunOptions options;
  bool quiet = false;
};

int run_run(const RunArgs& args) {
  Diagnostics diags;
  std::unique_ptr<Progress> bar;
  experiment::Reporter reporter;
  reporter.begin = [&](const std::string& label) {
    bar.reset();  // the previous step's bar is erased first
    if (!args.quiet) std::cerr << "sgntk: " << label << "\n";
    bar = std::make_unique<Progress>(label, args.quiet);
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
      if (!args.quiet)
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
  sub->add_option("--set", o.sets, "Override a param: NAME=VALUE (repeatable; sweeps override it)");
  sub->add_option("--only", o.only, "Run only these tasks (repeatable)");
  sub->add_option("--threads", o.threads, "Worker threads (default: all cores)")->check(CLI::NonNegativeNumber);
  sub->add_option("--plugin-path", o.plugin_paths, "Extra folder searched for surrogate plugins (repeatable)");
  sub->add_option("--python", o.python, "Python with matplotlib, for plots")->capture_default_str();
  sub->add_option("--scripts-dir", o.scripts_dir, "Folder of plot_figure.py (default: found from the executable)");
  sub->add_flag("--quiet", args->quiet, "No progress display");
  sub->footer("Exit codes: 0 ok, 1 error in the spec or data, 2 usage, 3 internal, 130 interrupted (Ctrl-C).");
  return [args] { return run_run(*args); };
}

}  // namespace sgntk::cli
