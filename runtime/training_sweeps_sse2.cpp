// The training sweeps for sse2, compiled with no extra target flags and -ffp-contract=fast
// (CMakeLists.txt); called only where the CPU has the unit.
#define SGNTK_SWEEP_UNIT sse2
#define SGNTK_SWEEP_BYTES 16
#define SGNTK_PRODUCT_ROWS 12
#define SGNTK_SWEEP_ROWS 2
#define SGNTK_SWEEP_COLUMNS 2
#include "runtime/training_sweeps.inc"
