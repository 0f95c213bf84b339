// Holds back what this process writes to stderr (file descriptor 2, so C, C++ and fmt output
// alike) for the lifetime of the object, to be shown or dropped afterwards. The ranks other
// than 0 of an MPI job use it: the warnings they print duplicate rank 0's.
#pragma once
#include <cstdio>
#include <string>

namespace sgntk::cli {

class HeldStderr {
 public:
  explicit HeldStderr(bool hold);  // hold = false: stderr stays as it is
  ~HeldStderr();                   // restores stderr; what was held is dropped unless released
  HeldStderr(const HeldStderr&) = delete;
  HeldStderr& operator=(const HeldStderr&) = delete;

  // Restores stderr and returns what was written meanwhile.
  std::string release();

 private:
  std::FILE* held_ = nullptr;  // a temporary file standing in for fd 2
  int saved_ = -1;             // the real stderr, duplicated
};

}  // namespace sgntk::cli
