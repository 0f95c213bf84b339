// The lock of an output (output_lock.h).
#include "runtime/output_lock.h"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "runtime/errors.h"

namespace sgntk::runtime {

std::string lock_path_of(const std::string& output) {
  std::string path = output;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path + ".lock";
}

namespace {

// The holder's "pid N, `COMMAND`, since TIME", as it wrote it into the lock file (its three lines).
std::string holder_of(int fd) {
  char buffer[4096];
  const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  std::string text(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
  std::string lines[3];
  std::size_t start = 0;
  for (std::string& line : lines) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) break;
    line = text.substr(start, end - start);
    start = end + 1;
  }
  // The holder writes its lines just after it takes the lock: an empty file is a holder that
  // has not written them yet.
  if (lines[0].empty()) return "pid unknown";
  return fmt::format("pid {}, `{}`, since {}", lines[0], lines[1], lines[2]);
}

}  // namespace

OutputLock::OutputLock(const std::string& output, const std::string& command) : path_(lock_path_of(output)) {
  for (;;) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0)
      throw DataError(fmt::format("{}: cannot create the lock file {}: {}", output, path_, std::strerror(errno)));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      const std::string holder = error == EWOULDBLOCK ? holder_of(fd_) : "";
      ::close(fd_);
      fd_ = -1;
      if (error != EWOULDBLOCK)
        throw DataError(fmt::format("{}: cannot lock {}: {}", output, path_, std::strerror(error)));
      throw DataError(fmt::format("{}: another sgntk is writing it ({}; lock file {}): wait for it to finish or "
                                  "choose another output",
                                  output, holder, path_));
    }
    // A holder removes the lock file when it is done, possibly between our open and our flock:
    // then we hold a lock on a file nobody else can find, and must lock the path's new file.
    struct stat held {}, named {};
    if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev)
      break;
    ::close(fd_);
  }
  const std::string holder = fmt::format("{}\n{}\n{:%Y-%m-%dT%H:%M:%SZ}\n", ::getpid(), command,
                                         fmt::gmtime(std::time(nullptr)));
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, holder.data(), holder.size(), 0) < 0) {
    // Best effort: the text only helps a refused writer say who holds the lock.
  }
}

OutputLock::~OutputLock() {
  // Removed while still held, so that no one can take the lock on the file being removed
  // (the inode check above covers one that opened it just before).
  ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace sgntk::runtime
