/* gp_fit_lml.c: a GP's hyperparameters fitted by its log marginal likelihood
 * (gp_fit.h): the objective, its analytic gradient, and the fit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gp_fit.h"
#include "gp_posterior.h"

/* What the objective needs: the problem, the kernel's free parameters at the
 * start (their values are the ones not fitted), and two n x n buffers. */
typedef struct fit_ctx {
    const gp_fit_problem *pb;
    gp_kernel_param *start; /* nk of them */
    size_t nk;
    int fit_noise;          /* the noise is among the parameters */
    double *all;            /* nk values: the kernel's parameters at the point evaluated */
    gp_matrix *Q, *dK;
} fit_ctx;

static double value_of(const gp_fit_param *p, double theta)
{
    return p->log ? exp(theta) : theta;
}

/* The kernel and the noise at theta: *k a new reference (NULL and an error if
 * the values are refused by the kernel's constructor). */
static gp_code model_at(const fit_ctx *c, const double *theta, gp_kernel **k, double *s2,
                        gp_error *err)
{
    const gp_fit_problem *pb = c->pb;
    for (size_t i = 0; i < c->nk; i++)
        c->all[i] = c->start[i].value;
    *s2 = pb->noise[0];
    for (size_t j = 0; j < pb->np; j++) {
        const double v = value_of(&pb->params[j], theta[j]);
        if (pb->params[j].noise)
            *s2 = v;
        else
            c->all[pb->params[j].kernel_index] = v;
    }
    *k = gp_kernel_with_params(pb->kernel, c->all, c->nk, err);
    return *k ? GP_OK : (err ? err->code : GP_ERR_ARG);
}

static gp_code objective(void *ctx, const double *theta, double *value, double *grad,
                         gp_error *err)
{
    const fit_ctx *c = ctx;
    const gp_fit_problem *pb = c->pb;
    gp_kernel *k = NULL;
    double s2;
    gp_code rc = model_at(c, theta, &k, &s2, err);
    gp_process *f = rc ? NULL : gp_process_new((gp_func *)pb->mean, k, err);
    gp_observations obs = {pb->X, pb->y, c->fit_noise ? &s2 : pb->noise,
                           c->fit_noise ? 1 : pb->nnoise, 0.0};
    gp_posterior *post = f ? gp_posterior_new(f, &obs, err) : NULL;
    gp_lml l;
    if (!rc && (!post || (rc = gp_posterior_lml(post, &l, err)) != GP_OK))
        rc = err ? err->code : GP_ERR_ARG;
    if (rc && rc != GP_ERR_NOMEM && rc != GP_ERR_CALLBACK) {
        /* not defined here (values the kernel refuses, K + s2 I singular, an overflow):
         * -inf, and the line search backs off */
        *value = -HUGE_VAL;
        memset(grad, 0, pb->np * sizeof *grad);
        rc = GP_OK;
        goto done;
    }
    if (rc)
        goto done;
    *value = l.value;
    rc = gp_posterior_lml_weights(post, c->Q, err);
    gp_kernel_param *ps = NULL;
    size_t nk = c->nk;
    if (!rc && !(ps = malloc((nk ? nk : 1) * sizeof *ps)))
        rc = gp_error_set(err, GP_ERR_NOMEM, "fit: out of memory");
    if (!rc)
        rc = gp_kernel_params(k, ps, nk, &nk, err);
    for (size_t j = 0; !rc && j < pb->np; j++) {
        const gp_fit_param *p = &pb->params[j];
        if (!p->noise)
            rc = gp_kernel_gram_grad(k, &ps[p->kernel_index], pb->X, NULL, c->dK, err);
        const double g = rc ? 0.0 : gp_lml_grad_along(c->Q, p->noise ? NULL : c->dK);
        grad[j] = p->log ? g * value_of(p, theta[j]) : g; /* d / d log v = v d / d v */
    }
    free(ps);
done:
    gp_posterior_release(post);
    gp_process_release(f);
    gp_kernel_release(k);
    return rc;
}

/* Start and bounds of each parameter in the optimiser's coordinates. */
static gp_code coordinates(const fit_ctx *c, double *lo, double *hi, double *x0, gp_error *err)
{
    const gp_fit_problem *pb = c->pb;
    for (size_t j = 0; j < pb->np; j++) {
        const gp_fit_param *p = &pb->params[j];
        if (!p->noise && p->kernel_index >= c->nk)
            return gp_error_set(err, GP_ERR_ARG, "fit: kernel parameter %zu does not exist (the "
                                                 "kernel has %zu)", p->kernel_index + 1, c->nk);
        const char *name = p->noise ? "noise" : c->start[p->kernel_index].name;
        const double v = p->noise ? pb->noise[0] : c->start[p->kernel_index].value;
        if (!(isfinite(p->lo) && isfinite(p->hi) && p->lo < p->hi) || (p->log && !(p->lo > 0)))
            return gp_error_set(err, GP_ERR_ARG,
                                "fit: the bounds of %s must be finite with lower < upper%s, got "
                                "[%g, %g]",
                                name, p->log ? " and lower > 0 (it is fitted on a log scale)" : "",
                                p->lo, p->hi);
        const gp_kernel_param *kp = p->noise ? NULL : &c->start[p->kernel_index];
        if (kp && (p->lo < kp->lo || (kp->open_lo && p->lo == kp->lo) || p->hi > kp->hi))
            return gp_error_set(err, GP_ERR_ARG,
                                "fit: the bounds [%g, %g] of %s leave its allowed range %s%g, %g]",
                                p->lo, p->hi, name, kp->open_lo ? "(" : "[", kp->lo, kp->hi);
        if (p->noise && p->lo < 0)
            return gp_error_set(err, GP_ERR_ARG,
                                "fit: the bounds [%g, %g] of the noise variance go below 0", p->lo,
                                p->hi);
        if (!(v >= p->lo && v <= p->hi))
            return gp_error_set(err, GP_ERR_ARG,
                                "fit: the start of %s, %g, is outside its bounds [%g, %g]", name, v,
                                p->lo, p->hi);
        lo[j] = p->log ? log(p->lo) : p->lo;
        hi[j] = p->log ? log(p->hi) : p->hi;
        x0[j] = p->log ? log(v) : v;
        x0[j] = fmin(fmax(x0[j], lo[j]), hi[j]); /* log(exp) rounding at a bound */
    }
    return GP_OK;
}

/* The context of pb's objective (the noise check, the kernel's parameters
 * at the start, the buffers); close it with ctx_close, even on an error. */
static gp_code ctx_open(const gp_fit_problem *pb, fit_ctx *c, gp_error *err)
{
    const size_t n = pb->X->rows;
    *c = (fit_ctx){pb, NULL, 0, 0, NULL, NULL, NULL};
    for (size_t j = 0; j < pb->np; j++) {
        c->fit_noise |= pb->params[j].noise;
        if (pb->params[j].noise && pb->nnoise != 1)
            return gp_error_set(err, GP_ERR_ARG,
                                "fit: the noise is fitted as one variance for all observations; "
                                "a noise per observation (%zu values) stays fixed",
                                pb->nnoise);
    }
    gp_code rc = gp_kernel_params(pb->kernel, NULL, 0, &c->nk, err);
    if (rc)
        return rc;
    c->start = malloc((c->nk ? c->nk : 1) * sizeof *c->start);
    c->all = malloc((c->nk ? c->nk : 1) * sizeof *c->all);
    c->Q = gp_matrix_alloc(n, n);
    c->dK = gp_matrix_alloc(n, n);
    if (!c->start || !c->all || !c->Q || !c->dK)
        return gp_error_set(err, GP_ERR_NOMEM, "fit: out of memory for %zu observations", n);
    return gp_kernel_params(pb->kernel, c->start, c->nk, &c->nk, err);
}

static void ctx_close(fit_ctx *c)
{
    free(c->start);
    free(c->all);
    gp_matrix_free(c->Q);
    gp_matrix_free(c->dK);
}

gp_code gp_fit_lml_eval(const gp_fit_problem *pb, const double *theta, double *value,
                        double *grad, gp_error *err)
{
    fit_ctx c;
    gp_code rc = ctx_open(pb, &c, err);
    if (!rc)
        rc = objective(&c, theta, value, grad, err);
    ctx_close(&c);
    return rc;
}

gp_code gp_fit_lml(const gp_fit_problem *pb, const gp_fit_options *opt, gp_rng *rng,
                   double *values, gp_kernel **fitted, double *noise, gp_fit_result *res,
                   gp_error *err)
{
    *fitted = NULL;
    const size_t np = pb->np;
    fit_ctx c;
    gp_code rc = ctx_open(pb, &c, err);
    double *box = malloc(4 * (np ? np : 1) * sizeof *box); /* lo, hi, start, best */
    if (!rc && !box)
        rc = gp_error_set(err, GP_ERR_NOMEM, "fit: out of memory");
    double *lo = box, *hi = box + np, *x0 = box + 2 * np, *best = box + 3 * np;
    if (!rc)
        rc = coordinates(&c, lo, hi, x0, err);
    if (!rc) { /* the likelihood must be defined at the start */
        double v;
        rc = objective(&c, x0, &v, values, err);
        if (!rc && v == -HUGE_VAL)
            rc = gp_error_set(err, GP_ERR_ARG,
                              "fit: the log marginal likelihood is not defined at the start (K + "
                              "s2 I is singular: give a noise variance)");
    }
    if (!rc)
        rc = gp_fit_maximise(objective, &c, np, lo, hi, x0, opt, rng, best, res, err);
    if (!rc) {
        for (size_t j = 0; j < np; j++)
            values[j] = value_of(&pb->params[j], best[j]);
        rc = model_at(&c, best, fitted, noise, err);
    }
    ctx_close(&c);
    free(box);
    return rc;
}

double gp_fit_default_noise(const double *y, size_t n)
{
    double mean = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += (y[i] - mean) / (double)(i + 1);
    for (size_t i = 0; i < n; i++)
        ss += (y[i] - mean) * (y[i] - mean);
    const double var = n > 1 ? ss / (double)(n - 1) : 0.0;
    return var > 0.0 && isfinite(var) ? 0.01 * var : 1.0;
}
