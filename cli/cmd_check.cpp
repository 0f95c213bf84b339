// `sgntk check SPEC [--dump ast|graph|program|all | --dump-after PASS] [--set NAME=VALUE]...`:
// runs the front end and prints what it understood (default), one stage's dump, every layer
// after one pass of lower/pass_order.h, or every stage in turn (`--dump all`). Errors go to
// stderr, exit code 1.
#include <iostream>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "cli/experiment/load_experiment.h"
#include "cli/jobs/jobs.h"
#include "compiler/lower/pass_order.h"
#include "compiler/parse/ast_dump.h"
#include "compiler/parse/spec_parser.h"
#include "compiler/sema/module_print.h"
#include "runtime/describe_program.h"

namespace sgntk::cli {
namespace {

struct CheckArgs {
  std::string spec;
  std::string dump;
  std::string dump_after;
  CommonOptions common;  // --set; --plugin-path for --dump program
};

// The AST dump stops after parsing, so it also works for specs with semantic errors.
std::optional<std::string> ast_text(const CheckArgs& args, Diagnostics& diags) {
  std::string error;
  std::optional<SourceFile> file = load_source(args.spec, error);
  if (!file) diags.error("cannot read '" + args.spec + "': " + error);
  std::optional<ast::Spec> spec = file ? parse::parse_spec(*file, diags) : std::nullopt;
  if (!spec) return std::nullopt;
  return parse::dump_ast(*spec, *file);
}

// `--dump program`: every network's program, bound (its plugins loaded), in readable form.
std::string program_text(const sema::Module& module, const CheckArgs& args, Diagnostics& diags) {
  std::string out;
  for (const sema::Network& network : module.networks)
    if (const auto program = jobs::lower_and_bind(module, network.name, {}, {args.common.plugin_paths}, diags))
      out += runtime::describe(*program);
  return out;
}

// Every stage in pipeline order, each under a "# STAGE" heading.
std::string dump_all(const sema::Module& module, const std::string& ast, const CheckArgs& args, Diagnostics& diags) {
  std::string out = "# ast\n" + ast + "# sema\n" + lower::dump_sema_graphs(module, diags);
  const std::size_t last = lower::pass_order().size() - 1;
  const std::vector<std::string> passes = lower::dump_passes(module, last, {}, diags);
  for (std::size_t i = 0; i <= last; ++i) out += "# after " + std::string(lower::pass_order()[i].name) + "\n" + passes[i];
  if (diags.has_errors()) return out;  // the program would only repeat the errors
  return out + "# program\n" + program_text(module, args, diags);
}

int run_check(const CheckArgs& args) {
  Diagnostics diags;
  if (args.dump == "ast") {
    const auto ast = ast_text(args, diags);
    std::cerr << diags.render();
    if (!ast) return exit_input_error;
    std::cout << *ast;
    return exit_ok;
  }
  // The whole spec is checked, its experiment statements too.
  auto experiment = experiment::load_experiment(args.spec, args.common.sets, diags);
  const LoadedSpec* loaded = experiment ? experiment->spec.get() : nullptr;
  std::string out;
  if (loaded) {
    const sema::Module& module = loaded->module;
    if (!args.dump_after.empty()) {
      const std::size_t pass = *lower::find_pass(args.dump_after);  // CLI11 checked the name
      out = lower::dump_passes(module, pass, {}, diags)[pass];
    } else if (args.dump == "all") {
      Diagnostics parse_again;  // the spec was parsed once already, without an error
      out = dump_all(module, ast_text(args, parse_again).value_or(""), args, diags);
    } else if (args.dump == "graph") {
      out = sema::dump_graph(module, lower::run_graph_passes(module));
    } else if (args.dump == "program") {
      out = program_text(module, args, diags);
    } else {
      out = sema::describe_module(module, lower::run_graph_passes(module));
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
  std::vector<std::string> passes;
  for (const lower::Pass& p : lower::pass_order()) passes.emplace_back(p.name);
  CLI::App* cmd = app.add_subcommand("check", "Check a spec and print what it defines (or dump a compiler stage)");
  cmd->add_option("spec", args->spec, "The spec file (.sgntk)")->required();
  CLI::Option* dump =
      cmd->add_option("--dump", args->dump,
                      "Print one stage instead: the AST (with line:col), the graphs after simplify-derivative, the "
                      "kernel program, or all of them with every pass between (under '# STAGE' headings)")
          ->check(CLI::IsMember({"ast", "graph", "program", "all"}));
  cmd->add_option("--dump-after", args->dump_after,
                  "Print every hidden layer of every network after the pass PASS (in this order: " +
                      lower::pass_names() + ")")
      ->option_text("PASS")
      ->check(CLI::IsMember(passes))
      ->excludes(dump);
  add_common_options(*cmd, args->common, option_set | option_plugin_path);
  return [args] { return run_check(*args); };
}

}  // namespace sgntk::cli
