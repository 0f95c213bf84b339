// The pass order, in one place. Sema builds raw graphs; each hidden layer then runs the passes of
// pass_order(), in this order, and the layer can be dumped after any of them (`sgntk check
// --dump-after PASS`, `--dump all`: the graph passes print node lists as `--dump graph` does,
// match-gaussian and emit the layer's lines of the program text, runtime/program/text_format.h):
//   expand-derivatives   each d/dx written in the spec -> the derivative of its operand,
//                        innermost first (simplify, differentiate, simplify on the operand)
//   simplify             rewrite rules and constant folding on phi and an expression surrogate g;
//                        this is where erf(inf*x) becomes sign(x)
//   differentiate        phi' = d/dx phi
//   simplify-derivative  simplify phi'
//   match-gaussian       E[phi phi], E[phi' phi'], E[phi' g]: closed forms, else quadrature plans
//   emit                 bytecode of phi, phi' and g, for finite-width networks
// Each expression is simplified once per stage: passes::differentiate does not simplify. A d/dx
// in the spec means the derivative of its operand as simplify leaves it, so expand-derivatives
// comes first and simplifies each operand on its own, as the whole pipeline does phi.
#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/lower/lower.h"
#include "compiler/sema/module_print.h"
#include "runtime/program/program.h"

namespace sgntk::lower {

// One hidden layer on its way through the passes.
struct LayerState {
  std::string title;                 // "network net layer 1": heads the layer's dumps
  const sema::Network* network = nullptr;
  const sema::Layer* layer = nullptr;
  graph::Expr activation = nullptr;  // phi: raw from sema, then as the last pass left it
  graph::Expr derivative = nullptr;  // phi', from differentiate on
  graph::Expr surrogate = nullptr;   // g when the surrogate is an expression; else null
  program::LayerProgram program;     // match-gaussian and emit fill it
};

// What every pass may use.
struct PassContext {
  graph::GraphContext& g;
  const std::vector<program::PluginRef>& plugins;  // the program's plugin surrogates
  const LowerOptions& options;
  Diagnostics& diags;
};

struct Pass {
  std::string_view name;
  bool (*run)(PassContext&, LayerState&);                // false after it reported an error
  std::string (*dump)(const PassContext&, const LayerState&);  // what the pass made of the layer
};

std::span<const Pass> pass_order();
std::optional<std::size_t> find_pass(std::string_view name);  // its index in pass_order()
std::string pass_names();                                     // "expand-derivatives, simplify, ..."

// Hidden layer `index` of `network` as sema built it; std::nullopt after an error.
std::optional<LayerState> start_layer(const sema::Network& network, std::size_t index, Diagnostics& diags);

// Runs pass_order()[0..last] on the layer, calling `after` (when given) after each pass; false
// after a pass reported an error.
using AfterPass = std::function<void(const Pass&, const LayerState&)>;
bool run_passes(PassContext& context, LayerState& layer, std::size_t last, const AfterPass& after = {});

// `sgntk check --dump-after`: the dump of every hidden layer of every network after each of the
// passes 0..last, one text per pass. Errors (of a pass that failed) go to diags.
std::vector<std::string> dump_passes(const sema::Module& module, std::size_t last, const LowerOptions& options,
                                     Diagnostics& diags);

// `sgntk check --dump all`: every hidden layer as sema built it, before the first pass.
std::string dump_sema_graphs(const sema::Module& module, Diagnostics& diags);

// Every function of the module through the graph passes (expand-derivatives to
// simplify-derivative), for the summary and the graph dump of `sgntk check`.
sema::FunctionGraphs run_graph_passes(const sema::Module& module);

}  // namespace sgntk::lower
