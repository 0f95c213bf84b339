// The experiment checker, part 3: target expressions in the coordinates x0, x1, ... of a point,
// with params, constants and the one-argument built-ins.
#include <charconv>
#include <fmt/format.h>

#include "cli/experiment/checker.h"
#include "compiler/graph/build.h"
#include "compiler/parse/ast_access.h"
#include "compiler/sema/arguments.h"
#include "compiler/sema/builtins.h"

namespace sgntk::experiment {
namespace {

PointExpr constant(double v) {
  PointExpr out;
  out.value = v;
  return out;
}

PointExpr coordinate(int index) {
  PointExpr out;
  out.op = PointExpr::Op::coordinate;
  out.coordinate = index;
  return out;
}

PointExpr apply(graph::Expr function, PointExpr arg) {
  PointExpr out;
  out.op = PointExpr::Op::apply;
  out.function = function;
  out.args.push_back(std::move(arg));
  return out;
}

}  // namespace

std::optional<PointExpr> ExperimentChecker::point(const ast::Expr& e) {
  auto acc = point(e.first);
  for (const ast::Operation& op : e.rest) {
    if (!acc) return std::nullopt;
    auto rhs = point(op.operand);
    if (!rhs) return std::nullopt;
    PointExpr node;
    node.op = op.op == '+'   ? PointExpr::Op::add
              : op.op == '-' ? PointExpr::Op::sub
              : op.op == '*' ? PointExpr::Op::mul
              : op.op == '/' ? PointExpr::Op::div
                             : PointExpr::Op::pow;
    node.args = {std::move(*acc), std::move(*rhs)};
    acc = std::move(node);
  }
  return acc;
}

std::optional<PointExpr> ExperimentChecker::point(const ast::Operand& o) {
  return ast::visit(o, [this](const auto& node) { return operand(node); });
}

std::optional<PointExpr> ExperimentChecker::operand(const ast::Number& n) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(n.text.data(), n.text.data() + n.text.size(), v);
  if (ec != std::errc() || ptr != n.text.data() + n.text.size()) {
    diags().error(at(n), "number out of range");
    return std::nullopt;
  }
  return constant(v);
}

std::optional<PointExpr> ExperimentChecker::operand(const ast::Name& n) {
  const std::string& id = n.name;
  // x0, x1, ..., x999: a coordinate of the point.
  if (id.size() >= 2 && id.size() <= 4 && id[0] == 'x' && id.find_first_not_of("0123456789", 1) == std::string::npos)
    return coordinate(std::stoi(id.substr(1)));
  if (const auto v = s_.param(id)) return constant(*v);
  if (const auto v = sema::builtin_constant(id)) return constant(*v);
  diags().error(at(n), fmt::format("unknown name '{}' in a target (coordinates are x0, x1, ...)", id));
  std::vector<std::string> candidates = s_.param_names();
  candidates.insert(candidates.end(), {"x0", "x1", "x2", "pi", "e"});
  sema::note_did_you_mean(diags(), at(n), id, candidates);
  return std::nullopt;
}

std::optional<PointExpr> ExperimentChecker::operand(const ast::Call& c) {
  const sema::BuiltinFunction* f = sema::find_builtin_function(c.callee.name);
  if (f == nullptr || f->arity != 1 || c.args.size() != 1 || c.callee.name == "delta") {
    diags().error(at(c.callee),
                  fmt::format("a target may call the one-argument built-ins (but delta), not '{}'", c.callee.name));
    return std::nullopt;
  }
  auto arg = point(c.args[0]);
  if (!arg) return std::nullopt;
  graph::GraphContext& g = s_.context();
  const graph::Expr x = g.x();
  return apply(f->build(g, std::span<const graph::Expr>(&x, 1)), std::move(*arg));
}

std::optional<PointExpr> ExperimentChecker::operand(const ast::Unary& u) {
  if (u.op != '-') {
    diags().error(at(u), "a target cannot use d/dx");
    return std::nullopt;
  }
  auto arg = point(u.operand);
  if (!arg) return std::nullopt;
  graph::GraphContext& g = s_.context();
  return apply(graph::neg(g, g.x()), std::move(*arg));
}

std::optional<PointExpr> ExperimentChecker::operand(const ast::If& i) {
  diags().error(at(i), "a target cannot use if(...)");
  return std::nullopt;
}

}  // namespace sgntk::experiment
