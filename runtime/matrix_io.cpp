// csv and npy reading and writing (matrix_io.h). Readers reject anything but a clean, finite,
// rectangular, non-empty matrix; writers go through a temporary file in the target directory
// that is renamed into place only when complete.
#include "runtime/matrix_io.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "runtime/errors.h"

namespace sgntk::runtime {

static_assert(std::endian::native == std::endian::little, "npy I/O assumes a little-endian host");

namespace {

enum class Format { csv, npy };

Format format_of(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".csv") return Format::csv;
  if (ext == ".npy") return Format::npy;
  throw DataError(fmt::format("{}: unknown file type '{}' (expected .csv or .npy)", path, ext));
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// For a field from_chars rejected as out of range: true when its magnitude is too large for a
// double (1e400), false when it is too small (1e-400). strtod saturates to +-HUGE_VAL on overflow.
bool overflows(std::string_view field) {
  const std::string text(field);
  return std::isinf(std::strtod(text.c_str(), nullptr));
}

// ---- csv ---------------------------------------------------------------------------------------

RowMatrix read_csv(const std::string& path) {
  const std::string text = read_all(path);
  std::vector<double> values;
  long cols = -1, rows = 0;
  std::size_t pos = 0;
  for (int line_no = 1; pos < text.size(); ++line_no) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line = trim(std::string_view(text).substr(pos, end - pos));
    pos = end + 1;
    if (line.empty() || line.front() == '#') continue;
    long fields = 0;
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = line.find(',', start);
      const std::string_view field = trim(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
      ++fields;
      double v = 0;
      const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
      if (ec == std::errc::result_out_of_range && ptr == field.data() + field.size())
        throw DataError(fmt::format("{}:{}: field {} is out of the range of a double ({}): '{}'", path, line_no,
                                    fields, overflows(field) ? "overflow" : "underflow", field));
      if (field.empty() || ec != std::errc() || ptr != field.data() + field.size())
        throw DataError(fmt::format("{}:{}: field {} is not a number: '{}'", path, line_no, fields, field));
      if (!std::isfinite(v))
        throw DataError(fmt::format("{}:{}: field {} is not finite: '{}'", path, line_no, fields, field));
      values.push_back(v);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (cols >= 0 && fields != cols)
      throw DataError(fmt::format("{}:{}: ragged rows: {} fields, but the first row has {}", path, line_no,
                                  fields, cols));
    cols = fields;
    ++rows;
  }
  if (rows == 0) throw DataError(fmt::format("{}: empty file (no data rows)", path));
  return Eigen::Map<const RowMatrix>(values.data(), rows, cols);
}

std::string csv_text(const Eigen::Ref<const RowMatrix>& m) {
  std::string out;
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      if (j > 0) out += ',';
      out += fmt::format("{}", m(i, j));  // shortest text that reads back to the same double
    }
    out += '\n';
  }
  return out;
}

// ---- npy (format versions 1.0, 2.0, 3.0 read; 1.0 written) ------------------------------------

constexpr std::string_view npy_magic = "\x93NUMPY";

// The value text of `key` in the header dict, e.g. "'<f8'" or "(3, 4)".
std::string_view dict_value(std::string_view header, std::string_view key, const std::string& path) {
  const std::string quoted = fmt::format("'{}'", key);
  std::size_t at = header.find(quoted);
  if (at == std::string_view::npos) throw DataError(fmt::format("{}: bad npy header: no '{}' entry", path, key));
  at = header.find(':', at + quoted.size());
  if (at == std::string_view::npos) throw DataError(fmt::format("{}: bad npy header near '{}'", path, key));
  std::string_view rest = trim(header.substr(at + 1));
  const char close = rest.empty() ? ',' : rest.front() == '(' ? ')' : rest.front() == '\'' ? '\'' : ',';
  const std::size_t end = rest.find(close, close == ',' ? 0 : 1);
  if (end == std::string_view::npos) throw DataError(fmt::format("{}: bad npy header near '{}'", path, key));
  return trim(rest.substr(0, close == ',' ? end : end + 1));
}

std::vector<long> parse_shape(std::string_view text, const std::string& path) {
  std::vector<long> shape;
  text = trim(text.substr(1, text.size() - 2));  // strip the parentheses
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    long n = 0;
    const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
    if (item.empty() || ec != std::errc() || ptr != item.data() + item.size() || n < 0)
      throw DataError(fmt::format("{}: bad npy header: shape entry '{}'", path, item));
    shape.push_back(n);
    if (comma == std::string_view::npos) break;
    text = trim(text.substr(comma + 1));
  }
  return shape;
}

// The element types an input npy may have, each read as a double.
struct NpyType {
  std::string_view descr;
  std::size_t size;
  double (*read)(const char*);
};

template <class T>
double read_as_double(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return static_cast<double>(v);
}

const NpyType* npy_type(std::string_view descr) {
  static const NpyType types[] = {
      {"'<f8'", 8, read_as_double<double>},        {"'<f4'", 4, read_as_double<float>},
      {"'<i8'", 8, read_as_double<std::int64_t>},  {"'<i4'", 4, read_as_double<std::int32_t>},
      {"'<i2'", 2, read_as_double<std::int16_t>},  {"'|i1'", 1, read_as_double<std::int8_t>},
      {"'<u8'", 8, read_as_double<std::uint64_t>}, {"'<u4'", 4, read_as_double<std::uint32_t>},
      {"'<u2'", 2, read_as_double<std::uint16_t>}, {"'|u1'", 1, read_as_double<std::uint8_t>},
      {"'|b1'", 1, read_as_double<bool>},
  };
  for (const NpyType& t : types)
    if (t.descr == descr) return &t;
  return nullptr;
}

RowMatrix read_npy(const std::string& path) {
  const std::string bytes = read_all(path);
  if (bytes.size() < 10 || std::string_view(bytes).substr(0, 6) != npy_magic)
    throw DataError(fmt::format("{}: not an npy file (bad magic string)", path));
  const int major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0, header_start = 0;
  const auto byte = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(bytes[i])); };
  if (major == 1) {
    header_len = byte(8) | byte(9) << 8;
    header_start = 10;
  } else if ((major == 2 || major == 3) && bytes.size() >= 12) {
    header_len = byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24;
    header_start = 12;
  } else {
    throw DataError(fmt::format("{}: unsupported npy format version {}", path, major));
  }
  if (header_start + header_len > bytes.size()) throw DataError(fmt::format("{}: bad npy header: truncated", path));
  const std::string_view header(bytes.data() + header_start, header_len);
  const std::string_view descr = dict_value(header, "descr", path);
  const NpyType* type = npy_type(descr);
  if (!type)
    throw DataError(fmt::format("{}: npy data type {} is not supported (a little-endian float, integer or bool)",
                                path, descr));
  const std::string_view order = dict_value(header, "fortran_order", path);
  if (order != "False" && order != "True") throw DataError(fmt::format("{}: bad npy header: fortran_order {}", path, order));
  const std::string_view shape_text = dict_value(header, "shape", path);
  if (shape_text.front() != '(') throw DataError(fmt::format("{}: bad npy header: shape {}", path, shape_text));
  std::vector<long> shape = parse_shape(shape_text, path);
  if (shape.size() == 1) shape.insert(shape.begin(), 1);  // a 1-D array is one point
  if (shape.size() != 2)
    throw DataError(fmt::format("{}: npy array has {} dimensions, expected a 2-D matrix (or 1-D: one point)", path,
                                shape.size()));
  const long rows = shape[0], cols = shape[1];
  if (rows == 0 || cols == 0) throw DataError(fmt::format("{}: empty matrix ({} x {})", path, rows, cols));
  const std::size_t data_bytes = static_cast<std::size_t>(rows * cols) * type->size;
  if (bytes.size() - header_start - header_len != data_bytes)
    throw DataError(fmt::format("{}: npy data holds {} bytes, the header's shape ({}, {}) needs {}", path,
                                bytes.size() - header_start - header_len, rows, cols, data_bytes));
  // Element (i, j) is at i * cols + j in C order, at j * rows + i in Fortran order.
  const bool fortran = order == "True";
  RowMatrix m(rows, cols);
  const char* data = bytes.data() + header_start + header_len;
  for (long i = 0; i < rows; ++i)
    for (long j = 0; j < cols; ++j)
      m(i, j) = type->read(data + static_cast<std::size_t>(fortran ? j * rows + i : i * cols + j) * type->size);
  for (long i = 0; i < m.size(); ++i)
    if (!std::isfinite(m.data()[i]))
      throw DataError(fmt::format("{}: element ({}, {}) is not finite ({})", path, i / cols, i % cols, m.data()[i]));
  return m;
}

}  // namespace

std::string npy_header(const std::vector<long>& shape) {
  std::string dims;
  for (long n : shape) dims += fmt::format("{}, ", n);
  if (shape.size() > 1) dims.resize(dims.size() - 2);  // (3,) for 1-D, (3, 4) otherwise
  else dims.pop_back();
  std::string header = fmt::format("{{'descr': '<f8', 'fortran_order': False, 'shape': ({}), }}", dims);
  // Pad with spaces so that magic (6) + version (2) + length (2) + header ends on a multiple of
  // 64 bytes, the header ending in '\n' (the npy format specification).
  const std::size_t total = (10 + header.size() + 1 + 63) / 64 * 64;
  header.append(total - 10 - header.size() - 1, ' ');
  header += '\n';
  std::string out(npy_magic);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header;
}

namespace {

std::string npy_bytes(const double* data, const std::vector<long>& shape) {
  std::size_t count = 1;
  for (long n : shape) count *= static_cast<std::size_t>(n);
  std::string out = npy_header(shape);
  out.append(reinterpret_cast<const char*>(data), count * sizeof(double));
  return out;
}

}  // namespace

std::string folder_of(const std::string& path) {
  const std::filesystem::path target(path);
  return target.has_parent_path() ? target.parent_path().string() : std::string(".");
}

int sync_folder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int error = ::fsync(fd) != 0 ? errno : 0;
  ::close(fd);
  return error;
}

// Not mkstemp: that creates mode 0600, and the renamed output would not be readable by the
// group; open(O_EXCL, 0666) lets the umask decide, as for any other file the user writes.
int create_temporary(const std::string& path, std::string& temp) {
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path target(path);
  const std::filesystem::path dir = folder_of(path);
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp = (dir / fmt::format(".{}.tmp.{}.{}", target.filename().string(), ::getpid(), counter++)).string();
    // Read and write: a memory map of the file (mapped_npy_output.h) needs both.
    const int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;
}

int write_and_sync(int fd, const std::string& bytes) {
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return ::fsync(fd) != 0 ? errno : 0;
}

RowMatrix read_matrix(const std::string& path) {
  // Reading a directory opens fine and yields no bytes: say what it is rather than "empty file".
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw DataError(fmt::format("{}: is a directory, not a data file (expected a .csv or .npy file)", path));
  return format_of(path) == Format::csv ? read_csv(path) : read_npy(path);
}

std::string matrix_bytes(const std::string& path, const Eigen::Ref<const RowMatrix>& m) {
  if (format_of(path) == Format::csv) return csv_text(m);
  const RowMatrix dense = m;  // a Ref may have an outer stride; npy wants contiguous rows
  return npy_bytes(dense.data(), {static_cast<long>(m.rows()), static_cast<long>(m.cols())});
}

std::string npy_array_bytes(const std::string& path, const double* data, const std::vector<long>& shape) {
  if (shape.empty()) throw DataError(fmt::format("{}: an npy array needs at least one dimension", path));
  return npy_bytes(data, shape);
}

void refuse_folder_target(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw DataError(fmt::format("{}: cannot write: Is a directory", path));
}

namespace {

// What would make a rename fail after the first target has changed, checked before any file is
// touched: a target that is a folder, or one path named twice (--out p.csv --cov p.csv).
void check_targets(const std::vector<std::pair<std::string, std::string>>& files) {
  namespace fs = std::filesystem;
  std::vector<fs::path> seen;
  for (const auto& [path, bytes] : files) {
    refuse_folder_target(path);
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (ec) canonical = fs::absolute(path);
    for (const fs::path& other : seen)
      if (other == canonical) throw DataError(fmt::format("{}: cannot write the same file twice in one result", path));
    seen.push_back(std::move(canonical));
  }
}

}  // namespace

void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files) {
  check_targets(files);
  std::vector<std::string> temps;
  auto fail = [&](const std::string& path, int error) {
    for (const std::string& t : temps) ::unlink(t.c_str());
    throw DataError(fmt::format("{}: cannot write: {}", path, std::strerror(error)));
  };
  for (const auto& [path, bytes] : files) {
    std::string temp;
    const int fd = create_temporary(path, temp);
    if (fd < 0) fail(path, errno);
    temps.push_back(temp);
    int error = write_and_sync(fd, bytes);
    if (::close(fd) != 0 && error == 0) error = errno;
    if (error != 0) fail(path, error);
  }
  // Every file is complete on disk; only now does any target change.
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (std::rename(temps[i].c_str(), files[i].first.c_str()) != 0) {
      const int error = errno;
      temps.erase(temps.begin(), temps.begin() + static_cast<long>(i));
      fail(files[i].first, error);
    }
  }
  // The renames themselves, to disk (best effort: the files are complete and in place).
  std::vector<std::string> folders;
  for (const auto& [path, bytes] : files)
    if (const std::string f = folder_of(path); std::find(folders.begin(), folders.end(), f) == folders.end())
      folders.push_back(f);
  for (const std::string& f : folders) sync_folder(f);
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  write_files_atomically({{path, bytes}});
}

void write_matrix(const std::string& path, const Eigen::Ref<const RowMatrix>& m) {
  write_file_atomically(path, matrix_bytes(path, m));
}

void write_npy(const std::string& path, const double* data, const std::vector<long>& shape) {
  write_file_atomically(path, npy_array_bytes(path, data, shape));
}

}  // namespace sgntk::runtime
