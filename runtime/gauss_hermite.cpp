#include "runtime/gauss_hermite.h"

#include <Eigen/Dense>

#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace sgntk::runtime {

namespace {

// Orthonormal probabilists' Hermite polynomials: p_0 = 1, p_1 = z,
// p_{k+1} = (z p_k - sqrt(k) p_{k-1}) / sqrt(k+1). Returns p_n(z), p_{n-1}(z) and sum_{k<n} p_k^2.
struct Recurrence {
  double pn, pn1, sum_sq;
};
Recurrence recurrence(int n, double z) {
  double prev = 0.0, cur = 1.0, sum = 0.0;
  for (int k = 0; k < n; ++k) {
    sum += cur * cur;
    const double next = (z * cur - std::sqrt(double(k)) * prev) / std::sqrt(double(k + 1));
    prev = cur;
    cur = next;
  }
  return {cur, prev, sum};
}

std::unique_ptr<GaussHermiteRule> build(int n) {
  // Jacobi matrix of the recurrence: zero diagonal, off-diagonal sqrt(k).
  Eigen::MatrixXd jacobi = Eigen::MatrixXd::Zero(n, n);
  for (int k = 1; k < n; ++k) jacobi(k, k - 1) = jacobi(k - 1, k) = std::sqrt(double(k));
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(jacobi, Eigen::EigenvaluesOnly);

  auto rule = std::make_unique<GaussHermiteRule>();
  rule->nodes.resize(n);
  rule->weights.resize(n);
  for (int i = 0; i < n; ++i) {
    double z = solver.eigenvalues()[i];
    for (int step = 0; step < 3; ++step) {  // p_n' = sqrt(n) p_{n-1}
      const Recurrence r = recurrence(n, z);
      if (r.pn1 == 0.0) break;
      z -= r.pn / (std::sqrt(double(n)) * r.pn1);
    }
    rule->nodes[i] = z;
  }
  // Exact symmetry (the rule is symmetric; averaging removes eigen-solver asymmetry).
  for (int i = 0; i < n / 2; ++i) {
    const double z = 0.5 * (rule->nodes[n - 1 - i] - rule->nodes[i]);
    rule->nodes[i] = -z;
    rule->nodes[n - 1 - i] = z;
  }
  if (n % 2) rule->nodes[n / 2] = 0.0;
  double total = 0.0;
  for (int i = 0; i < n; ++i) total += rule->weights[i] = 1.0 / recurrence(n, rule->nodes[i]).sum_sq;
  for (double& w : rule->weights) w /= total;  // removes the last rounding of the sum to 1
  return rule;
}

}  // namespace

const GaussHermiteRule& gauss_hermite(int n) {
  if (n < 1 || n > 512) throw std::invalid_argument("gauss_hermite: order " + std::to_string(n) + " not in [1, 512]");
  static std::mutex mutex;
  static std::map<int, std::unique_ptr<GaussHermiteRule>> cache;
  const std::lock_guard lock(mutex);
  auto& slot = cache[n];
  if (!slot) slot = build(n);
  return *slot;
}

}  // namespace sgntk::runtime
