/* gp_kernel_impl.h: private to the gp_kernel*.c files (and gp_func.c, for
 * the text builder at the end).
 *
 * The kernel node layout; the leaf descriptor (gp_kernel_desc) with its
 * formula hooks, filled in by the table in gp_kernel_leaves.c; the entry
 * points between the tree (gp_kernel.c, gp_kernel_eval.c) and the leaves
 * (gp_kernel_leaf.c); and a small snprintf-style text builder with a
 * shortest-round-trip number format shared by the describe functions. */
#ifndef GP_KERNEL_IMPL_H
#define GP_KERNEL_IMPL_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp_error.h"
#include "gp_func.h"
#include "gp_kernel.h"
#include "gp_matrix.h"
#include "gp_stack.h"
#include "gp_vexp.h"

#define GP_PI 3.14159265358979323846
#define GP_KERNEL_MAX_PARAMS 8

/* ---- nodes --------------------------------------------------------------- */

typedef enum gp_kernel_node {
    GP_KNODE_LEAF,    /* a kernel of the descriptor table */
    GP_KNODE_SUM,     /* a + b */
    GP_KNODE_PRODUCT, /* a b */
    GP_KNODE_SCALE,   /* c a, c >= 0 */
    GP_KNODE_WARP,    /* f(x) f(x') a(x, x') */
    GP_KNODE_STRETCH, /* a(s x, s x') */
    GP_KNODE_SHIFT,   /* a(x - c, x' - c) */
    GP_KNODE_SELECT   /* a(x[dims], x'[dims]) */
} gp_kernel_node;

/* One parameter value of a leaf: rows x cols doubles (column-major). */
typedef struct gp_kparam {
    const double *v;
    size_t rows, cols;
} gp_kparam;

/* One node. A leaf holds its descriptor and its parameter values (par[i]
 * for the i-th parameter of desc, pointing into the node's own allocation or
 * into extra, which a setup hook may fill and which is freed with the node).
 * Inner nodes: c (scale), vec/nvec (stretch factors, shift offsets), dims/nvec
 * (select, 0-based), a and b (children; b for sums and products), f (warp).
 * size: nodes when written out as a tree; depth: nesting levels that need
 * recursion (sums in sums and products in products are not counted);
 * stationary: gp_kernel_is_stationary; next: the release worklist. */
struct gp_kernel {
    gp_kernel_node type;
    size_t refs;
    size_t size, depth;
    int stationary;
    const gp_kernel_desc *desc;
    gp_kparam par[GP_KERNEL_MAX_PARAMS];
    double *extra;
    double c;
    size_t nvec;
    double *vec;
    size_t *dims;
    gp_kernel *a, *b;
    gp_func *f;
    gp_kernel *next;
};

/* The first value of a leaf's i-th parameter. */
static inline double gp_kpar(const gp_kernel *k, size_t i)
{
    return k->par[i].v[0];
}

/* ---- leaf descriptors ------------------------------------------------------ */

/* Which entries of a Gram matrix K a call fills. */
typedef enum gp_tri {
    GP_TRI_FULL,  /* all of K */
    GP_TRI_UPPER, /* Y == X: only the upper triangle (i <= j) */
    GP_TRI_BOTH   /* Y == X: the upper triangle, mirrored below while in cache */
} gp_tri;

/* What a column hook sees: the kernel, the inputs (X n x d, Y m x d; the same
 * matrix for a symmetric K) and the scratch a prepare hook made for them. */
typedef struct gp_leaf_eval {
    const gp_kernel *k;
    const gp_matrix *X, *Y;
    void *scratch; /* freed with free() after the evaluation */
} gp_leaf_eval;

/* How the inputs enter the formula. */
typedef enum gp_geometry {
    /* v = sum_c ((x_c - x'_c) / l_c)^2 with l = parameter 1 (a PER_DIM list:
     * parameter 0 is by convention the amplitude), then apply(v) */
    GP_GEOM_SQDIST,
    GP_GEOM_DOT,   /* v = x . x', then apply(v) */
    GP_GEOM_CUSTOM /* column computes k itself */
} gp_geometry;

/* A leaf kernel. Required: name, params (ended by a NULL name), geometry and
 * apply (SQDIST, DOT) or column (CUSTOM). Everything else is optional.
 *
 * apply      replace each of len values v (see gp_geometry) by k (e->k; the
 *            input dimension is e->X->cols); must vectorise (GP_VFOR,
 *            gp_vexp) for speed, and give the limit at v = +inf (far apart:
 *            usually 0), never NaN.
 * apply_far  SQDIST only, for kernels whose value at v = +inf is not the
 *            right limit because they decay slowly (rq with small alpha): k at
 *            v = exp(log_v), called for the entries where v overflowed.
 * column     out[i - i0] = k(x_i, y_j) for i = i0..i1-1.
 * setup      after the parameters passed their specs: cross-parameter checks
 *            and derived data (may set k->extra and repoint k->par[i]).
 * check_input  X (which: "X" or "Y") can be evaluated: dimension, domain.
 * prepare    per-evaluation scratch for column (e->scratch).
 * Each leaf must be exactly symmetric (k(x, y) and k(y, x) the same bits)
 * and each entry computed the same way whatever the thread count. */
struct gp_kernel_desc {
    const char *name;
    const char *note; /* printed after "; " in describe: the parametrisation */
    gp_param_spec params[GP_KERNEL_MAX_PARAMS];
    int stationary;
    /* |k(x, y)| <= k(0) (finite) for all finite inputs, as the formula is
     * written (no inf * 0, no overflow): the per-column scan for non-finite
     * values is skipped. Claim it only when true; test_kernel_table.c checks
     * it at random and extreme inputs. */
    int bounded;
    gp_spectral_family spectral;
    size_t input_dim; /* 0: any; else the only input dimension accepted */
    gp_geometry geometry;
    void (*apply)(const gp_leaf_eval *e, double *restrict v, size_t len);
    double (*apply_far)(const gp_leaf_eval *e, double log_v);
    void (*column)(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out);
    gp_code (*setup)(gp_kernel *k, gp_error *err);
    gp_code (*check_input)(const gp_kernel *k, const gp_matrix *X, const char *which,
                           gp_error *err);
    gp_code (*prepare)(gp_leaf_eval *e, gp_error *err);
};

/* Parameter specs shared by many kernels. */
#define GP_SPEC_AMPLITUDE                                                                          \
    {.name = "amplitude", .kind = GP_PARAM_NUMBER, .def = 1, .lo = 0, .hi = HUGE_VAL,              \
     .flags = GP_PARAM_SQUARED}
#define GP_SPEC_LENGTHSCALE                                                                        \
    {.name = "lengthscale", .kind = GP_PARAM_LIST, .def = 1, .lo = 0, .hi = HUGE_VAL,              \
     .flags = GP_PARAM_ABOVE | GP_PARAM_INVERTIBLE | GP_PARAM_PER_DIM}
#define GP_SPEC_NONNEG(pname, value)                                                               \
    {.name = pname, .kind = GP_PARAM_NUMBER, .def = value, .lo = 0, .hi = HUGE_VAL}
#define GP_SPEC_POSITIVE(pname, value)                                                             \
    {.name = pname, .kind = GP_PARAM_NUMBER, .def = value, .lo = 0, .hi = HUGE_VAL,                \
     .flags = GP_PARAM_ABOVE | GP_PARAM_INVERTIBLE}

/* The table (gp_kernel_leaves.c), ended by an entry with a NULL name. */
extern const gp_kernel_desc gp_kernel_table[];

/* The hooks of the nn kernel (gp_kernel_nn.c). */
gp_code gp_kernel_nn_setup(gp_kernel *k, gp_error *err);
gp_code gp_kernel_nn_check_input(const gp_kernel *k, const gp_matrix *X, const char *which,
                                 gp_error *err);
gp_code gp_kernel_nn_prepare(gp_leaf_eval *e, gp_error *err);
void gp_kernel_nn_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out);

/* ---- between the tree and the leaves --------------------------------------- */

/* A zeroed node of the given type with room for nvec doubles (vec) or, if
 * with_dims, nvec indices (dims); refs = 1, size = 1, depth = 1. NULL (err
 * filled) on no memory. */
gp_kernel *gp_kernel_node_new(gp_kernel_node type, size_t nvec, int with_dims, const char *what,
                              gp_error *err);

/* The name of a leaf ("rbf") or of a node type ("sum"). */
const char *gp_kernel_name(const gp_kernel *k);

/* Leaf entry points (gp_kernel_leaf.c). X and Y are validated (non-empty,
 * same number of columns, finite); Y == X when tri != GP_TRI_FULL. */
gp_code gp_kernel_leaf_gram(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                            gp_tri tri, gp_matrix *K, gp_error *err);
gp_code gp_kernel_leaf_diag(const gp_kernel *k, const gp_matrix *X, double *out, gp_error *err);

/* The value of the leaf's parameter called name, or NULL if it has none. */
const gp_kparam *gp_kernel_leaf_param(const gp_kernel *k, const char *name);

/* Walks the operands of the n-ary sum or product at k, left to right: the
 * nodes below k reached through nodes of k's own type, each as often as it
 * appears. Iterative (gp_stack.h):
 *   gp_kernel_walk w; gp_kernel_walk_init(&w, k);
 *   for (const gp_kernel *op; (op = gp_kernel_walk_next(&w)); ) ...
 *   if (w.stack.failed) out of memory; gp_kernel_walk_free(&w); */
typedef struct gp_kernel_walk {
    gp_kernel_node type;
    gp_stack stack; /* of const gp_kernel * */
} gp_kernel_walk;
void gp_kernel_walk_init(gp_kernel_walk *w, const gp_kernel *k);
const gp_kernel *gp_kernel_walk_next(gp_kernel_walk *w);
void gp_kernel_walk_free(gp_kernel_walk *w);

/* Columns j0..j1-1 of some n x m matrix. */
typedef void (*gp_colfn)(void *ctx, size_t j0, size_t j1);

/* Run fn over the columns 0..m-1 of an n x m matrix (triangular: column j
 * holds j + 1 computed entries; the longest are handed out first), in chunks
 * of chunk columns (0: automatic) shared among openblas_get_num_threads()
 * threads (C11 threads, dynamic scheduling) when there are at least 2^17
 * entries, else in the calling thread. fn must write disjoint columns and
 * must not fail. */
void gp_kernel_parallel_cols(size_t n, size_t m, int triangular, size_t chunk, gp_colfn fn,
                             void *ctx);

/* 1 if the len values are all finite: v * 0 is 0 for a finite v and NaN
 * for inf or NaN, summed in eight lanes (adding zeros is exact in any
 * order), so it vectorises and runs on a column while it is in cache. */
static inline int gp_all_finite(const double *restrict v, size_t len)
{
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t b = 0;
    for (; b + 8 <= len; b += 8)
        for (size_t u = 0; u < 8; u++)
            acc[u] += v[b + u] * 0.0;
    for (; b < len; b++)
        acc[0] += v[b] * 0.0;
    double s = 0;
    for (size_t u = 0; u < 8; u++)
        s += acc[u];
    return s == 0;
}

/* For a node k whose output K (computed over tri) has a non-finite entry:
 * the error naming k, the first such entry in column-major order (the same
 * whatever the thread count) and its value, and saying why (overflow). */
gp_code gp_kernel_report_nonfinite(const gp_kernel *k, const gp_matrix *K, gp_tri tri,
                                   gp_error *err);
/* The same for the variances out[0..n) of k: GP_OK if all are finite. */
gp_code gp_kernel_check_diag(const gp_kernel *k, const double *out, size_t n, gp_error *err);

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

/* Append "name(p1=v1, p2=v2; note)" for the leaf k (gp_kernel_leaf.c). */
void gp_kernel_leaf_describe(const gp_kernel *k, gp_sbuf *sb);

#endif
