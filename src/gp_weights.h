/* gp_weights.h: weight-space models f(x) = w^T phi(x), w ~ N(u, S)
 * (d2l.ai section 18.2, parts 1-3), and the random one-hidden-layer erf
 * network (part 4).
 *
 * Weight-space model. For inputs X (n x d) with features Phi = phi(X) (n x J):
 *   mean      mu = Phi u                      (m(x) = u^T phi(x))
 *   kernel    K = Phi_X S Phi_Y^T             (k(x, x') = phi(x)^T S phi(x'))
 *   sample    W = u 1^T + L Z (J x ns, S = L L^T factored once, rank-aware,
 *             by gp_mvn_factor at construction), then F = Phi W (n x ns).
 * S is either a dense symmetric PSD J x J matrix or s I (stored as the number
 * s, so J = 10^5 bumps cost no J x J matrix). Both are checked at
 * construction: a non-symmetric or non-PSD S is an error there.
 *
 * The chapter's RBF-bump model (gp_weights_bumps): bumps basis with J centres,
 * spacing dc = 2 log J / J, and w ~ N(0, sigma^2 dc I). Its kernel
 * sigma^2 dc sum_k phi_k(x) phi_k(x') is a midpoint rule for
 * sigma^2 int phi_c(x) phi_c(x') dc, so as J -> inf it tends to
 *   k(x, x') = sqrt(pi) l sigma^2 exp(-(x - x')^2 / (4 l^2)),
 * an RBF kernel with amplitude^2 = sqrt(pi) l sigma^2 and length-scale sqrt(2) l
 * (gp_bumps_limit).
 *
 * Erf network: f(x) = b + sum_{i=1..J} v_i erf(u_i0 + sum_j u_ij x_j) with
 * b ~ N(0, offset), v_i ~ N(0, variance / J), u_i ~ N(0, Sigma) ((d+1) x (d+1),
 * symmetric PSD). One draw is a fresh network (fresh b, v, u). Its covariance
 * is EXACTLY the nn (arcsin) kernel of gp_kernel_nn with the same Sigma,
 * variance and offset at every J (the expectation over u and v does not
 * depend on J); what J controls is Gaussianity: f(x) is a sum of J i.i.d.
 * terms plus b, so its excess kurtosis falls like 1/J (J = 1 is far from
 * Gaussian), and the GP is the J -> inf limit. */
#ifndef GP_WEIGHTS_H
#define GP_WEIGHTS_H

#include <stddef.h>

#include "gp_basis.h"
#include "gp_error.h"
#include "gp_kernel.h"
#include "gp_matrix.h"
#include "gp_rng.h"
#include "gp_sampler.h"

typedef struct gp_weights gp_weights;

/* A model holding a reference to basis. u: J values, or NULL for zeros.
 * S: J x J symmetric PSD (copied), or NULL for S = s I with s finite >= 0 (s is
 * ignored when S is given). Symmetry tolerance: 1e-10 max |S_ij|; the stored
 * S is the mean of S and S^T. Errors name the bad entry: non-finite u or S,
 * S of the wrong shape, not symmetric, not PSD (GP_ERR_NOT_PSD). */
gp_weights *gp_weights_new(gp_basis *basis, const double *u, const gp_matrix *S, double s,
                           gp_error *err);

/* The chapter's model: gp_basis_bumps(J, l) with w ~ N(0, sigma^2 dc I);
 * J >= 2 (as given, see gp_basis.h), sigma finite >= 0. */
gp_weights *gp_weights_bumps(long long J, double lengthscale, double sigma, gp_error *err);

/* The J -> inf limit of the bumps model's kernel, as a new kernel:
 * sqrt(pi) l sigma^2 exp(-(x - y)^2 / (4 l^2)) = rbf with amplitude
 * a = (sqrt(pi) l)^(1/2) sigma and length-scale sqrt(2) l. Errors: l not
 * finite and > 0, sigma not finite and >= 0. */
gp_kernel *gp_bumps_limit(double lengthscale, double sigma, gp_error *err);

void gp_weights_release(gp_weights *m); /* frees m; NULL is fine */

const gp_basis *gp_weights_basis(const gp_weights *m);
size_t gp_weights_size(const gp_weights *m); /* J */
/* The factor of the weights' covariance S (method, rank, residual), or NULL
 * when S = s I; and s (meaningful only then). For sampling reports. */
const gp_factor *gp_weights_cov_factor(const gp_weights *m);
double gp_weights_cov_scale(const gp_weights *m);

/* Every result below is checked: one that overflowed (features or weights so
 * large that a product is beyond the largest double) is an error. */

/* mu[i] = u^T phi(x_i) (n values). */
gp_code gp_weights_mean(const gp_weights *m, const gp_matrix *X, double *mu, gp_error *err);
/* var[i] = phi(x_i)^T S phi(x_i) (n values). */
gp_code gp_weights_var(const gp_weights *m, const gp_matrix *X, double *var, gp_error *err);
/* sd[i] = sqrt(var[i]) (n values). */
gp_code gp_weights_sd(const gp_weights *m, const gp_matrix *X, double *sd, gp_error *err);
/* K (n x m, preallocated) = Phi_X S Phi_Y^T, with BLAS (dsymm + dgemm, or one
 * dgemm/dsyrk for s I). Y == NULL means Y = X; K is then exactly symmetric
 * (the lower triangle is mirrored). */
gp_code gp_weights_cov(const gp_weights *m, const gp_matrix *X, const gp_matrix *Y, gp_matrix *K,
                       gp_error *err);
/* ns = F->cols draws: W (J x ns) = u + L Z (Z from rng column by column, as in
 * gp_mvn_draw; for s I, W = u + sqrt(s) Z), then F (n x ns) = Phi_X W (one
 * dgemm). W may be NULL (then a temporary is used). */
gp_code gp_weights_sample(const gp_weights *m, const gp_matrix *X, gp_rng *rng, gp_matrix *F,
                          gp_matrix *W, gp_error *err);

/* "weights(basis=polynomial basis(...), mean=(1, 0, 2), cov=4 x 4 matrix of rank 4)". */
size_t gp_weights_describe(const gp_weights *m, char *buf, size_t cap);

/* ---- the random erf network ------------------------------------------------ */

typedef struct gp_erfnet gp_erfnet;

/* J >= 1 hidden units (as given); Sigma (d+1) x (d+1), d >= 1, symmetric PSD
 * (copied); variance = sv^2 >= 0, offset = sb^2 >= 0, finite. */
gp_erfnet *gp_erfnet_new(long long J, const gp_matrix *Sigma, double variance, double offset,
                         gp_error *err);
void gp_erfnet_release(gp_erfnet *net); /* frees net; NULL is fine */

size_t gp_erfnet_size(const gp_erfnet *net); /* J */
size_t gp_erfnet_dim(const gp_erfnet *net);  /* d (Sigma is (d+1) x (d+1)) */

/* F (n x ns, preallocated): column s is a fresh network evaluated at the rows
 * of X (n x d). One 64-bit output of rng is taken as a seed; network s draws
 * from its own generator gp_rng_seed(seed + s), in this order: U^T = L_Sigma Z
 * ((d+1) x J, gp_mvn_draw), then the J normals of v, then the normal of b.
 * Pre-activations [1 X] U^T with one dgemm, erf (gp_verf), then b + H v
 * (dgemv). The networks are shared among threads (gp_parallel.h); each
 * column depends only on the seed and s, so F is the same bits whatever the
 * thread count. */
gp_code gp_erfnet_sample(const gp_erfnet *net, const gp_matrix *X, gp_rng *rng, gp_matrix *F,
                         gp_error *err);

/* The J -> inf limit (and the exact covariance at every J): a new nn kernel
 * gp_kernel_nn(Sigma, d + 1, variance, offset). */
gp_kernel *gp_erfnet_kernel(const gp_erfnet *net, gp_error *err);

/* "erf_network(J=100, Sigma={{1, 0}, {0, 10}}, variance=1, offset=0: f(x) = ...)". */
size_t gp_erfnet_describe(const gp_erfnet *net, char *buf, size_t cap);

#endif
