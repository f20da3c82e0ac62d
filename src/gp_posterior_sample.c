/* gp_posterior_sample.c: posterior draws by pathwise conditioning (Matheron's
 * rule; Wilson et al. 2020), at any points or on a regular 1-D grid. See
 * gp_posterior.h. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "gp_posterior_impl.h"
#include "gp_process_impl.h"

#define MAX_LEAVES GP_PROCESS_MAX_LEAVES

/* f0[i0 .., :] += Kq W (the correction of the prior draw f0 through W) */
typedef struct update_ctx {
    gp_matrix *f0;
    const gp_matrix *W;
} update_ctx;

static gp_code update_block(void *ctx, size_t i0, gp_matrix *Kq, gp_error *err)
{
    (void)err;
    const update_ctx *c = ctx;
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)Kq->rows, (int)c->f0->cols,
                (int)Kq->cols, 1.0, Kq->data, (int)Kq->rows, c->W->data, (int)c->W->rows, 1.0,
                c->f0->data + i0, (int)c->f0->rows);
    return GP_OK;
}

/* f0 holds a prior draw at Xq (m x ns), R one at X_I (r x ns). Afterwards
 * f0 = f0 + k(Xq, X_I) A_II^-1 (y_I - R - e), e ~ N(0, diag(s2_I)) from rng. */
static gp_code update(const gp_posterior *p, const gp_matrix *Xq, gp_matrix *f0, gp_matrix *R,
                      gp_rng *rng, gp_error *err)
{
    const size_t r = p->r, ns = f0->cols;
    if (r == 0)
        return GP_OK;
    double *e = malloc(r * sizeof *e);
    if (!e)
        return gp_error_set(err, GP_ERR_NOMEM, "sample: out of memory for the posterior update");
    for (size_t j = 0; j < ns; j++) {
        gp_rng_normals(rng, e, r);
        for (size_t k = 0; k < r; k++)
            GP_AT(R, k, j) = p->yI[k] - GP_AT(R, k, j) - sqrt(p->noiseI[k]) * e[k];
    }
    free(e);
    /* R = G'^-1 G^-1 R */
    cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)r,
                (int)ns, 1.0, p->G->data, (int)p->G->rows, R->data, (int)r);
    cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit, (int)r, (int)ns,
                1.0, p->G->data, (int)p->G->rows, R->data, (int)r);
    update_ctx c = {f0, R};
    return gp_posterior_blocks(p, Xq, update_block, &c, err);
}

/* The pathwise draw's report from its parts (prior draw, A's factor) at m points. */
static void pathwise_report(gp_report *out, const gp_report parts[2], size_t m)
{
    gp_report_init(out, "pathwise", m, parts[0].rank);
    out->residual = fmax(parts[0].residual, parts[1].residual);
    out->jitter = fmax(parts[0].jitter, parts[1].jitter);
    out->approximate = parts[0].approximate;
    gp_report_count(out, "observations", parts[1].n);
    snprintf(out->reason, sizeof out->reason,
             "Matheron's rule: a prior draw at the %zu points and the %zu active observations "
             "(%.48s), corrected through the factor of K + s2 I (%.24s)",
             m, parts[1].rank, parts[0].method, parts[1].method);
}

/* The summary gp_process_sample_joint_opt reports for a posterior leaf. */
static void summary_factor(gp_factor *F, const gp_report parts[2], size_t m)
{
    memset(F, 0, sizeof *F);
    F->method = GP_FACTOR_PATHWISE;
    F->n = m;
    F->rank = parts[0].rank < m ? parts[0].rank : m;
    F->residual = fmax(parts[0].residual, parts[1].residual);
    F->jitter = fmax(parts[0].jitter, parts[1].jitter);
    snprintf(F->note, sizeof F->note,
             "Matheron's rule: prior drawn at %zu + %zu points by %.40s (rank %zu), observations "
             "factored by %.20s (rank %zu of %zu)",
             m, parts[1].rank, parts[0].method, parts[0].rank, parts[1].method, parts[1].rank,
             parts[1].n);
}

/* The prior draw's report from its leaves' factors at n points. */
static gp_code prior_report(const gp_factor *leaves, size_t nl, size_t n, gp_report *out,
                            gp_error *err)
{
    gp_report *r = malloc((nl ? nl : 1) * sizeof *r);
    if (!r)
        return gp_error_set(err, GP_ERR_NOMEM, "sample: out of memory");
    for (size_t i = 0; i < nl; i++)
        gp_report_factor(&r[i], &leaves[i]);
    if (nl == 1)
        *out = r[0];
    else
        gp_report_combine(out, r, nl, n);
    free(r);
    return GP_OK;
}

/* The dimension check every posterior sampler makes. */
static gp_code check_points(const gp_posterior *p, const gp_matrix *X, gp_error *err)
{
    gp_code rc = gp_process_check_inputs("sample", X, NULL, err);
    if (!rc && X->cols != p->d)
        rc = gp_error_set(err, GP_ERR_DIM,
                          "sample: the points have %zu coordinates, the observations %zu",
                          X->cols, p->d);
    return rc;
}

gp_code gp_posterior_sample(const gp_posterior *p, const gp_matrix *X,
                            const gp_sample_options *opt, gp_rng *rng, gp_matrix *out,
                            gp_factor *info, gp_report parts[2], gp_error *err)
{
    gp_code rc = check_points(p, X, err);
    if (rc)
        return rc;
    const size_t m = X->rows, r = p->r, d = X->cols, ns = out->cols;
    if (out->rows != m)
        return gp_error_set(err, GP_ERR_DIM, "sample: output is %zu x %zu, need %zu x %zu",
                            out->rows, out->cols, m, ns);
    gp_matrix *Z = gp_matrix_alloc(m + r, d), *F0 = gp_matrix_alloc(m + r, ns);
    gp_matrix *R = gp_matrix_alloc(r ? r : 1, ns);
    gp_factor *leaves = calloc(MAX_LEAVES, sizeof *leaves);
    gp_report local[2];
    if (!parts)
        parts = local;
    if (!Z || !F0 || !R || !leaves) {
        rc = gp_error_set(err, GP_ERR_NOMEM, "sample: out of memory for %zu x %zu draws",
                          m + r, ns);
        goto done;
    }
    for (size_t c = 0; c < d; c++) { /* Z = [X; X_I] */
        for (size_t i = 0; i < m; i++)
            GP_AT(Z, i, c) = GP_AT(X, i, c);
        for (size_t k = 0; k < r; k++)
            GP_AT(Z, m + k, c) = GP_AT(p->XI, k, c);
    }
    gp_process *prior = p->prior;
    size_t nl = 0;
    rc = gp_process_sample_joint_opt(&prior, 1, Z, opt, rng, &F0, leaves, MAX_LEAVES, &nl, err);
    if (rc)
        goto done;
    for (size_t j = 0; j < ns; j++) {
        memcpy(&GP_AT(out, 0, j), &GP_AT(F0, 0, j), m * sizeof(double));
        for (size_t k = 0; k < r; k++)
            GP_AT(R, k, j) = GP_AT(F0, m + k, j);
    }
    R->rows = r;
    rc = update(p, X, out, R, rng, err);
    if (!rc)
        rc = prior_report(leaves, nl < MAX_LEAVES ? nl : MAX_LEAVES, m + r, &parts[0], err);
    if (!rc) {
        gp_posterior_report(p, &parts[1]);
        if (info)
            summary_factor(info, parts, m);
    }
done:
    gp_matrix_free(Z);
    gp_matrix_free(F0);
    gp_matrix_free(R);
    free(leaves);
    return rc;
}

/* ---- on a grid ------------------------------------------------------------------------ */

/* Index i with x = a + i h to rounding, in *i; 0 if x is not a lattice point. */
static int lattice_index(double x, double a, double h, double span, long long *i)
{
    const double t = (x - a) / h;
    if (!(fabs(t) < 1e15))
        return 0;
    *i = llround(t);
    return fabs(x - (a + (double)*i * h)) <= 8.0 * DBL_EPSILON * fmax(span, fabs(x));
}

/* Why the grid's own draw cannot be used, or "" if it can; the observations'
 * lattice indices into idx (r values), the grid's extension into lo and hi. */
static void grid_plan(const gp_posterior *p, double a, double h, size_t n, long long *idx,
                      long long *lo, long long *hi, char *why, size_t cap)
{
    const gp_kernel *k = gp_process_kernel(p->prior);
    *why = '\0';
    *lo = 0;
    *hi = (long long)n - 1;
    if (!k || !gp_kernel_is_stationary(k)) {
        snprintf(why, cap, "the prior is not one GP with a stationary kernel, so it has no "
                           "circulant embedding");
        return;
    }
    const double span = fmax(fabs(a), fabs(a + (double)(n - 1) * h));
    for (size_t q = 0; q < p->r; q++) {
        const double x = GP_AT(p->XI, q, 0);
        if (!lattice_index(x, a, h, span, &idx[q])) {
            snprintf(why, cap,
                     "observation x = %.17g is not a point of the grid's lattice a + i h (a = "
                     "%.17g, h = %.17g), so the prior cannot be drawn on the grid jointly with "
                     "it",
                     x, a, h);
            return;
        }
        *lo = idx[q] < *lo ? idx[q] : *lo;
        *hi = idx[q] > *hi ? idx[q] : *hi;
    }
    if ((double)(*hi - *lo) > 4.0 * (double)n + 1e6)
        snprintf(why, cap, "the observations lie far outside the grid (its extension to them "
                           "would have %lld points)",
                 *hi - *lo + 1);
}

gp_code gp_posterior_sample_grid(const gp_posterior *p, double a, double h,
                                 const gp_grid_options *opt, gp_rng *rng, gp_matrix *out,
                                 gp_report *report, gp_report parts[2], gp_error *err)
{
    const size_t n = out->rows, ns = out->cols, r = p->r;
    if (p->d != 1)
        return gp_error_set(err, GP_ERR_DIM,
                            "sample_grid: the observations have %zu coordinates; a 1-D grid "
                            "needs 1",
                            p->d);
    gp_matrix *Xq = gp_matrix_alloc(n, 1);
    long long *idx = malloc((r ? r : 1) * sizeof *idx);
    gp_report local[2];
    if (!parts)
        parts = local;
    gp_code rc = Xq && idx ? GP_OK
                           : gp_error_set(err, GP_ERR_NOMEM, "sample_grid: out of memory");
    gp_matrix *F0 = NULL, *R = NULL;
    if (rc)
        goto done;
    for (size_t i = 0; i < n; i++)
        Xq->data[i] = a + (double)i * h;
    char why[256];
    long long lo, hi;
    grid_plan(p, a, h, n, idx, &lo, &hi, why, sizeof why);
    if (*why) { /* the prior at the grid's points and the observations together */
        rc = gp_posterior_sample(p, Xq, NULL, rng, out, NULL, parts, err);
        if (!rc)
            snprintf(parts[0].reason, sizeof parts[0].reason, "%s", why);
        goto done;
    }
    const size_t next = (size_t)(hi - lo + 1);
    F0 = gp_matrix_alloc(next, ns);
    R = gp_matrix_alloc(r ? r : 1, ns);
    if (!F0 || !R) {
        rc = gp_error_set(err, GP_ERR_NOMEM, "sample_grid: out of memory for %zu x %zu draws",
                          next, ns);
        goto done;
    }
    gp_grid_info gi;
    rc = gp_grid_sample(gp_process_kernel(p->prior), gp_process_mean(p->prior),
                        a + (double)lo * h, h, opt, rng, F0, &gi, err);
    if (rc)
        goto done;
    gp_report_grid(&parts[0], &gi);
    for (size_t j = 0; j < ns; j++) {
        memcpy(&GP_AT(out, 0, j), &GP_AT(F0, (size_t)-lo, j), n * sizeof(double));
        for (size_t q = 0; q < r; q++)
            GP_AT(R, q, j) = GP_AT(F0, (size_t)(idx[q] - lo), j);
    }
    R->rows = r;
    rc = update(p, Xq, out, R, rng, err);
    if (!rc)
        gp_posterior_report(p, &parts[1]);
done:
    if (!rc && report)
        pathwise_report(report, parts, n);
    gp_matrix_free(Xq);
    gp_matrix_free(F0);
    gp_matrix_free(R);
    free(idx);
    return rc;
}
