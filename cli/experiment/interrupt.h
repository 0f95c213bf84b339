// Ctrl-C during `sgntk run` (and `sgntk kernel`, the Python package's jobs): the SIGINT handler
// only sets a flag; the runner checks it between steps (training every few dozen steps, a kernel
// before every tile) and unwinds with Interrupted, removing its temporaries on the way out.
#pragma once
#include <csignal>
#include <stdexcept>
#include <utility>
#include <vector>

namespace sgntk::experiment {

struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

// Installs the handler on `signals` for its lifetime and restores the previous ones after.
// SIGINT alone unless told: `sgntk kernel` also catches SIGTERM, to remove its output's
// temporary before it dies of the signal.
class InterruptGuard {
 public:
  explicit InterruptGuard(std::vector<int> signals = {SIGINT});
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  std::vector<std::pair<int, void (*)(int)>> previous_;
};

bool interrupted();
int interrupt_signal();       // the signal that set the flag (SIGINT after request_interrupt()), else 0
void throw_if_interrupted();  // throws Interrupted after a SIGINT
void request_interrupt();     // what the handler does (for tests)
void clear_interrupt();

}  // namespace sgntk::experiment
