/* gp_sampler.h: draws from N(mu, K) for symmetric positive semi-definite K.
 *
 * Rank-aware. gp_mvn_factor factors K in place (no copy of the n x n matrix):
 *   1. Cholesky (LAPACKE_dpotrf, lower) of K + jitter I, with jitter =
 *      jitter_rel * mean(diag K) (0 by default). Success: K = L L^T, rank n.
 *   2. If that fails, K is restored from its untouched upper triangle and a
 *      saved diagonal, and factored by pivoted Cholesky (LAPACKE_dpstrf,
 *      tolerance n * eps * max diag): P^T K P = L L^T with L n x r, the
 *      numerical rank r. This is exact for PSD, rank-deficient K (the linear
 *      kernel 1 + x x' has rank 2) and needs no jitter.
 *   3. The residual Schur complement K22 - L2 L2^T on the rows not pivoted in
 *      is checked entry-wise: for a PSD K its entries are within the tolerance;
 *      a larger one means K is indefinite, and that is an error (GP_ERR_NOT_PSD)
 *      that says how far from PSD it is.
 * gp_mvn_draw then returns mu + L z for standard normal z, many columns at once
 * with one BLAS call. */
#ifndef GP_SAMPLER_H
#define GP_SAMPLER_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_matrix.h"
#include "gp_rng.h"

typedef enum gp_factor_method {
    GP_FACTOR_CHOLESKY,         /* plain (possibly jittered) Cholesky, rank n */
    GP_FACTOR_PIVOTED_CHOLESKY  /* pivoted Cholesky, rank r <= n */
} gp_factor_method;

typedef struct gp_factor {
    gp_matrix *L;            /* the caller's K, overwritten by the factor (not owned) */
    int *piv;                /* n pivots, 0-based (pivoted method only; owned) */
    size_t n, rank;
    gp_factor_method method;
    double jitter;           /* absolute jitter added to the diagonal (0 if none) */
    double residual;         /* max |entry| of the residual Schur complement (pivoted) */
} gp_factor;

/* Name of a method: "cholesky" or "pivoted-cholesky". */
const char *gp_factor_method_name(gp_factor_method m);

/* Factor the n x n symmetric matrix K (all of it filled in) in place.
 * jitter_rel >= 0 (finite). On success F describes the factor and refers to
 * K; release F with gp_factor_free. Errors: K not square or empty, NaN in K,
 * K indefinite (GP_ERR_NOT_PSD, the message gives the offending residual
 * relative to max diag), out of memory. */
gp_code gp_mvn_factor(gp_matrix *K, double jitter_rel, gp_factor *F, gp_error *err);

/* As gp_mvn_factor, for K exactly symmetric by construction (gp_kernel_gram
 * with Y = NULL): the pass over all of K that checks symmetry and finiteness
 * is skipped when the Cholesky succeeds (a non-finite entry in the triangle it
 * reads makes it fail), and run, with the same errors, when it does not.
 * Saves reading n^2 doubles (about 40 ms at n = 4000). */
gp_code gp_mvn_factor_gram(gp_matrix *K, double jitter_rel, gp_factor *F, gp_error *err);

/* out (n x ns, preallocated) = mu 1^T + L Z, Z standard normal from rng
 * (filled column by column). mu may be NULL (zero mean). */
gp_code gp_mvn_draw(const gp_factor *F, const double *mu, gp_rng *rng, gp_matrix *out,
                    gp_error *err);

void gp_factor_free(gp_factor *F); /* frees what F owns (not K); NULL-safe fields */

#endif
