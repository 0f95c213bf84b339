// Turns an AST expression into a raw graph: resolves names (x, params, constants, built-in and
// user functions), keeps d/dx as a node (graph::Kind::Derivative) for the expand-derivatives pass, and
// guards the limits that keep every later pass cheap and its recursion shallow (graph depth and
// size, nesting across user-function calls). Nothing is simplified here.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/graph/context.h"
#include "compiler/parse/ast.h"
#include "compiler/sema/module.h"

namespace sgntk::sema {

inline constexpr std::uint32_t max_graph_depth = 1000;
inline constexpr std::uint32_t max_graph_size = 100000;
inline constexpr int max_build_depth = 2048;  // nested sub-expressions, across function calls
// The derivative a d/dx makes, after simplification: tighter than max_graph_size, because the
// passes differentiate and simplify it again (the cost of simplify grows faster than the size).
inline constexpr std::uint32_t max_derivative_size = 20000;

// closest_name() for "did you mean" notes, skipped for absurdly long names: the edit distance
// is quadratic, and a fuzzer's megabyte-long identifier must not take hours.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

// A user-defined function as seen from a call site.
struct FunctionLookup {
  bool exists = false;                // the name is a user-defined activation or surrogate
  const FunctionDef* def = nullptr;   // null when it exists but its definition failed (reported)
};

// What names mean while building; implemented by the spec's symbol table (symbols.h).
class NameScope {
 public:
  virtual ~NameScope() = default;
  virtual std::optional<double> param(const std::string& name) const = 0;
  // May build the function's body on demand (and report errors in it, or a recursion).
  virtual FunctionLookup user_function(const ast::Name& use) = 0;
  virtual std::vector<std::string> param_names() const = 0;
  virtual std::vector<std::string> user_function_names() const = 0;
};

class ExprBuilder {
 public:
  ExprBuilder(graph::GraphContext& g, const SourceFile& file, Diagnostics& diags, NameScope& scope,
              int& depth)
      : g_(g), file_(file), diags_(diags), scope_(scope), depth_(depth) {}

  // A function of x (allow_x) or of params alone; nullptr when an error was reported.
  graph::Expr build(const ast::Expr& e, bool allow_x);
  // The value of a constant expression; std::nullopt when an error was reported. `what` names
  // the value in messages ("width", "param 'm'").
  std::optional<double> constant(const ast::Expr& e, const std::string& what);
  // Reports an error when `e` exceeds the graph limits; returns e, or nullptr after the error.
  graph::Expr within_limits(graph::Expr e, const ast::x3::position_tagged& at);

 private:
  graph::Expr chain(const ast::BinaryChain& c);
  graph::Expr operand(const ast::Operand& o);
  graph::Expr node(const ast::Number& n);
  graph::Expr node(const ast::Name& n);
  graph::Expr node(const ast::Call& c);
  graph::Expr node(const ast::If& i);
  graph::Expr node(const ast::Unary& u);
  graph::Expr derivative_within_limits(graph::Expr node, const ast::Unary& u);
  graph::Expr node(const ast::BinaryChain& c) { return chain(c); }
  template <typename T>
  graph::Expr node(const ast::x3::forward_ast<T>& n) { return node(n.get()); }
  void unknown(const ast::Name& n, const std::string& kind, std::vector<std::string> candidates);
  SourceRange at(const ast::x3::position_tagged& node) const { return ast::range_of(node, file_); }

  graph::GraphContext& g_;
  const SourceFile& file_;
  Diagnostics& diags_;
  NameScope& scope_;
  int& depth_;
  bool allow_x_ = true;
  // The derivative of each d/dx operand computed so far (its simplified derivative, by operand
  // as expand-derivatives sees it), so that nested d/dx are each differentiated once.
  std::unordered_map<graph::Expr, graph::Expr> derivative_of_;
};

}  // namespace sgntk::sema
