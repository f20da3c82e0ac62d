/* gp_kernel_deriv.c: derivatives of a kernel expression in its inputs,
 * D_u D'_w k(x, y) (gp_kernel.h): the covariances of derivative processes
 * (Rasmussen & Williams 2006, section 9.4: Cov(f'(x), f(y)) = dk/dx,
 * Cov(f'(x), f'(y)) = d^2k / dx dy).
 *
 * Every node computes a "jet" of four matrices over (X, Y): the value K, D_u
 * K (derivative in the first argument), D'_w K (in the second) and D_u D'_w
 * K, the ones asked for. Leaves: kernels of v = sum_c ((x_c - y_c) / l_c)^2
 * (k = g(v)) by the chain rule, with t_c = (x_c - y_c) / l_c^2, A_u = u . t:
 *   D_u k = 2 g'(v) A_u,  D'_w k = -2 g'(v) A_w,
 *   D_u D'_w k = -4 g''(v) A_u A_w - 2 g'(v) sum_c u_c w_c / l_c^2;
 * others by their own formulas (dcolumn). Nodes: sums add; scalings scale;
 * products by Leibniz's rule, (AB)_uw = A_uw B + A_u B_w + A_w B_u + A B_uw;
 * powers by the chain rule; warps a(x) a(y) K and change points (blends
 * s(x) s(y) K1 + (1 - s(x))(1 - s(y)) K2) by the product rule with D_u a;
 * stretches, shifts and selections map the directions (u -> s u, u[dims]). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gp_kernel_impl.h"

/* The jet: m[0] value, m[1] D_u, m[2] D'_w, m[3] D_u D'_w (present: m[b]
 * for the bits b has of {1: u given, 2: w given}). */
typedef struct jet {
    gp_matrix *m[4];
} jet;

static int has(int b, const double *u, const double *w)
{
    return (!(b & 1) || u) && (!(b & 2) || w);
}

static void jet_free(jet *J)
{
    for (int b = 0; b < 4; b++)
        gp_matrix_free(J->m[b]);
}

static gp_code jet_alloc(jet *J, size_t n, size_t m, const double *u, const double *w,
                         gp_error *err)
{
    *J = (jet){{NULL}};
    for (int b = 0; b < 4; b++)
        if (has(b, u, w) && !(J->m[b] = gp_matrix_alloc(n, m))) {
            jet_free(J);
            return gp_error_set(err, GP_ERR_NOMEM, "derivative: out of memory for %zu x %zu", n,
                                m);
        }
    return GP_OK;
}

/* ---- leaves ------------------------------------------------------------------------------ */

typedef struct dir_ctx {
    const double *u, *w;
} dir_ctx;

/* One column of D_u D'_w k for a kernel of v = (r/l)^2 (the chain rule above). */
static void sqdist_dcol(const gp_leaf_eval *e, void *ctx, size_t j, double *out)
{
    const dir_ctx *c = ctx;
    const gp_kparam *ls = &e->k->par[1];
    const size_t n = e->X->rows, d = e->X->cols, nls = ls->rows * ls->cols;
    gp_kernel_leaf_sqdist(e, j, 0, n, out);
    for (size_t i = 0; i < n; i++) {
        const double v = out[i];
        double g1, g2;
        e->k->desc->dapply(e, &v, &g1, &g2, 1);
        double Au = 0, Aw = 0, uw = 0;
        for (size_t a = 0; a < d; a++) {
            const double l = ls->v[nls == 1 ? 0 : a], il2 = 1.0 / (l * l);
            const double t = (GP_AT(e->X, i, a) - GP_AT(e->Y, j, a)) * il2;
            Au += c->u ? c->u[a] * t : 0;
            Aw += c->w ? c->w[a] * t : 0;
            uw += c->u && c->w ? c->u[a] * c->w[a] * il2 : 0;
        }
        if (c->u && c->w)
            out[i] = -(v > 0 ? 4.0 * (g2 / v) * Au * Aw : 0.0) - 2.0 * g1 * uw;
        else
            out[i] = c->u ? 2.0 * g1 * Au : -2.0 * g1 * Aw;
    }
}

static void custom_dcol(const gp_leaf_eval *e, void *ctx, size_t j, double *out)
{
    const dir_ctx *c = ctx;
    e->k->desc->dcolumn(e, c->u, c->w, j, 0, e->X->rows, out);
}

/* Why the leaf has no input derivatives, or NULL. */
static const char *leaf_nodiff(const gp_kernel *k)
{
    const gp_kernel_desc *d = k->desc;
    const char *why = d->nodiff ? d->nodiff(k) : NULL;
    if (why)
        return why;
    if (d->geometry == GP_GEOM_SQDIST ? !d->dapply : !d->dcolumn)
        return "its derivatives in x are not implemented";
    return NULL;
}

static gp_code leaf_jet(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                        const double *u, const double *w, jet *J, gp_error *err)
{
    gp_code rc = gp_kernel_gram(k, X, Y, J->m[0], err);
    const gp_leaf_colfn col = k->desc->geometry == GP_GEOM_SQDIST ? sqdist_dcol : custom_dcol;
    for (int b = 1; !rc && b < 4; b++)
        if (has(b, u, w)) {
            dir_ctx c = {b & 1 ? u : NULL, b & 2 ? w : NULL};
            rc = gp_kernel_leaf_columns(k, X, Y, col, &c, J->m[b], err);
        }
    return rc;
}

/* ---- combinations ------------------------------------------------------------------------ */

static gp_code jet_rec(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                       const double *u, const double *w, jet *J, gp_error *err);

/* J += wx(x) wy(y) A as a product of three factors, with the derivatives
 * dx = D_u wx at X and dy = D_w wy at Y (NULL when not needed). */
static void add_weighted(jet *J, const jet *A, const double *wx, const double *dx,
                         const double *wy, const double *dy)
{
    const size_t n = J->m[0]->rows, m = J->m[0]->cols;
    for (size_t j = 0; j < m; j++)
        for (size_t i = 0; i < n; i++) {
            const double a = wx[i] * wy[j];
            GP_AT(J->m[0], i, j) += a * GP_AT(A->m[0], i, j);
            if (J->m[1])
                GP_AT(J->m[1], i, j) += dx[i] * wy[j] * GP_AT(A->m[0], i, j) + a * GP_AT(A->m[1], i, j);
            if (J->m[2])
                GP_AT(J->m[2], i, j) += wx[i] * dy[j] * GP_AT(A->m[0], i, j) + a * GP_AT(A->m[2], i, j);
            if (J->m[3])
                GP_AT(J->m[3], i, j) += dx[i] * dy[j] * GP_AT(A->m[0], i, j) +
                                        dx[i] * wy[j] * GP_AT(A->m[2], i, j) +
                                        wx[i] * dy[j] * GP_AT(A->m[1], i, j) +
                                        a * GP_AT(A->m[3], i, j);
        }
}

static void jet_zero(jet *J)
{
    for (int b = 0; b < 4; b++)
        if (J->m[b])
            memset(J->m[b]->data, 0, J->m[b]->rows * J->m[b]->cols * sizeof(double));
}

/* J = J (+ or Leibniz-times) T */
static void jet_combine(jet *J, const jet *T, int product)
{
    const size_t len = J->m[0]->rows * J->m[0]->cols;
    for (size_t t = 0; t < len; t++) {
        double a[4] = {0}, b[4] = {0};
        for (int q = 0; q < 4; q++)
            if (J->m[q]) {
                a[q] = J->m[q]->data[t];
                b[q] = T->m[q]->data[t];
            }
        double r[4];
        if (product) {
            r[0] = a[0] * b[0];
            r[1] = a[1] * b[0] + a[0] * b[1];
            r[2] = a[2] * b[0] + a[0] * b[2];
            r[3] = a[3] * b[0] + a[1] * b[2] + a[2] * b[1] + a[0] * b[3];
        } else {
            for (int q = 0; q < 4; q++)
                r[q] = a[q] + b[q];
        }
        for (int q = 0; q < 4; q++)
            if (J->m[q])
                J->m[q]->data[t] = r[q];
    }
}

static gp_code jet_nary(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                        const double *u, const double *w, jet *J, gp_error *err)
{
    gp_kernel_walk wk;
    gp_kernel_walk_init(&wk, k);
    jet T = {{NULL}};
    gp_code rc = GP_OK;
    int first = 1;
    for (const gp_kernel *op; !rc && (op = gp_kernel_walk_next(&wk)) != NULL; first = 0) {
        if (first) {
            rc = jet_rec(op, X, Y, u, w, J, err);
            continue;
        }
        if (!T.m[0])
            rc = jet_alloc(&T, J->m[0]->rows, J->m[0]->cols, u, w, err);
        if (!rc)
            rc = jet_rec(op, X, Y, u, w, &T, err);
        if (!rc)
            jet_combine(J, &T, k->type == GP_KNODE_PRODUCT);
    }
    if (!rc && wk.stack.failed)
        rc = gp_error_set(err, GP_ERR_NOMEM, "derivative: out of memory");
    gp_kernel_walk_free(&wk);
    jet_free(&T);
    return rc;
}

/* The directions for the child of a stretch or select node (u2 has room for
 * the child's input dimension). */
static void map_dir(const gp_kernel *k, const double *u, double *u2, size_t d)
{
    if (!u)
        return;
    if (k->type == GP_KNODE_SELECT) {
        for (size_t p = 0; p < k->nvec; p++)
            u2[p] = u[k->dims[p]];
    } else {
        for (size_t c = 0; c < d; c++)
            u2[c] = k->type == GP_KNODE_STRETCH ? u[c] * k->vec[k->nvec == 1 ? 0 : c] : u[c];
    }
}

static gp_code jet_transformed(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                               const double *u, const double *w, jet *J, gp_error *err)
{
    gp_matrix *Xt = NULL, *Yt = NULL;
    gp_code rc = gp_kernel_transform_inputs(k, X, "X", &Xt, err);
    if (!rc)
        rc = gp_kernel_transform_inputs(k, Y, "Y", &Yt, err);
    double *dirs = rc ? NULL : malloc(2 * (Xt->cols + 1) * sizeof *dirs);
    if (!rc && !dirs)
        rc = gp_error_set(err, GP_ERR_NOMEM, "derivative: out of memory");
    if (!rc) {
        double *u2 = dirs, *w2 = dirs + Xt->cols + 1;
        map_dir(k, u, u2, X->cols);
        map_dir(k, w, w2, X->cols);
        rc = jet_rec(k->a, Xt, Yt, u ? u2 : NULL, w ? w2 : NULL, J, err);
    }
    free(dirs);
    gp_matrix_free(Xt);
    gp_matrix_free(Yt);
    return rc;
}

/* weights and their derivatives at the rows of X for a warp (a, D_u a) or a
 * change point (s, D_u s, 1 - s, -D_u s); v has room for 4 n values */
static gp_code weights_at(const gp_kernel *k, const gp_matrix *X, const double *u, double *v,
                          gp_error *err)
{
    const size_t n = X->rows;
    if (k->type == GP_KNODE_WARP) {
        gp_code rc = gp_func_eval_rows(k->f, X, v, err);
        return rc || !u ? rc : gp_func_eval_deriv(k->f, X, u, v + n, err);
    }
    if (k->axis >= X->cols)
        return gp_error_set(err, GP_ERR_DIM, "changepoint: dim %zu is out of range for %zu-D input",
                            k->axis + 1, X->cols);
    gp_kernel_changepoint_blend(k, X, v, v + 2 * n);
    for (size_t i = 0; u && i < n; i++) { /* ds/dx = -steepness s (1 - s) */
        v[n + i] = -k->vec[1] * v[i] * v[2 * n + i] * u[k->axis];
        v[3 * n + i] = -v[n + i];
    }
    return GP_OK;
}

static gp_code jet_weighted(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                            const double *u, const double *w, jet *J, gp_error *err)
{
    const size_t n = X->rows, m = Y->rows;
    double *v = malloc(4 * (n + m) * sizeof *v);
    jet A = {{NULL}};
    if (!v)
        return gp_error_set(err, GP_ERR_NOMEM, "derivative: out of memory");
    double *vx = v, *vy = v + 4 * n;
    gp_code rc = weights_at(k, X, u, vx, err);
    if (!rc)
        rc = weights_at(k, Y, w, vy, err);
    if (!rc)
        rc = jet_alloc(&A, n, m, u, w, err);
    jet_zero(J);
    const int parts = k->type == GP_KNODE_CHANGEPOINT ? 2 : 1;
    for (int p = 0; !rc && p < parts; p++) {
        rc = jet_rec(p ? k->b : k->a, X, Y, u, w, &A, err);
        if (!rc)
            add_weighted(J, &A, vx + 2 * p * n, vx + (2 * p + 1) * n, vy + 2 * p * m,
                         vy + (2 * p + 1) * m);
    }
    jet_free(&A);
    free(v);
    return rc;
}

/* A^p: p A^(p-1) A_u, ..., p (p-1) A^(p-2) A_u A_w + p A^(p-1) A_uw */
static void jet_power(jet *J, int p)
{
    const size_t len = J->m[0]->rows * J->m[0]->cols;
    for (size_t t = 0; t < len; t++) {
        const double a = J->m[0]->data[t], a1 = J->m[1] ? J->m[1]->data[t] : 0;
        const double a2 = J->m[2] ? J->m[2]->data[t] : 0;
        const double pm1 = p * gp_ipow(a, p - 1), pm2 = p >= 2 ? p * (p - 1.0) * gp_ipow(a, p - 2) : 0;
        if (J->m[3])
            J->m[3]->data[t] = pm2 * a1 * a2 + pm1 * J->m[3]->data[t];
        if (J->m[1])
            J->m[1]->data[t] = pm1 * a1;
        if (J->m[2])
            J->m[2]->data[t] = pm1 * a2;
        J->m[0]->data[t] = gp_ipow(a, p);
    }
}

static gp_code jet_rec(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                       const double *u, const double *w, jet *J, gp_error *err)
{
    gp_code rc;
    switch (k->type) {
    case GP_KNODE_LEAF:
        return leaf_jet(k, X, Y, u, w, J, err);
    case GP_KNODE_SUM:
    case GP_KNODE_PRODUCT:
        return jet_nary(k, X, Y, u, w, J, err);
    case GP_KNODE_SCALE:
        rc = jet_rec(k->a, X, Y, u, w, J, err);
        for (int b = 0; !rc && b < 4; b++)
            for (size_t t = 0; J->m[b] && t < J->m[b]->rows * J->m[b]->cols; t++)
                J->m[b]->data[t] *= k->c;
        return rc;
    case GP_KNODE_POWER:
        rc = jet_rec(k->a, X, Y, u, w, J, err);
        if (!rc)
            jet_power(J, (int)k->c);
        return rc;
    case GP_KNODE_WARP:
    case GP_KNODE_CHANGEPOINT:
        return jet_weighted(k, X, Y, u, w, J, err);
    case GP_KNODE_STRETCH:
    case GP_KNODE_SHIFT:
    case GP_KNODE_SELECT:
        return jet_transformed(k, X, Y, u, w, J, err);
    case GP_KNODE_TRANSFORM:
        break; /* refused by gp_kernel_check_differentiable */
    }
    return gp_error_set(err, GP_ERR_ARG, "derivative: %s is not differentiable here",
                        gp_kernel_name(k));
}

/* ---- checks and entry points ---------------------------------------------------------------- */

gp_code gp_kernel_check_differentiable(const gp_kernel *k, gp_error *err)
{
    if (!k)
        return gp_error_set(err, GP_ERR_ARG, "derivative: kernel is NULL");
    gp_stack st;
    gp_stack_init(&st, sizeof k);
    gp_stack_push(&st, &k);
    const gp_kernel *q;
    gp_code rc = GP_OK;
    while (!rc && gp_stack_pop(&st, &q)) {
        const char *why = NULL;
        char fn[128] = "";
        if (q->type == GP_KNODE_LEAF)
            why = leaf_nodiff(q);
        else if (q->type == GP_KNODE_TRANSFORM)
            why = "derivatives through input transforms by functions are not implemented "
                  "(the chain rule needs the functions' derivatives)";
        else if (q->type == GP_KNODE_WARP && !gp_func_has_derivative(q->f)) {
            gp_func_describe(q->f, fn, sizeof fn);
            why = "the warp's derivative is not known (give the warp as a constant or gp.poly)";
        }
        if (why) {
            char what[200];
            const size_t len = gp_kernel_describe(q, what, sizeof what);
            if (len >= sizeof what)
                memcpy(what + sizeof what - 4, "...", 4);
            rc = gp_error_set(err, GP_ERR_ARG, "derivative: %s%s%s: %s", what, *fn ? " by " : "",
                              fn, why);
        }
        if (q->b)
            gp_stack_push(&st, &q->b);
        if (q->a)
            gp_stack_push(&st, &q->a);
    }
    if (!rc && st.failed)
        rc = gp_error_set(err, GP_ERR_NOMEM, "derivative: out of memory walking the expression");
    gp_stack_free(&st);
    return rc;
}

/* The shared checks of the entry points: k differentiable, X (and Y) fine. */
static gp_code check_args(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                          gp_error *err)
{
    gp_code rc = gp_kernel_check_differentiable(k, err);
    if (rc)
        return rc;
    if (!X || !X->data || X->rows == 0 || X->cols == 0)
        return gp_error_set(err, GP_ERR_DIM, "derivative: input X is empty");
    if (Y && (!Y->data || Y->rows == 0 || Y->cols != X->cols))
        return gp_error_set(err, GP_ERR_DIM,
                            "derivative: Y must have rows and %zu columns like X, got %zu x %zu",
                            X->cols, Y->rows, Y->cols);
    return GP_OK;
}

gp_code gp_kernel_gram_deriv(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                             const double *u, const double *w, gp_matrix *K, gp_error *err)
{
    if (!K)
        return gp_error_set(err, GP_ERR_ARG, "derivative: output K is NULL");
    gp_code rc = check_args(k, X, Y, err);
    if (rc)
        return rc;
    if (!Y)
        Y = X;
    if (K->rows != X->rows || K->cols != Y->rows || !K->data)
        return gp_error_set(err, GP_ERR_DIM, "derivative: K is %zu x %zu, expected %zu x %zu",
                            K->rows, K->cols, X->rows, Y->rows);
    /* the value itself checks the inputs as the Gram matrix does */
    rc = gp_kernel_gram(k, X, Y, K, err);
    if (rc || (!u && !w))
        return rc;
    jet J;
    rc = jet_alloc(&J, X->rows, Y->rows, u, w, err);
    if (!rc)
        rc = jet_rec(k, X, Y, u, w, &J, err);
    const int want = (u ? 1 : 0) | (w ? 2 : 0);
    if (!rc)
        memcpy(K->data, J.m[want]->data, X->rows * Y->rows * sizeof *K->data);
    jet_free(&J);
    if (!rc && gp_matrix_find_nonfinite(K) != (size_t)-1)
        rc = gp_error_set(err, GP_ERR_NUMERIC, "derivative: a value overflows");
    return rc;
}

gp_code gp_kernel_diag_deriv(const gp_kernel *k, const gp_matrix *X, const double *u,
                             const double *w, double *out, gp_error *err)
{
    if (!out)
        return gp_error_set(err, GP_ERR_ARG, "derivative: output is NULL");
    gp_code rc = check_args(k, X, NULL, err);
    const size_t d = X ? X->cols : 0;
    gp_matrix *x = rc ? NULL : gp_matrix_alloc(1, d), K = {1, 1, NULL};
    if (!rc && !x)
        rc = gp_error_set(err, GP_ERR_NOMEM, "derivative: out of memory");
    for (size_t i = 0; !rc && i < X->rows; i++) {
        for (size_t c = 0; c < d; c++)
            x->data[c] = GP_AT(X, i, c);
        K.data = &out[i];
        rc = gp_kernel_gram_deriv(k, x, x, u, w, &K, err);
    }
    gp_matrix_free(x);
    return rc;
}
