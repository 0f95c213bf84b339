/* Straight-through estimator: g(x) = scale, the identity's derivative (snnTorch
 * straight_through_estimator, SpikingJelly DeterministicPass). Peak-normalised (g = scale = 1
 * everywhere; the area is infinite). Its Gaussian averages are trivial: E[g(V)] = scale and
 * E[g(u) g(v)] = scale^2. */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"
#include "plugins/common/shapes.h"

enum { SCALE };

static const sgntk_param_info params[] = {
    {"scale", "the constant value of g", 1.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

static int eval(const double *p, const double *x, double *out, size_t n) {
  (void)x;
  for (size_t i = 0; i < n; ++i) out[i] = p[SCALE];
  return SGNTK_OK;
}

static int gauss_average(const double *p, const double *mean, const double *var, double *out,
                         size_t n) {
  (void)mean;
  for (size_t i = 0; i < n; ++i)
    if (!(var[i] >= 0)) return SGNTK_EDOMAIN;
  for (size_t i = 0; i < n; ++i) out[i] = p[SCALE];
  return SGNTK_OK;
}

static int gauss_expect2(const double *p, const double *a, const double *b, const double *c,
                         double *out, size_t n) {
  (void)c;
  for (size_t i = 0; i < n; ++i)
    if (!(a[i] >= 0 && b[i] >= 0)) return SGNTK_EDOMAIN;
  for (size_t i = 0; i < n; ++i) out[i] = p[SCALE] * p[SCALE];
  return SGNTK_OK;
}

static const sgntk_surrogate_descriptor descriptor = {
    .abi = {SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR},
    .struct_size = sizeof(sgntk_surrogate_descriptor),
    .id = "straight_through",
    .version = "1.0.0",
    .description = "straight-through estimator, identity gradient (snnTorch straight_through_estimator)",
    .formula = "scale",
    .normalisation = SGNTK_NORM_PEAK,
    .caps = SGNTK_CAP_THREAD_SAFE | SGNTK_CAP_GAUSS_AVERAGE | SGNTK_CAP_GAUSS_EXPECT2 |
            SGNTK_CAP_SHAPE,
    .param_count = sizeof params / sizeof params[0],
    .params = params,
    .eval = eval,
    .gauss_average = gauss_average,
    .gauss_expect2 = gauss_expect2,
    .shape = sgntk_shape_smooth_even,
};

SGNTK_EXPORT const sgntk_surrogate_descriptor *sgntk_surrogate_descriptor_at(uint32_t index) {
  return index == 0 ? &descriptor : NULL;
}
