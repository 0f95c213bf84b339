/* q-PseudoSpike (Herranz-Celotti & Rouat, arXiv 2202.00282): g(x) = scale * (1 + 2|x| / (alpha - 1))^(-alpha),
 * a tail that decays like |x|^(-alpha). Parameterisation of SpikingJelly QPseudoSpike(alpha=2);
 * braintools' QPseudoSpike divides by alpha + 1 instead and is a different function.
 * Area-normalised and peak-normalised at once (integral = g(0) = scale = 1). No closed-form
 * Gaussian average (heavy tail): the host integrates eval. */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"
#include "plugins/common/shapes.h"

enum { ALPHA, SCALE };

static const sgntk_param_info params[] = {
    {"alpha", "tail exponent (> 1 for a finite area)", 2.0, 1.0, INFINITY, SGNTK_PARAM_LO_OPEN},
    {"scale", "area and peak: integral of g = g(0) = scale", 1.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

static int eval(const double *p, const double *x, double *out, size_t n) {
  const double k = 2.0 / (p[ALPHA] - 1.0);
  for (size_t i = 0; i < n; ++i) out[i] = p[SCALE] * pow(1.0 + k * fabs(x[i]), -p[ALPHA]);
  return SGNTK_OK;
}

static const sgntk_surrogate_descriptor descriptor = {
    .abi = {SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR},
    .struct_size = sizeof(sgntk_surrogate_descriptor),
    .id = "q_pseudo_spike",
    .version = "1.0.0",
    .description = "q-PseudoSpike, heavy-tailed (SpikingJelly QPseudoSpike)",
    .formula = "scale * (1 + 2 |x| / (alpha - 1))^(-alpha)",
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
