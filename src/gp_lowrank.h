/* gp_lowrank.h: matrix-free pivoted Cholesky of a kernel's Gram matrix, for
 * exact sampling at the numerical rank without any n x n matrix.
 *
 * Harbrecht, Peters & Schneider (2012), "On the low-rank approximation by the
 * pivoted Cholesky decomposition", Appl. Numer. Math. 62: the algorithm needs
 * only the diagonal of K = k(X, X) and, at each step, the column of the pivot,
 * evaluated on demand. Scale-invariant like the dense sampler (gp_sampler.h):
 * it factors the correlation matrix C = D^-1/2 K D^-1/2 (D = diag K), so the
 * pivot is the point of largest RELATIVE residual variance and the stopping
 * rule is relative to each variance:
 *     r_i = S_ii / K_ii,  S = K - L L^T  (the residual),  stop when max_i r_i <= tol.
 * A relative-trace rule (trace S / trace K <= tol) would drop points of small
 * variance whatever their residual (a warp by exp(x) puts almost all of the
 * trace on a few points); the per-variance rule cannot. For a PSD kernel S is
 * PSD, so |S_ij| <= sqrt(S_ii S_jj) and max_i r_i is also the largest
 * |S_ij| / sqrt(K_ii K_jj): the same "relative residual" the dense path
 * reports, and what makes the draws exact (see gp_sampler.h).
 * Step m (p = the pivot, c = column p of C):
 *     L[:, m] = (c - L[:, 0:m] L[p, 0:m]^T) / sqrt(r_p),   r_i -= L[i, m]^2.
 * Cost: n + n r kernel evaluations, O(n r^2) flops (one dgemv per step),
 * O(n r) memory (the n x r factor grows by doubling; no n x n matrix), inputs
 * of any dimension.
 *
 * Checks: the variances must be finite and >= 0; a zero variance needs a
 * zero kernel column entry (that point is drawn as its mean); a relative
 * residual below -GP_SAMPLER_RESID_FACTOR n eps means K is not PSD on these
 * inputs (GP_ERR_NOT_PSD). Only the diagonal of the residual is seen, so an
 * indefinite K can pass unnoticed: use this path for kernels (PSD by
 * construction) and the dense one for matrices of unknown origin.
 *
 * Giving up: with max_rank > 0 the factorisation stops when the rank would
 * exceed max_rank, and also early when the decay of the residual predicts
 * that: at ranks m = 32, 64, 128, ..., once max_i r_i < 0.1, if the residual
 * decays like a power of the rank (its order over the last doubling is no
 * more than 1.25 times that over the one before: OU, exponential, Matern),
 * the rank is extrapolated from that power; a residual whose order keeps
 * growing (rbf, rq, periodic: faster than any power) is never given up
 * early. The caller then uses the dense path. */
#ifndef GP_LOWRANK_H
#define GP_LOWRANK_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_kernel.h"
#include "gp_matrix.h"
#include "gp_sampler.h"

typedef struct gp_lowrank_options {
    double tol;      /* stop when max_i S_ii / K_ii <= tol; 0: n eps, as dpstrf in the dense path */
    size_t max_rank; /* give up past this rank (and when predicted to pass it); 0: no limit */
} gp_lowrank_options;

/* Factor K = k(X, X) (X n x d, n >= 1) at its numerical rank. opt may be NULL
 * (defaults). On success F->method = GP_FACTOR_LOWRANK, F->L an owned n x r
 * matrix (rows in the order of X, in C's scale), F->scale = sqrt(diag K),
 * F->residual = max_i S_ii / K_ii (>= 0), F->rank = r; draw with gp_mvn_draw,
 * release with gp_factor_free. If it gives up (max_rank), it returns GP_OK with
 * F->L == NULL, F->rank the rank reached and F->note saying why. Errors: a
 * kernel evaluation failing or not finite, a negative variance, K not PSD on
 * X, out of memory. */
gp_code gp_lowrank_factor(const gp_kernel *k, const gp_matrix *X, const gp_lowrank_options *opt,
                          gp_factor *F, gp_error *err);

#endif
