/* sgntk_plugin.h: the one header a surrogate-derivative plugin includes. C99, no C++ types,
 * nothing thrown across the boundary.
 *
 * A plugin is a shared library that exports ONE symbol, sgntk_surrogate_descriptor_at(), which
 * enumerates descriptors (LADSPA style): index 0, 1, ... until it returns NULL. A descriptor
 * describes one surrogate derivative g(x; params): its id, what it computes (formula text and
 * normalisation), its parameters, and the functions the host calls.
 *
 * Versioning (CLAP's version struct, LV2's size field):
 *   - `abi.major` changes on any incompatible change. The host refuses other majors and reads
 *     nothing but `abi` from such a descriptor.
 *   - `abi.minor` changes when fields are APPENDED to sgntk_surrogate_descriptor. `struct_size`
 *     is sizeof(sgntk_surrogate_descriptor) as the plugin was compiled; the host reads nothing
 *     past it and treats fields beyond it as absent (NULL / 0). A struct_size smaller than the
 *     ABI 1.0 layout is refused. sgntk_param_info and sgntk_shape are frozen within a major.
 *
 * Ownership: the host never frees plugin memory. Every pointer a descriptor holds (strings,
 * the parameter table) must stay valid and unchanged until the library is unloaded; static
 * storage is the natural choice. Buffers passed to a plugin function belong to the host and
 * are valid only during the call. Plugins keep no per-instance state: every call receives the
 * full parameter vector, in the order of `params`, already checked against the stated ranges.
 *
 * Threads (CLAP's tags): [thread-safe] functions may run concurrently from many threads on
 * different arrays and must not allocate, lock or write global state. [main-thread] functions
 * run once per instantiation, before any [thread-safe] call for that parameter vector.
 *
 * Errors are status codes (SGNTK_OK = 0); functions write no output on error. A plugin may
 * return finite numbers only: the host rejects NaN and infinity with a message naming the
 * plugin id and file.
 */
#ifndef SGNTK_PLUGIN_H
#define SGNTK_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SGNTK_ABI_MAJOR 1
#define SGNTK_ABI_MINOR 0

#if defined(_WIN32)
#define SGNTK_EXPORT __declspec(dllexport)
#else
#define SGNTK_EXPORT __attribute__((visibility("default")))
#endif

/* The name of the one exported symbol, for dlsym(). */
#define SGNTK_ENTRY_SYMBOL "sgntk_surrogate_descriptor_at"

typedef struct sgntk_abi_version {
  uint16_t major; /* SGNTK_ABI_MAJOR the plugin was built against */
  uint16_t minor; /* SGNTK_ABI_MINOR the plugin was built against */
} sgntk_abi_version;

/* Status codes of every plugin function. */
enum {
  SGNTK_OK = 0,
  SGNTK_EINVAL = 1,      /* a parameter combination the plugin cannot use */
  SGNTK_EDOMAIN = 2,     /* an input outside the function's domain (e.g. var < 0) */
  SGNTK_EUNSUPPORTED = 3 /* a hook is not available for these parameters: the host then
                            treats it as absent and integrates eval instead */
};

/* What g integrates to or peaks at, for every value of the shape parameters, with the plugin's overall factor (the built-ins call it `scale`) at 1. Every
 * target of a surrogate is a step: Heaviside H (jump 1) or sign = 2H - 1 (jump 2), so an
 * area-1 surrogate with scale = 2 is the jump-consistent one for sign. */
enum {
  SGNTK_NORM_RAW = 0,       /* no normalisation; the formula says it all */
  SGNTK_NORM_AREA = 1,      /* integral of g over R = 1: consistent with H' = delta */
  SGNTK_NORM_PEAK = 2,      /* max of g = g(0) = 1 */
  SGNTK_NORM_SIGN_JUMP = 3  /* integral of g over R = 2: consistent with sign' = 2 delta */
};

/* Capability flags (descriptor.caps). A hook flag must be set exactly when its hook is set. */
enum {
  SGNTK_CAP_THREAD_SAFE = 1u << 0,    /* required: eval and hooks are [thread-safe] */
  SGNTK_CAP_GAUSS_AVERAGE = 1u << 1,  /* gauss_average != NULL */
  SGNTK_CAP_GAUSS_EXPECT2 = 1u << 2,  /* gauss_expect2 != NULL */
  SGNTK_CAP_SHAPE = 1u << 3           /* shape != NULL */
};

/* One parameter. Valid values v satisfy lo <(=) v <(=) hi; an infinite bound means none. */
enum {
  SGNTK_PARAM_LO_OPEN = 1u << 0, /* v > lo rather than v >= lo */
  SGNTK_PARAM_HI_OPEN = 1u << 1, /* v < hi rather than v <= hi */
  SGNTK_PARAM_INTEGER = 1u << 2  /* v must be a whole number */
};
typedef struct sgntk_param_info {
  const char *name;        /* identifier as written in a spec: [A-Za-z_][A-Za-z0-9_]* */
  const char *description; /* one line, may be NULL */
  double default_value;    /* must itself be valid */
  double lo, hi;
  uint32_t flags;          /* SGNTK_PARAM_* */
} sgntk_param_info;

/* Where g is not smooth, so that the host can split quadrature there. */
#define SGNTK_MAX_BREAKPOINTS 16
enum {
  SGNTK_SHAPE_SMOOTH = 1u << 0, /* analytic on the real line */
  SGNTK_SHAPE_EVEN = 1u << 1,   /* g(-x) = g(x) */
  SGNTK_SHAPE_ODD = 1u << 2     /* g(-x) = -g(x) */
};
typedef struct sgntk_shape {
  double breakpoints[SGNTK_MAX_BREAKPOINTS]; /* kinks, jumps, support edges: sorted, unique */
  uint32_t breakpoint_count;
  double support_lo, support_hi; /* g == 0 outside; -HUGE_VAL / HUGE_VAL when unbounded */
  uint32_t flags;                /* SGNTK_SHAPE_* */
} sgntk_shape;

typedef struct sgntk_surrogate_descriptor {
  sgntk_abi_version abi; /* = { SGNTK_ABI_MAJOR, SGNTK_ABI_MINOR } */
  uint32_t struct_size;  /* = sizeof(sgntk_surrogate_descriptor) */

  const char *id;          /* the name a spec uses: plugin("id", ...); [A-Za-z_][A-Za-z0-9_.]* */
  const char *version;     /* the plugin's own version, e.g. "1.0.0" */
  const char *description; /* one line: what it is and which library's parameterisation */
  const char *formula;     /* g(x) in words and symbols, e.g. "scale / (1 + slope |x|)^2" */
  uint32_t normalisation;  /* SGNTK_NORM_* */
  uint32_t caps;           /* SGNTK_CAP_* */
  uint32_t param_count;
  const sgntk_param_info *params; /* param_count entries, names unique */

  /* [main-thread, optional] Checks a parameter vector beyond the per-parameter ranges. On
   * error writes a NUL-terminated message (at most message_size bytes) and returns non-zero. */
  int (*check_params)(const double *params, char *message, size_t message_size);

  /* [thread-safe, required] out[i] = g(x[i]) for 0 <= i < n. */
  int (*eval)(const double *params, const double *x, double *out, size_t n);

  /* [thread-safe, optional] out[i] = E[g(V)], V ~ N(mean[i], var[i]), var[i] >= 0
   * (var[i] = 0 means g(mean[i])). The host builds E[delta(u) g(v)] from it. */
  int (*gauss_average)(const double *params, const double *mean, const double *var,
                       double *out, size_t n);

  /* [thread-safe, optional] out[i] = E[g(u) g(v)], (u, v) ~ N(0, [[a, c], [c, b]]) with
   * a[i], b[i] >= 0 and c[i]^2 <= a[i] b[i]. */
  int (*gauss_expect2)(const double *params, const double *a, const double *b,
                       const double *c, double *out, size_t n);

  /* [main-thread, optional] Describes where g is not smooth, for these parameters. The host
   * zero-fills *out before the call. */
  int (*shape)(const double *params, sgntk_shape *out);
} sgntk_surrogate_descriptor;

/* The size of the ABI 1.0 descriptor: the smallest struct_size the host accepts. */
#define SGNTK_DESCRIPTOR_SIZE_1_0 \
  (offsetof(sgntk_surrogate_descriptor, shape) + sizeof(void (*)(void)))

/* The one exported symbol. Returns the index-th descriptor, NULL when index is past the end. */
typedef const sgntk_surrogate_descriptor *(*sgntk_entry_fn)(uint32_t index);
SGNTK_EXPORT const sgntk_surrogate_descriptor *sgntk_surrogate_descriptor_at(uint32_t index);

#ifdef __cplusplus
}
#endif

#endif /* SGNTK_PLUGIN_H */
