/* Laplace / piecewise exponential / SLAYER: g(x) = scale * (alpha / 2) exp(-alpha |x|).
 * Parameterisation of SpikingJelly PiecewiseExp(alpha=1); lava-dl SLAYER's
 * (scale_grad / (2 tau_grad)) exp(-|x| / tau_grad) is alpha = 1 / tau_grad, scale = scale_grad.
 * Area-normalised (integral = scale = 1), peak scale alpha / 2. Closed-form Gaussian average
 * (a Gaussian against a two-sided exponential):
 *   E[exp(-alpha |V|)] = T(m) + T(-m),  T(m) = exp(alpha^2 s^2 / 2 - alpha m) Phi(m/s - alpha s),
 * evaluated through erfcx so that the large exponential and the small tail never meet. */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"
#include "plugins/common/shapes.h"
#include "plugins/common/gauss_math.h"

enum { ALPHA, SCALE };

static const sgntk_param_info params[] = {
    {"alpha", "decay rate: peak = alpha / 2", 1.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
    {"scale", "area: integral of g = scale", 1.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

static int eval(const double *p, const double *x, double *out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = p[SCALE] * 0.5 * p[ALPHA] * exp(-p[ALPHA] * fabs(x[i]));
  return SGNTK_OK;
}

/* T(m) above. With z = (alpha s - m/s) / sqrt 2, Phi(m/s - alpha s) = erfc(z) / 2 and
 * alpha^2 s^2 / 2 - alpha m = z^2 - m^2 / (2 s^2), so for z >= 0, T = exp(-m^2/(2 s^2)) erfcx(z) / 2.
 * For z < 0 the exponent alpha^2 s^2 / 2 - alpha m is below -alpha^2 s^2 / 2 and erfc(z) in (1, 2]:
 * the direct form is safe. */
static double tail(double alpha, double m, double s) {
  const double z = (alpha * s - m / s) * SGNTK_SQRT1_2;
  if (z >= 0) return 0.5 * exp(-0.5 * (m / s) * (m / s)) * sgntk_erfcx(z);
  return 0.5 * exp(0.5 * alpha * alpha * s * s - alpha * m) * erfc(z);
}

static int gauss_average(const double *p, const double *mean, const double *var, double *out,
                         size_t n) {
  const double alpha = p[ALPHA];
  for (size_t i = 0; i < n; ++i)
    if (!(var[i] >= 0)) return SGNTK_EDOMAIN;
  for (size_t i = 0; i < n; ++i) {
    const double m = mean[i];
    if (var[i] == 0) {
      out[i] = p[SCALE] * 0.5 * alpha * exp(-alpha * fabs(m));
      continue;
    }
    const double s = sqrt(var[i]);
    out[i] = p[SCALE] * 0.5 * alpha * (tail(alpha, m, s) + tail(alpha, -m, s));
  }
  return SGNTK_OK;
}

static const sgntk_surrogate_descriptor descriptor = {
    .abi = {SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR},
    .struct_size = sizeof(sgntk_surrogate_descriptor),
    .id = "laplace",
    .version = "1.0.0",
    .description = "Laplace / piecewise exponential / SLAYER (SpikingJelly PiecewiseExp; lava-dl: alpha = 1/tau_grad)",
    .formula = "scale * (alpha / 2) * exp(-alpha |x|)",
    .normalisation = SGNTK_NORM_AREA,
    .caps = SGNTK_CAP_THREAD_SAFE | SGNTK_CAP_GAUSS_AVERAGE | SGNTK_CAP_SHAPE,
    .param_count = sizeof params / sizeof params[0],
    .params = params,
    .eval = eval,
    .gauss_average = gauss_average,
    .shape = sgntk_shape_kink_at_zero,
};

SGNTK_EXPORT const sgntk_surrogate_descriptor *sgntk_surrogate_descriptor_at(uint32_t index) {
  return index == 0 ? &descriptor : NULL;
}
