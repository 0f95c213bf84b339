// The front end in one call: read a spec, parse it, apply --set overrides and build the
// checked module. What every CLI command and test uses to get from a path to a sema::Module.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "compiler/sema/module.h"
#include "compiler/source/diagnostics.h"

namespace sgntk {

inline constexpr std::size_t max_spec_bytes = 16u << 20;  // 16 MiB: no sane spec comes close

struct LoadedSpec {
  std::unique_ptr<SourceFile> source;  // owns the text every SourceRange of `module` points into
  sema::Module module;
};

// nullptr when any error was reported to diags. `sets` are the raw --set strings "m=20";
// VALUE is a number or inf/-inf.
std::unique_ptr<LoadedSpec> load_spec(const std::string& path, const std::vector<std::string>& sets, Diagnostics& diags);
std::unique_ptr<LoadedSpec> load_spec_text(const std::string& path, std::string text,
                                           const std::vector<std::string>& sets, Diagnostics& diags);

}  // namespace sgntk
