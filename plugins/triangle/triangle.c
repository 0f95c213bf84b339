/* Triangle / piecewise linear (Esser et al. 2016, Bellec et al. 2018):
 *   g(x) = scale * max(0, 1 - |x| / width) / width,
 * a tent of half-width `width`. Parameterisation of SpikingJelly PiecewiseQuadratic(alpha=1)
 * with width = 1 / alpha (its primitive is the quadratic). Norse "triangle" and braintools
 * ReluGrad are the same tent at other heights. Area-normalised (integral = scale = 1), peak
 * scale / width. Closed-form Gaussian average (the tent integrated against a
 * Gaussian: normal masses and density differences at the three corners). */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"
#include "plugins/common/gauss_math.h"

enum { WIDTH, SCALE };

static const sgntk_param_info params[] = {
    {"width", "half-width of the support [-width, width]", 1.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
    {"scale", "area: integral of g = scale", 1.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

static double tent(const double *p, double x) {
  const double w = p[WIDTH];
  const double t = 1.0 - fabs(x) / w;
  return t > 0 ? p[SCALE] * t / w : 0.0;
}

static int eval(const double *p, const double *x, double *out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = tent(p, x[i]);
  return SGNTK_OK;
}

/* E[g(V)], V ~ N(m, s^2), integrated piecewise over [-w, 0] and [0, w] with
 *   int_A^B p = P(zA < Z < zB),  int_A^B x p = m P - s (phi(zB) - phi(zA)),  z = (x - m) / s:
 *   w E = (1 + m/w) P_left - (s/w)(phi(z0) - phi(z-)) + (1 - m/w) P_right + (s/w)(phi(z+) - phi(z0)). */
static int gauss_average(const double *p, const double *mean, const double *var, double *out,
                         size_t n) {
  const double w = p[WIDTH];
  for (size_t i = 0; i < n; ++i)
    if (!(var[i] >= 0)) return SGNTK_EDOMAIN;
  for (size_t i = 0; i < n; ++i) {
    const double m = mean[i];
    if (var[i] == 0) {
      out[i] = tent(p, m);
      continue;
    }
    const double s = sqrt(var[i]);
    const double zl = (-w - m) / s, z0 = -m / s, zr = (w - m) / s;
    const double left = (1.0 + m / w) * sgntk_normal_mass(zl, z0) - (s / w) * sgntk_phi_diff(z0, zl);
    const double right = (1.0 - m / w) * sgntk_normal_mass(z0, zr) + (s / w) * sgntk_phi_diff(zr, z0);
    out[i] = p[SCALE] * (left + right) / w;
  }
  return SGNTK_OK;
}

static int shape(const double *p, sgntk_shape *s) {
  const double w = p[WIDTH];
  s->breakpoints[0] = -w;
  s->breakpoints[1] = 0.0;
  s->breakpoints[2] = w;
  s->breakpoint_count = 3;
  s->support_lo = -w;
  s->support_hi = w;
  s->flags = SGNTK_SHAPE_EVEN;
  return SGNTK_OK;
}

static const sgntk_surrogate_descriptor descriptor = {
    .abi = {SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR},
    .struct_size = sizeof(sgntk_surrogate_descriptor),
    .id = "triangle",
    .version = "1.0.0",
    .description = "triangle / piecewise linear (SpikingJelly PiecewiseQuadratic: width = 1/alpha)",
    .formula = "scale * max(0, 1 - |x| / width) / width",
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
