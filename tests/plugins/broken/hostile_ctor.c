/* A library whose constructor crashes as soon as it is loaded (before any descriptor is read):
 * it must take down only the probe helper, never a run that uses other plugins. */
#define BROKEN_ID "hostile_ctor"
#include "broken_plugin.h"

__attribute__((constructor)) static void crash_on_load(void) {
  volatile int *volatile nowhere = 0; /* volatile: the compiler may not drop the store */
  *nowhere = 1;
}
