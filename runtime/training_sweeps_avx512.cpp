// The training sweeps for avx512, compiled with -mavx512f and -ffp-contract=fast
// (CMakeLists.txt); called only where the CPU has the unit.
#define SGNTK_SWEEP_UNIT avx512
#define SGNTK_SWEEP_BYTES 64
#define SGNTK_PRODUCT_ROWS 16
#define SGNTK_SWEEP_ROWS 5
#define SGNTK_SWEEP_COLUMNS 2
#include "runtime/training_sweeps.inc"
