// The x86-64 baseline (SSE2), used where the CPU has neither AVX2 + FMA nor AVX-512.
#include <emmintrin.h>

#define SGNTK_V __m128d
#define SGNTK_WIDTH 2
#define SGNTK_LOAD(p) _mm_loadu_pd(p)
#define SGNTK_STORE(p, v) _mm_storeu_pd(p, v)
#define SGNTK_SLEEF(f) Sleef_##f##d2_u10sse2
#define SGNTK_TABLE functions_sse2
#define SGNTK_UNIT_NAME "sse2"
#include "runtime/vector_math_unit.inc"
