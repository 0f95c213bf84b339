// `sgntk run --resume`: train tasks save their finished networks `chunk` at a time, and a resumed
// run trains only the chunks that are missing. Networks are keyed by (seed, index) alone, so the
// result is bitwise that of one uninterrupted run, whatever the chunks.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/read_file.h"
#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using sgntk::test::read_file;
using sgntk::test::run_process;

namespace {

const char* const spec = R"(param n = 20
network net(input = 2) {
  dense(width = n, sigma_w = 1, sigma_b = 0.1, act = sign, surrogate = 2/sqrt(pi) * exp(-x^2))
  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)
}
data grid = circle(n = 30)
data train = select(grid, every = 3)
target y = x0 * x1
task sgl = train(network = net, x = train, y = y, eval = grid, steps = 200, ensemble = 7, seed = 5, chunk = CHUNK,
                 save_at = [0, 100, 200], loss_every = 50, sweep n = [20, 30])
)";

// Writes the spec with `chunk` networks per chunk into dir, runs it into dir/out; returns stderr.
std::string run(const fs::path& dir, const std::string& name, int chunk, bool resume) {
  const std::string text = spec;
  const std::size_t at = text.find("CHUNK");
  std::ofstream(dir / name) << text.substr(0, at) << chunk << text.substr(at + 5);
  std::vector<std::string> args{SGNTK_EXE, "run", (dir / name).string(), "--quiet", "--out", (dir / "out").string()};
  if (resume) args.push_back("--resume");
  const auto result = run_process(args, SGNTK_SOURCE_DIR);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return result.err;
}

}  // namespace

TEST_CASE("--resume trains only the missing chunks of networks, and the result is bitwise one run's") {
  const fs::path dir = fs::path(SGNTK_BINARY_DIR) / "run_tests" / "resume";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::vector<std::string> files{"sgl/n_20/outputs.npy", "sgl/n_20/loss.npy", "sgl/n_30/outputs.npy",
                                       "sgl/n_30/loss.npy"};
  // One chunk of all 7 networks: the reference.
  CHECK(run(dir, "whole.sgntk", 7, false).find("earlier run") == std::string::npos);
  std::vector<std::string> reference;
  for (const std::string& f : files) reference.push_back(read_file(dir / "out" / f));
  REQUIRE(reference[0].size() > 3 * 7 * 30 * 8);

  // Chunks of 3, 3 and 1 networks: the same bits.
  CHECK(run(dir, "chunks.sgntk", 3, false).find("earlier run") == std::string::npos);
  for (std::size_t i = 0; i < files.size(); ++i) CHECK(read_file(dir / "out" / files[i]) == reference[i]);

  // A stopped run: the middle chunk of each sweep point is missing. --resume trains it alone.
  int removed = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "out/.resume/sgl"))
    if (entry.path().filename() == "networks_3_3.outputs.npy") removed += fs::remove(entry.path());
  CHECK(removed == 2);
  const std::string err = run(dir, "chunks.sgntk", 3, true);
  CHECK(err.find("task 'sgl': 4 of 7 networks from an earlier run") != std::string::npos);
  for (std::size_t i = 0; i < files.size(); ++i) CHECK(read_file(dir / "out" / files[i]) == reference[i]);
  CHECK(read_file(dir / "out/manifest.json").find(R"("networks_resumed": 4)") != std::string::npos);

  // Everything saved: nothing is trained; without --resume everything is.
  CHECK(run(dir, "chunks.sgntk", 3, true).find("7 of 7 networks from an earlier run") != std::string::npos);
  CHECK(run(dir, "chunks.sgntk", 3, false).find("earlier run") == std::string::npos);
  for (std::size_t i = 0; i < files.size(); ++i) CHECK(read_file(dir / "out" / files[i]) == reference[i]);
}
