/* gp_sampler.h: draws from N(mu, K) for symmetric positive semi-definite K.
 *
 * Scale-invariant and rank-aware. Every decision is taken on the correlation
 * matrix C = D^-1/2 K D^-1/2, D = diag K (C_ii = 1), so multiplying K by a
 * positive diagonal on both sides (a warp a(x) a(x') k, variances spanning
 * 40 orders of magnitude) changes neither the rank found nor the checks.
 * gp_mvn_factor factors K in place (no copy of the n x n matrix; K's strict
 * upper triangle is never written, so K can be given back on an error):
 *   0. Variances: K_ii < 0 is an error (GP_ERR_NOT_PSD). A zero variance
 *      K_ii = 0 needs an exactly zero row and column (|K_ij| <= sqrt(K_ii K_jj)
 *      for a PSD K), otherwise that is an error too; such a point is drawn
 *      as its mean.
 *   1. Entries with |K_ij| < sqrt(DBL_MIN) sqrt(K_ii K_jj) are set to 0 (a
 *      perturbation below 1e-150 relative to each variance: it keeps dpotrf
 *      away from subnormal numbers, ~6x slower), when a sample of K's columns
 *      shows any (no pass over K otherwise).
 *   2. Cholesky (LAPACKE_dpotrf, lower) of K + jitter_rel D: jitter relative
 *      to each variance (0 by default). Cholesky needs no scaling: it is
 *      invariant under D (L scales with D^1/2) up to rounding.
 *      Success: K (+ jitter D) = L L^T, rank n.
 *   3. If that fails, the lower triangle is rebuilt as C (flushed as in 1)
 *      from K's untouched upper triangle and factored by pivoted Cholesky
 *      (LAPACKE_dpstrf, tolerance n eps on C's unit diagonal):
 *      P^T C P = L L^T with L n x r, the numerical rank r, no jitter. Exact
 *      for PSD, rank-deficient K (1 + x x' has rank 2).
 *   4. The residual Schur complement S = K22 - L2 L2^T of the rows not pivoted
 *      in (in K's own scale) is checked entry by entry, relative to the
 *      variances:  residual = max_ij |S_ij| / sqrt(K_ii K_jj)  (zero-variance
 *      rows excluded: they are exactly zero). For a PSD K it is rounding,
 *      below GP_SAMPLER_RESID_FACTOR * n * eps; a larger one means K is
 *      indefinite, and that is an error (GP_ERR_NOT_PSD) saying where and by
 *      how much.
 * What "exact" means: the draws have covariance K - E with every entry of E
 * at most residual * sqrt(K_ii K_jj): each variance and covariance is right
 * to `residual` relative to the variances involved (for a PSD residual the
 * largest ratio is on the diagonal: max_i S_ii / K_ii). On the Cholesky path
 * the residual is 0 (no row left out) and E is the factorisation's rounding.
 * gp_mvn_draw returns mu + L z (Cholesky) or mu + D^1/2 P L z (pivoted) for
 * standard normal z, many columns at once with one BLAS call.
 *
 * The low-rank path (gp_lowrank.h) fills the same gp_factor from kernel
 * columns evaluated on demand, without any n x n matrix. */
#ifndef GP_SAMPLER_H
#define GP_SAMPLER_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_matrix.h"
#include "gp_rng.h"

/* The indefiniteness threshold: a relative residual above
 * GP_SAMPLER_RESID_FACTOR * n * eps is an error (see gp_sampler.c). */
#define GP_SAMPLER_RESID_FACTOR 100.0

/* Correlations |C_ij| below this are set to 0 before a factorisation:
 * sqrt(DBL_MIN), which keeps the products out of the subnormal range (why,
 * and why it changes no draw beyond rounding: gp_sampler.c). */
#define GP_SAMPLER_FLUSH_BELOW 1.4916681462400413e-154

typedef enum gp_factor_method {
    GP_FACTOR_CHOLESKY,         /* plain (possibly jittered) Cholesky, rank n */
    GP_FACTOR_PIVOTED_CHOLESKY, /* pivoted Cholesky, rank r <= n */
    GP_FACTOR_LOWRANK,          /* matrix-free pivoted Cholesky (gp_lowrank.h), rank r */
    GP_FACTOR_PATHWISE          /* a posterior drawn by pathwise conditioning (gp_posterior.h):
                                 * a summary, never a factor to draw from (L is NULL) */
} gp_factor_method;

typedef struct gp_factor {
    gp_matrix *L;       /* dense methods: the caller's K, overwritten by the factor (not owned);
                         * low-rank: an owned n x (>= rank) matrix, rows in input order */
    int owns_L;         /* 1 if gp_factor_free frees L */
    int *piv;           /* n pivots, 0-based (pivoted method only; owned) */
    double *scale;      /* n values sqrt(K_ii) the rows of L z are multiplied by (owned;
                         * NULL: none) */
    size_t n, rank;
    gp_factor_method method;
    double jitter;      /* relative jitter: K_ii (1 + jitter) on the diagonal (0 if none) */
    double residual;    /* relative residual, as defined above (0 on the Cholesky path) */
    char note[192];     /* how the sampling path was chosen, "" if there is nothing to say
                         * (e.g. "low-rank stopped at rank 400 > n/10: dense") */
} gp_factor;

/* Name of a method: "cholesky", "pivoted-cholesky", "lowrank" or "pathwise". */
const char *gp_factor_method_name(gp_factor_method m);

/* Factor the n x n symmetric matrix K (all of it filled in) in place.
 * jitter_rel >= 0 (finite). On success F describes the factor and refers to
 * K; release F with gp_factor_free. Errors: K not square or empty, a
 * non-finite entry, asymmetry beyond sqrt(eps) sqrt(K_ii K_jj), a negative
 * variance, K indefinite (GP_ERR_NOT_PSD, the message gives the relative
 * residual and where), out of memory. On an error K holds its input values. */
gp_code gp_mvn_factor(gp_matrix *K, double jitter_rel, gp_factor *F, gp_error *err);

/* As gp_mvn_factor, for K exactly symmetric by construction (gp_kernel_gram
 * with Y = NULL): the pass over all of K that checks symmetry and finiteness
 * is skipped when the Cholesky succeeds (a non-finite entry in the triangle it
 * reads makes it fail), and run, with the same errors, when it does not.
 * Saves reading n^2 doubles (about 40 ms at n = 4000). */
gp_code gp_mvn_factor_gram(gp_matrix *K, double jitter_rel, gp_factor *F, gp_error *err);

/* out (n x ns, preallocated) = mu 1^T + D^1/2 P L Z, Z standard normal from
 * rng, filled column by column (column j of Z uses normals j m .. j m + m - 1,
 * m = n for cholesky, m = rank otherwise), so the first column of a k-sample
 * draw equals a 1-sample draw from the same generator state. mu may be NULL
 * (zero mean). */
gp_code gp_mvn_draw(const gp_factor *F, const double *mu, gp_rng *rng, gp_matrix *out,
                    gp_error *err);

/* B (n x rank, preallocated) = D^1/2 P L[:, :rank]: the factor in K's own
 * order and scale, so that B B^T = K (+ jitter D) up to the residual. */
gp_code gp_factor_expand(const gp_factor *F, gp_matrix *B, gp_error *err);

void gp_factor_free(gp_factor *F); /* frees what F owns (not a caller's K); NULL is fine */

#endif
