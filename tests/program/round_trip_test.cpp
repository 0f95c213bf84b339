// A program survives its text form: for every network of every spec under specs/ (and a spec
// with plugin surrogates), write -> read gives an equal program, write -> read -> write gives
// the same bytes, and the kernels of the read-back program equal the original's bit for bit.
#include <doctest/doctest.h>

#include "program_fixture.h"
#include "runtime/program/text_format.h"

using namespace sgntk;

namespace {

const char* const plugin_spec = R"(
param m = 3
surrogate fs = plugin("fast_sigmoid", slope = 25)
surrogate er = plugin("erf", alpha = 1, scale = 2)
surrogate unused = plugin("triangle")
network plugged(input = 2) {
  dense(width = 64, sigma_w = 1, sigma_b = 0.1, act = sign, surrogate = er)
  dense(width = 64, sigma_w = 1, sigma_b = 0.1, act = erf(m*x), surrogate = fs)
  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)
}
)";

void check_round_trip(const program::KernelProgram& original) {
  const std::string text = program::write_program(original);
  const program::KernelProgram read = program::read_program(text);
  CHECK(read == original);
  CHECK(program::write_program(read) == text);

  const runtime::KernelProgram a = test::bound(original), b = test::bound(read);
  const runtime::RowMatrix x1 = test::random_points(4, original.input_dim, 7);
  const runtime::RowMatrix x2 = test::random_points(3, original.input_dim, 11);
  for (const auto kind : {runtime::KernelKind::nngp, runtime::KernelKind::ntk, runtime::KernelKind::sgntk}) {
    CAPTURE(static_cast<int>(kind));
    CHECK(test::bitwise_equal(runtime::compute_kernel(a, kind, x1, &x2), runtime::compute_kernel(b, kind, x1, &x2)));
    CHECK(test::bitwise_equal(runtime::compute_kernel(a, kind, x1, nullptr), runtime::compute_kernel(b, kind, x1, nullptr)));
  }
}

}  // namespace

TEST_CASE("every program of every spec under specs/ round-trips through its text form") {
  const std::vector<std::string> files = test::spec_files();
  REQUIRE(files.size() >= 10);
  std::size_t programs = 0;
  for (const std::string& file : files) {
    CAPTURE(file);
    const test::LoweredSpec lowered = test::lower_spec(file);
    for (const program::KernelProgram& p : lowered.programs) {
      CAPTURE(p.network);
      check_round_trip(p);
      ++programs;
    }
  }
  CHECK(programs >= files.size());
}

TEST_CASE("a program with plugin surrogates round-trips, its plugin references included") {
  const test::LoweredSpec lowered = test::lower_spec("plugged.sgntk", plugin_spec);
  REQUIRE(lowered.programs.size() == 1);
  const program::KernelProgram& p = lowered.programs.front();
  REQUIRE(p.plugins.size() == 3);  // every plugin surrogate of the spec, used or not
  CHECK(p.plugins[0] == program::PluginRef{"fs", "fast_sigmoid", {{"slope", 25.0}}});
  CHECK(p.plugins[2].name == "unused");
  check_round_trip(p);
}

TEST_CASE("programs compare equal exactly when they are the same program") {
  const test::LoweredSpec a = test::lower_spec(SGNTK_SOURCE_DIR "/specs/paper/erf_ntk.sgntk");
  const test::LoweredSpec again = test::lower_spec(SGNTK_SOURCE_DIR "/specs/paper/erf_ntk.sgntk");
  const test::LoweredSpec b = test::lower_spec(SGNTK_SOURCE_DIR "/specs/paper/erf_sgntk.sgntk");
  CHECK(a.programs.front() == again.programs.front());
  CHECK(a.programs.front() != b.programs.front());
  program::KernelProgram changed = a.programs.front();
  changed.hidden[1].sigma_b = 0.2;
  CHECK(changed != a.programs.front());
  changed = a.programs.front();
  changed.hidden[0].activation.code.back().value += 1;
  CHECK(changed != a.programs.front());
}
