// The MPI world of this process: MPI is initialised only when an MPI launcher (mpirun, or srun
// with PMI / PMIx) started the process, so a plain `sgntk` run never touches MPI. Without MPI
// at build time everything here is a stub: one rank.
#pragma once
#include <optional>

namespace sgntk::mpi {

// Whether this build has MPI (CMake option SGNTK_MPI).
bool built_with_mpi();

// The number of ranks an MPI launcher announced in the environment (OMPI_COMM_WORLD_SIZE,
// PMI_SIZE, or 1 for PMIX_RANK alone), or nothing when no launcher started this process.
std::optional<int> launcher_size();

// This process's place in MPI_COMM_WORLD; rank 0 of 1 outside MPI.
struct World {
  int rank = 0;
  int size = 1;
  bool root() const { return rank == 0; }
};

// MPI for the lifetime of main: initialises it (one thread calls MPI) when launcher_size() says
// a launcher started us and the build has MPI, and finalises it at the end. Only one per process.
class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

// The world set up by the Session (rank 0 of 1 before, or when MPI is not in use).
const World& world();

// Ends every rank of the job with `code` (MPI_Abort); the exit of this process alone without MPI.
// For a failure that the other ranks cannot learn of, so that none waits for this one forever.
[[noreturn]] void abort_job(int code);

}  // namespace sgntk::mpi
