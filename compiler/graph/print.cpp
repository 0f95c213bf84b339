// Printing follows the spec grammar (compiler/parse/spec_parser.cpp):
//   additive = multiplicative {("+"|"-") multiplicative}, multiplicative = unary {("*"|"/") unary},
//   unary = "-" unary | "d/dx" unary | power, power = primary ["^" unary].
// Every canonical form the builders produce prints to text that parses back to the same node;
// forms only the simplifier produces (a - 2*x for a + (-2)*x, comparisons of reordered sums)
// print to text that simplify() maps back to the same node.
#include "compiler/graph/print.h"

#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <optional>
#include <stdexcept>
#include <unordered_map>

namespace sgntk::graph {

namespace {

// Binding strength of printed text: a child printed with less than its slot needs parentheses.
enum Prec { additive = 1, multiplicative = 2, unary = 3, power = 4, primary = 5 };

struct Doc {
  std::string text;
  int prec;
};

std::string number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  if (ec != std::errc()) throw std::logic_error("to_spec: cannot format a number");
  return std::string(buf, end);
}

bool is_affine_unit_slope(Expr e) {  // x, x + c, c + x
  if (e->is(Kind::Var)) return true;
  return e->is(Kind::Add) && ((e->kids[0]->is(Kind::Var) && e->kids[1]->is_const()) ||
                              (e->kids[1]->is(Kind::Var) && e->kids[0]->is_const()));
}

// The leftmost factor of a product chain, e.g. -2 in (-2*x)*y.
Expr leading_factor(Expr e) {
  while (e->is(Kind::Mul)) e = e->kids[0];
  return e;
}

class Printer {
 public:
  Doc print(Expr e) {
    switch (e->kind) {
      case Kind::Const: return {number(e->value), e->value < 0 ? unary : primary};
      case Kind::Var: return {"x", primary};
      case Kind::Add: return print_add(e);
      case Kind::Mul: return print_mul(e, false);
      case Kind::Pow: return print_pow(e);
      case Kind::Min:
      case Kind::Max:
        return {std::string(spelling(e->kind)) + "(" + top(e->kids[0]) + ", " + top(e->kids[1]) + ")", primary};
      case Kind::Delta: return print_delta(e);
      case Kind::Select: return print_select(e);
      case Kind::Derivative: return {"d/dx " + at(e->kids[0], unary), unary};
      default:  // unary functions
        return {std::string(spelling(e->kind)) + "(" + top(e->kids[0]) + ")", primary};
    }
  }

 private:
  std::string top(Expr e) { return print(e).text; }

  std::string at(Expr e, int min_prec) { return wrap(print(e), min_prec); }
  static std::string wrap(const Doc& d, int min_prec) {
    return d.prec < min_prec ? "(" + d.text + ")" : d.text;
  }

  // -e as text without a leading minus, when e is a negative number or a product led by one.
  std::optional<Doc> negated(Expr e) {
    if (e->is_const()) {
      if (e->value < 0) return Doc{number(-e->value), primary};
      return std::nullopt;
    }
    if (!e->is(Kind::Mul)) return std::nullopt;
    const Expr lead = leading_factor(e);
    if (!lead->is_const() || !(lead->value < 0)) return std::nullopt;
    return print_mul(e, true);
  }

  Doc print_add(Expr e) {
    const std::string left = at(e->kids[0], additive);
    if (auto minus = negated(e->kids[1])) return {left + " - " + wrap(*minus, multiplicative), additive};
    return {left + " + " + at(e->kids[1], multiplicative), additive};
  }

  // flip: print the product with its leading constant negated (for "a - 2*x").
  Doc print_mul(Expr e, bool flip) {
    const Expr a = e->kids[0], b = e->kids[1];
    if (a->is_const() && !b->is_const()) {
      const double c = flip ? -a->value : a->value;
      if (c == 1 && flip) return print(b);                           // a - b
      if (c == -1) {                                                 // -b
        Doc d{"-", unary};
        d.text += at(b, power);  // not "-" + string: GCC 12 warns falsely (-Wrestrict, PR105329)
        return d;
      }
    }
    std::string left;
    if (flip && a->is(Kind::Mul)) {
      left = wrap(print_mul(a, true), multiplicative);
    } else if (flip) {  // a is the leading constant
      left = wrap(Doc{number(-a->value), -a->value < 0 ? unary : primary}, multiplicative);
    } else {
      left = at(a, multiplicative);
    }
    // a * b^-1 is a / b, except 1 * b^-1, since "1/b" means b^-1 alone.
    const bool division = b->is(Kind::Pow) && b->kids[1]->is_const(-1.0) && !(a->is_const(1.0) && !flip);
    if (division) return {left + "/" + at(b->kids[0], unary), multiplicative};
    return {left + "*" + at(b, unary), multiplicative};
  }

  Doc print_pow(Expr e) {
    const Expr base = e->kids[0], exponent = e->kids[1];
    if (exponent->is_const(0.5)) return {"sqrt(" + top(base) + ")", primary};
    if (exponent->is_const(-1.0)) return {"1/" + at(base, unary), multiplicative};
    return {at(base, primary) + "^" + at(exponent, unary), power};
  }

  // delta^(k)(x + s) = (d/dx)^k delta(x + s); for k*x + s the chain rule adds a factor k^n,
  // divided out. Other arguments have no spec spelling; they print as delta'(...) for reading.
  Doc print_delta(Expr e) {
    const int order = static_cast<int>(e->value);
    const std::string base = "delta(" + top(e->kids[0]) + ")";
    if (order == 0) return {base, primary};
    if (is_affine_unit_slope(e->kids[0])) {
      std::string text = base;
      for (int i = 0; i < order; ++i) text = "d/dx " + text;
      return {text, unary};
    }
    return {"delta" + std::string(order, '\'') + "(" + top(e->kids[0]) + ")", primary};
  }

  // if(L < R, a, b) for Select(Heaviside(R - L), a, b); "ind > 0" for any other indicator.
  Doc print_select(Expr e) {
    const std::string branches = ", " + top(e->kids[1]) + ", " + top(e->kids[2]) + ")";
    return {"if(" + condition(e->kids[0]) + branches, primary};
  }

  std::string condition(Expr ind) {
    if (!ind->is(Kind::Heaviside)) return top(ind) + " > 0";
    const Expr d = ind->kids[0];
    if (d->is(Kind::Add)) {
      const Expr p = d->kids[0], q = d->kids[1];
      if (auto minus = negated(q); minus && !q->is_const())  // p - L: L < p
        return minus->text + " < " + top(p);
      if (auto minus = negated(p); minus && !p->is_const())   // -L + q: L < q
        return minus->text + " < " + top(q);
      if (q->is_const())                                       // p + c: p > -c
        return top(p) + " > " + number(-q->value);
    }
    if (auto minus = negated(d); minus && !d->is_const()) return minus->text + " < 0";
    return top(d) + " > 0";
  }
};

// Post-order node list; `numbers` maps node -> its %index, so shared nodes print once.
void list_nodes(Expr e, std::unordered_map<Expr, int>& numbers, std::string& out) {
  if (numbers.count(e) != 0) return;
  for (Expr kid : e->children()) list_nodes(kid, numbers, out);
  const int index = static_cast<int>(numbers.size());
  numbers[e] = index;
  std::string line = fmt::format("    %{} = {}", index, spelling(e->kind));
  if (e->is_const()) line += fmt::format(" {}", e->value);
  if (e->is(Kind::Delta) && e->value != 0) line += fmt::format("[{}]", e->value);
  for (Expr kid : e->children()) line += fmt::format(" %{}", numbers.at(kid));
  out += line + "\n";
}

}  // namespace

std::string to_spec(Expr e) { return Printer().print(e).text; }

std::string node_list(Expr e) {
  std::string out;
  std::unordered_map<Expr, int> numbers;
  list_nodes(e, numbers, out);
  return out;
}

}  // namespace sgntk::graph
