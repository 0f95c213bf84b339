// `sgntk check SPEC [--dump ast|graph|program] [--set NAME=VALUE]...`: runs the front end and
// prints what it understood (default), or one stage's dump. Errors go to stderr, exit code 1.
#include <iostream>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "cli/experiment/load_experiment.h"
#include "cli/jobs/jobs.h"
#include "compiler/parse/ast_dump.h"
#include "compiler/parse/spec_parser.h"
#include "compiler/sema/module_print.h"
#include "runtime/describe_program.h"

namespace sgntk::cli {
namespace {

struct CheckArgs {
  std::string spec;
  std::string dump;
  CommonOptions common;  // --set; --plugin-path for --dump program
};

// The AST dump stops after parsing, so it also works for specs with semantic errors.
int dump_ast(const CheckArgs& args) {
  Diagnostics diags;
  std::string error;
  std::optional<SourceFile> file = load_source(args.spec, error);
  if (!file) diags.error("cannot read '" + args.spec + "': " + error);
  std::optional<ast::Spec> spec = file ? parse::parse_spec(*file, diags) : std::nullopt;
  std::cerr << diags.render();
  if (!spec) return exit_input_error;
  std::cout << parse::dump_ast(*spec, *file);
  return exit_ok;
}

int run_check(const CheckArgs& args) {
  if (args.dump == "ast") return dump_ast(args);
  Diagnostics diags;
  // The whole spec is checked, its experiment statements too.
  auto experiment = experiment::load_experiment(args.spec, args.common.sets, diags);
  const LoadedSpec* loaded = experiment ? experiment->spec.get() : nullptr;
  std::string out;
  if (loaded) {
    if (args.dump == "graph") {
      out = sema::dump_graph(loaded->module);
    } else if (args.dump == "program") {
      for (const sema::Network& network : loaded->module.networks)
        if (const auto program = jobs::lower_and_bind(loaded->module, network.name, {}, {args.common.plugin_paths}, diags))
          out += runtime::describe(*program);
    } else {
      out = sema::describe_module(loaded->module);
    }
  }
  std::cerr << diags.render();
  if (diags.has_errors()) return exit_input_error;
  std::cout << out;
  return exit_ok;
}

}  // namespace

RunFunction register_check(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand("check", "Check a spec and print what it defines (or dump a compiler stage)");
  cmd->add_option("spec", args->spec, "The spec file (.sgntk)")->required();
  cmd->add_option("--dump", args->dump, "Print one stage instead: the AST (with line:col), the graphs, or the kernel program")
      ->check(CLI::IsMember({"ast", "graph", "program"}));
  add_common_options(*cmd, args->common, option_set | option_plugin_path);
  return [args] { return run_check(*args); };
}

}  // namespace sgntk::cli
