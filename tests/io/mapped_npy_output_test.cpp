// The .npy output computed in place (runtime/mapped_npy_output.h): the same bytes as
// write_matrix, and the atomic writer's discipline (the older file survives anything but a
// commit, no temporary is ever left, a folder or a full disk is a DataError naming the path).
#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "runtime/errors.h"
#include "runtime/mapped_npy_output.h"
#include "runtime/matrix_io.h"
#include "tests/support/temp_dir.h"
#include "tests/support/read_file.h"

namespace {

using namespace sgntk::runtime;
namespace fs = std::filesystem;
using sgntk::test::TempDir;

std::string content(const std::string& path) { return sgntk::test::read_file(path); }

// Distinct, awkward values (signed zero, subnormals, extremes) in every entry.
RowMatrix filled(Eigen::Index rows, Eigen::Index cols) {
  RowMatrix m(rows, cols);
  const double specials[] = {-0.0, std::numeric_limits<double>::denorm_min(), 1e308, -2.5e-300, M_PI};
  for (Eigen::Index k = 0; k < m.size(); ++k)
    m.data()[k] = k < 5 ? specials[k] : std::sin(static_cast<double>(k)) * std::pow(10.0, static_cast<double>(k % 40 - 20));
  return m;
}

void fill(const MatrixView& view, const RowMatrix& m) {
  for (std::size_t r = 0; r < view.rows; ++r)
    for (std::size_t c = 0; c < view.cols; ++c) view(r, c) = m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
}

}  // namespace

TEST_CASE("a matrix written in place is byte for byte the file write_matrix writes") {
  TempDir dir("sgntk_mapped");
  for (const auto& [rows, cols] : std::vector<std::pair<long, long>>{{1, 1}, {3, 4}, {1, 1000}, {257, 31}}) {
    CAPTURE(rows);
    CAPTURE(cols);
    const RowMatrix m = filled(rows, cols);
    write_matrix(dir.file("reference.npy"), m);
    {
      MappedNpyOutput out(dir.file("mapped.npy"), static_cast<std::size_t>(rows), static_cast<std::size_t>(cols));
      CHECK(out.view().rows == static_cast<std::size_t>(rows));
      CHECK(out.view().stride == static_cast<std::size_t>(cols));
      fill(out.view(), m);
      out.commit();
    }
    const std::string bytes = content(dir.file("mapped.npy"));
    CHECK(bytes.size() == npy_header({rows, cols}).size() + static_cast<std::size_t>(rows * cols) * 8);
    CHECK(bytes == content(dir.file("reference.npy")));
    CHECK(read_matrix(dir.file("mapped.npy")) == m);
    CHECK(dir.entries() == 2);  // no temporary left beside them
  }
}

TEST_CASE("the file in place replaces an older one only at commit, with the umask's permissions") {
  TempDir dir("sgntk_mapped");
  const std::string path = dir.file("k.npy");
  write_matrix(path, filled(2, 2));
  const std::string older = content(path);
  const mode_t old_mask = ::umask(022);
  {
    MappedNpyOutput out(path, 3, 3);
    fill(out.view(), filled(3, 3));
    CHECK(content(path) == older);  // computed, not committed: the target is untouched
    CHECK(dir.entries() == 2);      // the target and the temporary beside it
    out.commit();
  }
  ::umask(old_mask);
  CHECK(read_matrix(path) == filled(3, 3));
  CHECK((fs::status(path).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read));
  CHECK(dir.entries() == 1);
}

TEST_CASE("destroyed without commit (an error, a NaN, an exception), the older file survives and no temporary is left") {
  TempDir dir("sgntk_mapped");
  const std::string path = dir.file("k.npy");
  write_matrix(path, filled(2, 2));
  const std::string older = content(path);
  try {
    MappedNpyOutput out(path, 50, 50);
    fill(out.view(), filled(50, 50));
    throw std::runtime_error("failed mid-way");
  } catch (const std::runtime_error&) {
  }
  CHECK(content(path) == older);
  CHECK(dir.entries() == 1);
  {
    MappedNpyOutput never_written(dir.file("new.npy"), 4, 4);
  }
  CHECK_FALSE(fs::exists(dir.file("new.npy")));
  CHECK(dir.entries() == 1);
}

TEST_CASE("a folder target, a missing folder and a full disk are data errors naming the path, before any entry is written") {
  TempDir dir("sgntk_mapped");
  fs::create_directory(dir.file("k.npy"));
  // The same words as the atomic writer's.
  CHECK_THROWS_WITH_AS(MappedNpyOutput(dir.file("k.npy"), 2, 2), (dir.file("k.npy") + ": cannot write: Is a directory").c_str(),
                       DataError);
  CHECK_THROWS_WITH_AS(write_matrix(dir.file("k.npy"), filled(2, 2)),
                       (dir.file("k.npy") + ": cannot write: Is a directory").c_str(), DataError);
  CHECK_THROWS_WITH_AS(MappedNpyOutput(dir.file("missing/k.npy"), 2, 2),
                       (dir.file("missing/k.npy") + ": cannot write: No such file or directory").c_str(), DataError);
  CHECK(dir.entries() == 1);

  // A disk too small for the output, as a file size limit: the space is reserved before the
  // mapping is written, so this is an error here and never a SIGBUS inside the kernel.
  rlimit old_limit{};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
  rlimit small = old_limit;
  small.rlim_cur = 64 * 1024;
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  CHECK_THROWS_WITH_AS(MappedNpyOutput(dir.file("big.npy"), 1000, 1000),
                       (dir.file("big.npy") + ": cannot write: File too large").c_str(), DataError);
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  CHECK(dir.entries() == 1);  // the folder k.npy only
}
