/* gp_process.h: a Gaussian process f ~ GP(m, k): a mean function and a kernel.
 *
 * For inputs X (n x d), (f(x_1), ..., f(x_n)) ~ N(mu, K) with mu_i = m(x_i)
 * and K_ij = k(x_i, x_j). This file turns that into the vectors, matrices and
 * draws a script asks for. */
#ifndef GP_PROCESS_H
#define GP_PROCESS_H

#include "gp_func.h"
#include "gp_kernel.h"
#include "gp_rng.h"
#include "gp_sampler.h"

typedef struct gp_process gp_process;

/* A new process holding references to mean and kernel; NULL on error. */
gp_process *gp_process_new(gp_func *mean, gp_kernel *kernel, gp_error *err);
gp_process *gp_process_retain(gp_process *p);
void gp_process_release(gp_process *p); /* NULL is fine */

const gp_kernel *gp_process_kernel(const gp_process *p);
const gp_func *gp_process_mean(const gp_process *p);

/* mu[i] = m(x_i); var[i] = k(x_i, x_i) (n values each). */
gp_code gp_process_mean_at(const gp_process *p, const gp_matrix *X, double *mu, gp_error *err);
gp_code gp_process_var_at(const gp_process *p, const gp_matrix *X, double *var, gp_error *err);

/* ns draws of (f(x_1), ..., f(x_n)) as the columns of out (n x ns,
 * preallocated), through gp_mvn_factor/gp_mvn_draw; one n x n matrix is
 * allocated for K and factored in place. jitter_rel as in gp_mvn_factor.
 * info (may be NULL) receives the factor's description (method, jitter, rank). */
gp_code gp_process_sample(const gp_process *p, const gp_matrix *X, double jitter_rel,
                          gp_rng *rng, gp_matrix *out, gp_factor *info, gp_error *err);

/* "GP(mean=0, kernel=rbf(amplitude=1, lengthscale=1))" (snprintf semantics). */
size_t gp_process_describe(const gp_process *p, char *buf, size_t cap);

#endif
