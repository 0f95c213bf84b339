#include "cli/experiment/interrupt.h"

#include <csignal>

namespace sgntk::experiment {
namespace {
volatile std::sig_atomic_t flag = 0;  // the signal received, 0 before
extern "C" void on_signal(int signal) { flag = signal; }
}  // namespace

InterruptGuard::InterruptGuard(std::vector<int> signals) {
  for (int signal : signals) previous_.emplace_back(signal, std::signal(signal, on_signal));
}
InterruptGuard::~InterruptGuard() {
  for (const auto& [signal, previous] : previous_) std::signal(signal, previous == SIG_ERR ? SIG_DFL : previous);
}

bool interrupted() { return flag != 0; }
int interrupt_signal() { return flag; }
void throw_if_interrupted() {
  if (flag != 0) throw Interrupted();
}
void request_interrupt() { flag = SIGINT; }
void clear_interrupt() { flag = 0; }

}  // namespace sgntk::experiment
