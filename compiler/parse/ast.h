// The abstract syntax tree of a spec, as the parser (spec_parser.cpp) produces it. Every node
// that a diagnostic can point at derives from x3::position_tagged; the parser stores byte offsets
// into the source in its id_first/id_last fields (range_of() turns them into a SourceRange).
//
// Expressions keep the parser's shape: a BinaryChain is `first (op operand)*` at one precedence
// level, so `a - b + c` is one chain and `(a + b) * c` nests a chain as an operand.
#pragma once
#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>
#include <optional>
#include <string>
#include <vector>

#include "compiler/source/diagnostics.h"

namespace sgntk::ast {

namespace x3 = boost::spirit::x3;

// ---- expressions --------------------------------------------------------------------------
struct Number : x3::position_tagged {
  std::string text;  // as written; converted (and range-checked) by sema
};

struct Name : x3::position_tagged {
  std::string name;
};

struct Call;
struct If;
struct Unary;
struct BinaryChain;

struct Operand : x3::variant<Number, Name, x3::forward_ast<Call>, x3::forward_ast<If>,
                             x3::forward_ast<Unary>, x3::forward_ast<BinaryChain>> {
  using base_type::base_type;
  using base_type::operator=;
};

// `-a` (op '-') or `d/dx a` (op 'd').
struct Unary : x3::position_tagged {
  char op = '-';
  Operand operand;
};

// One step of a chain: `+ b`, `* b`, `^ b`, ...
struct Operation : x3::position_tagged {
  char op = '+';
  Operand operand;
};

struct BinaryChain : x3::position_tagged {
  Operand first;
  std::vector<Operation> rest;
};

using Expr = BinaryChain;

struct Call : x3::position_tagged {
  Name callee;
  std::vector<Expr> args;
};

struct Condition : x3::position_tagged {
  Expr lhs;
  std::string op;  // "<", "<=", ">", ">="
  Expr rhs;
};

struct If : x3::position_tagged {
  Condition condition;
  Expr then_value;
  Expr else_value;
};

// ---- statements ---------------------------------------------------------------------------
// `name = value`: layer, network and plugin arguments.
struct Arg : x3::position_tagged {
  Name name;
  Expr value;
};

struct Param : x3::position_tagged {
  Name name;
  Expr value;
};

// `(x) = body`
struct Lambda : x3::position_tagged {
  Name variable;
  Expr body;
};

struct StringLiteral : x3::position_tagged {
  std::string value;
};

// `= plugin("fast_sigmoid", slope = 25)`
struct PluginRef : x3::position_tagged {
  StringLiteral id;
  std::vector<Arg> args;
};

struct FunctionBody : x3::variant<Lambda, PluginRef> {
  using base_type::base_type;
  using base_type::operator=;
};

// `activation NAME(x) = ...` or `surrogate NAME(x) = ...` or `surrogate NAME = plugin(...)`.
struct Function : x3::position_tagged {
  std::string keyword;  // "activation" or "surrogate"
  Name name;
  FunctionBody body;
};

struct Layer : x3::position_tagged {
  Name kind;  // "dense" or "readout"; checked by sema so that typos get a did-you-mean
  std::vector<Arg> args;
};

struct Network : x3::position_tagged {
  Name name;
  std::vector<Arg> args;
  std::vector<Layer> layers;
};

// ---- experiments: data, targets, tasks -----------------------------------------------------
// A value of an invocation argument: a string, an expression (numbers, params, names of data,
// networks and tasks) or a list `[v, ...]`.
struct ValueList;
struct Value : x3::variant<StringLiteral, Expr, x3::forward_ast<ValueList>> {
  using base_type::base_type;
  using base_type::operator=;
};

struct ValueList : x3::position_tagged {
  std::vector<Value> items;
};

// One argument of an invocation: positional (`grid`), named (`every = 7`) or a sweep
// (`sweep m = [2, 5]`).
struct Item : x3::position_tagged {
  bool sweep = false;
  std::optional<Name> key;
  Value value;
};

// `circle(n = 100)`, `select(grid, every = 7)`, `train(network = net, ...)`.
struct Invocation : x3::position_tagged {
  Name callee;
  std::vector<Item> items;
};

// `data NAME = invocation`
struct Data : x3::position_tagged {
  Name name;
  Invocation source;
};

// `target NAME = expression` in the coordinates x0, x1, ...
struct Target : x3::position_tagged {
  Name name;
  Expr body;
};

// `task NAME = invocation`
struct Task : x3::position_tagged {
  Name name;
  Invocation call;
};

// `quick TASK(items)`: argument overrides used under `sgntk run --quick`.
struct Quick : x3::position_tagged {
  Name task;
  std::vector<Item> items;
};

// Top-level statements.
struct Statement : x3::variant<Param, Function, Network, Data, Target, Task, Quick> {
  using base_type::base_type;
  using base_type::operator=;
};

struct Spec {
  std::vector<Statement> statements;
};

// The source range of a parsed node: [id_first, id_last) are byte offsets into `file`.
inline SourceRange range_of(const x3::position_tagged& node, const SourceFile& file) {
  if (node.id_first < 0) return {&file, 0, 0};
  return {&file, static_cast<std::size_t>(node.id_first), static_cast<std::size_t>(node.id_last)};
}

}  // namespace sgntk::ast
