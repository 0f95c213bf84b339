#include "compiler/parse/ast_dump.h"

#include <fmt/format.h>

namespace sgntk::parse {
namespace {

namespace x3 = boost::spirit::x3;

class Dumper {
 public:
  explicit Dumper(const SourceFile& file) : file_(file) {}
  std::string take() { return std::move(out_); }

  void spec(const ast::Spec& s) {
    out_ += "spec\n";
    for (const ast::Statement& st : s.statements)
      boost::apply_visitor([&](const auto& node) { statement(node, 1); }, st);
  }

 private:
  void line(int depth, const x3::position_tagged& node, const std::string& label) {
    const LineCol at = file_.line_col(node.id_first < 0 ? 0 : static_cast<std::size_t>(node.id_first));
    out_ += fmt::format("{:{}}{} @{}:{}\n", "", 2 * depth, label, at.line, at.column);
  }

  void statement(const ast::Param& p, int depth) {
    line(depth, p, "param " + p.name.name);
    expr(p.value, depth + 1);
  }
  void statement(const ast::Function& f, int depth) {
    line(depth, f, f.keyword + " " + f.name.name);
    if (const auto* lambda = boost::get<ast::Lambda>(&f.body)) {
      line(depth + 1, *lambda, "lambda (" + lambda->variable.name + ")");
      expr(lambda->body, depth + 2);
    } else {
      const auto& plugin = boost::get<ast::PluginRef>(f.body);
      line(depth + 1, plugin, "plugin \"" + plugin.id.value + "\"");
      args(plugin.args, depth + 2);
    }
  }
  void statement(const ast::Network& n, int depth) {
    line(depth, n, "network " + n.name.name);
    args(n.args, depth + 1);
    for (const ast::Layer& layer : n.layers) {
      line(depth + 1, layer, "layer " + layer.kind.name);
      args(layer.args, depth + 2);
    }
  }
  void statement(const ast::Data& d, int depth) {
    line(depth, d, "data " + d.name.name);
    invocation(d.source, depth + 1);
  }
  void statement(const ast::Target& t, int depth) {
    line(depth, t, "target " + t.name.name);
    expr(t.body, depth + 1);
  }
  void statement(const ast::Task& t, int depth) {
    line(depth, t, "task " + t.name.name);
    invocation(t.call, depth + 1);
  }
  void statement(const ast::Quick& q, int depth) {
    line(depth, q, "quick " + q.task.name);
    items(q.items, depth + 1);
  }
  void invocation(const ast::Invocation& call, int depth) {
    line(depth, call, "invoke " + call.callee.name);
    items(call.items, depth + 1);
  }
  void items(const std::vector<ast::Item>& list, int depth) {
    for (const ast::Item& i : list) {
      const std::string label = i.key ? "arg " + i.key->name : "positional";
      line(depth, i, i.sweep ? "sweep " + label : label);
      value(i.value, depth + 1);
    }
  }
  void value(const ast::Value& v, int depth) {
    if (const auto* s = boost::get<ast::StringLiteral>(&v)) return line(depth, *s, "string \"" + s->value + "\"");
    if (const auto* e = boost::get<ast::Expr>(&v)) return expr(*e, depth);
    const ast::ValueList& list = boost::get<x3::forward_ast<ast::ValueList>>(v).get();
    line(depth, list, "list");
    for (const ast::Value& item : list.items) value(item, depth + 1);
  }
  void args(const std::vector<ast::Arg>& list, int depth) {
    for (const ast::Arg& a : list) {
      line(depth, a, "arg " + a.name.name);
      expr(a.value, depth + 1);
    }
  }

  void expr(const ast::Expr& e, int depth) {
    if (e.rest.empty()) return operand(e.first, depth);
    line(depth, e, "chain");
    operand(e.first, depth + 1);
    for (const ast::Operation& op : e.rest) {
      line(depth + 1, op, std::string("op '") + op.op + "'");
      operand(op.operand, depth + 2);
    }
  }
  void operand(const ast::Operand& o, int depth) {
    boost::apply_visitor([&](const auto& node) { this->node(node, depth); }, o);
  }
  template <typename T>
  void node(const x3::forward_ast<T>& n, int depth) { node(n.get(), depth); }
  void node(const ast::Number& n, int depth) { line(depth, n, "number " + n.text); }
  void node(const ast::Name& n, int depth) { line(depth, n, "name " + n.name); }
  void node(const ast::Unary& u, int depth) {
    line(depth, u, u.op == 'd' ? "d/dx" : "negate");
    operand(u.operand, depth + 1);
  }
  void node(const ast::BinaryChain& c, int depth) { expr(c, depth); }
  void node(const ast::Call& c, int depth) {
    line(depth, c, "call " + c.callee.name);
    for (const ast::Expr& a : c.args) expr(a, depth + 1);
  }
  void node(const ast::If& i, int depth) {
    line(depth, i, "if");
    line(depth + 1, i.condition, "condition '" + i.condition.op + "'");
    expr(i.condition.lhs, depth + 2);
    expr(i.condition.rhs, depth + 2);
    expr(i.then_value, depth + 1);
    expr(i.else_value, depth + 1);
  }

  const SourceFile& file_;
  std::string out_;
};

}  // namespace

std::string dump_ast(const ast::Spec& spec, const SourceFile& file) {
  Dumper d(file);
  d.spec(spec);
  return d.take();
}

}  // namespace sgntk::parse
