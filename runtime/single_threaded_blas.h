// Eigen's products go to OpenBLAS when the build found it (CMakeLists.txt). OpenBLAS would start
// its own threads inside every TBB task (oversubscription, and a split of the sums that could
// depend on the thread count), so the code that runs products in TBB tasks (training, one network
// per task; predictions, one tile per task) holds it to one thread first.
#pragma once

namespace sgntk::runtime {

// Idempotent and thread-safe; nothing without OpenBLAS.
void use_single_threaded_blas();

}  // namespace sgntk::runtime
