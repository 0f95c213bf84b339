/* Not broken: built against a future minor ABI whose descriptor has an extra field appended.
 * The host must accept it and read only the fields it knows. */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"

typedef struct future_descriptor {
  sgntk_surrogate_descriptor v1_0;
  int (*future_hook)(const double *params); /* a field of ABI 1.1 that a 1.0 host ignores */
} future_descriptor;

static const sgntk_param_info params[] = {
    {"height", "value inside the window", 0.5, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

static int eval(const double *p, const double *x, double *out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = fabs(x[i]) < 1.0 ? p[0] : 0.0;
  return SGNTK_OK;
}

static int future_hook(const double *params) { return params[0] > 0 ? SGNTK_OK : SGNTK_EINVAL; }

static const future_descriptor descriptor = {
    .v1_0 = {
        .abi = {SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR + 1},
        .struct_size = sizeof(future_descriptor),
        .id = "newer_minor",
        .version = "2.0.0",
        .description = "a plugin from a newer minor ABI",
        .formula = "height if |x| < 1 else 0",
        .normalisation = SGNTK_NORM_AREA,
        .caps = SGNTK_CAP_THREAD_SAFE,
        .param_count = 1,
        .params = params,
        .eval = eval,
    },
    .future_hook = future_hook,
};

SGNTK_EXPORT const sgntk_surrogate_descriptor *sgntk_surrogate_descriptor_at(uint32_t index) {
  return index == 0 ? &descriptor.v1_0 : NULL;
}
