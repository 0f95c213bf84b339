// What the compiler knows about where a function of x is not smooth; quadrature splits there.
#pragma once
#include <cmath>
#include <vector>

namespace sgntk::program {

struct Shape {
  std::vector<double> breakpoints;  // kinks, jumps and support edges, sorted, unique
  double support_lo = -HUGE_VAL;    // f == 0 outside [support_lo, support_hi]
  double support_hi = HUGE_VAL;
  bool smooth = true;               // analytic on the real line (Gauss-Hermite converges fast)
  int parity = 0;                   // +1 even, -1 odd, 0 neither/unknown
  bool operator==(const Shape&) const = default;
};

}  // namespace sgntk::program
