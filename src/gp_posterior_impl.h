/* gp_posterior_impl.h: the posterior's state, shared by gp_posterior*.c only. */
#ifndef GP_POSTERIOR_IMPL_H
#define GP_POSTERIOR_IMPL_H

#include "gp_posterior.h"

/* A = K + diag(s2) on the n observations, factored as A_II = G G' on the r
 * active ones I (all n, in input order, on the Cholesky path; the first r
 * pivots on the pivoted path). */
struct gp_posterior {
    unsigned refs;
    gp_process *prior;
    size_t n, r;     /* observations, active observations (the rank of A) */
    size_t *active;  /* r indices: the active observations among the n */
    gp_matrix *XI;   /* r x d: the active observations' points */
    double *yI;      /* r values y_I */
    double *noiseI;  /* r noise variances s2_I */
    gp_matrix *G;    /* lower triangular, leading dimension G->rows (>= r); its strict
                      * upper part is not used */
    double *alpha;   /* r values A_II^-1 (y_I - m(X_I)) */
    gp_factor info;  /* A's factorisation: method, rank, residual, jitter (L, piv, scale NULL) */
    double data_residual;
    gp_lml lml;      /* valid when r == n */
    /* variances clipped to 0 so far (clip_variance): how many, and the largest
     * |v| / v0; a tally the const moment functions update (hence a pointer) */
    struct clip_tally {
        size_t count;
        double worst;
    } *clipped;
    /* for describe */
    size_t d;
    double xmin, xmax;     /* d = 1: the range of the observations' inputs */
    double noise_min, noise_max;
};

/* Doubles per block of query points x active observations (1 << 22, 32 MB);
 * the tests lower it to cross block boundaries on small problems. */
extern size_t gp_posterior_block_doubles;

/* Call fn(ctx, i0, Kq, err) for the rows of X in blocks (p->r > 0):
 * Kq = Cov(prior(X[i0 .. i0 + Kq->rows - 1]), prior(X_I)), which fn may
 * overwrite; the first error stops the walk. */
typedef gp_code (*gp_posterior_block_fn)(void *ctx, size_t i0, gp_matrix *Kq, gp_error *err);
gp_code gp_posterior_blocks(const gp_posterior *p, const gp_matrix *X, gp_posterior_block_fn fn,
                            void *ctx, gp_error *err);

#endif
