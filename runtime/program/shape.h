// What the compiler knows about where a function of x is not smooth; quadrature splits there.
#pragma once
#include <cmath>
#include <vector>

namespace sgntk::program {

// A steep but smooth transition, such as erf, tanh, sigmoid or atan of k*(x - center): the
// function changes by O(1) within about `width` = 1/|k| of `center`. Quadrature splits at the
// center and on scales from `width` up, or its nodes step over the transition.
struct Transition {
  double center = 0.0;
  double width = 1.0;
  bool operator==(const Transition&) const = default;
};

struct Shape {
  std::vector<double> breakpoints;  // kinks, jumps and support edges, sorted, unique
  double support_lo = -HUGE_VAL;    // f == 0 outside [support_lo, support_hi]
  double support_hi = HUGE_VAL;
  bool smooth = true;               // analytic on the real line (Gauss-Hermite converges fast)
  int parity = 0;                   // +1 even, -1 odd, 0 neither/unknown
  std::vector<Transition> transitions;  // steep transitions, sorted by center
  // The shortest period of a sin or cos of k*x + s among f's factors with |k| > 10 (fast
  // oscillation; +inf: none): a quadrature panel wider than it samples f blindly.
  double period = HUGE_VAL;
  bool operator==(const Shape&) const = default;
};

// Whether the compiler found where f is not smooth: break points or a support edge.
inline bool has_known_pieces(const Shape& s) {
  return !s.breakpoints.empty() || s.support_lo != -HUGE_VAL || s.support_hi != HUGE_VAL;
}

// Whether f has kinks, jumps or compact support: rules that assume an analytic integrand on the
// whole line (the trapezoidal rule of Mehler's series) must split at its break points.
inline bool is_piecewise(const Shape& s) { return !s.smooth || has_known_pieces(s); }

// Whether Mehler's series suits a pair of sides by their shapes (their growth is checked apart):
// both analytic on the whole line without steep transitions, or one so and the other piecewise
// at known break points (its coefficients integrated piece by piece, the smooth side's
// fast-falling tail making the product converge; two piecewise sides would not, their
// coefficients falling only like a power of k).
inline bool is_series_smooth(const Shape& s) {
  return s.smooth && s.breakpoints.empty() && s.transitions.empty() && s.support_lo == -HUGE_VAL &&
         s.support_hi == HUGE_VAL;
}
inline bool is_series_piecewise(const Shape& s) { return has_known_pieces(s) && s.transitions.empty(); }
inline bool series_suits(const Shape& f, const Shape& g) {
  return (is_series_smooth(f) && (is_series_smooth(g) || is_series_piecewise(g))) ||
         (is_series_smooth(g) && is_series_piecewise(f));
}

}  // namespace sgntk::program
