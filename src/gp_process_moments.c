/* gp_process_moments.c: exact means and covariances of process expressions.
 *
 * Covariance is bilinear: an expression u = sum_s alpha_s(x) A_s(x) + (deterministic)
 * over atoms A_s (leaves and products) has
 *   Cov(u(x), u(x')) = sum_A alpha_A(x) C_A(x, x') alpha_A(x'),
 * where alpha_A sums the coefficients of the terms on atom A, and distinct atoms
 * are independent (gp_process.c refuses expressions where they are not). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gp_process_impl.h"

/* An output of n x m doubles (column-major), or of n doubles (the diagonal). */
typedef struct moments_out {
    double *v;
    size_t n, m;
    int diag;
} moments_out;

static size_t out_size(const moments_out *o)
{
    return o->diag ? o->n : o->n * o->m;
}

static gp_code nomem(gp_error *err)
{
    return gp_error_set(err, GP_ERR_NOMEM, "process moments: out of memory");
}

static gp_code mean_rec(const gp_process *p, const gp_matrix *X, double *mu, gp_error *err);

/* mu += (sum) or *= (product) the mean of term, or the offset function. */
static gp_code mean_term(const gp_process *term, const gp_func *offset, const gp_matrix *X,
                         double *tmp, double *mu, int product, gp_error *err)
{
    gp_code rc = term ? mean_rec(term, X, tmp, err) : gp_func_eval_rows(offset, X, tmp, err);
    for (size_t i = 0; !rc && i < X->rows; i++)
        mu[i] = product ? mu[i] * tmp[i] : mu[i] + tmp[i];
    return rc;
}

/* The mean of an n-ary sum (m_1 + ... + offsets) or product of independent
 * factors (m_1 m_2 ...), walked in a loop. */
static gp_code mean_terms(const gp_process *p, const gp_matrix *X, double *mu, gp_error *err)
{
    const size_t n = X->rows;
    const int product = p->type == PROC_PRODUCT;
    double *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return nomem(err);
    for (size_t i = 0; i < n; i++)
        mu[i] = product ? 1.0 : 0.0;
    proc_walk w;
    proc_walk_init(&w, p, product ? PROC_PRODUCT : PROC_SUM);
    const gp_process *term;
    const gp_func *offset;
    gp_code rc = GP_OK;
    while (!rc && proc_walk_next(&w, &term, &offset))
        rc = mean_term(term, offset, X, tmp, mu, product, err);
    if (!rc && w.stack.failed)
        rc = nomem(err);
    proc_walk_free(&w);
    free(tmp);
    return rc;
}

static gp_code mean_rec(const gp_process *p, const gp_matrix *X, double *mu, gp_error *err)
{
    size_t n = X->rows;
    switch (p->type) {
    case PROC_LEAF:
        return gp_func_eval_rows(p->mean, X, mu, err);
    case PROC_SCALE: {
        gp_code rc = mean_rec(p->a, X, mu, err);
        for (size_t i = 0; !rc && i < n; i++)
            mu[i] *= p->c;
        return rc;
    }
    case PROC_WARP: { /* w m */
        double *tmp = malloc(n * sizeof *tmp);
        if (!tmp)
            return nomem(err);
        gp_code rc = mean_rec(p->a, X, mu, err);
        if (!rc)
            rc = gp_func_eval_rows(p->fn, X, tmp, err);
        for (size_t i = 0; !rc && i < n; i++)
            mu[i] *= tmp[i];
        free(tmp);
        return rc;
    }
    case PROC_SUM:
    case PROC_OFFSET:
    case PROC_PRODUCT: /* independent factors: m_a m_b */
        return mean_terms(p, X, mu, err);
    }
    return GP_OK;
}

/* ---- expansion into atoms ------------------------------------------------------ */

typedef struct atom_terms {
    const gp_process *atom[64];
    double *coef_x[64]; /* summed coefficients over the rows of X */
    double *coef_y[64]; /* ... and of Y (NULL when Y is X) */
    size_t count;
} atom_terms;

static void free_terms(atom_terms *t)
{
    for (size_t i = 0; i < t->count; i++) {
        free(t->coef_x[i]);
        free(t->coef_y[i]);
    }
    t->count = 0;
}

/* Add coef (n values) to the coefficients of atom; which: 0 for X, 1 for Y. */
static gp_code add_term(atom_terms *t, const gp_process *atom, const double *coef, size_t n,
                        int which, gp_error *err)
{
    size_t i = 0;
    while (i < t->count && t->atom[i] != atom)
        i++;
    if (i == t->count) {
        if (t->count == sizeof t->atom / sizeof t->atom[0])
            return gp_error_set(err, GP_ERR_ARG, "process moments: more than 64 distinct terms");
        t->atom[i] = atom;
        t->coef_x[i] = t->coef_y[i] = NULL;
        t->count++;
    }
    double **slot = which ? &t->coef_y[i] : &t->coef_x[i];
    if (!*slot && !(*slot = calloc(n, sizeof **slot)))
        return nomem(err);
    for (size_t k = 0; k < n; k++)
        (*slot)[k] += coef[k];
    return GP_OK;
}

static gp_code expand(const gp_process *p, const gp_matrix *X, const double *coef,
                      atom_terms *t, int which, gp_error *err)
{
    size_t n = X->rows;
    switch (p->type) {
    case PROC_LEAF:
    case PROC_PRODUCT:
        return add_term(t, p, coef, n, which, err);
    case PROC_SUM:
    case PROC_OFFSET: { /* the terms, walked in a loop; offsets add no covariance */
        proc_walk w;
        proc_walk_init(&w, p, PROC_SUM);
        const gp_process *term;
        const gp_func *offset;
        gp_code rc = GP_OK;
        while (!rc && proc_walk_next(&w, &term, &offset))
            if (term)
                rc = expand(term, X, coef, t, which, err);
        if (!rc && w.stack.failed)
            rc = nomem(err);
        proc_walk_free(&w);
        return rc;
    }
    case PROC_SCALE:
    case PROC_WARP: {
        double *c = malloc(n * sizeof *c);
        if (!c)
            return nomem(err);
        gp_code rc = GP_OK;
        if (p->type == PROC_WARP)
            rc = gp_func_eval_rows(p->fn, X, c, err);
        for (size_t i = 0; !rc && i < n; i++)
            c[i] = coef[i] * (p->type == PROC_WARP ? c[i] : p->c);
        if (!rc)
            rc = expand(p->a, X, c, t, which, err);
        free(c);
        return rc;
    }
    }
    return GP_OK;
}

/* ---- covariance of one atom ----------------------------------------------------- */

static gp_code cov_expr(const gp_process *p, const gp_matrix *X, const gp_matrix *Y,
                        moments_out *o, gp_error *err);

static gp_code cov_leaf(const gp_process *p, const gp_matrix *X, const gp_matrix *Y,
                        moments_out *o, gp_error *err)
{
    if (o->diag)
        return gp_kernel_diag(p->kernel, X, o->v, err);
    gp_matrix K = {o->n, o->m, o->v};
    return gp_kernel_gram(p->kernel, X, Y, &K, err);
}

/* u = a b c ..., independent factors: Cov(u) = M_a o M_b o ... - m_u m_u',
 * where M = Cov + m m' is the second moment, o the element-wise product and
 * m_u = m_a m_b ...; the factors are walked in a loop. */
static gp_code cov_product(const gp_process *p, const gp_matrix *X, const gp_matrix *Y,
                           moments_out *o, gp_error *err)
{
    const gp_matrix *Yr = Y ? Y : X;
    const size_t n = o->n, m = o->diag ? o->n : o->m, size = out_size(o);
    double *M = malloc(size * sizeof *M); /* the factor's covariance, then second moment */
    double *means = malloc(2 * (n + m) * sizeof *means); /* m_u(X) m_u(Y) m_f(X) m_f(Y) */
    if (!M || !means) {
        free(M);
        free(means);
        return nomem(err);
    }
    double *mux = means, *muy = means + n, *mfx = means + n + m, *mfy = means + 2 * n + m;
    for (size_t k = 0; k < size; k++)
        o->v[k] = 1.0;
    for (size_t i = 0; i < n; i++)
        mux[i] = 1.0;
    for (size_t j = 0; j < m; j++)
        muy[j] = 1.0;
    proc_walk w;
    proc_walk_init(&w, p, PROC_PRODUCT);
    const gp_process *f;
    const gp_func *unused;
    gp_code rc = GP_OK;
    while (!rc && proc_walk_next(&w, &f, &unused)) {
        moments_out of = {M, o->n, o->m, o->diag};
        rc = cov_expr(f, X, Y, &of, err);
        if (!rc)
            rc = mean_rec(f, X, mfx, err);
        if (!rc)
            rc = mean_rec(f, Yr, mfy, err);
        for (size_t j = 0; !rc && j < (o->diag ? 1 : m); j++)
            for (size_t i = 0; i < n; i++) {
                const size_t jj = o->diag ? i : j, k = o->diag ? i : j * n + i;
                o->v[k] *= M[k] + mfx[i] * mfy[jj];
            }
        for (size_t i = 0; !rc && i < n; i++)
            mux[i] *= mfx[i];
        for (size_t j = 0; !rc && j < m; j++)
            muy[j] *= mfy[j];
    }
    if (!rc && w.stack.failed)
        rc = nomem(err);
    proc_walk_free(&w);
    for (size_t j = 0; !rc && j < (o->diag ? 1 : m); j++)
        for (size_t i = 0; i < n; i++) {
            const size_t jj = o->diag ? i : j, k = o->diag ? i : j * n + i;
            o->v[k] -= mux[i] * muy[jj];
        }
    free(M);
    free(means);
    return rc;
}

/* Cov(u(X), u(Y)) for any expression (Y NULL: Y = X). */
static gp_code cov_expr(const gp_process *p, const gp_matrix *X, const gp_matrix *Y,
                        moments_out *o, gp_error *err)
{
    if (p->type == PROC_LEAF)
        return cov_leaf(p, X, Y, o, err);
    if (p->type == PROC_PRODUCT)
        return cov_product(p, X, Y, o, err);

    size_t n = o->n, m = o->diag ? o->n : o->m, size = out_size(o);
    const gp_matrix *Yr = Y ? Y : X;
    atom_terms t = {.count = 0};
    double *ones = malloc((n > m ? n : m) * sizeof *ones);
    double *c = malloc(size * sizeof *c);
    gp_code rc = (!ones || !c) ? nomem(err) : GP_OK;
    for (size_t i = 0; !rc && i < (n > m ? n : m); i++)
        ones[i] = 1.0;
    if (!rc)
        rc = expand(p, X, ones, &t, 0, err);
    if (!rc && Y && !o->diag)
        rc = expand(p, Yr, ones, &t, 1, err);
    memset(o->v, 0, size * sizeof *o->v);
    for (size_t a = 0; !rc && a < t.count; a++) {
        const double *cx = t.coef_x[a], *cy = Y && !o->diag ? t.coef_y[a] : cx;
        moments_out oc = {c, o->n, o->m, o->diag};
        rc = cov_expr(t.atom[a], X, Y, &oc, err);
        for (size_t j = 0; !rc && j < (o->diag ? 1 : m); j++)
            for (size_t i = 0; i < n; i++) {
                size_t k = o->diag ? i : j * n + i;
                o->v[k] += cx[i] * c[k] * cy[o->diag ? i : j];
            }
    }
    free_terms(&t);
    free(ones);
    free(c);
    return rc;
}

static gp_code check_inputs(const gp_matrix *X, const gp_matrix *Y, gp_error *err)
{
    if (X->rows == 0 || X->cols == 0)
        return gp_error_set(err, GP_ERR_DIM, "process: no input points (x is empty)");
    if (Y && Y->cols != X->cols)
        return gp_error_set(err, GP_ERR_DIM,
                            "process: inputs have different dimensions (%zu and %zu)", X->cols,
                            Y->cols);
    return GP_OK;
}

/* GP_OK if the n x m values v (what: "mean", "variance": a vector, m = 1;
 * "covariance": a matrix) are finite, else an error naming the first entry
 * that is not (a large scaling c gives c^2 k, which can overflow). */
static gp_code check_finite(const char *what, const double *v, size_t n, size_t m, gp_error *err)
{
    for (size_t k = 0; k < n * m; k++)
        if (!isfinite(v[k])) {
            if (strcmp(what, "covariance") != 0)
                return gp_error_set(err, GP_ERR_NUMERIC,
                                    "process %s: the value at x_%zu is %g, not finite (it "
                                    "overflows)",
                                    what, k + 1, v[k]);
            return gp_error_set(err, GP_ERR_NUMERIC,
                                "process %s: entry (%zu, %zu) is %g, not finite (it overflows)",
                                what, k % n + 1, k / n + 1, v[k]);
        }
    return GP_OK;
}

gp_code gp_process_mean_at(const gp_process *p, const gp_matrix *X, double *mu, gp_error *err)
{
    gp_code rc = mean_rec(p, X, mu, err);
    return rc ? rc : check_finite("mean", mu, X->rows, 1, err);
}

gp_code gp_process_cov(const gp_process *p, const gp_matrix *X, const gp_matrix *Y, gp_matrix *K,
                       gp_error *err)
{
    gp_code rc = check_inputs(X, Y, err);
    if (rc)
        return rc;
    size_t m = Y ? Y->rows : X->rows;
    if (K->rows != X->rows || K->cols != m)
        return gp_error_set(err, GP_ERR_DIM, "process covariance: output is %zu x %zu, need %zu x %zu",
                            K->rows, K->cols, X->rows, m);
    moments_out o = {K->data, X->rows, m, 0};
    rc = cov_expr(p, X, Y, &o, err);
    return rc ? rc : check_finite("covariance", K->data, X->rows, m, err);
}

gp_code gp_process_var_at(const gp_process *p, const gp_matrix *X, double *var, gp_error *err)
{
    gp_code rc = check_inputs(X, NULL, err);
    if (rc)
        return rc;
    moments_out o = {var, X->rows, 1, 1};
    rc = cov_expr(p, X, NULL, &o, err);
    return rc ? rc : check_finite("variance", var, X->rows, 1, err);
}
