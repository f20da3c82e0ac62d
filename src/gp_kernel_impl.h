/* gp_kernel_impl.h: private to gp_kernel.c, gp_kernel_base.c and gp_func.c.
 *
 * The kernel node layout, the leaf entry points (gp_kernel_base.c) used by the
 * tree driver (gp_kernel.c), and a small snprintf-style text builder with a
 * shortest-round-trip number format shared by the describe functions. */
#ifndef GP_KERNEL_IMPL_H
#define GP_KERNEL_IMPL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp_error.h"
#include "gp_func.h"
#include "gp_kernel.h"
#include "gp_matrix.h"

#define GP_PI 3.14159265358979323846

typedef enum gp_kernel_type {
    /* stationary leaves, parametrised by amplitude and length-scale(s) */
    GP_K_RBF,
    GP_K_OU,
    GP_K_EXPONENTIAL,
    GP_K_MATERN32,
    GP_K_MATERN52,
    GP_K_RQ,
    GP_K_PERIODIC,
    /* other leaves */
    GP_K_LINEAR,
    GP_K_POLYNOMIAL,
    GP_K_NN,
    GP_K_BROWNIAN,
    GP_K_CONSTANT,
    GP_K_WHITE,
    /* inner nodes */
    GP_K_SUM,
    GP_K_PRODUCT,
    GP_K_SCALE,
    GP_K_WARP,
    GP_K_STRETCH,
    GP_K_SHIFT,
    GP_K_SELECT
} gp_kernel_type;

/* One node. Scalars by kind:
 *   stationary: amplitude, alpha (rq), period/lengthscale (periodic: vec = {l})
 *   linear/polynomial/nn: variance, offset, degree (polynomial)
 *   brownian/white: variance; constant: value in variance; scale: c in variance
 * vec holds nvec doubles: length-scales, stretch factors, shift offsets, or
 * Sigma (dim x dim, column-major, nvec = dim * dim, dim in dim). dims holds
 * nvec indices for select. vec/dims point into the node's own allocation. */
struct gp_kernel {
    gp_kernel_type type;
    size_t refs;
    double amplitude, alpha, period;
    double variance, offset;
    int degree;
    size_t dim;
    size_t nvec;
    double *vec;
    size_t *dims;
    gp_kernel *a, *b; /* children (b only for sum/product) */
    gp_func *f;       /* warp function */
};

/* A zeroed node of the given type with room for nvec doubles (vec) or, if
 * with_dims, nvec indices (dims); refs = 1. NULL (err filled) on no memory. */
gp_kernel *gp_kernel_node_new(gp_kernel_type type, size_t nvec, int with_dims, const char *what,
                              gp_error *err);

/* 1 for the leaf types, 0 for inner nodes. */
static inline int gp_kernel_is_leaf(const gp_kernel *k)
{
    return k->type <= GP_K_WHITE;
}

/* Leaf entry points (gp_kernel_base.c). X and Y are validated (non-empty,
 * same number of columns, finite). sym: 0: all of K; 1: Y == X and only the
 * upper triangle (i <= j) of K needs to be written; 2: Y == X, both triangles
 * (the lower one a copy of the upper one, made while it is in cache). */
gp_code gp_kernel_leaf_gram(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, int sym,
                            gp_matrix *K, gp_error *err);
gp_code gp_kernel_leaf_diag(const gp_kernel *k, const gp_matrix *X, double *out, gp_error *err);
const char *gp_kernel_leaf_name(const gp_kernel *k);

/* Columns j0..j1-1 of some n x m matrix. */
typedef void (*gp_colfn)(void *ctx, size_t j0, size_t j1);

/* Run fn over the columns 0..m-1 of an n x m matrix (sym: column j holds j + 1
 * computed entries; the longest are handed out first), in chunks of chunk
 * columns (0: automatic) shared among openblas_get_num_threads() threads
 * (C11 threads, dynamic scheduling) when there are at least 2^17 entries, else
 * in the calling thread. fn must write disjoint columns and must not fail. */
void gp_kernel_parallel_cols(size_t n, size_t m, int sym, size_t chunk, gp_colfn fn, void *ctx);

/* ---- text builder with snprintf semantics -------------------------------- */

typedef struct gp_sbuf {
    char *buf;
    size_t cap;
    size_t len; /* length the full text needs (may exceed cap - 1) */
} gp_sbuf;

static inline gp_sbuf gp_sbuf_make(char *buf, size_t cap)
{
    gp_sbuf sb = {buf, buf ? cap : 0, 0};
    if (sb.cap > 0)
        sb.buf[0] = '\0';
    return sb;
}

/* Append n bytes of s (truncating silently; len counts them all). */
static inline void gp_sbuf_putn(gp_sbuf *sb, const char *s, size_t n)
{
    if (sb->cap > 0 && sb->len < sb->cap - 1) {
        size_t room = sb->cap - 1 - sb->len;
        size_t c = n < room ? n : room;
        memcpy(sb->buf + sb->len, s, c);
        sb->buf[sb->len + c] = '\0';
    }
    sb->len += n;
}

static inline void gp_sbuf_puts(gp_sbuf *sb, const char *s)
{
    gp_sbuf_putn(sb, s, strlen(s));
}

/* Where a nested describe(buf, cap) call should write, and the room it has. */
static inline char *gp_sbuf_tail(const gp_sbuf *sb, size_t *cap)
{
    if (sb->cap > 0 && sb->len < sb->cap - 1) {
        *cap = sb->cap - sb->len;
        return sb->buf + sb->len;
    }
    *cap = 0;
    return NULL;
}

/* After a nested describe wrote into gp_sbuf_tail and needed n characters. */
static inline void gp_sbuf_advance(gp_sbuf *sb, size_t n)
{
    sb->len += n;
    if (sb->cap > 0)
        sb->buf[sb->len < sb->cap - 1 ? sb->len : sb->cap - 1] = '\0';
}

/* The shortest of %.6g, %.15g, %.17g that reads back as v. */
static inline void gp_format_number(char out[32], double v)
{
    static const int digits[] = {6, 15, 17};
    for (size_t i = 0; i < 3; i++) {
        snprintf(out, 32, "%.*g", digits[i], v);
        if (strtod(out, NULL) == v)
            return;
    }
}

static inline void gp_sbuf_number(gp_sbuf *sb, double v)
{
    char tmp[32];
    gp_format_number(tmp, v);
    gp_sbuf_puts(sb, tmp);
}

/* "{v0, v1, ...}" */
static inline void gp_sbuf_vector(gp_sbuf *sb, const double *v, size_t n)
{
    gp_sbuf_puts(sb, "{");
    for (size_t i = 0; i < n; i++) {
        if (i)
            gp_sbuf_puts(sb, ", ");
        gp_sbuf_number(sb, v[i]);
    }
    gp_sbuf_puts(sb, "}");
}

#endif
