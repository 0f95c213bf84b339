// sgntk.run(): the experiment runner of `sgntk run` (cli/experiment) on a spec's data and task
// statements, without the GIL. Returns the output folder (the Python side reads its manifest).
#pragma once
#include <nanobind/nanobind.h>

#include "cli/experiment/run.h"

namespace sgntk::python {

// Raises SpecError / DataError with the run's diagnostics, KeyboardInterrupt after Ctrl-C (the
// runner's own SIGINT flag; finished tasks are kept), or the progress callback's exception.
std::string run_spec(const experiment::RunOptions& options, nanobind::object progress);

}  // namespace sgntk::python
