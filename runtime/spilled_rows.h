// A scratch file of fixed-size records beside an output, for rows a computation solved once and
// reads back many times (the solved test rows of a prediction whose covariance streams to a file,
// predict_tiles.cpp) when they do not fit in memory: read back with pread, so they take page
// cache, never the process's resident memory. The file is unnamed (created and unlinked at once):
// nothing is left behind, whatever the end of the process.
#pragma once
#include <cstddef>
#include <string>

namespace sgntk::runtime {

class SpilledRows {
 public:
  // `records` records of `record_bytes` each, in `folder`; the disk space is reserved up front (a
  // full disk is a DataError naming the folder here).
  SpilledRows(const std::string& folder, std::size_t records, std::size_t record_bytes);
  ~SpilledRows();
  SpilledRows(const SpilledRows&) = delete;
  SpilledRows& operator=(const SpilledRows&) = delete;

  // `bytes` at `offset` within record r; throw DataError on an I/O error.
  void write(std::size_t r, std::size_t offset, const void* data, std::size_t bytes);
  void read(std::size_t r, std::size_t offset, void* data, std::size_t bytes) const;

 private:
  std::string folder_;
  std::size_t record_bytes_;
  int fd_ = -1;
};

}  // namespace sgntk::runtime
