#include "gp_stats.h"

#include <math.h>
#include <stdlib.h>

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
    double dN = (double)N;
    for (size_t i = 0; i < n; i++) {
        double s = 0, ss = 0;
        for (size_t t = 0; t < N; t++)
            s += GP_AT(S, i, t);
        mean[i] = s / dN;
        for (size_t t = 0; t < N; t++)
            ss += (GP_AT(S, i, t) - mean[i]) * (GP_AT(S, i, t) - mean[i]);
        if (se_mean)
            se_mean[i] = sqrt(ss / (dN - 1) / dN);
    }
    if (!cov && !se_cov)
        return GP_OK;
    for (size_t j = 0; j < n; j++)
        for (size_t i = j; i < n; i++) {
            double s = 0, ss = 0;
            for (size_t t = 0; t < N; t++)
                s += (GP_AT(S, i, t) - mean[i]) * (GP_AT(S, j, t) - mean[j]);
            double c = s / (dN - 1);
            if (se_cov) {
                for (size_t t = 0; t < N; t++) {
                    double p = (GP_AT(S, i, t) - mean[i]) * (GP_AT(S, j, t) - mean[j]) - c;
                    ss += p * p;
                }
                GP_AT(se_cov, i, j) = GP_AT(se_cov, j, i) = sqrt(ss / (dN - 1) / dN);
            }
            if (cov)
                GP_AT(cov, i, j) = GP_AT(cov, j, i) = c;
        }
    return GP_OK;
}

double gp_stats_excess_kurtosis(const double *v, size_t n)
{
    double m = 0, m2 = 0, m4 = 0;
    for (size_t i = 0; i < n; i++)
        m += v[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = (v[i] - m) * (v[i] - m);
        m2 += d;
        m4 += d * d;
    }
    m2 /= (double)n;
    m4 /= (double)n;
    return m4 / (m2 * m2) - 3.0;
}
