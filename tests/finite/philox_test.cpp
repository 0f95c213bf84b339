// Philox4x32-10 against the published known-answer vectors (Random123's kat_vectors) and the
// normal streams built on it.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "runtime/philox.h"

using namespace sgntk::runtime::philox;

TEST_CASE("Philox4x32-10 reproduces the Random123 known-answer vectors") {
  CHECK(philox4x32_10({0, 0, 0, 0}, {0, 0}) == Counter{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(philox4x32_10({~0u, ~0u, ~0u, ~0u}, {~0u, ~0u}) == Counter{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  CHECK(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
        Counter{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("a normal stream is a pure function of its index, whatever the chunking") {
  const NormalStream s(10, 3, 1);
  std::vector<double> whole(101), parts(101);
  s.fill(0, whole.data(), 101);
  s.fill(0, parts.data(), 37);                // odd split points cut Box-Muller pairs in half
  s.fill(37, parts.data() + 37, 64);
  CHECK(whole == parts);
  std::vector<double> other(101);
  NormalStream(10, 3, 2).fill(0, other.data(), 101);  // another layer: another stream
  CHECK(other != whole);
}

TEST_CASE("normal streams have the moments of a standard normal") {
  const NormalStream s(123, 0, 0);
  const std::uint64_t n = 400000;
  std::vector<double> v(n);
  s.fill(0, v.data(), n);
  double m1 = 0, m2 = 0, m4 = 0;
  for (double x : v) {
    m1 += x;
    m2 += x * x;
    m4 += x * x * x * x;
  }
  m1 /= n, m2 /= n, m4 /= n;
  // Standard errors: 1/sqrt(n) = 0.0016 for the mean, sqrt(2/n) = 0.0022 for the variance,
  // sqrt(96/n) = 0.015 for the fourth moment; five of them as the tolerance.
  CHECK(std::abs(m1) < 0.008);
  CHECK(std::abs(m2 - 1) < 0.011);
  CHECK(std::abs(m4 - 3) < 0.08);
}
