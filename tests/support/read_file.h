// A whole file as bytes, for golden comparisons ("" when it cannot be read).
#pragma once
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sgntk::test {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace sgntk::test
