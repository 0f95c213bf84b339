#include "runtime/matrix_phi.h"

#include <unsupported/Eigen/MatrixFunctions>

namespace sgntk::runtime {

Eigen::MatrixXd flow_operator(const Eigen::MatrixXd& k, double s) {
  const Eigen::Index n = k.rows();
  if (s == 0.0 || n == 0) return Eigen::MatrixXd::Zero(n, n);
  // The upper-right block carries s phi_1(Z) directly (rather than phi_1(Z), then times s): for
  // large s its size is that of K^-1, so the exponential's norm-wise rounding error is relative
  // to the result instead of to the identity block.
  Eigen::MatrixXd augmented = Eigen::MatrixXd::Zero(2 * n, 2 * n);
  augmented.topLeftCorner(n, n) = -s * k;
  augmented.topRightCorner(n, n).diagonal().setConstant(s);
  const Eigen::MatrixXd e = augmented.exp();
  return e.topRightCorner(n, n);
}

}  // namespace sgntk::runtime
