/* The lying boxcar of hostile_liar.c, off by a relative 1e-6 only: above the host's 1e-8. */
#define LIAR_ID "hostile_fib"
#define LIAR_FACTOR (1.0 + 1e-6)
#include "hostile_liar.c"
