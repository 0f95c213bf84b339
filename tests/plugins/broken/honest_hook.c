/* Valid: the boxcar of hostile_liar.c with an exact hook, which the probe must accept. */
#define HOOK_ID "honest_hook"
#define HOOK_DESCRIPTION "a boxcar with an exact E1 hook"
#include "boxcar_hook.h"
