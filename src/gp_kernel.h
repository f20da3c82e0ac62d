/* gp_kernel.h: covariance functions k(x, x') and their algebra.
 *
 * A gp_kernel is an immutable, reference-counted expression tree. Leaves are
 * the kernels below; inner nodes are sums, products, scalings, output warps and
 * input transforms, each holding references to its children. Constructors
 * validate their parameters and return NULL with err filled in on bad input
 * ("rbf: lengthscale must be > 0, got -1"). r = ||x - x'|| (Euclidean); with
 * per-dimension length-scales l_j, r/l is read as sqrt(sum_j ((x_j - x'_j)/l_j)^2).
 *
 * Parametrisations (a = amplitude, l = lengthscale):
 *   rbf          a^2 exp(-r^2 / (2 l^2))
 *   ou           a^2 exp(-r / (2 l))          (d2l's Ornstein-Uhlenbeck convention)
 *   exponential  a^2 exp(-r / l)              (Rasmussen & Williams' Matern 1/2)
 *   matern32     a^2 (1 + sqrt3 r/l) exp(-sqrt3 r/l)
 *   matern52     a^2 (1 + sqrt5 r/l + 5 r^2/(3 l^2)) exp(-sqrt5 r/l)
 *   periodic     a^2 exp(-2 sum_j sin^2(pi (x_j - x'_j) / p) / l^2)   (MacKay; scalar l;
 *                in 1-D sin^2(pi r / p); in d-D a product of 1-D periodic kernels, which
 *                stays PSD where sin^2 of the Euclidean r would not)
 *   rq           a^2 (1 + r^2 / (2 alpha l^2))^(-alpha)
 *   linear       offset + variance x.x'
 *   polynomial   (offset + variance x.x')^degree
 *   nn           offset + variance (2/pi) asin(2 xt'S xt' / sqrt((1 + 2 xt'S xt)(1 + 2 xt''S xt'')))
 *                with xt = (1, x_1..x_P) and S = Sigma ((P+1) x (P+1), symmetric PSD)
 *   brownian     variance min(x, x')         (1-D, x >= 0)
 *   constant     c
 *   white        variance [x == x']          (exact equality of the input rows)
 */
#ifndef GP_KERNEL_H
#define GP_KERNEL_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_func.h"
#include "gp_matrix.h"

typedef struct gp_kernel gp_kernel;

/* Stationary kernels: nls = 1 for one length-scale, or nls = d for one per
 * input dimension. */
gp_kernel *gp_kernel_rbf(double amplitude, const double *ls, size_t nls, gp_error *err);
gp_kernel *gp_kernel_ou(double amplitude, const double *ls, size_t nls, gp_error *err);
gp_kernel *gp_kernel_exponential(double amplitude, const double *ls, size_t nls, gp_error *err);
gp_kernel *gp_kernel_matern32(double amplitude, const double *ls, size_t nls, gp_error *err);
gp_kernel *gp_kernel_matern52(double amplitude, const double *ls, size_t nls, gp_error *err);
gp_kernel *gp_kernel_rq(double amplitude, const double *ls, size_t nls, double alpha,
                        gp_error *err);
gp_kernel *gp_kernel_periodic(double amplitude, double lengthscale, double period, gp_error *err);

gp_kernel *gp_kernel_linear(double variance, double offset, gp_error *err);
gp_kernel *gp_kernel_polynomial(double variance, double offset, int degree, gp_error *err);
/* Sigma: dim x dim column-major (dim = P + 1, the first row/column for the bias u_0). */
gp_kernel *gp_kernel_nn(const double *Sigma, size_t dim, double variance, double offset,
                        gp_error *err);
gp_kernel *gp_kernel_brownian(double variance, gp_error *err);
gp_kernel *gp_kernel_constant(double value, gp_error *err);
gp_kernel *gp_kernel_white(double variance, gp_error *err);

/* Algebra. Each takes new references to its operands (the caller keeps its own). */
gp_kernel *gp_kernel_sum(gp_kernel *a, gp_kernel *b, gp_error *err);
gp_kernel *gp_kernel_product(gp_kernel *a, gp_kernel *b, gp_error *err);
gp_kernel *gp_kernel_scale(double c, gp_kernel *k, gp_error *err); /* c >= 0 */
gp_kernel *gp_kernel_warp(gp_kernel *k, gp_func *a, gp_error *err); /* a(x) a(x') k(x, x') */
/* Input transforms: k(T(x), T(x')). stretch: x_j * s_j; shift: x_j - c_j (n = 1 or d);
 * select: keep the listed 0-based dimensions, in that order. */
gp_kernel *gp_kernel_stretch(gp_kernel *k, const double *s, size_t n, gp_error *err);
gp_kernel *gp_kernel_shift(gp_kernel *k, const double *c, size_t n, gp_error *err);
gp_kernel *gp_kernel_select(gp_kernel *k, const size_t *dims, size_t n, gp_error *err);

gp_kernel *gp_kernel_retain(gp_kernel *k);
void gp_kernel_release(gp_kernel *k); /* NULL is fine */

/* K = k(X, Y): X is n x d, Y is m x d, K is n x m (preallocated). Y == NULL
 * means Y = X; then K is n x n, symmetric, and only one triangle is computed
 * (then mirrored). Errors: empty X, mismatched d, dimension the kernel cannot
 * take, non-finite inputs, callback failure. */
gp_code gp_kernel_gram(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, gp_matrix *K,
                       gp_error *err);

/* out[i] = k(x_i, x_i) for the rows of X (n values): the prior variances. */
gp_code gp_kernel_diag(const gp_kernel *k, const gp_matrix *X, double *out, gp_error *err);

/* The whole expression with every parameter, e.g.
 * "rbf(amplitude=1, lengthscale=1) + 0.5 * linear(variance=1, offset=0)"
 * (snprintf semantics; returns the length it needed). */
size_t gp_kernel_describe(const gp_kernel *k, char *buf, size_t cap);

/* ---- introspection (for the grid and spectral samplers) ------------------- */

/* 1 if k(x, x') depends on x - x' only: the stationary leaves (rbf, ou,
 * exponential, matern32/52, rq, periodic), constant and white, and sums,
 * products, non-negative scalings, stretches, shifts and selections of
 * stationary kernels (k0(s x - s x'), k0((x - c) - (x' - c)) = k0(x - x')).
 * 0 for linear, polynomial, nn, brownian and anything warped. */
int gp_kernel_is_stationary(const gp_kernel *k);

typedef enum gp_spectral_family {
    GP_SPECTRAL_NONE = 0,
    GP_SPECTRAL_RBF,         /* a^2 exp(-r^2 / (2 l^2)) */
    GP_SPECTRAL_EXPONENTIAL, /* a^2 exp(-r / l)         (Matern 1/2) */
    GP_SPECTRAL_OU,          /* a^2 exp(-r / (2 l))     (the exponential with length-scale 2 l) */
    GP_SPECTRAL_MATERN32,
    GP_SPECTRAL_MATERN52,
    GP_SPECTRAL_RQ           /* a^2 (1 + r^2 / (2 alpha l^2))^(-alpha) */
} gp_spectral_family;

typedef struct gp_spectral {
    gp_spectral_family family;
    double variance;  /* k(x, x): a^2 times every scaling above the leaf */
    const double *ls; /* the leaf's nls length-scales (points into k: valid while k lives) */
    size_t nls;       /* 1, or one per input dimension */
    double alpha;     /* rq only */
} gp_spectral;

/* If k is one of the leaves above, or a chain of non-negative scalings of one,
 * fill *out (may be NULL) and return its family; otherwise GP_SPECTRAL_NONE
 * (sums, products, periodic, constant, white, transforms, non-stationary). */
gp_spectral_family gp_kernel_spectral(const gp_kernel *k, gp_spectral *out);

#endif
