#include "cli/failure_report.h"

#include <new>

#include "cli/exit_codes.h"
#include "runtime/errors.h"

namespace sgntk::cli {

int report_failure(const std::exception_ptr& error, std::ostream& out) {
  try {
    std::rethrow_exception(error);
  } catch (const runtime::DataError& e) {  // bad data: every command reports it the same way
    out << "sgntk: error: " << e.what() << "\n";
    return exit_input_error;
  } catch (const runtime::EvalError& e) {  // a function (expression or plugin) that failed
    out << "sgntk: error: " << e.what() << "\n";
    return exit_input_error;
  } catch (const std::bad_alloc&) {
    out << "sgntk: error: out of memory\n";
    return exit_input_error;
  } catch (const std::exception& e) {
    out << "sgntk: internal error: " << e.what() << "\n";
    return exit_internal;
  }
}

}  // namespace sgntk::cli
