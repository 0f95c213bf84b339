#include "runtime/single_threaded_blas.h"

#include <mutex>

#ifdef SGNTK_HAVE_OPENBLAS
extern "C" void openblas_set_num_threads(int);  // cblas.h of OpenBLAS, not on the include path
#endif

namespace sgntk::runtime {

void use_single_threaded_blas() {
#ifdef SGNTK_HAVE_OPENBLAS
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
#endif
}

}  // namespace sgntk::runtime
