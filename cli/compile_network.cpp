#include "cli/compile_network.h"

#include <iostream>

#include "compiler/lower/plugin_refs.h"

namespace sgntk::cli {

std::optional<CompiledNetwork> compile_network(const std::string& spec_path, const std::vector<std::string>& sets,
                                               const std::string& network, const lower::LowerOptions& options,
                                               const runtime::BindOptions& bind_options) {
  Diagnostics diags;
  CompiledNetwork out;
  out.spec = load_spec(spec_path, sets, diags);
  std::optional<runtime::KernelProgram> program;
  if (out.spec) program = lower_and_bind(out.spec->module, network, options, bind_options, diags);
  std::cerr << diags.render();
  if (!program) return std::nullopt;
  out.program = std::move(*program);
  return out;
}

std::optional<runtime::KernelProgram> lower_and_bind(const sema::Module& module, const std::string& network,
                                                    const lower::LowerOptions& options,
                                                    const runtime::BindOptions& bind_options, Diagnostics& diags) {
  const auto data = lower::lower(module, network, options, diags);
  if (!data) return std::nullopt;
  runtime::BindResult bound = runtime::bind(*data, bind_options);
  lower::report_bind_problems(module, *data, bound.problems, diags);
  return std::move(bound.program);
}

bool has_matrix_extension(const std::string& path) {
  auto ends_with = [&](const std::string& ext) {
    return path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  };
  return ends_with(".csv") || ends_with(".npy");
}

}  // namespace sgntk::cli
