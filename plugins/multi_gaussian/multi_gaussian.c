/* Multi-Gaussian (Yin et al. 2021), a bump with two negative side lobes:
 *   g(x) = scale [(1 + h) N(x; 0, sigma^2) - h N(x; sigma, (s sigma)^2) - h N(x; -sigma, (s sigma)^2)].
 * Parameterisation and defaults of braintools MultiGaussianGrad(h=0.15, s=6, sigma=0.5,
 * scale=0.5); sinabs MultiGaussian is the same with scale = grad_scale. Not normalised (raw):
 * integral = scale (1 - h), peak below scale (1 + h) / (sigma sqrt(2 pi)). A sum of Gaussians,
 * so E1 has 3 closed terms and E2 has 9. */
#include <math.h>

#include "plugins/abi/sgntk_plugin.h"
#include "plugins/common/shapes.h"
#include "plugins/common/gauss_math.h"

enum { H, S, SIGMA, SCALE };

static const sgntk_param_info params[] = {
    {"h", "weight of each negative lobe", 0.15, 0.0, INFINITY, 0},
    {"s", "width of the lobes relative to sigma", 6.0, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
    {"sigma", "width of the central bump; centre of the lobes", 0.5, 0.0, INFINITY,
     SGNTK_PARAM_LO_OPEN},
    {"scale", "overall factor", 0.5, 0.0, INFINITY, SGNTK_PARAM_LO_OPEN},
};

/* The three Gaussians: weights, centres, variances. */
static void terms(const double *p, double w[3], double mu[3], double v[3]) {
  const double sig = p[SIGMA], lobe = p[S] * p[SIGMA];
  w[0] = 1.0 + p[H], mu[0] = 0.0, v[0] = sig * sig;
  w[1] = -p[H], mu[1] = sig, v[1] = lobe * lobe;
  w[2] = -p[H], mu[2] = -sig, v[2] = lobe * lobe;
}

static int eval(const double *p, const double *x, double *out, size_t n) {
  double w[3], mu[3], v[3];
  terms(p, w, mu, v);
  for (size_t i = 0; i < n; ++i) {
    double sum = 0.0;
    for (int k = 0; k < 3; ++k) {
      const double d = x[i] - mu[k];
      sum += w[k] * exp(-0.5 * d * d / v[k]) / sqrt(2.0 * SGNTK_PI * v[k]);
    }
    out[i] = p[SCALE] * sum;
  }
  return SGNTK_OK;
}

static int gauss_average(const double *p, const double *mean, const double *var, double *out,
                         size_t n) {
  double w[3], mu[3], v[3];
  terms(p, w, mu, v);
  for (size_t i = 0; i < n; ++i)
    if (!(var[i] >= 0)) return SGNTK_EDOMAIN;
  for (size_t i = 0; i < n; ++i) {
    double sum = 0.0;
    for (int k = 0; k < 3; ++k) sum += w[k] * sgntk_bump_average(mu[k], v[k], mean[i], var[i]);
    out[i] = p[SCALE] * sum;
  }
  return SGNTK_OK;
}

static int gauss_expect2(const double *p, const double *a, const double *b, const double *c,
                         double *out, size_t n) {
  double w[3], mu[3], v[3];
  terms(p, w, mu, v);
  for (size_t i = 0; i < n; ++i) {
    if (!(a[i] >= 0 && b[i] >= 0)) return SGNTK_EDOMAIN;
    /* The narrowest pair has the smallest determinant: if it is positive, all are. */
    if (sgntk_bump_expect2(0.0, fmin(v[0], v[1]), 0.0, fmin(v[0], v[1]), a[i], b[i], c[i]) < 0)
      return SGNTK_EDOMAIN;
  }
  for (size_t i = 0; i < n; ++i) {
    double sum = 0.0;
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k)
        sum += w[j] * w[k] * sgntk_bump_expect2(mu[j], v[j], mu[k], v[k], a[i], b[i], c[i]);
    out[i] = p[SCALE] * p[SCALE] * sum;
  }
  return SGNTK_OK;
}

static const sgntk_surrogate_descriptor descriptor = {
    .abi = {SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR},
    .struct_size = sizeof(sgntk_surrogate_descriptor),
    .id = "multi_gaussian",
    .version = "1.0.0",
    .description = "multi-Gaussian with negative side lobes (braintools MultiGaussianGrad, sinabs MultiGaussian)",
    .formula = "scale * ((1 + h) N(x; 0, sigma^2) - h N(x; sigma, (s sigma)^2) - h N(x; -sigma, (s sigma)^2))",
    .normalisation = SGNTK_NORM_RAW,
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
