// The first step of every command that runs a network: load and check the whole spec (with
// --set overrides), lower one network to its kernel program and bind it (load its plugins),
// rendering every diagnostic to stderr.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "cli/common_options.h"
#include "cli/experiment/load_experiment.h"
#include "runtime/bound_program.h"

namespace sgntk::cli {

struct CompiledNetwork {
  std::unique_ptr<experiment::LoadedExperiment> spec;  // owns the source the diagnostics point into
  runtime::KernelProgram program;
  const sema::Module& module() const { return spec->spec->module; }
};

// std::nullopt after an error (the caller exits with code 1); warnings are printed either way.
// Reads common.network, sets, plugin_paths and tolerance.
std::optional<CompiledNetwork> compile_network(const std::string& spec_path, const CommonOptions& common);

// Whether an output path names a matrix format sgntk writes (.csv or .npy).
bool has_matrix_extension(const std::string& path);

}  // namespace sgntk::cli
