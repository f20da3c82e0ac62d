/* gp_report.h: what a sampler did, in one shape for every sampling path (the
 * `info` a script gets back with its draws).
 *
 * Every report has
 *   method       how the draws were made: "cholesky", "pivoted-cholesky",
 *                "lowrank", "circulant-embedding", "kronecker",
 *                "random-fourier-features", "weight-space", "erf-network";
 *                for independent parts drawn together, their distinct
 *                methods joined by " + ";
 *   n            the points of one draw (rows of the result);
 *   rank         the rank of the factor one draw is made from, at most n: the
 *                numerical rank of K for the Cholesky paths, an upper bound
 *                where the path does not measure it (n for circulant
 *                embedding; the number of features, weights or hidden units
 *                plus one, capped at n, for the feature-based paths);
 *   residual     what that factor leaves out of the covariance, 0 when
 *                nothing, relative to each variance: the factors' relative
 *                residual (gp_sampler.h: max |S_ij| / sqrt(K_ii K_jj) of the
 *                Schur complement left out), the clipped negative eigenvalue
 *                mass (relative to the total) for circulant embedding;
 *   jitter       the relative jitter: K_ii (1 + jitter) on the diagonal (0: none);
 *   approximate  1 when the draws are not exact draws of the process asked
 *                for (random Fourier features), else 0;
 * plus fields of its own path (a number, a count or a short text each, under
 * a fixed key) and, when there is something to say, the reason the path was
 * taken (a fallback, or the automatic dense / low-rank choice). */
#ifndef GP_REPORT_H
#define GP_REPORT_H

#include <stddef.h>

#include "gp_grid.h"
#include "gp_rff.h"
#include "gp_sampler.h"
#include "gp_weights.h"

#define GP_REPORT_FIELDS 12

typedef struct gp_report_field {
    const char *key;  /* static */
    const char *text; /* static, or NULL for a number */
    double number;
    int count;        /* the number is a count (an integer) */
} gp_report_field;

typedef struct gp_report {
    char method[96];
    size_t n, rank;
    double residual, jitter;
    int approximate;
    char reason[256];
    size_t nfields;
    gp_report_field field[GP_REPORT_FIELDS];
} gp_report;

/* A report of method for draws of n points from a factor of rank (capped at
 * n), residual and jitter 0, exact, no fields. */
void gp_report_init(gp_report *r, const char *method, size_t n, size_t rank);

/* Add a field (key and text static); beyond GP_REPORT_FIELDS it is dropped. */
void gp_report_number(gp_report *r, const char *key, double v);
void gp_report_count(gp_report *r, const char *key, size_t v);
void gp_report_text(gp_report *r, const char *key, const char *text);

/* The report of a draw through the factor F of an n x n covariance. */
void gp_report_factor(gp_report *r, const gp_factor *F);

/* The report of gp_grid_sample: "circulant-embedding" (rank n, residual the
 * clipped mass; fields embedding, paddings, clipped) or, for its dense
 * fallback, the factor's method with the reason and the embedding tried. */
void gp_report_grid(gp_report *r, const gp_grid_info *g);

/* The report of gp_rff_sample at n points: approximate; rank min(n, 2 J)
 * (one draw combines J cosines and J sines); fields features (J), family,
 * dim. */
void gp_report_rff(gp_report *r, const gp_rff_info *info, size_t n);

/* The report of gp_weights_sample at n points: "weight-space", rank that of
 * the weights' covariance S capped at n, residual that of S's factor; field
 * weights (J). */
void gp_report_weights(gp_report *r, const gp_weights *m, size_t n);

/* The report of gp_erfnet_sample at n points: "erf-network" (fresh networks,
 * not Gaussian), rank min(n, J + 1); field hidden (J). */
void gp_report_erfnet(gp_report *r, const gp_erfnet *net, size_t n);

/* The report of independent parts[0..nparts-1] drawn together and combined
 * at n points: the distinct methods joined by " + ", rank the sum of the
 * parts' ranks capped at n, the largest residual and jitter, approximate if
 * one part is. */
void gp_report_combine(gp_report *out, const gp_report *parts, size_t nparts, size_t n);

/* The report of a Kronecker draw (gp_grid_kron_sample) on an nx x ny grid of
 * n = nx ny points from the factors' reports parts[0] (x) and parts[1] (y):
 * "kronecker", rank their product capped at n, the largest residual and
 * jitter. */
void gp_report_kron(gp_report *out, const gp_report parts[2], size_t n);

#endif
