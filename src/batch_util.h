/* batch_util.h: small helpers shared by the host's run records, the batch
 * runner and the gallery (src/batch*.c, src/main.c). Allocation failures end
 * the program with a message ("gprior: out of memory"): the host has nothing
 * sensible to do without memory, and every caller stays simple. */
#ifndef BATCH_UTIL_H
#define BATCH_UTIL_H

#include <stddef.h>
#include <stdio.h>

/* printf into a new malloc'ed string. */
char *batch_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* realloc that never returns NULL (size > 0). */
void *batch_realloc(void *p, size_t size);

/* Append item to the growing array *items of *n elements (capacity *cap). */
#define BATCH_PUSH(items, n, cap, item)                                              \
    do {                                                                             \
        if ((n) == (cap)) {                                                          \
            (cap) = (cap) ? 2 * (cap) : 8;                                           \
            (items) = batch_realloc((items), (cap) * sizeof *(items));               \
        }                                                                            \
        (items)[(n)++] = (item);                                                     \
    } while (0)

/* Seconds on a monotonic clock. */
double batch_now(void);

/* Read one line of f into *buf (malloc'ed, grown as needed up to max bytes;
 * the rest of a longer line is read and dropped). The newline is removed.
 * Returns the line's full length (which may exceed max: the line was cut),
 * or -1 at the end of the file. *cut is set when the line was cut. */
long long batch_read_line(FILE *f, char **buf, size_t *cap, size_t max, int *cut);

/* A non-negative decimal count at the start of s ("12 passed"), saturated at
 * LLONG_MAX instead of overflowing; *end is set after the digits. Returns -1
 * when s does not start with a digit. */
long long batch_parse_count(const char *s, const char **end);

/* 1 if s is a seed by the program's one rule (lgp_parse_seed: a decimal
 * integer 0..2^63-1, each seed a Lua integer). */
int batch_seed_ok(const char *s);

/* Parse a --timeout: whole seconds 1..31 days. Returns 0, or -1 if s is not one. */
int batch_parse_seconds(const char *s, unsigned *out);

/* s single-quoted for a POSIX shell ('it'\''s'); a new malloc'ed string.
 * Words made only of [A-Za-z0-9_./=,:+-] stay bare. */
char *batch_shell_quote(const char *s);

#endif
