#include "compiler/sema/build_graph.h"

#include <fmt/format.h>
#include <set>

#include "compiler/sema/build_network.h"
#include "compiler/sema/symbols.h"

namespace sgntk::sema {
namespace {

template <typename T>
std::vector<const T*> statements_of(const ast::Spec& spec) {
  std::vector<const T*> out;
  for (const ast::Statement& s : spec.statements)
    if (const T* node = boost::get<T>(&s)) out.push_back(node);
  return out;
}

// Params in order; an override replaces the spec's value at the definition.
void build_params(const ast::Spec& spec, const std::vector<ParamOverride>& overrides, Symbols& symbols,
                  Module& module) {
  std::set<std::string> defined;
  for (const ast::Param* p : statements_of<ast::Param>(spec)) {
    if (!symbols.declare(p->name)) continue;
    defined.insert(p->name.name);
    auto value = symbols.builder().constant(p->value, fmt::format("param '{}'", p->name.name));
    for (const ParamOverride& o : overrides)
      if (o.name == p->name.name) value = o.value;  // the last --set wins
    if (!value) continue;
    symbols.define_param(p->name.name, *value);
    module.params[p->name.name] = *value;
  }
  const std::vector<std::string> names(defined.begin(), defined.end());
  for (const ParamOverride& o : overrides) {
    if (defined.count(o.name) != 0) continue;
    symbols.diags().error(fmt::format("--set {}: the spec has no param '{}'", o.name, o.name));
    if (const std::string close = did_you_mean(o.name, names); !close.empty())
      symbols.diags().note(SourceRange{}, fmt::format("did you mean '{}'?", close));
  }
}

}  // namespace

std::optional<Module> build_graph(const ast::Spec& spec, const SourceFile& file,
                                  const std::vector<ParamOverride>& overrides, Diagnostics& diags,
                                  const StatementChecker& check_more) {
  const std::size_t errors_before = diags.error_count();
  Module module;
  Symbols symbols(*module.context, file, diags);
  // Functions are declared first so that bodies may call functions defined further down.
  for (const ast::Function* f : statements_of<ast::Function>(spec)) symbols.declare_function(*f);
  build_params(spec, overrides, symbols, module);
  module.activations = symbols.functions("activation");
  module.surrogates = symbols.functions("surrogate");

  std::map<std::string, SourceRange> networks;
  for (const ast::Network* n : statements_of<ast::Network>(spec)) {
    const SourceRange where = ast::range_of(n->name, file);
    if (auto [it, inserted] = networks.emplace(n->name.name, where); !inserted) {
      diags.error(where, fmt::format("redefinition of network '{}'", n->name.name));
      diags.note(it->second, "previous definition is here");
      continue;
    }
    if (auto network = build_network(*n, symbols)) module.networks.push_back(std::move(*network));
  }
  if (check_more) check_more(spec, symbols, module);
  if (diags.error_count() != errors_before) return std::nullopt;
  return module;
}

}  // namespace sgntk::sema
