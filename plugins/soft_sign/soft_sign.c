/* Soft sign (area-normalised fast sigmoid): g(x) = scale * alpha / (2 (1 + alpha |x|)^2), the
 * derivative of (softsign(alpha x) + 1) / 2. Parameterisation of SpikingJelly SoftSign(alpha=2)
 * (braintools SoftSign uses alpha = 1). Area-normalised (integral = scale = 1), peak alpha / 2.
 * No closed-form Gaussian average (rational tail): the host integrates eval. */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"
#include "plugins/common/shapes.h"

enum { ALPHA, SCALE };

static const sgntk_param_info params[] = {
    {"alpha", "sharpness: peak = alpha / 2", 2.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
    {"scale", "area: integral of g = scale", 1.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

static int eval(const double *p, const double *x, double *out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const double d = 1.0 + p[ALPHA] * fabs(x[i]);
    out[i] = p[SCALE] * p[ALPHA] / (2.0 * d * d);
  }
  return SGNTK_OK;
}

static const sgntk_surrogate_descriptor descriptor = {
    .abi = {SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR},
    .struct_size = sizeof(sgntk_surrogate_descriptor),
    .id = "soft_sign",
    .version = "1.0.0",
    .description = "soft sign, area-normalised fast sigmoid (SpikingJelly SoftSign)",
    .formula = "scale * alpha / (2 (1 + alpha |x|)^2)",
    .normalisation = SGNTK_NORM_AREA,
    .caps = SGNTK_CAP_THREAD_SAFE | SGNTK_CAP_SHAPE,
    .param_count = sizeof params / sizeof params[0],
    .params = params,
    .eval = eval,
    .shape = sgntk_shape_kink_at_zero,
};

SGNTK_EXPORT const sgntk_surrogate_descriptor *sgntk_surrogate_descriptor_at(uint32_t index) {
  return index == 0 ? &descriptor : NULL;
}
