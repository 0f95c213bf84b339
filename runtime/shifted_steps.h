// Shifted steps in closed form: E[erf_e1(u - s1) erf_e2(v - s2)] with erf_e(x) = erf(x / sqrt(2 e))
// (e = 0: sign), for heaviside(x - 0.3), sign(x - theta) or a steep erf(k (x - theta)).
//
// erf_e(u - s) = E_xi[sign(u - sqrt(e) xi - s)] with xi ~ N(0, 1) independent, so the expectation
// is E[sign(U - s1) sign(V - s2)] for (U, V) ~ N(0, [[a + e1, c], [c, b + e2]]): with the
// standardised thresholds h = s1 / sqrt(a + e1), k = s2 / sqrt(b + e2) and rho its correlation,
//   E = erf(h / sqrt 2) erf(k / sqrt 2) + (2 / pi) int_0^{asin rho} exp(-(h^2 - 2 h k sin t + k^2) / (2 cos^2 t)) dt
// (the derivative of the bivariate normal distribution in rho is its density). Drezner and
// Wesolowsky's route, in Genz's double-precision form: the integral by 20-point Gauss-Legendre
// for |rho| < 0.925, vectorised over the entries; nearer |rho| = 1 an expansion in
// sqrt(1 - rho^2) with a Gauss-Legendre remainder, entry by entry. Both are accurate to about
// 1e-15 absolute.
#pragma once
#include <cstddef>

namespace sgntk::runtime {

// out[i] = E[sign(U - s1) sign(V - s2)] with U, V of variances a[i] + e1, b[i] + e2, covariance
// c[i], and r[i] = sqrt((a[i] + e1)(b[i] + e2) - c[i]^2) formed stably by the caller.
void shifted_sign_sign(const double* a, const double* b, const double* c, const double* r, double e1, double e2,
                       double s1, double s2, double* out, std::size_t n);

// The same for one entry, by the route for |rho| near 1 where it applies (for tests).
double shifted_sign_sign(double a, double b, double c, double r, double e1, double e2, double s1, double s2);

}  // namespace sgntk::runtime
