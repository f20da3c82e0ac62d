/* gp_kernel.c: the kernel expression tree: nodes and reference counts, the
 * algebra (sum, product, scale, warp, input transforms), the Gram and diagonal
 * drivers that walk the tree down to the leaves (gp_kernel_base.c), and
 * gp_kernel_describe. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gp_kernel_impl.h"

/* ---- nodes ----------------------------------------------------------------- */

gp_kernel *gp_kernel_node_new(gp_kernel_type type, size_t nvec, int with_dims, const char *what,
                              gp_error *err)
{
    const size_t el = with_dims ? sizeof(size_t) : sizeof(double);
    if (nvec > (SIZE_MAX - sizeof(gp_kernel)) / el) {
        gp_error_set(err, GP_ERR_NOMEM, "%s: too many values (%zu)", what, nvec);
        return NULL;
    }
    gp_kernel *k = calloc(1, sizeof *k + nvec * el);
    if (!k) {
        gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", what);
        return NULL;
    }
    k->type = type;
    k->refs = 1;
    k->nvec = nvec;
    if (nvec > 0) {
        if (with_dims)
            k->dims = (size_t *)(void *)(k + 1);
        else
            k->vec = (double *)(void *)(k + 1);
    }
    return k;
}

const char *gp_kernel_leaf_name(const gp_kernel *k)
{
    static const char *const names[] = {
        "rbf",     "ou",         "exponential", "matern32", "matern52", "rq",    "periodic",
        "linear",  "polynomial", "nn",          "brownian", "constant", "white", "sum",
        "product", "scale",      "warp",        "stretch",  "shift",    "select"};
    return (size_t)k->type < sizeof names / sizeof names[0] ? names[k->type] : "kernel";
}

gp_kernel *gp_kernel_retain(gp_kernel *k)
{
    if (k)
        k->refs++;
    return k;
}

void gp_kernel_release(gp_kernel *k)
{
    if (!k || --k->refs > 0)
        return;
    gp_kernel_release(k->a);
    gp_kernel_release(k->b);
    gp_func_release(k->f);
    free(k);
}

/* ---- algebra --------------------------------------------------------------- */

static gp_kernel *binary(gp_kernel_type type, const char *name, gp_kernel *a, gp_kernel *b,
                         gp_error *err)
{
    if (!a || !b) {
        gp_error_set(err, GP_ERR_ARG, "%s: %s operand is missing (NULL)", name,
                     !a ? "first" : "second");
        return NULL;
    }
    gp_kernel *k = gp_kernel_node_new(type, 0, 0, name, err);
    if (k) {
        k->a = gp_kernel_retain(a);
        k->b = gp_kernel_retain(b);
    }
    return k;
}

gp_kernel *gp_kernel_sum(gp_kernel *a, gp_kernel *b, gp_error *err)
{
    return binary(GP_K_SUM, "sum", a, b, err);
}

gp_kernel *gp_kernel_product(gp_kernel *a, gp_kernel *b, gp_error *err)
{
    return binary(GP_K_PRODUCT, "product", a, b, err);
}

gp_kernel *gp_kernel_scale(double c, gp_kernel *k, gp_error *err)
{
    if (!(isfinite(c) && c >= 0)) {
        gp_error_set(err, GP_ERR_ARG,
                     "scale: c must be finite and >= 0, got %g (a negative multiple is not a "
                     "kernel)",
                     c);
        return NULL;
    }
    if (!k) {
        gp_error_set(err, GP_ERR_ARG, "scale: kernel is missing (NULL)");
        return NULL;
    }
    gp_kernel *s = gp_kernel_node_new(GP_K_SCALE, 0, 0, "scale", err);
    if (s) {
        s->variance = c;
        s->a = gp_kernel_retain(k);
    }
    return s;
}

gp_kernel *gp_kernel_warp(gp_kernel *k, gp_func *a, gp_error *err)
{
    if (!k || !a) {
        gp_error_set(err, GP_ERR_ARG, "warp: %s is missing (NULL)", !k ? "kernel" : "function");
        return NULL;
    }
    gp_kernel *w = gp_kernel_node_new(GP_K_WARP, 0, 0, "warp", err);
    if (w) {
        w->a = gp_kernel_retain(k);
        w->f = gp_func_retain(a);
    }
    return w;
}

/* stretch and shift: n = 1 or d values, checked against d at evaluation. */
static gp_kernel *transform_values(gp_kernel_type type, const char *name, const char *what,
                                   gp_kernel *k, const double *v, size_t n, gp_error *err)
{
    if (!k) {
        gp_error_set(err, GP_ERR_ARG, "%s: kernel is missing (NULL)", name);
        return NULL;
    }
    if (!v || n == 0) {
        gp_error_set(err, GP_ERR_ARG, "%s: at least one %s is needed, got 0", name, what);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]) || (type == GP_K_STRETCH && v[i] == 0)) {
            gp_error_set(
                err, GP_ERR_ARG, "%s: %s %zu must be finite%s, got %g", name, what, i + 1,
                type == GP_K_STRETCH ? " and non-zero (use select to drop a dimension)" : "", v[i]);
            return NULL;
        }
    }
    gp_kernel *t = gp_kernel_node_new(type, n, 0, name, err);
    if (t) {
        memcpy(t->vec, v, n * sizeof *v);
        t->a = gp_kernel_retain(k);
    }
    return t;
}

gp_kernel *gp_kernel_stretch(gp_kernel *k, const double *s, size_t n, gp_error *err)
{
    return transform_values(GP_K_STRETCH, "stretch", "factor", k, s, n, err);
}

gp_kernel *gp_kernel_shift(gp_kernel *k, const double *c, size_t n, gp_error *err)
{
    return transform_values(GP_K_SHIFT, "shift", "offset", k, c, n, err);
}

gp_kernel *gp_kernel_select(gp_kernel *k, const size_t *dims, size_t n, gp_error *err)
{
    if (!k) {
        gp_error_set(err, GP_ERR_ARG, "select: kernel is missing (NULL)");
        return NULL;
    }
    if (!dims || n == 0) {
        gp_error_set(err, GP_ERR_ARG, "select: at least one dimension is needed, got 0");
        return NULL;
    }
    gp_kernel *t = gp_kernel_node_new(GP_K_SELECT, n, 1, "select", err);
    if (t) {
        memcpy(t->dims, dims, n * sizeof *dims);
        t->a = gp_kernel_retain(k);
    }
    return t;
}

/* ---- input transforms ------------------------------------------------------ */

/* *out = the transformed inputs T(X) (n x d') for a stretch, shift or select
 * node (free with gp_matrix_free); an error if the sizes do not fit X. which
 * names X for messages. */
static gp_code transform_inputs(const gp_kernel *k, const gp_matrix *X, const char *which,
                                gp_matrix **out, gp_error *err)
{
    *out = NULL;
    const size_t n = X->rows, d = X->cols;
    const char *name = gp_kernel_leaf_name(k);
    if (k->type == GP_K_SELECT) {
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
    const size_t dt = k->type == GP_K_SELECT ? k->nvec : d;
    gp_matrix *T = gp_matrix_alloc(n, dt);
    if (!T)
        return gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory for %zu x %zu inputs", name, n,
                            dt);
    for (size_t c = 0; c < dt; c++) {
        double *tc = &GP_AT(T, 0, c);
        if (k->type == GP_K_SELECT) {
            memcpy(tc, &GP_AT(X, 0, k->dims[c]), n * sizeof *tc);
            continue;
        }
        const double v = k->vec[k->nvec == 1 ? 0 : c];
        const double *xc = &GP_AT(X, 0, c);
        if (k->type == GP_K_STRETCH)
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

/* Element-wise K_ij = K_ij + T_ij (op 0), K_ij * T_ij (op 1) or c K_ij (op 2)
 * over the computed part of K, columns shared among threads for large K. */
typedef struct colop_job {
    gp_matrix *K;
    const gp_matrix *T;
    int sym, op;
    double c;
} colop_job;

static void colop_cols(void *ctx, size_t j0, size_t j1)
{
    const colop_job *jb = ctx;
    for (size_t j = j0; j < j1; j++) {
        double *kj = &GP_AT(jb->K, 0, j);
        const double *tj = jb->T ? &GP_AT(jb->T, 0, j) : NULL;
        const size_t len = jb->sym ? j + 1 : jb->K->rows;
        if (jb->op == 0)
            for (size_t i = 0; i < len; i++)
                kj[i] += tj[i];
        else if (jb->op == 1)
            for (size_t i = 0; i < len; i++)
                kj[i] *= tj[i];
        else
            for (size_t i = 0; i < len; i++)
                kj[i] *= jb->c;
    }
}

static void colop(gp_matrix *K, const gp_matrix *T, int sym, int op, double c)
{
    colop_job jb = {K, T, sym, op, c};
    gp_kernel_parallel_cols(K->rows, K->cols, sym, 0, colop_cols, &jb);
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

/* K = k(X, Y); sym: Y == X and only the upper triangle is needed. */
static gp_code gram_rec(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, int sym,
                        gp_matrix *K, gp_error *err)
{
    if (gp_kernel_is_leaf(k))
        return gp_kernel_leaf_gram(k, X, Y, sym, K, err);
    const size_t n = K->rows, m = K->cols;
    gp_code rc;
    switch (k->type) {
    case GP_K_SUM:
    case GP_K_PRODUCT: {
        rc = gram_rec(k->a, X, Y, sym, K, err);
        if (rc)
            return rc;
        gp_matrix *T = gp_matrix_alloc(n, m);
        if (!T)
            return gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory for a %zu x %zu matrix",
                                gp_kernel_leaf_name(k), n, m);
        rc = gram_rec(k->b, X, Y, sym, T, err);
        if (!rc)
            colop(K, T, sym, k->type == GP_K_PRODUCT, 0.0);
        gp_matrix_free(T);
        return rc;
    }
    case GP_K_SCALE: {
        rc = gram_rec(k->a, X, Y, sym, K, err);
        if (!rc)
            colop(K, NULL, sym, 2, k->variance);
        return rc;
    }
    case GP_K_WARP: {
        double *wx = malloc((n + (sym ? 0 : m)) * sizeof *wx);
        if (!wx)
            return gp_error_set(err, GP_ERR_NOMEM, "warp: out of memory for %zu inputs", n + m);
        double *wy = sym ? wx : wx + n;
        rc = gp_func_eval_rows(k->f, X, wx, err);
        if (!rc && !sym)
            rc = gp_func_eval_rows(k->f, Y, wy, err);
        if (!rc)
            rc = gram_rec(k->a, X, Y, sym, K, err);
        if (!rc)
            for (size_t j = 0; j < m; j++) {
                double *kj = &GP_AT(K, 0, j);
                const double b = wy[j];
                const size_t len = sym ? j + 1 : n;
                for (size_t i = 0; i < len; i++)
                    kj[i] *= wx[i] * b;
            }
        free(wx);
        return rc;
    }
    case GP_K_STRETCH:
    case GP_K_SHIFT:
    case GP_K_SELECT: {
        gp_matrix *Xt, *Yt = NULL;
        rc = transform_inputs(k, X, "X", &Xt, err);
        if (rc)
            return rc;
        if (!sym)
            rc = transform_inputs(k, Y, "Y", &Yt, err);
        if (!rc)
            rc = gram_rec(k->a, Xt, sym ? Xt : Yt, sym, K, err);
        gp_matrix_free(Yt);
        gp_matrix_free(Xt);
        return rc;
    }
    default:
        return gp_error_set(err, GP_ERR_ARG, "kernel: unknown node type %d", (int)k->type);
    }
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
    /* Symmetric: a leaf fills both triangles (mode 2); an expression computes
     * the upper one, mirrored below afterwards. */
    const int mode = !sym ? 0 : gp_kernel_is_leaf(k) ? 2 : 1;
    rc = gram_rec(k, X, sym ? X : Y, mode, K, err);
    if (rc)
        return rc;
    if (mode == 1)
        gp_kernel_parallel_cols(n, n, 0, MIRROR_TILE, mirror_cols, K);
    return GP_OK;
}

/* ---- diagonal -------------------------------------------------------------- */

static gp_code diag_rec(const gp_kernel *k, const gp_matrix *X, double *out, gp_error *err)
{
    if (gp_kernel_is_leaf(k))
        return gp_kernel_leaf_diag(k, X, out, err);
    const size_t n = X->rows;
    gp_code rc;
    switch (k->type) {
    case GP_K_SUM:
    case GP_K_PRODUCT:
    case GP_K_WARP: {
        double *t = malloc(n * sizeof *t);
        if (!t)
            return gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory for %zu inputs",
                                gp_kernel_leaf_name(k), n);
        if (k->type == GP_K_WARP)
            rc = gp_func_eval_rows(k->f, X, t, err);
        else
            rc = diag_rec(k->b, X, t, err);
        if (!rc)
            rc = diag_rec(k->a, X, out, err);
        if (!rc) {
            if (k->type == GP_K_SUM)
                for (size_t i = 0; i < n; i++)
                    out[i] += t[i];
            else if (k->type == GP_K_PRODUCT)
                for (size_t i = 0; i < n; i++)
                    out[i] *= t[i];
            else
                for (size_t i = 0; i < n; i++)
                    out[i] *= t[i] * t[i];
        }
        free(t);
        return rc;
    }
    case GP_K_SCALE:
        rc = diag_rec(k->a, X, out, err);
        if (!rc)
            for (size_t i = 0; i < n; i++)
                out[i] *= k->variance;
        return rc;
    case GP_K_STRETCH:
    case GP_K_SHIFT:
    case GP_K_SELECT: {
        gp_matrix *Xt;
        rc = transform_inputs(k, X, "X", &Xt, err);
        if (rc)
            return rc;
        rc = diag_rec(k->a, Xt, out, err);
        gp_matrix_free(Xt);
        return rc;
    }
    default:
        return gp_error_set(err, GP_ERR_ARG, "kernel: unknown node type %d", (int)k->type);
    }
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

/* ---- describe -------------------------------------------------------------- */

static void put_param(gp_sbuf *sb, const char *name, double v)
{
    gp_sbuf_puts(sb, name);
    gp_sbuf_puts(sb, "=");
    gp_sbuf_number(sb, v);
}

static void describe_leaf(const gp_kernel *k, gp_sbuf *sb)
{
    gp_sbuf_puts(sb, gp_kernel_leaf_name(k));
    gp_sbuf_puts(sb, "(");
    switch (k->type) {
    case GP_K_RBF:
    case GP_K_OU:
    case GP_K_EXPONENTIAL:
    case GP_K_MATERN32:
    case GP_K_MATERN52:
    case GP_K_RQ:
    case GP_K_PERIODIC:
        put_param(sb, "amplitude", k->amplitude);
        gp_sbuf_puts(sb, ", ");
        if (k->nvec == 1)
            put_param(sb, "lengthscale", k->vec[0]);
        else {
            gp_sbuf_puts(sb, "lengthscale=");
            gp_sbuf_vector(sb, k->vec, k->nvec);
        }
        if (k->type == GP_K_RQ) {
            gp_sbuf_puts(sb, ", ");
            put_param(sb, "alpha", k->alpha);
        } else if (k->type == GP_K_PERIODIC) {
            gp_sbuf_puts(sb, ", ");
            put_param(sb, "period", k->period);
        } else if (k->type == GP_K_OU) {
            gp_sbuf_puts(sb, "; exp(-r/(2l))");
        } else if (k->type == GP_K_EXPONENTIAL) {
            gp_sbuf_puts(sb, "; exp(-r/l)");
        }
        break;
    case GP_K_POLYNOMIAL: {
        char deg[16];
        snprintf(deg, sizeof deg, "%d", k->degree);
        gp_sbuf_puts(sb, "degree=");
        gp_sbuf_puts(sb, deg);
        gp_sbuf_puts(sb, ", ");
    }
        /* fall through */
    case GP_K_LINEAR:
    case GP_K_NN:
        put_param(sb, "variance", k->variance);
        gp_sbuf_puts(sb, ", ");
        put_param(sb, "offset", k->offset);
        if (k->type == GP_K_NN) {
            gp_sbuf_puts(sb, ", Sigma={");
            for (size_t i = 0; i < k->dim; i++) {
                if (i)
                    gp_sbuf_puts(sb, ", ");
                gp_sbuf_puts(sb, "{");
                for (size_t j = 0; j < k->dim; j++) {
                    if (j)
                        gp_sbuf_puts(sb, ", ");
                    gp_sbuf_number(sb, k->vec[j * k->dim + i]);
                }
                gp_sbuf_puts(sb, "}");
            }
            gp_sbuf_puts(sb, "}");
        }
        break;
    case GP_K_BROWNIAN:
    case GP_K_WHITE:
        put_param(sb, "variance", k->variance);
        break;
    case GP_K_CONSTANT:
        gp_sbuf_number(sb, k->variance);
        break;
    default:
        break;
    }
    gp_sbuf_puts(sb, ")");
}

static void describe_rec(const gp_kernel *k, gp_sbuf *sb);

/* A product or scale operand: sums get parentheses. */
static void describe_factor(const gp_kernel *k, gp_sbuf *sb)
{
    const int paren = k->type == GP_K_SUM;
    if (paren)
        gp_sbuf_puts(sb, "(");
    describe_rec(k, sb);
    if (paren)
        gp_sbuf_puts(sb, ")");
}

static void describe_rec(const gp_kernel *k, gp_sbuf *sb)
{
    if (gp_kernel_is_leaf(k)) {
        describe_leaf(k, sb);
        return;
    }
    switch (k->type) {
    case GP_K_SUM:
        describe_rec(k->a, sb);
        gp_sbuf_puts(sb, " + ");
        describe_rec(k->b, sb);
        break;
    case GP_K_PRODUCT:
        describe_factor(k->a, sb);
        gp_sbuf_puts(sb, " * ");
        describe_factor(k->b, sb);
        break;
    case GP_K_SCALE:
        gp_sbuf_number(sb, k->variance);
        gp_sbuf_puts(sb, " * ");
        describe_factor(k->a, sb);
        break;
    case GP_K_WARP: {
        gp_sbuf_puts(sb, "warp(");
        describe_rec(k->a, sb);
        gp_sbuf_puts(sb, ", by=");
        size_t cap;
        char *tail = gp_sbuf_tail(sb, &cap);
        gp_sbuf_advance(sb, gp_func_describe(k->f, tail, cap));
        gp_sbuf_puts(sb, ")");
        break;
    }
    case GP_K_STRETCH:
    case GP_K_SHIFT:
        gp_sbuf_puts(sb, gp_kernel_leaf_name(k));
        gp_sbuf_puts(sb, "(");
        describe_rec(k->a, sb);
        gp_sbuf_puts(sb, ", by=");
        gp_sbuf_vector(sb, k->vec, k->nvec);
        gp_sbuf_puts(sb, ")");
        break;
    case GP_K_SELECT:
        gp_sbuf_puts(sb, "select(");
        describe_rec(k->a, sb);
        gp_sbuf_puts(sb, ", dims={");
        for (size_t i = 0; i < k->nvec; i++) {
            char num[32];
            snprintf(num, sizeof num, "%s%zu", i ? ", " : "", k->dims[i] + 1);
            gp_sbuf_puts(sb, num);
        }
        gp_sbuf_puts(sb, "})");
        break;
    default:
        gp_sbuf_puts(sb, "?");
        break;
    }
}

size_t gp_kernel_describe(const gp_kernel *k, char *buf, size_t cap)
{
    gp_sbuf sb = gp_sbuf_make(buf, cap);
    if (!k)
        gp_sbuf_puts(&sb, "(null)");
    else
        describe_rec(k, &sb);
    return sb.len;
}

/* ---- introspection ---------------------------------------------------------- */

int gp_kernel_is_stationary(const gp_kernel *k)
{
    if (!k)
        return 0;
    switch (k->type) {
    case GP_K_RBF:
    case GP_K_OU:
    case GP_K_EXPONENTIAL:
    case GP_K_MATERN32:
    case GP_K_MATERN52:
    case GP_K_RQ:
    case GP_K_PERIODIC:
    case GP_K_CONSTANT:
    case GP_K_WHITE:
        return 1;
    case GP_K_SUM:
    case GP_K_PRODUCT:
        return gp_kernel_is_stationary(k->a) && gp_kernel_is_stationary(k->b);
    case GP_K_SCALE:
    case GP_K_STRETCH:
    case GP_K_SHIFT:
    case GP_K_SELECT:
        return gp_kernel_is_stationary(k->a);
    default: /* linear, polynomial, nn, brownian, warp */
        return 0;
    }
}

gp_spectral_family gp_kernel_spectral(const gp_kernel *k, gp_spectral *out)
{
    double c = 1.0;
    while (k && k->type == GP_K_SCALE) {
        c *= k->variance;
        k = k->a;
    }
    gp_spectral s = {GP_SPECTRAL_NONE, 0.0, NULL, 0, 0.0};
    if (k) {
        switch (k->type) {
        case GP_K_RBF: s.family = GP_SPECTRAL_RBF; break;
        case GP_K_EXPONENTIAL: s.family = GP_SPECTRAL_EXPONENTIAL; break;
        case GP_K_OU: s.family = GP_SPECTRAL_OU; break;
        case GP_K_MATERN32: s.family = GP_SPECTRAL_MATERN32; break;
        case GP_K_MATERN52: s.family = GP_SPECTRAL_MATERN52; break;
        case GP_K_RQ: s.family = GP_SPECTRAL_RQ; break;
        default: break;
        }
    }
    if (s.family != GP_SPECTRAL_NONE) {
        s.variance = c * k->amplitude * k->amplitude;
        s.ls = k->vec;
        s.nls = k->nvec;
        s.alpha = k->alpha;
    }
    if (out)
        *out = s;
    return s.family;
}
