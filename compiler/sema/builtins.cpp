#include "compiler/sema/builtins.h"

#include <algorithm>
#include <array>
#include <limits>
#include <numbers>

#include "compiler/graph/build.h"

namespace sgntk::sema {
namespace {

using graph::Expr;
using graph::GraphContext;
using graph::Kind;
using Args = std::span<const Expr>;

template <Kind kind>
Expr unary(GraphContext& g, Args a) { return graph::call(g, kind, a[0]); }
template <Kind kind>
Expr binary(GraphContext& g, Args a) { return graph::call(g, kind, a[0], a[1]); }

constexpr std::array functions{
    BuiltinFunction{"exp", 1, unary<Kind::Exp>},
    BuiltinFunction{"log", 1, unary<Kind::Log>},
    BuiltinFunction{"sqrt", 1, [](GraphContext& g, Args a) { return graph::sqrt(g, a[0]); }},
    BuiltinFunction{"abs", 1, unary<Kind::Abs>},
    BuiltinFunction{"sign", 1, unary<Kind::Sign>},
    BuiltinFunction{"heaviside", 1, unary<Kind::Heaviside>},
    BuiltinFunction{"relu", 1, unary<Kind::Relu>},
    BuiltinFunction{"erf", 1, unary<Kind::Erf>},
    BuiltinFunction{"erfc", 1, [](GraphContext& g, Args a) { return graph::erfc(g, a[0]); }},
    BuiltinFunction{"tanh", 1, unary<Kind::Tanh>},
    BuiltinFunction{"sigmoid", 1, unary<Kind::Sigmoid>},
    BuiltinFunction{"sin", 1, unary<Kind::Sin>},
    BuiltinFunction{"cos", 1, unary<Kind::Cos>},
    BuiltinFunction{"atan", 1, unary<Kind::Atan>},
    BuiltinFunction{"delta", 1, [](GraphContext& g, Args a) { return graph::delta(g, a[0]); }},
    BuiltinFunction{"identity", 1, [](GraphContext&, Args a) { return a[0]; }},
    // The straight-through estimator g(x) = 1: the surrogate snnTorch calls
    // straight_through_estimator. Not `identity`, which is g(x) = x.
    BuiltinFunction{"straight_through", 1, [](GraphContext& g, Args) { return g.constant(1); }},
    BuiltinFunction{"min", 2, binary<Kind::Min>},
    BuiltinFunction{"max", 2, binary<Kind::Max>},
};

constexpr std::array<std::string_view, 12> activations{
    "erf", "sign", "heaviside", "relu", "tanh", "sigmoid", "identity", "abs", "sin", "cos", "atan", "exp"};

constexpr std::array<std::string_view, 1> surrogates{"straight_through"};

}  // namespace

const BuiltinFunction* find_builtin_function(std::string_view name) {
  for (const BuiltinFunction& f : functions)
    if (f.name == name) return &f;
  return nullptr;
}

std::vector<std::string> builtin_function_names() {
  std::vector<std::string> names;
  for (const BuiltinFunction& f : functions) names.emplace_back(f.name);
  return names;
}

bool is_builtin_activation(std::string_view name) {
  return std::find(activations.begin(), activations.end(), name) != activations.end();
}

std::vector<std::string> builtin_activation_names() { return {activations.begin(), activations.end()}; }

bool is_builtin_surrogate(std::string_view name) {
  return std::find(surrogates.begin(), surrogates.end(), name) != surrogates.end();
}

std::vector<std::string> builtin_surrogate_names() { return {surrogates.begin(), surrogates.end()}; }

std::optional<double> builtin_constant(std::string_view name) {
  if (name == "pi") return std::numbers::pi;
  if (name == "e") return std::numbers::e;
  if (name == "inf") return std::numeric_limits<double>::infinity();
  return std::nullopt;
}

bool is_reserved_name(std::string_view name) {
  return name == "x" || name == "if" || builtin_constant(name).has_value();
}

}  // namespace sgntk::sema
