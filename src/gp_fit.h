/* gp_fit.h: maximising a smooth function over a box by L-BFGS with several
 * starts, through NLopt (Johnson, "The NLopt nonlinear-optimization package",
 * http://github.com/stevengj/nlopt; Debian libnlopt-dev): the engine of
 * fitting hyperparameters by the log marginal likelihood.
 *
 * NLopt's NLOPT_LD_LBFGS (Liu & Nocedal's limited-memory BFGS, as in
 * Nocedal 1980, with box constraints) uses the analytic gradient; it stops
 * when an evaluation changes the value by less than ftol_rel relative or the
 * point by less than xtol_rel relative, or after max_evals evaluations. The
 * first start is the one given; the others are drawn uniformly in the box
 * from the caller's generator, so the same seed gives the same fit. The best
 * value over the starts wins. */
#ifndef GP_FIT_H
#define GP_FIT_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_func.h"
#include "gp_kernel.h"
#include "gp_matrix.h"
#include "gp_rng.h"

/* f(theta) into *value and its gradient into grad (n values), at theta in
 * the box. An error stops the optimisation and is returned by gp_fit_maximise. */
typedef gp_code (*gp_fit_objective)(void *ctx, const double *theta, double *value, double *grad,
                                    gp_error *err);

typedef struct gp_fit_options {
    size_t restarts;  /* starts after the first one (default 4) */
    size_t max_evals; /* evaluations per start (default 1000) */
    double ftol_rel;  /* default 1e-12 */
    double xtol_rel;  /* default 1e-10 */
} gp_fit_options;

void gp_fit_options_default(gp_fit_options *opt);

#define GP_FIT_MAX_STARTS 64

typedef struct gp_fit_result {
    double value;         /* the best value found */
    size_t evaluations;   /* objective (and gradient) evaluations, all starts together */
    double grad_norm;     /* the projected gradient's Euclidean norm at the best point: the
                           * components that point out of the box at a bound count 0 */
    size_t best_start;    /* which start gave it (0: the one given) */
    size_t starts;        /* starts made */
    double start_value[GP_FIT_MAX_STARTS]; /* the value each start reached */
    int status;           /* NLopt's result code of the best start (> 0: converged) */
    char message[96];     /* what it means ("FTOL_REACHED", "MAXEVAL_REACHED", ...) */
} gp_fit_result;

/* Maximise f over the box [lo, hi] (n >= 1 values each, finite, lo < hi)
 * from start (n values inside it), by the rules above; theta (n values)
 * receives the best point, res the summary. opt may be NULL (defaults); rng
 * draws the other starts. Errors: a bad box or start, NLopt failing outright,
 * f's own error. */
gp_code gp_fit_maximise(gp_fit_objective f, void *ctx, size_t n, const double *lo,
                        const double *hi, const double *start, const gp_fit_options *opt,
                        gp_rng *rng, double *theta, gp_fit_result *res, gp_error *err);

/* ---- fitting a GP's hyperparameters by its likelihood (gp_fit_lml.c) --------------- *
 *
 * For f ~ GP(m, k_theta) and observations y = f(X) + e, e ~ N(0, s2 I), the
 * log marginal likelihood log p(y | X) (gp_posterior.h) is maximised over
 * chosen free parameters of the kernel (gp_kernel_params) and the noise
 * variance s2, the others fixed. Its gradient is analytic: tr(Q dA) / 2 with
 * dA = d k(X, X) / d theta (gp_kernel_gram_grad) or the identity for s2.
 * Positive parameters are optimised as log(value) (bounds then > 0), the
 * gradient taken along the chain rule value * d / d value. Where the
 * likelihood is not defined (K + s2 I singular, a kernel value the
 * constructor refuses) the objective is -inf and the line search backs off. */

/* One parameter to fit: a free parameter of the kernel (its position in
 * gp_kernel_params) or the noise variance; its bounds in its own scale. */
typedef struct gp_fit_param {
    int noise;           /* 1: the noise variance s2 (one for all observations) */
    size_t kernel_index; /* otherwise: the position among the kernel's free parameters */
    double lo, hi;       /* finite, lo < hi; lo > 0 with log */
    int log;             /* optimise log(value) */
} gp_fit_param;

typedef struct gp_fit_problem {
    const gp_kernel *kernel; /* the prior's kernel: its values are the start */
    const gp_func *mean;     /* the prior's mean (fixed) */
    const gp_matrix *X;      /* n x d observations */
    const double *y;         /* n values */
    const double *noise;     /* nnoise = 1 or n variances: the start (fitted: nnoise = 1) or fixed */
    size_t nnoise;
    const gp_fit_param *params;
    size_t np;
} gp_fit_problem;

/* The objective at theta (np values in the optimiser's coordinates: log of
 * the value for a parameter with log): *value = log p(y | X) (-inf where it
 * is not defined) and grad its gradient in those coordinates. */
gp_code gp_fit_lml_eval(const gp_fit_problem *pb, const double *theta, double *value,
                        double *grad, gp_error *err);

/* Fit pb by gp_fit_maximise (opt NULL: defaults; rng for the other starts):
 * values (np) receive the fitted values, *fitted the fitted kernel (a new
 * reference), *noise the fitted (or the fixed, when one for all) noise
 * variance, res the maximiser's summary (res->value: the largest
 * log p(y | X)). Errors name the parameter: a start outside its bounds, a
 * fitted noise with one variance per observation, bad bounds; and the
 * likelihood's own errors at the start. */
/* The noise variance a fit starts from when none is given: 1% of the
 * observations' sample variance (noise well below the signal, the usual first
 * guess; the restarts spread over the bounds from there), or 1 when the n
 * values are all equal. */
double gp_fit_default_noise(const double *y, size_t n);

gp_code gp_fit_lml(const gp_fit_problem *pb, const gp_fit_options *opt, gp_rng *rng,
                   double *values, gp_kernel **fitted, double *noise, gp_fit_result *res,
                   gp_error *err);

#endif
