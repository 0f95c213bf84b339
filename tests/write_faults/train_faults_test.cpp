// `sgntk train`, `empirical`, `kernel` and `predict` under faults: a full disk, a read-only file
// system, a file size limit, SIGTERM / SIGINT in the middle of training or of the kernels, a
// second writer. Each
// case checks the exit code, the message, that an older result is byte for byte what it was and
// that nothing else is left (no temporary, no lock file, no --out the failed run created).
#include <doctest/doctest.h>

#include <cmath>

#include "tests/write_faults/fault_shell.h"

using namespace sgntk::test;

namespace {

// The train command line of the cases: 10 steps (done at once) unless told.
std::string train(const std::string& out, const std::string& more = "--steps 10") {
  return "\"$X\" train \"$H/net.sgntk\" --x \"$H/x.csv\" --y \"$H/y.csv\" --quiet --out " + out + " " + more;
}

// Kills the background sgntk ($pid) with `signal` once `ready` (a shell test) holds, and prints
// rc= its exit status and ms= how long it took to stop.
std::string stop_when(const std::string& ready, const std::string& signal) {
  return "while kill -0 $pid 2>/dev/null && ! " + ready + "; do sleep 0.01; done\nsleep 0.3\n"
         "t0=$(date +%s%N); kill -" + signal + " $pid; wait $pid; echo rc=$?; t1=$(date +%s%N)\n"
         "echo ms=$(( (t1 - t0) / 1000000 ))\n";
}

}  // namespace

TEST_CASE("train on a full disk exits 1 naming the file and the cause, and the older result stays whole") {
  const fs::path dir = fault_dir("train_full_disk");
  const auto r = shell_on_tmpfs(dir, 512,
                                train("out") + " || exit 9\ncp -a out \"$H/before\"\n" +
                                fill_disk +
                                train("out", "--steps 20 --ensemble 4") + " 2>\"$H/err\"; echo rc=$?\n"
                                "rm fill\n" + keep_after);
  if (!r) return;
  INFO(r->out, r->err);
  CHECK(said(*r, "rc") == "1");
  const std::string err = read_file(dir / "err");
  CHECK(err.find("out/outputs.npy: cannot write: No space left on device") != std::string::npos);
  CHECK(tree(dir / "before").size() == 4);
  CHECK(tree(dir / "after" / "out") == tree(dir / "before"));
  // Only out/ and its four files: no temporary, no out.lock.
  std::string expected = "out\n";
  for (const auto& [name, bytes] : tree(dir / "before")) expected += "out/" + name + "\n";
  CHECK(names(tree(dir / "after")) == expected);
}

TEST_CASE("train past the file size limit (EFBIG) and into a read-only file system: exit 1 and the older result stays") {
  const fs::path dir = fault_dir("train_fsize_readonly");
  const auto r = shell_on_tmpfs(dir, 1024,
                                train("out") + " || exit 9\ncp -a out \"$H/before\"\n"
                                "prlimit --fsize=300 " + train("out", "--steps 20 --ensemble 8") +
                                " 2>\"$H/err_fsize\"; echo fsize_rc=$?\n"
                                "mount -o remount,ro \"$D\"\n" +
                                train("out") + " 2>\"$H/err_ro\"; echo ro_rc=$?\n" +
                                train("fresh/out") + " 2>\"$H/err_ro_fresh\"; echo ro_fresh_rc=$?\n" +
                                keep_after);
  if (!r) return;
  INFO(r->out, r->err);
  CHECK(said(*r, "fsize_rc") == "1");
  CHECK(read_file(dir / "err_fsize").find("out/outputs.npy: cannot write: File too large") != std::string::npos);
  CHECK(said(*r, "ro_rc") == "1");
  CHECK(read_file(dir / "err_ro").find("Read-only file system") != std::string::npos);
  CHECK(said(*r, "ro_fresh_rc") == "1");
  CHECK(read_file(dir / "err_ro_fresh").find("Read-only file system") != std::string::npos);
  std::string expected = "out\n";
  for (const auto& [name, bytes] : tree(dir / "before")) expected += "out/" + name + "\n";
  CHECK(names(tree(dir / "after")) == expected);
  CHECK(tree(dir / "after" / "out") == tree(dir / "before"));
}

TEST_CASE("SIGTERM during training stops train within a second: exit 143, the older result whole, nothing left") {
  const fs::path dir = fault_dir("train_sigterm");
  const auto r = shell(dir, train("out") + " || exit 9\ncp -a out before\n" +
                                train("out", "--steps 100000000 --loss-every 1000000 --ensemble 2") + " & pid=$!\n" +
                                stop_when("[ -e out.lock ]", "TERM"));
  INFO(r.out, r.err);
  CHECK(said(r, "rc") == "143");
  CHECK(said_ms(r) < 1000);
  CHECK(tree(dir / "out") == tree(dir / "before"));
  CHECK_FALSE(fs::exists(dir / "out.lock"));
}

TEST_CASE("SIGINT during training into a new --out: exit 130 and no folder is created, parents included") {
  const fs::path dir = fault_dir("train_sigint_fresh");
  const auto r = shell(dir, train("a/b/out", "--steps 100000000 --loss-every 1000000") + " & pid=$!\n" + stop_when("[ -e a/b/out.lock ]", "INT"));
  INFO(r.out, r.err);
  CHECK(said(r, "rc") == "130");
  CHECK(said_ms(r) < 1000);
  CHECK_FALSE(fs::exists(dir / "a"));
}

TEST_CASE("a second train into the same --out is refused at once, naming the folder and the holder") {
  const fs::path dir = fault_dir("train_locked");
  const auto r = shell(dir, train("out", "--steps 100000000 --loss-every 1000000") + " & pid=$!\necho pid=$pid\n"
                            "while kill -0 $pid 2>/dev/null && ! [ -e out.lock ]; do sleep 0.01; done\nsleep 0.2\n"
                            "t0=$(date +%s%N); " + train("out") + " 2>err; echo second_rc=$?; t1=$(date +%s%N)\n"
                            "echo ms=$(( (t1 - t0) / 1000000 ))\nkill -TERM $pid; wait $pid; echo rc=$?\n");
  INFO(r.out, r.err);
  CHECK(said(r, "second_rc") == "1");
  CHECK(said_ms(r) < 1000);
  const std::string err = read_file(dir / "err");
  CHECK(err == "sgntk: error: out: another sgntk is writing it (pid " + said(r, "pid") + ", `sgntk train " +
                   (dir / "net.sgntk").string() + "`, since " + err.substr(err.find("since ") + 6, 20) +
                   "; lock file out.lock): wait for it to finish or choose another output\n");
  CHECK(said(r, "rc") == "143");
  CHECK_FALSE(fs::exists(dir / "out"));  // the first run, stopped, created it and removed it
  CHECK_FALSE(fs::exists(dir / "out.lock"));
}

TEST_CASE("empirical --train: SIGTERM mid-training exits 143, a full disk exits 1, and the older --out stays") {
  const fs::path dir = fault_dir("empirical_faults");
  const std::string empirical = "\"$X\" empirical \"$H/smooth.sgntk\" --kind sgntk --x1 \"$H/x.csv\" --out k.npy";
  const auto r = shell(dir, empirical + " || exit 9\ncp k.npy before.npy\n" + empirical + " --ensemble 2" +
                                " --train --x \"$H/x.csv\" --y \"$H/y.csv\" --steps 100000000 & pid=$!\n" +
                                stop_when("true", "TERM") + "ls -a | grep -c tmp; echo\n");
  INFO(r.out, r.err);
  CHECK(said(r, "rc") == "143");
  CHECK(said_ms(r) < 1000);
  CHECK(read_file(dir / "k.npy") == read_file(dir / "before.npy"));
  CHECK(r.out.find("\n0\n") != std::string::npos);  // no temporary

  const fs::path full = fault_dir("empirical_full_disk");
  const auto f = shell_on_tmpfs(full, 256, empirical + " || exit 9\ncp k.npy \"$H/before.npy\"\n" +
                                fill_disk + empirical +
                                " --ensemble 6 2>\"$H/err\"; echo rc=$?\nrm fill\n" + keep_after);
  if (!f) return;
  INFO(f->out, f->err);
  CHECK(said(*f, "rc") == "1");
  CHECK(read_file(full / "err") == "sgntk: error: k.npy: cannot write: No space left on device\n");
  CHECK(names(tree(full / "after")) == "k.npy\n");
  CHECK(read_file(full / "after" / "k.npy") == read_file(full / "before.npy"));
}

TEST_CASE("kernel and predict on a full disk and past the file size limit: exit 1 and the older outputs stay") {
  const fs::path dir = fault_dir("kernel_predict_full_disk");
  const std::string kernel = "\"$X\" kernel \"$H/net.sgntk\" --kind nngp --x1 \"$H/x.csv\" --quiet --out ";
  const std::string predict = "\"$X\" predict \"$H/net.sgntk\" --kind sgntk --x-train \"$H/x.csv\" --y-train \"$H/y.csv\" "
                              "--x-test \"$H/x.csv\" --t inf --out p.csv --cov c.npy";
  const auto r = shell_on_tmpfs(dir, 256,
                                kernel + "k.npy && " + kernel + "k.csv && " + predict + " || exit 9\n"
                                "mkdir \"$H/before\"; cp -a . \"$H/before/\"\n" +
                                fill_disk +
                                kernel + "k.npy 2>\"$H/err_npy\"; echo npy_rc=$?\n" +
                                kernel + "k.csv 2>\"$H/err_csv\"; echo csv_rc=$?\n" +
                                predict + " 2>\"$H/err_predict\"; echo predict_rc=$?\nrm fill\n"
                                "prlimit --fsize=100 " + kernel + "k.npy 2>\"$H/err_fsize\"; echo fsize_rc=$?\n" +
                                keep_after);
  if (!r) return;
  INFO(r->out, r->err);
  CHECK(said(*r, "npy_rc") == "1");
  CHECK(read_file(dir / "err_npy") == "sgntk: error: k.npy: cannot write: No space left on device\n");
  CHECK(said(*r, "csv_rc") == "1");
  CHECK(read_file(dir / "err_csv") == "sgntk: error: k.csv: cannot write: No space left on device\n");
  CHECK(said(*r, "predict_rc") == "1");
  CHECK(read_file(dir / "err_predict").find("No space left on device") != std::string::npos);
  CHECK(said(*r, "fsize_rc") == "1");
  CHECK(read_file(dir / "err_fsize") == "sgntk: error: k.npy: cannot write: File too large\n");
  CHECK(names(tree(dir / "after")) == "c.npy\nk.csv\nk.npy\np.csv\n");
  CHECK(tree(dir / "after") == tree(dir / "before"));
}

TEST_CASE("SIGTERM during predict's kernels: exit 143 within a second, the older outputs whole, no temporary") {
  const fs::path dir = fault_dir("predict_sigterm");
  // 256 layers and 2500 test points with their covariance: about 5 s of kernels here, so the
  // signal 0.3 s in lands mid-computation also on faster machines.
  write_deep_spec(dir, 256);
  std::ofstream test(dir / "test.csv");
  for (int i = 0; i < 2500; ++i) test << std::sin(0.01 * i) << "," << std::cos(0.01 * i) << "\n";
  test.close();
  const std::string predict = "\"$X\" predict deep.sgntk --kind sgntk --x-train x.csv --y-train y.csv --t inf "
                              "--out p.csv --cov c.npy --x-test ";
  const auto r = shell(dir, predict + "x.csv || exit 9\ncp p.csv p_before.csv; cp c.npy c_before.npy\n" + predict +
                                "test.csv & pid=$!\n" + stop_when("true", "TERM") + "ls -a | grep -c tmp; echo\n");
  INFO(r.out, r.err);
  CHECK(said(r, "rc") == "143");
  CHECK(said_ms(r) < 1000);
  CHECK(read_file(dir / "p.csv") == read_file(dir / "p_before.csv"));
  CHECK(read_file(dir / "c.npy") == read_file(dir / "c_before.npy"));
  CHECK(r.out.find("\n0\n") != std::string::npos);  // no temporary
}
