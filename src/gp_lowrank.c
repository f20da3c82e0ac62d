/* gp_lowrank.c: matrix-free pivoted Cholesky (see gp_lowrank.h).
 *
 * State during the factorisation, all O(n) but the factor:
 *   L     n x cap, columns 0..m-1 the factor of C so far (grows by doubling);
 *   res   r_i = 1 - sum_k L_ik^2, the relative residual variance (0 for a zero
 *         variance and for a pivot);
 *   col   the pivot's kernel column, then the new column of L;
 *   hist  max_i r_i before each step (for the early give-up). */
#include "gp_lowrank.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#define FIRST_CAPACITY 16   /* columns of L allocated first */
#define PREDICT_FROM 32     /* first rank at which the give-up is predicted */
#define PREDICT_BELOW 0.1   /* ... once the largest relative residual is below this */
#define ACCELERATING 1.25   /* the order of the decay grows by more than this: no prediction */
#define UNCOVERED 0.5       /* a point whose relative residual is above this is not yet covered */

typedef struct lowrank_work {
    double *s;    /* 1 / sqrt(K_ii), 0 for a zero variance */
    double *res;  /* relative residuals */
    double *col;  /* one column */
    double *xp;   /* the pivot's coordinates (d values) */
    double *hist; /* max relative residual before step m, m = 0..max_rank */
} lowrank_work;

static void work_free(lowrank_work *w)
{
    free(w->s);
    free(w->res);
    free(w->col);
    free(w->xp);
    free(w->hist);
}

/* Index of the largest entry of v (n >= 1; the first one on ties). */
static size_t argmax(const double *v, size_t n)
{
    size_t p = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[p])
            p = i;
    return p;
}

/* The rank at which the residual would reach tol, predicted at rank m (a
 * power of two) from hist, or 0 for "no prediction". Smooth kernels (rbf,
 * rq, ...) have a residual that decays faster than any power of the rank:
 * its order p = log2(e(m/2) / e(m)) over a doubling keeps growing, and no
 * prediction is made. Matern, OU and exponential kernels have a residual
 * that decays like a power of the rank, m^-p with p about 2 nu (1 for OU,
 * 3 for Matern 3/2, 5 for 5/2, measured on grids): p stays put, and the rank
 * is predicted as m (e(m) / tol)^(1/p). Before the decay starts (e(m) >=
 * PREDICT_BELOW: the pivots still cover the domain) nothing is predicted. */
static size_t predicted_rank(const double *hist, size_t m, double tol)
{
    const double e4 = hist[m / 4], e2 = hist[m / 2], e = hist[m];
    if (!(e < PREDICT_BELOW) || !(e > tol))
        return 0;
    const double p1 = log2(e4 / e2), p2 = log2(e2 / e);
    if (p2 > ACCELERATING * p1)
        return 0;
    if (!(p2 > 0.0))
        return SIZE_MAX;
    const double r = (double)m * pow(e / tol, 1.0 / p2);
    return r > (double)(SIZE_MAX / 2) ? SIZE_MAX : (size_t)r;
}

/* The rank needed just to cover the points, predicted at rank m while the
 * residual has not started to decay (e(m) >= PREDICT_BELOW), or 0 for "no
 * prediction". Each pivot so far has brought about the same number of points
 * below UNCOVERED (the greedy choice fills the largest gap first), so if a
 * fraction u of the points is still uncovered the cover needs about m / (1 - u)
 * pivots; the decay that makes the draw exact comes after it. This is what
 * stops a kernel whose length-scale is short against the domain (OU on
 * [0, 1000]) long before the rank limit instead of at it. */
static size_t covering_rank(const double *res, size_t n, size_t m)
{
    size_t uncovered = 0;
    for (size_t i = 0; i < n; i++)
        uncovered += res[i] > UNCOVERED;
    if (uncovered == n)
        return SIZE_MAX;
    return (size_t)((double)m * (double)n / (double)(n - uncovered));
}

/* Column p of C into col: k(X, x_p) s_i s_p, flushed like the dense path.
 * Errors: the kernel's, a non-finite value, a non-zero covariance with a
 * zero-variance point (looked for only if there is one). One pass that
 * vectorises: a non-finite entry shows in the sum, then it is located. */
static gp_code pivot_column(const gp_kernel *k, const gp_matrix *X, size_t p, int zero_variances,
                            lowrank_work *w, gp_error *err)
{
    const size_t n = X->rows, d = X->cols;
    for (size_t j = 0; j < d; j++)
        w->xp[j] = GP_AT(X, p, j);
    gp_matrix Y = {1, d, w->xp}, Kc = {n, 1, w->col};
    gp_code rc = gp_kernel_gram(k, X, &Y, &Kc, err);
    if (rc)
        return rc;
    double *c = w->col, sum = 0.0;
    const double *s = w->s;
    for (size_t i = 0; i < n; i++)
        sum += c[i];
    if (!isfinite(sum))
        for (size_t i = 0; i < n; i++)
            if (!isfinite(c[i]))
                return gp_error_set(err, GP_ERR_NUMERIC,
                                    "lowrank: k(x_%zu, x_%zu) = %g is not finite", i + 1, p + 1,
                                    c[i]);
    for (size_t i = 0; zero_variances && i < n; i++)
        if (s[i] == 0.0 && c[i] != 0.0)
            return gp_error_set(err, GP_ERR_NOT_PSD,
                                "covariance is not positive semi-definite: k(x_%zu, x_%zu) = 0 "
                                "but k(x_%zu, x_%zu) = %g (a zero variance needs a zero row)",
                                i + 1, i + 1, i + 1, p + 1, c[i]);
    const double sp = s[p];
    for (size_t i = 0; i < n; i++) {
        const double v = c[i] * s[i] * sp;
        c[i] = fabs(v) < GP_SAMPLER_FLUSH_BELOW ? 0.0 : v;
    }
    return GP_OK;
}

/* The diagonal: s = 1 / sqrt(K_ii) (0 for zero), sd = sqrt(K_ii), res = 1 or
 * 0. *zeros receives 1 if a variance is 0. */
static gp_code diagonal(const gp_kernel *k, const gp_matrix *X, double *sd, lowrank_work *w,
                        int *zeros, gp_error *err)
{
    const size_t n = X->rows;
    gp_code rc = gp_kernel_diag(k, X, sd, err);
    if (rc)
        return rc;
    *zeros = 0;
    for (size_t i = 0; i < n; i++) {
        const double v = sd[i];
        if (!isfinite(v))
            return gp_error_set(err, GP_ERR_NUMERIC, "lowrank: the variance k(x_%zu, x_%zu) = %g "
                                                     "is not finite",
                                i + 1, i + 1, v);
        if (v < 0.0)
            return gp_error_set(err, GP_ERR_NOT_PSD,
                                "covariance is not positive semi-definite: the variance k(x_%zu, "
                                "x_%zu) = %g is negative",
                                i + 1, i + 1, v);
        sd[i] = sqrt(v);
        w->s[i] = v > 0.0 ? 1.0 / sd[i] : 0.0;
        w->res[i] = v > 0.0 ? 1.0 : 0.0;
        *zeros |= v == 0.0;
    }
    return GP_OK;
}

/* L[:, m] from the pivot column in w->col (pivot p, relative residual e > 0);
 * updates the residuals. *lowest and *highest receive the indices of the
 * lowest and the highest residual after the step (the next pivot). */
static void add_column(gp_matrix *L, size_t m, size_t p, double e, lowrank_work *w,
                       size_t *lowest, size_t *highest)
{
    const size_t n = L->rows;
    double *c = w->col, *lm = &GP_AT(L, 0, m), *res = w->res;
    if (m > 0) /* c -= L[:, 0:m] L[p, 0:m]^T */
        cblas_dgemv(CblasColMajor, CblasNoTrans, (int)n, (int)m, -1.0, L->data, (int)n,
                    L->data + p, (int)n, 1.0, c, 1);
    const double piv = sqrt(e), inv = 1.0 / piv;
    for (size_t i = 0; i < n; i++) {
        const double v = c[i] * inv;
        lm[i] = v;
        res[i] -= v * v;
    }
    lm[p] = piv;
    res[p] = 0.0;
    size_t lo = 0, hi = 0;
    for (size_t i = 1; i < n; i++) {
        lo = res[i] < res[lo] ? i : lo;
        hi = res[i] > res[hi] ? i : hi;
    }
    *lowest = lo;
    *highest = hi;
}

static gp_code check_args(const gp_kernel *k, const gp_matrix *X, gp_factor *F, gp_error *err)
{
    if (!F)
        return gp_error_set(err, GP_ERR_ARG, "lowrank: no factor to fill (F is NULL)");
    memset(F, 0, sizeof *F);
    if (!k)
        return gp_error_set(err, GP_ERR_ARG, "lowrank: no kernel (NULL)");
    if (!X || !X->data || X->rows == 0 || X->cols == 0)
        return gp_error_set(err, GP_ERR_DIM, "lowrank: no input points (X is empty)");
    if (X->rows > (size_t)INT_MAX)
        return gp_error_set(err, GP_ERR_DIM, "lowrank: %zu points are too many for BLAS",
                            X->rows);
    return GP_OK;
}

gp_code gp_lowrank_factor(const gp_kernel *k, const gp_matrix *X, const gp_lowrank_options *opt,
                          gp_factor *F, gp_error *err)
{
    gp_code rc = check_args(k, X, F, err);
    if (rc)
        return rc;
    const size_t n = X->rows;
    const double tol = opt && opt->tol > 0.0 ? opt->tol : (double)n * DBL_EPSILON;
    const size_t limit = opt && opt->max_rank > 0 && opt->max_rank < n ? opt->max_rank : n;
    const int may_give_up = limit < n;
    const double negative = -GP_SAMPLER_RESID_FACTOR * (double)n * DBL_EPSILON;

    lowrank_work w = {malloc(n * sizeof(double)), malloc(n * sizeof(double)),
                      malloc(n * sizeof(double)), malloc(X->cols * sizeof(double)),
                      malloc((limit + 1) * sizeof(double))};
    double *sd = malloc(n * sizeof *sd);
    size_t cap = limit < FIRST_CAPACITY ? limit : FIRST_CAPACITY;
    gp_matrix *L = gp_matrix_alloc(n, cap);
    if (!w.s || !w.res || !w.col || !w.xp || !w.hist || !sd || !L) {
        rc = gp_error_set(err, GP_ERR_NOMEM, "lowrank: out of memory for %zu points", n);
        goto fail;
    }
    int zeros;
    if ((rc = diagonal(k, X, sd, &w, &zeros, err)) != GP_OK)
        goto fail;

    size_t m = 0, p = argmax(w.res, n);
    for (;; m++) {
        const double e = w.res[p];
        w.hist[m] = e;
        if (e <= tol)
            break;
        size_t predicted = 0;
        if (may_give_up && m >= PREDICT_FROM && (m & (m - 1)) == 0)
            predicted = e < PREDICT_BELOW ? predicted_rank(w.hist, m, tol)
                                          : covering_rank(w.res, n, m);
        if (m == limit || predicted > limit) {
            snprintf(F->note, sizeof F->note,
                     "the low-rank path stopped at rank %zu: the rank would exceed %zu "
                     "(relative residual still %.3g%s)",
                     m, limit, e,
                     predicted <= limit   ? ""
                     : e < PREDICT_BELOW ? ", decaying too slowly"
                                         : ", covering the points too slowly");
            F->rank = m;
            gp_matrix_free(L);
            free(sd);
            work_free(&w);
            return GP_OK;
        }
        if (m == cap) { /* grow by a quarter: the factor stays close to n r doubles */
            size_t grown = cap + (cap / 4 > 4 ? cap / 4 : 4);
            grown = grown < limit ? grown : limit;
            gp_matrix *L2 = gp_matrix_resize_cols(L, grown);
            if (!L2) {
                rc = gp_error_set(err, GP_ERR_NOMEM,
                                  "lowrank: out of memory for a %zu x %zu factor (%.3g GB)", n,
                                  grown, (double)n * (double)grown * 8e-9);
                goto fail;
            }
            L = L2;
            cap = grown;
        }
        if ((rc = pivot_column(k, X, p, zeros, &w, err)) != GP_OK)
            goto fail;
        size_t q;
        add_column(L, m, p, e, &w, &q, &p);
        if (w.res[q] < negative) {
            rc = gp_error_set(err, GP_ERR_NOT_PSD,
                              "covariance is not positive semi-definite: relative residual "
                              "variance %.3g at point %zu after rank %zu of %zu (rounding "
                              "explains down to %.3g)",
                              w.res[q], q + 1, m + 1, n, negative);
            goto fail;
        }
    }
    if (m < cap) {
        gp_matrix *L2 = gp_matrix_resize_cols(L, m);
        if (L2) /* else keep the larger block: still a valid factor */
            L = L2;
    }
    F->L = L;
    F->owns_L = 1;
    F->scale = sd;
    F->n = n;
    F->rank = m;
    F->method = GP_FACTOR_LOWRANK;
    F->residual = w.hist[m] > 0.0 ? w.hist[m] : 0.0;
    work_free(&w);
    return GP_OK;

fail:
    gp_matrix_free(L);
    free(sd);
    work_free(&w);
    return rc;
}
