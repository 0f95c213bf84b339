// Closed-form Gaussian expectations as data: an id and its parameters. The runtime evaluates
// them (runtime/closed_forms.h, runtime/closed_averages.h).
#pragma once
#include <array>

namespace sgntk::program {

// Closed-form bivariate Gaussian expectations, zero means. Parameters are listed per id.
// "eps" parameterisations keep the jump limit finite: eps = 0 is the limit.
enum class ClosedFormId {
  erf_erf,      // E[erf_e1(u - s1) erf_e2(v - s2)], erf_e(x) = erf(x / sqrt(2 e)); e = 0: sign
                //   p = {e1, e2, s1, s2}; centred: (2/pi) asin(c / sqrt((e1 + a)(e2 + b))), else
                //   E[sign(U - s1) sign(V - s2)] for (U, V) ~ N(0, [[a + e1, c], [c, b + e2]]): the
                //   bivariate normal orthant probability (runtime/shifted_steps.h)
  bump_bump,    // E[N(u; s1, e1) N(v; s2, e2)]; e = 0: delta(u - s1)      p = {e1, e2, s1, s2}
                //   = the N(0, [[a + e1, c], [c, b + e2]]) density at (s1, s2); centred:
                //   1 / (2 pi sqrt((e1 + a)(e2 + b) - c^2))    (+inf when that is 0)
  relu_relu,    // E[relu(u) relu(v)] = (sqrt(ab - c^2) + c (pi - acos(rho))) / (2 pi)   p = {}
  relu_moment,  // E[relu(u) v^q], q in {0, 1}                                        p = {q}
  moment,       // E[u^p v^q] (Isserlis), p, q non-negative integers                  p = {p, q}
  bump_moment,  // E[N(u; 0, e) v^q], q a non-negative integer                        p = {e, q}
  erf_moment,   // E[erf_e(u - s) v^q], q in {0, 1} (Stein's lemma for q = 1)         p = {e, q, s}
  cos_cos,      // E[cos(k u) cos(l v)]                                               p = {k, l}
  sin_sin,      // E[sin(k u) sin(l v)]                                               p = {k, l}
  relu2_relu2,  // E[relu(u)^2 relu(v)^2] (arc-cosine kernel of degree 2)                 p = {}
                //   = (3 c sqrt(ab - c^2) + (pi - theta)(ab + 2 c^2)) / (2 pi), cos theta = rho
};
inline constexpr int closed_form_count = static_cast<int>(ClosedFormId::relu2_relu2) + 1;

// A closed form; `swap` evaluates it with the roles of (u, a) and (v, b) exchanged, so that
// e.g. E[1 * erf(v)] or E[v^2 * relu(u)] need no ids of their own.
struct ClosedFormTerm {
  ClosedFormId id;
  std::array<double, 4> p{};
  bool swap = false;
  bool operator==(const ClosedFormTerm&) const = default;
};

// Closed-form one-dimensional Gaussian averages E[g(V)], V ~ N(m, s2), of the families the
// compiler recognises; a conditional expectation uses them instead of an inner quadrature
// (E[delta(u) g(v)] = p_u(0) E[g(V)] with V the conditional law of v).
enum class AverageId {
  erf,     // erf_e(x - s), e = 0: sign(x - s).         E = erf((m - s) / sqrt(2 (e + s2)))  p = {e, s}
  bump,    // N(x; shift, e), e = 0: delta(x - shift).     E = N(m; shift, e + s2)            p = {e, shift}
  moment,  // x^p, p a non-negative integer.               E = sum_k C(p,2k) m^(p-2k) s2^k (2k-1)!!  p = {p}
  relu,    // relu(x).                                     E = m Phi(m/s) + s phi(m/s)        p = {}
  cos,     // cos(k x).                                    E = exp(-k^2 s2 / 2) cos(k m)      p = {k}
  sin,     // sin(k x).                                    E = exp(-k^2 s2 / 2) sin(k m)      p = {k}
};
inline constexpr int average_count = static_cast<int>(AverageId::sin) + 1;

struct ClosedAverage {
  AverageId id;
  std::array<double, 2> p{};
  bool operator==(const ClosedAverage&) const = default;
};

}  // namespace sgntk::program
