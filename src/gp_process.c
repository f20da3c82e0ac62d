#include "gp_process.h"

#include <stdio.h>
#include <stdlib.h>

struct gp_process {
    unsigned refs;
    gp_func *mean;
    gp_kernel *kernel;
};

gp_process *gp_process_new(gp_func *mean, gp_kernel *kernel, gp_error *err)
{
    if (!mean || !kernel) {
        gp_error_set(err, GP_ERR_ARG, "GP: a process needs a mean and a kernel");
        return NULL;
    }
    gp_process *p = malloc(sizeof *p);
    if (!p) {
        gp_error_set(err, GP_ERR_NOMEM, "GP: out of memory");
        return NULL;
    }
    p->refs = 1;
    p->mean = gp_func_retain(mean);
    p->kernel = gp_kernel_retain(kernel);
    return p;
}

gp_process *gp_process_retain(gp_process *p)
{
    p->refs++;
    return p;
}

void gp_process_release(gp_process *p)
{
    if (p && --p->refs == 0) {
        gp_func_release(p->mean);
        gp_kernel_release(p->kernel);
        free(p);
    }
}

const gp_kernel *gp_process_kernel(const gp_process *p)
{
    return p->kernel;
}

const gp_func *gp_process_mean(const gp_process *p)
{
    return p->mean;
}

gp_code gp_process_mean_at(const gp_process *p, const gp_matrix *X, double *mu, gp_error *err)
{
    return gp_func_eval_rows(p->mean, X, mu, err);
}

gp_code gp_process_var_at(const gp_process *p, const gp_matrix *X, double *var, gp_error *err)
{
    return gp_kernel_diag(p->kernel, X, var, err);
}

gp_code gp_process_sample(const gp_process *p, const gp_matrix *X, double jitter_rel,
                          gp_rng *rng, gp_matrix *out, gp_factor *info, gp_error *err)
{
    if (out->rows != X->rows)
        return gp_error_set(err, GP_ERR_DIM, "sample: output has %zu rows for %zu inputs",
                            out->rows, X->rows);
    gp_matrix *K = gp_matrix_alloc(X->rows, X->rows);
    double *mu = malloc(X->rows * sizeof *mu);
    gp_factor F = {0};
    gp_code rc = GP_OK;
    if (!K || !mu)
        rc = gp_error_set(err, GP_ERR_NOMEM, "sample: out of memory for %zu x %zu covariance",
                          X->rows, X->rows);
    if (!rc)
        rc = gp_kernel_gram(p->kernel, X, NULL, K, err);
    if (!rc)
        rc = gp_func_eval_rows(p->mean, X, mu, err);
    if (!rc)
        rc = gp_mvn_factor(K, jitter_rel, &F, err);
    if (!rc)
        rc = gp_mvn_draw(&F, mu, rng, out, err);
    if (!rc && info) {
        *info = F;
        info->L = NULL; /* K is freed below */
        info->piv = NULL;
    }
    gp_factor_free(&F);
    gp_matrix_free(K);
    free(mu);
    return rc;
}

size_t gp_process_describe(const gp_process *p, char *buf, size_t cap)
{
    char mean[256];
    gp_func_describe(p->mean, mean, sizeof mean);
    size_t klen = gp_kernel_describe(p->kernel, NULL, 0);
    int head = snprintf(buf, cap, "GP(mean=%s, kernel=", mean);
    size_t used = head < 0 ? 0 : (size_t)head;
    if (used < cap)
        gp_kernel_describe(p->kernel, buf + used, cap - used);
    used += klen;
    if (used + 1 < cap) {
        buf[used] = ')';
        buf[used + 1] = '\0';
    } else if (cap > 0) {
        buf[cap - 1] = '\0';
    }
    return used + 1;
}
