/* gp_lml.c: the gradient of the log marginal likelihood (gp_posterior.h),
 * for fitting hyperparameters (Rasmussen & Williams 2006, section 5.4.1). */
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "gp_posterior_impl.h"

gp_code gp_posterior_lml_weights(const gp_posterior *p, gp_matrix *Q, gp_error *err)
{
    gp_lml unused;
    gp_code rc = gp_posterior_lml(p, &unused, err);
    if (rc)
        return rc;
    const size_t n = p->n;
    if (Q->rows != n || Q->cols != n)
        return gp_error_set(err, GP_ERR_DIM, "lml weights: Q is %zu x %zu, need %zu x %zu",
                            Q->rows, Q->cols, n, n);
    /* W = A^-1 in the active order, in place of G's copy (lower triangle) */
    gp_matrix *W = gp_matrix_alloc(n, n);
    if (!W)
        return gp_error_set(err, GP_ERR_NOMEM,
                            "lml weights: out of memory for a %zu x %zu matrix", n, n);
    for (size_t j = 0; j < n; j++)
        memcpy(&GP_AT(W, j, j), &GP_AT(p->G, j, j), (n - j) * sizeof(double));
    const lapack_int info = LAPACKE_dpotri(LAPACK_COL_MAJOR, 'L', (lapack_int)n, W->data,
                                           (lapack_int)n);
    if (info != 0) {
        gp_matrix_free(W);
        return gp_error_set(err, GP_ERR_NUMERIC, "lml weights: LAPACKE_dpotri failed (%d)",
                            (int)info);
    }
    /* Q = alpha alpha' - W, back in the input order, both triangles */
    for (size_t j = 0; j < n; j++)
        for (size_t i = j; i < n; i++) {
            const double q = p->alpha[i] * p->alpha[j] - GP_AT(W, i, j);
            GP_AT(Q, p->active[i], p->active[j]) = GP_AT(Q, p->active[j], p->active[i]) = q;
        }
    gp_matrix_free(W);
    return GP_OK;
}

double gp_lml_grad_along(const gp_matrix *Q, const gp_matrix *dA)
{
    const size_t n = Q->rows;
    double g = 0.0;
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++)
            g += GP_AT(Q, i, j) * (dA ? GP_AT(dA, i, j) : (double)(i == j));
    return 0.5 * g;
}
