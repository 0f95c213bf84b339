// The training sweeps for avx2, compiled with -mavx2 -mfma and -ffp-contract=fast
// (CMakeLists.txt); called only where the CPU has the unit.
#define SGNTK_SWEEP_UNIT avx2
#define SGNTK_SWEEP_BYTES 32
#define SGNTK_PRODUCT_ROWS 12
#define SGNTK_SWEEP_ROWS 4
#define SGNTK_SWEEP_COLUMNS 2
#include "runtime/training_sweeps.inc"
