#include "compiler/sema/module_print.h"

#include <fmt/format.h>
#include <unordered_map>

#include "compiler/graph/print.h"
#include "compiler/passes/differentiate.h"

namespace sgntk::sema {
namespace {

std::string plugin_text(const PluginSurrogate& p) {
  std::string out = fmt::format("plugin(\"{}\"", p.plugin_id);
  for (const auto& [name, value] : p.params) out += fmt::format(", {} = {}", name, value);
  return out + ")";
}

// The function as the summary shows it: its graph, and where it came from.
std::string function_text(const FunctionDef& f, const Module& module) {
  if (!f.is_expression()) return fmt::format("{} = {}", f.name, plugin_text(std::get<PluginSurrogate>(f.body)));
  const std::string body = graph::to_spec(f.expr());
  if (f.builtin) return fmt::format("{}  (built-in '{}')", body, f.name);
  for (const auto* list : {&module.activations, &module.surrogates})
    for (const FunctionDef& def : *list)
      if (def.name == f.name) return fmt::format("{}  ('{}')", body, f.name);
  return body;  // an inline expression
}

std::string layer_text(const Layer& layer, const Module& module, std::size_t index) {
  if (layer.kind == Layer::Kind::readout)
    return fmt::format("  readout(outputs = {}, sigma_w = {}, sigma_b = {})\n", layer.width, layer.sigma_w, layer.sigma_b);
  std::string out = fmt::format("  layer {}: dense(width = {}, sigma_w = {}, sigma_b = {})\n", index, layer.width,
                                layer.sigma_w, layer.sigma_b);
  const FunctionDef& act = *layer.activation;
  out += fmt::format("    activation: {}\n", function_text(act, module));
  const graph::Expr derivative = passes::differentiate(*module.context, act.expr());
  out += fmt::format("    derivative: {}\n", graph::to_spec(derivative));
  out += layer.surrogate ? fmt::format("    surrogate:  {}\n", function_text(*layer.surrogate, module))
                         : "    surrogate:  none (the true derivative)\n";
  return out;
}

// Post-order node list; `numbers` maps node -> its %index, so shared nodes print once.
void list_nodes(graph::Expr e, std::unordered_map<graph::Expr, int>& numbers, std::string& out) {
  if (numbers.count(e) != 0) return;
  for (graph::Expr kid : e->children()) list_nodes(kid, numbers, out);
  const int index = static_cast<int>(numbers.size());
  numbers[e] = index;
  std::string line = fmt::format("    %{} = {}", index, graph::spelling(e->kind));
  if (e->is_const()) line += fmt::format(" {}", e->value);
  if (e->is(graph::Kind::Delta) && e->value != 0) line += fmt::format("[{}]", e->value);
  for (graph::Expr kid : e->children()) line += fmt::format(" %{}", numbers.at(kid));
  out += line + "\n";
}

std::string graph_text(const std::string& title, const FunctionDef& f) {
  if (!f.is_expression()) return fmt::format("{}: {}\n", title, plugin_text(std::get<PluginSurrogate>(f.body)));
  std::string out = fmt::format("{}: {}\n", title, graph::to_spec(f.expr()));
  std::unordered_map<graph::Expr, int> numbers;
  list_nodes(f.expr(), numbers, out);
  return out;
}

}  // namespace

std::string describe_module(const Module& module) {
  std::string out;
  for (const auto& [name, value] : module.params) out += fmt::format("param {} = {}\n", name, value);
  for (const FunctionDef& f : module.activations)
    out += fmt::format("activation {}(x) = {}\n", f.name, graph::to_spec(f.expr()));
  for (const FunctionDef& f : module.surrogates)
    out += f.is_expression() ? fmt::format("surrogate {}(x) = {}\n", f.name, graph::to_spec(f.expr()))
                             : fmt::format("surrogate {}\n", function_text(f, module));
  for (const Network& n : module.networks) {
    out += fmt::format("network {}(input = {})\n", n.name, n.input_dim);
    for (std::size_t i = 0; i < n.hidden.size(); ++i) out += layer_text(n.hidden[i], module, i + 1);
    out += layer_text(n.readout, module, n.hidden.size() + 1);
  }
  return out;
}

std::string dump_graph(const Module& module) {
  std::string out;
  for (const FunctionDef& f : module.activations) out += graph_text("activation " + f.name, f);
  for (const FunctionDef& f : module.surrogates) out += graph_text("surrogate " + f.name, f);
  for (const Network& n : module.networks) {
    for (std::size_t i = 0; i < n.hidden.size(); ++i) {
      const Layer& layer = n.hidden[i];
      out += graph_text(fmt::format("network {} layer {} activation", n.name, i + 1), *layer.activation);
      if (layer.surrogate) out += graph_text(fmt::format("network {} layer {} surrogate", n.name, i + 1), *layer.surrogate);
    }
  }
  return out;
}

}  // namespace sgntk::sema
