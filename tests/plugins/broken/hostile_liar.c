/* A boxcar whose closed-form E[g(V)] hook lies: the true average times 1e11, finite and
 * plausible-looking, so that only a comparison with quadrature of eval can catch it. */
#define HOOK_ID "hostile_liar"
#define HOOK_DESCRIPTION "a boxcar whose E1 hook is 1e11 times too large"
#define HOOK_FACTOR 1e11
#include "boxcar_hook.h"
