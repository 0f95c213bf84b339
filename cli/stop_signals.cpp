#include "cli/stop_signals.h"

#include <csignal>

#include "cli/experiment/interrupt.h"
#include "runtime/errors.h"

namespace sgntk::cli {

int run_stoppable(const std::function<int()>& command) {
  int code = 0, signal = 0;
  {
    experiment::InterruptGuard guard({SIGINT, SIGTERM});
    experiment::clear_interrupt();
    try {
      code = command();
    } catch (const runtime::Cancelled&) {
    } catch (const experiment::Interrupted&) {
    }
    signal = experiment::interrupt_signal();
  }
  if (signal != 0) {
    std::raise(signal);
    return 128 + signal;  // the signal was ignored before the guard: the shell's code for it
  }
  return code;
}

bool stop_requested() { return experiment::interrupted(); }

}  // namespace sgntk::cli
