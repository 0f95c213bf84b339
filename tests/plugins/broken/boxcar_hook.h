/* Shared body of the test plugins with a closed-form E[g(V)] hook: a boxcar g = height on
 * (-1, 1) whose hook is the exact average times HOOK_FACTOR (1 unless defined), and which
 * answers SGNTK_EUNSUPPORTED for heights above HOOK_MAX_HEIGHT (none unless defined). Each
 * <name>.c sets HOOK_ID and HOOK_DESCRIPTION and includes this file. */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"

#ifndef HOOK_FACTOR
#define HOOK_FACTOR 1.0
#endif
#ifndef HOOK_MAX_HEIGHT
#define HOOK_MAX_HEIGHT INFINITY
#endif

static const sgntk_param_info params[] = {
    {"height", "value inside the window", 0.5, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

static int eval(const double *p, const double *x, double *out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = fabs(x[i]) < 1.0 ? p[0] : 0.0;
  return SGNTK_OK;
}

static int gauss_average(const double *p, const double *mean, const double *var, double *out, size_t n) {
  if (p[0] > HOOK_MAX_HEIGHT) return SGNTK_EUNSUPPORTED;
  for (size_t i = 0; i < n; ++i) {
    if (!(var[i] >= 0)) return SGNTK_EDOMAIN;
    if (var[i] == 0) {
      eval(p, &mean[i], &out[i], 1);
    } else {
      const double s = sqrt(2.0 * var[i]);
      out[i] = p[0] * 0.5 * (erf((1.0 - mean[i]) / s) - erf((-1.0 - mean[i]) / s));
    }
    out[i] *= HOOK_FACTOR;
  }
  return SGNTK_OK;
}

static const sgntk_surrogate_descriptor descriptor = {
    .abi = {SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR},
    .struct_size = sizeof(sgntk_surrogate_descriptor),
    .id = HOOK_ID,
    .version = "1.0.0",
    .description = HOOK_DESCRIPTION,
    .formula = "height if |x| < 1 else 0",
    .normalisation = SGNTK_NORM_RAW,
    .caps = SGNTK_CAP_THREAD_SAFE | SGNTK_CAP_GAUSS_AVERAGE,
    .param_count = 1,
    .params = params,
    .eval = eval,
    .gauss_average = gauss_average,
};

SGNTK_EXPORT const sgntk_surrogate_descriptor *sgntk_surrogate_descriptor_at(uint32_t index) {
  return index == 0 ? &descriptor : NULL;
}
