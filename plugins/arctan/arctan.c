/* ArcTan (Cauchy) surrogate (Fang et al. 2021): g(x) = scale * (alpha / 2) / (1 + (pi alpha x / 2)^2),
 * the derivative of 1/2 + atan(pi alpha x / 2) / pi. Parameterisation of snnTorch atan(alpha=2)
 * (its code, not its docstring) and SpikingJelly ATan(alpha=2). Area-normalised (integral =
 * scale = 1), peak alpha / 2. Its Gaussian average is a Voigt profile that needs the complex
 * Faddeeva function for a non-zero mean; no hook is offered, the host integrates eval (the
 * heavy 1/x^2 tail is split at the shape's breakpoints). */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"

#define PI 3.14159265358979323846

enum { ALPHA, SCALE };

static const sgntk_param_info params[] = {
    {"alpha", "sharpness: peak = alpha / 2, half width at half maximum 2 / (pi alpha)", 2.0, 0.0,
     INFINITY, SGNTK_PARAM_LO_OPEN},
    {"scale", "area: integral of g = scale", 1.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

static int eval(const double *p, const double *x, double *out, size_t n) {
  const double k = 0.5 * PI * p[ALPHA];
  for (size_t i = 0; i < n; ++i) {
    const double z = k * x[i];
    out[i] = p[SCALE] * 0.5 * p[ALPHA] / (1.0 + z * z);
  }
  return SGNTK_OK;
}

/* Breakpoints at +-10 half widths: not kinks, but where the Cauchy tail takes over, so that
 * quadrature panels resolve the peak separately from the tail. */
static int shape(const double *p, sgntk_shape *s) {
  const double hw = 2.0 / (PI * p[ALPHA]);
  s->breakpoints[0] = -10.0 * hw;
  s->breakpoints[1] = 10.0 * hw;
  s->breakpoint_count = 2;
  s->support_lo = -HUGE_VAL;
  s->support_hi = HUGE_VAL;
  s->flags = SGNTK_SHAPE_SMOOTH | SGNTK_SHAPE_EVEN;
  return SGNTK_OK;
}

static const sgntk_surrogate_descriptor descriptor = {
    .abi = {SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR},
    .struct_size = sizeof(sgntk_surrogate_descriptor),
    .id = "arctan",
    .version = "1.0.0",
    .description = "arctan / Cauchy (snnTorch atan, SpikingJelly ATan)",
    .formula = "scale * (alpha / 2) / (1 + (pi alpha x / 2)^2)",
    .normalisation = SGNTK_NORM_AREA,
    .caps = SGNTK_CAP_THREAD_SAFE | SGNTK_CAP_SHAPE,
    .param_count = sizeof params / sizeof params[0],
    .params = params,
    .eval = eval,
    .shape = shape,
};

SGNTK_EXPORT const sgntk_surrogate_descriptor *sgntk_surrogate_descriptor_at(uint32_t index) {
  return index == 0 ? &descriptor : NULL;
}
