/* A boxcar whose E[g(V)] hook is off by a relative 1e-6 only: above the host's 1e-8. */
#define HOOK_ID "hostile_fib"
#define HOOK_DESCRIPTION "a boxcar whose E1 hook is 1e-6 too large"
#define HOOK_FACTOR (1.0 + 1e-6)
#include "boxcar_hook.h"
