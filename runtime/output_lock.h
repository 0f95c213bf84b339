// A lock on an output (a result folder or a file): an flock on the lock file PATH.lock beside
// it, so that a second sgntk writing the same output is refused at once instead of mixing its
// files with the first one's. The kernel releases an flock when its holder dies, however it
// dies, so a crashed or killed run never leaves the output locked; the lock file itself is
// removed by the holder on release and reused (overwritten) after a holder that was killed.
#pragma once
#include <string>

namespace sgntk::runtime {

class OutputLock {
 public:
  // Takes the lock on `output` for `command` (what the holder is doing, e.g. "sgntk run
  // fig.sgntk", shown to a refused second writer). The folder holding `output` must exist.
  // Throws DataError when another process holds it: "OUT: another sgntk is writing it (pid N,
  // `COMMAND`, since TIME; lock file OUT.lock): wait for it to finish or choose another output",
  // or when the lock file cannot be created.
  OutputLock(const std::string& output, const std::string& command);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  const std::string& lock_path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// The path of the lock file of `output`: OUTPUT.lock (a trailing '/' of a folder dropped).
std::string lock_path_of(const std::string& output);

}  // namespace sgntk::runtime
