// The compiler's back end: picks the network, runs every hidden layer through the passes in the
// order pass_order.h lists (the one place that fixes it: from simplify and differentiate to
// matching the Gaussian expectations and emitting bytecode), and assembles a
// program::KernelProgram: plain data, with plugin surrogates recorded by reference for
// runtime::bind to load, and the bytecode finite-width networks use.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "compiler/sema/module.h"
#include "compiler/source/diagnostics.h"
#include "runtime/program/program.h"

namespace sgntk::lower {

struct LowerOptions {
  double tolerance = 1e-10;               // relative error target of numeric expectations
  bool closed_forms = true;               // false: quadrature only (validation)
};

// Picks the network: `name` if given, else the only network of the module (an error if there
// are several or none). Returns std::nullopt when an error was reported.
std::optional<program::KernelProgram> lower(const sema::Module& module, const std::string& name,
                                            const LowerOptions& options, Diagnostics& diags);

}  // namespace sgntk::lower
