// The front end in one call: read a spec, parse it, apply --set overrides and build the
// checked module. What every CLI command and test uses to get from a path to a sema::Module.
// A spec is parsed once (ParsedSpec) and built as often as needed: `sgntk run` builds it again
// at every sweep point with numeric overrides, never going back through text.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/parse/ast.h"
#include "compiler/sema/build_graph.h"
#include "compiler/sema/module.h"
#include "compiler/source/diagnostics.h"

namespace sgntk {

inline constexpr std::size_t max_spec_bytes = 16u << 20;  // 16 MiB: no sane spec comes close

struct ParsedSpec {
  std::shared_ptr<const SourceFile> source;  // every SourceRange of the AST points into it
  ast::Spec ast;
};

struct LoadedSpec {
  std::shared_ptr<const SourceFile> source;  // owns the text every SourceRange of `module` points into
  sema::Module module;
};

// nullptr when the file cannot be read, is too large or does not parse (reported to diags).
std::unique_ptr<ParsedSpec> parse_spec_file(const std::string& path, Diagnostics& diags);
std::unique_ptr<ParsedSpec> parse_spec_text(const std::string& path, std::string text, Diagnostics& diags);

// One raw --set string "m=20" as an override; std::nullopt with `error` set ("m: 'abc' is not a
// number ...", without the "--set") when it is malformed. The CLI checks --set with it while
// parsing its command line, so that a malformed one is a usage error.
std::optional<sema::ParamOverride> parse_param_override(const std::string& set, std::string& error);

// The raw --set strings "m=20" as numeric overrides, in order (the last one of a name wins).
// VALUE is a number or inf/-inf; a malformed one is reported and left out (`ok` turns false).
std::vector<sema::ParamOverride> parse_sets(const std::vector<std::string>& sets, Diagnostics& diags, bool& ok);

// The module of a parsed spec with `overrides` set; nullptr when any error was reported.
// `check_more` checks the statements sema leaves to its user (build_graph.h).
std::unique_ptr<LoadedSpec> build_spec(const ParsedSpec& parsed, const std::vector<sema::ParamOverride>& overrides,
                                       Diagnostics& diags, const sema::StatementChecker& check_more = {});

// All of the above: nullptr when any error was reported to diags.
std::unique_ptr<LoadedSpec> load_spec(const std::string& path, const std::vector<std::string>& sets, Diagnostics& diags,
                                      const sema::StatementChecker& check_more = {});
std::unique_ptr<LoadedSpec> load_spec_text(const std::string& path, std::string text,
                                           const std::vector<std::string>& sets, Diagnostics& diags,
                                           const sema::StatementChecker& check_more = {});

}  // namespace sgntk
