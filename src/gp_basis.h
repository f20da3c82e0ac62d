/* gp_basis.h: feature maps phi: R^d -> R^J for weight-space models
 * f(x) = w^T phi(x) (d2l.ai section 18.2, parts 1-3).
 *
 * A gp_basis is immutable and reference-counted (like gp_kernel). It is
 * evaluated on the rows of X (n x d) into Phi (n x J, column-major):
 * Phi(i, k) = phi_k(x_i).
 *
 *   polynomial  phi_k(x) = x^k, k = 0..p (1-D), J = p + 1.
 *   bumps       phi_k(x) = exp(-(x - c_k)^2 / (2 l^2)) (1-D), k = 0..J-1,
 *               J >= 2 centres at the MIDPOINTS of J equal cells covering
 *               [-log J, log J]: dc = 2 log J / J, c_k = -log J + (k + 1/2) dc.
 *   fourier     phi_k(x) = a sqrt(2/J) cos(omega_k . x + b_k) (any d), random
 *               features (Rahimi & Recht 2007) drawn once at construction:
 *               omega_k ~ N(0, I / l^2), b_k ~ U[0, 2 pi). With w ~ N(0, I) the
 *               implied kernel phi(x)^T phi(x') is a Monte Carlo APPROXIMATION
 *               of the RBF kernel a^2 exp(-||x - x'||^2 / (2 l^2)) (error of
 *               order a^2 / sqrt(J)), not the kernel itself.
 * Constructors return NULL with err filled on bad parameters
 * ("bumps: J must be >= 2, got 0"). */
#ifndef GP_BASIS_H
#define GP_BASIS_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_matrix.h"
#include "gp_rng.h"

/* Largest number of features a basis may have (and largest degree + 1). */
#define GP_BASIS_MAX_SIZE 10000000u
#define GP_BASIS_MAX_DEGREE 1000

typedef struct gp_basis gp_basis;

/* Sizes (degree, J, dim) are taken as the user gave them (long long), so that
 * a negative or huge request is reported with its real value. */

/* (1, x, ..., x^degree): 0 <= degree <= GP_BASIS_MAX_DEGREE. */
gp_basis *gp_basis_polynomial(long long degree, gp_error *err);

/* J >= 2 Gaussian bumps of length-scale l > 0 (finite), centres as above. */
gp_basis *gp_basis_bumps(long long J, double lengthscale, gp_error *err);

/* J >= 1 random Fourier features on d >= 1 input dimensions for the RBF kernel
 * with length-scale l > 0 and amplitude a >= 0 (finite). Draws from rng, in
 * this order: the J x d normals of omega (feature by feature, omega_k's d
 * coordinates together), then the J uniforms of b. */
gp_basis *gp_basis_fourier(long long J, long long dim, double lengthscale, double amplitude,
                           gp_rng *rng, gp_error *err);

gp_basis *gp_basis_retain(gp_basis *b);
void gp_basis_release(gp_basis *b); /* NULL is fine */

size_t gp_basis_size(const gp_basis *b);    /* J */
size_t gp_basis_dim(const gp_basis *b);     /* d, the input dimension */
double gp_basis_spacing(const gp_basis *b); /* dc = 2 log J / J (bumps); 0 otherwise */

/* Phi (n x J, preallocated) = phi(x_i) for the rows of X (n x d). Errors: X
 * empty, X has a column count other than d (the message names both), a
 * non-finite input, Phi of the wrong shape, a non-finite feature (x^p overflow). */
gp_code gp_basis_eval(const gp_basis *b, const gp_matrix *X, gp_matrix *Phi, gp_error *err);

/* "bumps(J=100, lengthscale=1, dc=0.0921)" (snprintf semantics; returns the
 * length it needed). */
size_t gp_basis_describe(const gp_basis *b, char *buf, size_t cap);

#endif
