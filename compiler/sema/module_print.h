// Readable views of a sema::Module for `sgntk check`: the default summary (params, functions,
// and per network each layer with its activation, the activation's derivative and its
// surrogate), and `--dump graph` (every function's hash-consed graph as a numbered node list).
// Sema builds raw graphs, so both print what the graph passes made of them (`FunctionGraphs`,
// computed by lower::run_graph_passes in lower/pass_order.h).
#pragma once
#include <string>
#include <unordered_map>

#include "compiler/sema/module.h"

namespace sgntk::sema {

// Keyed by the address of a FunctionDef of the module (module.activations, module.surrogates,
// and each layer's own activation and surrogate): its body after the graph passes, and for a
// hidden layer's activation also its derivative. Plugin surrogates have no entry.
struct FunctionGraphs {
  std::unordered_map<const FunctionDef*, graph::Expr> body;
  std::unordered_map<const FunctionDef*, graph::Expr> derivative;
};

// `plugin("id", name = value, ...)`, as the spec wrote it.
std::string plugin_text(const PluginSurrogate& p);

std::string describe_module(const Module& module, const FunctionGraphs& graphs);
std::string dump_graph(const Module& module, const FunctionGraphs& graphs);

}  // namespace sgntk::sema
