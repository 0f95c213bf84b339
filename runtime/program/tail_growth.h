// The tail growth of the two sides of a Gaussian expectation, as program data.
#pragma once

namespace sgntk::program {

// How fast |f(x)| and |g(x)| grow in the tails: like exp(rate * x^2) up to slower factors
// (0 for polynomial or bounded growth, +inf faster than any exp(c x^2), negative for Gaussian
// decay). E[f(u) g(v)] diverges where the Gaussian weight cannot bound the growth, which depends
// on (a, b, c): the runtime checks every entry (runtime/expectation_tails.h).
struct TailGrowth {
  double f = 0.0, g = 0.0;
  bool operator==(const TailGrowth&) const = default;
};

}  // namespace sgntk::program
