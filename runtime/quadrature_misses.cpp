#include "runtime/quadrature_misses.h"

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

}  // namespace sgntk::runtime
