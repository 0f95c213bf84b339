// Infinite-width predictions: the mean and covariance of the outputs of
// an infinitely wide network trained for flow time t = eta * steps on the loss
// (1/2N) sum_i |f(x_i) - y_i|^2, with kernel K (NTK Theta for gradient descent, SG-NTK I for
// surrogate gradient learning, NNGP Sigma for training the readout alone) and prior Sigma:
//     A_t(x)    = K(x,X) K(X,X)^-1 (Id - exp(-t K(X,X)/N))      A_inf(x) = K(x,X) K(X,X)^-1
//     mean      = A_t(x) Y
//     C_t(x,x') = Sigma(x,x') - A_t(x) Sigma(X,x') - Sigma(x,X) A_t(x')^T + A_t(x) Sigma(X,X) A_t(x')^T
// With K = Sigma and t = inf this is the NNGP posterior ("Sigma kernel regression").
// K(X,X) of the SG-NTK is not symmetric: everything here uses LU and general eigenvalues.
//
// Every prediction runs one blocked computation (predict_tiles.h): K(X,X) is factorised once
// (N_train x N_train must fit in memory), then the test points go by tiles of predict_tile_rows,
// and the covariance by bands of rows, each entry computed once in a tile whose arithmetic does
// not depend on the band height. So the covariance can stream to a file band by band
// (predict_in_bands) and still be bitwise the matrix predict() returns.
#pragma once
#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "runtime/matrix_io.h"
#include "runtime/bound_program.h"
#include "runtime/kernels.h"
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
  std::function<void(double)> progress;  // 0..1, from the calling thread, as KernelOptions::progress
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

// The covariance of a large test set, band by band, for an output that does not fit in memory.
// Band b holds the rows [r0, r1) = [b * band_rows, ...) of the n_test x n_test covariance from
// column r0 on (KernelBand with symmetric = true and c0 = r0: the receiver writes the mirror, the
// columns before r0 are earlier bands' mirror); every entry is finite (else DataError before any
// band holding it is passed on) and bitwise the entry predict() returns.
// Peak memory: K(X,X) and its factorisation, O(N_train^2); one band and its prior Sigma, 2 x
// band_rows x n_test doubles; and the solved test rows A = K(x,X) M and Z = A Sigma(X,X) -
// 2 Sigma(x,X) (2 x n_test x N_train doubles): held in memory with hold_test_rows; else spilled
// to an unnamed scratch file in spill_folder and read back a band at a time (page cache, not
// resident memory: O(band_rows x N_train)); else, with no folder, solved again (their kernels
// too) for the later rows of every band, which costs O(n_test / band_rows) times the solve.
struct CovarianceBands {
  std::size_t band_rows = 0;  // a positive multiple of predict_tile_rows
  bool hold_test_rows = true;
  std::string spill_folder;  // without hold_test_rows: where the solved rows go (empty: solved again)
  std::function<void(const KernelBand&)> band;  // each band, in order, from the calling thread
};

// Test points per tile: a multiple of the kernel engine's tile side, so that a tile's kernel
// entries are the same bits in every band.
inline constexpr std::size_t predict_tile_rows = 64;

// The band height and holding for a covariance of n_test x n_test under `memory_budget` bytes:
// the band and its prior take at most 1/32 of it (at least one tile), the held test rows at most
// half of it.
CovarianceBands covariance_bands(std::size_t n_train, std::size_t n_test, std::size_t memory_budget);

// predict() with options.covariance, the covariance passed to bands.band instead of held:
// the result's cov stays empty; mean, std and warnings as predict().
Prediction predict_in_bands(const KernelProgram& program, PredictKind kind, const RowMatrix& x_train,
                            const RowMatrix& y_train, const RowMatrix& x_test, const PredictOptions& options,
                            const CovarianceBands& bands);

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
