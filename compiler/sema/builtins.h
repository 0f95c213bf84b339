// The names a spec can use without defining them: mathematical functions (callable in any
// expression), the subset usable by name as an activation or surrogate, the one usable by name
// as a surrogate only, and the constants.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/graph/context.h"

namespace sgntk::sema {

struct BuiltinFunction {
  std::string_view name;
  int arity;
  graph::Expr (*build)(graph::GraphContext& g, std::span<const graph::Expr> args);
};

// exp log sqrt abs sign heaviside relu erf erfc tanh sigmoid sin cos atan delta identity
// straight_through (unary; straight_through(x) = 1), min max (binary). nullptr for any other name.
const BuiltinFunction* find_builtin_function(std::string_view name);
std::vector<std::string> builtin_function_names();

// erf sign heaviside relu tanh sigmoid identity abs sin cos atan exp: usable as `act = erf`.
bool is_builtin_activation(std::string_view name);
std::vector<std::string> builtin_activation_names();

// straight_through: usable by name as a surrogate only (`surrogate = straight_through`, g = 1).
bool is_builtin_surrogate(std::string_view name);
std::vector<std::string> builtin_surrogate_names();

// pi, e, inf; std::nullopt for any other name.
std::optional<double> builtin_constant(std::string_view name);

// Names a definition may not take: x (the variable), the constants, and the keyword `if`.
bool is_reserved_name(std::string_view name);

}  // namespace sgntk::sema
