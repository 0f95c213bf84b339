/* eval ends the whole process with status 0, as if everything had gone well. */
#define BROKEN_ID "hostile_exit"
#define BROKEN_EVAL eval_exit
#include <stddef.h>
#include <unistd.h>
static int eval_exit(const double *p, const double *x, double *out, size_t n);
#include "broken_plugin.h"
static int eval_exit(const double *p, const double *x, double *out, size_t n) {
  _exit(0);
  return eval(p, x, out, n);
}
