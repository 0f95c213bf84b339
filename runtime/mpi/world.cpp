#include "runtime/mpi/world.h"

#include <cstdlib>
#include <string>

#include "runtime/mpi/mpi_api.h"


namespace sgntk::mpi {
namespace {

World the_world;
bool initialised = false;

std::optional<int> size_from(const char* variable) {
  const char* text = std::getenv(variable);
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  const long n = std::strtol(text, &end, 10);
  if (*end != '\0' || n < 1) return std::nullopt;
  return static_cast<int>(n);
}

}  // namespace

bool built_with_mpi() {
#ifdef SGNTK_HAVE_MPI
  return true;
#else
  return false;
#endif
}

std::optional<int> launcher_size() {
  // Open MPI's mpirun, then MPICH / Slurm PMI, then PMIx (srun --mpi=pmix sets the rank only).
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (std::optional<int> n = size_from(variable)) return n;
  if (std::getenv("PMIX_RANK") != nullptr) return 1;
  return std::nullopt;
}

Session::Session() {
#ifdef SGNTK_HAVE_MPI
  if (!launcher_size()) return;
  int provided = 0;
  // Only the main thread calls MPI; the TBB workers of a rank never do.
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  initialised = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &the_world.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &the_world.size);
#endif
}

Session::~Session() {
#ifdef SGNTK_HAVE_MPI
  if (initialised) MPI_Finalize();
  initialised = false;
#endif
  the_world = World{};
}

const World& world() { return the_world; }

void abort_job(int code) {
#ifdef SGNTK_HAVE_MPI
  if (initialised) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::_Exit(code);
}

}  // namespace sgntk::mpi
