/* gp_kernel_eval.c: evaluating a kernel expression: the Gram and diagonal
 * drivers that walk the tree down to the leaves (gp_kernel_leaf.c), the
 * element-wise combinations of sums, products, scalings and warps, the input
 * transforms, the column-parallel loop every Gram matrix is built with, and
 * the error for a value that is not finite.
 *
 * Recursion goes one level per node that is not a sum in a sum or a product
 * in a product (those are walked in a loop), so it is bounded by
 * GP_KERNEL_MAX_DEPTH whatever the length of a sum. Every combination checks
 * its output column by column while it is in cache: a value that overflows is
 * reported with the node that produced it, never passed on. */
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include <cblas.h> /* openblas_get_num_threads */

#include "gp_kernel_impl.h"

/* ---- parallel column loops ----------------------------------------------- */

/* Below this many computed entries one thread does the work (starting a thread
 * costs some tens of microseconds; 2^17 entries take a few hundred). */
#define PAR_MIN_ENTRIES ((size_t)1 << 17)
#define PAR_MAX_THREADS 64

typedef struct par_state {
    gp_colfn fn;
    void *ctx;
    size_t m, chunk;
    int reverse;
    atomic_size_t next;
} par_state;

/* Take chunks of columns until none are left (dynamic scheduling). */
static void par_drain(par_state *ps)
{
    for (;;) {
        const size_t c0 = atomic_fetch_add(&ps->next, ps->chunk);
        if (c0 >= ps->m)
            return;
        const size_t c1 = ps->m - c0 < ps->chunk ? ps->m : c0 + ps->chunk;
        if (ps->reverse) /* longest columns of the upper triangle first */
            ps->fn(ps->ctx, ps->m - c1, ps->m - c0);
        else
            ps->fn(ps->ctx, c0, c1);
    }
}

static int par_worker(void *arg)
{
    par_drain(arg);
    return 0;
}

void gp_kernel_parallel_cols(size_t n, size_t m, int triangular, size_t chunk, gp_colfn fn,
                             void *ctx)
{
    const double work = triangular ? 0.5 * (double)m * (double)m : (double)n * (double)m;
    int nt = work >= (double)PAR_MIN_ENTRIES ? openblas_get_num_threads() : 1;
    if (nt > PAR_MAX_THREADS)
        nt = PAR_MAX_THREADS;
    if (nt <= 1 || m < 2) {
        if (m > 0)
            fn(ctx, 0, m);
        return;
    }
    if (chunk == 0)
        chunk = m / (8 * (size_t)nt) + 1;
    par_state ps = {.fn = fn, .ctx = ctx, .m = m, .chunk = chunk, .reverse = triangular};
    atomic_init(&ps.next, 0);
    thrd_t th[PAR_MAX_THREADS];
    int started = 0;
    while (started < nt - 1 && thrd_create(&th[started], par_worker, &ps) == thrd_success)
        started++; /* if a thread cannot start, the others take its share */
    par_drain(&ps);
    for (int t = 0; t < started; t++)
        thrd_join(th[t], NULL);
}

/* ---- values that are not finite --------------------------------------------- */

/* The error for a non-finite value at entry (i, j) (diag: the variance of
 * row i) of the output of k: names k, the entry and the value, and says why. */
static gp_code nonfinite_error(const gp_kernel *k, int diag, size_t i, size_t j, double value,
                               gp_error *err)
{
    char what[160];
    const size_t len = gp_kernel_describe(k, what, sizeof what);
    if (len >= sizeof what)
        memcpy(what + sizeof what - 4, "...", 4);
    const char *why = k->type == GP_KNODE_LEAF ? "the kernel's value overflows at these inputs"
                      : k->type == GP_KNODE_SUM     ? "the sum overflows"
                      : k->type == GP_KNODE_PRODUCT ? "the product overflows"
                      : k->type == GP_KNODE_SCALE   ? "c times the kernel overflows"
                      : k->type == GP_KNODE_WARP    ? "a(x) a(x') k(x, x') overflows"
                      : k->type == GP_KNODE_POWER   ? "the power overflows"
                                                    : "the value overflows";
    if (diag)
        return gp_error_set(err, GP_ERR_NUMERIC,
                            "%s: the variance k(x_%zu, x_%zu) is %g, not finite: %s (kernel %s)",
                            gp_kernel_name(k), i + 1, i + 1, value, why, what);
    return gp_error_set(err, GP_ERR_NUMERIC,
                        "%s: entry (%zu, %zu) of the Gram matrix, k(x_%zu, y_%zu), is %g, not "
                        "finite: %s (kernel %s)",
                        gp_kernel_name(k), i + 1, j + 1, i + 1, j + 1, value, why, what);
}

gp_code gp_kernel_report_nonfinite(const gp_kernel *k, const gp_matrix *K, gp_tri tri,
                                   gp_error *err)
{
    for (size_t j = 0; j < K->cols; j++) {
        const size_t len = tri == GP_TRI_FULL ? K->rows : j + 1;
        for (size_t i = 0; i < len; i++)
            if (!isfinite(GP_AT(K, i, j)))
                return nonfinite_error(k, 0, i, j, GP_AT(K, i, j), err);
    }
    return gp_error_set(err, GP_ERR_NUMERIC, "%s: a value is not finite", gp_kernel_name(k));
}

gp_code gp_kernel_check_diag(const gp_kernel *k, const double *out, size_t n, gp_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(out[i]))
            return nonfinite_error(k, 1, i, i, out[i], err);
    return GP_OK;
}

/* ---- element-wise combinations ------------------------------------------------ */

typedef enum colop_kind {
    COLOP_ADD,   /* K += T */
    COLOP_MUL,   /* K *= T */
    COLOP_SCALE, /* K *= c */
    COLOP_WARP,  /* K_ij = (K_ij a(x_i)) a(y_j) */
    COLOP_POW,   /* K_ij = K_ij^c, c a whole number */
    COLOP_BLEND  /* K_ij = s(x_i) s(y_j) K_ij + (1 - s(x_i)) (1 - s(y_j)) T_ij */
} colop_kind;

typedef struct colop_job {
    gp_matrix *K;
    const gp_matrix *T;
    const double *wx, *wy; /* warp; blend: s at X, Y */
    const double *cx, *cy; /* blend: 1 - s at X, Y */
    gp_tri tri;
    colop_kind op;
    double c;
    atomic_int bad;
} colop_job;

static void col_add(double *restrict k, const double *restrict t, size_t len)
{
    GP_VFOR(i, len, k[i] += t[i];);
}

static void col_mul(double *restrict k, const double *restrict t, size_t len)
{
    GP_VFOR(i, len, k[i] *= t[i];);
}

static void col_scale(double *restrict k, double c, size_t len)
{
    GP_VFOR(i, len, k[i] *= c;);
}

/* (k_i a(x_i)) a(y_j): a small k times two large a's does not overflow early */
static void col_warp(double *restrict k, const double *restrict wx, double wy, size_t len)
{
    GP_VFOR(i, len, k[i] = k[i] * wx[i] * wy;);
}

static void col_blend(double *restrict k, const double *restrict t, const double *restrict sx,
                      double sy, const double *restrict cx, double cy, size_t len)
{
    GP_VFOR(i, len, k[i] = sx[i] * sy * k[i] + cx[i] * cy * t[i];);
}

GP_VEC_CLONES static void colop_cols(void *ctx, size_t j0, size_t j1)
{
    colop_job *jb = ctx;
    int bad = 0;
    for (size_t j = j0; j < j1; j++) {
        double *kj = &GP_AT(jb->K, 0, j);
        const size_t len = jb->tri != GP_TRI_FULL ? j + 1 : jb->K->rows;
        switch (jb->op) {
        case COLOP_ADD: col_add(kj, &GP_AT(jb->T, 0, j), len); break;
        case COLOP_MUL: col_mul(kj, &GP_AT(jb->T, 0, j), len); break;
        case COLOP_SCALE: col_scale(kj, jb->c, len); break;
        case COLOP_WARP: col_warp(kj, jb->wx, jb->wy[j], len); break;
        case COLOP_POW:
            for (size_t i = 0; i < len; i++)
                kj[i] = gp_ipow(kj[i], (int)jb->c);
            break;
        case COLOP_BLEND:
            col_blend(kj, &GP_AT(jb->T, 0, j), jb->wx, jb->wy[j], jb->cx, jb->cy[j], len);
            break;
        }
        bad |= !gp_all_finite(kj, len);
    }
    if (bad)
        atomic_store_explicit(&jb->bad, 1, memory_order_relaxed);
}

/* Apply op over the computed part of K; an error naming node k if a result
 * is not finite. */
static gp_code colop(const gp_kernel *k, gp_matrix *K, gp_tri tri, colop_kind op,
                     const gp_matrix *T, double c, const double *wx, const double *wy,
                     gp_error *err)
{
    colop_job jb = {.K = K, .T = T, .wx = wx, .wy = wy, .tri = tri, .op = op, .c = c};
    if (op == COLOP_BLEND) { /* wx, wy: s then 1 - s, n and m values */
        jb.cx = wx + K->rows;
        jb.cy = wy + K->cols;
    }
    atomic_init(&jb.bad, 0);
    gp_kernel_parallel_cols(K->rows, K->cols, tri != GP_TRI_FULL, 0, colop_cols, &jb);
    return atomic_load(&jb.bad) ? gp_kernel_report_nonfinite(k, K, tri, err) : GP_OK;
}

/* Columns j0..j1-1 of the strict lower triangle of K from the upper one, in
 * tiles of MIRROR_TILE rows so that the strided reads stay in cache. */
#define MIRROR_TILE 64

static void mirror_cols(void *ctx, size_t j0, size_t j1)
{
    gp_matrix *K = ctx;
    const size_t n = K->rows;
    double *a = K->data;
    for (size_t i0 = j0 + 1; i0 < n; i0 += MIRROR_TILE) {
        const size_t i1 = n - i0 < MIRROR_TILE ? n : i0 + MIRROR_TILE;
        for (size_t j = j0; j < j1; j++) {
            double *col = a + j * n;
            for (size_t i = i0 > j + 1 ? i0 : j + 1; i < i1; i++)
                col[i] = a[i * n + j];
        }
    }
}

/* ---- input transforms ------------------------------------------------------ */

gp_code gp_kernel_transform_inputs(const gp_kernel *k, const gp_matrix *X, const char *which,
                                   gp_matrix **out, gp_error *err)
{
    *out = NULL;
    const size_t n = X->rows, d = X->cols;
    const char *name = gp_kernel_name(k);
    if (k->type == GP_KNODE_TRANSFORM) {
        gp_matrix *W = gp_matrix_alloc(n, k->nfs);
        if (!W)
            return gp_error_set(err, GP_ERR_NOMEM, "transform: out of memory for %zu x %zu inputs",
                                n, k->nfs);
        gp_code rc = GP_OK;
        for (size_t c = 0; !rc && c < k->nfs; c++)
            rc = gp_func_eval_rows(k->fs[c], X, &GP_AT(W, 0, c), err);
        if (rc) {
            gp_matrix_free(W);
            return rc;
        }
        *out = W;
        return GP_OK;
    }
    if (k->type == GP_KNODE_SELECT) {
        for (size_t c = 0; c < k->nvec; c++)
            if (k->dims[c] >= d)
                return gp_error_set(err, GP_ERR_DIM,
                                    "select: dimension %zu is out of range for %zu-D input (dims "
                                    "are 1..%zu)",
                                    k->dims[c] + 1, d, d);
    } else if (k->nvec != 1 && k->nvec != d) {
        return gp_error_set(err, GP_ERR_DIM, "%s: %zu values given for %zu-D input (need 1 or %zu)",
                            name, k->nvec, d, d);
    }
    const size_t dt = k->type == GP_KNODE_SELECT ? k->nvec : d;
    gp_matrix *T = gp_matrix_alloc(n, dt);
    if (!T)
        return gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory for %zu x %zu inputs", name, n,
                            dt);
    for (size_t c = 0; c < dt; c++) {
        double *tc = &GP_AT(T, 0, c);
        if (k->type == GP_KNODE_SELECT) {
            memcpy(tc, &GP_AT(X, 0, k->dims[c]), n * sizeof *tc);
            continue;
        }
        const double v = k->vec[k->nvec == 1 ? 0 : c];
        const double *xc = &GP_AT(X, 0, c);
        if (k->type == GP_KNODE_STRETCH)
            for (size_t i = 0; i < n; i++)
                tc[i] = xc[i] * v;
        else
            for (size_t i = 0; i < n; i++)
                tc[i] = xc[i] - v;
    }
    size_t bad = gp_matrix_find_nonfinite(T);
    if (bad != (size_t)-1) {
        gp_code rc = gp_error_set(err, GP_ERR_NUMERIC,
                                  "%s: transformed input overflows (%g) at row %zu, column %zu "
                                  "of %s",
                                  name, T->data[bad], bad % n + 1, bad / n + 1, which);
        gp_matrix_free(T);
        return rc;
    }
    *out = T;
    return GP_OK;
}

/* ---- Gram matrix ----------------------------------------------------------- */

static gp_code gram_rec(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, gp_tri tri,
                        gp_matrix *K, gp_error *err);

/* K = the sum (product) of the operands of k, left to right, one scratch
 * matrix for all of them. */
static gp_code gram_nary(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, gp_tri tri,
                         gp_matrix *K, gp_error *err)
{
    gp_kernel_walk w;
    gp_kernel_walk_init(&w, k);
    gp_matrix *T = NULL;
    gp_code rc = GP_OK;
    const gp_kernel *op = gp_kernel_walk_next(&w);
    if (op)
        rc = gram_rec(op, X, Y, tri, K, err);
    while (!rc && (op = gp_kernel_walk_next(&w)) != NULL) {
        if (!T && !(T = gp_matrix_alloc(K->rows, K->cols))) {
            rc = gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory for a %zu x %zu matrix",
                              gp_kernel_name(k), K->rows, K->cols);
            break;
        }
        rc = gram_rec(op, X, Y, tri, T, err);
        if (!rc)
            rc = colop(k, K, tri, k->type == GP_KNODE_SUM ? COLOP_ADD : COLOP_MUL, T, 0.0, NULL,
                       NULL, err);
    }
    if (!rc && w.stack.failed)
        rc = gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory walking the expression",
                          gp_kernel_name(k));
    gp_kernel_walk_free(&w);
    gp_matrix_free(T);
    return rc;
}

static gp_code gram_warp(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, gp_tri tri,
                         gp_matrix *K, gp_error *err)
{
    const int sym = tri != GP_TRI_FULL;
    const size_t n = K->rows, m = K->cols;
    double *wx = malloc((n + (sym ? 0 : m)) * sizeof *wx);
    if (!wx)
        return gp_error_set(err, GP_ERR_NOMEM, "warp: out of memory for %zu inputs", n + m);
    double *wy = sym ? wx : wx + n;
    gp_code rc = gp_func_eval_rows(k->f, X, wx, err);
    if (!rc && !sym)
        rc = gp_func_eval_rows(k->f, Y, wy, err);
    if (!rc)
        rc = gram_rec(k->a, X, Y, tri, K, err);
    if (!rc)
        rc = colop(k, K, tri, COLOP_WARP, NULL, 0.0, wx, wy, err);
    free(wx);
    return rc;
}

static gp_code gram_transform(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                              gp_tri tri, gp_matrix *K, gp_error *err)
{
    const int sym = tri != GP_TRI_FULL;
    gp_matrix *Xt, *Yt = NULL;
    gp_code rc = gp_kernel_transform_inputs(k, X, "X", &Xt, err);
    if (rc)
        return rc;
    if (!sym)
        rc = gp_kernel_transform_inputs(k, Y, "Y", &Yt, err);
    if (!rc)
        rc = gram_rec(k->a, Xt, sym ? Xt : Yt, tri, K, err);
    gp_matrix_free(Yt);
    gp_matrix_free(Xt);
    return rc;
}

void gp_kernel_changepoint_blend(const gp_kernel *k, const gp_matrix *X, double *s, double *c)
{
    const double loc = k->vec[0], beta = k->vec[1];
    for (size_t i = 0; i < X->rows; i++) {
        const double t = beta * (GP_AT(X, i, k->axis) - loc); /* s = 1 / (1 + e^t) */
        const double et = exp(-fabs(t)), lo = et / (1.0 + et), hi = 1.0 / (1.0 + et);
        s[i] = t > 0 ? lo : hi;
        c[i] = t > 0 ? hi : lo;
    }
}

/* The change point's input dimension is within X. */
static gp_code check_axis(const gp_kernel *k, const gp_matrix *X, gp_error *err)
{
    return k->axis < X->cols ? GP_OK
                             : gp_error_set(err, GP_ERR_DIM,
                                            "changepoint: dim %zu is out of range for %zu-D input",
                                            k->axis + 1, X->cols);
}

/* The blend's s and 1 - s at X (and Y): 2 (n + m) doubles, s then 1 - s for
 * each; *sy points at Y's part (X's when symmetric). */
static gp_code blend_weights(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, int sym,
                             double **sx, double **sy, gp_error *err)
{
    const size_t n = X->rows, m = sym ? 0 : Y->rows;
    gp_code rc = check_axis(k, X, err);
    if (!rc && !sym)
        rc = check_axis(k, Y, err);
    if (rc)
        return rc;
    double *w = malloc(2 * (n + m) * sizeof *w);
    if (!w)
        return gp_error_set(err, GP_ERR_NOMEM, "changepoint: out of memory for %zu inputs", n + m);
    gp_kernel_changepoint_blend(k, X, w, w + n);
    if (!sym)
        gp_kernel_changepoint_blend(k, Y, w + 2 * n, w + 2 * n + m);
    *sx = w;
    *sy = sym ? w : w + 2 * n;
    return GP_OK;
}

static gp_code gram_changepoint(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                                gp_tri tri, gp_matrix *K, gp_error *err)
{
    double *sx, *sy;
    gp_code rc = blend_weights(k, X, Y, tri != GP_TRI_FULL, &sx, &sy, err);
    if (rc)
        return rc;
    gp_matrix *T = gp_matrix_alloc(K->rows, K->cols);
    if (!T)
        rc = gp_error_set(err, GP_ERR_NOMEM, "changepoint: out of memory for a %zu x %zu matrix",
                          K->rows, K->cols);
    if (!rc)
        rc = gram_rec(k->a, X, Y, tri, K, err);
    if (!rc)
        rc = gram_rec(k->b, X, Y, tri, T, err);
    if (!rc)
        rc = colop(k, K, tri, COLOP_BLEND, T, 0.0, sx, sy, err);
    gp_matrix_free(T);
    free(sx);
    return rc;
}

/* K = k(X, Y) over the entries tri says. */
static gp_code gram_rec(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, gp_tri tri,
                        gp_matrix *K, gp_error *err)
{
    switch (k->type) {
    case GP_KNODE_LEAF:
        return gp_kernel_leaf_gram(k, X, Y, tri, K, err);
    case GP_KNODE_SUM:
    case GP_KNODE_PRODUCT:
        return gram_nary(k, X, Y, tri, K, err);
    case GP_KNODE_SCALE: {
        gp_code rc = gram_rec(k->a, X, Y, tri, K, err);
        return rc ? rc : colop(k, K, tri, COLOP_SCALE, NULL, k->c, NULL, NULL, err);
    }
    case GP_KNODE_WARP:
        return gram_warp(k, X, Y, tri, K, err);
    case GP_KNODE_STRETCH:
    case GP_KNODE_SHIFT:
    case GP_KNODE_SELECT:
    case GP_KNODE_TRANSFORM:
        return gram_transform(k, X, Y, tri, K, err);
    case GP_KNODE_POWER: {
        gp_code rc = gram_rec(k->a, X, Y, tri, K, err);
        return rc ? rc : colop(k, K, tri, COLOP_POW, NULL, k->c, NULL, NULL, err);
    }
    case GP_KNODE_CHANGEPOINT:
        return gram_changepoint(k, X, Y, tri, K, err);
    }
    return gp_error_set(err, GP_ERR_ARG, "kernel: unknown node type %d", (int)k->type);
}

static gp_code check_input(const char *what, const gp_matrix *X, const char *which, gp_error *err)
{
    if (!X || !X->data || X->rows == 0 || X->cols == 0)
        return gp_error_set(err, GP_ERR_DIM, "%s: input %s is empty (%zu x %zu)", what, which,
                            X ? X->rows : 0, X ? X->cols : 0);
    size_t bad = gp_matrix_find_nonfinite(X);
    if (bad != (size_t)-1)
        return gp_error_set(err, GP_ERR_ARG,
                            "%s: input %s has a non-finite value (%g) at row %zu, column %zu", what,
                            which, X->data[bad], bad % X->rows + 1, bad / X->rows + 1);
    return GP_OK;
}

gp_code gp_kernel_gram(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, gp_matrix *K,
                       gp_error *err)
{
    if (!k || !K)
        return gp_error_set(err, GP_ERR_ARG, "gram: %s is NULL", !k ? "kernel" : "output K");
    gp_code rc = check_input("gram", X, "X", err);
    if (rc)
        return rc;
    const int sym = Y == NULL || Y == X;
    if (!sym) {
        if (Y->cols != X->cols)
            return gp_error_set(err, GP_ERR_DIM,
                                "gram: X has %zu columns (input dimension) but Y has %zu", X->cols,
                                Y->cols);
        rc = check_input("gram", Y, "Y", err);
        if (rc)
            return rc;
    }
    const size_t n = X->rows, m = sym ? n : Y->rows;
    if (K->rows != n || K->cols != m || !K->data)
        return gp_error_set(err, GP_ERR_DIM, "gram: K is %zu x %zu, expected %zu x %zu", K->rows,
                            K->cols, n, m);
    /* Symmetric: a leaf fills both triangles; an expression computes the
     * upper one, mirrored below afterwards. */
    const gp_tri tri = !sym                        ? GP_TRI_FULL
                       : k->type == GP_KNODE_LEAF ? GP_TRI_BOTH
                                                  : GP_TRI_UPPER;
    rc = gram_rec(k, X, sym ? X : Y, tri, K, err);
    if (rc)
        return rc;
    if (tri == GP_TRI_UPPER)
        gp_kernel_parallel_cols(n, n, 0, MIRROR_TILE, mirror_cols, K);
    return GP_OK;
}

/* ---- diagonal -------------------------------------------------------------- */

static gp_code diag_rec(const gp_kernel *k, const gp_matrix *X, double *out, gp_error *err);

static gp_code diag_nary(const gp_kernel *k, const gp_matrix *X, double *out, gp_error *err)
{
    const size_t n = X->rows;
    const int sum = k->type == GP_KNODE_SUM;
    gp_kernel_walk w;
    gp_kernel_walk_init(&w, k);
    double *t = NULL;
    gp_code rc = GP_OK;
    const gp_kernel *op = gp_kernel_walk_next(&w);
    if (op)
        rc = diag_rec(op, X, out, err);
    while (!rc && (op = gp_kernel_walk_next(&w)) != NULL) {
        if (!t && !(t = malloc(n * sizeof *t))) {
            rc = gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory for %zu inputs",
                              gp_kernel_name(k), n);
            break;
        }
        rc = diag_rec(op, X, t, err);
        for (size_t i = 0; !rc && i < n; i++)
            out[i] = sum ? out[i] + t[i] : out[i] * t[i];
        if (!rc)
            rc = gp_kernel_check_diag(k, out, n, err);
    }
    if (!rc && w.stack.failed)
        rc = gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory walking the expression",
                          gp_kernel_name(k));
    gp_kernel_walk_free(&w);
    free(t);
    return rc;
}

static gp_code diag_rec(const gp_kernel *k, const gp_matrix *X, double *out, gp_error *err)
{
    const size_t n = X->rows;
    gp_code rc;
    switch (k->type) {
    case GP_KNODE_LEAF:
        return gp_kernel_leaf_diag(k, X, out, err);
    case GP_KNODE_SUM:
    case GP_KNODE_PRODUCT:
        return diag_nary(k, X, out, err);
    case GP_KNODE_WARP: {
        double *t = malloc(n * sizeof *t);
        if (!t)
            return gp_error_set(err, GP_ERR_NOMEM, "warp: out of memory for %zu inputs", n);
        rc = gp_func_eval_rows(k->f, X, t, err);
        if (!rc)
            rc = diag_rec(k->a, X, out, err);
        for (size_t i = 0; !rc && i < n; i++)
            out[i] = out[i] * t[i] * t[i];
        free(t);
        return rc ? rc : gp_kernel_check_diag(k, out, n, err);
    }
    case GP_KNODE_SCALE:
        rc = diag_rec(k->a, X, out, err);
        for (size_t i = 0; !rc && i < n; i++)
            out[i] *= k->c;
        return rc ? rc : gp_kernel_check_diag(k, out, n, err);
    case GP_KNODE_POWER:
        rc = diag_rec(k->a, X, out, err);
        for (size_t i = 0; !rc && i < n; i++)
            out[i] = gp_ipow(out[i], (int)k->c);
        return rc ? rc : gp_kernel_check_diag(k, out, n, err);
    case GP_KNODE_CHANGEPOINT: {
        double *s, *unused, *t = malloc(n * sizeof *t);
        rc = t ? blend_weights(k, X, X, 1, &s, &unused, err)
               : gp_error_set(err, GP_ERR_NOMEM, "changepoint: out of memory for %zu inputs", n);
        if (rc) {
            free(t);
            return rc;
        }
        rc = diag_rec(k->a, X, out, err);
        if (!rc)
            rc = diag_rec(k->b, X, t, err);
        for (size_t i = 0; !rc && i < n; i++)
            out[i] = s[i] * s[i] * out[i] + s[n + i] * s[n + i] * t[i];
        free(s);
        free(t);
        return rc ? rc : gp_kernel_check_diag(k, out, n, err);
    }
    case GP_KNODE_STRETCH:
    case GP_KNODE_SHIFT:
    case GP_KNODE_SELECT:
    case GP_KNODE_TRANSFORM: {
        gp_matrix *Xt;
        rc = gp_kernel_transform_inputs(k, X, "X", &Xt, err);
        if (rc)
            return rc;
        rc = diag_rec(k->a, Xt, out, err);
        gp_matrix_free(Xt);
        return rc;
    }
    }
    return gp_error_set(err, GP_ERR_ARG, "kernel: unknown node type %d", (int)k->type);
}

gp_code gp_kernel_diag(const gp_kernel *k, const gp_matrix *X, double *out, gp_error *err)
{
    if (!k || !out)
        return gp_error_set(err, GP_ERR_ARG, "diag: %s is NULL", !k ? "kernel" : "output");
    gp_code rc = check_input("diag", X, "X", err);
    if (rc)
        return rc;
    return diag_rec(k, X, out, err);
}
