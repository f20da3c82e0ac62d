/* gp_process_sample.c: joint draws of process expressions from shared leaf draws. */
#include <stdlib.h>
#include <string.h>

#include "gp_process_impl.h"

#define MAX_LEAVES 64

/* ns draws of the leaf GP(m, k) at X into out (n x ns). */
static gp_code sample_leaf(const gp_process *leaf, const gp_matrix *X, double jitter_rel,
                           gp_rng *rng, gp_matrix *out, gp_factor *info, gp_error *err)
{
    gp_matrix *K = gp_matrix_alloc(X->rows, X->rows);
    double *mu = malloc(X->rows * sizeof *mu);
    gp_factor F = {0};
    gp_code rc = GP_OK;
    if (!K || !mu)
        rc = gp_error_set(err, GP_ERR_NOMEM, "sample: out of memory for a %zu x %zu covariance",
                          X->rows, X->rows);
    if (!rc)
        rc = gp_kernel_gram(leaf->kernel, X, NULL, K, err);
    if (!rc)
        rc = gp_func_eval_rows(leaf->mean, X, mu, err);
    if (!rc) {
        rc = gp_mvn_factor_gram(K, jitter_rel, &F, err);
        if (rc == GP_ERR_NOT_PSD && err) { /* a kernel should never do this: say which */
            char what[256];
            gp_kernel_describe(leaf->kernel, what, sizeof what);
            gp_error inner = *err;
            gp_error_set(err, rc, "sample: the kernel %s is not a valid covariance on these "
                                  "inputs: %s",
                         what, inner.msg);
        }
    }
    if (!rc)
        rc = gp_mvn_draw(&F, mu, rng, out, err);
    gp_factor_free(&F);
    F.L = NULL; /* K is freed below */
    if (!rc && info)
        *info = F;
    gp_matrix_free(K);
    free(mu);
    return rc;
}

/* Evaluate expression p at the leaf draws into out (n x ns). */
static gp_code evaluate(const gp_process *p, const gp_matrix *X, const gp_process *const *leaves,
                        gp_matrix *const *draws, gp_matrix *out, gp_error *err)
{
    size_t n = out->rows, ns = out->cols, size = n * ns;
    if (p->type == PROC_LEAF) {
        size_t i = 0;
        while (leaves[i] != p)
            i++; /* every leaf of p was collected */
        memcpy(out->data, draws[i]->data, size * sizeof *out->data);
        return GP_OK;
    }
    gp_code rc = evaluate(p->a, X, leaves, draws, out, err);
    if (rc)
        return rc;
    if (p->type == PROC_SCALE) {
        for (size_t k = 0; k < size; k++)
            out->data[k] *= p->c;
        return GP_OK;
    }
    gp_matrix *other = gp_matrix_alloc(n, p->b ? ns : 1);
    if (!other)
        return gp_error_set(err, GP_ERR_NOMEM, "sample: out of memory");
    if (p->b)
        rc = evaluate(p->b, X, leaves, draws, other, err);
    else
        rc = gp_func_eval_rows(p->fn, X, other->data, err);
    for (size_t j = 0; !rc && j < ns; j++)
        for (size_t i = 0; i < n; i++) {
            double v = other->data[p->b ? j * n + i : i];
            double *u = &out->data[j * n + i];
            if (p->type == PROC_SUM || p->type == PROC_OFFSET)
                *u += v;
            else
                *u *= v; /* warp w(x) u(x), or the product of two draws */
        }
    gp_matrix_free(other);
    return rc;
}

gp_code gp_process_sample_joint(gp_process *const *ps, size_t np, const gp_matrix *X,
                                double jitter_rel, gp_rng *rng, gp_matrix *const *outs,
                                gp_factor *infos, size_t max_infos, size_t *nleaves,
                                gp_error *err)
{
    if (X->rows == 0 || X->cols == 0)
        return gp_error_set(err, GP_ERR_DIM, "sample: no input points (x is empty)");
    size_t ns = np ? outs[0]->cols : 0;
    for (size_t i = 0; i < np; i++)
        if (outs[i]->rows != X->rows || outs[i]->cols != ns)
            return gp_error_set(err, GP_ERR_DIM, "sample: output %zu is %zu x %zu, need %zu x %zu",
                                i + 1, outs[i]->rows, outs[i]->cols, X->rows, ns);
    const gp_process *leaves[MAX_LEAVES];
    size_t nl = 0;
    for (size_t i = 0; i < np; i++)
        if (gp_process_collect_leaves(ps[i], leaves, &nl, MAX_LEAVES))
            return gp_error_set(err, GP_ERR_ARG, "sample: more than %d independent processes",
                                MAX_LEAVES);
    gp_matrix *draws[MAX_LEAVES] = {NULL};
    gp_code rc = GP_OK;
    for (size_t l = 0; !rc && l < nl; l++) {
        draws[l] = gp_matrix_alloc(X->rows, ns);
        if (!draws[l])
            rc = gp_error_set(err, GP_ERR_NOMEM, "sample: out of memory");
        else
            rc = sample_leaf(leaves[l], X, jitter_rel, rng, draws[l],
                             infos && l < max_infos ? &infos[l] : NULL, err);
    }
    for (size_t i = 0; !rc && i < np; i++)
        rc = evaluate(ps[i], X, leaves, draws, outs[i], err);
    for (size_t l = 0; l < nl; l++)
        gp_matrix_free(draws[l]);
    if (nleaves)
        *nleaves = nl;
    return rc;
}
