// Ensemble training across MPI ranks (`sgntk train` under mpirun): the ensemble is split into
// contiguous blocks, one per rank, each trained with that rank's threads, and the blocks'
// results are gathered on rank 0. Network e keeps its seed stream (seed, e) on whichever rank
// trains it, and one network's arithmetic never depends on the others, so the gathered result
// is bitwise the one of a single process.
#pragma once
#include "runtime/training.h"

namespace sgntk::cli {

// Networks [first, first + count) of the ensemble. Block sizes differ by at most one, the larger
// ones first (rank 0 always has a network); ranks beyond the ensemble get an empty block.
struct EnsembleBlock {
  long first = 0, count = 0;
};
EnsembleBlock ensemble_block(long ensemble, int rank, int ranks);

// Trains the networks of `block` of job's ensemble (runtime::train_ensemble; the NaN rule is for
// the gathered whole). An empty block trains nothing and gives empty arrays.
runtime::EnsembleResult train_block(const runtime::KernelProgram& program, const runtime::EnsembleTraining& job,
                                    EnsembleBlock block);

// Every rank's block result (this rank's is `mine`) gathered into the whole ensemble's result on
// rank 0; the other ranks get an empty result. Collective: every rank calls it.
runtime::EnsembleResult gather_ensemble(const runtime::EnsembleResult& mine, const runtime::EnsembleTraining& job);

}  // namespace sgntk::cli
