// Faults injected around a real sgntk process: shell scripts that run the binary on a full or
// read-only file system (a small tmpfs in a private mount namespace, `unshare -rm`), under a file
// size limit (prlimit --fsize), or send it SIGINT / SIGTERM mid-computation; and what the tests
// check afterwards: every file left in a folder, byte for byte.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include "tests/support/deep_spec.h"
#include "tests/support/read_file.h"
#include "tests/support/run_process.h"

namespace sgntk::test {

namespace fs = std::filesystem;

// A fresh folder build/write_faults/<name>, with the training data and specs the cases share.
inline fs::path fault_dir(const std::string& name) {
  const fs::path dir = fs::path(SGNTK_BINARY_DIR) / "write_faults" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "x.csv") << "0,1\n1,0\n0.6,0.8\n";
  std::ofstream(dir / "y.csv") << "1\n2\n3\n";
  // Slow enough per step to be stopped mid-training, small enough to finish 10 steps at once.
  std::ofstream(dir / "net.sgntk") << R"(network net(input = 2) {
  dense(width = 300, sigma_w = 1, sigma_b = 0.1, act = sign, surrogate = 2/sqrt(pi) * exp(-x^2))
  dense(width = 300, sigma_w = 1, sigma_b = 0.1, act = sign, surrogate = 2/sqrt(pi) * exp(-x^2))
  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)
}
)";
  // The same with a differentiable activation, for the empirical kernels (true Jacobians).
  std::ofstream(dir / "smooth.sgntk") << R"(network net(input = 2) {
  dense(width = 300, sigma_w = 1, sigma_b = 0.1, act = erf(3 * x), surrogate = exp(-x^2))
  dense(width = 300, sigma_w = 1, sigma_b = 0.1, act = erf(3 * x), surrogate = exp(-x^2))
  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)
}
)";
  return dir;
}

// Runs `body` with /bin/sh in `dir` (also $H), with $X the sgntk binary; `set -u`.
inline ProcessResult shell(const fs::path& dir, const std::string& body) {
  std::ofstream(dir / "body.sh") << "set -u\n" << body;
  const std::string script = "X='" + std::string(SGNTK_EXE) + "'; H='" + dir.string() + "'; export X H; cd \"$H\" && . ./body.sh";
  return run_process({"/bin/sh", "-c", script}, dir.string());
}

// Whether this machine lets an unprivileged process mount a tmpfs in a namespace of its own.
inline bool private_mounts() {
  static const bool available = [] {
    const fs::path probe = fs::path(SGNTK_BINARY_DIR) / "write_faults" / "probe";
    fs::create_directories(probe);
    return run_process({"/bin/sh", "-c", "unshare -rm /bin/sh -c 'mount -t tmpfs -o size=64k tmpfs " +
                        probe.string() + "'"}, probe.string())
               .exit_code == 0;
  }();
  return available;
}

// The same as shell(), in a private mount namespace where $D (dir/mnt) is a fresh tmpfs of `kib`
// KiB. The tmpfs vanishes with the shell: the body copies what the test checks into $H.
inline std::optional<ProcessResult> shell_on_tmpfs(const fs::path& dir, int kib, const std::string& body) {
  if (!private_mounts()) {
    MESSAGE("skipped: no private mount namespace (unshare -rm) on this machine");
    return std::nullopt;
  }
  fs::create_directories(dir / "mnt");
  std::ofstream(dir / "body_in_namespace.sh") << "set -u\ncd \"$D\"\n" << body;
  return shell(dir, "D=\"$H/mnt\"; export D\nexec unshare -rm /bin/sh -c 'mount -t tmpfs -o size=" +
                        std::to_string(kib) + "k tmpfs \"$D\" && . \"$H/body_in_namespace.sh\"'\n");
}

// Shell lines the bodies share: fill the tmpfs to the last block, and copy all of it to $H/after.
inline const std::string fill_disk = "dd if=/dev/zero of=fill bs=4096 2>/dev/null\n";
inline const std::string keep_after = "mkdir \"$H/after\"; cp -a . \"$H/after/\"\n";

// Every file and folder under `dir` (relative paths, sorted) with its bytes ("/" for a folder).
inline std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    out[fs::relative(entry.path(), dir).string()] = entry.is_directory() ? "/" : read_file(entry.path());
  return out;
}

inline std::string names(const std::map<std::string, std::string>& t) {
  std::string out;
  for (const auto& [name, bytes] : t) out += name + "\n";
  return out;
}

// The first line of the shell's stdout that starts with `key=`, without the key ("" if none).
inline std::string said(const ProcessResult& r, const std::string& key) {
  const std::size_t at = ("\n" + r.out).find("\n" + key + "=");
  if (at == std::string::npos) return "";
  const std::size_t start = at + key.size() + 1;
  return r.out.substr(start, r.out.find('\n', start) - start);
}

// The number the shell printed as ms= (the time sgntk took to stop, or to be refused); a
// large number when it printed none.
inline long said_ms(const ProcessResult& r) {
  const std::string ms = said(r, "ms");
  return ms.empty() ? 1L << 40 : std::stol(ms);
}

}  // namespace sgntk::test
