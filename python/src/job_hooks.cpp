#include "python/src/job_hooks.h"

namespace sgntk::python {
namespace {

bool on_main_thread() {
  // Kept for the process's lifetime: a static nb::object would be released after the
  // interpreter has finalized.
  static const nb::handle threading = nb::module_::import_("threading").release();
  return threading.attr("current_thread")().is(threading.attr("main_thread")());
}

}  // namespace

JobHooks::JobHooks(nb::object callback) : callback_(std::move(callback)) {
  if (callback_.is_none()) callback_ = nb::object();
  // Only the main thread receives SIGINT in Python; a guard per thread would also restore the
  // handlers out of order when two threads run jobs.
  if (on_main_thread()) {
    experiment::clear_interrupt();
    guard_ = std::make_unique<experiment::InterruptGuard>();
  }
}

JobHooks::~JobHooks() {
  guard_.reset();
  callback_error_.reset();
}

void JobHooks::report(double fraction) {
  if (cancelled_) throw Cancelled{};
  if (guard_ && experiment::interrupted()) {
    cancelled_ = true;
    throw Cancelled{};
  }
  if (!callback_.is_valid()) return;
  std::unique_lock lock(calling_, std::try_to_lock);
  if (!lock) return;  // another thread is reporting
  const auto now = std::chrono::steady_clock::now();
  if (fraction < 1.0 && now - last_call_ < std::chrono::milliseconds(100)) return;
  last_call_ = now;
  nb::gil_scoped_acquire gil;
  try {
    callback_(fraction);
  } catch (nb::python_error& e) {
    callback_error_.emplace(std::move(e));
    cancelled_ = true;
    throw Cancelled{};
  }
}

void JobHooks::raise_if_cancelled() {
  if (callback_error_) {
    nb::python_error e = std::move(*callback_error_);
    callback_error_.reset();
    throw e;
  }
  if (guard_ && experiment::interrupted()) {
    experiment::clear_interrupt();
    guard_.reset();
    PyErr_SetNone(PyExc_KeyboardInterrupt);
    throw nb::python_error();
  }
  if (cancelled_) throw std::runtime_error("job cancelled");  // not reached: every cancellation has a cause
}

}  // namespace sgntk::python
