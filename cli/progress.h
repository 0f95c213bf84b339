// A one-line progress display on stderr: shown only when stderr is a terminal and not --quiet,
// redrawn at most ten times a second, erased when done.
#pragma once
#include <chrono>
#include <string>

namespace sgntk::cli {

class Progress {
 public:
  Progress(std::string label, bool quiet);
  ~Progress();
  void update(double fraction);  // 0..1
  bool enabled() const { return enabled_; }

 private:
  std::string label_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace sgntk::cli
