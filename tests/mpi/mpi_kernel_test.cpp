// `sgntk kernel` under mpirun: the bands split across 2 and 3 ranks give the bytes of one process
// (a symmetric NTK, whose bands cost differently; a rectangular SG-NTK of --x1 and --x2; a kernel
// of two bands on three ranks, which leaves rank 0 without a band); a rank that fails ends the
// job with exit 1, one diagnostic and nothing written (a NaN at the entry one process names); a job killed half-way with --resume is
// finished by jobs of other sizes (3 ranks, then one process) into the bytes of an
// uninterrupted run; one stopped by SIGTERM keeps its partial result, which a run without
// --resume replaces. Skipped, with a message, where the build has no MPI or mpirun is missing.
#include <cmath>

#include "runtime/band_journal.h"
#include "tests/mpi/mpi_run.h"
#include "tests/support/deep_spec.h"
#include "tests/support/run_process.h"

using namespace sgntk::test;

namespace {

// n points in the plane of different norms (so that no two entries of a row are alike).
std::string points(const ScratchDir& dir, const std::string& name, int n, double turn) {
  std::ostringstream text;
  text.precision(17);
  for (int i = 0; i < n; ++i)
    text << (0.3 + 0.001 * i) * std::cos(turn * i) << "," << (0.3 + 0.001 * i) * std::sin(1.3 * i) << "\n";
  return dir.write(name, text.str());
}

std::vector<std::string> kernel_args(const std::string& spec, const std::string& kind, const std::vector<std::string>& x,
                                     const std::string& out) {
  std::vector<std::string> args{spec, "--kind", kind, "--x1", x[0]};
  if (x.size() > 1) args.insert(args.end(), {"--x2", x[1]});
  args.insert(args.end(), {"--threads", "1", "--out", out});
  return args;
}

// One process and `ranks` ranks compute the kernel into files of the same bytes.
void check_same_bytes_as_one_process(int ranks, const std::string& spec, const std::string& kind, int n1, int n2) {
  if (!mpi_runs_here()) return;
  ScratchDir dir;
  std::vector<std::string> x{points(dir, "x1.csv", n1, 0.37)};
  if (n2 > 0) x.push_back(points(dir, "x2.csv", n2, 0.71));
  const ProcessResult one = run_sgntk("kernel", kernel_args(spec, kind, x, dir / "one.npy"));
  INFO(one.err);
  REQUIRE(one.exit_code == 0);
  const ProcessResult many = mpirun({{ranks, kernel_args(spec, kind, x, dir / "many.npy")}}, "kernel");
  INFO(many.err);
  REQUIRE(many.exit_code == 0);
  CHECK(many.err.empty());
  const NpyArray k = read_npy(dir / "one.npy");
  CHECK(k.shape == std::vector<long>{n1, n2 > 0 ? n2 : n1});
  CHECK(file_bytes(dir / "many.npy") == file_bytes(dir / "one.npy"));
  CHECK(dir.entries().size() == x.size() + 2);  // no temporary, no side file left
}

}  // namespace

TEST_CASE("mpirun -np 2 sgntk kernel: a symmetric NTK split by the cost of its bands, the bytes of one process") {
  check_same_bytes_as_one_process(2, "specs/paper/erf_ntk.sgntk", "ntk", 700, 0);
}

TEST_CASE("mpirun -np 3 sgntk kernel: a symmetric NTK, the bytes of one process") {
  check_same_bytes_as_one_process(3, "specs/paper/erf_ntk.sgntk", "ntk", 700, 0);
}

TEST_CASE("mpirun -np 3 sgntk kernel: a rectangular SG-NTK of --x1 and --x2, the bytes of one process") {
  check_same_bytes_as_one_process(3, "specs/paper/erf_sgntk.sgntk", "sgntk", 500, 333);
}

TEST_CASE("mpirun -np 2 sgntk kernel: a rectangular NNGP, the bytes of one process") {
  check_same_bytes_as_one_process(2, "specs/paper/erf_ntk.sgntk", "nngp", 333, 500);
}

TEST_CASE("mpirun -np 3 sgntk kernel of 20 points: two bands on three ranks, rank 0 without one") {
  check_same_bytes_as_one_process(3, "specs/paper/erf_ntk.sgntk", "ntk", 20, 0);
}

TEST_CASE("mpirun sgntk kernel: a rank that cannot read its points ends the job with exit 1, one diagnostic, nothing written") {
  if (!mpi_runs_here()) return;
  ScratchDir dir;
  const std::string x = points(dir, "x.csv", 300, 0.37);
  const std::vector<std::string> good = kernel_args("specs/paper/erf_ntk.sgntk", "ntk", {x}, dir / "k.npy");
  std::vector<std::string> bad = good;
  bad[4] = dir / "missing.csv";  // --x1 of rank 1 alone
  const ProcessResult r = mpirun({{1, good}, {1, bad}}, "kernel");
  check_failed_once(r, "missing.csv: cannot open");
  CHECK(dir.entries() == std::vector<std::string>{"x.csv"});
}

TEST_CASE("mpirun sgntk kernel: a rank that read other points is refused, once, before anything is written") {
  if (!mpi_runs_here()) return;
  ScratchDir dir;
  const std::string x = points(dir, "x.csv", 300, 0.37), other = points(dir, "other.csv", 300, 0.38);
  const std::vector<std::string> good = kernel_args("specs/paper/erf_ntk.sgntk", "ntk", {x}, dir / "k.npy");
  std::vector<std::string> bad = good;
  bad[4] = other;
  const ProcessResult r = mpirun({{2, good}, {1, bad}}, "kernel");
  check_failed_once(r, dir / "k.npy" + ": rank 2 of the MPI job read other inputs than rank 0");
  CHECK_FALSE(fs::exists(dir / "k.npy"));
  CHECK(dir.entries().size() == 2);
}

TEST_CASE("mpirun -np 3 sgntk kernel: a NaN in the last rank's band is reported once, at the entry one process names") {
  if (!mpi_runs_here()) return;
  ScratchDir dir;
  // 1e200 * x overflows the variances of points of norm 1 (rows 50 to 59 of x1: the last band,
  // rank 2's), not those of norm 1e-150.
  const std::string spec = dir.write("nan.sgntk", "network net(input = 2) {\n  dense(width = 10, act = 1e200 * x)\n"
                                                  "  dense(width = 10, act = relu(x))\n  readout()\n}\n");
  std::string x1, x2;
  for (int i = 0; i < 60; ++i) x1 += i < 50 ? "1e-150,2e-150\n" : std::to_string(0.5 + 0.01 * i) + ",1\n";
  for (int i = 0; i < 40; ++i) x2 += std::to_string(1 + i) + "e-150,1e-150\n";
  const std::vector<std::string> args =
      kernel_args(spec, "nngp", {dir.write("x1.csv", x1), dir.write("x2.csv", x2)}, dir / "k.npy");
  const std::string expected = "sgntk: error: the nngp kernel is NaN at entry (50, 0); no output written\n";
  const ProcessResult one = run_sgntk("kernel", args);
  CHECK(one.exit_code == 1);
  CHECK(one.err == expected);
  const ProcessResult r = mpirun({{3, args}}, "kernel");
  check_failed_once(r, expected);
  CHECK(dir.entries().size() == 3);  // the spec and the points: no output, no temporary
}

TEST_CASE("mpirun sgntk kernel: a bad spec on every rank is reported once, and a csv --out is a usage error") {
  if (!mpi_runs_here()) return;
  ScratchDir dir;
  const std::string x = points(dir, "x.csv", 30, 0.37);
  const std::string spec = dir.write("bad.sgntk", "network n(input = 2) {\n  dense(width = 5, act = rleu)\n  readout(outputs = 1)\n}\n");
  const ProcessResult r = mpirun({{3, kernel_args(spec, "ntk", {x}, dir / "k.npy")}}, "kernel");
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(count(r.err, "error: unknown activation 'rleu'") == 1);  // rank 0's diagnostic, with its caret
  CHECK(count(r.err, "did you mean 'relu'?") == 1);
  const ProcessResult csv = mpirun({{2, kernel_args("specs/paper/erf_ntk.sgntk", "ntk", {x}, dir / "k.csv")}}, "kernel");
  INFO(csv.err);
  CHECK(csv.exit_code == 2);
  CHECK(count(csv.err, "sgntk: error: under mpirun the ranks write their bands of the kernel into one .npy file") == 1);
  CHECK(dir.entries().size() == 2);
}

TEST_CASE("mpirun sgntk kernel --resume killed half-way, resumed on 3 ranks and killed again, finished by one process: the bytes of an uninterrupted run") {
  if (!mpi_runs_here()) return;
  ScratchDir dir;
  const std::string x = points(dir, "x.csv", 2500, 0.37);
  write_deep_spec(dir.path, 16);  // seconds at N = 2500: signals after some bands land mid-run
  std::string mpirun_line;
  for (const std::string& word : mpirun_prefix()) mpirun_line += "'" + word + "' ";
  // 8M of memory: bands of 16 rows, 157 of them, each synced before it is recorded.
  const std::string kernel = "'" + std::string(SGNTK_EXE) +
                             "' kernel deep.sgntk --kind ntk --x1 x.csv --threads 1 --quiet --memory-budget 8M --resume --out k.npy";
  // The bands the side files record (each once: a run merging them writes a journal that
  // repeats the ranks' records before it removes their files).
  const std::string bands_recorded = "cat .k.npy.partial.bands* 2>/dev/null | grep '^done' | sort -u | wc -l";
  // Kills every rank and mpirun (SIGKILL: a crash) once the side files hold `bands` records.
  auto killed_after = [&](int ranks, int bands) {
    return "setsid " + mpirun_line + "-np " + std::to_string(ranks) + " " + kernel + " & pid=$!\n" +
           "while kill -0 $pid 2>/dev/null && [ $(" + bands_recorded + ") -lt " +
           std::to_string(bands) + " ]; do sleep 0.01; done\n" +
           "ranks=$(pgrep -P $pid); kill -KILL $ranks $pid; wait $pid\n"
           "while kill -0 $ranks 2>/dev/null; do sleep 0.05; done\n";
  };
  const std::string script =
      "'" + std::string(SGNTK_EXE) + "' kernel deep.sgntk --kind ntk --x1 x.csv --threads 1 --quiet --out reference.npy || exit 9\n" +
      killed_after(2, 30) + bands_recorded + " > after_first\nls -a > left_first\n" +
      killed_after(3, 60) + bands_recorded + " > after_second\n" + kernel +
      " 2>err_last; echo $? > rc_last\ncmp -s reference.npy k.npy && echo yes > same\nls -a > left_last\n";
  const ProcessResult r = run_process({"/bin/sh", "-c", script}, dir.path.string());
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  const long first = std::stol(file_bytes(dir / "after_first")), second = std::stol(file_bytes(dir / "after_second"));
  CHECK(first >= 30);
  CHECK(first < 157);  // half-way, not at the end
  CHECK(second >= 60);
  CHECK(second < 157);
  // Killed: the partial result, rank 0's side file and rank 1's, and the lock file.
  CHECK(contains(file_bytes(dir / "left_first"), ".k.npy.partial\n.k.npy.partial.bands\n.k.npy.partial.bands.1\n"));
  CHECK(file_bytes(dir / "rc_last") == "0\n");
  CHECK(file_bytes(dir / "same") == "yes\n");
  CHECK(file_bytes(dir / "left_last") == ".\n..\nafter_first\nafter_second\ndeep.sgntk\nerr_last\nk.npy\nleft_first\n"
                                          "left_last\nrc_last\nreference.npy\nsame\nx.csv\n");
}

TEST_CASE("mpirun sgntk kernel --resume stopped by SIGTERM keeps the partial result, and a run without --resume replaces it") {
  if (!mpi_runs_here()) return;
  ScratchDir dir;
  points(dir, "x.csv", 2500, 0.37);
  write_deep_spec(dir.path, 16);  // seconds at N = 2500: signals after some bands land mid-run
  std::string mpirun_line;
  for (const std::string& word : mpirun_prefix()) mpirun_line += "'" + word + "' ";
  const std::string kernel = "'" + std::string(SGNTK_EXE) +
                             "' kernel deep.sgntk --kind ntk --x1 x.csv --threads 1 --quiet --memory-budget 8M --out k.npy";
  // mpirun passes SIGTERM to every rank: each stops at its next tile and keeps its side file.
  const std::string script =
      "echo older > k.npy\n" + mpirun_line + "-np 3 " + kernel + " --resume & pid=$!\n" +
      "while kill -0 $pid 2>/dev/null && [ $(cat .k.npy.partial.bands* 2>/dev/null | grep '^done' | sort -u | wc -l) -lt 20 ]; do "
      "sleep 0.01; done\nkill -TERM $pid; wait $pid\nls -a | grep -v -e '^k.npy.lock$' -e '^left_' > left_stopped\ncp k.npy kept\n" + mpirun_line + "-np 2 " + kernel +
      " 2>err; echo $? > rc\nls -a | grep -v -e '^k.npy.lock$' -e '^left_' > left_last\n";
  const ProcessResult r = run_process({"/bin/sh", "-c", script}, dir.path.string());
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  // Stopped: the older --out whole, the partial result and the side files of ranks 0 to 2. (The
  // lock file and the listings themselves are left out: mpirun kills a rank that takes more than
  // a moment to stop, which then leaves the lock file behind, as any crash does; the next run
  // takes it over.)
  CHECK(file_bytes(dir / "left_stopped") == ".\n..\n.k.npy.partial\n.k.npy.partial.bands\n.k.npy.partial.bands.1\n"
                                            ".k.npy.partial.bands.2\ndeep.sgntk\nk.npy\nx.csv\n");
  CHECK(file_bytes(dir / "kept") == "older\n");
  CHECK(file_bytes(dir / "rc") == "0\n");
  CHECK(file_bytes(dir / "err").empty());
  CHECK(file_bytes(dir / "left_last") == ".\n..\ndeep.sgntk\nerr\nk.npy\nkept\nrc\nx.csv\n");
  CHECK(read_npy(dir / "k.npy").shape == std::vector<long>{2500, 2500});
}
