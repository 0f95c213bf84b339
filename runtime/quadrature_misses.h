// Numeric integrals that stopped refining before their error estimate met the target: a panel
// left at the depth, width or per-entry budget limit of the adaptive rule (gauss_expect_1d).
// Counted process-wide, thread-safe; a job resets the count before it computes and reports it
// after, so that no entry falls short of its target silently.
#pragma once
#include <cstddef>
#include <optional>
#include <string>

namespace sgntk::runtime {

struct QuadratureMisses {
  std::size_t count = 0;          // integrals whose estimated error exceeds their target
  double largest_relative = 0.0;  // the largest estimated error, relative to the integral's scale E|h|
};

void reset_quadrature_misses();
void note_quadrature_miss(double relative_error);
QuadratureMisses quadrature_misses();

// The warning every command and the Python package give after a job whose integrals fell short
// (how many, and by how much at most); nothing when none did.
std::optional<std::string> quadrature_miss_warning();

}  // namespace sgntk::runtime
