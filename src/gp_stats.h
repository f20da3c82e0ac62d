/* gp_stats.h: empirical moments of draws, with standard errors, for checks.
 *
 * S is n x N: row i holds N draws of the value at point i (the layout the
 * samplers return). Standard errors are estimated from the draws themselves
 * (sd of the summands / sqrt N), so they hold for non-Gaussian draws too. */
#ifndef GP_STATS_H
#define GP_STATS_H

#include "gp_error.h"
#include "gp_matrix.h"

/* mean[i] = average of row i; cov (n x n) the unbiased sample covariance;
 * se_mean[i] and se_cov (n x n) their standard errors. N >= 2. Any output
 * pointer except mean may be NULL. */
gp_code gp_stats_moments(const gp_matrix *S, double *mean, gp_matrix *cov, double *se_mean,
                         gp_matrix *se_cov, gp_error *err);

/* Excess kurtosis E[(v - m)^4] / Var^2 - 3 of n >= 2 values (0 for a Gaussian). */
double gp_stats_excess_kurtosis(const double *v, size_t n);

#endif
