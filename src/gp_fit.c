/* gp_fit.c: the box-constrained L-BFGS maximiser with restarts (gp_fit.h). */
#include "gp_fit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlopt.h>

void gp_fit_options_default(gp_fit_options *opt)
{
    opt->restarts = 4;
    opt->max_evals = 1000;
    opt->ftol_rel = 1e-12;
    opt->xtol_rel = 1e-10;
}

/* What one NLopt run needs: the objective, the best point seen so far (value,
 * point, gradient) and the first error of f. */
typedef struct run {
    gp_fit_objective f;
    void *ctx;
    size_t n;
    nlopt_opt opt;
    double best, *best_theta, *best_grad;
    size_t evals;
    gp_code rc;
    gp_error *err;
} run;

static double objective(unsigned n, const double *theta, double *grad, void *data)
{
    run *r = data;
    double value = 0.0, *g = grad ? grad : r->best_grad + n; /* scratch after best_grad */
    r->evals++;
    gp_code rc = r->f(r->ctx, theta, &value, g, r->err);
    if (rc || isnan(value) || value == HUGE_VAL) { /* -inf: not defined there, backed off from */
        if (!rc)
            rc = gp_error_set(r->err, GP_ERR_NUMERIC, "fit: the objective is %g at an evaluated "
                                                      "point", value);
        r->rc = rc;
        nlopt_force_stop(r->opt);
        return -HUGE_VAL;
    }
    if (value > r->best) {
        r->best = value;
        memcpy(r->best_theta, theta, n * sizeof *theta);
        memcpy(r->best_grad, g, n * sizeof *g);
    }
    return value;
}

static gp_code check_box(size_t n, const double *lo, const double *hi, const double *start,
                         gp_error *err)
{
    if (n < 1)
        return gp_error_set(err, GP_ERR_ARG, "fit: nothing to fit (no parameters)");
    for (size_t i = 0; i < n; i++) {
        if (!(isfinite(lo[i]) && isfinite(hi[i]) && lo[i] < hi[i]))
            return gp_error_set(err, GP_ERR_ARG,
                                "fit: the bounds of parameter %zu must be finite with lower < "
                                "upper, got [%g, %g]",
                                i + 1, lo[i], hi[i]);
        if (!(start[i] >= lo[i] && start[i] <= hi[i]))
            return gp_error_set(err, GP_ERR_ARG,
                                "fit: the start %g of parameter %zu is outside its bounds [%g, %g]",
                                start[i], i + 1, lo[i], hi[i]);
    }
    return GP_OK;
}

/* The norm of the gradient g at theta with the components that push out of
 * the box at a bound left out (the first-order optimality measure). */
static double projected_norm(size_t n, const double *theta, const double *g, const double *lo,
                             const double *hi)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double at = 1e-12 * (hi[i] - lo[i]);
        const int out = (theta[i] <= lo[i] + at && g[i] < 0) || (theta[i] >= hi[i] - at && g[i] > 0);
        s += out ? 0.0 : g[i] * g[i];
    }
    return sqrt(s);
}

gp_code gp_fit_maximise(gp_fit_objective f, void *ctx, size_t n, const double *lo,
                        const double *hi, const double *start, const gp_fit_options *opt,
                        gp_rng *rng, double *theta, gp_fit_result *res, gp_error *err)
{
    gp_fit_options defaults;
    if (!opt) {
        gp_fit_options_default(&defaults);
        opt = &defaults;
    }
    memset(res, 0, sizeof *res);
    res->value = -HUGE_VAL;
    gp_code rc = check_box(n, lo, hi, start, err);
    if (rc)
        return rc;
    if (opt->restarts + 1 > GP_FIT_MAX_STARTS || opt->max_evals < 1 || opt->max_evals > 1000000000)
        return gp_error_set(err, GP_ERR_ARG,
                            "fit: restarts must be 0..%d and max_evals 1..1e9, got %zu and %zu",
                            GP_FIT_MAX_STARTS - 1, opt->restarts, opt->max_evals);
    double *work = malloc(5 * n * sizeof *work); /* x, best theta, best grad + scratch, overall best grad */
    nlopt_opt o = nlopt_create(NLOPT_LD_LBFGS, (unsigned)n);
    if (!work || !o) {
        free(work);
        nlopt_destroy(o);
        return gp_error_set(err, GP_ERR_NOMEM, "fit: out of memory");
    }
    double *x = work, *best_grad = work + 4 * n;
    run r = {f, ctx, n, o, -HUGE_VAL, work + n, work + 2 * n, 0, GP_OK, err};
    nlopt_set_lower_bounds(o, lo);
    nlopt_set_upper_bounds(o, hi);
    nlopt_set_max_objective(o, objective, &r);
    nlopt_set_ftol_rel(o, opt->ftol_rel);
    nlopt_set_xtol_rel(o, opt->xtol_rel);
    nlopt_set_maxeval(o, (int)opt->max_evals);
    for (size_t s = 0; !rc && s <= opt->restarts; s++) {
        for (size_t i = 0; i < n; i++)
            x[i] = s == 0 ? start[i] : lo[i] + (hi[i] - lo[i]) * gp_rng_uniform(rng);
        r.best = -HUGE_VAL;
        double value;
        const nlopt_result status = nlopt_optimize(o, x, &value);
        if (r.rc) {
            rc = r.rc;
        } else if (status == NLOPT_INVALID_ARGS || status == NLOPT_OUT_OF_MEMORY ||
                   r.best == -HUGE_VAL) {
            rc = gp_error_set(err, status == NLOPT_OUT_OF_MEMORY ? GP_ERR_NOMEM : GP_ERR_NUMERIC,
                              "fit: NLopt's L-BFGS failed: %s", nlopt_result_to_string(status));
        } else {
            /* other stops (ROUNDOFF_LIMITED, FAILURE of a line search) keep the best point */
            res->start_value[s] = r.best;
            res->starts = s + 1;
            if (r.best > res->value) {
                res->value = r.best;
                res->best_start = s;
                res->status = (int)status;
                snprintf(res->message, sizeof res->message, "%s", nlopt_result_to_string(status));
                memcpy(theta, r.best_theta, n * sizeof *theta);
                memcpy(best_grad, r.best_grad, n * sizeof *best_grad);
            }
        }
    }
    res->evaluations = r.evals;
    if (!rc)
        res->grad_norm = projected_norm(n, theta, best_grad, lo, hi);
    nlopt_destroy(o);
    free(work);
    return rc;
}
