#include "cli/compile_network.h"

#include <iostream>

#include "cli/jobs/jobs.h"

namespace sgntk::cli {

std::optional<CompiledNetwork> compile_network(const std::string& spec_path, const CommonOptions& common) {
  Diagnostics diags;
  CompiledNetwork out;
  out.spec = experiment::load_experiment(spec_path, common.sets, diags);
  lower::LowerOptions options;
  options.tolerance = common.tolerance;
  std::optional<runtime::KernelProgram> program;
  if (out.spec)
    program = jobs::lower_and_bind(out.spec->spec->module, common.network, options, {common.plugin_paths}, diags);
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
