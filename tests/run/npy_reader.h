// Reads the float64 C-order npy arrays `sgntk run` writes (any rank), for the run tests.
#pragma once
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

namespace sgntk::test {

struct NpyArray {
  std::vector<long> shape;
  std::vector<double> data;
};

inline NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), path);
  char magic[8];
  in.read(magic, 8);
  REQUIRE(std::string(magic + 1, 5) == "NUMPY");
  unsigned char len[2];
  in.read(reinterpret_cast<char*>(len), 2);
  std::string header(static_cast<std::size_t>(len[0] | len[1] << 8), '\0');
  in.read(header.data(), static_cast<std::streamsize>(header.size()));
  REQUIRE(header.find("'<f8'") != std::string::npos);
  REQUIRE(header.find("'fortran_order': False") != std::string::npos);
  NpyArray out;
  std::size_t at = header.find('(') + 1;
  const std::size_t end = header.find(')');
  long count = 1;
  while (at < end) {
    const std::size_t comma = std::min(header.find(',', at), end);
    if (comma > at) out.shape.push_back(std::stol(header.substr(at, comma - at)));
    count *= out.shape.empty() ? 1 : out.shape.back();
    at = comma + 1;
  }
  out.data.resize(static_cast<std::size_t>(count));
  in.read(reinterpret_cast<char*>(out.data.data()), static_cast<std::streamsize>(count * 8));
  REQUIRE(in.good());
  return out;
}

}  // namespace sgntk::test
