// Helper processes run under watch: each is started with posix_spawn (safe in a process that
// already runs TBB or Python threads, where fork without exec is not), reports on its fd 3,
// has its stderr kept, and is killed when it stays silent on fd 3 for too long. The caller
// learns how each one ended: an exit status, a signal, a timeout, or a failed start.
#pragma once
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace sgntk::runtime {

struct ChildRun {
  std::vector<std::string> argv;  // argv[0]: the program's path

  enum class End { exited, signalled, timed_out, not_started };
  End end = End::not_started;
  int code = 0;         // the exit status, or the signal number
  std::string report;   // everything the child wrote on fd 3
  std::string errors;   // the last few KiB it wrote on stderr
  std::string start_error;  // why it could not be started (End::not_started)
};

// Runs every child, at most `parallel` at once, until each has ended. A child that writes
// nothing on fd 3 for `idle_timeout` is killed (SIGKILL) and ends as timed_out. Children get
// the default signal dispositions and an empty signal mask, stdout on /dev/null, and no other
// descriptor of this process.
void run_children(std::vector<ChildRun>& runs, std::chrono::milliseconds idle_timeout, std::size_t parallel);

// "SIGSEGV (signal 11)"
std::string signal_text(int signal);

}  // namespace sgntk::runtime
