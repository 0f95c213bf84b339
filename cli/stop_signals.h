// SIGINT and SIGTERM for the commands that compute for long (kernel, train, empirical, predict,
// run): while the command runs, the signals only set the flag of cli/experiment/interrupt.h; the
// command's loops poll it (a kernel before every tile, training after every step) and unwind
// with runtime::Cancelled, which removes every temporary and leaves older results as they were.
// Then sgntk dies of the signal, as it would have without the handler (the shell sees 130 or 143).
#pragma once
#include <functional>

namespace sgntk::cli {

// Runs `command` under the handler and returns its exit code; after a signal (a Cancelled
// thrown, or a signal that came while the command finished) raises it again with the previous
// handler, or returns 128 + signal when that handler ignores it.
int run_stoppable(const std::function<int()>& command);

// What the command polls: whether SIGINT or SIGTERM came (for KernelOptions::cancelled, ...).
bool stop_requested();

}  // namespace sgntk::cli
