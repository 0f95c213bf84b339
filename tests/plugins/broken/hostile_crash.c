/* eval dereferences a null pointer (SIGSEGV) on every call. */
#define BROKEN_ID "hostile_crash"
#define BROKEN_EVAL eval_crash
#include <stddef.h>
static int eval_crash(const double *p, const double *x, double *out, size_t n);
#include "broken_plugin.h"
static int eval_crash(const double *p, const double *x, double *out, size_t n) {
  volatile double *volatile nowhere = 0; /* volatile: the compiler may not drop the store */
  *nowhere = x[0];
  return eval(p, x, out, n);
}
