/* gp_mlp.h: finite fully connected networks at random initialisation, beside
 * their infinite-width limits (the nngp and ntk kernels, gp_kernel_deep.c).
 *
 * A network with L = depth hidden layers of widths n_1..n_L, activation phi
 * (ReLU or erf), weight and bias variances sw2_l, sb2_l (one value, or one
 * per weight layer l = 0..L) in the standard parametrisation:
 *   z^1 = b^0 + sqrt(sw2_0 / d) W^0 x,   z^(l+1) = b^l + sqrt(sw2_l / n_l) W^l phi(z^l),
 *   f(x) = z^(L+1) (one output),  W ~ N(0, 1), b^l ~ N(0, sb2_l), all independent.
 * As every n_l -> inf, f -> GP(0, nngp) (Neal 1996; Lee et al. 2018;
 * Matthews et al. 2018). With ONE hidden layer the covariance of f equals the
 * NNGP kernel at every width (the pre-activations of the hidden layer are
 * exactly Gaussian; only the readout's sum is not), so only the shape of the
 * distribution changes with the width; from two hidden layers on the
 * covariance itself differs from the NNGP by O(1/width) (the next layer sees
 * an empirical kernel, and the dual activation is not linear in it). */
#ifndef GP_MLP_H
#define GP_MLP_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_kernel.h"
#include "gp_matrix.h"
#include "gp_rng.h"

typedef struct gp_mlp gp_mlp;

/* A network description: depth >= 1; width: one value or one per hidden
 * layer (whole numbers >= 1); activation: 0 ReLU, 1 erf (as gp.nngp's
 * activation); weight_var, bias_var: one value or depth + 1, checked as the
 * nngp kernel checks them. NULL with err filled on bad input. */
gp_mlp *gp_mlp_new(int depth, const double *width, size_t nwidth, int activation,
                   const double *weight_var, size_t nweight, const double *bias_var,
                   size_t nbias, gp_error *err);
void gp_mlp_release(gp_mlp *net); /* NULL is fine */

/* F (n x ns, preallocated): column s is a freshly initialised network
 * evaluated at the rows of X (n x d, finite). Each layer's pre-activations
 * are drawn given the previous layer: with the weights explicitly (W drawn
 * from rng, one dgemm) when the fan-in is at most n, else, when that is
 * cheaper, from their exact conditional law N(0, sb2 + sw2/n_l H H^T) per
 * unit (one rank-aware factorisation of that n x n matrix): the same
 * distribution of networks. */
gp_code gp_mlp_sample(const gp_mlp *net, const gp_matrix *X, gp_rng *rng, gp_matrix *F,
                      gp_error *err);

/* The covariance of the finite network at the rows of X, estimated from
 * ndraws >= 2 networks without the readout's noise: for each network the
 * conditional covariance given its hidden layers, sb2_L + sw2_L / n_L
 * phi(z^L) phi(z^L)^T (exact in the readout, Rao-Blackwellised), averaged.
 * K (n x n): the estimate; SE (n x n, may be NULL): the standard error of
 * each entry (sd over the networks / sqrt(ndraws)). */
gp_code gp_mlp_empirical_kernel(const gp_mlp *net, const gp_matrix *X, size_t ndraws,
                                gp_rng *rng, gp_matrix *K, gp_matrix *SE, gp_error *err);

/* The infinite-width limits: the nngp kernel (ntk 0) or the neural tangent
 * kernel (ntk 1) with the same depth, activation and variances (new reference). */
gp_kernel *gp_mlp_kernel(const gp_mlp *net, int ntk, gp_error *err);

size_t gp_mlp_depth(const gp_mlp *net);
size_t gp_mlp_width(const gp_mlp *net, size_t layer); /* layer 1..depth */

/* "mlp_network(depth=3, width={16, 16, 16}, activation="relu", weight_var=2, bias_var=0.1)". */
size_t gp_mlp_describe(const gp_mlp *net, char *buf, size_t cap);

#endif
