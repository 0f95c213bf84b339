#include "python/src/network.h"

#include <stdexcept>

#include "cli/jobs/jobs.h"
#include "compiler/lower/pass_order.h"
#include "compiler/parse/ast_dump.h"
#include "compiler/parse/spec_parser.h"
#include "compiler/sema/module_print.h"
#include "python/src/errors.h"
#include "runtime/describe_program.h"

namespace sgntk::python {

Network::Network(const std::string& path, const std::optional<std::string>& text, LoadOptions options)
    : options_(std::move(options)) {
  Diagnostics diags;
  spec_ = text ? experiment::load_experiment_text(path, *text, options_.sets, diags)
               : experiment::load_experiment(path, options_.sets, diags);
  if (!spec_) throw_diagnostics(diags, FailureKind::spec);
  lower::LowerOptions lower_options;
  lower_options.tolerance = options_.tolerance;
  bool bind_failed = false;
  auto program = jobs::lower_and_bind(module(), options_.network, lower_options, {options_.plugin_paths}, diags,
                                      &bind_failed);
  if (!program) throw_diagnostics(diags, bind_failed ? FailureKind::plugin : FailureKind::spec);
  program_ = std::move(*program);
}

std::string Network::check() const { return sema::describe_module(module(), lower::run_graph_passes(module())); }

std::string Network::dump(const std::string& stage) const {
  if (stage == "graph") return sema::dump_graph(module(), lower::run_graph_passes(module()));
  if (stage == "program") return runtime::describe(program_);
  if (stage == "ast") {
    // The loaded spec keeps its source, not its syntax tree: parse it again (it parsed before).
    Diagnostics diags;
    const SourceFile& file = *spec_->spec->source;
    const auto ast = parse::parse_spec(file, diags);
    if (!ast) throw_diagnostics(diags, FailureKind::spec);
    return parse::dump_ast(*ast, file);
  }
  throw std::invalid_argument("dump: stage must be 'ast', 'graph' or 'program', not '" + stage + "'");
}

}  // namespace sgntk::python
