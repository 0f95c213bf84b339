#include "cli/experiment/interrupt.h"

#include <csignal>

namespace sgntk::experiment {
namespace {
volatile std::sig_atomic_t flag = 0;
extern "C" void on_sigint(int) { flag = 1; }
}  // namespace

InterruptGuard::InterruptGuard() : previous_(std::signal(SIGINT, on_sigint)) {}
InterruptGuard::~InterruptGuard() { std::signal(SIGINT, previous_ == SIG_ERR ? SIG_DFL : previous_); }

bool interrupted() { return flag != 0; }
void throw_if_interrupted() {
  if (flag != 0) throw Interrupted();
}
void request_interrupt() { flag = 1; }
void clear_interrupt() { flag = 0; }

}  // namespace sgntk::experiment
