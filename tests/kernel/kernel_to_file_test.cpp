// jobs::kernel_to_file, the kernel computed straight into its output file: the same bytes as the
// in-memory kernel written by write_matrix, and an older file that survives a NaN, a folder
// target, a cancellation or any exception thrown mid-computation, with no temporary left.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "cli/jobs/jobs.h"
#include "runtime/matrix_io.h"
#include "tests/support/temp_dir.h"
#include "tests/support/read_file.h"
#include "tests/kernel/kernel_fixture.h"

using namespace sgntk;
using namespace sgntk::test;
namespace fs = std::filesystem;
using sgntk::test::TempDir;

namespace {

std::string content(const std::string& path) { return sgntk::test::read_file(path); }

runtime::RowMatrix random_points(long n, long d, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  runtime::RowMatrix x(n, d);
  for (long k = 0; k < x.size(); ++k) x.data()[k] = normal(rng);
  return x;
}

// E[phi^2] of 1e200 x is beyond the largest double, and the relu closed form of the next layer is
// inf - inf = NaN (jobs_rules_test).
const char* nan_network = R"(
network net(input = 2) {
  dense(width = 10, act = 1e200 * x)
  dense(width = 10, act = relu(x))
  readout()
}
)";

}  // namespace

TEST_CASE("a kernel computed into its .npy file has the bytes of the in-memory kernel written by write_matrix") {
  TempDir dir("sgntk_kernel_file");
  const Compiled c = compile(paper_network("erf(m*x)", "", 3, 3));
  const runtime::RowMatrix x1 = random_points(130, 3, 1), x2 = random_points(70, 3, 2);
  for (const runtime::RowMatrix* other : {static_cast<const runtime::RowMatrix*>(nullptr), &x2}) {
    for (const runtime::KernelKind kind : {runtime::KernelKind::nngp, runtime::KernelKind::ntk}) {
      CAPTURE(other != nullptr);
      CAPTURE(static_cast<int>(kind));
      const runtime::RowMatrix expected = runtime::compute_kernel(c.program, kind, x1, other);
      for (const char* name : {"k.npy", "k.csv"}) {
        CAPTURE(name);
        jobs::kernel_to_file(c.program, kind, x1, other, dir.file(name), {});
        CHECK(content(dir.file(name)) == runtime::matrix_bytes(dir.file(name), expected));
      }
      CHECK(dir.entries() == 2);
    }
  }
}

TEST_CASE("a NaN kernel leaves the older output byte for byte and no temporary") {
  TempDir dir("sgntk_kernel_file");
  const Compiled c = compile(nan_network);
  runtime::RowMatrix x(2, 2);
  x << -1, 0, 0, 1;
  for (const char* name : {"k.npy", "k.csv"}) {
    CAPTURE(name);
    runtime::write_matrix(dir.file(name), runtime::RowMatrix::Constant(3, 3, 7.0));
    const std::string older = content(dir.file(name));
    CHECK_THROWS_WITH_AS(jobs::kernel_to_file(c.program, runtime::KernelKind::nngp, x, nullptr, dir.file(name), {}),
                         "the nngp kernel is NaN at entry (0, 1); no output written", jobs::NanResult);
    CHECK(content(dir.file(name)) == older);
  }
  CHECK(dir.entries() == 2);
}

TEST_CASE("a folder as the output is refused before the kernel is computed, leaving no temporary") {
  TempDir dir("sgntk_kernel_file");
  const Compiled c = compile(paper_network("erf(m*x)"));
  const runtime::RowMatrix x = random_points(20, 2, 3);
  std::atomic<int> polls{0};
  runtime::KernelOptions options;
  options.cancelled = [&] { return ++polls, false; };
  for (const char* name : {"k.npy", "k.csv"}) {
    CAPTURE(name);
    fs::create_directory(dir.file(name));
    CHECK_THROWS_WITH_AS(jobs::kernel_to_file(c.program, runtime::KernelKind::ntk, x, nullptr, dir.file(name), options),
                         (dir.file(name) + ": cannot write: Is a directory").c_str(), runtime::DataError);
  }
  CHECK(polls == 0);  // not one tile started
  CHECK(dir.entries() == 2);
}

TEST_CASE("a kernel cancelled or failing mid-computation leaves the older output and no temporary") {
  TempDir dir("sgntk_kernel_file");
  const Compiled c = compile(paper_network("erf(m*x)"));
  const runtime::RowMatrix x = random_points(400, 2, 4);
  const std::string path = dir.file("k.npy");
  runtime::write_matrix(path, runtime::RowMatrix::Constant(2, 2, 1.0));
  const std::string older = content(path);

  std::atomic<int> polls{0};
  runtime::KernelOptions cancelled;
  cancelled.cancelled = [&] { return ++polls > 3; };  // a few tiles written, then Ctrl-C
  CHECK_THROWS_AS(jobs::kernel_to_file(c.program, runtime::KernelKind::ntk, x, nullptr, path, cancelled),
                  runtime::Cancelled);
  CHECK(polls > 3);
  CHECK(content(path) == older);
  CHECK(dir.entries() == 1);

  runtime::KernelOptions failing;  // any exception: here from the progress callback
  failing.progress = [](double fraction) {
    if (fraction > 0) throw std::runtime_error("the callback failed");
  };
  CHECK_THROWS_WITH_AS(jobs::kernel_to_file(c.program, runtime::KernelKind::ntk, x, nullptr, path, failing),
                       "the callback failed", std::runtime_error);
  CHECK(content(path) == older);
  CHECK(dir.entries() == 1);
}
