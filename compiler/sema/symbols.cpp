#include "compiler/sema/symbols.h"

#include <fmt/format.h>

#include "compiler/sema/builtins.h"

namespace sgntk::sema {

bool Symbols::declare(const ast::Name& name) {
  const SourceRange where = ast::range_of(name, file_);
  if (is_reserved_name(name.name)) {
    diags_.error(where, fmt::format("'{}' is a reserved name", name.name));
    return false;
  }
  if (find_builtin_function(name.name) != nullptr) {
    diags_.error(where, fmt::format("'{}' is a built-in function and cannot be redefined", name.name));
    return false;
  }
  const auto [it, inserted] = defined_.emplace(name.name, where);
  if (!inserted) {
    diags_.error(where, fmt::format("redefinition of '{}'", name.name));
    diags_.note(it->second, "previous definition is here");
    return false;
  }
  return true;
}

void Symbols::declare_function(const ast::Function& f) {
  if (!declare(f.name)) return;
  functions_[f.name.name].definition = &f;
  function_order_.push_back(f.name.name);
}

std::vector<FunctionDef> Symbols::functions(const std::string& keyword) {
  std::vector<FunctionDef> out;
  for (const std::string& name : function_order_) {
    Entry& entry = functions_.at(name);
    if (entry.definition->keyword != keyword) continue;
    if (entry.state == Entry::State::pending) build_function(entry);
    if (entry.def) out.push_back(*entry.def);
  }
  return out;
}

std::optional<double> Symbols::param(const std::string& name) const {
  if (auto it = params_.find(name); it != params_.end()) return it->second;
  return std::nullopt;
}

FunctionLookup Symbols::user_function(const ast::Name& use) {
  auto it = functions_.find(use.name);
  if (it == functions_.end()) return {};
  Entry& entry = it->second;
  switch (entry.state) {
    case Entry::State::pending:
      build_function(entry);
      break;
    case Entry::State::building:
      diags_.error(ast::range_of(use, file_), fmt::format("'{}' is defined in terms of itself", use.name));
      diags_.note(ast::range_of(entry.definition->name, file_), fmt::format("'{}' is defined here", use.name));
      return {true, nullptr};
    case Entry::State::done:
    case Entry::State::failed:
      break;
  }
  return {true, entry.def ? &*entry.def : nullptr};
}

std::vector<std::string> Symbols::param_names() const {
  std::vector<std::string> names;
  for (const auto& [name, value] : params_) names.push_back(name);
  return names;
}

std::vector<std::string> Symbols::user_function_names() const { return function_order_; }

void Symbols::build_function(Entry& entry) {
  const ast::Function& f = *entry.definition;
  entry.state = Entry::State::building;
  FunctionDef def;
  def.name = f.name.name;
  def.where = ast::range_of(f.name, file_);
  bool ok = false;
  if (const auto* lambda = boost::get<ast::Lambda>(&f.body)) {
    if (lambda->variable.name != "x") {
      diags_.error(ast::range_of(lambda->variable, file_),
                   fmt::format("the argument of '{}' must be named 'x'", f.name.name));
    } else {
      ExprBuilder b = builder();
      // The raw body: the passes (lower/pass_order.h) simplify it, e.g. erf(inf*x) to sign(x).
      const graph::Expr body = b.within_limits(b.build(lambda->body, /*allow_x=*/true), lambda->body);
      if (body) {
        def.body = body;
        ok = true;
      }
    }
  } else if (auto plugin = build_plugin(boost::get<ast::PluginRef>(f.body))) {
    def.body = std::move(*plugin);
    ok = true;
  }
  entry.state = ok ? Entry::State::done : Entry::State::failed;
  if (ok) entry.def = std::move(def);
}

std::optional<PluginSurrogate> Symbols::build_plugin(const ast::PluginRef& plugin) {
  PluginSurrogate out;
  out.plugin_id = plugin.id.value;
  bool ok = true;
  std::map<std::string, SourceRange> seen;
  for (const ast::Arg& a : plugin.args) {
    const SourceRange where = ast::range_of(a.name, file_);
    if (auto [it, inserted] = seen.emplace(a.name.name, where); !inserted) {
      diags_.error(where, fmt::format("duplicate argument '{}'", a.name.name));
      diags_.note(it->second, "previous value is here");
      ok = false;
      continue;
    }
    const auto value = builder().constant(a.value, fmt::format("plugin argument '{}'", a.name.name));
    if (!value) {
      ok = false;
      continue;
    }
    out.params.emplace_back(a.name.name, *value);
    out.param_where.push_back(where);
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace sgntk::sema
