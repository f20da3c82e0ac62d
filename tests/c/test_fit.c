/* test_fit.c: the L-BFGS maximiser with restarts (gp_fit.h) on functions with
 * known maxima, inside and on the box; and the log marginal likelihood's
 * gradient (gp_posterior_lml_grad) against central finite differences. */
#include <stdlib.h>
#include <string.h>

#include "gp_fit.h"
#include "gp_posterior.h"
#include "test_util.h"

/* -(sum (theta_i - c_i)^2): the maximum at c. */
static gp_code bowl(void *ctx, const double *theta, double *value, double *grad, gp_error *err)
{
    (void)err;
    const double *c = ctx;
    *value = 0.0;
    for (size_t i = 0; i < 3; i++) {
        *value -= (theta[i] - c[i]) * (theta[i] - c[i]);
        grad[i] = -2.0 * (theta[i] - c[i]);
    }
    return GP_OK;
}

/* -Rosenbrock: -(1 - x)^2 - 100 (y - x^2)^2, the maximum 0 at (1, 1). */
static gp_code rosenbrock(void *ctx, const double *t, double *value, double *grad, gp_error *err)
{
    (void)ctx;
    (void)err;
    const double a = 1.0 - t[0], b = t[1] - t[0] * t[0];
    *value = -(a * a + 100.0 * b * b);
    grad[0] = 2.0 * a + 400.0 * b * t[0];
    grad[1] = -200.0 * b;
    return GP_OK;
}

static gp_code failing(void *ctx, const double *theta, double *value, double *grad, gp_error *err)
{
    (void)ctx;
    (void)theta;
    (void)value;
    (void)grad;
    return gp_error_set(err, GP_ERR_NUMERIC, "the objective broke");
}

static void test_bowl_inside_and_at_a_bound(void **state)
{
    (void)state;
    double c[3] = {0.3, -1.2, 2.0}, lo[3] = {-3, -3, -3}, hi[3] = {3, 3, 1.5}, start[3] = {0};
    double theta[3];
    gp_fit_result res;
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    gp_error err;
    assert_int_equal(gp_fit_maximise(bowl, c, 3, lo, hi, start, NULL, &rng, theta, &res, &err),
                     GP_OK);
    assert_close(theta[0], 0.3, 1e-6);
    assert_close(theta[1], -1.2, 1e-6);
    assert_close(theta[2], 1.5, 1e-12); /* c_3 = 2 is beyond the bound */
    assert_close(res.value, -0.25, 1e-10);
    assert_true(res.grad_norm < 1e-5); /* the component pushing out at the bound is left out */
    assert_int_equal(res.starts, 5);
    assert_true(res.status > 0);
    assert_true(res.evaluations >= 5);
}

static void test_rosenbrock_with_restarts(void **state)
{
    (void)state;
    double lo[2] = {-2, -1}, hi[2] = {2, 3}, start[2] = {-1.5, 2.5}, theta[2];
    gp_fit_options opt;
    gp_fit_options_default(&opt);
    opt.restarts = 3;
    gp_fit_result res, again;
    gp_rng rng;
    gp_rng_seed(&rng, 2);
    assert_int_equal(gp_fit_maximise(rosenbrock, NULL, 2, lo, hi, start, &opt, &rng, theta, &res, NULL),
                     GP_OK);
    assert_close(theta[0], 1.0, 1e-4);
    assert_close(theta[1], 1.0, 1e-4);
    assert_true(res.value > -1e-8);
    for (size_t s = 0; s < res.starts; s++)
        assert_true(res.start_value[s] <= res.value);
    /* the same seed, the same fit */
    gp_rng_seed(&rng, 2);
    double theta2[2];
    assert_int_equal(gp_fit_maximise(rosenbrock, NULL, 2, lo, hi, start, &opt, &rng, theta2, &again, NULL),
                     GP_OK);
    assert_true(theta2[0] == theta[0] && theta2[1] == theta[1]);
}

static void test_errors(void **state)
{
    (void)state;
    double lo[1] = {0}, hi[1] = {1}, start[1] = {0.5}, theta[1];
    gp_fit_result res;
    gp_rng rng;
    gp_rng_seed(&rng, 3);
    gp_error err;
    assert_int_equal(gp_fit_maximise(failing, NULL, 1, lo, hi, start, NULL, &rng, theta, &res, &err),
                     GP_ERR_NUMERIC);
    assert_string_equal(err.msg, "the objective broke");
    start[0] = 2;
    assert_int_equal(gp_fit_maximise(bowl, NULL, 1, lo, hi, start, NULL, &rng, theta, &res, &err),
                     GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "outside its bounds"));
    hi[0] = -1;
    assert_int_equal(gp_fit_maximise(bowl, NULL, 1, lo, hi, start, NULL, &rng, theta, &res, &err),
                     GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "lower < upper"));
}

/* ---- the gradient of the log marginal likelihood ------------------------------------ */

typedef struct lml_data {
    gp_matrix *X;
    double y[12];
} lml_data;

static lml_data *make_data(void)
{
    lml_data *d = calloc(1, sizeof *d);
    d->X = gp_matrix_alloc(12, 1);
    gp_matrix_linspace(d->X, 0, 4);
    for (size_t i = 0; i < 12; i++)
        d->y[i] = sin(1.7 * d->X->data[i]) + 0.1 * cos(13.0 * (double)i);
    return d;
}

static gp_process *rbf_process(double amplitude, double ls)
{
    gp_kernel *k = gp_kernel_rbf(amplitude, &ls, 1, NULL);
    gp_func *m = gp_func_constant(0.2, NULL);
    gp_process *f = gp_process_new(m, k, NULL);
    gp_kernel_release(k);
    gp_func_release(m);
    return f;
}

static double lml_at(const lml_data *d, double amplitude, double ls, double s2)
{
    gp_process *f = rbf_process(amplitude, ls);
    gp_observations obs = {d->X, d->y, &s2, 1, 0.0};
    gp_lml l;
    assert_int_equal(gp_process_lml(f, &obs, &l, NULL), GP_OK);
    gp_process_release(f);
    return l.value;
}

/* d lml / d s2 (dA = I) and d lml / d amplitude (dA = 2 K / a) against
 * central differences of the likelihood itself. */
static void test_lml_gradient_by_finite_differences(void **state)
{
    (void)state;
    lml_data *d = make_data();
    const double a = 1.3, ls = 0.9, s2 = 0.05;
    gp_process *f = rbf_process(a, ls);
    gp_observations obs = {d->X, d->y, &s2, 1, 0.0};
    gp_posterior *post = gp_posterior_new(f, &obs, NULL);
    assert_non_null(post);
    gp_matrix *dK = gp_matrix_alloc(12, 12);
    assert_int_equal(gp_process_cov(f, d->X, NULL, dK, NULL), GP_OK);
    for (size_t i = 0; i < 144; i++)
        dK->data[i] *= 2.0 / a;
    const gp_matrix *dirs[2] = {NULL, dK};
    double g[2];
    assert_int_equal(gp_posterior_lml_grad(post, dirs, 2, g, NULL), GP_OK);
    const double h = 1e-5;
    const double fd_s2 = (lml_at(d, a, ls, s2 + h) - lml_at(d, a, ls, s2 - h)) / (2 * h);
    const double fd_a = (lml_at(d, a + h, ls, s2) - lml_at(d, a - h, ls, s2)) / (2 * h);
    assert_close(g[0], fd_s2, 1e-6 * (1 + fabs(fd_s2)));
    assert_close(g[1], fd_a, 1e-6 * (1 + fabs(fd_a)));
    /* a wrong direction gives a wrong answer: the check can tell */
    assert_true(fabs(g[1] / 2 - fd_a) > 1e-3);
    gp_matrix_free(dK);
    gp_posterior_release(post);
    gp_process_release(f);
    gp_matrix_free(d->X);
    free(d);
}

/* The noise variance of a fixed kernel fitted through gp_fit_maximise on
 * log s2 reaches a likelihood at least as high as the best of a fine grid. */
typedef struct noise_ctx {
    const lml_data *d;
    gp_process *f;
} noise_ctx;

static gp_code noise_objective(void *ctx, const double *theta, double *value, double *grad,
                               gp_error *err)
{
    const noise_ctx *c = ctx;
    const double s2 = exp(theta[0]);
    gp_observations obs = {c->d->X, c->d->y, &s2, 1, 0.0};
    gp_posterior *post = gp_posterior_new(c->f, &obs, err);
    if (!post)
        return err->code;
    gp_lml l;
    const gp_matrix *dirs[1] = {NULL};
    gp_code rc = gp_posterior_lml(post, &l, err);
    if (!rc)
        rc = gp_posterior_lml_grad(post, dirs, 1, grad, err);
    *value = l.value;
    grad[0] *= s2; /* d / d log s2 */
    gp_posterior_release(post);
    return rc;
}

static void test_fit_the_noise(void **state)
{
    (void)state;
    lml_data *d = make_data();
    noise_ctx c = {d, rbf_process(1.0, 0.8)};
    double lo[1] = {log(1e-6)}, hi[1] = {log(10.0)}, start[1] = {0.0}, theta[1];
    gp_fit_result res;
    gp_rng rng;
    gp_rng_seed(&rng, 4);
    gp_error err;
    if (gp_fit_maximise(noise_objective, &c, 1, lo, hi, start, NULL, &rng, theta, &res, &err))
        fail_msg("%s", err.msg);
    double best = -HUGE_VAL;
    for (int i = 0; i <= 400; i++)
        best = fmax(best, lml_at(d, 1.0, 0.8, exp(lo[0] + (hi[0] - lo[0]) * i / 400.0)));
    assert_true(res.value >= best - 1e-9);
    assert_true(res.grad_norm < 1e-4);
    gp_process_release(c.f);
    gp_matrix_free(d->X);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bowl_inside_and_at_a_bound),
        cmocka_unit_test(test_rosenbrock_with_restarts),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_lml_gradient_by_finite_differences),
        cmocka_unit_test(test_fit_the_noise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
