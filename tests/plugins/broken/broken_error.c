/* eval reports SGNTK_EDOMAIN for any |x| > 100. */
#define BROKEN_ID "broken_error"
#define BROKEN_EVAL eval_error
#include <math.h>
#include <stddef.h>
static int eval_error(const double *p, const double *x, double *out, size_t n);
#include "broken_plugin.h"
static int eval_error(const double *p, const double *x, double *out, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (fabs(x[i]) > 100.0) return SGNTK_EDOMAIN;
  return eval(p, x, out, n);
}
