// A spec slow enough for a signal to land mid-computation on any machine: tests that stop sgntk
// after a delay or after some bands (the time grows with the depth; one tile stays milliseconds).
#pragma once
#include <filesystem>
#include <fstream>

namespace sgntk::test {

// Writes dir/deep.sgntk: `layers` erf layers with a Gaussian surrogate, a readout, input 2.
inline void write_deep_spec(const std::filesystem::path& dir, int layers) {
  std::ofstream deep(dir / "deep.sgntk");
  deep << "network net(input = 2) {\n";
  for (int l = 0; l < layers; ++l) deep << "  dense(width = 300, act = erf(3 * x), surrogate = exp(-x^2))\n";
  deep << "  readout()\n}\n";
}

}  // namespace sgntk::test
