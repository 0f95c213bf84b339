#include "compiler/sema/load_spec.h"

#include <charconv>
#include <fmt/format.h>
#include <limits>

#include "compiler/parse/spec_parser.h"
#include "compiler/sema/build_graph.h"

namespace sgntk {
namespace {

// "NAME=VALUE" -> override; reports and returns std::nullopt when malformed.
std::optional<sema::ParamOverride> parse_set(const std::string& set, Diagnostics& diags) {
  std::string error;
  std::optional<sema::ParamOverride> out = parse_param_override(set, error);
  if (!out) diags.error("--set " + error);
  return out;
}

bool too_large(const std::string& path, const std::string& text, Diagnostics& diags) {
  if (text.size() <= max_spec_bytes) return false;
  diags.error(fmt::format("'{}' is too large for a spec ({} bytes; the limit is {})", path, text.size(), max_spec_bytes));
  return true;
}

std::optional<std::string> read_spec(const std::string& path, Diagnostics& diags) {
  std::string error;
  std::optional<SourceFile> file = load_source(path, error);
  if (!file) {
    diags.error(fmt::format("cannot read '{}': {}", path, error));
    return std::nullopt;
  }
  return file->text();
}

}  // namespace

std::optional<sema::ParamOverride> parse_param_override(const std::string& set, std::string& error) {
  const std::size_t eq = set.find('=');
  if (eq == std::string::npos || eq == 0) {
    error = fmt::format("expects NAME=VALUE, got '{}'", set);
    return std::nullopt;
  }
  sema::ParamOverride out{set.substr(0, eq), 0.0};
  const std::string value = set.substr(eq + 1);
  if (value == "inf" || value == "+inf") {
    out.value = std::numeric_limits<double>::infinity();
    return out;
  }
  if (value == "-inf") {
    out.value = -std::numeric_limits<double>::infinity();
    return out;
  }
  const char* first = value.data();
  const char* last = first + value.size();
  const auto [ptr, ec] = std::from_chars(first, last, out.value);
  // from_chars alone would also accept "nan" and "infinity"; only plain numbers get through.
  const bool plain = !value.empty() && value.find_first_not_of("0123456789.eE+-") == std::string::npos;
  if (ec == std::errc::result_out_of_range) {
    error = fmt::format("{}: number out of range: '{}'", out.name, value);
    return std::nullopt;
  }
  if (ec != std::errc() || ptr != last || !plain) {
    error = fmt::format("{}: '{}' is not a number (write a number, inf or -inf)", out.name, value);
    return std::nullopt;
  }
  return out;
}

std::unique_ptr<ParsedSpec> parse_spec_file(const std::string& path, Diagnostics& diags) {
  std::optional<std::string> text = read_spec(path, diags);
  return text ? parse_spec_text(path, std::move(*text), diags) : nullptr;
}

std::unique_ptr<ParsedSpec> parse_spec_text(const std::string& path, std::string text, Diagnostics& diags) {
  if (too_large(path, text, diags)) return nullptr;
  auto parsed = std::make_unique<ParsedSpec>();
  parsed->source = std::make_shared<const SourceFile>(path, std::move(text));
  std::optional<ast::Spec> spec = parse::parse_spec(*parsed->source, diags);
  if (!spec) {
    diags.retain(parsed->source);  // the diagnostics point into the source
    return nullptr;
  }
  parsed->ast = std::move(*spec);
  return parsed;
}

std::vector<sema::ParamOverride> parse_sets(const std::vector<std::string>& sets, Diagnostics& diags, bool& ok) {
  std::vector<sema::ParamOverride> out;
  for (const std::string& set : sets) {
    if (auto o = parse_set(set, diags)) out.push_back(std::move(*o));
    else ok = false;
  }
  return out;
}

std::unique_ptr<LoadedSpec> build_spec(const ParsedSpec& parsed, const std::vector<sema::ParamOverride>& overrides,
                                       Diagnostics& diags, const sema::StatementChecker& check_more) {
  std::optional<sema::Module> module = sema::build_graph(parsed.ast, *parsed.source, overrides, diags, check_more);
  if (!module) {
    diags.retain(parsed.source);
    return nullptr;
  }
  auto loaded = std::make_unique<LoadedSpec>();
  loaded->source = parsed.source;
  loaded->module = std::move(*module);
  return loaded;
}

std::unique_ptr<LoadedSpec> load_spec(const std::string& path, const std::vector<std::string>& sets, Diagnostics& diags,
                                      const sema::StatementChecker& check_more) {
  std::optional<std::string> text = read_spec(path, diags);
  return text ? load_spec_text(path, std::move(*text), sets, diags, check_more) : nullptr;
}

std::unique_ptr<LoadedSpec> load_spec_text(const std::string& path, std::string text,
                                           const std::vector<std::string>& sets, Diagnostics& diags,
                                           const sema::StatementChecker& check_more) {
  if (too_large(path, text, diags)) return nullptr;
  bool sets_ok = true;
  const std::vector<sema::ParamOverride> overrides = parse_sets(sets, diags, sets_ok);
  const std::unique_ptr<ParsedSpec> parsed = parse_spec_text(path, std::move(text), diags);
  if (!parsed) return nullptr;
  std::unique_ptr<LoadedSpec> loaded = build_spec(*parsed, overrides, diags, check_more);
  if (!sets_ok) {
    diags.retain(parsed->source);
    return nullptr;
  }
  return loaded;
}

}  // namespace sgntk
