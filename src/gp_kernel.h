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
 * The leaf kernels are the table in gp_kernel_leaves.c; each descriptor, with
 * its formulas, lives in the file of its family (gp_kernel_impl.h lists
 * them) and states its parametrisation in describe and in the README. C
 * shorthands for the chapter's kernels follow below. Beyond values, every
 * expression has analytic hyperparameter gradients and input derivatives
 * (the two sections at the end).
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
    GP_PARAM_MATRIX,  /* a number or a matrix; the kernel says which shapes it takes */
    GP_PARAM_CHOICE,  /* one of the names in choices, given as its 0-based index */
    GP_PARAM_FUNCTION /* a function of x (gp_kernel_arg.fn); default: the constant def */
} gp_param_kind;

/* Flags of a parameter (combined with |). */
enum {
    GP_PARAM_ABOVE = 1u << 0,      /* every value > lo (without it: >= lo) */
    GP_PARAM_BELOW = 1u << 1,      /* every value < hi (without it: <= hi) */
    GP_PARAM_INVERTIBLE = 1u << 2, /* 1 / value must be finite (used as a reciprocal) */
    GP_PARAM_SQUARED = 1u << 3,    /* value^2 must be finite (used squared) */
    GP_PARAM_PER_DIM = 1u << 4,    /* LIST: one value, or one per input dimension */
    GP_PARAM_POSITIONAL = 1u << 5, /* may be given alone: gp.constant(2) */
    GP_PARAM_AMPLITUDE = 1u << 6,  /* k is proportional to value^2 (gradient: generic) */
    GP_PARAM_FACTOR = 1u << 7,     /* k is proportional to value (gradient: generic) */
    GP_PARAM_NOGRAD = 1u << 8      /* no analytic gradient: not a free parameter */
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
    const char *const *choices; /* CHOICE: the names, NULL-terminated */
} gp_param_spec;

/* One given parameter: name and rows x cols values (column-major; a number is
 * 1 x 1, a list n x 1; a CHOICE the index of its name). v may be NULL only
 * with rows * cols == 0 (an error). A FUNCTION parameter is given as fn (the
 * kernel takes a new reference) and v NULL. */
typedef struct gp_kernel_arg {
    const char *name;
    const double *v;
    size_t rows, cols;
    gp_func *fn;
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
/* Input warping by functions: k(w(x), w(x')) with w(x) = (w_1(x), ..., w_n(x)),
 * n >= 1 functions of x (each called once per input row). w = (cos, sin) of
 * a 1-D x with an rbf gives MacKay's periodic kernel. */
gp_kernel *gp_kernel_transform(gp_kernel *k, gp_func *const *w, size_t n, gp_error *err);
/* k^p for an integer p >= 1: the element-wise power (a product of p copies
 * of k, so positive semi-definite: Schur's product theorem). */
gp_kernel *gp_kernel_power(gp_kernel *k, int p, gp_error *err);
/* The change-point kernel (a sigmoid-blended pair; Garnett et al. 2010, as in
 * GPflow's ChangePoints):
 *   k(x, x') = s(x) s(x') k1(x, x') + (1 - s(x)) (1 - s(x')) k2(x, x'),
 *   s(x) = 1 / (1 + exp(steepness (x_dim - location))),
 * so k1 governs x_dim well below location and k2 well above it; steepness > 0
 * is the rate of the switch (1/steepness its width); dim is 0-based. */
gp_kernel *gp_kernel_changepoint(gp_kernel *k1, gp_kernel *k2, double location, double steepness,
                                 size_t dim, gp_error *err);

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
    GP_SPECTRAL_RQ,          /* a^2 (1 + r^2 / (2 alpha l^2))^(-alpha) */
    GP_SPECTRAL_MATERN,      /* Matern with any nu > 0 */
    GP_SPECTRAL_GAMMAEXP,    /* a^2 exp(-(r / l)^gamma), 0 < gamma <= 2 */
    GP_SPECTRAL_SM,          /* spectral mixture (Wilson & Adams 2013) */
    GP_SPECTRAL_COSINE       /* a^2 prod_j cos(2 pi (x_j - x'_j) / p_j) */
} gp_spectral_family;

/* The spectral description of a stationary leaf (pointers into k: valid
 * while k lives). */
typedef struct gp_spectral {
    gp_spectral_family family;
    double variance;  /* k(x, x): a^2 (sum of the weights for sm) times every scaling above */
    const double *ls; /* the leaf's nls length-scales (the periods for cosine) */
    size_t nls;       /* 1, or one per input dimension */
    double alpha;     /* rq only */
    double nu;        /* matern only */
    double gamma;     /* gammaexp only */
    /* sm only: q components in dim dimensions; weights (q), means and
     * variances (q x dim, column-major) */
    size_t q, dim;
    const double *weights, *means, *variances;
} gp_spectral;

/* If k is a leaf with one of the spectral families above (its descriptor
 * says which), or a non-negative scaling of one, fill *out (may be NULL) and
 * return its family; otherwise GP_SPECTRAL_NONE (sums, products, transforms,
 * and leaves without a supported spectral density). */
gp_spectral_family gp_kernel_spectral(const gp_kernel *k, gp_spectral *out);

/* ---- hyperparameters and their gradients (gp_kernel_grad.c) ---------------- */

/* The free parameters of an expression are the numeric parameters of its
 * leaves that have an analytic derivative (not integers, choices, functions
 * or those flagged GP_PARAM_NOGRAD), the factor c of each scaling c * k, and
 * the location and steepness of each change point; one entry per value (a
 * list of length-scales gives one per dimension). A leaf or node used twice
 * (k + k) is one set of parameters, listed once. Names: the leaf's name and
 * the parameter, "rbf.lengthscale"; "rbf.lengthscale[2]" for the second of a
 * list, "sm.means[1,2]" for a matrix entry; when two nodes of an expression
 * have the same name, each is prefixed by its 1-based position among the
 * nodes with parameters, in expression order: "1.rbf.amplitude",
 * "3.rbf.amplitude", "2.scale". */
#define GP_KERNEL_PARAM_NAME 64

typedef struct gp_kernel_param {
    char name[GP_KERNEL_PARAM_NAME];
    double value;
    double lo, hi;   /* the allowed range (as in the parameter's spec) */
    int open_lo;     /* value must be > lo (else >= lo) */
    int positive;    /* lo == 0 and open: optimise log(value) */
    /* where it lives: valid while the expression lives */
    const gp_kernel *node;
    size_t index;    /* the leaf's parameter index (0 for a scaling; 0 location, 1 steepness) */
    size_t elem;     /* the value's position in that parameter (column-major) */
} gp_kernel_param;

/* Fill out[0 .. min(*n, cap)) with the free parameters of k (out may be
 * NULL with cap 0 to count them); *n receives their number. */
gp_code gp_kernel_params(const gp_kernel *k, gp_kernel_param *out, size_t cap, size_t *n,
                         gp_error *err);

/* dK = d k(X, Y) / d theta for the free parameter p of k (from
 * gp_kernel_params(k)): n x m (Y NULL: Y = X, n x n). Exact (analytic):
 * leaves by their formulas, then the chain and product rules through sums,
 * products (sum_i dK_i prod_{j != i} K_j), scalings (c dK_a and, for c
 * itself, K_a), warps a(x) a(x') dK_a, input transforms (dK_a at the
 * transformed inputs), powers (p K^(p-1) dK) and change points. */
gp_code gp_kernel_gram_grad(const gp_kernel *k, const gp_kernel_param *p, const gp_matrix *X,
                            const gp_matrix *Y, gp_matrix *dK, gp_error *err);

/* A copy of k with the values of its free parameters (in gp_kernel_params
 * order, n of them) replaced: every value is checked as the constructor
 * would (an error names the parameter). Shared sub-expressions stay shared. */
gp_kernel *gp_kernel_with_params(const gp_kernel *k, const double *values, size_t n,
                                 gp_error *err);

/* ---- derivatives in the inputs (gp_kernel_deriv.c) ------------------------- */

/* K_ij = D_u D'_w k(x_i, y_j): D_u = sum_c u_c d/dx_c acts on the first
 * argument, D'_w on the second (u or w NULL: no derivative on that side;
 * each has d = X->cols entries). With u = w = e_c this is the covariance of
 * the derivative process df/dx_c, and with u NULL, w = e_c the covariance of
 * f with it (Rasmussen & Williams 2006, section 9.4). Exact: leaves by their
 * formulas, sums, products (Leibniz), scalings, powers, stretches, shifts,
 * selections and change points by the chain rule; warps whose function is
 * not a polynomial or constant, function transforms, and leaves without
 * derivative formulas are errors that say so. Y NULL: Y = X. */
gp_code gp_kernel_gram_deriv(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                             const double *u, const double *w, gp_matrix *K, gp_error *err);

/* out[i] = D_u D'_w k(x_i, x_i) for the rows of X (the derivative's variance for u = w). */
gp_code gp_kernel_diag_deriv(const gp_kernel *k, const gp_matrix *X, const double *u,
                             const double *w, double *out, gp_error *err);

/* GP_OK if paths of GP(0, k) are mean-square differentiable and the
 * derivative covariance can be computed (k twice differentiable, with
 * formulas here); else an error saying which part of k is the obstacle and
 * why (exponential: a kink at r = 0, paths nowhere differentiable; nngp: no
 * derivative formulas). */
gp_code gp_kernel_check_differentiable(const gp_kernel *k, gp_error *err);

#endif
