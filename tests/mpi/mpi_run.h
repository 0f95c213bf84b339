// Running sgntk under mpirun from the tests of tests/mpi: whether this build and machine can
// (else the test says why and passes), an MPMD mpirun line under a timeout, and the check that a
// failed job reported one diagnostic.
#pragma once
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "runtime/mpi/world.h"
#include "tests/finite_cli/cli_helpers.h"

namespace sgntk::test {

// `name` on PATH, or "" (posix_spawn wants the full path).
inline std::string on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((fs::path(dir) / name).c_str(), X_OK) == 0) return (fs::path(dir) / name).string();
  return "";
}

inline bool mpi_runs_here() {
  if (!sgntk::mpi::built_with_mpi()) {
    MESSAGE("skipped: this sgntk is built without MPI (SGNTK_MPI=OFF, or no OpenMPI found)");
    return false;
  }
  if (on_path("mpirun").empty() || on_path("timeout").empty()) {
    MESSAGE("skipped: mpirun (openmpi-bin, scripts/install-deps.sh) or timeout is not on PATH");
    return false;
  }
  return true;
}

// The mpirun command line, up to the program lines: --oversubscribe (more ranks than cores),
// no binding, and --allow-run-as-root where the tests run as root.
inline std::vector<std::string> mpirun_prefix() {
  std::vector<std::string> argv{on_path("mpirun"), "--oversubscribe", "--bind-to", "none"};
  if (::geteuid() == 0) argv.push_back("--allow-run-as-root");
  return argv;
}

// `mpirun` with one program line per element of `ranks` (MPMD: "-np N sgntk COMMAND ARGS" joined
// by ':'), under a 120 s timeout: a job that hangs ends with 124.
inline ProcessResult mpirun(const std::vector<std::pair<int, std::vector<std::string>>>& ranks,
                            const std::string& command = "train") {
  std::vector<std::string> argv{on_path("timeout"), "120"};
  for (const std::string& word : mpirun_prefix()) argv.push_back(word);
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    if (i > 0) argv.push_back(":");
    argv.insert(argv.end(), {"-np", std::to_string(ranks[i].first), SGNTK_EXE, command});
    argv.insert(argv.end(), ranks[i].second.begin(), ranks[i].second.end());
  }
  return run_process(argv, source_dir);
}

inline long count(const std::string& text, const std::string& part) {
  long n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// The job failed as one process would (exit 1), with its diagnostic (containing `part`) once,
// not after the 120 s timeout.
inline void check_failed_once(const ProcessResult& r, const std::string& part) {
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(count(r.err, "sgntk: error:") == 1);
  CHECK(contains(r.err, part));
}

}  // namespace sgntk::test
