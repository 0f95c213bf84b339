// Why a kernel is not finite on its diagonal, in words a user can act on: the infinite NTK of a
// jump activation (its derivative is a delta) or a variance that overflows at a named layer.
#pragma once
#include <Eigen/Core>

#include "runtime/bound_program.h"
#include "runtime/kinds.h"
#include "runtime/matrix_io.h"

namespace sgntk::runtime {

// Throws DataError when K(X,X) of `kind` (computed on the rows of x) is not finite on its
// diagonal, naming the first such training point, the hidden layer where the kernel stops being
// finite and why. Does nothing when the diagonal is finite.
void reject_infinite_diagonal(const KernelProgram& program, KernelKind kind, const RowMatrix& x,
                              const RowMatrix& k_train_train);

}  // namespace sgntk::runtime
