#include "cli/compile_network.h"

#include <iostream>

namespace sgntk::cli {

std::optional<CompiledNetwork> compile_network(const std::string& spec_path, const std::vector<std::string>& sets,
                                               const std::string& network, const lower::LowerOptions& options) {
  Diagnostics diags;
  CompiledNetwork out;
  out.spec = load_spec(spec_path, sets, diags);
  std::optional<runtime::KernelProgram> program;
  if (out.spec) program = lower::lower(out.spec->module, network, options, diags);
  std::cerr << diags.render();
  if (!program) return std::nullopt;
  out.program = std::move(*program);
  return out;
}

bool has_matrix_extension(const std::string& path) {
  auto ends_with = [&](const std::string& ext) {
    return path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  };
  return ends_with(".csv") || ends_with(".npy");
}

}  // namespace sgntk::cli
