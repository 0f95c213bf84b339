// The Box-Muller groups of philox::NormalStream (philox.h).
#include "runtime/philox.h"

#include <cmath>

#include "runtime/vector_math.h"

namespace sgntk::runtime::philox {

namespace {

// u1[k], angle[k] of the pairs g * group_pairs + k: plain loops, compiled for every unit.
SGNTK_VECTOR_CLONES
void uniforms(const Key& key, std::uint32_t a, std::uint32_t b, std::uint64_t g, double* u1, double* angle) {
  for (std::uint64_t k = 0; k < NormalStream::group_pairs; ++k) {
    const std::uint64_t block = g * NormalStream::group_pairs + k;
    const Counter r = philox4x32_10({static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32), a, b}, key);
    u1[k] = uniform_open(r[0], r[1]);
    angle[k] = 2.0 * M_PI * uniform_open(r[2], r[3]);
  }
}

}  // namespace

void NormalStream::group(std::uint64_t g, double* normals) const {
  static_assert(group_pairs % vector_math::lanes == 0);
  alignas(64) double u1[group_pairs], angle[group_pairs], sin[group_pairs], cos[group_pairs];
  uniforms(key_, a_, b_, g, u1, angle);
  vector_math::log(u1, u1, group_pairs);
  vector_math::sincos(angle, sin, cos, group_pairs);
  for (std::uint64_t k = 0; k < group_pairs; ++k) {
    const double radius = std::sqrt(-2.0 * u1[k]);
    normals[2 * k] = radius * cos[k];
    normals[2 * k + 1] = radius * sin[k];
  }
}

}  // namespace sgntk::runtime::philox
