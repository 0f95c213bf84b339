// The gradient-flow operator of kernel regression: for a kernel matrix K (N x N, not necessarily
// symmetric) and s = t/N,
//     flow_operator(K, s) = K^-1 (Id - exp(-s K)) = s phi_1(-s K),   phi_1(Z) = Z^-1 (exp(Z) - Id).
// The right-hand side needs no inverse, so it is exact for singular K and stable for small s
// (where Id - exp(-s K) cancels). It is evaluated as a block of one matrix exponential
// (Higham, "Functions of Matrices", 2008, section 10.7.4):
//     exp([[Z, s Id], [0, 0]]) = [[exp(Z), s phi_1(Z)], [0, Id]],   Z = -s K.
#pragma once
#include <Eigen/Core>

namespace sgntk::runtime {

// K^-1 (Id - exp(-s K)) for s >= 0 (s = 0 gives 0). Cost: one exponential of a 2N x 2N matrix.
Eigen::MatrixXd flow_operator(const Eigen::MatrixXd& k, double s);

}  // namespace sgntk::runtime
