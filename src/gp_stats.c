#include "gp_stats.h"

#include <math.h>
#include <stdlib.h>

/* The first non-finite output of n values, or (size_t)-1. */
static size_t first_nonfinite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return i;
    return (size_t)-1;
}

static gp_code overflow(const char *what, gp_error *err)
{
    return gp_error_set(err, GP_ERR_NUMERIC,
                        "moments: the %s overflows (draws of size beyond about 1e154 have "
                        "squares beyond the largest double): rescale the draws",
                        what);
}

gp_code gp_stats_moments(const gp_matrix *S, double *mean, gp_matrix *cov, double *se_mean,
                         gp_matrix *se_cov, gp_error *err)
{
    size_t n = S->rows, N = S->cols;
    if (N < 2 || n == 0)
        return gp_error_set(err, GP_ERR_DIM, "moments: need at least 2 draws (columns), got %zu",
                            N);
    if ((cov && (cov->rows != n || cov->cols != n)) ||
        (se_cov && (se_cov->rows != n || se_cov->cols != n)))
        return gp_error_set(err, GP_ERR_DIM, "moments: covariance outputs must be %zu x %zu", n, n);
    gp_code rc = gp_matrix_check_finite(S, "moments", "S", err);
    if (rc)
        return rc;
    double dN = (double)N;
    for (size_t i = 0; i < n; i++) {
        double s = 0, ss = 0;
        for (size_t t = 0; t < N; t++)
            s += GP_AT(S, i, t);
        mean[i] = s / dN;
        if (!isfinite(s)) { /* the sum overflowed; a mean of finite values does not */
            mean[i] = 0;
            for (size_t t = 0; t < N; t++)
                mean[i] += GP_AT(S, i, t) / dN;
        }
        for (size_t t = 0; t < N; t++)
            ss += (GP_AT(S, i, t) - mean[i]) * (GP_AT(S, i, t) - mean[i]);
        if (se_mean)
            se_mean[i] = sqrt(ss / (dN - 1) / dN);
    }
    if (first_nonfinite(mean, n) != (size_t)-1)
        return overflow("mean", err);
    if (se_mean && first_nonfinite(se_mean, n) != (size_t)-1)
        return overflow("standard error of the mean", err);
    if (!cov && !se_cov)
        return GP_OK;
    for (size_t j = 0; j < n; j++)
        for (size_t i = j; i < n; i++) {
            double s = 0, ss = 0;
            for (size_t t = 0; t < N; t++)
                s += (GP_AT(S, i, t) - mean[i]) * (GP_AT(S, j, t) - mean[j]);
            double c = s / (dN - 1);
            if (!isfinite(c))
                return overflow("covariance", err);
            if (se_cov) {
                for (size_t t = 0; t < N; t++) {
                    double p = (GP_AT(S, i, t) - mean[i]) * (GP_AT(S, j, t) - mean[j]) - c;
                    ss += p * p;
                }
                GP_AT(se_cov, i, j) = GP_AT(se_cov, j, i) = sqrt(ss / (dN - 1) / dN);
                if (!isfinite(GP_AT(se_cov, i, j)))
                    return overflow("standard error of the covariance", err);
            }
            if (cov)
                GP_AT(cov, i, j) = GP_AT(cov, j, i) = c;
        }
    return GP_OK;
}

gp_code gp_stats_excess_kurtosis(const double *v, size_t n, double *kurtosis, gp_error *err)
{
    if (n < 2)
        return gp_error_set(err, GP_ERR_DIM, "kurtosis: need at least 2 values, got %zu", n);
    size_t bad = first_nonfinite(v, n);
    if (bad != (size_t)-1)
        return gp_error_set(err, GP_ERR_ARG, "kurtosis: v[%zu] is %g (values must be finite)",
                            bad + 1, v[bad]);
    /* The kurtosis does not change with scale: work with e_i = (w_i - mean w) / s,
     * w_i = v_i / max |v|, s = max |w_i - mean w|, all in [-1, 1], so no power
     * of them overflows, and at least one is +-1, so m2 >= 1/n > 0. */
    double dn = (double)n, big = 0, mw = 0, s = 0, m2 = 0, m4 = 0;
    for (size_t i = 0; i < n; i++)
        big = fmax(big, fabs(v[i]));
    for (size_t i = 0; big > 0 && i < n; i++)
        mw += v[i] / big;
    mw /= dn;
    for (size_t i = 0; big > 0 && i < n; i++)
        s = fmax(s, fabs(v[i] / big - mw));
    if (s == 0)
        return gp_error_set(err, GP_ERR_ARG,
                            "kurtosis: all %zu values are equal (%g), so the variance is 0 and the "
                            "kurtosis is undefined",
                            n, v[0]);
    for (size_t i = 0; i < n; i++) {
        double e = (v[i] / big - mw) / s, e2 = e * e;
        m2 += e2;
        m4 += e2 * e2;
    }
    m2 /= dn;
    m4 /= dn;
    *kurtosis = m4 / (m2 * m2) - 3.0;
    return GP_OK;
}
