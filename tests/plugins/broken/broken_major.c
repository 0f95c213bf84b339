/* Built against a future, incompatible ABI: the host must refuse it after reading abi alone. */
#define BROKEN_ID "broken_major"
#define BROKEN_MAJOR (SGNTK_ABI_MAJOR + 1)
#include "broken_plugin.h"
