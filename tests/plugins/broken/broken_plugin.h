/* Shared body of the deliberately broken test plugins: a correct descriptor (a unit boxcar on
 * (-1, 1) with one parameter), which each broken_<name>.c spoils in exactly one way through
 * the macros below before including this file. */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"

#ifndef BROKEN_ID
#error "define BROKEN_ID"
#endif
#ifndef BROKEN_MAJOR
#define BROKEN_MAJOR SGNTK_ABI_MAJOR
#endif
#ifndef BROKEN_SIZE
#define BROKEN_SIZE sizeof(sgntk_surrogate_descriptor)
#endif
#ifndef BROKEN_EVAL
#define BROKEN_EVAL eval
#endif

static const sgntk_param_info params[] = {
    {"height", "value inside the window", 0.5, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

/* unused in broken_noeval, which leaves it out of its descriptor */
__attribute__((unused)) static int eval(const double *p, const double *x, double *out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = fabs(x[i]) < 1.0 ? p[0] : 0.0;
  return SGNTK_OK;
}

static const sgntk_surrogate_descriptor descriptor = {
    .abi = {BROKEN_MAJOR, SGNTK_ABI_MINOR},
    .struct_size = BROKEN_SIZE,
    .id = BROKEN_ID,
    .version = "0.0.1",
    .description = "a test plugin broken on purpose",
    .formula = "height if |x| < 1 else 0",
    .normalisation = SGNTK_NORM_AREA,
    .caps = SGNTK_CAP_THREAD_SAFE,
    .param_count = 1,
    .params = params,
    .eval = BROKEN_EVAL,
};

#ifndef BROKEN_NO_ENTRY
SGNTK_EXPORT const sgntk_surrogate_descriptor *sgntk_surrogate_descriptor_at(uint32_t index) {
  return index == 0 ? &descriptor : NULL;
}
#else
/* Exports something, but not the entry point: a library that is not an sgntk plugin. */
SGNTK_EXPORT const sgntk_surrogate_descriptor *some_other_symbol(void) { return &descriptor; }
#endif
