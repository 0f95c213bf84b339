// Errors the runtime reports to the user (bad data, a function that cannot be evaluated).
// The CLI turns them into "sgntk: error: ..." and exit code 1. Internal bugs use other types.
#pragma once
#include <stdexcept>
#include <string>

namespace sgntk::runtime {

// Bad input data: unreadable, ragged, NaN, wrong dimension, unwritable output.
struct DataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A function (expression or plugin) failed or returned NaN/inf where a number was needed.
struct EvalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A job stopped on request (KernelOptions::cancelled); nothing is returned.
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace sgntk::runtime
