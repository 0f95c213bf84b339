// What a job needs from Python while it runs without the GIL: Ctrl-C and the progress callback.
// On the main thread a SIGINT handler that only sets a flag (the one of `sgntk run`) replaces
// Python's for the job's duration; every progress report of the runtime (the kernel: between
// chunks of tiles, about 100 per kernel; training: every 64 steps of a network) checks it and
// cancels the job by throwing through the runtime, which then raises KeyboardInterrupt; the
// kernel also polls it before every tile (KernelOptions::cancelled). The
// callback is called with the GIL, at most ten times a second, with the fraction done (0..1);
// an exception it raises cancels the job the same way and is re-raised.
#pragma once
#include <nanobind/nanobind.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

#include "cli/experiment/interrupt.h"
#include "runtime/errors.h"

namespace sgntk::python {

namespace nb = nanobind;

class JobHooks {
 public:
  explicit JobHooks(nb::object callback);  // GIL held
  ~JobHooks();                             // GIL held
  JobHooks(const JobHooks&) = delete;
  JobHooks& operator=(const JobHooks&) = delete;

  // From any thread, without the GIL. Throws Cancelled after Ctrl-C or a failed callback.
  void report(double fraction);
  // From any thread: whether the job should stop (Ctrl-C or a failed callback), for the
  // runtime's per-tile cancellation point.
  bool cancel_requested() const { return cancelled_ || (guard_ && experiment::interrupted()); }

  // Runs job() without the GIL; re-raises a cancellation as KeyboardInterrupt or as the callback's
  // exception, and raises KeyboardInterrupt for a Ctrl-C the job did not check.
  template <class Job>
  auto run(Job&& job) -> decltype(job()) {
    std::optional<decltype(job())> result;
    {
      nb::gil_scoped_release release;
      try {
        result.emplace(job());
      } catch (const Cancelled&) {
      } catch (const runtime::Cancelled&) {
      }
    }
    raise_if_cancelled();
    return std::move(*result);
  }

 private:
  struct Cancelled {};
  void raise_if_cancelled();

  nb::object callback_;
  std::unique_ptr<experiment::InterruptGuard> guard_;  // main thread only
  std::atomic<bool> cancelled_{false};
  std::optional<nb::python_error> callback_error_;
  std::mutex calling_;
  std::chrono::steady_clock::time_point last_call_{};
};

}  // namespace sgntk::python
