// Diagnostics are collected as values and rendered once, in GCC/Clang form with a caret line:
//
//   specs/examples/mlp.sgntk:7:16: error: unknown activation 'rleu'
//       7 |   dense(width = 512, act = rleu)
//         |                            ^~~~
//   specs/examples/mlp.sgntk:7:16: note: did you mean 'relu'?
//
// Messages are lowercase, without a final period, with user names in single quotes.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/source_file.h"

namespace sgntk {

enum class Severity { error, warning, note };

// A byte range [begin, end) in one source file; `file == nullptr` means "no position".
struct SourceRange {
  const SourceFile* file = nullptr;
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct Diagnostic {
  Severity severity = Severity::error;
  SourceRange where;
  std::string message;
};

class Diagnostics {
 public:
  static constexpr std::size_t max_errors = 20;

  void error(SourceRange where, std::string message);
  void warning(SourceRange where, std::string message);
  void note(SourceRange where, std::string message);
  // An error with no source position, e.g. about a command-line option or a data file.
  void error(std::string message) { error(SourceRange{}, std::move(message)); }

  bool has_errors() const { return error_count_ > 0; }
  std::size_t error_count() const { return error_count_; }
  const std::vector<Diagnostic>& all() const { return list_; }

  // Renders every diagnostic in order, e.g. to std::cerr.
  std::string render() const;

  // Keeps `file` alive as long as these diagnostics: for a source whose owner is gone (a spec
  // that failed to load) while diagnostics still point into it.
  void retain(std::shared_ptr<const SourceFile> file) { retained_.push_back(std::move(file)); }

 private:
  void add(Severity severity, SourceRange where, std::string message);
  std::vector<Diagnostic> list_;
  std::size_t error_count_ = 0;
  bool capped_ = false;
  std::vector<std::shared_ptr<const SourceFile>> retained_;
};

std::string render(const Diagnostic& d);

// Edit distance used for "did you mean" notes; returns "" when nothing is close enough.
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace sgntk
