// `sgntk kernel` out of core under stops: SIGKILL and SIGTERM half-way through a --resume run
// keep the finished bands (the partial file and its side file beside --out); the restarted run
// finishes with the bytes of an uninterrupted in-memory run; other inputs are refused; a run
// without --resume that is stopped leaves nothing behind.
#include <doctest/doctest.h>

#include <cmath>

#include "runtime/band_journal.h"
#include "tests/write_faults/fault_shell.h"

using namespace sgntk::test;

namespace {

// 2500 points of different norms, and the paper's erf NTK spec (a few seconds on one thread).
fs::path with_points(const std::string& name) {
  const fs::path dir = fault_dir(name);
  std::ofstream points(dir / "points.csv");
  for (int i = 0; i < 2500; ++i)
    points << (0.3 + 0.001 * i) * std::cos(0.37 * i) << "," << (0.3 + 0.001 * i) * std::sin(1.3 * i) << "\n";
  return dir;
}

// The kernel into `out` (in memory: 50 MB is far below the default budget); out of core the
// budget of 8M makes bands of 16 rows (157 of them).
const std::string budget = "--memory-budget 8M ";
const std::string paper_spec = std::string(SGNTK_SOURCE_DIR) + "/specs/paper/erf_ntk.sgntk";
std::string kernel(const std::string& out, const std::string& more = "", const std::string& spec = paper_spec) {
  return "\"$X\" kernel \"" + spec + "\" --kind ntk --x1 points.csv --quiet --threads 1 --out " + out +
         (more.empty() ? "" : " " + more);
}

// Shell lines: wait until the side file records `bands` bands (or the run ended), then send `signal`.
std::string stop_after_bands(int bands, const std::string& signal) {
  return "while kill -0 $pid 2>/dev/null && [ $(cat .k.npy.partial.bands 2>/dev/null | grep -c '^done') -lt " +
         std::to_string(bands) + " ]; do sleep 0.01; done\nkill -" + signal + " $pid; wait $pid; echo rc=$?\n";
}

// Prints KEY= and the files beside k.npy (its partial result, side file, temporary, lock file).
std::string leftovers(const std::string& key) {
  return "echo " + key + "=$(LC_ALL=C ls -a | grep -e '^\\.k\\.npy' -e 'k\\.npy\\.lock' | tr '\\n' ' ')\n";
}

}  // namespace

TEST_CASE("kernel --resume killed half-way (SIGKILL) resumes from its side file to the bytes of an uninterrupted run") {
  const fs::path dir = with_points("kernel_resume_kill");
  const auto r = shell(dir, kernel("reference.npy") + " || exit 9\n" + kernel("k.npy", budget + "--resume") + " & pid=$!\n" +
                                stop_after_bands(20, "KILL") + leftovers("killed") + "cp .k.npy.partial.bands bands_after_kill\n" +
                                kernel("k.npy", budget + "--resume") + " 2>err_resume; echo resume_rc=$?\n" +
                                "cmp -s reference.npy k.npy && echo same=yes\n" + leftovers("left"));
  INFO(r.out, r.err);
  CHECK(said(r, "rc") == "137");
  // Killed: the partial result and its side file stay (the lock file too: its flock died with sgntk).
  CHECK(said(r, "killed") == ".k.npy.partial .k.npy.partial.bands k.npy.lock");
  const auto state = sgntk::runtime::read_band_journal((dir / "bands_after_kill").string());
  REQUIRE(state.has_value());
  CHECK(state->header.rows == 2500);
  CHECK(state->header.cols == 2500);
  CHECK(state->header.band_rows == 16);
  CHECK(state->done.size() >= 20);
  CHECK(state->done.size() < 157);  // half-way, not at the end
  CHECK(said(r, "resume_rc") == "0");
  CHECK(said(r, "same") == "yes");
  CHECK(said(r, "left") == "");  // nothing beside k.npy
}

TEST_CASE("kernel --resume stopped by SIGTERM exits 143 and keeps its bands, and other inputs are refused with exit 1") {
  const fs::path dir = with_points("kernel_resume_term");
  const auto r = shell(dir, kernel("reference.npy") + " || exit 9\n" + kernel("k.npy", budget + "--resume") + " & pid=$!\n" +
                                stop_after_bands(10, "TERM") + leftovers("stopped") +
                                kernel("k.npy", budget + "--resume --set m=3") + " 2>err_mismatch; echo mismatch_rc=$?\n" +
                                "\"$X\" kernel \"" + SGNTK_SOURCE_DIR +
                                "/specs/paper/erf_ntk.sgntk\" --kind ntk --x1 points.csv --threads 1 "
                                "--memory-budget 8M --out k.npy --resume 2>err_resume; echo resume_rc=$?\n"
                                "cmp -s reference.npy k.npy && echo same=yes\n" + leftovers("left"));
  INFO(r.out, r.err);
  CHECK(said(r, "rc") == "143");
  // Stopped cleanly: the lock is released, the partial result and its side file stay.
  CHECK(said(r, "stopped") == ".k.npy.partial .k.npy.partial.bands");
  CHECK(said(r, "mismatch_rc") == "1");
  CHECK(read_file(dir / "err_mismatch") ==
        "sgntk: error: k.npy: --resume: the partial result ./.k.npy.partial was computed from other inputs or options "
        "(spec, network, --set, kind, data or shape differ); run without --resume to start over\n");
  CHECK(said(r, "resume_rc") == "0");
  CHECK(read_file(dir / "err_resume").find("sgntk: k.npy: resuming: ") == 0);
  CHECK(read_file(dir / "err_resume").find(" of 157 bands from an earlier run\n") != std::string::npos);
  CHECK(said(r, "same") == "yes");
  CHECK(said(r, "left") == "");
}

TEST_CASE("kernel --out-of-core stopped by SIGTERM without --resume leaves nothing behind and the older output whole") {
  const fs::path dir = with_points("kernel_out_of_core_term");
  write_deep_spec(dir, 32);  // seconds of kernels: the signal 0.2 s in lands mid-computation
  const auto r = shell(dir, "echo older > k.npy\n" + kernel("k.npy", budget + "--out-of-core", "deep.sgntk") + " & pid=$!\n" +
                                "while kill -0 $pid 2>/dev/null && ! ls -a | grep -q '^\\.k\\.npy\\.tmp'; do sleep 0.01; done\n"
                                "sleep 0.2; kill -TERM $pid; wait $pid; echo rc=$?\n" + leftovers("left"));
  INFO(r.out, r.err);
  CHECK(said(r, "rc") == "143");
  CHECK(said(r, "left") == "");
  CHECK(read_file(dir / "k.npy") == "older\n");
}

TEST_CASE("kernel out of core on a full disk and past the file size limit: exit 1 at once, the older output whole, nothing left") {
  const fs::path dir = with_points("kernel_out_of_core_full_disk");
  const std::string k = "\"$X\" kernel \"" + std::string(SGNTK_SOURCE_DIR) +
                        "/specs/paper/erf_ntk.sgntk\" --kind nngp --x1 \"$H/x.csv\" --quiet --out k.npy ";
  const auto r = shell_on_tmpfs(dir, 256,
                                k + "|| exit 9\ncp k.npy \"$H/before.npy\"\n" + fill_disk +
                                k + "--out-of-core 2>\"$H/err_full\"; echo full_rc=$?\n" +
                                k + "--resume 2>\"$H/err_resume\"; echo resume_rc=$?\nrm fill\n"
                                "prlimit --fsize=100 " + k + "--resume 2>\"$H/err_fsize\"; echo fsize_rc=$?\n" +
                                keep_after);
  if (!r) return;
  INFO(r->out, r->err);
  CHECK(said(*r, "full_rc") == "1");
  CHECK(read_file(dir / "err_full") == "sgntk: error: k.npy: cannot write: No space left on device\n");
  CHECK(said(*r, "resume_rc") == "1");
  CHECK(read_file(dir / "err_resume").find("No space left on device") != std::string::npos);
  CHECK(said(*r, "fsize_rc") == "1");
  CHECK(read_file(dir / "err_fsize").find("File too large") != std::string::npos);
  CHECK(names(tree(dir / "after")) == "k.npy\n");
  CHECK(read_file(dir / "after" / "k.npy") == read_file(dir / "before.npy"));
}
