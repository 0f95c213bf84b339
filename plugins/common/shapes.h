/* Shape hooks shared by the built-in plugins (C99, header only, static). Not part of the ABI. */
#ifndef SGNTK_PLUGINS_SHAPES_H
#define SGNTK_PLUGINS_SHAPES_H

#include <math.h>

#include "plugins/abi/sgntk_plugin.h"

/* An analytic, even g on the whole line: no break points, no compact support. */
static inline int sgntk_shape_smooth_even(const double *p, sgntk_shape *s) {
  (void)p;
  s->breakpoint_count = 0;
  s->support_lo = -HUGE_VAL;
  s->support_hi = HUGE_VAL;
  s->flags = SGNTK_SHAPE_SMOOTH | SGNTK_SHAPE_EVEN;
  return SGNTK_OK;
}

/* An even g, analytic except for a kink at 0 (a function of |x|): integrals split there. */
static inline int sgntk_shape_kink_at_zero(const double *p, sgntk_shape *s) {
  (void)p;
  s->breakpoints[0] = 0.0;
  s->breakpoint_count = 1;
  s->support_lo = -HUGE_VAL;
  s->support_hi = HUGE_VAL;
  s->flags = SGNTK_SHAPE_EVEN;
  return SGNTK_OK;
}

#endif
