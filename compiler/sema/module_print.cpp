#include "compiler/sema/module_print.h"

#include <fmt/format.h>

#include "compiler/graph/print.h"

namespace sgntk::sema {

std::string plugin_text(const PluginSurrogate& p) {
  std::string out = fmt::format("plugin(\"{}\"", p.plugin_id);
  for (const auto& [name, value] : p.params) out += fmt::format(", {} = {}", name, value);
  return out + ")";
}

namespace {

// The function as the summary shows it: its graph, and where it came from.
std::string function_text(const FunctionDef& f, const Module& module, const FunctionGraphs& graphs) {
  if (!f.is_expression()) return fmt::format("{} = {}", f.name, plugin_text(std::get<PluginSurrogate>(f.body)));
  const std::string body = graph::to_spec(graphs.body.at(&f));
  if (f.builtin) return fmt::format("{}  (built-in '{}')", body, f.name);
  for (const auto* list : {&module.activations, &module.surrogates})
    for (const FunctionDef& def : *list)
      if (def.name == f.name) return fmt::format("{}  ('{}')", body, f.name);
  return body;  // an inline expression
}

std::string layer_text(const Layer& layer, const Module& module, const FunctionGraphs& graphs, std::size_t index) {
  if (layer.kind == Layer::Kind::readout)
    return fmt::format("  readout(outputs = {}, sigma_w = {}, sigma_b = {})\n", layer.width, layer.sigma_w, layer.sigma_b);
  std::string out = fmt::format("  layer {}: dense(width = {}, sigma_w = {}, sigma_b = {})\n", index, layer.width,
                                layer.sigma_w, layer.sigma_b);
  const FunctionDef& act = *layer.activation;
  out += fmt::format("    activation: {}\n", function_text(act, module, graphs));
  out += fmt::format("    derivative: {}\n", graph::to_spec(graphs.derivative.at(&act)));
  out += layer.surrogate ? fmt::format("    surrogate:  {}\n", function_text(*layer.surrogate, module, graphs))
                         : "    surrogate:  none (the true derivative)\n";
  return out;
}

std::string graph_text(const std::string& title, const FunctionDef& f, const FunctionGraphs& graphs) {
  if (!f.is_expression()) return fmt::format("{}: {}\n", title, plugin_text(std::get<PluginSurrogate>(f.body)));
  const graph::Expr e = graphs.body.at(&f);
  return fmt::format("{}: {}\n", title, graph::to_spec(e)) + graph::node_list(e);
}

}  // namespace

std::string describe_module(const Module& module, const FunctionGraphs& graphs) {
  std::string out;
  for (const auto& [name, value] : module.params) out += fmt::format("param {} = {}\n", name, value);
  for (const FunctionDef& f : module.activations)
    out += fmt::format("activation {}(x) = {}\n", f.name, graph::to_spec(graphs.body.at(&f)));
  for (const FunctionDef& f : module.surrogates)
    out += f.is_expression() ? fmt::format("surrogate {}(x) = {}\n", f.name, graph::to_spec(graphs.body.at(&f)))
                             : fmt::format("surrogate {}\n", function_text(f, module, graphs));
  for (const Network& n : module.networks) {
    out += fmt::format("network {}(input = {})\n", n.name, n.input_dim);
    for (std::size_t i = 0; i < n.hidden.size(); ++i) out += layer_text(n.hidden[i], module, graphs, i + 1);
    out += layer_text(n.readout, module, graphs, n.hidden.size() + 1);
  }
  return out;
}

std::string dump_graph(const Module& module, const FunctionGraphs& graphs) {
  std::string out;
  for (const FunctionDef& f : module.activations) out += graph_text("activation " + f.name, f, graphs);
  for (const FunctionDef& f : module.surrogates) out += graph_text("surrogate " + f.name, f, graphs);
  for (const Network& n : module.networks) {
    for (std::size_t i = 0; i < n.hidden.size(); ++i) {
      const Layer& layer = n.hidden[i];
      out += graph_text(fmt::format("network {} layer {} activation", n.name, i + 1), *layer.activation, graphs);
      if (layer.surrogate)
        out += graph_text(fmt::format("network {} layer {} surrogate", n.name, i + 1), *layer.surrogate, graphs);
    }
  }
  return out;
}

}  // namespace sgntk::sema
