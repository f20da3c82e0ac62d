/* gp_posterior.h: a Gaussian process conditioned on noisy observations, and
 * the log marginal likelihood of those observations.
 *
 * Observations y_i = f(x_i) + e_i, e ~ N(0, diag(s2)), of a Gaussian process
 * f (any Gaussian expression of gp_process.h: a leaf, sums, scalings, warps,
 * offsets, another posterior). With m = E f, K = Cov(f(X), f(X)) and
 * A = K + diag(s2) (+ jitter diag(K + s2), if asked), the posterior is the
 * Gaussian process with (Rasmussen & Williams 2006, eqs. 2.23-2.24)
 *     mean     m(x) + k(x, X) A^-1 (y - m(X))
 *     kernel   k(x, x') - k(x, X) A^-1 k(X, x')
 * and (R & W eq. 2.30)
 *     log p(y | X) = -(y - m)' A^-1 (y - m) / 2  - log det A / 2  - (n / 2) log(2 pi)
 *                     data fit                     complexity      constant.
 *
 * Numerics. A is factored once, by the rank-aware factorisation of the
 * sampler (gp_mvn_factor, gp_sampler.h): a plain Cholesky A = G G', or, when
 * that fails (A numerically singular: noise 0 with repeated inputs, a kernel
 * of low rank such as the linear one on more points than its rank, a smooth
 * kernel on close points), a pivoted Cholesky of the correlation matrix that
 * finds the numerical rank r and r "active" observations that determine the
 * others. The posterior is then conditioned on the active observations: the
 * same posterior when the others agree with them, which is checked. For a
 * dropped observation j the active ones predict y_j exactly as
 * p_j = m_j + k(x_j, X_I) A_II^-1 (y_I - m_I) (its posterior variance is
 * below rounding), and
 *     data residual = max_j |y_j - p_j| / sqrt(A_jj)
 * must be within the factorisation's resolution, sqrt(GP_SAMPLER_RESID_FACTOR
 * n eps) (1e-6 at n = 50): an observation that contradicts the others (two
 * values at one input with noise 0) is an error that says which. Every query
 * is a triangular solve with G, never an inverse: k(x, X_I) G'^-1 in blocks of
 * query points. A posterior variance below 0 by rounding (at most
 * GP_SAMPLER_RESID_FACTOR n eps of the prior variance) is clipped to 0, never
 * a NaN standard deviation, and counted in the report; a more negative one
 * is an error. */
#ifndef GP_POSTERIOR_H
#define GP_POSTERIOR_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_matrix.h"
#include "gp_process.h"
#include "gp_report.h"

typedef struct gp_posterior gp_posterior;

/* The observations a posterior is conditioned on (the caller's arrays, read
 * once): X (n x d) points, y (n values), noise (nnoise = 1 variance for all,
 * or n, one per observation; every s2 finite and >= 0), jitter (finite,
 * >= 0): relative, A_ii (1 + jitter). */
typedef struct gp_observations {
    const gp_matrix *X;
    const double *y;
    const double *noise;
    size_t nnoise;
    double jitter;
} gp_observations;

/* The posterior of the Gaussian process prior given obs (see above); NULL on
 * error. Errors: a product process (not Gaussian), bad inputs (named), an
 * indefinite K, a contradicting observation, out of memory. */
gp_posterior *gp_posterior_new(gp_process *prior, const gp_observations *obs, gp_error *err);

gp_posterior *gp_posterior_retain(gp_posterior *p);
void gp_posterior_release(gp_posterior *p); /* NULL is fine */

/* The posterior as a process: a new leaf, independent of every other process
 * (its prior included), like one built with gp_process_new. NULL on error. */
gp_process *gp_process_condition(gp_process *prior, const gp_observations *obs, gp_error *err);

/* The posterior of a process made by gp_process_condition, or NULL. */
const gp_posterior *gp_process_posterior(const gp_process *p);

/* Moments at the rows of X (as gp_process.h: mu, var n values; K n x m,
 * Y NULL for Y = X). Inputs are checked as every process function does. */
gp_code gp_posterior_mean(const gp_posterior *p, const gp_matrix *X, double *mu, gp_error *err);
gp_code gp_posterior_var(const gp_posterior *p, const gp_matrix *X, double *var, gp_error *err);
gp_code gp_posterior_cov(const gp_posterior *p, const gp_matrix *X, const gp_matrix *Y,
                         gp_matrix *K, gp_error *err);

/* The log marginal likelihood log p(y | X) and its three terms. */
typedef struct gp_lml {
    double value;      /* data_fit + complexity + constant */
    double data_fit;   /* -(y - m)' A^-1 (y - m) / 2 */
    double complexity; /* -log det A / 2 */
    double constant;   /* -(n / 2) log(2 pi) */
    size_t n;
} gp_lml;

/* The log marginal likelihood of the observations p was conditioned on.
 * Defined when A has full rank (rank n); otherwise the observations have no
 * density (they lie on a subspace) and that is an error that says why. */
gp_code gp_posterior_lml(const gp_posterior *p, gp_lml *out, gp_error *err);

/* The gradient of the log marginal likelihood (Rasmussen & Williams 2006,
 * eq. 5.9): for a parameter theta of A = K + diag(s2),
 *     d log p(y | X) / d theta = (alpha' dA alpha - tr(A^-1 dA)) / 2 = tr(Q dA) / 2,
 *     Q = alpha alpha' - A^-1,  alpha = A^-1 (y - m).
 * gp_posterior_lml_weights fills Q (n x n, preallocated, in the order of the
 * observations) from the factor (one LAPACK dpotri); defined where the
 * likelihood is (A of full rank), an error otherwise. gp_lml_grad_along
 * returns tr(Q dA) / 2 for one direction dA (n x n; NULL for the identity:
 * the derivative by a noise variance common to all observations). */
gp_code gp_posterior_lml_weights(const gp_posterior *p, gp_matrix *Q, gp_error *err);
double gp_lml_grad_along(const gp_matrix *Q, const gp_matrix *dA);

/* log p(y | X) of obs under the Gaussian process prior, in one call
 * (gp_posterior_new, then gp_posterior_lml). */
gp_code gp_process_lml(gp_process *prior, const gp_observations *obs, gp_lml *out,
                       gp_error *err);

/* The report of the conditioning: the factor of A ("cholesky" or
 * "pivoted-cholesky"; n observations, rank r, residual, jitter) with the
 * fields data_residual (above), clipped and clipped_max (how many posterior
 * variances the moments of p have clipped to 0 so far, and the largest of
 * them relative to its prior variance) and noise (the variance, when one for
 * all). */
void gp_posterior_report(const gp_posterior *p, gp_report *r);

/* The number of observations, and the prior (borrowed). */
size_t gp_posterior_size(const gp_posterior *p);
const gp_process *gp_posterior_prior(const gp_posterior *p);

/* "posterior(GP(mean=0, kernel=rbf(...)) given 20 observations at x in
 * [0.1, 4.9], noise variance 0.01)" (snprintf semantics). */
size_t gp_posterior_describe(const gp_posterior *p, char *buf, size_t cap);

/* ---- draws (gp_posterior_sample.c) ------------------------------------------------- *
 *
 * Pathwise conditioning (Matheron's rule; Wilson et al. 2020, "Efficiently
 * sampling functions from Gaussian process posteriors", ICML): with a prior
 * draw f0 at the query points X* and at the active observations X_I, and
 * e ~ N(0, diag(s2_I)),
 *     f(X*) = f0(X*) + k(X*, X_I) A_II^-1 (y_I - f0(X_I) - e)
 * is an exact posterior draw: its mean and covariance are those above. The
 * cost is one prior draw at m + r points (by any of the prior's paths: dense,
 * low-rank, a circulant grid) plus r-point solves and m r kernel values: no
 * m x m posterior covariance is formed or factored. Rounding stays at the
 * level of the prior's variances, where a factorisation of the posterior
 * covariance would see it relative to variances that vanish at noise-free
 * observations. */

/* ns = out->cols draws at the rows of X (m points) into out (m x ns). The
 * prior draw takes the path opt chooses (NULL: defaults). info (may be NULL)
 * receives the summary gp_process_sample_joint_opt reports for a leaf:
 * method GP_FACTOR_PATHWISE, rank min(m, the prior draw's), the largest
 * residual and jitter, and a note that says how the prior was drawn.
 * parts (may be NULL): the reports of the prior draw and of A's factor. */
gp_code gp_posterior_sample(const gp_posterior *p, const gp_matrix *X,
                            const gp_sample_options *opt, gp_rng *rng, gp_matrix *out,
                            gp_factor *info, gp_report parts[2], gp_error *err);

/* ns draws on the regular grid of axis x (1-D; y NULL) or x (x) y (2-D, point
 * i + x->n j is (x_i, y_j), as gp_grid2d_sample) into out (points x ns). When
 * the prior is a leaf with a stationary kernel and every active observation is
 * a point of the grid's lattice (each coordinate a + i h to rounding, i any
 * integer: the grid is extended to cover them, up to 16 times its points),
 * the prior is drawn on the grid by circulant embedding (gp_grid_sample or
 * gp_grid2d_sample with opt; NULL: defaults): 2^20 points cost one grid draw
 * plus r-point solves. Otherwise it is drawn at the grid's points and the
 * observations by gp_posterior_sample (default options), and parts[0]'s
 * reason says why. report: the pathwise draw's (method "pathwise", field
 * observations); parts (may be NULL) as above. */
gp_code gp_posterior_sample_grid(const gp_posterior *p, const gp_grid_axis *x,
                                 const gp_grid_axis *y, const gp_grid_options *opt, gp_rng *rng,
                                 gp_matrix *out, gp_report *report, gp_report parts[2],
                                 gp_error *err);

#endif
