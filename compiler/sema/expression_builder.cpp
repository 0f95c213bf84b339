#include "compiler/sema/expression_builder.h"

#include <charconv>
#include <cmath>
#include <fmt/format.h>

#include "compiler/graph/build.h"
#include "compiler/graph/evaluate.h"
#include "compiler/passes/differentiate.h"
#include "compiler/passes/simplify.h"
#include "compiler/passes/substitute.h"
#include "compiler/sema/builtins.h"

namespace sgntk::sema {

using graph::Expr;

namespace {
// Counts one level of nesting for the lifetime of a scope (recursion guard).
struct DepthScope {
  int& depth;
  explicit DepthScope(int& d) : depth(d) { ++depth; }
  ~DepthScope() { --depth; }
};

std::string plural(std::size_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }
}  // namespace

std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
  constexpr std::size_t longest = 64;
  if (name.size() > longest) return "";
  std::vector<std::string> short_ones;
  for (const std::string& c : candidates)
    if (c.size() <= longest) short_ones.push_back(c);
  return closest_name(name, short_ones);
}

Expr ExprBuilder::build(const ast::Expr& e, bool allow_x) {
  allow_x_ = allow_x;
  return chain(e);
}

std::optional<double> ExprBuilder::constant(const ast::Expr& e, const std::string& what) {
  const Expr built = build(e, /*allow_x=*/false);
  if (built == nullptr) return std::nullopt;
  const double value = graph::evaluate(built, 0.0);
  if (std::isnan(value)) {
    diags_.error(at(e), fmt::format("{} is not a number", what));
    return std::nullopt;
  }
  return value;
}

Expr ExprBuilder::within_limits(Expr e, const ast::x3::position_tagged& where) {
  if (e == nullptr) return nullptr;
  if (e->depth > max_graph_depth) {
    diags_.error(at(where), fmt::format("expression too deeply nested (the limit is {} levels)", max_graph_depth));
    return nullptr;
  }
  if (e->size > max_graph_size) {
    diags_.error(at(where), fmt::format("expression too large (the limit is {} nodes)", max_graph_size));
    return nullptr;
  }
  return e;
}

Expr ExprBuilder::chain(const ast::BinaryChain& c) {
  DepthScope guard(depth_);
  if (depth_ > max_build_depth) {
    diags_.error(at(c), fmt::format("expression too deeply nested (the limit is {} levels)", max_build_depth));
    return nullptr;
  }
  Expr acc = operand(c.first);
  for (const ast::Operation& op : c.rest) {
    if (acc == nullptr) return nullptr;
    const Expr rhs = operand(op.operand);
    if (rhs == nullptr) return nullptr;
    switch (op.op) {
      case '+': acc = graph::add(g_, acc, rhs); break;
      case '-': acc = graph::sub(g_, acc, rhs); break;
      case '*': acc = graph::mul(g_, acc, rhs); break;
      case '/': acc = graph::div(g_, acc, rhs); break;
      default: acc = graph::pow(g_, acc, rhs); break;  // '^'
    }
    // Checked per step, so that a long flat chain stops at the limit instead of growing on.
    acc = within_limits(acc, op);
  }
  return acc;
}

Expr ExprBuilder::operand(const ast::Operand& o) {
  return boost::apply_visitor([this](const auto& n) { return node(n); }, o);
}

Expr ExprBuilder::node(const ast::Number& n) {
  double value = 0;
  const char* first = n.text.data();
  const char* last = first + n.text.size();
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec == std::errc::result_out_of_range) {
    diags_.error(at(n), "number out of range");
    return nullptr;
  }
  if (ec != std::errc() || ptr != last) {  // the grammar only lets numbers through
    diags_.error(at(n), fmt::format("invalid number '{}'", n.text));
    return nullptr;
  }
  return g_.constant(value);
}

Expr ExprBuilder::node(const ast::Name& n) {
  if (n.name == "x") {
    if (allow_x_) return g_.x();
    diags_.error(at(n), "'x' cannot be used here: the value must be a constant");
    return nullptr;
  }
  if (const auto value = scope_.param(n.name)) return g_.constant(*value);
  if (const auto value = builtin_constant(n.name)) return g_.constant(*value);
  if (find_builtin_function(n.name) != nullptr || scope_.user_function(n).exists) {
    diags_.error(at(n), fmt::format("'{}' is a function: call it, as in '{}(x)'", n.name, n.name));
    return nullptr;
  }
  std::vector<std::string> candidates = scope_.param_names();
  for (const char* c : {"pi", "e", "inf"}) candidates.emplace_back(c);
  if (allow_x_) candidates.emplace_back("x");
  unknown(n, "name", std::move(candidates));
  return nullptr;
}

Expr ExprBuilder::node(const ast::Call& c) {
  const std::string& name = c.callee.name;
  const BuiltinFunction* builtin = find_builtin_function(name);
  const FunctionLookup user = builtin ? FunctionLookup{} : scope_.user_function(c.callee);
  if (builtin == nullptr && !user.exists) {
    std::vector<std::string> candidates = builtin_function_names();
    for (std::string& f : scope_.user_function_names()) candidates.push_back(std::move(f));
    unknown(c.callee, "function", std::move(candidates));
    return nullptr;
  }
  const std::size_t arity = builtin ? static_cast<std::size_t>(builtin->arity) : 1;
  if (c.args.size() != arity) {
    diags_.error(at(c.callee), fmt::format("'{}' takes {}, got {}", name, plural(arity, "argument"), c.args.size()));
    return nullptr;
  }
  if (!builtin && user.def && !user.def->is_expression()) {
    diags_.error(at(c.callee), fmt::format("plugin surrogate '{}' cannot be called in an expression", name));
    return nullptr;
  }
  std::vector<Expr> args;
  for (const ast::Expr& a : c.args) {
    args.push_back(chain(a));
    if (args.back() == nullptr) return nullptr;
  }
  if (builtin) return within_limits(builtin->build(g_, args), c);
  if (user.def == nullptr) return nullptr;  // its definition failed; already reported
  // Resolving the call: the graph has one variable, so a call of a user function is its raw body
  // with x bound to the argument. That is name binding, not algebra (nothing is simplified), so
  // it stays here rather than among the passes, which see only functions of x.
  return within_limits(passes::substitute(g_, user.def->expr(), args[0]), c);
}

Expr ExprBuilder::node(const ast::If& i) {
  const Expr lhs = chain(i.condition.lhs);
  const Expr rhs = lhs ? chain(i.condition.rhs) : nullptr;
  const Expr then_value = rhs ? chain(i.then_value) : nullptr;
  const Expr else_value = then_value ? chain(i.else_value) : nullptr;
  if (else_value == nullptr) return nullptr;
  const std::string& op = i.condition.op;
  const graph::Compare cmp = op == "<"    ? graph::Compare::less
                             : op == "<=" ? graph::Compare::less_equal
                             : op == ">"  ? graph::Compare::greater
                                          : graph::Compare::greater_equal;
  const Expr indicator = graph::compare(g_, cmp, lhs, rhs);
  return within_limits(graph::select(g_, indicator, then_value, else_value), i);
}

Expr ExprBuilder::node(const ast::Unary& u) {
  const Expr inner = operand(u.operand);
  if (inner == nullptr) return nullptr;
  if (u.op == '-') return within_limits(graph::neg(g_, inner), u);
  // d/dx stays a node: the expand-derivatives pass differentiates its simplified operand, so that
  // erf(inf*x) is sign(x) first.
  return derivative_within_limits(within_limits(g_.make(graph::Kind::Derivative, {inner}), u), u);
}

// Each d/dx can multiply the size of what it differentiates (the quotient and product rules):
// ten nested d/dx of a quotient of products make millions of nodes and minutes in the passes.
// So the derivative is computed here, as expand-derivatives will compute it, and one past
// max_derivative_size is an error at its d/dx. Before it is simplified, a derivative may be a
// few times larger than after: the unsimplified one gets five times the limit.
Expr ExprBuilder::derivative_within_limits(Expr node, const ast::Unary& u) {
  if (node == nullptr) return nullptr;
  bool too_large = false;
  passes::expand_derivatives(g_, node, [&](Expr operand) -> Expr {
    if (too_large) return operand;
    if (const auto it = derivative_of_.find(operand); it != derivative_of_.end()) return it->second;
    const Expr simplified = passes::simplify(g_, operand);
    const Expr derivative = passes::differentiate(g_, simplified);
    if (simplified->size > max_derivative_size || derivative->size > 5 * max_derivative_size) {
      too_large = true;
      return operand;
    }
    const Expr out = passes::simplify(g_, derivative);
    too_large = out->size > max_derivative_size;
    derivative_of_.emplace(operand, out);
    return out;
  });
  if (!too_large) return node;
  diags_.error(at(u), fmt::format("the derivative is too large (more than {} nodes): fewer nested d/dx, or a "
                                  "simpler operand",
                                  max_derivative_size));
  return nullptr;
}

void ExprBuilder::unknown(const ast::Name& n, const std::string& kind, std::vector<std::string> candidates) {
  diags_.error(at(n), fmt::format("unknown {} '{}'", kind, n.name));
  const std::string close = did_you_mean(n.name, candidates);
  if (!close.empty()) diags_.note(at(n), fmt::format("did you mean '{}'?", close));
}

}  // namespace sgntk::sema
