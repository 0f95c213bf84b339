#include "python/src/run_spec.h"

#include <optional>

#include "cli/experiment/interrupt.h"
#include "python/src/errors.h"

namespace nb = nanobind;

namespace sgntk::python {

std::string run_spec(const experiment::RunOptions& options, nb::object progress) {
  std::optional<nb::python_error> callback_error;
  experiment::Reporter reporter;
  reporter.warning = [&](const std::string& text) {
    nb::gil_scoped_acquire gil;
    warn(text);
  };
  if (!progress.is_none())
    reporter.progress = [&](double fraction) {
      if (callback_error) return;
      nb::gil_scoped_acquire gil;
      try {
        progress(fraction);
      } catch (nb::python_error& e) {
        callback_error.emplace(std::move(e));
        experiment::request_interrupt();  // the runner unwinds as after Ctrl-C, removing its temporaries
      }
    };
  Diagnostics diags;
  experiment::RunStatus status;
  {
    nb::gil_scoped_release release;
    status = experiment::run_experiment(options, reporter, diags);
  }
  if (callback_error) {
    nb::python_error e = std::move(*callback_error);
    callback_error.reset();
    throw e;
  }
  if (status == experiment::RunStatus::interrupted) {
    PyErr_SetNone(PyExc_KeyboardInterrupt);
    throw nb::python_error();
  }
  if (status == experiment::RunStatus::input_error) {
    // Errors in the spec point into it; the others (data files, evaluation, plotting) do not.
    bool in_spec = false;
    for (const Diagnostic& d : diags.all()) in_spec = in_spec || (d.severity == Severity::error && d.where.file);
    throw_diagnostics(diags, in_spec ? FailureKind::spec : FailureKind::data);
  }
  warn_diagnostics(diags);
  return experiment::output_folder(options);
}

}  // namespace sgntk::python
