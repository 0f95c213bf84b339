#include "python/src/errors.h"

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include "runtime/errors.h"

namespace nb = nanobind;

namespace sgntk::python {
namespace {

nb::object error_class(const char* name) { return nb::module_::import_("sgntk._errors").attr(name); }

void set_error(const char* name, nb::object instance) {
  PyErr_SetObject(error_class(name).ptr(), instance.ptr());
}

}  // namespace

void throw_diagnostics(const Diagnostics& diags, FailureKind kind) {
  DiagnosticFailure failure;
  failure.kind = kind;
  failure.message = diags.render();
  for (const Diagnostic& d : diags.all()) {
    if (d.severity != Severity::error) continue;
    if (failure.caret.empty()) failure.caret = render(d);
    if (d.where.file) {
      const LineCol at = d.where.file->line_col(d.where.begin);
      failure.file = d.where.file->path();
      failure.line = at.line;
      failure.column = at.column;
      failure.caret = render(d);
      break;
    }
  }
  throw failure;
}

void warn(const std::string& text) {
  if (PyErr_WarnEx(PyExc_RuntimeWarning, text.c_str(), 2) != 0) throw nb::python_error();
}

void warn_diagnostics(const Diagnostics& diags) {
  // A warning and the notes after it form one message.
  std::string text;
  for (const Diagnostic& d : diags.all()) {
    if (d.severity == Severity::warning && !text.empty()) {
      warn(text);
      text.clear();
    }
    if (d.severity == Severity::warning || !text.empty()) text += render(d);
  }
  if (!text.empty()) warn(text);
}

void register_error_translators() {
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const DiagnosticFailure& f) {
      const char* name = f.kind == FailureKind::plugin ? "PluginError" : f.kind == FailureKind::data ? "DataError" : "SpecError";
      nb::object position = f.file.empty() ? nb::none() : nb::cast(f.file);
      nb::object line = f.line ? nb::cast(f.line) : nb::none(), column = f.column ? nb::cast(f.column) : nb::none();
      if (f.kind == FailureKind::data)
        set_error(name, error_class(name)(f.message));
      else
        set_error(name, error_class(name)(f.message, position, line, column, f.caret));
    } catch (const runtime::DataError& e) {
      set_error("DataError", error_class("DataError")(e.what()));
    } catch (const runtime::EvalError& e) {
      set_error("EvalError", error_class("EvalError")(e.what()));
    }
  });
}

}  // namespace sgntk::python
