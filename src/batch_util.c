/* batch_util.c: helpers shared by the host's run records, the batch runner and
 * the gallery (see batch_util.h). */
#define _POSIX_C_SOURCE 200809L

#include "batch_util.h"
#include "lgprior.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void out_of_memory(void)
{
    fputs("gprior: out of memory\n", stderr);
    exit(EXIT_FAILURE);
}

char *batch_strf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!s)
        out_of_memory();
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

void *batch_realloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

double batch_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

long long batch_read_line(FILE *f, char **buf, size_t *cap, size_t max, int *cut)
{
    long long len = 0;
    size_t kept = 0;
    int c;
    *cut = 0;
    while ((c = getc(f)) != EOF && c != '\n') {
        len++;
        if (kept >= max) {
            *cut = 1;
            continue;
        }
        if (kept + 1 >= *cap) {
            *cap = *cap ? 2 * *cap : 256;
            *buf = batch_realloc(*buf, *cap);
        }
        (*buf)[kept++] = (char)c;
    }
    if (c == EOF && len == 0)
        return -1;
    if (!*buf) {
        *cap = 1;
        *buf = batch_realloc(NULL, 1);
    }
    if (kept > 0 && (*buf)[kept - 1] == '\r')
        kept--;
    (*buf)[kept] = '\0';
    return len;
}

long long batch_parse_count(const char *s, const char **end)
{
    if (*s < '0' || *s > '9')
        return -1;
    long long v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        int d = *s - '0';
        v = v > (LLONG_MAX - d) / 10 ? LLONG_MAX : v * 10 + d;
    }
    if (end)
        *end = s;
    return v;
}

int batch_seed_ok(const char *s)
{
    unsigned long long seed;
    return lgp_parse_seed(s, &seed);
}

int batch_parse_seconds(const char *s, unsigned *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long t = strtoul(s, &end, 10);
    if (*end || errno || t < 1 || t > 31UL * 24 * 3600)
        return -1;
    *out = (unsigned)t;
    return 0;
}

char *batch_shell_quote(const char *s)
{
    int bare = *s != '\0';
    for (const char *p = s; *p && bare; p++)
        bare = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=,:+-",
                      *p) != NULL;
    if (bare)
        return batch_strf("%s", s);
    size_t quotes = 0;
    for (const char *p = s; *p; p++)
        quotes += *p == '\'';
    char *q = batch_realloc(NULL, strlen(s) + 3 * quotes + 3);
    char *o = q;
    *o++ = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '\'') {
            memcpy(o, "'\\''", 4);
            o += 4;
        } else {
            *o++ = *p;
        }
    }
    *o++ = '\'';
    *o = '\0';
    return q;
}
