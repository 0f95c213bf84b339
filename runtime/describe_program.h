// `sgntk check --dump program`: a bound program in readable form, one block per network with
// every layer's three expectations, term by term (describe() of expectation.h).
#pragma once
#include <string>

#include "runtime/bound_program.h"

namespace sgntk::runtime {

std::string describe(const KernelProgram& program);

}  // namespace sgntk::runtime
