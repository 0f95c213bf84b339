// Issue 4's "must show", as a user does it: follow plugins/README.md to write and build a plugin
// outside the source tree, load it from a spec, and get the SG-NTK of a sign network that the
// same surrogate written in the spec language gives.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "runtime/matrix_io.h"
#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using sgntk::test::run_process;

namespace {

const std::string source_dir = SGNTK_SOURCE_DIR;

// The ```sh code blocks of a markdown file, in order.
std::vector<std::string> shell_blocks(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> blocks;
  std::string line, block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```sh") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      blocks.push_back(block);
    } else if (inside) {
      block += line + "\n";
    }
  }
  return blocks;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

}  // namespace

TEST_CASE("a plugin built outside the tree from plugins/README.md gives the SG-NTK of the same surrogate in the spec") {
  const fs::path dir = fs::temp_directory_path() / ("sgntk_readme_plugin_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const auto blocks = shell_blocks(source_dir + "/plugins/README.md");
  std::string write_source, build;
  for (const auto& b : blocks) {
    if (b.find("cat > my_tanh.c") != std::string::npos) write_source = b;
    if (b.find("cc ") == 0) build = b;
  }
  REQUIRE_MESSAGE(!write_source.empty(), "plugins/README.md lost its example plugin");
  REQUIRE_MESSAGE(!build.empty(), "plugins/README.md lost its one-line build command");
  const std::string script = "set -e\nexport SGNTK='" + source_dir + "'\n" +
                             replace_all(write_source, "/tmp/myplugin", dir.string()) + "cd '" + dir.string() + "'\n" + build;
  const auto built = run_process({"/bin/bash", "-c", script}, source_dir);
  INFO(built.err);
  REQUIRE(built.exit_code == 0);
  REQUIRE(fs::exists(dir / "libmy_tanh.so"));

  const std::string spec = (dir / "sign_tanh.sgntk").string();
  std::ofstream(spec) << R"(
surrogate from_plugin = plugin("my_tanh", k = 2)
surrogate in_spec(x) = 1 - tanh(2*x)^2
network with_plugin(input = 2) {
  dense(width = 100, sigma_w = 1, sigma_b = 0.1, act = sign, surrogate = from_plugin)
  dense(width = 100, sigma_w = 1, sigma_b = 0.1, act = sign, surrogate = from_plugin)
  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)
}
network with_expression(input = 2) {
  dense(width = 100, sigma_w = 1, sigma_b = 0.1, act = sign, surrogate = in_spec)
  dense(width = 100, sigma_w = 1, sigma_b = 0.1, act = sign, surrogate = in_spec)
  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)
}
)";
  // Inputs of different norms, so that the (asymmetric) SG-NTK is computed in full.
  const std::string x1 = (dir / "x1.csv").string();
  std::ofstream(x1) << "0,1\n0.3,-0.2\n1.5,0.5\n-0.7,0.9\n";
  std::vector<sgntk::runtime::RowMatrix> kernels;
  for (const std::string network : {"with_plugin", "with_expression"}) {
    const std::string out = (dir / (network + ".npy")).string();
    const auto r = run_process({SGNTK_EXE, "kernel", spec, "--network", network, "--kind", "sgntk", "--plugin-path",
                                dir.string(), "--x1", x1, "--x2", "specs/data/circle_grid.csv", "--out", out, "--quiet"},
                               source_dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    kernels.push_back(sgntk::runtime::read_matrix(out));
  }
  const double scale = kernels[1].cwiseAbs().maxCoeff();
  CHECK((kernels[0] - kernels[1]).cwiseAbs().maxCoeff() <= 1e-9 * scale);
  fs::remove_all(dir);
}
