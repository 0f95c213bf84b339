/* Valid: a boxcar on (-1, 1) whose closed-form E[g(V)] hook serves only height <= 1 and answers
 * SGNTK_EUNSUPPORTED otherwise, so that the host must fall back to quadrature for those. */
#define HOOK_ID "partial_hook"
#define HOOK_DESCRIPTION "a boxcar whose E1 hook serves height <= 1 only"
#define HOOK_MAX_HEIGHT 1.0
#include "boxcar_hook.h"
