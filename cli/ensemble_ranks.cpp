#include "cli/ensemble_ranks.h"

#include <algorithm>

#include "runtime/mpi/collectives.h"
#include "runtime/mpi/world.h"

namespace sgntk::cli {

EnsembleBlock ensemble_block(long ensemble, int rank, int ranks) {
  const long base = ensemble / ranks, extra = ensemble % ranks;
  return {rank * base + std::min<long>(rank, extra), base + (rank < extra ? 1 : 0)};
}

runtime::EnsembleResult train_block(const runtime::KernelProgram& program, const runtime::EnsembleTraining& job,
                                    EnsembleBlock block) {
  if (block.count == 0) return {};
  runtime::EnsembleTraining mine = job;
  mine.first = job.first + block.first;
  mine.ensemble = block.count;
  return runtime::train_ensemble(program, mine);
}

runtime::EnsembleResult gather_ensemble(const runtime::EnsembleResult& mine, const runtime::EnsembleTraining& job) {
  const mpi::World& world = mpi::world();
  std::vector<long> counts, firsts;
  for (int r = 0; r < world.size; ++r) {
    const EnsembleBlock block = ensemble_block(job.ensemble, r, world.size);
    counts.push_back(block.count);
    firsts.push_back(block.first);
  }
  const long ensemble = job.ensemble, saves = static_cast<long>(job.save_at.size());
  const long points = job.eval.size() > 0 ? job.eval.rows() : job.x.rows(), outputs = job.y.cols();
  const std::vector<long> loss_steps = runtime::loss_steps(job.settings.steps, job.loss_every);
  const auto records = static_cast<long>(loss_steps.size());

  runtime::EnsembleResult whole;
  if (world.root()) {
    whole.loss_steps = loss_steps;
    whole.outputs_shape = {saves, ensemble, points, outputs};
    whole.outputs.assign(static_cast<std::size_t>(saves * ensemble * points * outputs), 0.0);
    whole.loss.assign(static_cast<std::size_t>(ensemble * records), 0.0);
  }
  // outputs are [saves, ensemble, points, outputs]: per save, the blocks' rows of `points *
  // outputs` numbers go to rows save * ensemble + first of the whole.
  const long row = points * outputs, count = counts[static_cast<std::size_t>(world.rank)];
  for (long s = 0; s < saves; ++s) {
    std::vector<long> at(firsts);
    for (long& first : at) first += s * ensemble;
    mpi::gather_rows(mine.outputs.data() + s * count * row, row, counts, at, whole.outputs.data());
  }
  mpi::gather_rows(mine.loss.data(), records, counts, firsts, whole.loss.data());
  return whole;
}

}  // namespace sgntk::cli
