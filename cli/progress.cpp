#include "cli/progress.h"

#include <cstdio>
#include <fmt/format.h>
#include <unistd.h>

namespace sgntk::cli {

Progress::Progress(std::string label, bool quiet)
    : label_(std::move(label)), enabled_(!quiet && ::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

Progress::~Progress() {
  if (enabled_) std::fputs("\r\033[K", stderr);
}

void Progress::update(double fraction) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (fraction < 1.0 && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const int width = 30;
  const int filled = static_cast<int>(fraction * width);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '.');
  std::string eta;
  if (fraction > 0.01 && fraction < 1.0) eta = fmt::format(", {:.0f} s left", elapsed * (1 - fraction) / fraction);
  fmt::print(stderr, "\r\033[K{} [{}] {:3.0f}% ({:.1f} s{})", label_, bar, 100 * fraction, elapsed, eta);
  std::fflush(stderr);
}

}  // namespace sgntk::cli
