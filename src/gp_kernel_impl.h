/* gp_kernel_impl.h: private to the gp_kernel*.c files (and gp_func.c and
 * gp_mlp.c, for the text builder at the end and the nngp's parameters).
 *
 * The kernel node layout; the leaf descriptor (gp_kernel_desc) with its
 * formula hooks, one per kernel beside its formulas, listed by the table in
 * gp_kernel_leaves.c; the entry
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
#include "gp_math.h"
#include "gp_matrix.h"
#include "gp_parallel.h"
#include "gp_stack.h"
#include "gp_vexp.h"

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
    GP_KNODE_SELECT,  /* a(x[dims], x'[dims]) */
    GP_KNODE_TRANSFORM, /* a(w(x), w(x')), w = (fs[0], ..., fs[nfs - 1]) */
    GP_KNODE_POWER,     /* a^p, p = c (an integer >= 1) */
    GP_KNODE_CHANGEPOINT /* s s' a + (1 - s)(1 - s') b; vec = {location, steepness}, axis */
} gp_kernel_node;

/* One parameter value of a leaf: rows x cols doubles (column-major). */
typedef struct gp_kparam {
    const double *v;
    size_t rows, cols;
} gp_kparam;

/* One node. A leaf holds its descriptor and its parameter values (par[i]
 * for the i-th parameter of desc, pointing into the node's own allocation or
 * into extra, which a setup hook may fill and which is freed with the node),
 * and f for a FUNCTION parameter. Inner nodes: c (scale, power), vec/nvec
 * (stretch factors, shift offsets, change point), dims/nvec (select,
 * 0-based), a and b (children; b for sums, products and change points), f
 * (warp), fs/nfs (transform), axis (change point: the input dimension).
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
    gp_func **fs;
    size_t nfs, axis;
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
 *
 * Derivatives (optional; gp_kernel_grad.c, gp_kernel_deriv.c):
 * dapply     SQDIST only: for the len values v, g1[i] = dk/dv and, if g2 is
 *            not NULL, g2[i] = v d^2k/dv^2 (k = g(v)). Finite for v > 0 and
 *            at v = +inf (the limits); at v = 0 finite when the kernel is
 *            twice differentiable in x (g1 may be -inf there otherwise). It
 *            gives the length-scale gradient and every input derivative.
 * grad       out[i - i0] = d k(x_i, y_j) / d theta for rows i0..i1-1 of
 *            column j, theta the value elem (column-major) of parameter p.
 *            Called for the free parameters the generic rules do not cover
 *            (GP_PARAM_AMPLITUDE and GP_PARAM_FACTOR parameters, and the
 *            SQDIST length-scale through dapply).
 * dcolumn    not SQDIST: out[i - i0] = D_u D'_w k(x_i, y_j) (gp_kernel.h;
 *            u or w NULL: no derivative on that side, not both NULL).
 * nodiff     why D_u D'_w k is not available: the paths are not mean-square
 *            differentiable (its parameters may decide: matern nu <= 1), or
 *            the formulas are not implemented; NULL when it is available.
 * dcolumn and grad are called from one thread (they may use e->scratch as
 * work space); column, apply and dapply may run in several at once.
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
    void (*dapply)(const gp_leaf_eval *e, const double *v, double *g1, double *g2, size_t len);
    void (*grad)(const gp_leaf_eval *e, size_t p, size_t elem, size_t j, size_t i0, size_t i1,
                 double *out);
    void (*dcolumn)(const gp_leaf_eval *e, const double *u, const double *w, size_t j, size_t i0,
                    size_t i1, double *out);
    const char *(*nodiff)(const gp_kernel *k);
};

/* Parameter specs shared by many kernels. */
#define GP_SPEC_AMPLITUDE                                                                          \
    {.name = "amplitude", .kind = GP_PARAM_NUMBER, .def = 1, .lo = 0, .hi = HUGE_VAL,              \
     .flags = GP_PARAM_SQUARED | GP_PARAM_AMPLITUDE}
#define GP_SPEC_LENGTHSCALE                                                                        \
    {.name = "lengthscale", .kind = GP_PARAM_LIST, .def = 1, .lo = 0, .hi = HUGE_VAL,              \
     .flags = GP_PARAM_ABOVE | GP_PARAM_INVERTIBLE | GP_PARAM_PER_DIM}
#define GP_SPEC_NONNEG(pname, value)                                                               \
    {.name = pname, .kind = GP_PARAM_NUMBER, .def = value, .lo = 0, .hi = HUGE_VAL}
#define GP_SPEC_VARIANCE /* k proportional to it */                                               \
    {.name = "variance", .kind = GP_PARAM_NUMBER, .def = 1, .lo = 0, .hi = HUGE_VAL,               \
     .flags = GP_PARAM_FACTOR}
#define GP_SPEC_POSITIVE(pname, value)                                                             \
    {.name = pname, .kind = GP_PARAM_NUMBER, .def = value, .lo = 0, .hi = HUGE_VAL,                \
     .flags = GP_PARAM_ABOVE | GP_PARAM_INVERTIBLE}

/* The table (gp_kernel_leaves.c): the descriptors in the order gprior
 * lists them, ended by NULL. Each is defined beside its formulas: */
extern const gp_kernel_desc *const gp_kernel_table[];
/* gp_kernel_stationary.c: functions of (r/l)^2 */
extern const gp_kernel_desc gp_kdesc_rbf, gp_kdesc_ou, gp_kdesc_exponential, gp_kdesc_matern32,
    gp_kdesc_matern52, gp_kdesc_rq, gp_kdesc_gammaexp, gp_kdesc_wendland, gp_kdesc_matern;
/* gp_kernel_periodic.c: periodic, cosine, spectral mixture */
extern const gp_kernel_desc gp_kdesc_periodic, gp_kdesc_cosine, gp_kdesc_sm;
/* gp_kernel_dot.c: linear, polynomial, constant, white */
extern const gp_kernel_desc gp_kdesc_linear, gp_kdesc_polynomial, gp_kdesc_constant,
    gp_kdesc_white;
/* gp_kernel_paths.c: brownian, integrated Wiener, fractional Brownian motion, Gibbs */
extern const gp_kernel_desc gp_kdesc_brownian, gp_kdesc_iwiener, gp_kdesc_fbm, gp_kdesc_gibbs;
/* gp_kernel_nn.c: the chapter's arcsine kernel */
extern const gp_kernel_desc gp_kdesc_nn;
/* gp_kernel_deep.c: arc-cosine, NNGP and NTK */
extern const gp_kernel_desc gp_kdesc_arccos, gp_kdesc_nngp, gp_kdesc_ntk;

/* ---- helpers shared by the leaf files ---------------------------------------- */

/* a^2 for a kernel whose parameter 0 is its amplitude (finite: GP_PARAM_SQUARED). */
static inline double gp_kamp2(const gp_kernel *k)
{
    const double a = gp_kpar(k, 0);
    return a * a;
}

/* The value of a PER_DIM parameter for input dimension c. */
static inline double gp_kpar_dim(const gp_kernel *k, size_t i, size_t c)
{
    const gp_kparam *p = &k->par[i];
    return p->v[p->rows * p->cols == 1 ? 0 : c];
}

/* w (x - y) for a kernel with period p in x - y (w a multiple of pi / p):
 * as it is when finite; when x - y or the product overflows, w times the
 * remainder of x - y modulo p (exact: fmod), from halves if x - y itself
 * overflows. */
static inline double gp_phase(double x, double y, double p, double w)
{
    const double t = w * (x - y);
    if (isfinite(t))
        return t;
    const double dxy = x - y;
    return w * (isfinite(dxy) ? fmod(dxy, p) : 2.0 * fmod(0.5 * x - 0.5 * y, 0.5 * p));
}

/* b^e for an integer e >= 0, by squaring. */
static inline double gp_ipow(double b, int e)
{
    double r = 1.0;
    while (e > 0) {
        if (e & 1)
            r *= b;
        b *= b;
        e >>= 1;
    }
    return r;
}

/* u . v over d entries (0 if either is NULL). */
static inline double gp_dot_or0(const double *u, const double *v, size_t d)
{
    double s = 0;
    for (size_t c = 0; u && v && c < d; c++)
        s += u[c] * v[c];
    return s;
}

/* ---- between the tree and the leaves --------------------------------------- */

/* A zeroed node of the given type with room for nvec doubles (vec) or, if
 * with_dims, nvec indices (dims); refs = 1, size = 1, depth = 1. NULL (err
 * filled) on no memory. */
gp_kernel *gp_kernel_node_new(gp_kernel_node type, size_t nvec, int with_dims, const char *what,
                              gp_error *err);

/* The name of a leaf ("rbf") or of a node type ("sum"). */
const char *gp_kernel_name(const gp_kernel *k);

/* Leaf entry points (gp_kernel_leaf.c). X and Y are validated (non-empty,
 * same number of columns, finite); Y == X when tri != GP_TRI_FULL. Both
 * check the inputs (check_input) and run prepare; gp_kernel_leaf_columns
 * fills all of K (n x m) by calling col(e, ctx, j, out_j) for each column j
 * in turn, for the derivative and gradient paths. */
gp_code gp_kernel_leaf_gram(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                            gp_tri tri, gp_matrix *K, gp_error *err);
gp_code gp_kernel_leaf_diag(const gp_kernel *k, const gp_matrix *X, double *out, gp_error *err);
typedef void (*gp_leaf_colfn)(const gp_leaf_eval *e, void *ctx, size_t j, double *out);
gp_code gp_kernel_leaf_columns(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                               gp_leaf_colfn col, void *ctx, gp_matrix *K, gp_error *err);
/* out[i - i0] = k(x_i, y_j), the leaf's own column (gp_kernel_leaf.c). */
void gp_kernel_leaf_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out);
/* Rows i0..i1-1 of column j of v = sum_c ((x_ic - y_jc) / l_c)^2 (SQDIST, l
 * the leaf's parameter 1). */
void gp_kernel_leaf_sqdist(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *v);

/* The change point's blend s(x) and 1 - s(x) at the rows of X (gp_kernel_eval.c). */
void gp_kernel_changepoint_blend(const gp_kernel *k, const gp_matrix *X, double *s, double *c);

/* *out = the inputs of child a of a stretch, shift, select or transform node
 * k (n x d'; free with gp_matrix_free); an error if the sizes do not fit X
 * or a function fails. which names X for messages (gp_kernel_eval.c). */
gp_code gp_kernel_transform_inputs(const gp_kernel *k, const gp_matrix *X, const char *which,
                                   gp_matrix **out, gp_error *err);

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
