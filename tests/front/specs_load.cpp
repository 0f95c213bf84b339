// Every spec shipped in specs/ and every `sgntk` example block of specs/README.md loads cleanly.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "front_helpers.h"
#include "tests/support/read_file.h"

namespace fs = std::filesystem;
using namespace sgntk;
using test::read_file;

namespace {

// The bodies of the ```sgntk fenced blocks of a markdown text.
std::vector<std::string> sgntk_blocks(const std::string& markdown) {
  std::vector<std::string> blocks;
  std::istringstream in(markdown);
  std::string line, block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```sgntk") {
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
}  // namespace

TEST_CASE("every spec under specs/ loads without diagnostics") {
  int count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(SGNTK_SOURCE_DIR) / "specs")) {
    if (entry.path().extension() != ".sgntk") continue;
    CAPTURE(entry.path().string());
    Diagnostics diags;
    auto spec = load_spec(entry.path().string(), {}, diags);
    CHECK_MESSAGE(spec != nullptr, diags.render());
    CHECK(diags.all().empty());
    if (spec) CHECK(!spec->module.networks.empty());
    ++count;
  }
  CHECK(count >= 6);  // three paper specs and at least three examples
}

TEST_CASE("every sgntk example in specs/README.md loads without diagnostics") {
  const auto blocks = sgntk_blocks(read_file(fs::path(SGNTK_SOURCE_DIR) / "specs/README.md"));
  CHECK(blocks.size() >= 3);
  for (const std::string& block : blocks) {
    CAPTURE(block);
    auto l = test::load(block);
    CHECK_MESSAGE(l->spec != nullptr, l->errors());
    CHECK(l->diags.all().empty());
  }
}

TEST_CASE("the paper specs have the paper's network: (2, n, n, 1), sigma_w 1, sigma_b 0.1") {
  for (const char* name : {"erf_ntk", "erf_sgntk", "sign_sgl"}) {
    CAPTURE(name);
    Diagnostics diags;
    auto spec = load_spec(std::string(SGNTK_SOURCE_DIR) + "/specs/paper/" + name + ".sgntk", {}, diags);
    REQUIRE_MESSAGE(spec != nullptr, diags.render());
    const sema::Module& m = spec->module;
    CHECK(m.params.at("m") == 2);
    CHECK(m.params.at("n") == 500);
    const sema::Network* net = m.find_network(name);
    REQUIRE(net != nullptr);
    CHECK(net->input_dim == 2);
    REQUIRE(net->hidden.size() == 2);
    for (const sema::Layer& layer : net->hidden) {
      CHECK(layer.width == 500);
      CHECK(layer.sigma_w == 1);
      CHECK(layer.sigma_b == 0.1);
      CHECK(layer.surrogate.has_value() == (std::string(name) != "erf_ntk"));
      if (layer.surrogate) {  // erf'(x) = 2/sqrt(pi) exp(-x^2)
        CHECK(graph::evaluate(layer.surrogate->expr(), 0.0) == doctest::Approx(1.1283791670955126).epsilon(1e-15));
        CHECK(graph::evaluate(layer.surrogate->expr(), 0.7) ==
              doctest::Approx(2 / std::sqrt(M_PI) * std::exp(-0.49)).epsilon(1e-15));
      }
    }
    CHECK(net->readout.width == 1);
    CHECK(net->readout.sigma_w == 1);
    CHECK(net->readout.sigma_b == 0.1);
  }
}
