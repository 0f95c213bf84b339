#include "compiler/lower/pass_order.h"

#include <array>
#include <fmt/format.h>

#include "compiler/graph/print.h"
#include "compiler/passes/differentiate.h"
#include "compiler/passes/emit_bytecode.h"
#include "compiler/passes/match_gaussian.h"
#include "compiler/passes/simplify.h"
#include "runtime/expectation.h"

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
    const auto it = c.plugins.find(def.name);
    if (it == c.plugins.end()) return std::nullopt;  // resolve_plugins reported why
    const ResolvedSurrogate& plugin = it->second;
    s.program.surrogate = plugin.eval;
    return Operand{nullptr, passes::ExternalFunction{plugin.eval, plugin.e1, plugin.shape}};
  }
  if (s.surrogate->has_delta) {
    c.diags.error(where_of(def, *s.layer),
                  fmt::format("surrogate '{}' = {} contains a delta: a surrogate derivative must be a function",
                              def.name, graph::to_spec(s.surrogate)));
    return std::nullopt;
  }
  return Operand{s.surrogate, std::nullopt};
}

// Also plans quadrature where no closed form matches (passes::match_gaussian does both).
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
    s.program.has_surrogate = true;
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
  s.activation_code = passes::emit_bytecode(s.activation);
  s.program.activation = s.activation_code;
  // phi' as a function for finite networks; none when it holds a delta (sign' = 2 delta): then
  // back-propagation needs a surrogate, and the runtime says so instead of using the a.e. 0.
  if (!s.derivative->has_delta) {
    s.derivative_code = passes::emit_bytecode(s.derivative);
    s.program.derivative = s.derivative_code;
  }
  if (s.surrogate) {
    s.surrogate_code = passes::emit_bytecode(s.surrogate);
    s.program.surrogate = s.surrogate_code;
  }
  if (!s.program.has_surrogate) s.program.surrogate = s.program.derivative;
  return true;
}

// ---- what each pass leaves, for the dumps --------------------------------------------------------

std::string surrogate_title(const LayerState& s) {
  return fmt::format("{} surrogate: {}\n", s.title, sema::plugin_text(std::get<sema::PluginSurrogate>(s.layer->surrogate->body)));
}

std::string dump_graphs(const LayerState& s) {
  auto one = [&](const char* what, Expr e) {
    return fmt::format("{} {}: {}\n", s.title, what, graph::to_spec(e)) + graph::node_list(e);
  };
  std::string out = one("activation", s.activation);
  if (s.derivative) out += one("derivative", s.derivative);
  if (s.surrogate) out += one("surrogate", s.surrogate);
  else if (s.layer && s.layer->surrogate) out += surrogate_title(s);
  return out;
}

std::string dump_expectations(const LayerState& s) { return s.title + "\n" + expectations_text(s.program); }

std::string dump_code(const LayerState& s) {
  auto one = [&](const char* what, const std::shared_ptr<const runtime::Bytecode>& code) {
    std::string out = fmt::format("{} {}: {}\n", s.title, what, code->text());
    const std::string text = code->disassemble();
    for (std::size_t start = 0; start < text.size();) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      out += "    " + text.substr(start, end - start) + "\n";
      start = end + 1;
    }
    return out;
  };
  std::string out = one("activation", s.activation_code);
  out += s.derivative_code ? one("derivative", s.derivative_code)
                           : fmt::format("{} derivative: none (it holds a delta)\n", s.title);
  if (s.surrogate_code) out += one("surrogate", s.surrogate_code);
  else if (s.layer->surrogate) out += surrogate_title(s);
  return out;
}

// ---- the order ---------------------------------------------------------------------------------

constexpr std::array<Pass, 6> passes_in_order{{
    {"expand-derivatives", expand_derivatives, dump_graphs, false},
    {"simplify", simplify, dump_graphs, false},
    {"differentiate", differentiate, dump_graphs, false},
    {"simplify-derivative", simplify_derivative, dump_graphs, false},
    {"match-gaussian", match_gaussian, dump_expectations, true},
    {"emit", emit, dump_code, true},
}};

constexpr std::size_t index_of(std::string_view name) {
  std::size_t i = 0;
  while (i < passes_in_order.size() && passes_in_order[i].name != name) ++i;
  return i;
}
// The passes up to simplify-derivative only rewrite graphs: they need no plugin and report no
// error. A function's own graph is final after simplify; the later two make the derivative.
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

std::string expectations_text(const runtime::LayerProgram& layer) {
  std::string out;
  auto section = [&](const char* what, const runtime::Expectation& e) {
    out += fmt::format("    {}: E[{} * {}]{}\n", what, e.f_text, e.g_text,
                       e.infinite_on_diagonal ? "  (+inf on the diagonal)" : "");
    const std::string text = runtime::describe(e);
    for (std::size_t start = 0; start < text.size();) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      out += "      " + text.substr(start, end - start) + "\n";
      start = end + 1;
    }
  };
  section("nngp ", layer.nngp);
  section("ntk  ", layer.ntk);
  section("sgntk", layer.sgntk);
  return out;
}

std::vector<std::string> dump_passes(const sema::Module& module, std::size_t last, const LowerOptions& options,
                                     Diagnostics& diags) {
  std::vector<std::string> out(last + 1);
  std::map<std::string, ResolvedSurrogate> plugins;
  bool needs_plugins = false;
  for (std::size_t i = 0; i <= last; ++i) needs_plugins = needs_plugins || passes_in_order[i].needs_plugins;
  if (needs_plugins) plugins = resolve_plugins(module, options.plugin_paths, diags);
  if (diags.has_errors()) return out;
  PassContext context{*module.context, plugins, options, diags};
  for (const sema::Network& network : module.networks) {
    for (std::size_t i = 0; i < network.hidden.size(); ++i) {
      std::optional<LayerState> layer = start_layer(network, i, diags);
      if (!layer) continue;
      std::size_t pass = 0;
      run_passes(context, *layer, last, [&](const Pass& p, const LayerState& state) { out[pass++] += p.dump(state); });
    }
  }
  return out;
}

std::string dump_sema_graphs(const sema::Module& module, Diagnostics& diags) {
  std::string out;
  for (const sema::Network& network : module.networks)
    for (std::size_t i = 0; i < network.hidden.size(); ++i)
      if (std::optional<LayerState> layer = start_layer(network, i, diags)) out += dump_graphs(*layer);
  return out;
}

sema::FunctionGraphs run_graph_passes(const sema::Module& module) {
  Diagnostics unused;  // the graph passes report nothing
  const std::map<std::string, ResolvedSurrogate> no_plugins{};
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
