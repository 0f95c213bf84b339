// The benchmarks' one way to turn a spec text into a bound kernel program: diagnostics to stderr
// and exit 3 on any error (a benchmark with a broken spec measures nothing).
#pragma once
#include <cstdlib>
#include <fmt/format.h>
#include <optional>
#include <string>

#include "compiler/lower/lower.h"
#include "compiler/sema/load_spec.h"
#include "runtime/bind.h"

namespace sgntk::bench {

inline runtime::KernelProgram compile_spec(const std::string& text) {
  Diagnostics diags;
  auto spec = load_spec_text("bench.sgntk", text, {}, diags);
  std::optional<runtime::KernelProgram> program;
  if (spec)
    if (const auto data = lower::lower(spec->module, "", {}, diags)) program = runtime::bind(*data).program;
  if (!program) {
    fmt::print(stderr, "{}", diags.render());
    std::exit(3);
  }
  return *program;
}

}  // namespace sgntk::bench
