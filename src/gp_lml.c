/* gp_lml.c: the gradient of the log marginal likelihood (gp_posterior.h),
 * for fitting hyperparameters (Rasmussen & Williams 2006, section 5.4.1). */
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "gp_posterior_impl.h"

gp_code gp_posterior_lml_grad(const gp_posterior *p, const gp_matrix *const *dA, size_t m,
                              double *grad, gp_error *err)
{
    gp_lml unused;
    gp_code rc = gp_posterior_lml(p, &unused, err);
    if (rc)
        return rc;
    const size_t n = p->n;
    for (size_t k = 0; k < m; k++)
        if (dA[k] && (dA[k]->rows != n || dA[k]->cols != n))
            return gp_error_set(err, GP_ERR_DIM,
                                "lml gradient: direction %zu is %zu x %zu, need %zu x %zu", k + 1,
                                dA[k]->rows, dA[k]->cols, n, n);
    /* W = A^-1 (its lower triangle, in the active order) from G */
    gp_matrix *W = gp_matrix_alloc(n, n);
    if (!W)
        return gp_error_set(err, GP_ERR_NOMEM, "lml gradient: out of memory for a %zu x %zu "
                                               "matrix", n, n);
    for (size_t j = 0; j < n; j++)
        memcpy(&GP_AT(W, j, j), &GP_AT(p->G, j, j), (n - j) * sizeof(double));
    const lapack_int info = LAPACKE_dpotri(LAPACK_COL_MAJOR, 'L', (lapack_int)n, W->data,
                                           (lapack_int)n);
    if (info != 0) {
        gp_matrix_free(W);
        return gp_error_set(err, GP_ERR_NUMERIC, "lml gradient: LAPACKE_dpotri failed (%d)",
                            (int)info);
    }
    /* grad_k = sum_ij (alpha_i alpha_j - W_ij) dA_ij / 2, over the lower triangle
     * (off-diagonal entries twice); rows and columns of dA in the active order I */
    for (size_t k = 0; k < m; k++) {
        double g = 0.0;
        for (size_t j = 0; j < n; j++)
            for (size_t i = j; i < n; i++) {
                const double d = dA[k] ? GP_AT(dA[k], p->active[i], p->active[j]) : (i == j);
                const double c = p->alpha[i] * p->alpha[j] - GP_AT(W, i, j);
                g += (i == j ? 0.5 : 1.0) * c * d;
            }
        grad[k] = g;
    }
    gp_matrix_free(W);
    return GP_OK;
}
