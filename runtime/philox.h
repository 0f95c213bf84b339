// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random
// numbers: as easy as 1, 2, 3" (SC 2011), written from its published definition. A counter-based
// generator maps (counter, key) to random bits with no state, so the normal number that
// initialises weight (network e, layer l, element i) is a pure function of (seed, e, l, i): the
// same for every thread count and every order of evaluation.
#pragma once
#include <array>
#include <cmath>
#include <cstdint>

namespace sgntk::runtime::philox {

using Counter = std::array<std::uint32_t, 4>;
using Key = std::array<std::uint32_t, 2>;

namespace detail {
inline constexpr std::uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;  // round multipliers
inline constexpr std::uint32_t w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;  // key schedule (Weyl)

inline constexpr Counter round(const Counter& c, const Key& k) {
  const std::uint64_t p0 = std::uint64_t{m0} * c[0];
  const std::uint64_t p1 = std::uint64_t{m1} * c[2];
  const auto hi = [](std::uint64_t p) { return static_cast<std::uint32_t>(p >> 32); };
  const auto lo = [](std::uint64_t p) { return static_cast<std::uint32_t>(p); };
  return {hi(p1) ^ c[1] ^ k[0], lo(p1), hi(p0) ^ c[3] ^ k[1], lo(p0)};
}
}  // namespace detail

// Ten rounds; the key is bumped between rounds.
inline constexpr Counter philox4x32_10(Counter c, Key k) {
  for (int r = 0; r < 10; ++r) {
    if (r > 0) k = {k[0] + detail::w0, k[1] + detail::w1};
    c = detail::round(c, k);
  }
  return c;
}

// A double uniform on (0, 1): 53 random bits, offset by half a step so that neither 0 nor 1
// occurs (log(0) in Box-Muller is impossible).
inline double uniform_open(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t bits = ((std::uint64_t{hi} << 32) | lo) >> 11;
  return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
}

// Standard normals of one stream: stream (seed, a, b) yields normal(i) for i = 0, 1, 2, ...
// Block k of the counter gives four words = two uniforms = one Box-Muller pair, normals 2k and
// 2k + 1. The pairs are made in aligned groups with vector_math's log and sincos (philox.cpp), so
// normal(i) is the same whichever range of the stream is asked for.
class NormalStream {
 public:
  static constexpr std::uint64_t group_pairs = 128;
  static constexpr std::uint64_t group_normals = 2 * group_pairs;

  NormalStream(std::uint64_t seed, std::uint32_t a, std::uint32_t b)
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}, a_(a), b_(b) {}

  // Fills out[0..n) with normal(first), ..., normal(first + n - 1).
  template <class Scalar>
  void fill(std::uint64_t first, Scalar* out, std::uint64_t n) const {
    alignas(64) double normals[group_normals];
    for (std::uint64_t i = 0; i < n;) {
      const std::uint64_t index = first + i;
      group(index / group_normals, normals);
      for (std::uint64_t k = index % group_normals; k < group_normals && i < n; ++k, ++i)
        out[i] = static_cast<Scalar>(normals[k]);
    }
  }

  // normals[k] = normal(g * group_normals + k) for k < group_normals.
  void group(std::uint64_t g, double* normals) const;

 private:
  Key key_;
  std::uint32_t a_, b_;
};

}  // namespace sgntk::runtime::philox
