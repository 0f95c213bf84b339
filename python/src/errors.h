// The exceptions and warnings the extension raises in Python. Diagnostics of the front end become
// sgntk.SpecError (or sgntk.PluginError when only binding the plugins failed) carrying the first
// error's file, line, column and caret text; the runtime's DataError and EvalError become
// sgntk.DataError and sgntk.EvalError. The classes live in sgntk/_errors.py.
#pragma once
#include <string>

#include "compiler/source/diagnostics.h"

namespace sgntk::python {

enum class FailureKind { spec, plugin, data };

// Thrown with the diagnostics of a failed load, lowering or run; translated to the Python class of
// `kind` (spec errors without any source position, e.g. an unreadable file, stay SpecError).
struct DiagnosticFailure {
  FailureKind kind;
  std::string message;   // every diagnostic, rendered
  std::string file;      // of the first error with a position ("" when none has one)
  int line = 0, column = 0;
  std::string caret;     // the first error rendered alone: "file:line:col: error: ...", source line, caret
};

[[noreturn]] void throw_diagnostics(const Diagnostics& diags, FailureKind kind);

// warnings.warn(text, RuntimeWarning) for each warning of `diags` (GIL held).
void warn_diagnostics(const Diagnostics& diags);
void warn(const std::string& text);

// Registers the translators of DiagnosticFailure, runtime::DataError and runtime::EvalError.
void register_error_translators();

}  // namespace sgntk::python
