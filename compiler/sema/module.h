// The checked, name-resolved form of a spec: what build_graph() produces from the AST and what
// the passes and lowering consume: params, functions and networks (the experiment statements
// belong to the runner of `sgntk run`, cli/experiment/experiment.h). Params are already
// substituted (after --set overrides), so every expression is a graph in x alone. Source ranges
// point back into the spec for messages.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "compiler/graph/context.h"
#include "compiler/source/diagnostics.h"

namespace sgntk::sema {

// A surrogate provided by a plugin: `surrogate fs = plugin("fast_sigmoid", slope = 25)`.
struct PluginSurrogate {
  std::string plugin_id;
  std::vector<std::pair<std::string, double>> params;  // in spec order
  std::vector<SourceRange> param_where;                // one per param
};

// A named function of x: `activation erf_m(x) = erf(m * x)`, `surrogate g(x) = ...`, or a
// built-in (erf, sign, heaviside, relu, tanh, identity, ...).
struct FunctionDef {
  std::string name;
  std::variant<graph::Expr, PluginSurrogate> body;
  SourceRange where;      // the definition; empty for built-ins
  bool builtin = false;
  bool is_expression() const { return std::holds_alternative<graph::Expr>(body); }
  graph::Expr expr() const { return std::get<graph::Expr>(body); }
};

struct Layer {
  enum class Kind { dense, readout };
  Kind kind = Kind::dense;
  int width = 0;                  // dense: width; readout: outputs
  double sigma_w = 1.0;
  double sigma_b = 0.0;
  std::optional<FunctionDef> activation;   // dense only
  std::optional<FunctionDef> surrogate;    // dense only; none: the true derivative
  SourceRange where;
};

struct Network {
  std::string name;
  int input_dim = 0;
  std::vector<Layer> hidden;   // dense layers in order
  Layer readout;
  SourceRange where;
};

struct Module {
  std::unique_ptr<graph::GraphContext> context = std::make_unique<graph::GraphContext>();
  std::map<std::string, double> params;          // final values, after --set
  std::vector<FunctionDef> activations;          // user-defined, in spec order
  std::vector<FunctionDef> surrogates;           // user-defined, in spec order
  std::vector<Network> networks;                 // in spec order
  const Network* find_network(const std::string& name) const {
    for (const Network& n : networks)
      if (n.name == name) return &n;
    return nullptr;
  }
};

}  // namespace sgntk::sema
