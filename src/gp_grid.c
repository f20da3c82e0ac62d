/* gp_grid.c: exact draws on a regular 1-D grid by circulant embedding (see
 * gp_grid.h for the method, the tolerance and the fallback). */
#include "gp_grid.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#define GRID_MIN_EMBEDDING ((size_t)1 << 16) /* default max_embedding is at least this */
#define GRID_MAX_EMBEDDING ((size_t)1 << 30) /* FFTW takes int sizes; 16 GB of buffer */

void gp_grid_options_default(gp_grid_options *opt)
{
    opt->method = GP_GRID_AUTO;
    opt->max_paddings = 8;
    opt->max_embedding = 0;
    opt->dense_limit = 10000;
    opt->tol = 0.0;
}

const char *gp_grid_method_name(gp_grid_method m)
{
    switch (m) {
    case GP_GRID_CIRCULANT: return "circulant";
    case GP_GRID_DENSE: return "dense";
    default: return "auto";
    }
}

/* The kernel's text, shortened to fit an error message. */
static void kernel_text(const gp_kernel *k, char *buf, size_t cap)
{
    size_t len = gp_kernel_describe(k, buf, cap);
    if (len >= cap && cap > 4)
        memcpy(buf + cap - 4, "...", 4);
}

static double log2_size(size_t m)
{
    double l = 0;
    while (m > 1) {
        m >>= 1;
        l += 1;
    }
    return l;
}

/* c[j] = k(0, j h) for j = 0..M-1 (M = m/2 + 1): the first half of the first
 * row of the circulant (the second half is its mirror image). */
static gp_code first_row(const gp_kernel *k, double h, size_t M, double *c, gp_error *err)
{
    double *t = malloc(M * sizeof *t);
    if (!t)
        return gp_error_set(err, GP_ERR_NOMEM, "grid: out of memory for %zu lags", M);
    for (size_t j = 0; j < M; j++)
        t[j] = (double)j * h;
    double zero = 0.0;
    gp_matrix X = {1, 1, &zero}, Y = {M, 1, t}, K = {1, M, c};
    gp_code rc = gp_kernel_gram(k, &X, &Y, &K, err);
    free(t);
    if (rc)
        return rc;
    for (size_t j = 0; j < M; j++)
        if (!isfinite(c[j]))
            return gp_error_set(err, GP_ERR_NUMERIC, "grid: k(0, %g) is not finite (%g)",
                                (double)j * h, c[j]);
    return GP_OK;
}

/* Try embeddings m = m0, 2 m0, ...; on success *lam_out holds m/2 + 1
 * eigenvalues (clipped at 0; malloc'ed), *buf_out an fftw_malloc'ed buffer of
 * m complex values for the draws, and *psd = 1. If every allowed m is
 * indefinite, *psd = 0 and both are NULL. info (not NULL) receives m,
 * paddings, lambda range, clipped mass and tol. */
static gp_code embed(const gp_kernel *k, size_t n, double h, const gp_grid_options *opt,
                     double **lam_out, fftw_complex **buf_out, int *psd, gp_grid_info *info,
                     gp_error *err)
{
    *lam_out = NULL;
    *buf_out = NULL;
    *psd = 0;
    size_t m = 2;
    while (m < 2 * (n - 1))
        m *= 2;
    size_t max_m = opt->max_embedding ? opt->max_embedding
                                      : (32 * n > GRID_MIN_EMBEDDING ? 32 * n : GRID_MIN_EMBEDDING);
    if (max_m > GRID_MAX_EMBEDDING)
        max_m = GRID_MAX_EMBEDDING;
    if (m > GRID_MAX_EMBEDDING)
        return gp_error_set(err, GP_ERR_DIM, "grid: %zu points need an embedding of %zu > 2^30",
                            n, m);
    for (unsigned pad = 0;; pad++, m *= 2) {
        const size_t M = m / 2 + 1;
        double *lam = malloc(M * sizeof *lam);
        fftw_complex *buf = fftw_malloc(m * sizeof *buf);
        fftw_plan plan = NULL;
        gp_code rc = GP_OK;
        if (!lam || !buf)
            rc = gp_error_set(err, GP_ERR_NOMEM,
                              "grid: out of memory for an embedding of size %zu", m);
        else if (!(plan = fftw_plan_dft_r2c_1d((int)m, &buf[0][0], buf, FFTW_ESTIMATE)))
            rc = gp_error_set(err, GP_ERR_NOMEM, "grid: FFTW could not plan an FFT of size %zu",
                              m);
        else
            rc = first_row(k, h, M, lam, err);
        if (rc) {
            if (plan)
                fftw_destroy_plan(plan);
            fftw_free(buf);
            free(lam);
            return rc;
        }
        double *row = &buf[0][0], S = 0; /* S = sum_j |c_j| over the whole row */
        for (size_t j = 0; j < m; j++) {
            row[j] = lam[j < M ? j : m - j]; /* c_j = k(0, min(j, m - j) h) */
            S += fabs(row[j]);
        }
        fftw_execute(plan); /* in place: lambda_k = Re sum_j c_j e^{-2 pi i j k / m} */
        fftw_destroy_plan(plan);
        double lo = buf[0][0], hi = buf[0][0];
        for (size_t j = 0; j < M; j++) {
            lam[j] = buf[j][0];
            lo = lam[j] < lo ? lam[j] : lo;
            hi = lam[j] > hi ? lam[j] : hi;
        }
        const double tol = opt->tol > 0 ? opt->tol : 32.0 * DBL_EPSILON * log2_size(m);
        info->m = m;
        info->paddings = pad;
        info->lambda_min = lo;
        info->lambda_max = hi;
        info->tol = tol;
        if (lo >= -tol * S) {
            double neg = 0, sum = 0; /* over all m eigenvalues: k and m - k alike */
            for (size_t j = 0; j < M; j++) {
                double w = (j == 0 || j == M - 1) ? 1.0 : 2.0;
                sum += w * lam[j];
                if (lam[j] < 0) {
                    neg -= w * lam[j];
                    lam[j] = 0.0;
                }
            }
            info->clipped = sum > 0 ? neg / sum : 0.0;
            *lam_out = lam;
            *buf_out = buf;
            *psd = 1;
            return GP_OK;
        }
        fftw_free(buf);
        free(lam);
        if (pad >= opt->max_paddings || 2 * m > max_m)
            return GP_OK; /* indefinite at every allowed size */
    }
}

/* Circulant draws: out's columns in pairs from Re and Im of one FFT. lam holds
 * m/2 + 1 eigenvalues >= 0 and is overwritten by sqrt(lambda / m); buf is the
 * work buffer of m complex values. */
static gp_code draw_circulant(double *lam, fftw_complex *buf, size_t m, gp_rng *rng,
                              gp_matrix *out, gp_error *err)
{
    const size_t n = out->rows, ns = out->cols, M = m / 2 + 1;
    fftw_plan plan = fftw_plan_dft_1d((int)m, buf, buf, FFTW_FORWARD, FFTW_ESTIMATE);
    if (!plan)
        return gp_error_set(err, GP_ERR_NOMEM, "grid: FFTW could not plan an FFT of size %zu", m);
    for (size_t j = 0; j < M; j++)
        lam[j] = sqrt(lam[j] / (double)m);
    for (size_t s = 0; s < ns; s += 2) {
        double *z = &buf[0][0];
        gp_rng_normals(rng, z, 2 * m); /* z_k = z[2k] + i z[2k+1] */
        for (size_t j = 0; j < M; j++) {
            z[2 * j] *= lam[j];
            z[2 * j + 1] *= lam[j];
        }
        for (size_t j = M; j < m; j++) { /* lambda_{m-j} = lambda_j */
            z[2 * j] *= lam[m - j];
            z[2 * j + 1] *= lam[m - j];
        }
        fftw_execute(plan);
        double *re = &GP_AT(out, 0, s);
        for (size_t i = 0; i < n; i++)
            re[i] = buf[i][0];
        if (s + 1 < ns) {
            double *im = &GP_AT(out, 0, s + 1);
            for (size_t i = 0; i < n; i++)
                im[i] = buf[i][1];
        }
    }
    fftw_destroy_plan(plan);
    return GP_OK;
}

/* Dense draws: the n x n Gram matrix, factored by the rank-aware sampler. */
static gp_code draw_dense(const gp_kernel *k, const gp_matrix *X, const double *mu, gp_rng *rng,
                          gp_matrix *out, gp_grid_info *info, gp_error *err)
{
    const size_t n = X->rows;
    gp_matrix *K = gp_matrix_alloc(n, n);
    if (!K)
        return gp_error_set(err, GP_ERR_NOMEM,
                            "grid: out of memory for the %zu x %zu covariance (%.3g GB)", n, n,
                            (double)n * (double)n * 8e-9);
    gp_factor F;
    memset(&F, 0, sizeof F);
    gp_code rc = gp_kernel_gram(k, X, NULL, K, err);
    if (!rc)
        rc = gp_mvn_factor(K, 0.0, &F, err);
    if (!rc)
        rc = gp_mvn_draw(&F, mu, rng, out, err);
    gp_factor_free(&F);
    gp_matrix_free(K);
    F.L = NULL;
    F.piv = NULL;
    info->dense = F;
    info->method = GP_GRID_DENSE;
    return rc;
}

static gp_code check_args(const gp_kernel *k, double a, double h, const gp_grid_options *opt,
                          gp_rng *rng, const gp_matrix *out, gp_error *err)
{
    if (!k || !rng || !out || !out->data)
        return gp_error_set(err, GP_ERR_ARG, "grid: %s is missing (NULL)",
                            !k ? "kernel" : !rng ? "generator" : "output");
    if (out->rows < 1 || out->cols < 1)
        return gp_error_set(err, GP_ERR_DIM,
                            "grid: need n >= 1 points and ns >= 1 samples, got %zu x %zu",
                            out->rows, out->cols);
    const size_t n = out->rows;
    if (!isfinite(a) || (n > 1 && !(h > 0 && isfinite(h) && isfinite(a + (double)(n - 1) * h))))
        return gp_error_set(err, GP_ERR_ARG,
                            "grid: start a and spacing h must be finite with h > 0, got a = %g, "
                            "h = %g",
                            a, h);
    if (opt->method != GP_GRID_AUTO && opt->method != GP_GRID_CIRCULANT &&
        opt->method != GP_GRID_DENSE)
        return gp_error_set(err, GP_ERR_ARG, "grid: unknown method %d", (int)opt->method);
    if (!gp_kernel_is_stationary(k)) {
        char kt[256];
        kernel_text(k, kt, sizeof kt);
        return gp_error_set(err, GP_ERR_ARG,
                            "grid: kernel %s is not stationary (k(x, x') is not a function of "
                            "x - x'), so it has no circulant embedding; use the dense sampler "
                            "(f:sample)",
                            kt);
    }
    return GP_OK;
}

gp_code gp_grid_sample(const gp_kernel *k, const gp_func *mean, double a, double h,
                       const gp_grid_options *opt, gp_rng *rng, gp_matrix *out,
                       gp_grid_info *info, gp_error *err)
{
    gp_grid_options defaults;
    gp_grid_info local;
    if (!opt) {
        gp_grid_options_default(&defaults);
        opt = &defaults;
    }
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    gp_code rc = check_args(k, a, h, opt, rng, out, err);
    if (rc)
        return rc;
    const size_t n = out->rows;
    if (n == 1)
        h = 1.0; /* any spacing: only c_0 = k(0, 0) matters */
    info->n = n;
    info->method = GP_GRID_CIRCULANT;

    double *lam = NULL;
    fftw_complex *buf = NULL;
    int psd = 0;
    if (opt->method != GP_GRID_DENSE) {
        rc = embed(k, n, h, opt, &lam, &buf, &psd, info, err);
        if (rc)
            return rc;
    }
    if (!psd) {
        char kt[200];
        kernel_text(k, kt, sizeof kt);
        const double gb = (double)n * (double)n * 8e-9;
        if (opt->method == GP_GRID_DENSE)
            snprintf(info->reason, sizeof info->reason, "dense sampler requested");
        else
            snprintf(info->reason, sizeof info->reason,
                     "circulant embedding indefinite up to m = %zu (%u paddings; min eigenvalue "
                     "%.3g, max %.3g)",
                     info->m, info->paddings, info->lambda_min, info->lambda_max);
        if (opt->method == GP_GRID_CIRCULANT)
            return gp_error_set(err, GP_ERR_NOT_PSD,
                                "grid: circulant embedding of %s stays indefinite up to m = %zu "
                                "(%u paddings; min eigenvalue %.3g, max %.3g); use method "
                                "\"auto\" or \"dense\", a coarser grid or a shorter length-scale",
                                kt, info->m, info->paddings, info->lambda_min, info->lambda_max);
        if (opt->method == GP_GRID_AUTO && n > opt->dense_limit)
            return gp_error_set(err, GP_ERR_NOT_PSD,
                                "grid: circulant embedding of %s stays indefinite up to m = %zu "
                                "(%u paddings; min eigenvalue %.3g, max %.3g); the dense "
                                "fallback would need an n x n matrix of %.3g GB (n = %zu > %zu): "
                                "use a coarser grid or a shorter length-scale",
                                kt, info->m, info->paddings, info->lambda_min, info->lambda_max,
                                gb, n, opt->dense_limit);
    }

    /* The grid (for the mean and the dense path) and the mean. */
    gp_matrix *X = NULL;
    double *mu = NULL;
    const int need_mean = mean && !gp_func_is_zero(mean);
    if (need_mean || !psd) {
        X = gp_matrix_alloc(n, 1);
        mu = need_mean ? malloc(n * sizeof *mu) : NULL;
        if (!X || (need_mean && !mu)) {
            rc = gp_error_set(err, GP_ERR_NOMEM, "grid: out of memory for %zu points", n);
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            X->data[i] = a + (double)i * h;
        if (need_mean && (rc = gp_func_eval_rows(mean, X, mu, err)) != GP_OK)
            goto done;
    }
    if (psd) {
        rc = draw_circulant(lam, buf, info->m, rng, out, err);
        if (!rc && mu)
            for (size_t s = 0; s < out->cols; s++)
                for (size_t i = 0; i < n; i++)
                    GP_AT(out, i, s) += mu[i];
    } else {
        rc = draw_dense(k, X, mu, rng, out, info, err);
    }
done:
    fftw_free(buf);
    free(lam);
    free(mu);
    gp_matrix_free(X);
    return rc;
}
