// An independent, deliberately plain implementation of the published closed-form recursions
// (those stated in runtime/program/program.h; Williams 1997 for erf, Cho & Saul 2009 for relu),
// written straight from the formulas and sharing no code with sgntk's runtime. Tests hold the
// compiled kernels against it.
#pragma once
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace sgntk::test {

using std::numbers::pi;

struct Point {
  std::vector<double> x;
};

// The paper's test grid: 100 points on the unit circle, alpha_i = 2 pi i / 100 - pi,
// x = (sin alpha, cos alpha); point 50 is (0, 1).
inline std::vector<std::vector<double>> circle_grid(int n = 100) {
  std::vector<std::vector<double>> pts;
  for (int i = 0; i < n; ++i) {
    const double alpha = 2 * pi * i / n - pi;
    pts.push_back({std::sin(alpha), std::cos(alpha)});
  }
  return pts;
}

enum class Act { erf_m, sign, relu };

struct ReferenceNet {
  Act act = Act::erf_m;
  double m = 2;              // erf(m x)
  bool surrogate_erf = false;  // SG-NTK with g = erf'(x) = 2/sqrt(pi) exp(-x^2)
  int layers = 2;
  double sw = 1, sb = 0.1;
};

struct KernelValues {
  double nngp, ntk, sgntk;
};

// E[phi phi], E[phi' phi'], E[phi' g] for the reference activations.
// Evaluated in long double, so that the reference is the more precise side of every comparison.
using Real = long double;

inline void layer_expectations(const ReferenceNet& net, Real a, Real b, Real c, Real& ephi, Real& edot, Real& emixed) {
  const Real pi = std::numbers::pi_v<long double>;
  const Real eps = net.act == Act::erf_m ? 1 / (2 * Real(net.m) * Real(net.m)) : Real(0);
  const Real eps_g = 0.5L;  // erf'(x) = 2 N(x; 0, 1/2)
  switch (net.act) {
    case Act::erf_m:
    case Act::sign: {
      ephi = (2 / pi) * std::asin(std::clamp(c / std::sqrt((eps + a) * (eps + b)), Real(-1), Real(1)));
      const Real det = (eps + a) * (eps + b) - c * c;
      edot = det <= 0 ? Real(INFINITY) : (2 / pi) / std::sqrt(det);
      emixed = (2 / pi) / std::sqrt((eps + a) * (eps_g + b) - c * c);
      break;
    }
    case Act::relu: {
      const Real rho = std::clamp(c / std::sqrt(a * b), Real(-1), Real(1));
      const Real theta = std::acos(rho);
      ephi = (std::sqrt(std::max(a * b - c * c, Real(0))) + c * (pi - theta)) / (2 * pi);
      edot = (pi - theta) / (2 * pi);
      emixed = edot;
      break;
    }
  }
  if (!net.surrogate_erf) emixed = edot;
}

inline KernelValues reference_kernel(const ReferenceNet& net, const std::vector<double>& x, const std::vector<double>& y) {
  const Real d = static_cast<Real>(x.size());
  Real xy = 0, xx = 0, yy = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    xy += Real(x[k]) * y[k];
    xx += Real(x[k]) * x[k];
    yy += Real(y[k]) * y[k];
  }
  const Real w2 = Real(net.sw) * net.sw, b2 = Real(net.sb) * net.sb;
  Real a = w2 * xx / d + b2, b = w2 * yy / d + b2, c = w2 * xy / d + b2;
  Real theta = c, sg = c;
  for (int l = 0; l < net.layers; ++l) {
    Real ephi, edot, emixed, eaa, ebb, unused1, unused2;
    layer_expectations(net, a, b, c, ephi, edot, emixed);
    layer_expectations(net, a, a, a, eaa, unused1, unused2);
    layer_expectations(net, b, b, b, ebb, unused1, unused2);
    const Real c_next = w2 * ephi + b2;
    theta = theta * w2 * edot + c_next;
    sg = sg * w2 * emixed + c_next;
    c = c_next;
    a = w2 * eaa + b2;
    b = w2 * ebb + b2;
  }
  return {double(c), double(theta), double(sg)};
}

}  // namespace sgntk::test
