#include "compiler/lower/lower.h"

#include <fmt/format.h>

#include "compiler/graph/print.h"
#include "compiler/lower/plugin_refs.h"
#include "compiler/passes/differentiate.h"
#include "compiler/passes/emit_bytecode.h"
#include "compiler/passes/match_gaussian.h"
#include "compiler/passes/simplify.h"

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
  LayerLowering(const sema::Module& module, const std::vector<program::PluginRef>& plugins,
                const LowerOptions& options, Diagnostics& diags)
      : g_(*module.context), plugins_(plugins), options_(options), diags_(diags) {}

  std::optional<program::LayerProgram> run(const sema::Layer& layer, int index) {
    program::LayerProgram out;
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
    return out;
  }

 private:
  // The layer's surrogate as an operand of the expectations, and as a function over arrays.
  std::optional<std::pair<Operand, program::Function>> surrogate_operand(const sema::FunctionDef& s,
                                                                         const sema::Layer& layer) {
    if (!s.is_expression()) {
      for (std::size_t i = 0; i < plugins_.size(); ++i)
        if (plugins_[i].name == s.name) {
          const program::PluginCall call{i};
          return std::make_pair(Operand{nullptr, call}, program::Function{call});
        }
      throw std::logic_error("lower: surrogate '" + s.name + "' is missing from the plugin references");
    }
    const SourceRange where = s.where.file ? s.where : layer.where;
    const graph::Expr g = passes::simplify(g_, s.expr());
    if (g->has_delta) {
      diags_.error(where, fmt::format("surrogate '{}' = {} contains a delta: a surrogate derivative must be a function",
                                      s.name, graph::to_spec(g)));
      return std::nullopt;
    }
    return std::make_pair(Operand{g, std::nullopt}, program::Function{passes::emit_bytecode(g)});
  }

  graph::GraphContext& g_;
  const std::vector<program::PluginRef>& plugins_;
  const LowerOptions& options_;
  Diagnostics& diags_;
};

}  // namespace

std::optional<program::KernelProgram> lower(const sema::Module& module, const std::string& name,
                                            const LowerOptions& options, Diagnostics& diags) {
  const sema::Network* network = pick_network(module, name, diags);
  if (!network) return std::nullopt;
  program::KernelProgram program;
  program.network = network->name;
  program.input_dim = network->input_dim;
  program.outputs = network->readout.width;
  program.readout_sigma_w = network->readout.sigma_w;
  program.readout_sigma_b = network->readout.sigma_b;
  program.plugins = plugin_refs(module);
  LayerLowering lowering(module, program.plugins, options, diags);
  for (std::size_t i = 0; i < network->hidden.size(); ++i) {
    auto layer = lowering.run(network->hidden[i], static_cast<int>(i));
    if (!layer) return std::nullopt;
    program.hidden.push_back(std::move(*layer));
  }
  return program;
}

}  // namespace sgntk::lower
