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
  const std::size_t eq = set.find('=');
  if (eq == std::string::npos || eq == 0) {
    diags.error(fmt::format("--set expects NAME=VALUE, got '{}'", set));
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
    diags.error(fmt::format("--set {}: number out of range: '{}'", out.name, value));
    return std::nullopt;
  }
  if (ec != std::errc() || ptr != last || !plain) {
    diags.error(fmt::format("--set {}: '{}' is not a number (write a number, inf or -inf)", out.name, value));
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::unique_ptr<LoadedSpec> load_spec(const std::string& path, const std::vector<std::string>& sets, Diagnostics& diags) {
  std::string error;
  std::optional<SourceFile> file = load_source(path, error);
  if (!file) {
    diags.error(fmt::format("cannot read '{}': {}", path, error));
    return nullptr;
  }
  return load_spec_text(path, file->text(), sets, diags);
}

std::unique_ptr<LoadedSpec> load_spec_text(const std::string& path, std::string text,
                                           const std::vector<std::string>& sets, Diagnostics& diags) {
  if (text.size() > max_spec_bytes) {
    diags.error(fmt::format("'{}' is too large for a spec ({} bytes; the limit is {})", path, text.size(), max_spec_bytes));
    return nullptr;
  }
  std::vector<sema::ParamOverride> overrides;
  bool sets_ok = true;
  for (const std::string& set : sets) {
    if (auto o = parse_set(set, diags)) overrides.push_back(std::move(*o));
    else sets_ok = false;
  }
  auto loaded = std::make_unique<LoadedSpec>();
  loaded->source = std::make_unique<SourceFile>(path, std::move(text));
  // On failure the diagnostics point into the source, so they keep it alive.
  auto fail = [&]() -> std::unique_ptr<LoadedSpec> {
    diags.retain(std::shared_ptr<const SourceFile>(std::move(loaded->source)));
    return nullptr;
  };
  const std::optional<ast::Spec> spec = parse::parse_spec(*loaded->source, diags);
  if (!spec) return fail();
  std::optional<sema::Module> module = sema::build_graph(*spec, *loaded->source, overrides, diags);
  if (!module || !sets_ok) return fail();
  loaded->module = std::move(*module);
  return loaded;
}

}  // namespace sgntk
