// bind: a program (plain data, runtime/program/program.h) -> its executable form
// (bound_program.h). Builds the register machines of the bytecode and the closed 1-D averages,
// loads and checks the plugins the program references (bind_plugins.h), and completes what the
// compiler left to the plugins: their shapes, their E1 hooks, and which side of a conditional
// quadrature goes inside.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "runtime/bound_program.h"
#include "runtime/program/program.h"

namespace sgntk::runtime {

struct BindOptions {
  std::vector<std::string> plugin_paths;  // --plugin-path entries, searched first
};

struct BindResult {
  std::optional<KernelProgram> program;          // none when a problem is an error
  std::vector<program::BindProblem> problems;    // in the order the front end reports them
};

BindResult bind(const program::KernelProgram& program, const BindOptions& options = {});

}  // namespace sgntk::runtime
