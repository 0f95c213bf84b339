// The one checker of named arguments against a signature, for network and layer arguments
// (build_network.cpp) and for data sources and tasks (cli/experiment/) alike: unknown names
// (with a did-you-mean note), duplicates (with a note at the first) and missing required
// arguments, all reported in the same words. What a value must be is the caller's business;
// the matcher says which parameter an argument is.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "compiler/source/diagnostics.h"

namespace sgntk::sema {

// One parameter of a signature.
struct Parameter {
  std::string name;
  bool required = false;
  std::string missing_hint = {};  // appended to "... needs the argument 'NAME'", e.g. " (its activation)"
};

class ArgumentMatcher {
 public:
  // `owner` names the callee in messages ("unknown argument 'x' for 'OWNER'").
  ArgumentMatcher(std::vector<Parameter> parameters, std::string owner, Diagnostics& diags)
      : parameters_(std::move(parameters)), owner_(std::move(owner)), given_(parameters_.size()), diags_(diags) {}

  // The index of the parameter named `key`, written at `where`; std::nullopt after reporting an
  // unknown or a duplicate argument.
  std::optional<std::size_t> accept(const std::string& key, SourceRange where);

  // Reports, at `call`, every required parameter not given: "WHO needs the argument 'NAME'".
  // False when one was missing.
  bool check_required(const std::string& who, SourceRange call);

  bool ok() const { return ok_; }  // no error reported by accept()
  bool given(const std::string& name) const;
  const std::vector<Parameter>& parameters() const { return parameters_; }

 private:
  std::vector<Parameter> parameters_;
  std::string owner_;
  std::vector<std::optional<SourceRange>> given_;
  Diagnostics& diags_;
  bool ok_ = true;
};

// "did you mean 'X'?" as a note at `where`, when some candidate is close to `name`.
void note_did_you_mean(Diagnostics& diags, SourceRange where, const std::string& name,
                       const std::vector<std::string>& candidates);

}  // namespace sgntk::sema
