#include "cli/rank_steps.h"

#include <algorithm>
#include <csignal>
#include <exception>
#include <iostream>
#include <sstream>

#include "cli/exit_codes.h"
#include "cli/experiment/interrupt.h"
#include "cli/failure_report.h"
#include "cli/held_stderr.h"
#include "runtime/errors.h"
#include "runtime/mpi/collectives.h"
#include "runtime/mpi/world.h"

namespace sgntk::cli {
namespace {

bool is_stop(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const runtime::Cancelled&) {
    return true;
  } catch (const experiment::Interrupted&) {
    return true;
  } catch (...) {
    return false;
  }
}

bool is_std_exception(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception&) {
    return true;
  } catch (...) {
    return false;
  }
}

// The exit code a failure will have, without reporting it.
int exit_code_of(const std::exception_ptr& error) {
  if (is_stop(error)) {
    const int signal = experiment::interrupt_signal();
    return 128 + (signal != 0 ? signal : SIGINT);
  }
  if (!is_std_exception(error)) return exit_internal;
  std::ostringstream ignored;
  return report_failure(error, ignored);
}

void report(const std::exception_ptr& error) {
  if (!error) return;  // the step returned its code after printing its diagnostics
  if (is_stop(error)) std::rethrow_exception(error);
  if (is_std_exception(error))
    report_failure(error, std::cerr);
  else
    std::cerr << "sgntk: internal error: an exception of unknown type\n";
}

int agree(bool run_here, const std::function<int()>& step) {
  const mpi::World& world = mpi::world();
  if (world.size == 1) return run_here ? step() : 0;
  int code = 0;
  std::exception_ptr error;
  HeldStderr held(!world.root());
  if (run_here) {
    try {
      code = step();
    } catch (...) {
      error = std::current_exception();
      code = exit_code_of(error);
    }
  }
  const std::string diagnostics = held.release();
  const std::vector<int> codes = mpi::all_gather(code);
  const auto failed = std::find_if(codes.begin(), codes.end(), [](int c) { return c != 0; });
  if (failed == codes.end()) return 0;
  if (failed - codes.begin() == world.rank) {
    std::cerr << diagnostics;
    report(error);
  }
  return *failed;
}

}  // namespace

int on_every_rank(const std::function<int()>& step) { return agree(true, step); }

int on_root(const std::function<int()>& step) { return agree(mpi::world().root(), step); }

}  // namespace sgntk::cli
