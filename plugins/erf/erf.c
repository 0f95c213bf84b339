/* Erf surrogate (erf'): g(x) = scale * (alpha / sqrt(pi)) exp(-alpha^2 x^2), the derivative of
 * erfc(-alpha x) / 2. Parameterisation of SpikingJelly Erf(alpha=2) (braintools ERF: alpha = 1).
 * Area-normalised (integral = scale = 1), peak scale alpha / sqrt(pi). The paper's sign-network
 * surrogate erf'(x) = (2/sqrt(pi)) exp(-x^2) is alpha = 1, scale = 2
 * (jump-consistent for sign). It is the Gaussian N(x; 0, 1 / (2 alpha^2)), so both Gaussian
 * averages are closed (Williams 1997). */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"
#include "plugins/common/shapes.h"
#include "plugins/common/gauss_math.h"

enum { ALPHA, SCALE };

static const sgntk_param_info params[] = {
    {"alpha", "sharpness: g = scale N(x; 0, 1 / (2 alpha^2))", 2.0, 0.0, INFINITY,
     SGNTK_PARAM_LO_OPEN},
    {"scale", "area: integral of g = scale (2 for sign)", 1.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

static int eval(const double *p, const double *x, double *out, size_t n) {
  const double k = p[SCALE] * p[ALPHA] * SGNTK_1_SQRTPI;
  for (size_t i = 0; i < n; ++i) {
    const double z = p[ALPHA] * x[i];
    out[i] = k * exp(-z * z);
  }
  return SGNTK_OK;
}

static int gauss_average(const double *p, const double *mean, const double *var, double *out,
                         size_t n) {
  const double s2 = 0.5 / (p[ALPHA] * p[ALPHA]);
  for (size_t i = 0; i < n; ++i)
    if (!(var[i] >= 0)) return SGNTK_EDOMAIN;
  for (size_t i = 0; i < n; ++i) out[i] = p[SCALE] * sgntk_bump_average(0.0, s2, mean[i], var[i]);
  return SGNTK_OK;
}

static int gauss_expect2(const double *p, const double *a, const double *b, const double *c,
                         double *out, size_t n) {
  const double s2 = 0.5 / (p[ALPHA] * p[ALPHA]);
  for (size_t i = 0; i < n; ++i) {
    if (!(a[i] >= 0 && b[i] >= 0)) return SGNTK_EDOMAIN;
    if (sgntk_bump_expect2(0.0, s2, 0.0, s2, a[i], b[i], c[i]) < 0) return SGNTK_EDOMAIN;
  }
  for (size_t i = 0; i < n; ++i)
    out[i] = p[SCALE] * p[SCALE] * sgntk_bump_expect2(0.0, s2, 0.0, s2, a[i], b[i], c[i]);
  return SGNTK_OK;
}

static const sgntk_surrogate_descriptor descriptor = {
    .abi = {SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR},
    .struct_size = sizeof(sgntk_surrogate_descriptor),
    .id = "erf",
    .version = "1.0.0",
    .description = "erf derivative (SpikingJelly Erf; the paper's erf' is alpha = 1, scale = 2)",
    .formula = "scale * (alpha / sqrt(pi)) * exp(-alpha^2 x^2)",
    .normalisation = SGNTK_NORM_AREA,
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
