/* Fast sigmoid / SuperSpike (Zenke & Ganguli 2018): g(x) = scale / (1 + slope |x|)^2.
 * Parameterisation of snnTorch fast_sigmoid(slope=25), Zenke's SuperSpike (beta) and Norse's
 * super_fn (alpha = slope): slope sets the width. NOT SpikingJelly's SuperSpike, whose alpha
 * scales the height. Peak-normalised (g(0) = scale = 1); the area is 2 scale / slope. No
 * closed-form Gaussian average exists (rational tail): the host integrates eval. */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"
#include "plugins/common/shapes.h"

enum { SLOPE, SCALE };

static const sgntk_param_info params[] = {
    {"slope", "inverse width: g halves at |x| = (sqrt 2 - 1) / slope", 25.0, 0.0, INFINITY,
     SGNTK_PARAM_LO_OPEN},
    {"scale", "height: g(0) = scale", 1.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

static int eval(const double *p, const double *x, double *out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const double d = 1.0 + p[SLOPE] * fabs(x[i]);
    out[i] = p[SCALE] / (d * d);
  }
  return SGNTK_OK;
}

static const sgntk_surrogate_descriptor descriptor = {
    .abi = {SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR},
    .struct_size = sizeof(sgntk_surrogate_descriptor),
    .id = "fast_sigmoid",
    .version = "1.0.0",
    .description = "fast sigmoid / SuperSpike (snnTorch fast_sigmoid, Zenke & Ganguli 2018)",
    .formula = "scale / (1 + slope |x|)^2",
    .normalisation = SGNTK_NORM_PEAK,
    .caps = SGNTK_CAP_THREAD_SAFE | SGNTK_CAP_SHAPE,
    .param_count = sizeof params / sizeof params[0],
    .params = params,
    .eval = eval,
    .shape = sgntk_shape_kink_at_zero,
};

SGNTK_EXPORT const sgntk_surrogate_descriptor *sgntk_surrogate_descriptor_at(uint32_t index) {
  return index == 0 ? &descriptor : NULL;
}
