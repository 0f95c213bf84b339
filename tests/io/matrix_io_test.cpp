// csv and npy matrix I/O: round trips, and every malformed input reported as a DataError that
// names the file (and the line, for csv).
#include <doctest/doctest.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "runtime/errors.h"
#include "runtime/matrix_io.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace sgntk::runtime;
namespace fs = std::filesystem;
using sgntk::test::TempDir;

RowMatrix awkward_values() {
  RowMatrix m(3, 4);
  m << 0.1, -2.5e-300, 1.0 / 3.0, 6.02214076e23,  //
      -0.0, 1e308, std::numeric_limits<double>::denorm_min(), 42,  //
      M_PI, -M_E, 1e-5, 123456789.123456789;
  return m;
}

std::string npy_with_header(const std::string& dict, std::size_t data_bytes) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  out += static_cast<char>(header.size());
  out += '\0';
  return out + header + std::string(data_bytes, '\0');
}

}  // namespace

TEST_CASE("matrices round-trip exactly through csv and npy") {
  TempDir dir("sgntk_io");
  const RowMatrix m = awkward_values();
  for (const char* name : {"m.csv", "m.npy"}) {
    CAPTURE(name);
    write_matrix(dir.file(name), m);
    const RowMatrix back = read_matrix(dir.file(name));
    REQUIRE(back.rows() == 3);
    REQUIRE(back.cols() == 4);
    CHECK(back == m);
    CHECK(std::signbit(back(1, 0)));  // -0.0 keeps its sign
  }
  // No temporary files are left beside the outputs.
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 2);
}

TEST_CASE("npy files carry a standard 64-byte-aligned version 1.0 header") {
  TempDir dir("sgntk_io");
  const std::vector<double> data(2 * 3 * 4, 1.5);
  write_npy(dir.file("a.npy"), data.data(), {2, 3, 4});
  std::ifstream in(dir.file("a.npy"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t header_len = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
  CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  CHECK((10 + header_len) % 64 == 0);
  CHECK(bytes[10 + header_len - 1] == '\n');
  CHECK(bytes.find("'shape': (2, 3, 4)") != std::string::npos);
  CHECK(bytes.size() == 10 + header_len + data.size() * 8);
  write_npy(dir.file("v.npy"), data.data(), {5});
  std::ifstream in1(dir.file("v.npy"), std::ios::binary);
  const std::string v((std::istreambuf_iterator<char>(in1)), std::istreambuf_iterator<char>());
  CHECK(v.find("'shape': (5,)") != std::string::npos);
}

TEST_CASE("csv comments, blank lines and spaces around fields are accepted") {
  TempDir dir("sgntk_io");
  const RowMatrix m = read_matrix(dir.write("c.csv", "# x0, x1\n\n 1.5 , -2\n# mid\n3,4e-1\r\n"));
  RowMatrix expected(2, 2);
  expected << 1.5, -2, 3, 0.4;
  CHECK(m == expected);
}

TEST_CASE("malformed csv is reported with file and line") {
  TempDir dir("sgntk_io");
  SUBCASE("ragged rows") {
    const std::string f = dir.write("r.csv", "1,2,3\n# c\n4,5\n");
    CHECK_THROWS_WITH_AS(read_matrix(f), doctest::Contains("r.csv:3: ragged rows: 2 fields, but the first row has 3"),
                         DataError);
  }
  SUBCASE("NaN") {
    const std::string f = dir.write("n.csv", "1,2\n3,nan\n");
    CHECK_THROWS_WITH_AS(read_matrix(f), doctest::Contains("n.csv:2: field 2 is not finite"), DataError);
  }
  SUBCASE("infinity") {
    CHECK_THROWS_WITH_AS(read_matrix(dir.write("i.csv", "inf\n")), doctest::Contains("not finite"), DataError);
  }
  SUBCASE("not a number") {
    CHECK_THROWS_WITH_AS(read_matrix(dir.write("x.csv", "1,2\n3,4x\n")), doctest::Contains("x.csv:2: field 2 is not a number: '4x'"),
                         DataError);
  }
  SUBCASE("empty field") {
    CHECK_THROWS_WITH_AS(read_matrix(dir.write("e.csv", "1,,2\n")), doctest::Contains("field 2 is not a number"), DataError);
  }
  SUBCASE("a number beyond the range of a double says so, with its line") {
    CHECK_THROWS_WITH_AS(read_matrix(dir.write("u.csv", "1,2\n3,1e-400\n")),
                         doctest::Contains("u.csv:2: field 2 is out of the range of a double (underflow): '1e-400'"),
                         DataError);
    CHECK_THROWS_WITH_AS(read_matrix(dir.write("o.csv", "-1e400\n")),
                         doctest::Contains("o.csv:1: field 1 is out of the range of a double (overflow): '-1e400'"),
                         DataError);
  }
  SUBCASE("a directory is named as one, not as an empty file") {
    std::filesystem::create_directory(dir.file("folder.csv"));
    CHECK_THROWS_WITH_AS(read_matrix(dir.file("folder.csv")),
                         doctest::Contains("folder.csv: is a directory, not a data file"), DataError);
    std::filesystem::create_directory(dir.file("folder"));
    CHECK_THROWS_WITH_AS(read_matrix(dir.file("folder")), doctest::Contains("folder: is a directory"), DataError);
  }
  SUBCASE("empty file") {
    CHECK_THROWS_WITH_AS(read_matrix(dir.write("empty.csv", "")), doctest::Contains("empty file"), DataError);
    CHECK_THROWS_WITH_AS(read_matrix(dir.write("comments.csv", "# only\n\n")), doctest::Contains("empty file"), DataError);
  }
  SUBCASE("missing file") {
    CHECK_THROWS_WITH_AS(read_matrix(dir.file("absent.csv")), doctest::Contains("absent.csv: cannot open"), DataError);
  }
  SUBCASE("unknown extension") {
    CHECK_THROWS_WITH_AS(read_matrix(dir.write("a.txt", "1\n")), doctest::Contains("unknown file type '.txt'"), DataError);
  }
}

TEST_CASE("malformed npy is reported") {
  TempDir dir("sgntk_io");
  const std::string dict_ok = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
  SUBCASE("a well-formed file reads") {
    CHECK(read_matrix(dir.write("ok.npy", npy_with_header(dict_ok, 32))) == RowMatrix::Zero(2, 2));
  }
  SUBCASE("bad magic") {
    CHECK_THROWS_WITH_AS(read_matrix(dir.write("m.npy", "NUMPY not really")), doctest::Contains("bad magic"), DataError);
  }
  SUBCASE("wrong dtype") {
    const std::string f = dir.write("c16.npy", npy_with_header("{'descr': '<c16', 'fortran_order': False, 'shape': (2, 2), }", 64));
    CHECK_THROWS_WITH_AS(read_matrix(f), doctest::Contains("'<c16' is not supported"), DataError);
  }
  SUBCASE("missing shape") {
    const std::string f = dir.write("s.npy", npy_with_header("{'descr': '<f8', 'fortran_order': False, }", 0));
    CHECK_THROWS_WITH_AS(read_matrix(f), doctest::Contains("no 'shape' entry"), DataError);
  }
  SUBCASE("three dimensions") {
    const std::string f = dir.write("3d.npy", npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 2), }", 32));
    CHECK_THROWS_WITH_AS(read_matrix(f), doctest::Contains("3 dimensions"), DataError);
  }
  SUBCASE("truncated data") {
    CHECK_THROWS_WITH_AS(read_matrix(dir.write("t.npy", npy_with_header(dict_ok, 24))), doctest::Contains("needs 32"),
                         DataError);
  }
  SUBCASE("truncated header") {
    CHECK_THROWS_WITH_AS(read_matrix(dir.write("h.npy", npy_with_header(dict_ok, 0).substr(0, 40))),
                         doctest::Contains("truncated"), DataError);
  }
  SUBCASE("NaN") {
    std::string bytes = npy_with_header(dict_ok, 0);
    const double values[4] = {1, 2, std::nan(""), 4};
    bytes.append(reinterpret_cast<const char*>(values), sizeof values);
    CHECK_THROWS_WITH_AS(read_matrix(dir.write("nan.npy", bytes)), doctest::Contains("element (1, 0) is not finite"),
                         DataError);
  }
  SUBCASE("Fortran order is transposed into place") {
    std::string bytes = npy_with_header("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", 0);
    const double values[6] = {1, 4, 2, 5, 3, 6};  // column by column
    bytes.append(reinterpret_cast<const char*>(values), sizeof values);
    RowMatrix expected(2, 3);
    expected << 1, 2, 3, 4, 5, 6;
    CHECK(read_matrix(dir.write("f.npy", bytes)) == expected);
  }
}

TEST_CASE("an unwritable path raises a data error and leaves no file behind") {
  TempDir dir("sgntk_io");
  const RowMatrix m = awkward_values();
  for (const char* name : {"missing/dir/out.csv", "missing/dir/out.npy"}) {
    CHECK_THROWS_WITH_AS(write_matrix(dir.file(name), m), doctest::Contains("cannot write"), DataError);
  }
  fs::create_directory(dir.path / "locked");
  fs::permissions(dir.path / "locked", fs::perms::owner_read | fs::perms::owner_exec);
  if (::access((dir.path / "locked").c_str(), W_OK) == 0) {
    MESSAGE("running as root: permission checks are not enforced, skipping the read-only directory case");
  } else {
    CHECK_THROWS_WITH_AS(write_matrix(dir.file("locked/out.npy"), m), doctest::Contains("Permission denied"), DataError);
  }
  fs::permissions(dir.path / "locked", fs::perms::owner_all);
  CHECK(fs::is_empty(dir.path / "locked"));
  // A failed overwrite keeps the old file intact: the target is only ever replaced whole.
  write_matrix(dir.file("keep.csv"), m);
  CHECK_THROWS_AS(write_matrix(dir.file("keep.csv/child.csv"), m), DataError);
  CHECK(read_matrix(dir.file("keep.csv")) == m);
}

TEST_CASE("written files get the permissions the umask gives, not a temporary file's 0600") {
  TempDir dir("sgntk_io");
  const mode_t old = ::umask(022);
  write_matrix(dir.file("m.csv"), awkward_values());
  write_npy(dir.file("a.npy"), awkward_values().data(), {12});
  ::umask(old);
  for (const char* name : {"m.csv", "a.npy"}) {
    CAPTURE(name);
    const fs::perms p = fs::status(dir.file(name)).permissions();
    CHECK((p & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                   fs::perms::others_read));
  }
}

TEST_CASE("the one atomic writer writes every file or none, and leaves no temporary behind") {
  TempDir dir("sgntk_io");
  const std::string old_a = dir.write("a.csv", "1,2\n");
  // The second target's folder does not exist: nothing changes, not even the first file.
  CHECK_THROWS_AS(write_files_atomically({{old_a, "3,4\n"}, {dir.file("missing/b.csv"), "5\n"}}), DataError);
  std::ifstream in(old_a);
  CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == "1,2\n");
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);

  write_files_atomically({{old_a, "3,4\n"}, {dir.file("b.npy"), matrix_bytes(dir.file("b.npy"), awkward_values())}});
  CHECK(read_matrix(old_a) == RowMatrix{{3, 4}});
  CHECK(read_matrix(dir.file("b.npy")) == awkward_values());
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 2);
}

TEST_CASE("the atomic writer refuses a folder target and a path named twice before writing anything") {
  TempDir dir("sgntk_io");
  const std::string old_a = dir.write("a.csv", "1,2\n");
  fs::create_directory(dir.file("cov.csv"));
  auto content = [](const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  // A folder as the second target: the first file keeps its old content (the rename onto the
  // folder would fail only after the first rename).
  CHECK_THROWS_WITH_AS(write_files_atomically({{old_a, "3,4\n"}, {dir.file("cov.csv"), "5\n"}}),
                       doctest::Contains("Is a directory"), DataError);
  CHECK(content(old_a) == "1,2\n");
  // The same file twice, also through another spelling of its path: refused, old content kept.
  const std::string other_spelling = dir.path.string() + "/./a.csv";
  CHECK_THROWS_WITH_AS(write_files_atomically({{old_a, "3,4\n"}, {other_spelling, "5\n"}}),
                       doctest::Contains("the same file twice"), DataError);
  CHECK(content(old_a) == "1,2\n");
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 2);  // a.csv, cov.csv
}
