// The scratch file of solved rows (spilled_rows.h).
#include "runtime/spilled_rows.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "runtime/errors.h"
#include "runtime/matrix_io.h"

namespace sgntk::runtime {
namespace {

[[noreturn]] void fail(const std::string& folder, int error) {
  throw DataError(fmt::format("{}: cannot hold the solved test rows on disk: {}", folder, std::strerror(error)));
}

}  // namespace

SpilledRows::SpilledRows(const std::string& folder, std::size_t records, std::size_t record_bytes)
    : folder_(folder), record_bytes_(record_bytes) {
  std::string temp;
  fd_ = create_temporary((std::filesystem::path(folder) / "sgntk-solved-rows").string(), temp);
  if (fd_ < 0) fail(folder, errno);
  ::unlink(temp.c_str());  // unnamed from now on: the space is freed when the descriptor closes
  if (const int error = ::posix_fallocate(fd_, 0, static_cast<off_t>(records * record_bytes)); error != 0) {
    ::close(fd_);
    fd_ = -1;
    fail(folder, error);
  }
}

SpilledRows::~SpilledRows() {
  if (fd_ >= 0) ::close(fd_);
}

void SpilledRows::write(std::size_t r, std::size_t offset, const void* data, std::size_t bytes) {
  const char* p = static_cast<const char*>(data);
  offset += r * record_bytes_;
  while (bytes > 0) {
    const ssize_t n = ::pwrite(fd_, p, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(folder_, n < 0 ? errno : EIO);
    p += n, offset += static_cast<std::size_t>(n), bytes -= static_cast<std::size_t>(n);
  }
}

void SpilledRows::read(std::size_t r, std::size_t offset, void* data, std::size_t bytes) const {
  char* p = static_cast<char*>(data);
  offset += r * record_bytes_;
  while (bytes > 0) {
    const ssize_t n = ::pread(fd_, p, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(folder_, n < 0 ? errno : EIO);
    p += n, offset += static_cast<std::size_t>(n), bytes -= static_cast<std::size_t>(n);
  }
}

}  // namespace sgntk::runtime
