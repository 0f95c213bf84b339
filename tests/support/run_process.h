// Runs a program with arguments in a working directory and captures its exit code, stdout and
// stderr (posix_spawn + two pipes drained with poll, so neither stream can block the child).
#pragma once
#include <string>
#include <vector>

namespace sgntk::test {

struct ProcessResult {
  int exit_code = -1;  // -1 when the child did not exit normally (a signal: a crash)
  std::string out;
  std::string err;
};

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd);

}  // namespace sgntk::test
