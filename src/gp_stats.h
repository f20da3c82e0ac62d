/* gp_stats.h: empirical moments of draws, with standard errors, for checks.
 *
 * S is n x N: row i holds N draws of the value at point i (the layout the
 * samplers return). Standard errors are estimated from the draws themselves
 * (sd of the summands / sqrt N), so they hold for non-Gaussian draws too. */
#ifndef GP_STATS_H
#define GP_STATS_H

#include "gp_error.h"
#include "gp_matrix.h"

/* mean[i] = average of row i; cov (n x n) the unbiased sample covariance
 * c_ij = sum_t d_it d_jt / (N - 1), d_it = S_it - mean_i; se_mean[i] and
 * se_cov (n x n) their standard errors, sd of the summands over sqrt N:
 *   se_mean_i^2 = sum_t d_it^2 / ((N - 1) N),
 *   se_cov_ij^2 = sum_t (d_it d_jt - c_ij)^2 / ((N - 1) N),
 * which for Gaussian draws estimates Var c_ij = (K_ij^2 + K_ii K_jj) / N
 * (the variance of a Wishart entry: T. W. Anderson, An Introduction to
 * Multivariate Statistical Analysis, 3rd ed., 2003, chapter 7). N >= 2; any output pointer except mean may be NULL.
 * Errors: a non-finite draw (named), and results that overflow (draws beyond
 * about 1e154 in size, whose squares do): no output is then left non-finite
 * without an error. */
gp_code gp_stats_moments(const gp_matrix *S, double *mean, gp_matrix *cov, double *se_mean,
                         gp_matrix *se_cov, gp_error *err);

/* *kurtosis = E[(v - m)^4] / Var^2 - 3, the excess kurtosis of n >= 2 values
 * (0 for a Gaussian), moments with divisor n. Errors: fewer than 2 values, a
 * non-finite value (named), all values equal (variance 0: undefined), and
 * values so large that the fourth moment overflows. */
gp_code gp_stats_excess_kurtosis(const double *v, size_t n, double *kurtosis, gp_error *err);

#endif
