// `sgntk kernel` across the ranks of an MPI job: the kernel out of core (in bands of rows, as
// one process computes it past its memory budget), the bands split between the ranks by their
// cost (cli/jobs/band_shares.h), every rank writing its own bands into one shared temporary
// (runtime/banded_npy_output.h). Rank 0 creates and reserves the temporary; after every rank
// has synced its bands and the ranks agreed that all went well, rank 0 alone renames it onto
// the target. The file is bitwise the one of one process: the same tiles, each computed once.
//
// Every step ends in an agreement (cli/rank_steps.h), so a failure on any rank ends the job with
// one diagnostic and nothing at the target; a rank waits for the others only there. With
// --resume each rank records its bands in a side file of its own (band_journal.h); the next run
// (any number of ranks, or one process) merges them.
#pragma once
#include <string>

#include "cli/jobs/jobs.h"

namespace sgntk::cli {

// The kernel into the .npy file `path` on every rank of the job (collective); returns the exit
// code the ranks agreed on. `identity` is what the inputs' fingerprint covers besides the kind
// and the points: the ranks check that they all read the same inputs.
int kernel_across_ranks(const runtime::KernelProgram& program, runtime::KernelKind kind, const runtime::RowMatrix& x1,
                        const runtime::RowMatrix* x2, const std::string& path, const runtime::KernelOptions& options,
                        const jobs::KernelFileOptions& file, const std::string& identity);

}  // namespace sgntk::cli
