#include "runtime/quadrature_misses.h"

#include <fmt/format.h>

#include <atomic>

namespace sgntk::runtime {
namespace {

std::atomic<std::size_t> missed{0};
std::atomic<double> largest{0.0};

}  // namespace

void reset_quadrature_misses() {
  missed = 0;
  largest = 0.0;
}

void note_quadrature_miss(double relative_error) {
  ++missed;
  double seen = largest.load();
  while (relative_error > seen && !largest.compare_exchange_weak(seen, relative_error)) {
  }
}

QuadratureMisses quadrature_misses() { return {missed.load(), largest.load()}; }

std::optional<std::string> quadrature_miss_warning() {
  const QuadratureMisses m = quadrature_misses();
  if (m.count == 0) return std::nullopt;
  return fmt::format("{} numeric integral{} stopped refining with {} error estimate above {} target (the largest: "
                     "{:.2g} of the integrand's scale); the entries that use them may be less accurate",
                     m.count, m.count == 1 ? "" : "s", m.count == 1 ? "its" : "their", m.count == 1 ? "its" : "their",
                     m.largest_relative);
}

}  // namespace sgntk::runtime
