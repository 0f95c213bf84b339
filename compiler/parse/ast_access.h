// Read access to the AST without its X3 types: what sema and the experiment checker ask of an
// expression or an argument value (is it a bare name, a string, a list?), the source range of
// any node, and a visitor over the kinds of an operand. Only compiler/parse/ names x3.
#pragma once
#include <boost/variant/apply_visitor.hpp>
#include <boost/variant/get.hpp>
#include <vector>

#include "compiler/parse/ast.h"

namespace sgntk::ast {

// A bare name (`grid`, `erf`) rather than an expression (`erf(2*x)`); nullptr otherwise. The
// parser nests one chain per precedence level, so a lone name sits under several chains
// without operators.
inline const Name* bare_name(const Expr& e) {
  const BinaryChain* chain = &e;
  while (chain->rest.empty()) {
    if (const auto* name = boost::get<Name>(&chain->first)) return name;
    const auto* inner = boost::get<x3::forward_ast<BinaryChain>>(&chain->first);
    if (inner == nullptr) return nullptr;
    chain = &inner->get();
  }
  return nullptr;
}

// The alternatives of an argument value; nullptr when the value is another kind.
inline const Expr* as_expr(const Value& v) { return boost::get<Expr>(&v); }
inline const StringLiteral* as_string(const Value& v) { return boost::get<StringLiteral>(&v); }
inline const ValueList* as_list(const Value& v) {
  const auto* list = boost::get<x3::forward_ast<ValueList>>(&v);
  return list ? &list->get() : nullptr;
}
inline const Name* bare_name(const Value& v) {
  const Expr* e = as_expr(v);
  return e ? bare_name(*e) : nullptr;
}

// The elements of a list value, or the value itself as a list of one.
inline std::vector<const Value*> elements(const Value& v) {
  std::vector<const Value*> out;
  if (const ValueList* list = as_list(v))
    for (const Value& item : list->items) out.push_back(&item);
  else
    out.push_back(&v);
  return out;
}

inline SourceRange range_of(const Value& v, const SourceFile& file) {
  if (const StringLiteral* s = as_string(v)) return range_of(*s, file);
  if (const Expr* e = as_expr(v)) return range_of(*e, file);
  return range_of(*as_list(v), file);
}

// The statements of one kind, in spec order.
template <class T>
std::vector<const T*> statements_of(const Spec& spec) {
  std::vector<const T*> out;
  for (const Statement& s : spec.statements)
    if (const T* node = boost::get<T>(&s)) out.push_back(node);
  return out;
}

// Calls f with the operand's node: Number, Name, Call, If, Unary or BinaryChain (never a
// forward_ast wrapper).
template <class F>
decltype(auto) visit(const Operand& o, F&& f) {
  return boost::apply_visitor(
      [&f](const auto& node) -> decltype(auto) {
        if constexpr (requires { node.get(); }) return f(node.get());
        else return f(node);
      },
      o);
}

}  // namespace sgntk::ast
