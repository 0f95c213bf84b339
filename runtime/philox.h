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
// Block i/2 of the counter gives four words = two uniforms = one Box-Muller pair.
class NormalStream {
 public:
  NormalStream(std::uint64_t seed, std::uint32_t a, std::uint32_t b)
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}, a_(a), b_(b) {}

  // Fills out[0..n) with normal(first), ..., normal(first + n - 1).
  template <class Scalar>
  void fill(std::uint64_t first, Scalar* out, std::uint64_t n) const {
    for (std::uint64_t i = 0; i < n;) {
      const std::uint64_t index = first + i;
      const auto pair = normal_pair(index / 2);
      for (std::uint64_t j = index % 2; j < 2 && i < n; ++j, ++i)
        out[i] = static_cast<Scalar>(pair[j]);
    }
  }

  std::array<double, 2> normal_pair(std::uint64_t block) const {
    const Counter c{static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32), a_, b_};
    const Counter r = philox4x32_10(c, key_);
    const double u1 = uniform_open(r[0], r[1]), u2 = uniform_open(r[2], r[3]);
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * M_PI * u2;
    return {radius * std::cos(angle), radius * std::sin(angle)};
  }

 private:
  Key key_;
  std::uint32_t a_, b_;
};

}  // namespace sgntk::runtime::philox
