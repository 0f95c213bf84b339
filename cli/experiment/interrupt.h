// Ctrl-C during `sgntk run`: the SIGINT handler only sets a flag; the runner checks it between
// steps (and training checks it every few dozen steps) and unwinds with Interrupted, removing
// its temporaries on the way out.
#pragma once
#include <stdexcept>

namespace sgntk::experiment {

struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

// Installs the handler for its lifetime and restores the previous one after.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  void (*previous_)(int);
};

bool interrupted();
void throw_if_interrupted();  // throws Interrupted after a SIGINT
void request_interrupt();     // what the handler does (for tests)
void clear_interrupt();

}  // namespace sgntk::experiment
