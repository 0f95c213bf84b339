// `sgntk train` under mpirun: the ensemble split across 2 and 3 ranks gives the bytes of one
// process (blocks of unequal size, and a rank with no network), and a rank that fails ends the
// job with exit 1 and one diagnostic instead of leaving the others waiting. Skipped, with a
// message, where the build has no MPI or mpirun is not on PATH.
#include "tests/mpi/mpi_run.h"

using namespace sgntk::test;

namespace {

const std::string sign_spec = "specs/paper/sign_sgl.sgntk";

// Width 20 sign networks, 40 SGL steps, saved at three steps on the 100 grid points.
std::vector<std::string> small_run(const TrainingData& data, long ensemble, const std::string& out) {
  return {sign_spec, "--set", "n=20", "--x", data.x, "--y", data.y, "--steps", "40", "--ensemble",
          std::to_string(ensemble), "--seed", "10", "--eval", "specs/data/circle_grid.csv", "--save-at", "0,20,40",
          "--loss-every", "10", "--threads", "1", "--out", out};
}

const std::vector<std::string> result_files{"outputs.npy", "save_steps.npy", "loss.npy", "loss_steps.npy"};

void check_same_bytes_as_one_process(int ranks, long ensemble) {
  if (!mpi_runs_here()) return;
  ScratchDir dir;
  const TrainingData data = paper_training_data(dir);
  const ProcessResult one = run_sgntk("train", small_run(data, ensemble, dir / "one"));
  INFO(one.err);
  REQUIRE(one.exit_code == 0);
  const ProcessResult many = mpirun({{ranks, small_run(data, ensemble, dir / "many")}});
  INFO(many.err);
  REQUIRE(many.exit_code == 0);
  CHECK(many.err.empty());  // no rank warns, and none repeats another
  for (const std::string& file : result_files) {
    CAPTURE(file);
    CHECK(file_bytes(dir / ("many/" + file)) == file_bytes(dir / ("one/" + file)));
  }
  // Each network has its own outputs (its own seed stream), so a block gathered to the wrong
  // place would show in the comparison above.
  const NpyArray outputs = read_npy(dir / "one/outputs.npy");
  REQUIRE(outputs.shape == std::vector<long>{3, ensemble, 100, 1});
  for (long e = 1; e < ensemble; ++e) {
    CAPTURE(e);
    CHECK(outputs.data[(2 * ensemble + e) * 100] != outputs.data[(2 * ensemble + e - 1) * 100]);
  }
}

}  // namespace

TEST_CASE("mpirun -np 2 sgntk train writes the bytes of one process") { check_same_bytes_as_one_process(2, 5); }

TEST_CASE("mpirun -np 3 sgntk train writes the bytes of one process") { check_same_bytes_as_one_process(3, 5); }

TEST_CASE("mpirun -np 3 sgntk train with 2 networks: a rank without a network") {
  check_same_bytes_as_one_process(3, 2);
}

TEST_CASE("mpirun: a rank that cannot read its data ends the job with exit 1 and one diagnostic") {
  if (!mpi_runs_here()) return;
  ScratchDir dir;
  const TrainingData data = paper_training_data(dir);
  std::vector<std::string> bad = small_run(data, 4, dir / "run");
  bad[4] = dir / "missing.csv";  // --x of rank 1 alone
  const ProcessResult r = mpirun({{1, small_run(data, 4, dir / "run")}, {1, bad}});
  check_failed_once(r, "missing.csv: cannot open");
  CHECK_FALSE(fs::exists(dir / "run"));
}

TEST_CASE("mpirun: a bad data file on every rank is reported once") {
  if (!mpi_runs_here()) return;
  ScratchDir dir;
  const TrainingData data = paper_training_data(dir);
  std::vector<std::string> bad = small_run(data, 4, dir / "run");
  bad[4] = dir.write("ragged.csv", "1,2\n3\n");
  const ProcessResult r = mpirun({{3, bad}});
  check_failed_once(r, "ragged.csv:2: ragged rows");
  CHECK_FALSE(fs::exists(dir / "run"));
}

TEST_CASE("mpirun: a rank whose networks diverge fails the job, and the output directory rank 0 made is removed") {
  if (!mpi_runs_here()) return;
  ScratchDir dir;
  const TrainingData data = paper_training_data(dir);
  std::vector<std::string> diverging = small_run(data, 4, dir / "run");
  diverging.insert(diverging.end(), {"--lr", "1e6"});
  const ProcessResult r = mpirun({{1, small_run(data, 4, dir / "run")}, {1, diverging}});
  check_failed_once(r, "sgntk: error: training diverged at step");
  CHECK_FALSE(fs::exists(dir / "run"));
  CHECK_FALSE(fs::exists(dir / "run.lock"));
}

TEST_CASE("mpirun: the commands that do not run across ranks refuse, once, with a usage error") {
  if (!mpi_runs_here()) return;
  ScratchDir dir;
  const TrainingData data = paper_training_data(dir);
  const ProcessResult r = mpirun({{2, {sign_spec, "--kind", "ntk", "--x1", data.x, "--ensemble", "2", "--seed", "1",
                                       "--out", dir / "k.npy"}}},
                                 "empirical");
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(count(r.err, "sgntk: error: only `sgntk train` and `sgntk kernel` run across MPI ranks so far; run `sgntk "
                     "empirical` as one process") == 1);
  CHECK_FALSE(fs::exists(dir / "k.npy"));
  const ProcessResult run = mpirun({{2, {"specs/paper/figure3.sgntk", "--out", dir / "fig3"}}}, "run");
  INFO(run.err);
  CHECK(run.exit_code == 2);
  CHECK(count(run.err, "run `sgntk run` as one process, not under mpirun with 2 ranks (the ensemble of a train task "
                       "can be trained across ranks by `sgntk train` with the task's arguments)\n") == 1);
  CHECK_FALSE(fs::exists(dir / "fig3"));
}
