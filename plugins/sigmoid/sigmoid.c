/* Sigmoid derivative: g(x) = scale * slope * s(slope x) (1 - s(slope x)), s the logistic
 * function. Parameterisation of snnTorch sigmoid(slope=25); SpikingJelly and braintools
 * Sigmoid(alpha=4) are slope = 4. Area-normalised (integral of g = scale = 1), peak slope/4.
 * Evaluated as slope t / (1 + t)^2 with t = exp(-slope |x|) <= 1, which never overflows (the
 * naive form gives inf/inf = NaN for large |x|: snnTorch issue #427). No closed-form Gaussian
 * average: the host integrates eval. */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"
#include "plugins/common/shapes.h"

enum { SLOPE, SCALE };

static const sgntk_param_info params[] = {
    {"slope", "steepness of the logistic primitive", 25.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
    {"scale", "area: integral of g = scale", 1.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

static int eval(const double *p, const double *x, double *out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const double t = exp(-p[SLOPE] * fabs(x[i]));
    const double d = 1.0 + t;
    out[i] = p[SCALE] * p[SLOPE] * t / (d * d);
  }
  return SGNTK_OK;
}

static const sgntk_surrogate_descriptor descriptor = {
    .abi = {SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR},
    .struct_size = sizeof(sgntk_surrogate_descriptor),
    .id = "sigmoid",
    .version = "1.0.0",
    .description = "logistic sigmoid derivative (snnTorch sigmoid; SpikingJelly Sigmoid: slope = alpha)",
    .formula = "scale * slope * s(slope x) * (1 - s(slope x)),  s(z) = 1 / (1 + exp(-z))",
    .normalisation = SGNTK_NORM_AREA,
    .caps = SGNTK_CAP_THREAD_SAFE | SGNTK_CAP_SHAPE,
    .param_count = sizeof params / sizeof params[0],
    .params = params,
    .eval = eval,
    .shape = sgntk_shape_smooth_even,
};

SGNTK_EXPORT const sgntk_surrogate_descriptor *sgntk_surrogate_descriptor_at(uint32_t index) {
  return index == 0 ? &descriptor : NULL;
}
