#include "compiler/lower/pass_order.h"

#include <array>
#include <fmt/format.h>

#include <stdexcept>

#include "compiler/graph/print.h"
#include "compiler/lower/plugin_refs.h"
#include "compiler/passes/differentiate.h"
#include "compiler/passes/emit_bytecode.h"
#include "compiler/passes/match_gaussian.h"
#include "compiler/passes/simplify.h"
#include "runtime/program/text_format.h"

namespace sgntk::lower {
namespace {

using graph::Expr;
using passes::Operand;

// ---- the passes --------------------------------------------------------------------------------

// A d/dx written in the spec is the derivative of its simplified operand (so that erf(inf*x) is
// sign(x) before it is differentiated), simplified: what simplify, differentiate and
// simplify-derivative do to phi below, applied innermost first.
bool expand_derivatives(PassContext& c, LayerState& s) {
  auto derive = [&](Expr operand) {
    return passes::simplify(c.g, passes::differentiate(c.g, passes::simplify(c.g, operand)));
  };
  s.activation = passes::expand_derivatives(c.g, s.activation, derive);
  if (s.surrogate) s.surrogate = passes::expand_derivatives(c.g, s.surrogate, derive);
  return true;
}

bool simplify(PassContext& c, LayerState& s) {
  s.activation = passes::simplify(c.g, s.activation);
  if (s.surrogate) s.surrogate = passes::simplify(c.g, s.surrogate);
  return true;
}

bool differentiate(PassContext& c, LayerState& s) {
  s.derivative = passes::differentiate(c.g, s.activation);
  return true;
}

bool simplify_derivative(PassContext& c, LayerState& s) {
  s.derivative = passes::simplify(c.g, s.derivative);
  return true;
}

// Where messages about the layer's activation (or surrogate) point: its definition, else the layer.
SourceRange where_of(const sema::FunctionDef& f, const sema::Layer& layer) { return f.where.file ? f.where : layer.where; }

// The surrogate as the second operand of E[phi' g]; std::nullopt after an error.
std::optional<Operand> surrogate_operand(PassContext& c, LayerState& s) {
  const sema::FunctionDef& def = *s.layer->surrogate;
  if (!def.is_expression()) {
    for (std::size_t i = 0; i < c.plugins.size(); ++i)
      if (c.plugins[i].name == def.name) {
        const program::PluginCall call{i};
        s.program.surrogate = program::Function{call};
        return Operand{nullptr, call};
      }
    throw std::logic_error("lower: surrogate '" + def.name + "' is missing from the plugin references");
  }
  if (s.surrogate->has_delta) {
    c.diags.error(where_of(def, *s.layer),
                  fmt::format("surrogate '{}' = {} contains a delta: a surrogate derivative must be a function",
                              def.name, graph::to_spec(s.surrogate)));
    return std::nullopt;
  }
  return Operand{s.surrogate, std::nullopt};
}

// Also plans quadrature where no closed form matches (match_gaussian hands those pairs to
// passes::plan_quadrature).
bool match_gaussian(PassContext& c, LayerState& s) {
  const sema::FunctionDef& act = *s.layer->activation;
  if (s.activation->has_delta) {
    c.diags.error(where_of(act, *s.layer), fmt::format("activation '{}' = {} contains a delta: it is not a function",
                                                       act.name, graph::to_spec(s.activation)));
    return false;
  }
  Operand surrogate{s.derivative, std::nullopt};
  if (s.layer->surrogate) {
    auto planned = surrogate_operand(c, s);
    if (!planned) return false;
    surrogate = *planned;
  }
  passes::MatchOptions match;
  match.tolerance = c.options.tolerance;
  match.closed_forms = c.options.closed_forms;
  const Operand phi{s.activation, std::nullopt}, dphi{s.derivative, std::nullopt};
  try {
    s.program.nngp = passes::match_gaussian(c.g, phi, phi, match);
    s.program.ntk = passes::match_gaussian(c.g, dphi, dphi, match);
    s.program.sgntk = passes::match_gaussian(c.g, dphi, surrogate, match);
  } catch (const passes::MatchError& e) {
    c.diags.error(where_of(act, *s.layer), e.what());
    return false;
  }
  return true;
}

bool emit(PassContext&, LayerState& s) {
  s.program.activation = passes::emit_bytecode(s.activation);
  // phi' as a function for finite networks; none when it holds a delta (sign' = 2 delta): then
  // back-propagation needs a surrogate, and the runtime says so instead of using the a.e. 0.
  if (!s.derivative->has_delta) s.program.derivative = passes::emit_bytecode(s.derivative);
  if (s.surrogate) s.program.surrogate = program::Function{passes::emit_bytecode(s.surrogate)};
  return true;
}

// ---- what each pass leaves, for the dumps --------------------------------------------------------

std::string graphs_text(const LayerState& s) {
  auto one = [&](const char* what, Expr e) {
    return fmt::format("{} {}: {}\n", s.title, what, graph::to_spec(e)) + graph::node_list(e);
  };
  std::string out = one("activation", s.activation);
  if (s.derivative) out += one("derivative", s.derivative);
  if (s.surrogate) {
    out += one("surrogate", s.surrogate);
  } else if (s.layer && s.layer->surrogate) {
    const auto& plugin = std::get<sema::PluginSurrogate>(s.layer->surrogate->body);
    out += fmt::format("{} surrogate: {}\n", s.title, sema::plugin_text(plugin));
  }
  return out;
}

std::string dump_graphs(const PassContext&, const LayerState& s) { return graphs_text(s); }

// The lines of the layer's program text (runtime/program/text_format.h) from the first line
// that starts with `from` up to the first that starts with `to` (or the layer's end), under the
// layer's title: the program's own text form, so that the dumps read like the program they build.
std::string program_lines(const PassContext& c, const LayerState& s, std::string_view from, std::string_view to) {
  program::KernelProgram one;
  one.network = s.network->name;
  one.plugins = c.plugins;
  one.hidden.push_back(s.program);
  const std::string text = program::write_program(one);
  std::string out = s.title + "\n";
  bool inside = false;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line(text.data() + start, end - start);
    const std::string_view trimmed = line.substr(std::min(line.find_first_not_of(' '), line.size()));
    if (trimmed.starts_with(from)) inside = true;
    if (trimmed.starts_with(to) || trimmed == "end") inside = false;
    if (inside) out += std::string(line) + "\n";
    start = end + 1;
  }
  return out;
}

std::string dump_expectations(const PassContext& c, const LayerState& s) { return program_lines(c, s, "nngp ", "end"); }
std::string dump_code(const PassContext& c, const LayerState& s) { return program_lines(c, s, "activation ", "nngp "); }

// ---- the order ---------------------------------------------------------------------------------

constexpr std::array<Pass, 6> passes_in_order{{
    {"expand-derivatives", expand_derivatives, dump_graphs},
    {"simplify", simplify, dump_graphs},
    {"differentiate", differentiate, dump_graphs},
    {"simplify-derivative", simplify_derivative, dump_graphs},
    {"match-gaussian", match_gaussian, dump_expectations},
    {"emit", emit, dump_code},
}};

constexpr std::size_t index_of(std::string_view name) {
  std::size_t i = 0;
  while (i < passes_in_order.size() && passes_in_order[i].name != name) ++i;
  return i;
}
// The passes up to simplify-derivative only rewrite graphs: they report no error. A function's own graph is final after simplify; the later two make the derivative.
constexpr std::size_t last_graph_pass = index_of("simplify-derivative");
constexpr std::size_t last_function_pass = index_of("simplify");
static_assert(last_function_pass < last_graph_pass && last_graph_pass < passes_in_order.size());

}  // namespace

std::span<const Pass> pass_order() { return passes_in_order; }

std::optional<std::size_t> find_pass(std::string_view name) {
  const std::size_t i = index_of(name);
  if (i == passes_in_order.size()) return std::nullopt;
  return i;
}

std::string pass_names() {
  std::string out;
  for (const Pass& p : passes_in_order) out += (out.empty() ? "" : ", ") + std::string(p.name);
  return out;
}

std::optional<LayerState> start_layer(const sema::Network& network, std::size_t index, Diagnostics& diags) {
  const sema::Layer& layer = network.hidden.at(index);
  const sema::FunctionDef& act = *layer.activation;
  if (!act.is_expression()) {
    diags.error(where_of(act, layer), fmt::format("activation '{}' must be an expression, not a plugin", act.name));
    return std::nullopt;
  }
  LayerState s;
  s.title = fmt::format("network {} layer {}", network.name, index + 1);
  s.network = &network;
  s.layer = &layer;
  s.activation = act.expr();
  if (layer.surrogate && layer.surrogate->is_expression()) s.surrogate = layer.surrogate->expr();
  s.program.name = fmt::format("dense {}", index + 1);
  s.program.width = layer.width;
  s.program.sigma_w = layer.sigma_w;
  s.program.sigma_b = layer.sigma_b;
  return s;
}

bool run_passes(PassContext& context, LayerState& layer, std::size_t last, const AfterPass& after) {
  for (std::size_t i = 0; i <= last && i < passes_in_order.size(); ++i) {
    const Pass& pass = passes_in_order[i];
    if (!pass.run(context, layer)) return false;
    if (after) after(pass, layer);
  }
  return true;
}

std::vector<std::string> dump_passes(const sema::Module& module, std::size_t last, const LowerOptions& options,
                                     Diagnostics& diags) {
  std::vector<std::string> out(last + 1);
  const std::vector<program::PluginRef> plugins = plugin_refs(module);
  PassContext context{*module.context, plugins, options, diags};
  for (const sema::Network& network : module.networks) {
    for (std::size_t i = 0; i < network.hidden.size(); ++i) {
      std::optional<LayerState> layer = start_layer(network, i, diags);
      if (!layer) continue;
      std::size_t pass = 0;
      run_passes(context, *layer, last,
                 [&](const Pass& p, const LayerState& state) { out[pass++] += p.dump(context, state); });
    }
  }
  return out;
}

std::string dump_sema_graphs(const sema::Module& module, Diagnostics& diags) {
  std::string out;
  for (const sema::Network& network : module.networks)
    for (std::size_t i = 0; i < network.hidden.size(); ++i)
      if (std::optional<LayerState> layer = start_layer(network, i, diags)) out += graphs_text(*layer);
  return out;
}

sema::FunctionGraphs run_graph_passes(const sema::Module& module) {
  Diagnostics unused;  // the graph passes report nothing
  const std::vector<program::PluginRef> no_plugins{};
  const LowerOptions options{};
  PassContext context{*module.context, no_plugins, options, unused};
  sema::FunctionGraphs out;
  // A function outside a layer goes through the same passes as a layer's activation would.
  auto lone = [&](const sema::FunctionDef& f) {
    if (!f.is_expression()) return;
    LayerState s;
    s.activation = f.expr();
    run_passes(context, s, last_function_pass);
    out.body[&f] = s.activation;
  };
  for (const sema::FunctionDef& f : module.activations) lone(f);
  for (const sema::FunctionDef& f : module.surrogates) lone(f);
  for (const sema::Network& network : module.networks) {
    for (std::size_t i = 0; i < network.hidden.size(); ++i) {
      std::optional<LayerState> s = start_layer(network, i, unused);
      if (!s || !run_passes(context, *s, last_graph_pass)) continue;
      const sema::Layer& layer = network.hidden[i];
      out.body[&*layer.activation] = s->activation;
      out.derivative[&*layer.activation] = s->derivative;
      if (s->surrogate) out.body[&*layer.surrogate] = s->surrogate;
    }
  }
  return out;
}

}  // namespace sgntk::lower
