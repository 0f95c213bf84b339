// A float64 C-order [rows, cols] .npy file computed in place: the data region of a fresh
// temporary beside the target is memory-mapped and handed out as a MatrixView, so a kernel
// writes each entry once, straight into the file, and the matrix is never held twice in memory.
// commit() flushes it to disk and renames it onto the target (atomic: same folder). Destroyed
// without commit() (an error, a NaN, an exception, a cancellation), it removes the temporary
// and the target keeps its older content: the discipline of write_files_atomically().
#pragma once
#include <cstddef>
#include <string>

#include "runtime/kernels.h"

namespace sgntk::runtime {

class MappedNpyOutput {
 public:
  // Refuses a folder target up front; reserves the file's disk space before mapping it, so a
  // full disk is a DataError naming `path` here rather than a SIGBUS while the kernel writes.
  MappedNpyOutput(const std::string& path, std::size_t rows, std::size_t cols);
  ~MappedNpyOutput();
  MappedNpyOutput(const MappedNpyOutput&) = delete;
  MappedNpyOutput& operator=(const MappedNpyOutput&) = delete;

  // The data region, every entry zero until written. Valid until commit() or destruction.
  MatrixView view() const { return {data_, rows_, cols_, cols_}; }

  // Rows [0, rows) are final: starts writing them to disk now (sync_file_range), so that the
  // disk works while the rest is computed and commit() has less left to wait for.
  void flush_rows(std::size_t rows);

  // msync + fsync + rename onto the target; throws DataError naming the target (the temporary is
  // then removed and the target unchanged). At most once.
  void commit();

 private:
  // Unmaps, closes and removes the temporary; the errno of the first failure, or 0.
  int discard();

  std::string path_, temp_;
  int fd_ = -1;
  void* map_ = nullptr;  // the whole file, header included (a mapping starts on a page boundary)
  std::size_t map_bytes_ = 0;
  double* data_ = nullptr;
  std::size_t rows_, cols_;
  std::size_t header_bytes_ = 0, flushed_rows_ = 0;
};

}  // namespace sgntk::runtime
