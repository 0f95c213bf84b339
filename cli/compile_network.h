// The first step of every command that runs a network: load the spec (with --set overrides),
// lower one network to its kernel program and bind it (load its plugins), rendering every
// diagnostic to stderr.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/lower/lower.h"
#include "compiler/sema/load_spec.h"
#include "runtime/bind.h"

namespace sgntk::cli {

struct CompiledNetwork {
  std::unique_ptr<LoadedSpec> spec;  // owns the source the program's diagnostics point into
  runtime::KernelProgram program;
};

// std::nullopt after an error (the caller exits with code 1); warnings are printed either way.
std::optional<CompiledNetwork> compile_network(const std::string& spec_path, const std::vector<std::string>& sets,
                                               const std::string& network, const lower::LowerOptions& options,
                                               const runtime::BindOptions& bind_options);

// lower::lower, then runtime::bind, with bind's problems reported at their spec positions.
std::optional<runtime::KernelProgram> lower_and_bind(const sema::Module& module, const std::string& network,
                                                    const lower::LowerOptions& options,
                                                    const runtime::BindOptions& bind_options, Diagnostics& diags);

// Whether an output path names a matrix format sgntk writes (.csv or .npy).
bool has_matrix_extension(const std::string& path);

}  // namespace sgntk::cli
