/* A descriptor without its one required function. */
#define BROKEN_ID "broken_noeval"
#define BROKEN_EVAL NULL
#include "broken_plugin.h"
