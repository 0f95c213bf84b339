// The .npy output written in place (mapped_npy_output.h).
#include "runtime/mapped_npy_output.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "runtime/errors.h"
#include "runtime/matrix_io.h"

namespace sgntk::runtime {

MappedNpyOutput::MappedNpyOutput(const std::string& path, std::size_t rows, std::size_t cols)
    : path_(path), rows_(rows), cols_(cols) {
  refuse_folder_target(path);
  const std::string header = npy_header({static_cast<long>(rows), static_cast<long>(cols)});
  header_bytes_ = header.size();
  map_bytes_ = header.size() + rows * cols * sizeof(double);
  fd_ = create_temporary(path, temp_);
  int error = fd_ < 0 ? errno : 0;
  // posix_fallocate sizes the file and allocates its blocks: ftruncate alone would leave a
  // sparse file, and the first page the kernel touches past a full disk would raise SIGBUS.
  if (error == 0) error = ::posix_fallocate(fd_, 0, static_cast<off_t>(map_bytes_));
  if (error == 0) {
    map_ = ::mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (map_ == MAP_FAILED) {
      map_ = nullptr;
      error = errno;
    }
#ifdef MADV_POPULATE_WRITE
    // Every page is written: fault them all in writable now, in one call, instead of one write
    // fault per page from the kernel's threads (a third of the time at N = 4096). Older kernels
    // refuse the advice; then the pages fault in as they are written.
    if (map_) ::madvise(map_, map_bytes_, MADV_POPULATE_WRITE);
#endif
  }
  if (error != 0) {
    if (fd_ >= 0) discard();
    throw DataError(fmt::format("{}: cannot write: {}", path, std::strerror(error)));
  }
  std::memcpy(map_, header.data(), header.size());
  data_ = reinterpret_cast<double*>(static_cast<char*>(map_) + header.size());  // 64-byte aligned
}

MappedNpyOutput::~MappedNpyOutput() {
  if (fd_ >= 0) discard();
}

int MappedNpyOutput::discard() {
  int error = 0;
  if (map_ && ::munmap(map_, map_bytes_) != 0) error = errno;
  if (::close(fd_) != 0 && error == 0) error = errno;
  ::unlink(temp_.c_str());
  map_ = nullptr, data_ = nullptr, fd_ = -1;
  return error;
}

void MappedNpyOutput::flush_rows(std::size_t rows) {
  if (fd_ < 0 || rows <= flushed_rows_) return;
  const std::size_t row_bytes = cols_ * sizeof(double);
  // Only a start: errors surface in commit()'s msync and fsync.
  ::sync_file_range(fd_, static_cast<off_t>(header_bytes_ + flushed_rows_ * row_bytes),
                    static_cast<off_t>((rows - flushed_rows_) * row_bytes), SYNC_FILE_RANGE_WRITE);
  flushed_rows_ = rows;
}

void MappedNpyOutput::commit() {
  int error = ::msync(map_, map_bytes_, MS_SYNC) != 0 ? errno : 0;
  if (::munmap(map_, map_bytes_) != 0 && error == 0) error = errno;
  map_ = nullptr, data_ = nullptr;
  if (error == 0 && ::fsync(fd_) != 0) error = errno;
  if (error == 0 && std::rename(temp_.c_str(), path_.c_str()) != 0) error = errno;
  if (error != 0) {
    discard();
    throw DataError(fmt::format("{}: cannot write: {}", path_, std::strerror(error)));
  }
  ::close(fd_);  // the data is on disk and renamed: a failing close loses nothing
  fd_ = -1;
  sync_folder(folder_of(path_));  // the rename, to disk (best effort, as in write_files_atomically)
}

}  // namespace sgntk::runtime
