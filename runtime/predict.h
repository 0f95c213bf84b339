// Infinite-width predictions: the mean and covariance of the outputs of
// an infinitely wide network trained for flow time t = eta * steps on the loss
// (1/2N) sum_i |f(x_i) - y_i|^2, with kernel K (NTK Theta for gradient descent, SG-NTK I for
// surrogate gradient learning, NNGP Sigma for training the readout alone) and prior Sigma:
//     A_t(x)    = K(x,X) K(X,X)^-1 (Id - exp(-t K(X,X)/N))      A_inf(x) = K(x,X) K(X,X)^-1
//     mean      = A_t(x) Y
//     C_t(x,x') = Sigma(x,x') - A_t(x) Sigma(X,x') - Sigma(x,X) A_t(x')^T + A_t(x) Sigma(X,X) A_t(x')^T
// With K = Sigma and t = inf this is the NNGP posterior ("Sigma kernel regression").
// K(X,X) of the SG-NTK is not symmetric: everything here uses LU and general eigenvalues.
#pragma once
#include <Eigen/Core>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "runtime/matrix_io.h"
#include "runtime/bound_program.h"
#include "runtime/kinds.h"

namespace sgntk::runtime {

struct PredictOptions {
  double t = INFINITY;    // flow time eta * steps, >= 0; INFINITY: the converged prediction
  // Relative diagonal regularisation (as neural-tangents' diag_reg): K(X,X) += diag_reg *
  // mean(diag K(X,X)) * Id. For the NNGP (K is Sigma) Sigma(X,X) gets the same term, which makes
  // the result the GP posterior with observation noise of that variance.
  double diag_reg = 0.0;
  bool covariance = true;  // false: `cov` stays empty (std is still computed, from diagonals)
  int threads = 0;         // kernel evaluation threads, as KernelOptions::threads
  std::function<bool()> cancelled;  // polled before every kernel tile, as KernelOptions::cancelled
};

struct Prediction {
  RowMatrix mean;          // n_test x outputs
  RowMatrix cov;           // n_test x n_test (empty when !covariance), the same for every output
  Eigen::VectorXd std;     // sqrt of the diagonal of cov (clamped at 0), n_test
  std::vector<std::string> warnings;  // e.g. an ill-conditioned K(X,X); one sentence each
};

// Computes the kernels the prediction needs and calls predict_from_kernels. For sgntk,
// K(x,X) has the true derivative at x and the surrogate at X (the function moves along J(x),
// the parameters along the quasi-Jacobian of the training points).
// Throws DataError for bad shapes / ill-posed systems (message says why).
Prediction predict(const KernelProgram& program, PredictKind kind, const RowMatrix& x_train,
                   const RowMatrix& y_train, const RowMatrix& x_test, const PredictOptions& options);

// Lower level, on precomputed kernel matrices (for tests and for sweeps that reuse kernels).
// Shapes: k_test_train and sigma_test_train n_test x N, k_train_train and sigma_train_train N x N,
// y_train N x outputs, sigma_test_test n_test x n_test -- or, when !options.covariance, just
// its diagonal as an n_test x 1 column. For the NNGP pass Sigma as K; diag_reg then applies to
// both (recognised by k_train_train == sigma_train_train). Throws DataError when a matrix holds
// NaN or inf (an infinite diagonal of K(X,X) is explained: the naive NTK of a jump network), when
// an eigenvalue of K(X,X) has a real part <= 0 (gradient flow diverges or does not converge), or
// when the result is not finite. Warns when K(X,X) is ill-conditioned (condition number > 1e12).
Prediction predict_from_kernels(const RowMatrix& k_test_train, const RowMatrix& k_train_train,
                                const RowMatrix& sigma_test_train, const RowMatrix& sigma_train_train,
                                const RowMatrix& sigma_test_test, const RowMatrix& y_train,
                                const PredictOptions& options);

}  // namespace sgntk::runtime
