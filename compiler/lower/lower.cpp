#include "compiler/lower/lower.h"

#include <fmt/format.h>

#include "compiler/lower/pass_order.h"
#include "compiler/lower/resolve_plugins.h"

namespace sgntk::lower {
namespace {

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
  PassContext context{*module.context, plugins, options, diags};
  for (std::size_t i = 0; i < network->hidden.size(); ++i) {
    std::optional<LayerState> layer = start_layer(*network, i, diags);
    if (!layer || !run_passes(context, *layer, pass_order().size() - 1)) return std::nullopt;
    program.hidden.push_back(std::move(layer->program));
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
      out += expectations_text(layer);
    }
    out += fmt::format("  readout (outputs {}, sigma_w {}, sigma_b {})\n", program->outputs, program->readout_sigma_w,
                       program->readout_sigma_b);
  }
  return out;
}

}  // namespace sgntk::lower
