/* gp_process.h: Gaussian processes and what independent ones combine into.
 *
 * A leaf is f ~ GP(m, k): for inputs X (n x d), (f(x_1), ..., f(x_n)) ~ N(mu, K)
 * with mu_i = m(x_i), K_ij = k(x_i, x_j). Distinct leaves are independent.
 * Expressions over leaves are immutable, reference-counted trees:
 *   sum      u = a + b
 *   scale    u = c a            (any real c)
 *   warp     u = w(x) a(x)      (w deterministic: a gp_func)
 *   offset   u = a(x) + w(x)    (adds a deterministic function to the mean)
 *   product  u = a b            (a, b over disjoint sets of leaves: independent)
 * Sums, scalings, warps and offsets of leaves are Gaussian processes, even when
 * a leaf appears more than once (f + f = 2 f has kernel 4 k). A product is not
 * Gaussian (its marginals are products of Gaussians) but its moments are exact:
 *   E[a b] = m_a m_b,  E[u(x) u(x')] = E[a a'] E[b b'] with E[a a'] = C_a + m_a m_a',
 *   so Cov(u) = C_a C_b + m_a m_a' C_b + m_b m_b' C_a   (d2l.ai section 18.2,
 *   exercise 5).
 * Covariances are bilinear, so expressions are expanded into "atoms" (leaves
 * and products) with coefficients; two atoms that share a leaf must be the same
 * atom, otherwise the needed higher moments are not supported and the
 * constructor says so. */
#ifndef GP_PROCESS_H
#define GP_PROCESS_H

#include "gp_func.h"
#include "gp_kernel.h"
#include "gp_rng.h"
#include "gp_sampler.h"

typedef struct gp_process gp_process;

/* A leaf GP(mean, kernel) holding references to both; NULL on error. */
gp_process *gp_process_new(gp_func *mean, gp_kernel *kernel, gp_error *err);

/* Combinations (each takes new references to its operands). */
gp_process *gp_process_sum(gp_process *a, gp_process *b, gp_error *err);
gp_process *gp_process_scale(double c, gp_process *a, gp_error *err);
gp_process *gp_process_warp(gp_func *w, gp_process *a, gp_error *err);
gp_process *gp_process_offset(gp_process *a, gp_func *w, gp_error *err);
gp_process *gp_process_product(gp_process *a, gp_process *b, gp_error *err);

/* The derivative process df/dx_dim (dim 0-based) of a Gaussian expression:
 * for a leaf GP(m, k), the GP with mean dm/dx_dim and covariance
 * d^2k / dx_dim dx'_dim, drawn jointly with the leaf wherever both appear
 * (Cov(f(x), f'(x')) = dk/dx'_dim); sums, scalings, offsets and warps by the
 * sum and product rules (a function's derivative must be known: constants
 * and gp.poly). Errors that say why: a kernel whose paths are not
 * differentiable (gp_kernel_check_differentiable), a mean or warp given as
 * a Lua function, a product of processes, a derivative of a derivative. */
gp_process *gp_process_derivative(gp_process *p, size_t dim, gp_error *err);

gp_process *gp_process_retain(gp_process *p);
void gp_process_release(gp_process *p); /* NULL is fine */

/* 1 for leaves and their sums, scalings, warps and offsets; 0 if a product is involved. */
int gp_process_is_gaussian(const gp_process *p);

/* For a leaf: its kernel and mean; NULL for a combination. */
const gp_kernel *gp_process_kernel(const gp_process *p);
const gp_func *gp_process_mean(const gp_process *p);

/* mu[i] = E u(x_i); var[i] = Var u(x_i) (n values each); K = Cov(u(X), u(Y))
 * (n x m, preallocated; Y == NULL means Y = X). Exact, for every expression.
 * Every process function checks its inputs the same way (points present,
 * coordinates finite, equal dimensions) and refuses a result that overflowed
 * (a non-finite mean or covariance) instead of returning it. */
gp_code gp_process_mean_at(const gp_process *p, const gp_matrix *X, double *mu, gp_error *err);
gp_code gp_process_var_at(const gp_process *p, const gp_matrix *X, double *var, gp_error *err);
gp_code gp_process_cov(const gp_process *p, const gp_matrix *X, const gp_matrix *Y, gp_matrix *K,
                       gp_error *err);

/* sd[i] = sqrt(Var u(x_i)); a variance rounding left slightly below 0 counts as 0. */
gp_code gp_process_sd_at(const gp_process *p, const gp_matrix *X, double *sd, gp_error *err);

/* The Gaussian band lower = mu - k sd, upper = mu + k sd at the rows of X
 * (n values each), k finite >= 0. Gaussian processes only: a product process
 * is not Gaussian, so it has no such band (an error saying so). */
gp_code gp_process_band(const gp_process *p, const gp_matrix *X, double k, double *lower,
                        double *upper, gp_error *err);

/* density[i] = N(y_i; mu_i, var_i) = exp(-(y_i - mu_i)^2 / (2 var_i)) / sqrt(2 pi var_i),
 * the marginal density of u(x_i) at y_i; y holds ny = n values, or ny = 1 (the
 * same y at every point), all finite. Gaussian processes only; a point where
 * the variance is 0 has no density (an error naming it). */
gp_code gp_process_pdf(const gp_process *p, const gp_matrix *X, const double *y, size_t ny,
                       double *density, gp_error *err);

/* How each leaf is sampled (gp_process_sample_joint_opt). */
typedef enum gp_sample_method {
    GP_SAMPLE_AUTO,   /* low-rank where it wins, dense otherwise (see below) */
    GP_SAMPLE_DENSE,  /* the n x n Gram matrix, gp_mvn_factor_gram (gp_sampler.h) */
    GP_SAMPLE_LOWRANK /* gp_lowrank_factor (gp_lowrank.h), to whatever rank it takes */
} gp_sample_method;

typedef struct gp_sample_options {
    gp_sample_method method;  /* default GP_SAMPLE_AUTO */
    double jitter;            /* relative jitter of the dense Cholesky, K + jitter diag(K)
                               * (default 0); auto with jitter > 0 is dense */
    double tol;               /* low-rank stopping rule max_i S_ii / K_ii <= tol (0: n eps) */
    double max_rank_fraction; /* auto: the low-rank path gives up past rank fraction * n
                               * (default 0.1) and the dense one is used */
    size_t lowrank_min_n;     /* auto: fewer points than this go dense directly (default 512) */
    size_t dense_limit;       /* auto: the dense path is refused above this many points, with
                               * GP_ERR_DIM (0: no limit, the default) */
} gp_sample_options;

void gp_sample_options_default(gp_sample_options *opt);

/* "auto", "dense" or "lowrank". */
const char *gp_sample_method_name(gp_sample_method m);

/* Factor K = k(X, X) by the path opt chooses (NULL: defaults; the rules are
 * those of gp_process_sample_joint_opt below). On the dense path *K receives
 * the n x n matrix F refers to (free it after F); on the low-rank path *K is
 * NULL. Errors: the factorisations' and, when the low-rank path gives up
 * with more than opt->dense_limit points, GP_ERR_DIM saying so. */
gp_code gp_sample_factor(const gp_kernel *k, const gp_matrix *X, const gp_sample_options *opt,
                         gp_matrix **K, gp_factor *F, gp_error *err);

/* Joint draws. The leaves of ps[0..np-1] are collected (each once, in
 * depth-first order of first appearance); each leaf is drawn ns times at X,
 * by the path opt chooses (NULL: defaults):
 *   dense    its n x n Gram matrix, factored in place (gp_mvn_factor_gram) and
 *            freed before the next leaf;
 *   lowrank  the matrix-free pivoted Cholesky (gp_lowrank_factor): n x r
 *            memory, exact at the numerical rank r;
 *   auto     dense for n < lowrank_min_n or jitter > 0; otherwise low-rank,
 *            and if its rank would exceed max_rank_fraction * n (or is
 *            predicted to), dense, with the reason in the info's note.
 * A leaf whose derivatives (gp_process_derivative) appear too is drawn
 * with them, from one dense factorisation of their joint covariance.
 * Then each ps[i] is evaluated from those same draws into outs[i] (n x ns,
 * preallocated). So f, g and u = f + 2 g drawn together are consistent sample
 * by sample. infos (may be NULL) receives one gp_factor per leaf (L, piv and
 * scale cleared: method, rank, n, jitter, residual, note), at most max_infos
 * of them; *nleaves (may be NULL) receives the leaf count. */
gp_code gp_process_sample_joint_opt(gp_process *const *ps, size_t np, const gp_matrix *X,
                                    const gp_sample_options *opt, gp_rng *rng,
                                    gp_matrix *const *outs, gp_factor *infos, size_t max_infos,
                                    size_t *nleaves, gp_error *err);

/* gp_process_sample_joint_opt with the default options and the given jitter. */
gp_code gp_process_sample_joint(gp_process *const *ps, size_t np, const gp_matrix *X,
                                double jitter_rel, gp_rng *rng, gp_matrix *const *outs,
                                gp_factor *infos, size_t max_infos, size_t *nleaves,
                                gp_error *err);

/* The expression, e.g. "GP(mean=0, kernel=rbf(amplitude=1, lengthscale=1))",
 * "f1 + 2 * f2" style with each leaf written out (snprintf semantics). */
size_t gp_process_describe(const gp_process *p, char *buf, size_t cap);

#endif
