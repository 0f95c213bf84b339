/* Claims a descriptor smaller than ABI 1.0's: the host must not read past the claimed size. */
#define BROKEN_ID "broken_small"
#define BROKEN_SIZE 16
#include "broken_plugin.h"
