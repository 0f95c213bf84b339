// <mpi.h> for the files of this folder, in builds with MPI only (SGNTK_HAVE_MPI), without the
// C++ bindings that some MPI headers still pull in: only the C API is used.
#pragma once
#ifdef SGNTK_HAVE_MPI
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif
