/* gp_posterior_sample.c: posterior draws by pathwise conditioning (Matheron's
 * rule; Wilson et al. 2020), at any points or on a regular 1-D or 2-D grid. See
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

/* A grid of dim axes (x fastest) extended to hold the observations: lo[d] and
 * hi[d] the index range along axis d; idx[q * 2 + d] observation q's index. */
typedef struct grid_plan {
    int dim;
    gp_grid_axis ax[2];
    long long lo[2], hi[2], *idx;
} grid_plan;

/* Plan the prior's draw on g's extended grid; "" in why if it can be used,
 * else why not. */
static void plan(const gp_posterior *p, grid_plan *g, char *why, size_t cap)
{
    const gp_kernel *k = gp_process_kernel(p->prior);
    static const char *const name[2] = {"x", "y"};
    *why = '\0';
    for (int d = 0; d < g->dim; d++) {
        g->lo[d] = 0;
        g->hi[d] = (long long)g->ax[d].n - 1;
    }
    if (!k || !gp_kernel_is_stationary(k)) {
        snprintf(why, cap, "the prior is not one GP with a stationary kernel, so it has no "
                           "circulant embedding");
        return;
    }
    double total = 1.0;
    for (int d = 0; d < g->dim; d++) {
        const gp_grid_axis *ax = &g->ax[d];
        const double span = fmax(fabs(ax->a), fabs(ax->a + (double)(ax->n - 1) * ax->h));
        for (size_t q = 0; q < p->r; q++) {
            const double x = GP_AT(p->XI, q, (size_t)d);
            long long *i = &g->idx[q * 2 + (size_t)d];
            if (ax->n < 2 || !lattice_index(x, ax->a, ax->h, span, i)) {
                snprintf(why, cap,
                         "observation %s = %.17g is not a point of the grid's lattice a + i h "
                         "(a = %.17g, h = %.17g), so the prior cannot be drawn on the grid "
                         "jointly with it",
                         g->dim == 1 ? "x" : name[d], x, ax->a, ax->n < 2 ? 0.0 : ax->h);
                return;
            }
            g->lo[d] = *i < g->lo[d] ? *i : g->lo[d];
            g->hi[d] = *i > g->hi[d] ? *i : g->hi[d];
        }
        total *= (double)(g->hi[d] - g->lo[d] + 1) / (double)ax->n;
    }
    if (total > 16.0)
        snprintf(why, cap, "the observations lie far outside the grid (extended to them it "
                           "would have %.3g times its points)",
                 total);
}

/* Row of out (grid point) or of the extended draw for lattice index i[0..dim). */
static size_t ext_row(const grid_plan *g, const long long *i)
{
    const size_t nx = (size_t)(g->hi[0] - g->lo[0] + 1);
    return (size_t)(i[0] - g->lo[0]) + (g->dim > 1 ? nx * (size_t)(i[1] - g->lo[1]) : 0);
}

/* The grid's points (n x dim, x fastest). */
static gp_matrix *grid_points(const grid_plan *g)
{
    const size_t nx = g->ax[0].n, ny = g->dim > 1 ? g->ax[1].n : 1;
    gp_matrix *X = gp_matrix_alloc(nx * ny, (size_t)g->dim);
    for (size_t j = 0; X && j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            GP_AT(X, j * nx + i, 0) = g->ax[0].a + (double)i * g->ax[0].h;
            if (g->dim > 1)
                GP_AT(X, j * nx + i, 1) = g->ax[1].a + (double)j * g->ax[1].h;
        }
    return X;
}

/* The prior drawn on g's extended grid by circulant embedding: its rows at the
 * grid's points into out, at the active observations into R (r x ns). */
static gp_code draw_extended(const gp_posterior *p, const grid_plan *g,
                             const gp_grid_options *opt, gp_rng *rng, gp_matrix *out,
                             gp_matrix *R, gp_report *report, gp_error *err)
{
    gp_grid_axis ext[2];
    size_t next = 1;
    for (int d = 0; d < g->dim; d++) {
        ext[d] = g->ax[d];
        ext[d].a += (double)g->lo[d] * ext[d].h;
        ext[d].n = (size_t)(g->hi[d] - g->lo[d] + 1);
        next *= ext[d].n;
    }
    gp_matrix *F0 = gp_matrix_alloc(next, out->cols);
    if (!F0)
        return gp_error_set(err, GP_ERR_NOMEM, "sample_grid: out of memory for %zu x %zu draws",
                            next, out->cols);
    const gp_kernel *k = gp_process_kernel(p->prior);
    const gp_func *mean = gp_process_mean(p->prior);
    gp_grid_info gi;
    gp_code rc = g->dim == 1 ? gp_grid_sample(k, mean, ext[0].a, ext[0].h, opt, rng, F0, &gi, err)
                             : gp_grid2d_sample(k, mean, &ext[0], &ext[1], opt, rng, F0, &gi, err);
    if (!rc) {
        gp_report_grid(report, &gi);
        const size_t nx = g->ax[0].n, ny = g->dim > 1 ? g->ax[1].n : 1;
        for (size_t s = 0; s < out->cols; s++) {
            for (size_t j = 0; j < ny; j++) /* grid rows are contiguous runs of the extension */
                memcpy(&GP_AT(out, j * nx, s),
                       &GP_AT(F0, ext_row(g, (const long long[2]){0, (long long)j}), s),
                       nx * sizeof(double));
            for (size_t q = 0; q < p->r; q++)
                GP_AT(R, q, s) = GP_AT(F0, ext_row(g, &g->idx[q * 2]), s);
        }
    }
    gp_matrix_free(F0);
    return rc;
}

gp_code gp_posterior_sample_grid(const gp_posterior *p, const gp_grid_axis *x,
                                 const gp_grid_axis *y, const gp_grid_options *opt, gp_rng *rng,
                                 gp_matrix *out, gp_report *report, gp_report parts[2],
                                 gp_error *err)
{
    grid_plan g = {y ? 2 : 1, {*x, y ? *y : (gp_grid_axis){0.0, 1.0, 1}}, {0, 0}, {0, 0}, NULL};
    const size_t r = p->r, n = x->n * g.ax[1].n;
    if (p->d != (size_t)g.dim)
        return gp_error_set(err, GP_ERR_DIM,
                            "sample_grid: the observations have %zu coordinates; a %d-D grid "
                            "needs %d",
                            p->d, g.dim, g.dim);
    if (out->rows != n)
        return gp_error_set(err, GP_ERR_DIM, "sample_grid: the output has %zu rows, the grid %zu "
                                             "points", out->rows, n);
    gp_report local[2];
    if (!parts)
        parts = local;
    gp_matrix *Xq = grid_points(&g), *R = gp_matrix_alloc(r ? r : 1, out->cols);
    g.idx = malloc(2 * (r ? r : 1) * sizeof *g.idx);
    gp_code rc = Xq && R && g.idx ? GP_OK
                                  : gp_error_set(err, GP_ERR_NOMEM, "sample_grid: out of memory");
    char why[320];
    if (!rc)
        plan(p, &g, why, sizeof why);
    if (!rc && *why) { /* the prior at the grid's points and the observations together */
        rc = gp_posterior_sample(p, Xq, NULL, rng, out, NULL, parts, err);
        if (!rc)
            snprintf(parts[0].reason, sizeof parts[0].reason, "%s", why);
    } else if (!rc) {
        R->rows = r;
        rc = draw_extended(p, &g, opt, rng, out, R, &parts[0], err);
        if (!rc)
            rc = update(p, Xq, out, R, rng, err);
        if (!rc)
            gp_posterior_report(p, &parts[1]);
    }
    if (!rc && report)
        pathwise_report(report, parts, n);
    gp_matrix_free(Xq);
    gp_matrix_free(R);
    free(g.idx);
    return rc;
}
