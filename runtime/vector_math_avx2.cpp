// Compiled with -mavx2 -mfma (CMakeLists.txt); used only where the CPU has both.
#include <immintrin.h>

#define SGNTK_V __m256d
#define SGNTK_WIDTH 4
#define SGNTK_LOAD(p) _mm256_loadu_pd(p)
#define SGNTK_STORE(p, v) _mm256_storeu_pd(p, v)
#define SGNTK_SLEEF(f) Sleef_##f##d4_u10avx2
#define SGNTK_TABLE functions_avx2
#define SGNTK_UNIT_NAME "avx2"
#include "runtime/vector_math_unit.inc"
