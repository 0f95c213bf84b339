/* eval never returns. */
#define BROKEN_ID "hostile_loop"
#define BROKEN_EVAL eval_loop
#include <stddef.h>
static int eval_loop(const double *p, const double *x, double *out, size_t n);
#include "broken_plugin.h"
static int eval_loop(const double *p, const double *x, double *out, size_t n) {
  for (volatile unsigned long spin = 0;; spin = spin + 1) {
  }
  return eval(p, x, out, n);
}
