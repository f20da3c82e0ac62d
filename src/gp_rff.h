/* gp_rff.h: APPROXIMATE draws of stationary GPs by random Fourier features
 * (Rahimi & Recht 2007), in any input dimension d.
 *
 * Bochner: a stationary k(x, x') = v rho(x - x') with rho(0) = 1 is
 * v E_omega[cos(omega . (x - x'))] for omega drawn from the normalised spectral
 * density p(omega). One approximate draw, with J features, is
 *     f(x) = sqrt(v / J) sum_{j=1..J} (w_j cos(omega_j . x) + w'_j sin(omega_j . x)),
 * w, w' ~ N(0, I_J), omega_j ~ p iid. Given the features, f is Gaussian with
 * covariance v/J sum_j cos(omega_j . (x - x')), which is k only in expectation
 * over the features (Monte Carlo error O(v / sqrt(J)) for one set of features).
 * Here the features are drawn AFRESH FOR EVERY SAMPLE, so the columns are
 * independent, each exactly unbiased for the covariance: E f(x) f(x') = k(x, x')
 * exactly (averaged over features and weights), but f is not Gaussian (a
 * Gaussian scale mixture; excess kurtosis O(1/J)). It is an approximation;
 * use it where the exact samplers cannot go (many points, d > 1).
 *
 * Spectral densities (l_c the length-scale of dimension c; z ~ N(0, I_d)):
 *   rbf          omega_c = z_c / l_c                                  (Gaussian)
 *   matern nu    omega_c = z_c / l_c * sqrt(2 nu / chi2_{2 nu})       (Student t, 2 nu dof)
 *                exponential exp(-r/l): nu = 1/2; ou exp(-r/(2l)): nu = 1/2 with
 *                length-scale 2 l; matern32: nu = 3/2; matern52: nu = 5/2
 *   rq alpha     omega_c = z_c / l_c * sqrt(tau), tau ~ Gamma(alpha, rate alpha)
 *                (a scale mixture of rbfs; Marsaglia-Tsang gamma draws)
 *   matern nu    as above with chi2_{2 nu} = 2 Gamma(nu, 1) (any nu > 0)
 *   gammaexp g   omega_c = z_c / l_c * sqrt(2 S), S positive (g/2)-stable with
 *                E exp(-s S) = exp(-s^(g/2)) (Kanter's method): exp(-(r/l)^g)
 *                is a scale mixture of rbfs (g = 2: S = 1)
 *   sm           a component q with probability w_q / sum w, then
 *                omega = 2 pi (mu_q + sqrt(v_q) z)
 *   cosine       omega_c = +-2 pi / p_c with independent signs
 * RNG use per sample: for each feature its d normals z and then its chi2
 * normals (2 nu of them) or its gamma or stable draw (sm: a uniform, then
 * the d normals; cosine: d uniforms); then the J weights w, then w'. */
#ifndef GP_RFF_H
#define GP_RFF_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_func.h"
#include "gp_kernel.h"
#include "gp_matrix.h"
#include "gp_rng.h"

#define GP_RFF_METHOD "random-fourier-features (approximate)"

/* "rbf", "exponential", "ou", "matern32", "matern52", "rq", "matern",
 * "gammaexp", "sm", "cosine" ("none"). */
const char *gp_spectral_family_name(gp_spectral_family f);

/* omega (J x d, preallocated; row j = omega_j) drawn from the spectral
 * density of s (from gp_kernel_spectral); s->nls must be 1 or d. */
gp_code gp_rff_frequencies(const gp_spectral *s, gp_rng *rng, gp_matrix *omega, gp_error *err);

typedef struct gp_rff_info {
    gp_spectral_family family;
    size_t features; /* J per sample */
    size_t dim;      /* d */
    double variance; /* k(x, x) */
} gp_rff_info;

/* out (n x ns, preallocated; sample j is column j) = ns independent
 * APPROXIMATE draws of GP(mean, k) at the rows of X (n x d) with J >= 1 fresh
 * features each. k: gp_kernel_spectral(k) != GP_SPECTRAL_NONE (a supported
 * stationary leaf or a non-negative multiple of one); mean may be NULL (zero);
 * info may be NULL. Errors: unsupported or non-stationary kernel (named),
 * sizes, non-finite X, out of memory, a failing mean. */
gp_code gp_rff_sample(const gp_kernel *k, const gp_func *mean, const gp_matrix *X, size_t J,
                      gp_rng *rng, gp_matrix *out, gp_rff_info *info, gp_error *err);

#endif
