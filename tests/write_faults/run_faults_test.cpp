// `sgntk run` under faults: its output folder is replaced as a whole, only when every task
// succeeded, under a lock. Each case checks the exit code and that the older folder is byte for
// byte what it was, with nothing beside it (no staging folder OUT.tmp-*, no OUT.lock).
#include <doctest/doctest.h>

#include "tests/write_faults/fault_shell.h"

using namespace sgntk::test;

namespace {

// A kernel task and a train task of `steps` steps, 4 networks saved one at a time for --resume.
std::string run_spec(long steps, const std::string& extra = "") {
  return R"(network net(input = 2) {
  dense(width = 300, sigma_w = 1, sigma_b = 0.1, act = sign, surrogate = 2/sqrt(pi) * exp(-x^2))
  dense(width = 300, sigma_w = 1, sigma_b = 0.1, act = sign, surrogate = 2/sqrt(pi) * exp(-x^2))
  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)
}
data grid = circle(n = 30)
data train = select(grid, every = 3)
target y = x0 * x1
task k = kernel(network = net, kind = nngp, x1 = grid)
task sgl = train(network = net, x = train, y = y, eval = grid, steps = )" +
         std::to_string(steps) + ", ensemble = 4, seed = 5, chunk = 1, loss_every = 100)\n" + extra;
}

// `sgntk run` of the spec file `spec` (in $H) into `out`.
std::string run(const std::string& spec, const std::string& out, const std::string& more = "") {
  return "\"$X\" run \"$H/" + spec + "\" --quiet --out " + out + (more.empty() ? "" : " " + more);
}

// What is in `dir` besides the folder `out` and the case's own files.
std::string beside(const fs::path& dir, const std::string& out) {
  std::string names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(out, 0) == 0 && name != out) names += name + "\n";
  }
  return names;
}

fs::path with_specs(const std::string& name) {
  const fs::path dir = fault_dir(name);
  std::ofstream(dir / "quick.sgntk") << run_spec(10);
  std::ofstream(dir / "slow.sgntk") << run_spec(600);
  return dir;
}

}  // namespace

TEST_CASE("run on a full disk exits 1 and leaves the older result folder as it was, with no staging left") {
  const fs::path dir = with_specs("run_full_disk");
  const auto r = shell_on_tmpfs(dir, 1024,
                                run("quick.sgntk", "out") + " || exit 9\ncp -a out \"$H/before\"\n" +
                                fill_disk +
                                run("quick.sgntk", "out") + " 2>\"$H/err\"; echo rc=$?\n"
                                "rm fill\n" + keep_after);
  if (!r) return;
  INFO(r->out, r->err);
  CHECK(said(*r, "rc") == "1");
  CHECK(read_file(dir / "err").find("No space left on device") != std::string::npos);
  CHECK(tree(dir / "before").count("manifest.json") == 1);
  CHECK(tree(dir / "after" / "out") == tree(dir / "before"));
  CHECK(beside(dir / "after", "out") == "");
}

TEST_CASE("run past the file size limit and into a read-only file system: exit 1, the folder as it was") {
  const fs::path dir = with_specs("run_fsize_readonly");
  const auto r = shell_on_tmpfs(dir, 4096,
                                run("quick.sgntk", "out") + " || exit 9\ncp -a out \"$H/before\"\n"
                                "prlimit --fsize=2000 " + run("quick.sgntk", "out") + " 2>\"$H/err_fsize\"; echo fsize_rc=$?\n"
                                "mount -o remount,ro \"$D\"\n" +
                                run("quick.sgntk", "out") + " 2>\"$H/err_ro\"; echo ro_rc=$?\n" +
                                keep_after);
  if (!r) return;
  INFO(r->out, r->err);
  CHECK(said(*r, "fsize_rc") == "1");
  CHECK(read_file(dir / "err_fsize").find("File too large") != std::string::npos);
  CHECK(said(*r, "ro_rc") == "1");
  CHECK(read_file(dir / "err_ro").find("out: cannot create the lock file") != std::string::npos);
  CHECK(tree(dir / "after" / "out") == tree(dir / "before"));
  CHECK(beside(dir / "after", "out") == "");
}

TEST_CASE("a run that fails on its data writes nothing: no folder at first, the older folder untouched after") {
  const fs::path dir = with_specs("run_input_error");
  // The second data set cannot be selected: the first one was already written to the staging folder.
  std::ofstream(dir / "bad.sgntk") << run_spec(10, "data past = select(grid, offset = 40)\n"
                                                   "task k2 = kernel(network = net, kind = nngp, x1 = past)\n");
  const auto r = shell(dir, run("bad.sgntk", "fresh") + " 2>err_fresh; echo fresh_rc=$?\n" + run("quick.sgntk", "out") +
                                " || exit 9\ncp -a out before\n" + run("bad.sgntk", "out") + " 2>err; echo rc=$?\n");
  INFO(r.out, r.err, read_file(dir / "err"));
  CHECK(said(r, "fresh_rc") == "1");
  CHECK_FALSE(fs::exists(dir / "fresh"));
  CHECK(said(r, "rc") == "1");
  CHECK(tree(dir / "out") == tree(dir / "before"));
  CHECK(beside(dir, "out") == "");
  CHECK(beside(dir, "fresh") == "");
}

TEST_CASE("SIGTERM during a run's train task: exit 143, the older folder whole, and --resume then reuses the saved networks") {
  const fs::path dir = with_specs("run_sigterm_resume");
  const auto r = shell(dir, run("quick.sgntk", "out") + " || exit 9\ncp -a out before\n" + run("slow.sgntk", "out") +
                                " & pid=$!\n"
                                // The quick run saved its networks too: wait for the slow run's first.
                                "while kill -0 $pid 2>/dev/null && [ $(ls out/.resume/sgl/*/networks_0_1.loss.npy 2>/dev/null | wc -l) -lt 2 ]; do sleep 0.01; done\n"
                                "t0=$(date +%s%N); kill -TERM $pid; wait $pid; echo rc=$?; t1=$(date +%s%N)\n"
                                "echo ms=$(( (t1 - t0) / 1000000 ))\n"
                                "cp -a out after_stop\n" +
                                run("slow.sgntk", "out", "--resume") + " 2>err_resume; echo resume_rc=$?\n");
  INFO(r.out, r.err);
  CHECK(said(r, "rc") == "143");
  CHECK(said_ms(r) < 1000);
  // The results are the older run's; the networks the stopped run finished are saved beside them.
  auto after_stop = tree(dir / "after_stop"), before = tree(dir / "before");
  for (auto it = after_stop.begin(); it != after_stop.end();)
    it = it->first.rfind(".resume", 0) == 0 ? after_stop.erase(it) : std::next(it);
  for (auto it = before.begin(); it != before.end();) it = it->first.rfind(".resume", 0) == 0 ? before.erase(it) : std::next(it);
  CHECK(after_stop == before);
  CHECK(said(r, "resume_rc") == "0");
  const std::string err = read_file(dir / "err_resume");
  CHECK(err.find("networks from an earlier run") != std::string::npos);
  CHECK(err.find(" 0 of 4") == std::string::npos);
  const auto now = tree(dir / "out");
  CHECK(now.count("manifest.json") == 1);
  CHECK(now.count("sgl/outputs.npy") == 1);
  CHECK(now.count(".resume/sgl") == 1);  // carried into the new folder
  CHECK(now.at("manifest.json").find("\"steps\": 600") != std::string::npos);
  CHECK(beside(dir, "out") == "");
}

TEST_CASE("a second run into the same --out is refused at once, and the first one finishes whole") {
  const fs::path dir = with_specs("run_locked");
  const auto r = shell(dir, run("slow.sgntk", "out") + " 2>err_first & pid=$!\necho pid=$pid\n"
                            "while kill -0 $pid 2>/dev/null && ! [ -e out.lock ]; do sleep 0.01; done\n"
                            "t0=$(date +%s%N); " + run("quick.sgntk", "out") + " 2>err; echo second_rc=$?; t1=$(date +%s%N)\n"
                            "echo ms=$(( (t1 - t0) / 1000000 ))\nwait $pid; echo rc=$?\n");
  INFO(r.out, r.err, read_file(dir / "err_first"));
  CHECK(said(r, "second_rc") == "1");
  CHECK(said_ms(r) < 1000);
  const std::string err = read_file(dir / "err");
  const std::string holder = "another sgntk is writing it (pid " + said(r, "pid") + ", `sgntk run " +
                             (dir / "slow.sgntk").string() + "`, since ";
  CHECK(err.find("sgntk: error: " + (dir / "out").string() + ": " + holder) == 0);
  CHECK(err.find("lock file " + (dir / "out.lock").string() + "): wait for it to finish or choose another output") !=
        std::string::npos);
  CHECK(said(r, "rc") == "0");
  CHECK(read_file(dir / "out" / "manifest.json").find("\"steps\": 600") != std::string::npos);
  CHECK(beside(dir, "out") == "");
}

TEST_CASE("run replaces the folder as a whole, refuses one that is not an earlier result, and cleans up after a killed run") {
  const fs::path dir = with_specs("run_replace");
  const auto r = shell(dir, run("quick.sgntk", "out") + " || exit 9\n"
                            "mkdir out/stale; echo old > out/stale/file.npy\n" +
                            run("quick.sgntk", "out") + "; echo rc=$?\n"
                            "mkdir mine; echo notes > mine/notes.txt\n" +
                            run("quick.sgntk", "mine") + " 2>err_mine; echo mine_rc=$?\n"
                            "echo data > file; " + run("quick.sgntk", "file") + " 2>err_file; echo file_rc=$?\n" +
                            run("slow.sgntk", "killed") + " & pid=$!\n"
                            "while kill -0 $pid 2>/dev/null && ! ls -d killed.tmp-* >/dev/null 2>&1; do sleep 0.01; done\n"
                            "kill -KILL $pid; wait $pid; echo killed_rc=$?\nls -d killed.tmp-* killed.lock | wc -l\n" +
                            run("quick.sgntk", "killed") + "; echo after_kill_rc=$?\n");
  INFO(r.out, r.err);
  CHECK(said(r, "rc") == "0");
  CHECK_FALSE(fs::exists(dir / "out" / "stale"));
  CHECK(said(r, "mine_rc") == "1");
  CHECK(read_file(dir / "err_mine") ==
        "sgntk: error: mine: holds files that are not an earlier result (no manifest.json; 'notes.txt' among them): "
        "the output folder is replaced as a whole, so choose another one or empty it\n");
  CHECK(names(tree(dir / "mine")) == "notes.txt\n");
  CHECK(said(r, "file_rc") == "1");
  CHECK(read_file(dir / "err_file") == "sgntk: error: file: exists and is not a folder\n");
  CHECK(read_file(dir / "file") == "data\n");
  CHECK(said(r, "killed_rc") == "137");
  CHECK(r.out.find("\n2\n") != std::string::npos);  // SIGKILL left its staging folder and lock file
  CHECK(said(r, "after_kill_rc") == "0");
  CHECK(tree(dir / "killed").count("manifest.json") == 1);
  CHECK(beside(dir, "killed") == "");
  CHECK(beside(dir, "out") == "");
}
