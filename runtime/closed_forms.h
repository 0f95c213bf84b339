// Closed-form bivariate Gaussian expectations E[f(u) g(v)], (u, v) ~ N(0, [[a, c], [c, b]]),
// for every ClosedFormId of program.h, evaluated over arrays. Formulas are written so that they
// stay accurate (1e-12 relative or better) near perfect correlation c^2 = ab and take their
// exact limits at a = 0, b = 0 and c^2 = ab instead of producing NaN.
#pragma once
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "runtime/bound_program.h"

namespace sgntk::runtime {

// One tile of covariances (u, v) ~ N(0, [[a, c], [c, b]]) with its gap ab - c^2 >= 0, carried
// by the caller without cancellation (the kernel engine propagates it from |x - x'|), so that
// entries on and near the diagonal keep full precision. n is a multiple of vector_math::lanes.
struct CovarianceTile {
  const double *a, *b, *c, *gap;
  std::size_t n;
};

// The quantities of a tile that several closed forms share (the hand-written loop computes
// them once per entry, and so does the engine): each is computed on its first use after reset().
// One per thread; reused across tiles without allocation once grown.
class TileQuantities {
 public:
  void reset(const CovarianceTile& tile);
  const CovarianceTile& tile() const { return tile_; }
  const double* y();      // sqrt(gap)
  const double* alpha();  // atan2(y, |c|) in [0, pi/2]: the angle between u and +-v
  const double* beta();   // atan2(|c|, y) = pi/2 - alpha, accurate also where alpha ~ pi/2
  const double* s();      // sqrt(ab)
  const double* rho();    // c / sqrt(ab) clamped to [-1, 1]; 0 where ab = 0
  const double* root(double e1, double e2);  // sqrt(e1 e2 + e1 b + e2 a + gap) >= 0
  double* scratch(int k);                    // per-caller scratch arrays, k < 4

 private:
  void angles();
  CovarianceTile tile_{};
  std::size_t capacity_ = 0;
  std::vector<double> y_, alpha_, beta_, s_, rho_, scratch_[4];
  bool have_y_ = false, have_angles_ = false, have_s_ = false, have_rho_ = false;
  struct Root {
    double e1, e2;
    std::vector<double> values;
  };
  std::vector<Root> roots_;
  std::size_t roots_used_ = 0;
};

// out[i] = the closed form `t` at entry i of q's tile. Throws std::invalid_argument for
// parameters outside an id's documented range (an internal error: the compiler emitted a bad
// term).
void evaluate_closed_form(const ClosedFormTerm& t, TileQuantities& q, double* out);

// k * moment(0, 0) + k * erf_erf(0, 0) = k (1 + E[sign u sign v]): heaviside and the relu
// derivative. Summed term by term it cancels where c ~ -sqrt(ab); evaluated as one form it
// keeps full precision there.
bool is_one_plus_sign_sign(const ClosedFormTerm& constant, double constant_coef, const ClosedFormTerm& sign,
                           double sign_coef);
void evaluate_one_plus_sign_sign(double k, TileQuantities& q, double* out);

// Whether closed_form_distance() knows D = E[f(u)^2] + E[f(v)^2] - 2 E[f(u) f(v)] of `t` in a
// cancellation-free form (the layer's next gap and distance then keep full precision).
bool has_distance(const ClosedFormTerm& t);

// out[i] = D of `t` at entry i; dist[i] = a + b - 2c (the previous layer's distance, carried).
// Precondition: has_distance(t), a, b > 0.
void closed_form_distance(const ClosedFormTerm& t, TileQuantities& q, const double* dist, double* out);

// The same over plain arrays of any length (padded internally), for tests and callers outside
// the kernel engine; the gap is formed by covariance_gap below when not given.
void evaluate_closed_form(const ClosedFormTerm& t, const double* a, const double* b, const double* c,
                          const double* gap, double* out, std::size_t n);
void evaluate_closed_form(const ClosedFormTerm& t, const double* a, const double* b, const double* c,
                          double* out, std::size_t n);
double evaluate_closed_form(const ClosedFormTerm& t, double a, double b, double c);

// "erf_erf(e1=0.125, e2=0.5)" plus " swapped" when the roles of u and v are exchanged.
std::string describe(const ClosedFormTerm& t);

// ab - c^2 >= 0 without the cancellation of forming ab and c^2 separately:
// (sqrt(ab) - |c|)(sqrt(ab) + |c|), exactly 0 when c = +-sqrt(ab) (also when c = a = b).
inline double covariance_gap(double a, double b, double c) {
  const double s = std::sqrt(a * b), ac = std::fabs(c);
  return std::fmax(0.0, (s - ac) * (s + ac));
}
}  // namespace sgntk::runtime
