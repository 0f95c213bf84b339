// How the CLI reports a failure a command let escape: "sgntk: error: ..." (bad data, a function
// that failed, out of memory: exit 1) or "sgntk: internal error: ..." (exit 3). One mapping for
// main and for the steps of a command that runs across MPI ranks (rank_steps.h).
#pragma once
#include <exception>
#include <ostream>

namespace sgntk::cli {

// Writes the report of `error` (a std::exception) to `out` and returns its exit code; rethrows
// anything that is not a std::exception.
int report_failure(const std::exception_ptr& error, std::ostream& out);

}  // namespace sgntk::cli
