/* gp_kernel.h: covariance functions k(x, x') and their algebra.
 *
 * A gp_kernel is an immutable, reference-counted expression tree. Leaves are
 * the kernels of the descriptor table (gp_kernel_leaves.c); inner nodes are
 * sums, products, scalings, output warps and input transforms, each holding
 * references to its children. Constructors validate their parameters and
 * return NULL with err filled in on bad input ("rbf: lengthscale must be
 * finite and > 0, got -1"). r = ||x - x'|| (Euclidean); with per-dimension
 * length-scales l_j, r/l is read as sqrt(sum_j ((x_j - x'_j)/l_j)^2).
 *
 * The leaf kernels and their parametrisations are the table in
 * gp_kernel_leaves.c (each also states its parametrisation in describe and in
 * the README); C shorthands for the chapter's kernels follow below.
 *
 * No function here returns a non-finite number: where a value overflows (a
 * polynomial of high degree, a warp returning 1e200) the evaluation fails with
 * an error naming the kernel, the entry and the value; where the formula has a
 * finite limit (far-apart points, huge inputs to nn) that limit is computed.
 */
#ifndef GP_KERNEL_H
#define GP_KERNEL_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_func.h"
#include "gp_matrix.h"

typedef struct gp_kernel gp_kernel;

/* ---- leaf kernels by descriptor ------------------------------------------- */

/* Every leaf kernel is one entry of a table of descriptors: its name, its
 * parameters (below), its formula. Constructors, checks, describe and the
 * Lua constructors (gp.rbf{...}) are all generated from it. */
typedef struct gp_kernel_desc gp_kernel_desc;

/* How a parameter's value is given. */
typedef enum gp_param_kind {
    GP_PARAM_NUMBER,  /* one number */
    GP_PARAM_INTEGER, /* one number holding an integer (|v| <= INT_MAX) */
    GP_PARAM_LIST,    /* a number or a list of numbers (n x 1 or 1 x n) */
    GP_PARAM_MATRIX   /* a number or a matrix; the kernel says which shapes it takes */
} gp_param_kind;

/* Flags of a parameter (combined with |). */
enum {
    GP_PARAM_ABOVE = 1u << 0,      /* every value > lo (without it: >= lo) */
    GP_PARAM_BELOW = 1u << 1,      /* every value < hi (without it: <= hi) */
    GP_PARAM_INVERTIBLE = 1u << 2, /* 1 / value must be finite (used as a reciprocal) */
    GP_PARAM_SQUARED = 1u << 3,    /* value^2 must be finite (used squared) */
    GP_PARAM_PER_DIM = 1u << 4,    /* LIST: one value, or one per input dimension */
    GP_PARAM_POSITIONAL = 1u << 5  /* may be given alone: gp.constant(2) */
};

/* One parameter: every value must be finite and within [lo, hi] (ends open
 * with the flags; -HUGE_VAL / HUGE_VAL for no bound). def is the value used
 * when the parameter is not given (a LIST or MATRIX default is that one number). */
typedef struct gp_param_spec {
    const char *name;
    gp_param_kind kind;
    double def;
    double lo, hi;
    unsigned flags;
} gp_param_spec;

/* One given parameter: name and rows x cols values (column-major; a number is
 * 1 x 1, a list n x 1). v may be NULL only with rows * cols == 0 (an error). */
typedef struct gp_kernel_arg {
    const char *name;
    const double *v;
    size_t rows, cols;
} gp_kernel_arg;

/* The i-th descriptor of the table (0-based), NULL past the end. */
const gp_kernel_desc *gp_kernel_desc_at(size_t i);
/* The descriptor named name, or NULL. */
const gp_kernel_desc *gp_kernel_desc_find(const char *name);
const char *gp_kernel_desc_name(const gp_kernel_desc *d);
/* The i-th parameter of d (in describe order), NULL past the end. */
const gp_param_spec *gp_kernel_desc_param(const gp_kernel_desc *d, size_t i);

/* A leaf kernel from named parameter values: each value is checked against
 * its spec (an unknown or repeated name is an error; a missing one takes its
 * default). gp_kernel_new_named looks the descriptor up by name first. */
gp_kernel *gp_kernel_new(const gp_kernel_desc *d, const gp_kernel_arg *args, size_t nargs,
                         gp_error *err);
gp_kernel *gp_kernel_new_named(const char *name, const gp_kernel_arg *args, size_t nargs,
                               gp_error *err);

/* ---- C shorthands for the leaves (each is gp_kernel_new with its parameters) */

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
/* Sigma: the full dim x dim matrix, column-major (dim = P + 1 >= 2, the first
 * row/column for the bias u_0). (gp_kernel_new also takes a number s for s I_2
 * or an n x 1 list of the diagonal.) */
gp_kernel *gp_kernel_nn(const double *Sigma, size_t dim, double variance, double offset,
                        gp_error *err);
gp_kernel *gp_kernel_brownian(double variance, gp_error *err);
gp_kernel *gp_kernel_constant(double value, gp_error *err);
gp_kernel *gp_kernel_white(double variance, gp_error *err);

/* Algebra. Each takes new references to its operands (the caller keeps its own).
 * Sums and products are n-ary: a + b + c is evaluated and printed as one sum
 * however it was built, to any length, without recursion. A scaling of a
 * scaling is folded: c1 * (c2 * k) = (c1 c2) * k. Other nesting (warps of
 * warps, transforms, a sum inside a product inside a sum...) is limited to
 * GP_KERNEL_MAX_DEPTH levels, and an expression to GP_KERNEL_MAX_SIZE nodes
 * when written out (a shared sub-expression counted each time it appears):
 * past either, the constructor refuses with an error that says so. */
#define GP_KERNEL_MAX_DEPTH 1000
#define GP_KERNEL_MAX_SIZE ((size_t)1 << 21)
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
 * take, non-finite inputs, callback failure, a value that overflows (named:
 * the kernel or node, the entry, the value). */
gp_code gp_kernel_gram(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, gp_matrix *K,
                       gp_error *err);

/* out[i] = k(x_i, x_i) for the rows of X (n values): the prior variances. */
gp_code gp_kernel_diag(const gp_kernel *k, const gp_matrix *X, double *out, gp_error *err);

/* The whole expression with every parameter, e.g.
 * "rbf(amplitude=1, lengthscale=1) + 0.5 * linear(variance=1, offset=0)"
 * (snprintf semantics; returns the length it needed). */
size_t gp_kernel_describe(const gp_kernel *k, char *buf, size_t cap);

/* ---- introspection (for the grid and spectral samplers) ------------------- */

/* 1 if k(x, x') depends on x - x' only: the stationary leaves (their
 * descriptor says so: rbf, ou, periodic, white, ...), and sums,
 * products, non-negative scalings, stretches, shifts and selections of
 * stationary kernels (k0(s x - s x'), k0((x - c) - (x' - c)) = k0(x - x')).
 * 0 for the others (linear, polynomial, nn, brownian) and anything warped. */
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

/* If k is a leaf with one of the spectral families above (its descriptor
 * says which), or a non-negative scaling of one, fill *out (may be NULL) and
 * return its family; otherwise GP_SPECTRAL_NONE (sums, products, transforms,
 * and leaves without a supported spectral density). */
gp_spectral_family gp_kernel_spectral(const gp_kernel *k, gp_spectral *out);

#endif
