// The kernel out of core: computed band by band (compute_kernel_bands) and written with pwrite
// (jobs::kernel_to_file past its memory budget). Every entry must be the same bits as the
// in-memory path's, for symmetric K(X, X) and rectangular K(X1, X2), NNGP, NTK and an
// asymmetric SG-NTK; a stopped --resume run keeps its finished bands and a restarted one
// computes only the others into the same bytes; other inputs are refused.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>

#include "cli/jobs/jobs.h"
#include "runtime/band_journal.h"
#include "runtime/banded_npy_output.h"
#include "runtime/matrix_io.h"
#include "tests/kernel/kernel_fixture.h"
#include "tests/support/read_file.h"
#include "tests/support/temp_dir.h"

using namespace sgntk;
using namespace sgntk::test;
namespace fs = std::filesystem;

namespace {

using runtime::KernelKind;

// The memory budget whose bands hold `rows` rows of `cols` columns (kernel_to_file: 1/32 of it).
std::size_t budget_for_rows(std::size_t rows, std::size_t cols) { return 32 * rows * cols * sizeof(double); }

jobs::KernelFileOptions out_of_core(std::size_t band_rows, std::size_t cols) {
  jobs::KernelFileOptions file;
  file.memory_budget = budget_for_rows(band_rows, cols);
  file.out_of_core = true;
  return file;
}

// A network whose SG-NTK is asymmetric on points of different norms (a surrogate of erf).
const char* sgntk_network = R"(
network net(input = 3) {
  dense(width = 500, sigma_w = 1, sigma_b = 0.1, act = erf(2*x), surrogate = exp(-x^2))
  dense(width = 500, sigma_w = 1, sigma_b = 0.1, act = erf(2*x), surrogate = exp(-x^2))
  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)
}
)";

// The bands' rows (and, for a symmetric kernel, their mirrors) put together into one matrix.
runtime::RowMatrix assembled(const runtime::KernelProgram& program, KernelKind kind, const runtime::RowMatrix& x1,
                             const runtime::RowMatrix* x2, std::size_t band_rows, bool* symmetric) {
  runtime::RowMatrix k = runtime::RowMatrix::Constant(x1.rows(), x2 ? x2->rows() : x1.rows(), -7.0);
  runtime::KernelBandCallbacks callbacks;
  callbacks.band = [&](const runtime::KernelBand& band) {
    *symmetric = band.symmetric;
    for (std::size_t i = band.r0; i < band.r1; ++i)
      for (std::size_t j = band.c0; j < band.cols; ++j) {
        k(static_cast<long>(i), static_cast<long>(j)) = band.value(i, j);
        if (band.symmetric && j >= band.r1) k(static_cast<long>(j), static_cast<long>(i)) = band.value(i, j);
      }
  };
  runtime::compute_kernel_bands(program, kind, x1, x2, band_rows, callbacks);
  return k;
}

}  // namespace

TEST_CASE("the kernel by bands is the in-memory kernel bit for bit, for every band height") {
  const Compiled erf = compile(paper_network("erf(m*x)", "", 3, 3));
  const Compiled sg = compile(sgntk_network);
  const runtime::RowMatrix x1 = random_rows(150, 3, 11), x2 = random_rows(70, 3, 12);
  struct Case {
    const Compiled* c;
    KernelKind kind;
    const runtime::RowMatrix* x2;
    bool symmetric;
  };
  const Case cases[] = {{&erf, KernelKind::nngp, nullptr, true},  {&erf, KernelKind::ntk, nullptr, true},
                        {&erf, KernelKind::ntk, &x2, false},     {&erf, KernelKind::nngp, &x2, false},
                        {&sg, KernelKind::sgntk, nullptr, false}, {&sg, KernelKind::sgntk, &x2, false}};
  for (const Case& c : cases) {
    const runtime::RowMatrix expected = runtime::compute_kernel(c.c->program, c.kind, x1, c.x2);
    for (std::size_t band_rows : {16, 48, 144, 160}) {
      CAPTURE(static_cast<int>(c.kind));
      CAPTURE(c.x2 != nullptr);
      CAPTURE(band_rows);
      bool symmetric = !c.symmetric;
      const runtime::RowMatrix k = assembled(c.c->program, c.kind, x1, c.x2, band_rows, &symmetric);
      CHECK(symmetric == c.symmetric);  // the halving is used where it holds, and only there
      CHECK((k.array() == expected.array()).all());
    }
  }
}

TEST_CASE("out of core, kernel_to_file writes the bytes of the in-memory path and leaves nothing beside them") {
  TempDir dir("sgntk_out_of_core");
  const Compiled erf = compile(paper_network("erf(m*x)", "", 3, 3));
  const Compiled sg = compile(sgntk_network);
  const runtime::RowMatrix x1 = random_rows(130, 3, 1), x2 = random_rows(70, 3, 2);
  for (const runtime::RowMatrix* other : {static_cast<const runtime::RowMatrix*>(nullptr), &x2})
    for (const KernelKind kind : {KernelKind::nngp, KernelKind::ntk, KernelKind::sgntk}) {
      CAPTURE(other != nullptr);
      CAPTURE(static_cast<int>(kind));
      const runtime::KernelProgram& program = kind == KernelKind::sgntk ? sg.program : erf.program;
      const std::string in_memory = dir.file("in_memory.npy"), banded = dir.file("banded.npy");
      jobs::kernel_to_file(program, kind, x1, other, in_memory, {});
      const std::size_t cols = other ? 70 : 130;
      for (std::size_t band_rows : {16, 32, 128}) {
        CAPTURE(band_rows);
        jobs::kernel_to_file(program, kind, x1, other, banded, {}, out_of_core(band_rows, cols));
        CHECK(read_file(banded) == read_file(in_memory));
        CHECK(dir.entries() == 2);
      }
    }
  // The memory rule: out of core only past the budget (or when asked).
  jobs::KernelFileOptions file;
  file.memory_budget = 1000 * 1000 * 8;
  CHECK_FALSE(jobs::kernel_out_of_core(1000, 1000, file));
  CHECK(jobs::kernel_out_of_core(1000, 1001, file));
  file.out_of_core = true;
  CHECK(jobs::kernel_out_of_core(10, 10, file));
  CHECK(jobs::default_memory_budget() > 0);
}

TEST_CASE("out of core, a NaN kernel keeps the older output and leaves no temporary, --resume or not") {
  TempDir dir("sgntk_out_of_core");
  const Compiled c = compile(R"(
network net(input = 2) {
  dense(width = 10, act = 1e200 * x)
  dense(width = 10, act = relu(x))
  readout()
}
)");
  runtime::RowMatrix x(2, 2);
  x << -1, 0, 0, 1;
  const std::string path = dir.file("k.npy");
  runtime::write_matrix(path, runtime::RowMatrix::Constant(3, 3, 7.0));
  const std::string older = read_file(path);
  jobs::KernelFileOptions file = out_of_core(16, 2);
  for (bool resume : {false, true}) {
    CAPTURE(resume);
    if (resume) file.resume_identity = "spec";
    CHECK_THROWS_WITH_AS(jobs::kernel_to_file(c.program, KernelKind::nngp, x, nullptr, path, {}, file),
                         "the nngp kernel is NaN at entry (0, 1); no output written", jobs::NanResult);
    CHECK(read_file(path) == older);
    CHECK(dir.entries() == 1);
  }
}

TEST_CASE("--resume: a stopped run keeps its finished bands, and the restarted run computes only the others into the same bytes") {
  TempDir dir("sgntk_out_of_core");
  const Compiled c = compile(paper_network("erf(m*x)", "", 3, 3));
  const runtime::RowMatrix x = random_rows(400, 3, 5);
  const std::string path = dir.file("k.npy"), reference = dir.file("reference.npy");
  jobs::kernel_to_file(c.program, KernelKind::ntk, x, nullptr, reference, {});
  jobs::KernelFileOptions file = out_of_core(32, 400);  // 13 bands
  file.resume_identity = "the spec";
  const std::string partial = runtime::partial_path_of(path), journal = runtime::partial_journal_path_of(path);
  CHECK(partial == dir.file(".k.npy.partial"));
  CHECK(journal == dir.file(".k.npy.partial.bands"));

  // Stopped (Ctrl-C) after a third of the tiles: the bands finished by then are recorded.
  std::atomic<long> tiles{0};
  runtime::KernelOptions stopped;
  stopped.threads = 1;
  const long all_tiles = 25 * 26 / 2;
  stopped.cancelled = [&] { return ++tiles > all_tiles / 3; };
  CHECK_THROWS_AS(jobs::kernel_to_file(c.program, KernelKind::ntk, x, nullptr, path, stopped, file), runtime::Cancelled);
  CHECK_FALSE(fs::exists(path));
  REQUIRE(fs::exists(partial));
  const auto state = runtime::read_band_journal(journal);
  REQUIRE(state.has_value());
  CHECK(state->header.rows == 400);
  CHECK(state->header.band_rows == 32);
  CHECK(state->done.size() >= 2);
  CHECK(state->done.size() < 13);
  for (std::size_t b = 0; b < state->done.size(); ++b) CHECK(state->done[b] == b);  // in order

  // A torn last record (a crash while appending) is no record.
  std::ofstream(journal, std::ios::app) << "done 12";
  CHECK(runtime::read_band_journal(journal)->done.size() == state->done.size());

  // Other inputs are refused, and the partial result stays for the right ones.
  const runtime::RowMatrix other = random_rows(400, 3, 6);
  jobs::KernelFileOptions other_spec = file;
  other_spec.resume_identity = "another spec";
  for (const auto& [points, options] : {std::pair{&other, file}, std::pair{&x, other_spec}})
    CHECK_THROWS_WITH_AS(jobs::kernel_to_file(c.program, KernelKind::ntk, *points, nullptr, path, {}, options),
                         (path + ": --resume: the partial result " + partial +
                          " was computed from other inputs or options (spec, network, --set, kind, data or shape "
                          "differ); run without --resume to start over")
                             .c_str(),
                         runtime::DataError);
  CHECK_THROWS_AS(jobs::kernel_to_file(c.program, KernelKind::nngp, x, nullptr, path, {}, file), runtime::DataError);
  CHECK(fs::exists(journal));

  // Resumed: fewer tiles than a whole run, the reference's bytes, and nothing left beside it.
  std::atomic<long> resumed_tiles{0};
  runtime::KernelOptions resumed;
  resumed.cancelled = [&] { return ++resumed_tiles, false; };
  std::string notice;
  file.notice = [&](const std::string& line) { notice = line; };
  jobs::kernel_to_file(c.program, KernelKind::ntk, x, nullptr, path, resumed, file);
  CHECK(notice == path + ": resuming: " + std::to_string(state->done.size()) + " of 13 bands from an earlier run");
  // Bands 0 and 1 (tile rows 0 to 3 of 25: 25 + 24 + 23 + 22 tiles) at least were skipped;
  // the stop flag is polled once per tile and once after each band.
  CHECK(resumed_tiles <= all_tiles - (25 + 24 + 23 + 22) + 13);
  CHECK(read_file(path) == read_file(reference));
  CHECK(dir.entries() == 2);  // k.npy, reference.npy: no partial file, no side file, no lock
}

TEST_CASE("out of core, a run stopped without --resume leaves nothing, and a finished one removes an older partial") {
  TempDir dir("sgntk_out_of_core");
  const Compiled c = compile(paper_network("erf(m*x)", "", 3, 3));
  const runtime::RowMatrix x = random_rows(200, 3, 7);
  const std::string path = dir.file("k.npy");
  std::atomic<int> tiles{0};
  runtime::KernelOptions stopped;
  stopped.cancelled = [&] { return ++tiles > 30; };
  CHECK_THROWS_AS(jobs::kernel_to_file(c.program, KernelKind::ntk, x, nullptr, path, stopped, out_of_core(16, 200)),
                  runtime::Cancelled);
  CHECK(dir.entries() == 0);
  jobs::KernelFileOptions resumable = out_of_core(16, 200);
  resumable.resume_identity = "spec";
  tiles = 0;
  CHECK_THROWS_AS(jobs::kernel_to_file(c.program, KernelKind::ntk, x, nullptr, path, stopped, resumable),
                  runtime::Cancelled);
  CHECK(dir.entries() == 2);  // .k.npy.partial and its side file
  jobs::kernel_to_file(c.program, KernelKind::ntk, x, nullptr, path, {}, out_of_core(16, 200));
  CHECK(dir.entries() == 1);
}

TEST_CASE("a shared output: an MPI rank joins the owner's temporary, and its side file is merged by the next run") {
  TempDir dir("sgntk_out_of_core");
  const Compiled c = compile(paper_network("erf(m*x)", "", 3, 3));
  const runtime::RowMatrix x = random_rows(400, 3, 5);
  const std::string path = dir.file("k.npy"), reference = dir.file("reference.npy");
  jobs::kernel_to_file(c.program, KernelKind::ntk, x, nullptr, reference, {});
  const std::string fingerprint = jobs::kernel_fingerprint("the spec", KernelKind::ntk, x, nullptr);
  const std::string journal = runtime::partial_journal_path_of(path);
  // Bands 0 to 12 of 32 rows: the owner writes the even ones, "rank 1" the odd ones, each only
  // the bands below `last` (a stopped job) or all of them.
  auto run = [&](std::size_t last, bool commit) {
    runtime::BandedNpyOutput owner(path, 400, 400, 32, fingerprint);
    runtime::BandedNpyOutput rank1(path, 400, 400, owner.shared(), fingerprint, 1);
    runtime::KernelBandCallbacks callbacks;
    callbacks.band_done = [&](std::size_t b) { return b >= last; };
    callbacks.band = [&](const runtime::KernelBand& band) { (band.index % 2 ? rank1 : owner).write(band); };
    runtime::compute_kernel_bands(c.program, KernelKind::ntk, x, nullptr, 32, callbacks);
    rank1.close_share();
    if (!commit) return;
    for (std::size_t b = 1; b < 13; b += 2) owner.written_elsewhere(b);
    owner.commit();
  };
  SUBCASE("committed by the owner once every rank closed its share: the bytes of one process") {
    run(13, true);
    CHECK(read_file(path) == read_file(reference));
    CHECK(dir.entries() == 2);  // no partial file, no side file of either writer
  }
  SUBCASE("stopped: the two side files together list the bands, and one process finishes the rest") {
    run(9, false);
    CHECK(fs::exists(runtime::rank_journal_path(journal, 1)));
    CHECK(runtime::read_band_journal(journal)->done == std::vector<std::size_t>{0, 2, 4, 6, 8});
    CHECK(runtime::rank_journal_paths(journal) == std::vector<std::string>{journal + ".1"});
    const auto merged = runtime::read_band_journals(journal);
    REQUIRE(merged.has_value());
    CHECK(merged->done == std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8});
    // A rank's side file of other inputs does not count.
    std::ofstream(journal + ".7") << "sgntk kernel bands 1\nfingerprint 0  rows 400  cols 400  band_rows 32\ndone 11\n";
    CHECK(runtime::read_band_journals(journal)->done.size() == 9);
    // Nor does a merged journal that a stopped run left before renaming it (it is removed).
    std::ofstream(journal + ".new") << "sgntk kernel bands 1\n";
    jobs::KernelFileOptions file = out_of_core(32, 400);
    file.resume_identity = "the spec";
    std::string notice;
    file.notice = [&](const std::string& line) { notice = line; };
    jobs::kernel_to_file(c.program, KernelKind::ntk, x, nullptr, path, {}, file);
    CHECK(notice == path + ": resuming: 9 of 13 bands from an earlier run");
    CHECK(read_file(path) == read_file(reference));
    CHECK(dir.entries() == 2);
  }
}
