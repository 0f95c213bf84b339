// The finished networks of one train task at one sweep point, saved in chunks so that a long run
// can be done in pieces: `sgntk run --resume` trains only the chunks no earlier run saved. A
// folder OUT/.resume/<task>/<hash of the stamp>/ holds `stamp.txt` (what the networks belong to:
// spec hash, --set, the task's arguments as run, the sweep point) and, per chunk of networks
// [first, first + count),
// `networks_<first>_<count>.outputs.npy` [saves * count, points * outputs] and `.loss.npy`
// [count, loss records]. Networks are keyed by (seed, index) alone, so a chunk trained alone is
// bitwise the chunk trained inside the whole ensemble.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "runtime/training.h"

namespace sgntk::experiment {

class NetworkStore {
 public:
  // Empties the folder unless `resume` and its stamp is `stamp` (then its chunks are reused).
  NetworkStore(std::filesystem::path dir, const std::string& stamp, bool resume);

  // The chunk [first, first + count) if it was saved with these shapes (saves, points, outputs,
  // loss records); none otherwise.
  std::optional<runtime::EnsembleResult> load(long first, long count, long saves, long points, long outputs,
                                              const std::vector<long>& loss_steps) const;
  // Saves a chunk (both files atomically).
  void save(long first, const runtime::EnsembleResult& chunk) const;

 private:
  std::filesystem::path file(long first, long count, const char* what) const;
  std::filesystem::path dir_;
};

// Copies chunk (networks [first, first + chunk.outputs_shape[1])) into whole (the ensemble).
void place_chunk(runtime::EnsembleResult& whole, long first, const runtime::EnsembleResult& chunk);

}  // namespace sgntk::experiment
