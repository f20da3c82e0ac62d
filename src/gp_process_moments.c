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
        return p->post ? gp_posterior_mean(p->post, X, mu, err)
                       : gp_func_eval_rows(p->mean, X, mu, err);
    case PROC_DERIV: /* the derivative of the leaf's mean */
        return gp_func_eval_rows(p->fn, X, mu, err);
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
    case PROC_DERIV:
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
    gp_matrix K = {o->n, o->m, o->v};
    if (p->post)
        return o->diag ? gp_posterior_var(p->post, X, o->v, err)
                       : gp_posterior_cov(p->post, X, Y, &K, err);
    if (o->diag)
        return gp_kernel_diag(p->kernel, X, o->v, err);
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

/* Cov(A(X), B(Y)) for two atoms: 0 for independent ones (distinct leaves,
 * or products); for A = B, the atom's own covariance; for a leaf and its
 * derivatives, their cross-covariance (gp_process_deriv.c). *zero says 0. */
static gp_code cov_atoms(const gp_process *A, const gp_process *B, const gp_matrix *X,
                         const gp_matrix *Y, moments_out *o, int *zero, gp_error *err)
{
    *zero = 0;
    if (A == B && A->type != PROC_DERIV)
        return cov_expr(A, X, Y, o, err);
    if (A->type == PROC_PRODUCT || B->type == PROC_PRODUCT ||
        gp_process_base(A) != gp_process_base(B)) {
        *zero = 1;
        return GP_OK;
    }
    return gp_process_atom_cov(A, B, X, Y, o->diag, o->v, err);
}

/* Cov(u(X), u(Y)) for any expression (Y NULL: Y = X). */
static gp_code cov_expr(const gp_process *p, const gp_matrix *X, const gp_matrix *Y,
                        moments_out *o, gp_error *err)
{
    if (p->type == PROC_LEAF)
        return cov_leaf(p, X, Y, o, err);
    if (p->type == PROC_DERIV)
        return gp_process_atom_cov(p, p, X, Y, o->diag, o->v, err);
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
    for (size_t a = 0; !rc && a < t.count; a++)
        for (size_t b = 0; !rc && b < t.count; b++) { /* pairs of correlated atoms */
            const double *cx = t.coef_x[a];
            const double *cy = Y && !o->diag ? t.coef_y[b] : t.coef_x[b];
            moments_out oc = {c, o->n, o->m, o->diag};
            int zero;
            rc = cov_atoms(t.atom[a], t.atom[b], X, Y, &oc, &zero, err);
            for (size_t j = 0; !rc && !zero && j < (o->diag ? 1 : m); j++)
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

gp_code gp_process_check_inputs(const char *fname, const gp_matrix *X, const gp_matrix *Y,
                                gp_error *err)
{
    if (X->rows == 0 || X->cols == 0)
        return gp_error_set(err, GP_ERR_DIM, "%s: no input points (x is empty)", fname);
    if (Y && (Y->rows == 0 || Y->cols == 0))
        return gp_error_set(err, GP_ERR_DIM, "%s: no input points (x2 is empty)", fname);
    if (Y && Y->cols != X->cols)
        return gp_error_set(err, GP_ERR_DIM,
                            "%s: inputs have different dimensions (%zu and %zu)", fname, X->cols,
                            Y->cols);
    gp_code rc = gp_matrix_check_finite(X, fname, "x", err);
    return rc || !Y ? rc : gp_matrix_check_finite(Y, fname, "x2", err);
}

gp_code gp_process_mean_at(const gp_process *p, const gp_matrix *X, double *mu, gp_error *err)
{
    gp_code rc = gp_process_check_inputs("mean", X, NULL, err);
    if (!rc)
        rc = mean_rec(p, X, mu, err);
    return rc ? rc : gp_check_result("mean", "mean", mu, X->rows, err);
}

gp_code gp_process_cov(const gp_process *p, const gp_matrix *X, const gp_matrix *Y, gp_matrix *K,
                       gp_error *err)
{
    gp_code rc = gp_process_check_inputs("cov", X, Y, err);
    if (rc)
        return rc;
    size_t m = Y ? Y->rows : X->rows;
    if (K->rows != X->rows || K->cols != m)
        return gp_error_set(err, GP_ERR_DIM, "process covariance: output is %zu x %zu, need %zu x %zu",
                            K->rows, K->cols, X->rows, m);
    moments_out o = {K->data, X->rows, m, 0};
    rc = cov_expr(p, X, Y, &o, err);
    return rc ? rc : gp_check_result("cov", "covariance", K->data, X->rows * m, err);
}

gp_code gp_process_var_at(const gp_process *p, const gp_matrix *X, double *var, gp_error *err)
{
    gp_code rc = gp_process_check_inputs("var", X, NULL, err);
    if (rc)
        return rc;
    moments_out o = {var, X->rows, 1, 1};
    rc = cov_expr(p, X, NULL, &o, err);
    return rc ? rc : gp_check_result("var", "variance", var, X->rows, err);
}

gp_code gp_process_sd_at(const gp_process *p, const gp_matrix *X, double *sd, gp_error *err)
{
    gp_code rc = gp_process_var_at(p, X, sd, err);
    for (size_t i = 0; !rc && i < X->rows; i++)
        sd[i] = sqrt(sd[i] > 0 ? sd[i] : 0.0);
    return rc;
}

/* An error unless p is Gaussian: a product has no Gaussian band or density. */
static gp_code check_gaussian(const gp_process *p, const char *fname, const char *what,
                              gp_error *err)
{
    if (gp_process_is_gaussian(p))
        return GP_OK;
    return gp_error_set(err, GP_ERR_ARG,
                        "%s: this process is a product of independent processes, which is not "
                        "Gaussian (its values are products of Gaussians, heavy-tailed), so it has "
                        "no Gaussian %s; its mean, var, sd and cov are exact",
                        fname, what);
}

gp_code gp_process_band(const gp_process *p, const gp_matrix *X, double k, double *lower,
                        double *upper, gp_error *err)
{
    if (!(isfinite(k) && k >= 0))
        return gp_error_set(err, GP_ERR_ARG, "band: the width k must be finite and >= 0, got %g",
                            k);
    gp_code rc = check_gaussian(p, "band", "band", err);
    if (!rc)
        rc = gp_process_sd_at(p, X, upper, err);
    if (!rc)
        rc = gp_process_mean_at(p, X, lower, err);
    for (size_t i = 0; !rc && i < X->rows; i++) {
        double s = k * upper[i];
        upper[i] = lower[i] + s;
        lower[i] -= s;
    }
    if (!rc)
        rc = gp_check_result("band", "upper end", upper, X->rows, err);
    return rc ? rc : gp_check_result("band", "lower end", lower, X->rows, err);
}

gp_code gp_process_pdf(const gp_process *p, const gp_matrix *X, const double *y, size_t ny,
                       double *density, gp_error *err)
{
    const double inv_sqrt_2pi = 0.39894228040143267794;
    size_t n = X->rows;
    if (ny != 1 && ny != n)
        return gp_error_set(err, GP_ERR_DIM, "pdf: y has %zu values for %zu points", ny, n);
    for (size_t i = 0; i < ny; i++)
        if (!isfinite(y[i]))
            return gp_error_set(err, GP_ERR_ARG, "pdf: y[%zu] is %g (values must be finite)",
                                i + 1, y[i]);
    gp_code rc = check_gaussian(p, "pdf", "density", err);
    double *var = rc ? NULL : malloc(n * sizeof *var);
    if (!rc && !var)
        rc = gp_error_set(err, GP_ERR_NOMEM, "pdf: out of memory");
    if (!rc)
        rc = gp_process_var_at(p, X, var, err);
    if (!rc)
        rc = gp_process_mean_at(p, X, density, err);
    for (size_t i = 0; !rc && i < n; i++) {
        if (!(var[i] > 0)) {
            rc = gp_error_set(err, GP_ERR_ARG,
                              "pdf: the variance at point %zu is 0: the value there is certain, "
                              "so it has no density",
                              i + 1);
        } else {
            double sd = sqrt(var[i]), z = (y[ny == 1 ? 0 : i] - density[i]) / sd;
            density[i] = inv_sqrt_2pi / sd * exp(-0.5 * z * z);
        }
    }
    free(var);
    return rc ? rc : gp_check_result("pdf", "density", density, n, err);
}
