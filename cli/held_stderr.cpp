#include "cli/held_stderr.h"

#include <unistd.h>

#include <iostream>

namespace sgntk::cli {

HeldStderr::HeldStderr(bool hold) {
  if (!hold) return;
  held_ = std::tmpfile();
  if (held_ == nullptr) return;  // nothing to hold it in: stderr stays as it is
  std::cerr.flush();
  std::fflush(stderr);
  saved_ = ::dup(STDERR_FILENO);
  if (saved_ < 0 || ::dup2(::fileno(held_), STDERR_FILENO) < 0) {
    if (saved_ >= 0) ::close(saved_);
    saved_ = -1;
    std::fclose(held_);
    held_ = nullptr;
  }
}

std::string HeldStderr::release() {
  std::string text;
  if (held_ == nullptr) return text;
  std::cerr.flush();
  std::fflush(stderr);
  ::dup2(saved_, STDERR_FILENO);
  ::close(saved_);
  saved_ = -1;
  std::rewind(held_);
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, held_)) > 0;) text.append(buffer, n);
  std::fclose(held_);
  held_ = nullptr;
  return text;
}

HeldStderr::~HeldStderr() { release(); }

}  // namespace sgntk::cli
