// Shared by the `sgntk train` and `sgntk empirical` tests: running the binary from the source
// tree, scratch directories, the paper's training data (15 circle points and its target
// function) and a reader for npy arrays of any rank.
#pragma once
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/run_process.h"

namespace sgntk::test {

namespace fs = std::filesystem;

inline const std::string source_dir = SGNTK_SOURCE_DIR;

// `sgntk <command> args...`, run in the source tree so that specs/ paths work.
inline ProcessResult run_sgntk(const std::string& command, const std::vector<std::string>& args) {
  std::vector<std::string> argv{SGNTK_EXE, command};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, source_dir);
}

struct ScratchDir {
  fs::path path;
  ScratchDir() {
    path = fs::temp_directory_path() /
           ("sgntk_finite_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~ScratchDir() { fs::remove_all(path); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
  // Names in the directory (to show that a failed run left nothing behind).
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path)) names.push_back(e.path().filename().string());
    return names;
  }
  static inline int counter = 0;
};

// The paper's training set: grid points 0, 6, 13, ... (i * 100 / 15) of the circle grid and
// y = 4 x0 x1^2 - 0.8 x0^3 + 1.2 x1^2 - 0.8 x0^2 x1, written as csv into `dir`.
struct TrainingData {
  std::string x, y;
};
inline TrainingData paper_training_data(const ScratchDir& dir) {
  std::ostringstream xs, ys;
  xs.precision(17);
  ys.precision(17);
  for (int i = 0; i < 15; ++i) {
    const double a = 2 * M_PI * (i * 100 / 15) / 100.0 - M_PI;
    const double x0 = std::sin(a), x1 = std::cos(a);
    xs << x0 << "," << x1 << "\n";
    ys << 4 * x0 * x1 * x1 - 0.8 * x0 * x0 * x0 + 1.2 * x1 * x1 - 0.8 * x0 * x0 * x1 << "\n";
  }
  return {dir.write("x.csv", xs.str()), dir.write("y.csv", ys.str())};
}

inline std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// An npy array as numpy writes it: version 1.0, '<f8', C order. REQUIREs a well-formed file
// whose data size matches the header's shape.
struct NpyArray {
  std::vector<long> shape;
  std::vector<double> data;
};
inline NpyArray read_npy(const std::string& path) {
  const std::string bytes = file_bytes(path);
  REQUIRE(bytes.size() >= 10);
  REQUIRE(bytes.compare(0, 6, "\x93NUMPY") == 0);
  REQUIRE(bytes[6] == 1);
  const std::size_t header_len = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
  REQUIRE((10 + header_len) % 64 == 0);  // the format aligns the data
  const std::string header = bytes.substr(10, header_len);
  REQUIRE(header.find("'descr': '<f8'") != std::string::npos);
  REQUIRE(header.find("'fortran_order': False") != std::string::npos);
  const std::size_t open = header.find("'shape': (");
  REQUIRE(open != std::string::npos);
  NpyArray a;
  std::istringstream dims(header.substr(open + 10, header.find(')', open) - open - 10));
  std::size_t count = 1;
  for (std::string item; std::getline(dims, item, ',');) {
    if (item.find_first_not_of(' ') == std::string::npos) continue;  // "(3,)"
    a.shape.push_back(std::stol(item));
    count *= static_cast<std::size_t>(a.shape.back());
  }
  REQUIRE(bytes.size() == 10 + header_len + count * sizeof(double));
  a.data.resize(count);
  std::memcpy(a.data.data(), bytes.data() + 10 + header_len, count * sizeof(double));
  return a;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace sgntk::test
