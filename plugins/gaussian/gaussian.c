/* Gaussian bump: g(x) = scale * N(x; mu, sigma^2) = scale exp(-(x - mu)^2 / (2 sigma^2)) / (sigma sqrt(2 pi)).
 * Parameterisation of sinabs Gaussian(mu=0, sigma=0.5, grad_scale=1) (braintools GaussianGrad
 * is the same with scale = alpha = 0.5). Area-normalised (integral = scale = 1). Closed-form
 * Gaussian averages: a Gaussian convolved with a Gaussian. */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"
#include "plugins/common/gauss_math.h"

enum { MU, SIGMA, SCALE };

static const sgntk_param_info params[] = {
    {"mu", "centre", 0.0, -INFINITY, INFINITY, SGNTK_PARAM_LO_OPEN | SGNTK_PARAM_HI_OPEN},
    {"sigma", "standard deviation", 0.5, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
    {"scale", "area: integral of g = scale", 1.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

static int eval(const double *p, const double *x, double *out, size_t n) {
  const double k = p[SCALE] / (p[SIGMA] * SGNTK_SQRT_2PI);
  for (size_t i = 0; i < n; ++i) {
    const double z = (x[i] - p[MU]) / p[SIGMA];
    out[i] = k * exp(-0.5 * z * z);
  }
  return SGNTK_OK;
}

static int gauss_average(const double *p, const double *mean, const double *var, double *out,
                         size_t n) {
  const double s2 = p[SIGMA] * p[SIGMA];
  for (size_t i = 0; i < n; ++i)
    if (!(var[i] >= 0)) return SGNTK_EDOMAIN;
  for (size_t i = 0; i < n; ++i) out[i] = p[SCALE] * sgntk_bump_average(p[MU], s2, mean[i], var[i]);
  return SGNTK_OK;
}

static int gauss_expect2(const double *p, const double *a, const double *b, const double *c,
                         double *out, size_t n) {
  const double s2 = p[SIGMA] * p[SIGMA];
  for (size_t i = 0; i < n; ++i) {
    if (!(a[i] >= 0 && b[i] >= 0)) return SGNTK_EDOMAIN;
    if (sgntk_bump_expect2(p[MU], s2, p[MU], s2, a[i], b[i], c[i]) < 0) return SGNTK_EDOMAIN;
  }
  for (size_t i = 0; i < n; ++i)
    out[i] = p[SCALE] * p[SCALE] * sgntk_bump_expect2(p[MU], s2, p[MU], s2, a[i], b[i], c[i]);
  return SGNTK_OK;
}

static int shape(const double *p, sgntk_shape *s) {
  s->breakpoint_count = 0;
  s->support_lo = -HUGE_VAL;
  s->support_hi = HUGE_VAL;
  s->flags = SGNTK_SHAPE_SMOOTH | (p[MU] == 0 ? SGNTK_SHAPE_EVEN : 0u);
  return SGNTK_OK;
}

static const sgntk_surrogate_descriptor descriptor = {
    .abi = {SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR},
    .struct_size = sizeof(sgntk_surrogate_descriptor),
    .id = "gaussian",
    .version = "1.0.0",
    .description = "Gaussian bump (sinabs Gaussian; braintools GaussianGrad: scale = alpha)",
    .formula = "scale * exp(-(x - mu)^2 / (2 sigma^2)) / (sigma sqrt(2 pi))",
    .normalisation = SGNTK_NORM_AREA,
    .caps = SGNTK_CAP_THREAD_SAFE | SGNTK_CAP_GAUSS_AVERAGE | SGNTK_CAP_GAUSS_EXPECT2 |
            SGNTK_CAP_SHAPE,
    .param_count = sizeof params / sizeof params[0],
    .params = params,
    .eval = eval,
    .gauss_average = gauss_average,
    .gauss_expect2 = gauss_expect2,
    .shape = shape,
};

SGNTK_EXPORT const sgntk_surrogate_descriptor *sgntk_surrogate_descriptor_at(uint32_t index) {
  return index == 0 ? &descriptor : NULL;
}
