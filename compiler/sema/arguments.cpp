#include "compiler/sema/arguments.h"

#include <fmt/format.h>

#include "compiler/sema/expression_builder.h"

namespace sgntk::sema {

std::optional<std::size_t> ArgumentMatcher::accept(const std::string& key, SourceRange where) {
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    if (parameters_[i].name != key) continue;
    if (given_[i]) {
      diags_.error(where, fmt::format("duplicate argument '{}'", key));
      diags_.note(*given_[i], "previous value is here");
      ok_ = false;
      return std::nullopt;
    }
    given_[i] = where;
    return i;
  }
  diags_.error(where, fmt::format("unknown argument '{}' for '{}'", key, owner_));
  std::vector<std::string> names;
  for (const Parameter& p : parameters_) names.push_back(p.name);
  note_did_you_mean(diags_, where, key, names);
  ok_ = false;
  return std::nullopt;
}

bool ArgumentMatcher::check_required(const std::string& who, SourceRange call) {
  bool complete = true;
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    if (!parameters_[i].required || given_[i]) continue;
    diags_.error(call, fmt::format("{} needs the argument '{}'{}", who, parameters_[i].name, parameters_[i].missing_hint));
    complete = false;
  }
  return complete;
}

bool ArgumentMatcher::given(const std::string& name) const {
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    if (parameters_[i].name == name) return given_[i].has_value();
  return false;
}

void note_did_you_mean(Diagnostics& diags, SourceRange where, const std::string& name,
                       const std::vector<std::string>& candidates) {
  if (const std::string close = did_you_mean(name, candidates); !close.empty())
    diags.note(where, fmt::format("did you mean '{}'?", close));
}

}  // namespace sgntk::sema
