// Compiled with -mavx512f (CMakeLists.txt); used only where the CPU has it.
#include <immintrin.h>

#define SGNTK_V __m512d
#define SGNTK_WIDTH 8
#define SGNTK_LOAD(p) _mm512_loadu_pd(p)
#define SGNTK_STORE(p, v) _mm512_storeu_pd(p, v)
#define SGNTK_SLEEF(f) Sleef_##f##d8_u10avx512f
#define SGNTK_TABLE functions_avx512
#define SGNTK_UNIT_NAME "avx512"
#include "runtime/vector_math_unit.inc"
