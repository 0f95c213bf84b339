// The experiment checker's state, shared by its files: check_arguments.cpp (arguments against a
// signature), check_statements.cpp (data, tasks, quick), check_targets.cpp (target expressions)
// and task_bodies.cpp (checked arguments -> typed tasks).
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/experiment/experiment.h"
#include "cli/experiment/signatures.h"
#include "compiler/parse/ast.h"
#include "compiler/sema/module.h"
#include "compiler/sema/symbols.h"

namespace sgntk::experiment {

// One checked argument; which fields are set depends on its type: numbers for numbers and
// counts, text for strings, choices and names.
struct TaskArg {
  std::vector<double> numbers;
  std::string text;
  std::vector<std::string> names;
  SourceRange where;
};
using CheckedArgs = std::map<std::string, TaskArg>;

// The typed task of `signature` (an entry of task_signatures()) from its checked arguments,
// defaults included; and the arguments as JSON values for the manifest.
TaskBody task_body(const Signature& signature, const CheckedArgs& args);
std::map<std::string, std::string> args_json(const CheckedArgs& args);

class ExperimentChecker {
 public:
  ExperimentChecker(sema::Symbols& symbols, const sema::Module& module, Experiment& out)
      : s_(symbols), m_(module), out_(out) {}

  void declare(const ast::Name& name, std::set<std::string>& into) {
    if (s_.declare(name)) into.insert(name.name);
  }
  void data(const ast::Data& d);
  void target(const ast::Target& t);
  void task(const ast::Task& t);
  void quick(const ast::Quick& q);

  std::set<std::string> data_names, target_names, task_names;

 private:
  struct Checked {
    CheckedArgs args;
    std::vector<Sweep> sweeps;
  };
  // The signature `callee` names in `table`; nullptr after reporting "unknown WHAT 'NAME'".
  const Signature* signature(const std::vector<Signature>& table, const ast::Name& callee, const char* what);
  std::optional<Checked> check(const std::vector<ast::Item>& items, const Signature& sig, bool apply_defaults,
                               SourceRange callee);
  bool sweep(const ast::Item& item, const Signature& sig, std::vector<Sweep>& sweeps);
  std::optional<TaskArg> value(const ast::Value& v, const ArgSpec& spec);
  std::optional<long> integer(const ast::Value& v, const std::string& what, long minimum);
  bool reference(const ast::Value& v, const std::set<std::string>& known, const std::string& what, TaskArg& out);
  std::optional<PointExpr> point(const ast::Expr& e);
  std::optional<PointExpr> point(const ast::Operand& o);
  std::optional<PointExpr> operand(const ast::Number& n);
  std::optional<PointExpr> operand(const ast::Name& n);
  std::optional<PointExpr> operand(const ast::Call& c);
  std::optional<PointExpr> operand(const ast::Unary& u);
  std::optional<PointExpr> operand(const ast::If& i);
  std::optional<PointExpr> operand(const ast::BinaryChain& chain) { return point(chain); }
  template <class Node>
  SourceRange at(const Node& node) const { return ast::range_of(node, s_.file()); }
  Diagnostics& diags() { return s_.diags(); }

  sema::Symbols& s_;
  const sema::Module& m_;
  Experiment& out_;
  std::set<std::string> defined_data_;  // data defined so far (select reads earlier data only)
  std::map<std::string, CheckedArgs> full_args_;   // per task: its arguments, defaults included
  std::map<std::string, CheckedArgs> quick_args_;  // per task: the arguments of its `quick`s
};

}  // namespace sgntk::experiment
