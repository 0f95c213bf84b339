/* A shared library without sgntk_surrogate_descriptor_at. */
#define BROKEN_ID "broken_nosymbol"
#define BROKEN_NO_ENTRY
#include "broken_plugin.h"
