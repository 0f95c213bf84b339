/* Small, careful Gaussian helpers shared by the built-in plugins (C99, header only, static).
 * Not part of the ABI: third-party plugins need only abi/sgntk_plugin.h. */
#ifndef SGNTK_PLUGINS_GAUSS_MATH_H
#define SGNTK_PLUGINS_GAUSS_MATH_H

#include <math.h>

#define SGNTK_SQRT1_2 0.70710678118654752440   /* 1/sqrt(2) */
#define SGNTK_SQRT_2PI 2.50662827463100050242  /* sqrt(2 pi) */
#define SGNTK_1_SQRTPI 0.56418958354775628695  /* 1/sqrt(pi) */
#define SGNTK_PI 3.14159265358979323846

/* Standard normal density. */
static inline double sgntk_phi(double z) { return exp(-0.5 * z * z) / SGNTK_SQRT_2PI; }

/* P(lo < Z < hi) for Z ~ N(0, 1), lo <= hi. Differences are taken on the side where the two
 * tail values are small (erfc of positive arguments), so a narrow or far interval keeps its
 * relative accuracy instead of cancelling 1 - 1. */
static inline double sgntk_normal_mass(double lo, double hi) {
  if (lo >= 0) return 0.5 * (erfc(lo * SGNTK_SQRT1_2) - erfc(hi * SGNTK_SQRT1_2));
  if (hi <= 0) return 0.5 * (erfc(-hi * SGNTK_SQRT1_2) - erfc(-lo * SGNTK_SQRT1_2));
  return 0.5 * (erf(hi * SGNTK_SQRT1_2) - erf(lo * SGNTK_SQRT1_2));
}

/* phi(p) - phi(q) without cancelling when p and q are close: the larger density is factored
 * out, phi(p) - phi(q) = -phi(p) expm1((p - q)(p + q) / 2) for |p| <= |q| (and symmetrically),
 * so expm1 sees a non-positive argument and never overflows against an underflowed phi. */
static inline double sgntk_phi_diff(double p, double q) {
  if (fabs(p) <= fabs(q)) return -sgntk_phi(p) * expm1(0.5 * (p - q) * (p + q));
  return sgntk_phi(q) * expm1(0.5 * (q - p) * (q + p));
}

/* erfcx(z) = exp(z^2) erfc(z) for z >= 0. z^2 is split exactly (fma) so that exp() sees no
 * rounding of the square; beyond z = 26 erfc underflows towards subnormals and the asymptotic
 * series 1/(z sqrt(pi)) sum_k (-1)^k (2k-1)!! / (2 z^2)^k takes over (terms shrink by
 * (2k-1)/(2 z^2) < 1/13, so 14 terms reach full precision). */
static inline double sgntk_erfcx(double z) {
  if (z < 26.0) {
    const double hi = z * z;
    const double lo = fma(z, z, -hi);
    return exp(hi) * (1.0 + lo) * erfc(z);
  }
  const double r = 1.0 / (2.0 * z * z);
  double term = 1.0, sum = 1.0;
  for (int k = 1; k <= 14; ++k) {
    term *= -(2.0 * k - 1.0) * r;
    sum += term;
  }
  return sum * SGNTK_1_SQRTPI / z;
}

/* E[N(V; mu, s2)] for V ~ N(m, v): the density of N(mu, s2 + v) at m. */
static inline double sgntk_bump_average(double mu, double s2, double m, double v) {
  const double t = s2 + v;
  const double d = m - mu;
  return exp(-0.5 * d * d / t) / sqrt(2.0 * SGNTK_PI * t);
}

/* E[N(u; mu1, s1) N(v; mu2, s2)] for (u, v) ~ N(0, [[a, c], [c, b]]): the bivariate normal
 * density of N(0, [[a + s1, c], [c, b + s2]]) at (mu1, mu2). The determinant is expanded so
 * that a b - c^2, which vanishes on the kernel diagonal, is formed once with an fma. Returns a
 * negative value when the covariance is not positive definite. */
static inline double sgntk_bump_expect2(double mu1, double s1, double mu2, double s2,
                                        double a, double b, double c) {
  const double gram = fma(a, b, -c * c);
  const double det = gram + s1 * b + s2 * a + s1 * s2;
  if (!(det > 0)) return -1.0;
  const double p = a + s1, q = b + s2;
  /* d^T [[p, c], [c, q]]^{-1} d = (q mu1^2 - 2 c mu1 mu2 + p mu2^2) / det */
  const double quad = (q * mu1 * mu1 - 2.0 * c * mu1 * mu2 + p * mu2 * mu2) / det;
  return exp(-0.5 * quad) / (2.0 * SGNTK_PI * sqrt(det));
}

#endif /* SGNTK_PLUGINS_GAUSS_MATH_H */
