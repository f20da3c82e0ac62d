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

#endif
