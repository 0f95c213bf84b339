// Shared helpers of the program tests: every network of every spec under specs/ lowered to its
// program data, binding, and bitwise comparison of kernel matrices.
#pragma once
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "compiler/lower/lower.h"
#include "compiler/lower/plugin_refs.h"
#include "compiler/sema/load_spec.h"
#include "runtime/bind.h"
#include "runtime/kernels.h"

namespace sgntk::test {

struct LoweredSpec {
  std::string path;
  std::unique_ptr<LoadedSpec> spec;
  std::vector<program::KernelProgram> programs;  // one per network, in spec order
};

inline LoweredSpec lower_spec(const std::string& path, const std::string& text = "") {
  LoweredSpec out{path, nullptr, {}};
  Diagnostics diags;
  out.spec = text.empty() ? load_spec(path, {}, diags) : load_spec_text(path, text, {}, diags);
  INFO(diags.render());
  REQUIRE(out.spec);
  for (const sema::Network& network : out.spec->module.networks) {
    auto program = lower::lower(out.spec->module, network.name, {}, diags);
    INFO(diags.render());
    REQUIRE(program);
    out.programs.push_back(std::move(*program));
  }
  return out;
}

// Every spec file under specs/, in name order.
inline std::vector<std::string> spec_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(SGNTK_SOURCE_DIR "/specs"))
    if (entry.path().extension() == ".sgntk") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

inline runtime::KernelProgram bound(const program::KernelProgram& p) {
  runtime::BindResult result = runtime::bind(p);
  for (const auto& problem : result.problems) MESSAGE(problem.message);
  REQUIRE(result.program);
  return std::move(*result.program);
}

inline runtime::RowMatrix random_points(int n, int dim, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  runtime::RowMatrix x(n, dim);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = normal(rng);
  return x;
}

inline bool bitwise_equal(const runtime::RowMatrix& a, const runtime::RowMatrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(double)) == 0;
}

}  // namespace sgntk::test
