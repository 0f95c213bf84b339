// Closed-form one-dimensional Gaussian averages E[g(V)], V ~ N(mean, var), of the function
// families the compiler recognises. They turn conditional expectations into formulas:
// E[delta(u) g(v)] = p_u(0) E[g(V)], V the law of v given u = 0.
#pragma once
#include "runtime/array_function.h"
#include "runtime/program/closed_forms.h"

namespace sgntk::runtime {

// erf_e(x) = erf(x / sqrt(2 e)); e = 0 is sign(x).   E = erf(m / sqrt(2 (e + s2)))
GaussianAverageRef erf_average(double eps, double shift = 0);
// N(x; shift, e) (e = 0: delta(x - shift)).          E = N(m; shift, e + s2)
GaussianAverageRef bump_average(double eps, double shift);
// x^p, p a non-negative integer.                     E = sum_k C(p,2k) m^(p-2k) s2^k (2k-1)!!
GaussianAverageRef moment_average(int p);
// relu(x).                                           E = m Phi(m/s) + s phi(m/s)
GaussianAverageRef relu_average();
// cos(k x) and sin(k x).                             E = exp(-k^2 s2 / 2) cos(k m), ... sin
GaussianAverageRef cos_average(double k);
GaussianAverageRef sin_average(double k);

// The average a program names (program::AverageId with its parameters).
GaussianAverageRef closed_average(const program::ClosedAverage& a);

}  // namespace sgntk::runtime
