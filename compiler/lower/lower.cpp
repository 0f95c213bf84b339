#include "compiler/lower/lower.h"

#include <fmt/format.h>

#include "compiler/graph/print.h"
#include "compiler/passes/emit_bytecode.h"
#include "compiler/lower/resolve_plugins.h"
#include "compiler/passes/differentiate.h"
#include "compiler/passes/match_gaussian.h"
#include "compiler/passes/simplify.h"
#include "runtime/expectation.h"

namespace sgntk::lower {
namespace {

using passes::Operand;

const sema::Network* pick_network(const sema::Module& module, const std::string& name, Diagnostics& diags) {
  if (!name.empty()) {
    if (const sema::Network* n = module.find_network(name)) return n;
    std::vector<std::string> names;
    for (const auto& n : module.networks) names.push_back(n.name);
    const std::string hint = closest_name(name, names);
    diags.error(fmt::format("no network named '{}' in the spec{}", name,
                            hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
    return nullptr;
  }
  if (module.networks.size() == 1) return &module.networks.front();
  if (module.networks.empty()) {
    diags.error("the spec defines no network");
  } else {
    std::string names;
    for (const auto& n : module.networks) names += (names.empty() ? "'" : ", '") + n.name + "'";
    diags.error(fmt::format("the spec defines several networks ({}); choose one with --network", names));
  }
  return nullptr;
}

// Plans the three expectations of one hidden layer and the functions finite networks need.
class LayerLowering {
 public:
  LayerLowering(const sema::Module& module, const std::map<std::string, ResolvedSurrogate>& plugins,
                const LowerOptions& options, Diagnostics& diags)
      : g_(*module.context), plugins_(plugins), options_(options), diags_(diags) {}

  std::optional<runtime::LayerProgram> run(const sema::Layer& layer, int index) {
    runtime::LayerProgram out;
    out.name = fmt::format("dense {}", index + 1);
    out.width = layer.width;
    out.sigma_w = layer.sigma_w;
    out.sigma_b = layer.sigma_b;
    const sema::FunctionDef& act = *layer.activation;
    const SourceRange where = act.where.file ? act.where : layer.where;
    if (!act.is_expression()) {
      diags_.error(where, fmt::format("activation '{}' must be an expression, not a plugin", act.name));
      return std::nullopt;
    }
    const graph::Expr phi = passes::simplify(g_, act.expr());
    if (phi->has_delta) {
      diags_.error(where, fmt::format("activation '{}' = {} contains a delta: it is not a function", act.name,
                                      graph::to_spec(phi)));
      return std::nullopt;
    }
    const graph::Expr dphi = passes::differentiate(g_, phi);
    Operand surrogate{dphi, std::nullopt};
    if (layer.surrogate) {
      auto planned = surrogate_operand(*layer.surrogate, layer);
      if (!planned) return std::nullopt;
      surrogate = planned->first;
      out.surrogate = planned->second;
      out.has_surrogate = true;
    }
    passes::MatchOptions match;
    match.tolerance = options_.tolerance;
    match.closed_forms = options_.closed_forms;
    try {
      out.nngp = passes::match_gaussian(g_, Operand{phi, std::nullopt}, Operand{phi, std::nullopt}, match);
      out.ntk = passes::match_gaussian(g_, Operand{dphi, std::nullopt}, Operand{dphi, std::nullopt}, match);
      out.sgntk = passes::match_gaussian(g_, Operand{dphi, std::nullopt}, surrogate, match);
    } catch (const passes::MatchError& e) {
      diags_.error(where, e.what());
      return std::nullopt;
    }
    out.activation = passes::emit_bytecode(phi);
    // phi' as a function for finite networks; none when it holds a delta (sign' = 2 delta): then
    // back-propagation needs a surrogate, and the runtime says so instead of using the a.e. 0.
    if (!dphi->has_delta) out.derivative = passes::emit_bytecode(dphi);
    if (!out.has_surrogate) out.surrogate = out.derivative;
    return out;
  }

 private:
  // The layer's surrogate as an operand of the expectations, and as a function over arrays.
  std::optional<std::pair<Operand, runtime::ArrayFunctionRef>> surrogate_operand(const sema::FunctionDef& s,
                                                                                 const sema::Layer& layer) {
    if (!s.is_expression()) {
      const auto it = plugins_.find(s.name);
      if (it == plugins_.end()) return std::nullopt;  // resolve_plugins reported why
      const ResolvedSurrogate& plugin = it->second;
      return std::make_pair(Operand{nullptr, passes::ExternalFunction{plugin.eval, plugin.e1, plugin.shape}},
                            plugin.eval);
    }
    const SourceRange where = s.where.file ? s.where : layer.where;
    const graph::Expr g = passes::simplify(g_, s.expr());
    if (g->has_delta) {
      diags_.error(where, fmt::format("surrogate '{}' = {} contains a delta: a surrogate derivative must be a function",
                                      s.name, graph::to_spec(g)));
      return std::nullopt;
    }
    return std::make_pair(Operand{g, std::nullopt}, runtime::ArrayFunctionRef(passes::emit_bytecode(g)));
  }

  graph::GraphContext& g_;
  const std::map<std::string, ResolvedSurrogate>& plugins_;
  const LowerOptions& options_;
  Diagnostics& diags_;
};

}  // namespace

std::optional<runtime::KernelProgram> lower(const sema::Module& module, const std::string& name,
                                            const LowerOptions& options, Diagnostics& diags) {
  const sema::Network* network = pick_network(module, name, diags);
  if (!network) return std::nullopt;
  runtime::KernelProgram program;
  program.network = network->name;
  program.input_dim = network->input_dim;
  program.outputs = network->readout.width;
  program.readout_sigma_w = network->readout.sigma_w;
  program.readout_sigma_b = network->readout.sigma_b;
  const auto plugins = resolve_plugins(module, options.plugin_paths, diags);
  if (diags.has_errors()) return std::nullopt;
  LayerLowering lowering(module, plugins, options, diags);
  for (std::size_t i = 0; i < network->hidden.size(); ++i) {
    auto layer = lowering.run(network->hidden[i], static_cast<int>(i));
    if (!layer) return std::nullopt;
    program.hidden.push_back(std::move(*layer));
  }
  return program;
}

std::string dump_program(const sema::Module& module, const LowerOptions& options, Diagnostics& diags) {
  std::string out;
  for (const sema::Network& network : module.networks) {
    auto program = lower(module, network.name, options, diags);
    if (!program) continue;
    out += fmt::format("network {} (input = {}, outputs = {})\n", program->network, program->input_dim,
                       program->outputs);
    out += fmt::format("  Sigma^1 = {}^2 <x, x'>/{} + {}^2\n",
                       program->hidden.empty() ? program->readout_sigma_w : program->hidden[0].sigma_w,
                       program->input_dim,
                       program->hidden.empty() ? program->readout_sigma_b : program->hidden[0].sigma_b);
    for (const runtime::LayerProgram& layer : program->hidden) {
      out += fmt::format("  {} (width {}, sigma_w {}, sigma_b {})\n", layer.name, layer.width, layer.sigma_w,
                         layer.sigma_b);
      auto section = [&](const char* what, const runtime::Expectation& e) {
        out += fmt::format("    {}: E[{} * {}]{}\n", what, e.f_text, e.g_text,
                           e.infinite_on_diagonal ? "  (+inf on the diagonal)" : "");
        const std::string text = runtime::describe(e);
        std::size_t start = 0;
        while (start < text.size()) {
          std::size_t end = text.find('\n', start);
          if (end == std::string::npos) end = text.size();
          out += "      " + text.substr(start, end - start) + "\n";
          start = end + 1;
        }
      };
      section("nngp ", layer.nngp);
      section("ntk  ", layer.ntk);
      section("sgntk", layer.sgntk);
    }
    out += fmt::format("  readout (outputs {}, sigma_w {}, sigma_b {})\n", program->outputs, program->readout_sigma_w,
                       program->readout_sigma_b);
  }
  return out;
}

}  // namespace sgntk::lower
