// Independent references for the planner tests, in long double: the bivariate normal upper
// probability through Owen's T function, and a one-dimensional Gaussian average by Boost's
// adaptive Gauss-Kronrod on pieces the test chooses itself.
#pragma once
#include <boost/math/constants/constants.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/owens_t.hpp>

#include <cmath>
#include <functional>
#include <vector>

namespace sgntk::test {

using Real = long double;

inline Real normal_cdf(Real x) { return boost::math::cdf(boost::math::normal_distribution<Real>(), x); }

// P(X > h, Y > k) for standard normals of correlation rho, given also s = sqrt(1 - rho^2)
// (formed by the caller without cancellation); h, k != 0. Owen (1956):
// Phi2(h, k) = (Phi(h) + Phi(k))/2 - T(h, (k - rho h)/(h s)) - T(k, (h - rho k)/(k s)) - beta,
// and P(X > h, Y > k) = Phi2(-h, -k).
inline Real bivariate_upper(Real h, Real k, Real rho, Real s) {
  h = -h;
  k = -k;
  const Real beta = h * k > 0 ? 0.0L : 0.5L;
  return 0.5L * (normal_cdf(h) + normal_cdf(k)) - boost::math::owens_t(h, (k - rho * h) / (h * s)) -
         boost::math::owens_t(k, (h - rho * k) / (k * s)) - beta;
}

// A bivariate law of (U, V): variances a, b and the gap ab - c^2, given exactly.
struct Law {
  Real a, b, gap;
  Real c() const { return std::sqrt(a * b - gap); }
};

// E[sign(U - t) sign(V - t)] = 1 - 2 P(U > t) - 2 P(V > t) + 4 P(U > t, V > t).
inline Real sign_sign(const Law& law, Real t) {
  const Real sa = std::sqrt(law.a), sb = std::sqrt(law.b);
  const Real rho = law.c() / (sa * sb), s = std::sqrt(law.gap / (law.a * law.b));
  return 1 - 2 * normal_cdf(-t / sa) - 2 * normal_cdf(-t / sb) + 4 * bivariate_upper(t / sa, t / sb, rho, s);
}

// E[erf(k (U - t)) erf(k (V - t))]: erf(k y) = E[sign(y + eta)], eta ~ N(0, 1/(2 k^2)) independent,
// so it is sign_sign of the law with e = 1/(2 k^2) added to both variances.
inline Real erf_erf_shifted(const Law& law, Real k, Real t) {
  const Real e = 1 / (2 * k * k);
  return sign_sign({law.a + e, law.b + e, law.gap + e * (law.a + law.b) + e * e}, t);
}

// E[h(U)], U ~ N(0, var), by adaptive Gauss-Kronrod (61 points) on the pieces between `cuts`
// (ascending, inside [-12 sd, 12 sd]), each further cut to at most sd / 4 wide.
inline Real gauss_average(const std::function<Real(Real)>& h, Real var, std::vector<Real> cuts) {
  const Real sd = std::sqrt(var);
  cuts.insert(cuts.begin(), -12 * sd);
  cuts.push_back(12 * sd);
  const Real norm = 1 / std::sqrt(2 * boost::math::constants::pi<Real>() * var);
  auto integrand = [&](Real t) { return h(t) * std::exp(-t * t / (2 * var)) * norm; };
  Real sum = 0;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const int pieces = static_cast<int>(std::ceil((cuts[i + 1] - cuts[i]) / (sd / 4)));
    for (int p = 0; p < pieces; ++p) {
      const Real lo = cuts[i] + (cuts[i + 1] - cuts[i]) * p / pieces;
      const Real hi = p + 1 == pieces ? cuts[i + 1] : cuts[i] + (cuts[i + 1] - cuts[i]) * (p + 1) / pieces;
      sum += boost::math::quadrature::gauss_kronrod<Real, 61>::integrate(integrand, lo, hi, 8, 1e-15L);
    }
  }
  return sum;
}

// Cuts at center and center +- width * 2^j up to `reach`: the reference's own splits.
inline std::vector<Real> cuts_around(Real center, Real width, Real reach) {
  std::vector<Real> out{center};
  for (Real d = width; d < reach; d *= 2) {
    out.insert(out.begin(), center - d);
    out.push_back(center + d);
  }
  return out;
}

}  // namespace sgntk::test
