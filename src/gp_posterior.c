/* gp_posterior.c: conditioning a Gaussian process on observations (one
 * rank-aware factorisation of K + s2 I), the posterior's moments, and the log
 * marginal likelihood. The formulas and the numerics: gp_posterior.h. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "gp_math.h"
#include "gp_posterior_impl.h"
#include "gp_process_impl.h"


size_t gp_posterior_block_doubles = (size_t)1 << 22; /* 32 MB */

static gp_code nomem(const char *fname, gp_error *err)
{
    return gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", fname);
}

/* ---- checks -------------------------------------------------------------------------- */

static gp_code check_observations(const gp_process *prior, const gp_observations *obs,
                                  const char *fname, gp_error *err)
{
    if (!gp_process_is_gaussian(prior))
        return gp_error_set(err, GP_ERR_ARG,
                            "%s: this process is a product of independent processes, which is "
                            "not Gaussian, so the Gaussian conditioning formulas do not give its "
                            "posterior; condition a GP, or a sum, scaling, warp or offset of GPs",
                            fname);
    if (!obs || !obs->X || !obs->y || !obs->noise)
        return gp_error_set(err, GP_ERR_ARG, "%s: no observations (x, y or noise is NULL)",
                            fname);
    gp_code rc = gp_process_check_inputs(fname, obs->X, NULL, err);
    if (rc)
        return rc;
    const size_t n = obs->X->rows;
    const gp_matrix y = {n, 1, (double *)obs->y};
    if ((rc = gp_matrix_check_finite(&y, fname, "y", err)) != GP_OK)
        return rc;
    if (obs->nnoise != 1 && obs->nnoise != n)
        return gp_error_set(err, GP_ERR_DIM,
                            "%s: noise has %zu variances for %zu observations (give one for "
                            "all, or one per observation)",
                            fname, obs->nnoise, n);
    for (size_t i = 0; i < obs->nnoise; i++)
        if (!(obs->noise[i] >= 0.0 && isfinite(obs->noise[i])))
            return gp_error_set(err, GP_ERR_ARG,
                                "%s: the noise variance%s must be finite and >= 0, got %g", fname,
                                obs->nnoise == 1 ? "" : "s", obs->noise[i]);
    if (!(obs->jitter >= 0.0 && isfinite(obs->jitter)))
        return gp_error_set(err, GP_ERR_ARG,
                            "%s: jitter must be finite and >= 0 (relative to each variance), "
                            "got %g",
                            fname, obs->jitter);
    return GP_OK;
}

/* ---- the factorisation of A = K + diag(s2) --------------------------------------------- */

/* The pivoted path left C's factor in rows/columns 0..r-1 of A's storage, in
 * pivot order: G = diag(sqrt(A_II)) L_11, compact (r x r). */
static gp_matrix *compact_factor(const gp_factor *F, gp_error *err, const char *fname)
{
    const size_t r = F->rank;
    gp_matrix *G = gp_matrix_alloc(r ? r : 1, r ? r : 1);
    if (!G) {
        nomem(fname, err);
        return NULL;
    }
    for (size_t j = 0; j < r; j++)
        for (size_t i = j; i < r; i++)
            GP_AT(G, i, j) = F->scale[F->piv[i]] * GP_AT(F->L, i, j);
    return G;
}

/* The largest |y_j - p_j| / sqrt(A_jj) over the dropped observations j
 * (gp_posterior.h) into *worst, the observation into *at (0-based) and its
 * prediction into *pred. order: the active observations, then the dropped
 * ones; m the prior mean at X. A(j, i) = k(x_j, x_i) for j != i. */
static gp_code data_residual(const gp_posterior *p, const gp_observations *obs,
                             const int *order, const double *diagA, const double *m,
                             double *worst, size_t *at, double *pred, gp_error *err)
{
    const size_t nd = p->n - p->r, d = obs->X->cols;
    *worst = *pred = 0.0;
    *at = 0;
    gp_matrix *XJ = gp_matrix_alloc(nd, d), *KJ = gp_matrix_alloc(nd, p->r ? p->r : 1);
    double *pj = malloc(nd * sizeof *pj);
    if (!XJ || !KJ || !pj) {
        gp_matrix_free(XJ);
        gp_matrix_free(KJ);
        free(pj);
        return gp_error_set(err, GP_ERR_NOMEM, "condition: out of memory");
    }
    for (size_t t = 0; t < nd; t++) {
        const size_t j = (size_t)order[p->r + t];
        for (size_t c = 0; c < d; c++)
            GP_AT(XJ, t, c) = GP_AT(obs->X, j, c);
        pj[t] = m[j];
    }
    KJ->cols = p->r;
    gp_code rc = p->r ? gp_process_cov(p->prior, XJ, p->XI, KJ, err) : GP_OK;
    if (!rc && p->r) /* p_J = m_J + A_JI alpha */
        cblas_dgemv(CblasColMajor, CblasNoTrans, (int)nd, (int)p->r, 1.0, KJ->data, (int)nd,
                    p->alpha, 1, 1.0, pj, 1);
    for (size_t t = 0; !rc && t < nd; t++) {
        const size_t j = (size_t)order[p->r + t];
        const double y = obs->y[j];
        /* the rounding of y and of the prediction counts where A_jj is 0 */
        const double scale = sqrt(diagA[j]) + DBL_EPSILON * (fabs(y) + fabs(pj[t]));
        const double z = fabs(y - pj[t]) / scale;
        if (z > *worst || isnan(z)) {
            *worst = isnan(z) ? INFINITY : z;
            *at = j;
            *pred = pj[t];
        }
    }
    gp_matrix_free(XJ);
    gp_matrix_free(KJ);
    free(pj);
    return rc;
}

/* alpha = A_II^-1 v (v: r values, overwritten) = G'^-1 G^-1 v. */
static void solve_in_place(const gp_matrix *G, size_t r, double *v)
{
    if (r == 0)
        return;
    cblas_dtrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, (int)r, G->data,
                (int)G->rows, v, 1);
    cblas_dtrsv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, (int)r, G->data,
                (int)G->rows, v, 1);
}

/* The log marginal likelihood from the factor (r == n): log det A = 2 sum log G_ii. */
static void lml_terms(gp_posterior *p, const double *resid)
{
    double fit = 0.0, logdet = 0.0;
    for (size_t i = 0; i < p->r; i++) {
        fit += resid[i] * p->alpha[i];
        logdet += 2.0 * log(GP_AT(p->G, i, i));
    }
    p->lml.n = p->n;
    p->lml.data_fit = -0.5 * fit;
    p->lml.complexity = -0.5 * logdet;
    p->lml.constant = -0.5 * (double)p->n * GP_LOG_2PI;
    p->lml.value = p->lml.data_fit + p->lml.complexity + p->lml.constant;
}

/* Fill p's factor, active set, alpha, data residual and likelihood from A
 * (n x n, K + diag(s2), consumed: it becomes G or is freed). */
static gp_code factor(gp_posterior *p, gp_matrix *A, const gp_observations *obs, const double *m,
                      const char *fname, gp_error *err)
{
    const size_t n = p->n, d = obs->X->cols;
    double *diagA = malloc(2 * n * sizeof *diagA), *resid = diagA + n;
    int *order = malloc(n * sizeof *order);
    gp_factor F = {0};
    gp_code rc = diagA && order ? GP_OK : nomem(fname, err);
    for (size_t i = 0; !rc && i < n; i++)
        diagA[i] = GP_AT(A, i, i);
    if (!rc && (rc = gp_mvn_factor(A, obs->jitter, &F, err)) != GP_OK) {
        gp_error inner = *err;
        gp_error_set(err, rc, "%s: K + s2 I on the %zu observations: %s", fname, n, inner.msg);
    }
    if (rc)
        goto done;
    p->r = F.rank;
    for (size_t i = 0; i < n; i++)
        order[i] = F.method == GP_FACTOR_PIVOTED_CHOLESKY ? F.piv[i] : (int)i;
    p->XI = gp_matrix_alloc(p->r ? p->r : 1, d);
    p->yI = malloc(3 * (p->r ? p->r : 1) * sizeof *p->yI);
    p->active = malloc((p->r ? p->r : 1) * sizeof *p->active);
    if (!p->XI || !p->yI || !p->active) {
        rc = nomem(fname, err);
        goto done;
    }
    p->XI->rows = p->r;
    p->noiseI = p->yI + p->r;
    p->alpha = p->yI + 2 * p->r;
    for (size_t k = 0; k < p->r; k++) {
        const size_t i = (size_t)order[k];
        p->active[k] = i;
        for (size_t c = 0; c < d; c++)
            GP_AT(p->XI, k, c) = GP_AT(obs->X, i, c);
        p->yI[k] = obs->y[i];
        p->noiseI[k] = obs->noise[obs->nnoise == 1 ? 0 : i];
        resid[k] = p->alpha[k] = obs->y[i] - m[i];
    }
    if (F.method == GP_FACTOR_CHOLESKY) {
        p->G = A; /* its lower triangle is G */
        A = NULL;
    } else if (!(p->G = compact_factor(&F, err, fname))) {
        rc = GP_ERR_NOMEM;
        goto done;
    }
    solve_in_place(p->G, p->r, p->alpha);
    if (p->r == n) {
        lml_terms(p, resid);
    } else {
        size_t at;
        double pred;
        const double tol = sqrt(GP_SAMPLER_RESID_FACTOR * (double)n * DBL_EPSILON);
        rc = data_residual(p, obs, order, diagA, m, &p->data_residual, &at, &pred, err);
        char where[64] = "";
        if (!rc && d == 1)
            snprintf(where, sizeof where, " at x = %.6g", GP_AT(obs->X, at, 0));
        if (!rc && p->data_residual > tol)
            rc = gp_error_set(err, GP_ERR_ARG,
                              "%s: observation %zu (y = %.6g%s) contradicts the others: with its "
                              "noise variance %g they determine f there as %.6g (%.3g standard "
                              "deviations away, beyond the %.3g of rounding). K + s2 I on the "
                              "%zu observations has rank %zu: repeated inputs, or a kernel of low "
                              "rank, make some values follow from the others. Give a noise "
                              "variance ({noise = s2}) or remove the contradiction",
                              fname, at + 1, obs->y[at], where,
                              obs->noise[obs->nnoise == 1 ? 0 : at],
                              pred, p->data_residual, tol, n, p->r);
    }
done:
    gp_factor_free(&F);
    F.L = NULL;
    p->info = F;
    gp_matrix_free(A);
    free(diagA);
    free(order);
    return rc;
}

/* ---- construction ------------------------------------------------------------------- */

static void describe_ranges(gp_posterior *p, const gp_observations *obs)
{
    const gp_matrix *X = obs->X;
    p->d = X->cols;
    p->xmin = p->xmax = X->data[0];
    for (size_t i = 0; p->d == 1 && i < X->rows; i++) {
        p->xmin = fmin(p->xmin, X->data[i]);
        p->xmax = fmax(p->xmax, X->data[i]);
    }
    p->noise_min = p->noise_max = obs->noise[0];
    for (size_t i = 0; i < obs->nnoise; i++) {
        p->noise_min = fmin(p->noise_min, obs->noise[i]);
        p->noise_max = fmax(p->noise_max, obs->noise[i]);
    }
}

static gp_posterior *posterior_new(gp_process *prior, const gp_observations *obs,
                                   const char *fname, gp_error *err)
{
    gp_code rc = check_observations(prior, obs, fname, err);
    if (rc)
        return NULL;
    const size_t n = obs->X->rows;
    gp_posterior *p = calloc(1, sizeof *p);
    gp_matrix *A = gp_matrix_alloc(n, n);
    double *m = malloc(n * sizeof *m);
    if (!p || !A || !m) {
        if (!A && p)
            gp_error_set(err, GP_ERR_NOMEM,
                         "%s: out of memory for the %zu x %zu covariance of the observations "
                         "(%.3g GB)",
                         fname, n, n, (double)n * (double)n * 8e-9);
        else
            nomem(fname, err);
        free(p);
        gp_matrix_free(A);
        free(m);
        return NULL;
    }
    p->refs = 1;
    p->prior = gp_process_retain(prior);
    if (!(p->clipped = calloc(1, sizeof *p->clipped))) {
        gp_posterior_release(p);
        gp_matrix_free(A);
        free(m);
        nomem(fname, err);
        return NULL;
    }
    p->n = n;
    describe_ranges(p, obs);
    rc = gp_process_mean_at(prior, obs->X, m, err);
    if (!rc)
        rc = gp_process_cov(prior, obs->X, NULL, A, err);
    for (size_t i = 0; !rc && i < n; i++)
        GP_AT(A, i, i) += obs->noise[obs->nnoise == 1 ? 0 : i];
    if (!rc)
        rc = factor(p, A, obs, m, fname, err); /* takes A */
    else
        gp_matrix_free(A);
    free(m);
    if (rc) {
        gp_posterior_release(p);
        return NULL;
    }
    return p;
}

gp_posterior *gp_posterior_new(gp_process *prior, const gp_observations *obs, gp_error *err)
{
    return posterior_new(prior, obs, "condition", err);
}

gp_posterior *gp_posterior_retain(gp_posterior *p)
{
    p->refs++;
    return p;
}

void gp_posterior_release(gp_posterior *p)
{
    if (!p || --p->refs > 0)
        return;
    gp_process_release(p->prior);
    gp_matrix_free(p->XI);
    gp_matrix_free(p->G);
    free(p->yI);
    free(p->active);
    free(p->clipped);
    free(p);
}

gp_process *gp_process_condition(gp_process *prior, const gp_observations *obs, gp_error *err)
{
    gp_posterior *post = gp_posterior_new(prior, obs, err);
    if (!post)
        return NULL;
    gp_process *p = gp_process_posterior_leaf(post, err);
    gp_posterior_release(post);
    return p;
}

size_t gp_posterior_size(const gp_posterior *p)
{
    return p->n;
}

const gp_process *gp_posterior_prior(const gp_posterior *p)
{
    return p->prior;
}

/* ---- the likelihood and the report ----------------------------------------------------- */

gp_code gp_posterior_lml(const gp_posterior *p, gp_lml *out, gp_error *err)
{
    if (p->r < p->n)
        return gp_error_set(err, GP_ERR_ARG,
                            "log_marginal_likelihood: K + s2 I on the %zu observations has rank "
                            "%zu < %zu, so the observations have no density (they lie on a "
                            "subspace: with noise 0, repeated inputs or a kernel of low rank make "
                            "some values follow from the others); give a noise variance "
                            "({noise = s2})",
                            p->n, p->r, p->n);
    *out = p->lml;
    return GP_OK;
}

gp_code gp_process_lml(gp_process *prior, const gp_observations *obs, gp_lml *out,
                       gp_error *err)
{
    gp_posterior *p = posterior_new(prior, obs, "log_marginal_likelihood", err);
    if (!p)
        return err ? err->code : GP_ERR_ARG;
    gp_code rc = gp_posterior_lml(p, out, err);
    gp_posterior_release(p);
    return rc;
}

void gp_posterior_report(const gp_posterior *p, gp_report *r)
{
    gp_report_factor(r, &p->info);
    gp_report_number(r, "data_residual", p->data_residual);
    gp_report_count(r, "clipped", p->clipped->count);
    gp_report_number(r, "clipped_max", p->clipped->worst);
    if (p->noise_min == p->noise_max)
        gp_report_number(r, "noise", p->noise_min);
}

size_t gp_posterior_describe(const gp_posterior *p, char *buf, size_t cap)
{
    char tail[256], range[96] = "", noise[96];
    if (p->d == 1)
        snprintf(range, sizeof range, " at x in [%.4g, %.4g]", p->xmin, p->xmax);
    if (p->noise_min == p->noise_max)
        snprintf(noise, sizeof noise, "noise variance %.4g", p->noise_min);
    else
        snprintf(noise, sizeof noise, "noise variances %.4g to %.4g", p->noise_min, p->noise_max);
    const int nt = snprintf(tail, sizeof tail, " given %zu observation%s%s, %s)", p->n,
                            p->n == 1 ? "" : "s", range, noise);
    const size_t head = strlen("posterior(");
    if (cap > 0)
        snprintf(buf, cap, "posterior(");
    const size_t len = gp_process_describe(p->prior, cap > head ? buf + head : NULL,
                                           cap > head ? cap - head : 0);
    if (cap > head + len)
        snprintf(buf + head + len, cap - head - len, "%s", tail);
    return head + len + (size_t)(nt > 0 ? nt : 0);
}

/* ---- moments --------------------------------------------------------------------------- */

/* Query points per block: blocks of b x r doubles stay near
 * gp_posterior_block_doubles. */
static size_t block_rows(const gp_posterior *p, size_t m)
{
    size_t b = p->r ? gp_posterior_block_doubles / p->r : m;
    b = b ? b : 1;
    return b < m ? b : m;
}

/* Kq = Cov(prior(X[i0 .. i0 + B->rows - 1]), prior(X_I)), those rows copied into B. */
static gp_code cross(const gp_posterior *p, const gp_matrix *X, size_t i0, gp_matrix *B,
                     gp_matrix *Kq, gp_error *err)
{
    for (size_t c = 0; c < X->cols; c++)
        for (size_t i = 0; i < B->rows; i++)
            GP_AT(B, i, c) = GP_AT(X, i0 + i, c);
    return gp_process_cov(p->prior, B, p->XI, Kq, err);
}

gp_code gp_posterior_blocks(const gp_posterior *p, const gp_matrix *X, gp_posterior_block_fn fn,
                            void *ctx, gp_error *err)
{
    const size_t m = X->rows, b = block_rows(p, m);
    gp_matrix *B = gp_matrix_alloc(b, X->cols), *Kq = gp_matrix_alloc(b, p->r ? p->r : 1);
    gp_code rc = B && Kq ? GP_OK
                         : gp_error_set(err, GP_ERR_NOMEM,
                                        "posterior: out of memory for %zu x %zu values", b, p->r);
    for (size_t i0 = 0; !rc && i0 < m; i0 += b) {
        B->rows = Kq->rows = m - i0 < b ? m - i0 : b; /* the last block may be shorter */
        Kq->cols = p->r;
        rc = cross(p, X, i0, B, Kq, err);
        if (!rc)
            rc = fn(ctx, i0, Kq, err);
    }
    gp_matrix_free(B);
    gp_matrix_free(Kq);
    return rc;
}

/* W = Kq G'^-1 in place (rows of Kq: query points). */
static void right_solve(const gp_posterior *p, gp_matrix *Kq)
{
    cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, (int)Kq->rows,
                (int)p->r, 1.0, p->G->data, (int)p->G->rows, Kq->data, (int)Kq->rows);
}

/* mu[i0 ..] += k(x, X_I) alpha */
typedef struct mean_ctx {
    const gp_posterior *p;
    double *mu;
} mean_ctx;

static gp_code mean_block(void *ctx, size_t i0, gp_matrix *Kq, gp_error *err)
{
    (void)err;
    const mean_ctx *c = ctx;
    cblas_dgemv(CblasColMajor, CblasNoTrans, (int)Kq->rows, (int)c->p->r, 1.0, Kq->data,
                (int)Kq->rows, c->p->alpha, 1, 1.0, c->mu + i0, 1);
    return GP_OK;
}

gp_code gp_posterior_mean(const gp_posterior *p, const gp_matrix *X, double *mu, gp_error *err)
{
    gp_code rc = gp_process_mean_at(p->prior, X, mu, err);
    mean_ctx c = {p, mu};
    return rc || p->r == 0 ? rc : gp_posterior_blocks(p, X, mean_block, &c, err);
}

/* A posterior variance v below 0 (prior variance v0): 0 if rounding explains
 * it, else an error naming the point. */
static gp_code clip_variance(const gp_posterior *p, double *v, double v0, size_t i,
                             gp_error *err)
{
    if (*v >= 0.0)
        return GP_OK;
    const double tol = GP_SAMPLER_RESID_FACTOR * (double)p->n * DBL_EPSILON;
    if (*v < -tol * v0)
        return gp_error_set(err, GP_ERR_NUMERIC,
                            "posterior: the variance at point %zu is %.3g, %.3g of the prior "
                            "variance %.3g below 0, beyond the %.3g rounding explains (the "
                            "factor of K + s2 I is too ill-conditioned: give a noise variance "
                            "or a jitter)",
                            i + 1, *v, -*v / v0, v0, tol);
    p->clipped->count++;
    p->clipped->worst = fmax(p->clipped->worst, -*v / v0);
    *v = 0.0;
    return GP_OK;
}

/* var[i0 ..] (the prior's) -= |k(x, X_I) G'^-1|^2, clipped */
static gp_code var_block(void *ctx, size_t i0, gp_matrix *Kq, gp_error *err)
{
    const mean_ctx *c = ctx;
    right_solve(c->p, Kq);
    gp_code rc = GP_OK;
    for (size_t i = 0; !rc && i < Kq->rows; i++) {
        double q = 0.0;
        for (size_t k = 0; k < c->p->r; k++)
            q += GP_AT(Kq, i, k) * GP_AT(Kq, i, k);
        const double v0 = c->mu[i0 + i];
        c->mu[i0 + i] = v0 - q;
        rc = clip_variance(c->p, &c->mu[i0 + i], v0, i0 + i, err);
    }
    return rc;
}

gp_code gp_posterior_var(const gp_posterior *p, const gp_matrix *X, double *var, gp_error *err)
{
    gp_code rc = gp_process_var_at(p->prior, X, var, err);
    mean_ctx c = {p, var};
    return rc || p->r == 0 ? rc : gp_posterior_blocks(p, X, var_block, &c, err);
}

/* W (m x r) = k(X, X_I) G'^-1, allocated. */
static gp_code solved_cross(const gp_posterior *p, const gp_matrix *X, gp_matrix **W,
                            gp_error *err)
{
    *W = gp_matrix_alloc(X->rows, p->r);
    if (!*W)
        return gp_error_set(err, GP_ERR_NOMEM, "cov: out of memory for %zu x %zu values",
                            X->rows, p->r);
    gp_code rc = gp_process_cov(p->prior, X, p->XI, *W, err);
    if (!rc)
        right_solve(p, *W);
    return rc;
}

gp_code gp_posterior_cov(const gp_posterior *p, const gp_matrix *X, const gp_matrix *Y,
                         gp_matrix *K, gp_error *err)
{
    gp_code rc = gp_process_cov(p->prior, X, Y, K, err);
    if (rc || p->r == 0)
        return rc;
    const size_t m = X->rows;
    gp_matrix *Wx = NULL, *Wy = NULL;
    double *v0 = NULL;
    rc = solved_cross(p, X, &Wx, err);
    if (!rc && Y)
        rc = solved_cross(p, Y, &Wy, err);
    if (!rc && Y) { /* K -= Wx Wy' */
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, (int)m, (int)Y->rows, (int)p->r,
                    -1.0, Wx->data, (int)m, Wy->data, (int)Y->rows, 1.0, K->data, (int)m);
    } else if (!rc) { /* K -= Wx Wx' (lower), mirrored: exactly symmetric, diagonal clipped */
        if (!(v0 = malloc(m * sizeof *v0)))
            rc = gp_error_set(err, GP_ERR_NOMEM, "cov: out of memory");
        for (size_t i = 0; !rc && i < m; i++)
            v0[i] = GP_AT(K, i, i);
        if (!rc)
            cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (int)m, (int)p->r, -1.0,
                        Wx->data, (int)m, 1.0, K->data, (int)m);
        for (size_t j = 0; !rc && j < m; j++)
            for (size_t i = j + 1; i < m; i++)
                GP_AT(K, j, i) = GP_AT(K, i, j);
        for (size_t i = 0; !rc && i < m; i++)
            rc = clip_variance(p, &GP_AT(K, i, i), v0[i], i, err);
    }
    gp_matrix_free(Wx);
    gp_matrix_free(Wy);
    free(v0);
    return rc;
}
