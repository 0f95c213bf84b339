/* eval returns NaN for x > 2 (as a naive exp-overflowing formula would). */
#define BROKEN_ID "broken_nan"
#define BROKEN_EVAL eval_nan
#include <math.h>
#include <stddef.h>
static int eval_nan(const double *p, const double *x, double *out, size_t n);
#include "broken_plugin.h"
static int eval_nan(const double *p, const double *x, double *out, size_t n) {
  eval(p, x, out, n);
  for (size_t i = 0; i < n; ++i)
    if (x[i] > 2.0) out[i] = NAN;
  return SGNTK_OK;
}
