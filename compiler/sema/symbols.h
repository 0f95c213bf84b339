// The symbol table of one spec: params (visible once defined), user functions (visible
// everywhere, built on demand so that definitions may refer forward, with recursion detected),
// and the one namespace they share (a name is defined once, and never as a built-in).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/sema/expression_builder.h"

namespace sgntk::sema {

class Symbols : public NameScope {
 public:
  Symbols(graph::GraphContext& g, const SourceFile& file, Diagnostics& diags) : g_(g), file_(file), diags_(diags) {}

  // Claims `name` for a definition; false (after an error) for a duplicate, reserved or
  // built-in name.
  bool declare(const ast::Name& name);
  void declare_function(const ast::Function& f);
  void define_param(const std::string& name, double value) { params_[name] = value; }

  // Builds every declared function (in declaration order); the failed ones are left out.
  std::vector<FunctionDef> functions(const std::string& keyword);

  ExprBuilder builder() { return ExprBuilder(g_, file_, diags_, *this, depth_); }
  graph::GraphContext& context() { return g_; }
  const SourceFile& file() const { return file_; }
  Diagnostics& diags() { return diags_; }

  std::optional<double> param(const std::string& name) const override;
  FunctionLookup user_function(const ast::Name& use) override;
  std::vector<std::string> param_names() const override;
  std::vector<std::string> user_function_names() const override;

 private:
  struct Entry {
    const ast::Function* definition = nullptr;
    enum class State { pending, building, done, failed } state = State::pending;
    std::optional<FunctionDef> def;
  };
  void build_function(Entry& entry);
  std::optional<PluginSurrogate> build_plugin(const ast::PluginRef& plugin);

  graph::GraphContext& g_;
  const SourceFile& file_;
  Diagnostics& diags_;
  int depth_ = 0;                              // shared nesting counter of every ExprBuilder
  std::map<std::string, SourceRange> defined_; // every defined name -> its definition
  std::map<std::string, double> params_;
  std::map<std::string, Entry> functions_;
  std::vector<std::string> function_order_;
};

}  // namespace sgntk::sema
