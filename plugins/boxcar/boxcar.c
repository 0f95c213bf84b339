/* Boxcar / rectangle / windowed straight-through estimator:
 *   g(x) = scale / width  for |x| < width / 2,  0 otherwise.
 * Parameterisation of SpikingJelly Rect(alpha=1) with width = 1 / alpha. Area-normalised
 * (integral = scale = 1), peak scale / width. Closed-form Gaussian average: the Gaussian mass
 * of the window. */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"
#include "plugins/common/gauss_math.h"

enum { WIDTH, SCALE };

static const sgntk_param_info params[] = {
    {"width", "width of the window (-width/2, width/2)", 1.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
    {"scale", "area: integral of g = scale", 1.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

static double box(const double *p, double x) {
  return fabs(x) < 0.5 * p[WIDTH] ? p[SCALE] / p[WIDTH] : 0.0;
}

static int eval(const double *p, const double *x, double *out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = box(p, x[i]);
  return SGNTK_OK;
}

/* E[g(V)] = (scale / width) P(-width/2 < V < width/2), V ~ N(m, s^2). */
static int gauss_average(const double *p, const double *mean, const double *var, double *out,
                         size_t n) {
  const double h = 0.5 * p[WIDTH];
  for (size_t i = 0; i < n; ++i)
    if (!(var[i] >= 0)) return SGNTK_EDOMAIN;
  for (size_t i = 0; i < n; ++i) {
    if (var[i] == 0) {
      out[i] = box(p, mean[i]);
      continue;
    }
    const double s = sqrt(var[i]);
    out[i] = p[SCALE] / p[WIDTH] * sgntk_normal_mass((-h - mean[i]) / s, (h - mean[i]) / s);
  }
  return SGNTK_OK;
}

static int shape(const double *p, sgntk_shape *s) {
  const double h = 0.5 * p[WIDTH];
  s->breakpoints[0] = -h;
  s->breakpoints[1] = h;
  s->breakpoint_count = 2;
  s->support_lo = -h;
  s->support_hi = h;
  s->flags = SGNTK_SHAPE_EVEN;
  return SGNTK_OK;
}

static const sgntk_surrogate_descriptor descriptor = {
    .abi = {SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR},
    .struct_size = sizeof(sgntk_surrogate_descriptor),
    .id = "boxcar",
    .version = "1.0.0",
    .description = "boxcar / windowed straight-through (SpikingJelly Rect: width = 1/alpha)",
    .formula = "scale / width if |x| < width / 2 else 0",
    .normalisation = SGNTK_NORM_AREA,
    .caps = SGNTK_CAP_THREAD_SAFE | SGNTK_CAP_GAUSS_AVERAGE | SGNTK_CAP_SHAPE,
    .param_count = sizeof params / sizeof params[0],
    .params = params,
    .eval = eval,
    .gauss_average = gauss_average,
    .shape = shape,
};

SGNTK_EXPORT const sgntk_surrogate_descriptor *sgntk_surrogate_descriptor_at(uint32_t index) {
  return index == 0 ? &descriptor : NULL;
}
