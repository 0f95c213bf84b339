// The blocked arithmetic of every prediction (predict.h): the training side solved once, then the
// test points by tiles of predict_tile_rows rows, whose arithmetic depends only on the tile's own
// rows (fresh, equally aligned matrices; BLAS held to one thread; dots in one fixed order), so
// that a band of any height gives the same bits. With M the flow matrix of predict.h,
//     a_i = K(x_i,X) M,   z_i = a_i Sigma(X,X) - 2 Sigma(x_i,X),   mean_i = a_i Y,
//     C(i,i) = (Sigma(x_i,x_i) - 2 a_i . Sigma(x_i,X)) + a_i Sigma(X,X) . a_i,
//     C(i,j) = Sigma(x_i,x_j) + (z_i . a_j + a_i . z_j) / 2,
// which is C_t of predict.h with its cross terms paired: computed for j > i only (tile pairs on
// and above the diagonal) and mirrored, so it is exactly symmetric.
#pragma once
#include <Eigen/Core>
#include <Eigen/LU>
#include <functional>
#include <string>
#include <vector>

#include "runtime/predict.h"

namespace sgntk::runtime {

// The training side, solved once.
struct TrainSolve {
  bool by_lu = true;                         // t = inf (or converged): M = K(X,X)^-1 by LU
  Eigen::PartialPivLU<Eigen::MatrixXd> lu;   // of the regularised K(X,X)
  Eigen::MatrixXd flow;                      // otherwise M = flow_operator(K(X,X), t/N)
  Eigen::MatrixXd sigma;                     // Sigma(X,X), regularised for the NNGP
  RowMatrix y;
};

// Where the test points' kernels come from, by rows (ranges start at multiples of the tile):
// computed from the program, or blocks of given matrices.
struct TestKernels {
  Eigen::Index n_test = 0;
  std::function<RowMatrix(Eigen::Index r0, Eigen::Index r1)> k_rows;      // K(x_[r0,r1), X)
  std::function<RowMatrix(Eigen::Index r0, Eigen::Index r1)> sigma_rows;  // Sigma(x_[r0,r1), X)
  std::function<RowMatrix(Eigen::Index r0, Eigen::Index r1)> prior_band;  // Sigma(x_[r0,r1), x_[r0,n))
  Eigen::VectorXd prior_diagonal;                                         // Sigma(x_i, x_i)
};

// Mean and std of every test point, and the covariance band by band to `bands` (nullptr: no
// covariance; then the test points go in bands of `mean_band_rows`). Throws DataError at the
// first non-finite kernel block or result, Cancelled when options.cancelled says so.
Prediction predict_tiled(const TrainSolve& train, const TestKernels& test, const PredictOptions& options,
                         const CovarianceBands* bands, std::size_t mean_band_rows);

// Throws DataError naming the first entry of `m` that is not finite, at (row0 + i, col0 + j).
void require_finite(const Eigen::Ref<const RowMatrix>& m, const char* name, Eigen::Index row0 = 0,
                    Eigen::Index col0 = 0);

}  // namespace sgntk::runtime
