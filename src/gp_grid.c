/* gp_grid.c: exact draws on a regular 1-D or 2-D grid by circulant embedding
 * (see gp_grid.h for the method, the tolerance and the fallback).
 *
 * One engine serves both dimensions: a grid has two axes (the second of one
 * point in 1-D), the embedding is mx x my (my = 1 in 1-D), and FFTW's rank-1
 * or rank-2 transforms are planned in row-major order with x fastest:
 * entry (ix, iy) of an embedding array is element iy * mx + ix. The real
 * first row is laid out for FFTW's in-place real-to-complex transform: rows
 * of P = 2 (mx / 2 + 1) doubles, of which the first mx are used. */
#include "gp_grid.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "gp_process.h"

#define GRID_MIN_EMBEDDING ((size_t)1 << 16) /* default max_embedding is at least this */
#define GRID_MAX_EMBEDDING ((size_t)1 << 30) /* FFTW takes int sizes; 16 GB of buffer */

void gp_grid_options_default(gp_grid_options *opt)
{
    opt->method = GP_GRID_AUTO;
    opt->max_paddings = 32;
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

typedef struct grid {
    int dim;            /* 1 or 2 */
    gp_grid_axis ax[2]; /* ax[1].n = 1 in 1-D */
    size_t n;           /* all points */
} grid;

typedef struct embedding {
    size_t m[2];       /* along x and y (m[1] = 1 in 1-D) */
    size_t M;          /* m[0] / 2 + 1: the half spectrum along x */
    double *lam;       /* m[1] x M eigenvalues >= 0 (clipped) */
    fftw_complex *buf; /* m[0] m[1] complex values of work */
} embedding;

static size_t total(const embedding *e)
{
    return e->m[0] * e->m[1];
}

/* The kernel's text, shortened to fit an error message. */
static void kernel_text(const gp_kernel *k, char *buf, size_t cap)
{
    size_t len = gp_kernel_describe(k, buf, cap);
    if (len >= cap && cap > 4)
        memcpy(buf + cap - 4, "...", 4);
}

/* The signed lag of index i in a circulant of size m with spacing h. */
static double lag(size_t i, size_t m, double h)
{
    return i <= m / 2 ? (double)i * h : -((double)(m - i) * h);
}

/* c(lag) for the cnt lags in L (cnt x dim) into c: k(lags, 0). */
static gp_code eval_lags(const gp_kernel *k, int dim, const gp_matrix *L, double *c, gp_error *err)
{
    const double zero[2] = {0.0, 0.0};
    gp_matrix O = {1, (size_t)dim, (double *)zero}, K = {L->rows, 1, c};
    gp_code rc = gp_kernel_gram(k, L, &O, &K, err);
    for (size_t i = 0; !rc && i < L->rows; i++)
        if (!isfinite(c[i]))
            rc = dim == 1 ? gp_error_set(err, GP_ERR_NUMERIC, "grid: k(0, %g) is not finite (%g)",
                                         GP_AT(L, i, 0), c[i])
                          : gp_error_set(err, GP_ERR_NUMERIC,
                                         "grid: k(0, (%g, %g)) is not finite (%g)",
                                         GP_AT(L, i, 0), GP_AT(L, i, 1), c[i]);
    return rc;
}

/* The first row of the embedding into row (padded layout, see the top): in
 * 1-D c_j = k(0, min(j, m - j) h) from m/2 + 1 evaluations; in 2-D the rows
 * iy <= my/2 evaluated at signed lags, the others their mirror images
 * (c(t) = c(-t)), the self-mirrored rows averaged with their mirror so that
 * the array is exactly symmetric. *S receives sum |c|. */
static gp_code first_row(const gp_kernel *k, const grid *g, const embedding *e, double *row,
                         double *S, gp_error *err)
{
    const size_t mx = e->m[0], my = e->m[1], P = 2 * e->M;
    const size_t cnt = g->dim == 1 ? e->M : mx, rows = my / 2 + 1;
    gp_matrix *L = gp_matrix_alloc(cnt, (size_t)g->dim);
    double *c = malloc(cnt * sizeof *c);
    gp_code rc = GP_OK;
    if (!L || !c)
        rc = gp_error_set(err, GP_ERR_NOMEM, "grid: out of memory for %zu lags", cnt);
    for (size_t iy = 0; !rc && iy < rows; iy++) {
        for (size_t ix = 0; ix < cnt; ix++) {
            GP_AT(L, ix, 0) = g->dim == 1 ? (double)ix * g->ax[0].h : lag(ix, mx, g->ax[0].h);
            if (g->dim > 1)
                GP_AT(L, ix, 1) = lag(iy, my, g->ax[1].h);
        }
        rc = eval_lags(k, g->dim, L, c, err);
        double *r = row + iy * P;
        for (size_t ix = 0; !rc && ix < mx; ix++)
            r[ix] = g->dim == 1 ? c[ix < cnt ? ix : mx - ix] : c[ix];
    }
    free(c);
    gp_matrix_free(L);
    if (rc)
        return rc;
    for (size_t iy = 0; iy < my; iy++) {
        const size_t jy = (my - iy) % my; /* the mirror row */
        double *r = row + iy * P, *q = row + jy * P;
        if (jy == iy)
            for (size_t ix = 1; ix < mx - ix; ix++)
                r[ix] = r[mx - ix] = 0.5 * (r[ix] + r[mx - ix]);
        else if (iy > jy)
            for (size_t ix = 0; ix < mx; ix++)
                r[ix] = q[(mx - ix) % mx];
    }
    double s = 0;
    for (size_t iy = 0; iy < my; iy++)
        for (size_t ix = 0; ix < mx; ix++)
            s += fabs(row[iy * P + ix]);
    *S = s;
    return GP_OK;
}

static void embedding_free(embedding *e)
{
    fftw_free(e->buf);
    free(e->lam);
    e->buf = NULL;
    e->lam = NULL;
}

/* The eigenvalues of the embedding of size e->m (buffers allocated here):
 * in e->lam, with *lo and *hi their range and *S the scale sum |c|. */
static gp_code spectrum(const gp_kernel *k, const grid *g, embedding *e, double *lo, double *hi,
                        double *S, gp_error *err)
{
    const size_t mx = e->m[0], my = e->m[1], M = mx / 2 + 1;
    e->M = M;
    e->lam = malloc(my * M * sizeof *e->lam);
    e->buf = fftw_malloc(mx * my * sizeof *e->buf);
    if (!e->lam || !e->buf)
        return gp_error_set(err, GP_ERR_NOMEM,
                            "grid: out of memory for an embedding of size %zu x %zu (%.3g GB)", mx,
                            my, (double)(mx * my) * 16e-9);
    const int dims[2] = {(int)my, (int)mx}, *d = g->dim == 1 ? dims + 1 : dims;
    fftw_plan plan = fftw_plan_dft_r2c(g->dim, d, &e->buf[0][0], e->buf, FFTW_ESTIMATE);
    if (!plan)
        return gp_error_set(err, GP_ERR_NOMEM, "grid: FFTW could not plan an FFT of size %zu x %zu",
                            mx, my);
    gp_code rc = first_row(k, g, e, &e->buf[0][0], S, err);
    if (!rc) {
        fftw_execute(plan); /* lambda = Re sum c e^{-2 pi i (j.k) / m} */
        *lo = *hi = e->buf[0][0];
        for (size_t j = 0; j < my * M; j++) {
            const double v = e->buf[j][0];
            e->lam[j] = v;
            *lo = v < *lo ? v : *lo;
            *hi = v > *hi ? v : *hi;
        }
    }
    fftw_destroy_plan(plan);
    return rc;
}

/* The smallest size >= x whose only prime factors are 2, 3, 5 and 7 (the
 * sizes FFTW transforms fastest); x >= 1. */
static size_t fft_size(size_t x)
{
    for (;; x++) {
        size_t r = x;
        for (size_t p = 2; p <= 7; p++)
            while (r % p == 0)
                r /= p;
        if (r == 1)
            return x;
    }
}

/* The next embedding: each dimension of more than one point grown by a
 * quarter (then to an FFT size). A quarter, not a doubling: in 2-D a doubling
 * quadruples the work, and the smallest PSD embedding is usually much closer. */
static void grow(const grid *g, size_t m[2])
{
    for (int d = 0; d < g->dim; d++)
        if (g->ax[d].n > 1)
            m[d] = fft_size(m[d] + (m[d] / 4 > 1 ? m[d] / 4 : 1));
}

/* Try embeddings m, then larger ones (grow); on success e->lam holds the
 * clipped eigenvalues, e->buf the work buffer and *psd = 1. If every allowed
 * size is indefinite, *psd = 0 and e holds nothing. info receives m,
 * paddings, lambda range, clipped mass and tol. */
static gp_code embed(const gp_kernel *k, const grid *g, const gp_grid_options *opt, embedding *e,
                     int *psd, gp_grid_info *info, gp_error *err)
{
    *psd = 0;
    for (int d = 0; d < 2; d++) {
        const size_t n = g->ax[d].n;
        e->m[d] = d >= g->dim || (g->dim > 1 && n == 1) ? 1 /* nothing to embed */
                  : fft_size(n > 2 ? 2 * (n - 1) : 2);
    }
    size_t max_m = opt->max_embedding ? opt->max_embedding
                                      : (32 * g->n > GRID_MIN_EMBEDDING ? 32 * g->n
                                                                        : GRID_MIN_EMBEDDING);
    if (max_m > GRID_MAX_EMBEDDING)
        max_m = GRID_MAX_EMBEDDING;
    if (e->m[0] > GRID_MAX_EMBEDDING / e->m[1])
        return gp_error_set(err, GP_ERR_DIM,
                            "grid: %zu points need an embedding of %zu x %zu > 2^30", g->n,
                            e->m[0], e->m[1]);
    for (unsigned pad = 0;; pad++) {
        double lo = 0, hi = 0, S = 0;
        gp_code rc = spectrum(k, g, e, &lo, &hi, &S, err);
        if (rc) {
            embedding_free(e);
            return rc;
        }
        const size_t m = total(e);
        const double tol = opt->tol > 0 ? opt->tol : 32.0 * DBL_EPSILON * ceil(log2((double)m));
        info->m = m;
        info->mx = e->m[0];
        info->my = e->m[1];
        info->paddings = pad;
        info->lambda_min = lo;
        info->lambda_max = hi;
        info->tol = tol;
        if (lo >= -tol * S) {
            double neg = 0, sum = 0; /* over all m eigenvalues: k and -k alike */
            for (size_t iy = 0; iy < e->m[1]; iy++)
                for (size_t ix = 0; ix < e->M; ix++) {
                    double *v = &e->lam[iy * e->M + ix];
                    const double w = (ix == 0 || 2 * ix == e->m[0]) ? 1.0 : 2.0;
                    sum += w * *v;
                    if (*v < 0) {
                        neg -= w * *v;
                        *v = 0.0;
                    }
                }
            info->clipped = sum > 0 ? neg / sum : 0.0;
            *psd = 1;
            return GP_OK;
        }
        embedding_free(e);
        size_t next[2] = {e->m[0], e->m[1]};
        grow(g, next);
        if (pad >= opt->max_paddings || next[0] > max_m / next[1])
            return GP_OK; /* indefinite at every allowed size */
        e->m[0] = next[0];
        e->m[1] = next[1];
    }
}

/* Circulant draws: out's columns in pairs from Re and Im of one FFT. e->lam
 * holds the eigenvalues >= 0 and is overwritten by sqrt(lambda / m). */
static gp_code draw_circulant(const grid *g, embedding *e, gp_rng *rng, gp_matrix *out,
                              gp_error *err)
{
    const size_t mx = e->m[0], my = e->m[1], M = e->M, m = total(e), ns = out->cols;
    const size_t nx = g->ax[0].n, ny = g->ax[1].n;
    const int dims[2] = {(int)my, (int)mx}, *d = g->dim == 1 ? dims + 1 : dims;
    fftw_plan plan = fftw_plan_dft(g->dim, d, e->buf, e->buf, FFTW_FORWARD, FFTW_ESTIMATE);
    if (!plan)
        return gp_error_set(err, GP_ERR_NOMEM, "grid: FFTW could not plan an FFT of size %zu x %zu",
                            mx, my);
    for (size_t j = 0; j < my * M; j++)
        e->lam[j] = sqrt(e->lam[j] / (double)m);
    for (size_t s = 0; s < ns; s += 2) {
        double *z = &e->buf[0][0];
        gp_rng_normals(rng, z, 2 * m); /* z_k = z[2k] + i z[2k+1] */
        for (size_t iy = 0; iy < my; iy++) {
            const double *l = e->lam + iy * M, *lm = e->lam + ((my - iy) % my) * M;
            double *zr = z + 2 * iy * mx;
            for (size_t ix = 0; ix < M && ix < mx; ix++) {
                zr[2 * ix] *= l[ix];
                zr[2 * ix + 1] *= l[ix];
            }
            for (size_t ix = M; ix < mx; ix++) { /* lambda(-k) = lambda(k) */
                zr[2 * ix] *= lm[mx - ix];
                zr[2 * ix + 1] *= lm[mx - ix];
            }
        }
        fftw_execute(plan);
        for (size_t part = 0; part < 2 && s + part < ns; part++) {
            double *col = &GP_AT(out, 0, s + part);
            for (size_t iy = 0; iy < ny; iy++)
                for (size_t ix = 0; ix < nx; ix++)
                    col[iy * nx + ix] = e->buf[iy * mx + ix][part];
        }
    }
    fftw_destroy_plan(plan);
    return GP_OK;
}

/* The general sampler on the grid's points X: the low-rank or dense path
 * (gp_sample_factor), or dense only when requested. */
static gp_code draw_general(const gp_kernel *k, const gp_matrix *X, const double *mu,
                            const gp_grid_options *opt, gp_rng *rng, gp_matrix *out,
                            gp_grid_info *info, gp_error *err)
{
    gp_sample_options so;
    gp_sample_options_default(&so);
    if (opt->method == GP_GRID_DENSE)
        so.method = GP_SAMPLE_DENSE;
    else
        so.dense_limit = opt->dense_limit;
    gp_matrix *K = NULL;
    gp_factor F;
    memset(&F, 0, sizeof F);
    gp_code rc = gp_sample_factor(k, X, &so, &K, &F, err);
    if (!rc)
        rc = gp_mvn_draw(&F, mu, rng, out, err);
    gp_factor_free(&F);
    gp_matrix_free(K);
    F.L = NULL;
    info->dense = F;
    info->method = GP_GRID_DENSE;
    return rc;
}

static gp_code check_axis(const gp_grid_axis *ax, const char *name, gp_error *err)
{
    if (ax->n < 1)
        return gp_error_set(err, GP_ERR_DIM, "grid: need n >= 1 points along %s, got 0", name);
    if (!isfinite(ax->a) ||
        (ax->n > 1 && !(ax->h > 0 && isfinite(ax->h) && isfinite(ax->a + (double)(ax->n - 1) * ax->h))))
        return gp_error_set(err, GP_ERR_ARG,
                            "grid: start a and spacing h must be finite with h > 0, got a = %g, "
                            "h = %g%s%s",
                            ax->a, ax->h, *name ? " along " : "", name);
    return GP_OK;
}

static gp_code check_args(const gp_kernel *k, const grid *g, const gp_grid_options *opt,
                          gp_rng *rng, const gp_matrix *out, gp_error *err)
{
    if (!k || !rng || !out || !out->data)
        return gp_error_set(err, GP_ERR_ARG, "grid: %s is missing (NULL)",
                            !k ? "kernel" : !rng ? "generator" : "output");
    if (out->rows < 1 || out->cols < 1)
        return gp_error_set(err, GP_ERR_DIM,
                            "grid: need n >= 1 points and ns >= 1 samples, got %zu x %zu",
                            out->rows, out->cols);
    if (out->rows != g->n)
        return gp_error_set(err, GP_ERR_DIM,
                            "grid: the output has %zu rows, the grid %zu points", out->rows, g->n);
    for (int d = 0; d < g->dim; d++) {
        gp_code rc = check_axis(&g->ax[d], g->dim == 1 ? "" : d == 0 ? "x" : "y", err);
        if (rc)
            return rc;
    }
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

/* The grid's points (n x dim, x fastest). */
static gp_matrix *grid_points(const grid *g)
{
    gp_matrix *X = gp_matrix_alloc(g->n, (size_t)g->dim);
    if (!X)
        return NULL;
    for (size_t iy = 0; iy < g->ax[1].n; iy++)
        for (size_t ix = 0; ix < g->ax[0].n; ix++) {
            const size_t i = iy * g->ax[0].n + ix;
            GP_AT(X, i, 0) = g->ax[0].a + (double)ix * g->ax[0].h;
            if (g->dim > 1)
                GP_AT(X, i, 1) = g->ax[1].a + (double)iy * g->ax[1].h;
        }
    return X;
}

/* The message when the embedding stays indefinite and nothing else may run. */
static gp_code indefinite_error(const gp_kernel *k, const gp_grid_info *info, const char *what,
                                gp_error *err)
{
    char kt[200];
    kernel_text(k, kt, sizeof kt);
    return gp_error_set(err, GP_ERR_NOT_PSD,
                        "grid: circulant embedding of %s stays indefinite up to m = %zu (%u "
                        "paddings; min eigenvalue %.3g, max %.3g); %s",
                        kt, info->m, info->paddings, info->lambda_min, info->lambda_max, what);
}

static gp_code sample(const gp_kernel *k, const gp_func *mean, grid *g,
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
    gp_code rc = check_args(k, g, opt, rng, out, err);
    if (rc)
        return rc;
    for (int d = 0; d < 2; d++)
        if (g->ax[d].n == 1)
            g->ax[d].h = 1.0; /* any spacing: only c at lag 0 matters */
    info->n = g->n;
    info->method = GP_GRID_CIRCULANT;

    embedding e = {{1, 1}, 1, NULL, NULL};
    int psd = 0;
    if (opt->method != GP_GRID_DENSE && (rc = embed(k, g, opt, &e, &psd, info, err)) != GP_OK)
        return rc;
    if (!psd) {
        if (opt->method == GP_GRID_DENSE)
            snprintf(info->reason, sizeof info->reason, "dense sampler requested");
        else
            snprintf(info->reason, sizeof info->reason,
                     "circulant embedding indefinite up to m = %zu (%u paddings; min eigenvalue "
                     "%.3g, max %.3g)",
                     info->m, info->paddings, info->lambda_min, info->lambda_max);
        if (opt->method == GP_GRID_CIRCULANT)
            return indefinite_error(k, info,
                                    "use method \"auto\" or \"dense\", a coarser grid or a "
                                    "shorter length-scale",
                                    err);
    }

    gp_matrix *X = NULL;
    double *mu = NULL;
    const int need_mean = mean && !gp_func_is_zero(mean);
    if (need_mean || !psd) {
        X = grid_points(g);
        mu = need_mean ? malloc(g->n * sizeof *mu) : NULL;
        if (!X || (need_mean && !mu)) {
            rc = gp_error_set(err, GP_ERR_NOMEM, "grid: out of memory for %zu points", g->n);
            goto done;
        }
        if (need_mean && (rc = gp_func_eval_rows(mean, X, mu, err)) != GP_OK)
            goto done;
    }
    if (psd) {
        rc = draw_circulant(g, &e, rng, out, err);
        if (!rc && mu)
            for (size_t s = 0; s < out->cols; s++)
                for (size_t i = 0; i < g->n; i++)
                    GP_AT(out, i, s) += mu[i];
    } else {
        rc = draw_general(k, X, mu, opt, rng, out, info, err);
        if (rc == GP_ERR_DIM && opt->method == GP_GRID_AUTO) {
            gp_error inner = *err;
            char what[sizeof inner.msg + 64];
            snprintf(what, sizeof what, "%s: use a coarser grid or a shorter length-scale",
                     inner.msg);
            rc = indefinite_error(k, info, what, err);
        }
    }
done:
    embedding_free(&e);
    free(mu);
    gp_matrix_free(X);
    return rc;
}

gp_code gp_grid_sample(const gp_kernel *k, const gp_func *mean, double a, double h,
                       const gp_grid_options *opt, gp_rng *rng, gp_matrix *out,
                       gp_grid_info *info, gp_error *err)
{
    const size_t n = out ? out->rows : 0;
    grid g = {1, {{a, h, n}, {0.0, 1.0, 1}}, n};
    return sample(k, mean, &g, opt, rng, out, info, err);
}

gp_code gp_grid2d_sample(const gp_kernel *k, const gp_func *mean, const gp_grid_axis *x,
                         const gp_grid_axis *y, const gp_grid_options *opt, gp_rng *rng,
                         gp_matrix *out, gp_grid_info *info, gp_error *err)
{
    if (!x || !y)
        return gp_error_set(err, GP_ERR_ARG, "grid: axis %s is missing (NULL)", !x ? "x" : "y");
    if (y->n && x->n > SIZE_MAX / y->n)
        return gp_error_set(err, GP_ERR_DIM, "grid: %zu x %zu points overflow", x->n, y->n);
    grid g = {2, {*x, *y}, x->n * y->n};
    return sample(k, mean, &g, opt, rng, out, info, err);
}
