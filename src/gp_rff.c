/* gp_rff.c: approximate draws by random Fourier features (see gp_rff.h). */
#include "gp_rff.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gp_math.h"

const char *gp_spectral_family_name(gp_spectral_family f)
{
    switch (f) {
    case GP_SPECTRAL_RBF: return "rbf";
    case GP_SPECTRAL_EXPONENTIAL: return "exponential";
    case GP_SPECTRAL_OU: return "ou";
    case GP_SPECTRAL_MATERN32: return "matern32";
    case GP_SPECTRAL_MATERN52: return "matern52";
    case GP_SPECTRAL_RQ: return "rq";
    case GP_SPECTRAL_MATERN: return "matern";
    case GP_SPECTRAL_GAMMAEXP: return "gammaexp";
    case GP_SPECTRAL_SM: return "sm";
    case GP_SPECTRAL_COSINE: return "cosine";
    default: return "none";
    }
}

/* Gamma(shape, 1) (Marsaglia & Tsang 2000; shape < 1 by G(shape + 1) U^(1/shape)). */
static double gamma_draw(gp_rng *rng, double shape)
{
    if (shape < 1.0) {
        double g = gamma_draw(rng, shape + 1.0);
        return g * pow(gp_rng_uniform(rng), 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = gp_rng_normal(rng), v = 1.0 + c * x;
        if (v <= 0)
            continue;
        v = v * v * v;
        double u = gp_rng_uniform(rng);
        if (u < 1.0 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
            return d * v;
    }
}

/* A positive alpha-stable variable, E exp(-s S) = exp(-s^alpha), 0 < alpha <= 1
 * (Kanter 1975): with U ~ Uniform(0, pi), E ~ Exp(1) and Zolotarev's
 * A(U) = (sin(alpha U)^alpha sin((1 - alpha) U)^(1 - alpha) / sin U)^(1/(1 - alpha)),
 * S = (A(U) / E)^((1 - alpha)/alpha)
 *   = sin(alpha U) sin((1 - alpha) U)^((1 - alpha)/alpha) / (sin(U)^(1/alpha) E^((1 - alpha)/alpha)). */
static double positive_stable(gp_rng *rng, double alpha)
{
    if (alpha >= 1)
        return 1.0;
    double u;
    do
        u = GP_PI * gp_rng_uniform(rng);
    while (u == 0);
    const double e = -log(1.0 - gp_rng_uniform(rng)); /* uniform in [0, 1): e finite */
    const double r = (1.0 - alpha) / alpha;
    return sin(alpha * u) * pow(sin((1.0 - alpha) * u) / e, r) / pow(sin(u), 1.0 / alpha);
}

/* Degrees of freedom 2 nu of the Student-t spectral density (0 for rbf / rq),
 * and the factor on the length-scale (2 for ou: exp(-r / (2 l))). */
static int matern_dof(gp_spectral_family f, double *lfac)
{
    *lfac = f == GP_SPECTRAL_OU ? 2.0 : 1.0;
    switch (f) {
    case GP_SPECTRAL_EXPONENTIAL:
    case GP_SPECTRAL_OU: return 1;
    case GP_SPECTRAL_MATERN32: return 3;
    case GP_SPECTRAL_MATERN52: return 5;
    default: return 0;
    }
}

/* Row j of omega for a spectral mixture: a component q with probability
 * w_q / sum w, then 2 pi (mu_q + sqrt(v_q) z) (the cosine does not see the
 * sign of the symmetrised mixture). */
static void sm_frequency(const gp_spectral *s, gp_rng *rng, gp_matrix *omega, size_t j)
{
    double total = 0, acc = 0;
    for (size_t q = 0; q < s->q; q++)
        total += s->weights[q];
    const double r = gp_rng_uniform(rng) * total;
    size_t q = 0;
    while (q + 1 < s->q && (acc += s->weights[q]) <= r)
        q++;
    for (size_t c = 0; c < omega->cols; c++)
        GP_AT(omega, j, c) = 2.0 * GP_PI *
                             (s->means[c * s->q + q] +
                              sqrt(s->variances[c * s->q + q]) * gp_rng_normal(rng));
}

gp_code gp_rff_frequencies(const gp_spectral *s, gp_rng *rng, gp_matrix *omega, gp_error *err)
{
    if (!s || !rng || !omega || !omega->data || omega->rows == 0 || omega->cols == 0)
        return gp_error_set(err, GP_ERR_ARG, "rff: frequencies need a spectral family, a "
                                             "generator and a non-empty J x d output");
    const size_t J = omega->rows, d = omega->cols;
    if (s->family == GP_SPECTRAL_NONE)
        return gp_error_set(err, GP_ERR_ARG, "rff: no spectral density for this kernel");
    if (s->family == GP_SPECTRAL_SM) {
        if (s->dim != d || s->q == 0)
            return gp_error_set(err, GP_ERR_DIM, "rff: the mixture is %zu-D, the input %zu-D",
                                s->dim, d);
        for (size_t j = 0; j < J; j++)
            sm_frequency(s, rng, omega, j);
        return GP_OK;
    }
    if (!s->ls || (s->nls != 1 && s->nls != d))
        return gp_error_set(err, GP_ERR_DIM,
                            "rff: the kernel has %zu length-scales for %zu-D input (need 1 or %zu)",
                            s->nls, d, d);
    if (s->family == GP_SPECTRAL_COSINE) { /* +-2 pi / p_c, independent signs */
        for (size_t j = 0; j < J; j++)
            for (size_t c = 0; c < d; c++)
                GP_AT(omega, j, c) = (gp_rng_uniform(rng) < 0.5 ? -2.0 : 2.0) * GP_PI /
                                     s->ls[s->nls == 1 ? 0 : c];
        return GP_OK;
    }
    if (s->family == GP_SPECTRAL_RQ && !(s->alpha > 0 && isfinite(s->alpha)))
        return gp_error_set(err, GP_ERR_ARG, "rff: rq alpha must be > 0, got %g", s->alpha);
    double lfac;
    const int dof = matern_dof(s->family, &lfac);
    for (size_t j = 0; j < J; j++) {
        for (size_t c = 0; c < d; c++)
            GP_AT(omega, j, c) = gp_rng_normal(rng) / (lfac * s->ls[s->nls == 1 ? 0 : c]);
        double scale = 1.0;
        if (dof > 0) {
            double chi2 = 0;
            for (int t = 0; t < dof; t++) {
                double z = gp_rng_normal(rng);
                chi2 += z * z;
            }
            scale = sqrt((double)dof / chi2); /* chi2 = 0 has probability 0 */
        } else if (s->family == GP_SPECTRAL_RQ) {
            scale = sqrt(gamma_draw(rng, s->alpha) / s->alpha);
        } else if (s->family == GP_SPECTRAL_MATERN) { /* chi2 with 2 nu dof = 2 Gamma(nu) */
            scale = sqrt(s->nu / gamma_draw(rng, s->nu));
        } else if (s->family == GP_SPECTRAL_GAMMAEXP) { /* exp(-v^(g/2)) = E exp(-S v) */
            scale = sqrt(2.0 * positive_stable(rng, 0.5 * s->gamma));
        }
        if (scale != 1.0)
            for (size_t c = 0; c < d; c++)
                GP_AT(omega, j, c) *= scale;
    }
    return GP_OK;
}

static gp_code check_args(const gp_kernel *k, const gp_matrix *X, size_t J, gp_rng *rng,
                          const gp_matrix *out, gp_spectral *s, gp_error *err)
{
    if (!k || !X || !rng || !out || !out->data)
        return gp_error_set(err, GP_ERR_ARG, "rff: %s is missing (NULL)",
                            !k ? "kernel" : !X ? "input" : !rng ? "generator" : "output");
    if (gp_kernel_spectral(k, s) == GP_SPECTRAL_NONE) {
        char kt[256];
        size_t len = gp_kernel_describe(k, kt, sizeof kt);
        if (len >= sizeof kt)
            memcpy(kt + sizeof kt - 4, "...", 4);
        return gp_error_set(err, GP_ERR_ARG,
                            "rff: kernel %s %s; random Fourier features take rbf, exponential, "
                            "ou, matern32, matern52, matern, rq, gammaexp, sm, cosine or a "
                            "non-negative multiple of one: use the exact sampler (f:sample)",
                            kt,
                            gp_kernel_is_stationary(k) ? "has no supported spectral density"
                                                       : "is not stationary");
    }
    if (!X->data || X->rows == 0 || X->cols == 0)
        return gp_error_set(err, GP_ERR_DIM, "rff: input X is empty (%zu x %zu)", X->rows,
                            X->cols);
    size_t bad = gp_matrix_find_nonfinite(X);
    if (bad != (size_t)-1)
        return gp_error_set(err, GP_ERR_ARG, "rff: input X has a non-finite value at row %zu",
                            bad % X->rows + 1);
    if (s->family != GP_SPECTRAL_SM && s->nls != 1 && s->nls != X->cols)
        return gp_error_set(err, GP_ERR_DIM,
                            "rff: the kernel has %zu length-scales for %zu-D input (need 1 or %zu)",
                            s->nls, X->cols, X->cols);
    if (J < 1)
        return gp_error_set(err, GP_ERR_ARG, "rff: need at least 1 feature, got 0");
    if (out->rows != X->rows || out->cols < 1)
        return gp_error_set(err, GP_ERR_DIM, "rff: output is %zu x %zu, expected %zu x ns (ns >= 1)",
                            out->rows, out->cols, X->rows);
    if (J > SIZE_MAX / sizeof(double) / (X->cols + 2))
        return gp_error_set(err, GP_ERR_NOMEM, "rff: too many features (%zu)", J);
    return GP_OK;
}

gp_code gp_rff_sample(const gp_kernel *k, const gp_func *mean, const gp_matrix *X, size_t J,
                      gp_rng *rng, gp_matrix *out, gp_rff_info *info, gp_error *err)
{
    gp_spectral s;
    gp_code rc = check_args(k, X, J, rng, out, &s, err);
    if (rc)
        return rc;
    const size_t n = X->rows, d = X->cols, ns = out->cols;
    if (info) {
        info->family = s.family;
        info->features = J;
        info->dim = d;
        info->variance = s.variance;
    }
    double *block = malloc(J * (d + 2) * sizeof *block);
    double *mu = mean && !gp_func_is_zero(mean) ? malloc(n * sizeof *mu) : NULL;
    if (!block || (mean && !gp_func_is_zero(mean) && !mu)) {
        rc = gp_error_set(err, GP_ERR_NOMEM, "rff: out of memory for %zu features", J);
        goto done;
    }
    if (mu && (rc = gp_func_eval_rows(mean, X, mu, err)) != GP_OK)
        goto done;
    gp_matrix omega = {J, d, block};
    double *w = block + J * d, *w2 = w + J;
    const double amp = sqrt(s.variance / (double)J);
    for (size_t t = 0; t < ns; t++) {
        rc = gp_rff_frequencies(&s, rng, &omega, err);
        if (rc)
            goto done;
        gp_rng_normals(rng, w, J);
        gp_rng_normals(rng, w2, J);
        double *f = &GP_AT(out, 0, t);
        for (size_t i = 0; i < n; i++)
            f[i] = 0.0;
        for (size_t j = 0; j < J; j++) {
            for (size_t i = 0; i < n; i++) {
                double ph = 0;
                for (size_t c = 0; c < d; c++)
                    ph += GP_AT(&omega, j, c) * GP_AT(X, i, c);
                f[i] += w[j] * cos(ph) + w2[j] * sin(ph);
            }
        }
        for (size_t i = 0; i < n; i++)
            f[i] = amp * f[i] + (mu ? mu[i] : 0.0);
    }
done:
    free(mu);
    free(block);
    return rc;
}
