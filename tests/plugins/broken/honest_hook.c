/* The boxcar of hostile_liar.c with an exact hook (factor 1): passes the probe. */
#define LIAR_ID "honest_hook"
#define LIAR_FACTOR 1.0
#include "hostile_liar.c"
