// The compiler's back end, and the only place that fixes the pass order: for each hidden layer
// of the chosen network, differentiate the activation, simplify, match every Gaussian
// expectation against the closed-form table (passes/match_gaussian.h) or plan quadrature, and
// emit a program::KernelProgram: plain data, with plugin surrogates recorded by reference for
// runtime::bind to load. Also emits the bytecode finite-width networks use.
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
