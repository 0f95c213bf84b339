// `sgntk predict` with its covariance streamed to the file (--out-of-core) under faults: a full
// disk and SIGTERM mid-run leave the older --out and --cov byte for byte and no temporary.
#include <doctest/doctest.h>

#include <cmath>

#include "tests/write_faults/fault_shell.h"

using namespace sgntk::test;

namespace {

// 3000 test points: a covariance of 72 MB, streamed in bands of 64 rows under --memory-budget 8M.
fs::path with_test_points(const std::string& name) {
  const fs::path dir = fault_dir(name);
  std::ofstream points(dir / "test.csv");
  for (int i = 0; i < 3000; ++i)
    points << (0.3 + 0.0003 * i) * std::cos(0.37 * i) << "," << (0.3 + 0.0003 * i) * std::sin(1.3 * i) << "\n";
  return dir;
}

const std::string paper_spec = std::string(SGNTK_SOURCE_DIR) + "/specs/paper/erf_sgntk.sgntk";

std::string predict(const std::string& x_test, const std::string& more = "", const std::string& spec = paper_spec) {
  return "\"$X\" predict \"" + spec + "\" --kind sgntk --x-train \"$H/x.csv\" --y-train \"$H/y.csv\" --t 10 --quiet "
         "--threads 1 --out p.npy --cov c.npy --out-of-core --memory-budget 8M --x-test " + x_test + " " + more;
}

}  // namespace

TEST_CASE("predict with a streamed covariance stopped by SIGTERM: exit 143, the older outputs whole, no temporary") {
  const fs::path dir = with_test_points("predict_stream_term");
  write_deep_spec(dir, 32);  // seconds of kernels: the signal 0.3 s in lands mid-stream
  const auto r = shell(dir, predict("x.csv") + " || exit 9\ncp p.npy p_before.npy; cp c.npy c_before.npy\n" +
                                predict("test.csv", "", "deep.sgntk") + " & pid=$!\n"
                                "while kill -0 $pid 2>/dev/null && ! ls -a | grep -q '^\\.c\\.npy\\.tmp'; do sleep 0.01; done\n"
                                "sleep 0.3; kill -TERM $pid; wait $pid; echo rc=$?\n"
                                "echo left=$(LC_ALL=C ls -a | grep -e '^\\.' | grep -v -e '^\\.$' -e '^\\.\\.$' | tr '\\n' ' ')\n");
  INFO(r.out, r.err);
  CHECK(said(r, "rc") == "143");
  CHECK(said(r, "left") == "");
  CHECK(read_file(dir / "p.npy") == read_file(dir / "p_before.npy"));
  CHECK(read_file(dir / "c.npy") == read_file(dir / "c_before.npy"));
}

TEST_CASE("predict with a streamed covariance on a full disk: exit 1 at once, the older outputs whole, nothing left") {
  const fs::path dir = with_test_points("predict_stream_full_disk");
  const auto r = shell_on_tmpfs(dir, 256,
                                predict("\"$H/x.csv\"") + "|| exit 9\nmkdir \"$H/before\"; cp -a . \"$H/before/\"\n" + fill_disk +
                                predict("\"$H/test.csv\"") + " 2>\"$H/err_full\"; echo full_rc=$?\nrm fill\n" +
                                keep_after);
  if (!r) return;
  INFO(r->out, r->err);
  CHECK(said(*r, "full_rc") == "1");
  CHECK(read_file(dir / "err_full") == "sgntk: error: c.npy: cannot write: No space left on device\n");
  CHECK(names(tree(dir / "after")) == "c.npy\np.npy\n");
  CHECK(tree(dir / "after") == tree(dir / "before"));
}
