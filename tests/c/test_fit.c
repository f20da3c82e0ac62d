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
    gp_matrix *Q = gp_matrix_alloc(12, 12);
    assert_int_equal(gp_posterior_lml_weights(post, Q, NULL), GP_OK);
    const double g[2] = {gp_lml_grad_along(Q, NULL), gp_lml_grad_along(Q, dK)};
    const double h = 1e-5;
    const double fd_s2 = (lml_at(d, a, ls, s2 + h) - lml_at(d, a, ls, s2 - h)) / (2 * h);
    const double fd_a = (lml_at(d, a + h, ls, s2) - lml_at(d, a - h, ls, s2)) / (2 * h);
    assert_close(g[0], fd_s2, 1e-6 * (1 + fabs(fd_s2)));
    assert_close(g[1], fd_a, 1e-6 * (1 + fabs(fd_a)));
    /* a wrong direction gives a wrong answer: the check can tell */
    assert_true(fabs(g[1] / 2 - fd_a) > 1e-3);
    gp_matrix_free(dK);
    gp_matrix_free(Q);
    gp_posterior_release(post);
    gp_process_release(f);
    gp_matrix_free(d->X);
    free(d);
}

/* log p(y | X) for kernel k with its free parameters set to v (nk values). */
static double lml_with(const lml_data *d, const gp_kernel *k, const double *v, size_t nk,
                       double s2)
{
    gp_kernel *kv = gp_kernel_with_params(k, v, nk, NULL);
    assert_non_null(kv);
    gp_func *m = gp_func_constant(0.0, NULL);
    gp_process *f = gp_process_new(m, kv, NULL);
    gp_observations obs = {d->X, d->y, &s2, 1, 0.0};
    gp_lml l;
    assert_int_equal(gp_process_lml(f, &obs, &l, NULL), GP_OK);
    gp_process_release(f);
    gp_func_release(m);
    gp_kernel_release(kv);
    return l.value;
}

/* For every free parameter of kernels built by the algebra (sums, products,
 * scalings over rbf, matern32, rq, periodic), tr(Q dK) / 2 with dK from
 * gp_kernel_gram_grad equals a central difference of log p(y | X). */
static void test_lml_gradient_through_the_algebra(void **state)
{
    (void)state;
    lml_data *d = make_data();
    double l1 = 0.7, l2 = 1.4;
    gp_kernel *rbf = gp_kernel_rbf(1.2, &l1, 1, NULL), *m32 = gp_kernel_matern32(0.8, &l2, 1, NULL);
    gp_kernel *rq = gp_kernel_rq(0.9, &l2, 1, 1.5, NULL), *per = gp_kernel_periodic(0.6, 0.9, 2.5, NULL);
    gp_kernel *prod = gp_kernel_product(rbf, per, NULL), *scaled = gp_kernel_scale(0.7, m32, NULL);
    gp_kernel *sum1 = gp_kernel_sum(prod, scaled, NULL), *all = gp_kernel_sum(sum1, rq, NULL);
    const double s2 = 0.08;
    size_t nk;
    assert_int_equal(gp_kernel_params(all, NULL, 0, &nk, NULL), GP_OK);
    assert_true(nk >= 9);
    gp_kernel_param *ps = calloc(nk, sizeof *ps);
    double *v = calloc(nk, sizeof *v);
    assert_int_equal(gp_kernel_params(all, ps, nk, &nk, NULL), GP_OK);
    for (size_t i = 0; i < nk; i++)
        v[i] = ps[i].value;
    gp_func *m = gp_func_constant(0.0, NULL);
    gp_process *f = gp_process_new(m, all, NULL);
    gp_observations obs = {d->X, d->y, &s2, 1, 0.0};
    gp_posterior *post = gp_posterior_new(f, &obs, NULL);
    gp_matrix *Q = gp_matrix_alloc(12, 12), *dK = gp_matrix_alloc(12, 12);
    assert_int_equal(gp_posterior_lml_weights(post, Q, NULL), GP_OK);
    for (size_t i = 0; i < nk; i++) {
        assert_int_equal(gp_kernel_gram_grad(all, &ps[i], d->X, NULL, dK, NULL), GP_OK);
        const double g = gp_lml_grad_along(Q, dK), h = 1e-6 * fmax(1.0, fabs(v[i]));
        const double keep = v[i];
        v[i] = keep + h;
        const double up = lml_with(d, all, v, nk, s2);
        v[i] = keep - h;
        const double down = lml_with(d, all, v, nk, s2);
        v[i] = keep;
        const double fd = (up - down) / (2 * h);
        if (!(fabs(g - fd) <= 1e-6 * (1 + fabs(fd))))
            fail_msg("%s: analytic %.10g, finite difference %.10g", ps[i].name, g, fd);
    }
    gp_matrix_free(Q);
    gp_matrix_free(dK);
    gp_posterior_release(post);
    gp_process_release(f);
    gp_func_release(m);
    free(ps);
    free(v);
    gp_kernel *ks[] = {rbf, m32, rq, per, prod, scaled, sum1, all};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++)
        gp_kernel_release(ks[i]);
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
    gp_matrix *Q = gp_matrix_alloc(12, 12);
    gp_code rc = gp_posterior_lml(post, &l, err);
    if (!rc)
        rc = gp_posterior_lml_weights(post, Q, err);
    *value = l.value;
    grad[0] = s2 * gp_lml_grad_along(Q, NULL); /* d / d log s2 */
    gp_matrix_free(Q);
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

/* gp_fit_lml over the length-scale and the noise (the amplitude fixed)
 * reaches at least the best of a 60 x 60 grid of both, and refuses bad
 * settings by name. */
static void test_fit_lml(void **state)
{
    (void)state;
    lml_data *d = make_data();
    double ls = 2.0;
    gp_kernel *k = gp_kernel_rbf(1.0, &ls, 1, NULL);
    gp_func *m = gp_func_constant(0.0, NULL);
    size_t nk;
    gp_kernel_param kp[2];
    assert_int_equal(gp_kernel_params(k, kp, 2, &nk, NULL), GP_OK);
    assert_int_equal(nk, 2);
    assert_string_equal(kp[1].name, "rbf.lengthscale");
    const double s2 = 0.3;
    gp_fit_param ps[2] = {{0, 1, 0.05, 20.0, 1}, {1, 0, 1e-4, 10.0, 1}};
    gp_fit_problem pb = {k, m, d->X, d->y, &s2, 1, ps, 2};
    double values[2], noise;
    gp_kernel *fitted = NULL;
    gp_fit_result res;
    gp_rng rng;
    gp_rng_seed(&rng, 9);
    gp_error err;
    if (gp_fit_lml(&pb, NULL, &rng, values, &fitted, &noise, &res, &err))
        fail_msg("%s", err.msg);
    assert_close(noise, values[1], 0);
    /* the objective's gradient in the optimiser's coordinates (log l, log s2) */
    const double theta[2] = {log(0.8), log(0.05)}, h = 1e-6;
    double value, g[2], up, down, scratch[2];
    assert_int_equal(gp_fit_lml_eval(&pb, theta, &value, g, NULL), GP_OK);
    for (int i = 0; i < 2; i++) {
        double t[2] = {theta[0], theta[1]};
        t[i] += h;
        assert_int_equal(gp_fit_lml_eval(&pb, t, &up, scratch, NULL), GP_OK);
        t[i] -= 2 * h;
        assert_int_equal(gp_fit_lml_eval(&pb, t, &down, scratch, NULL), GP_OK);
        assert_close(g[i], (up - down) / (2 * h), 1e-6 * (1 + fabs(g[i])));
    }
    double v2[2] = {1.0, values[0]};
    assert_close(res.value, lml_with(d, k, v2, 2, noise), 1e-12);
    double best = -HUGE_VAL;
    for (int i = 0; i < 60; i++)
        for (int j = 0; j < 60; j++) {
            double v[2] = {1.0, 0.05 * pow(400.0, i / 59.0)};
            best = fmax(best, lml_with(d, k, v, 2, 1e-4 * pow(1e5, j / 59.0)));
        }
    assert_true(res.value >= best - 1e-9);
    assert_true(res.grad_norm < 1e-3);
    char text[128];
    gp_kernel_describe(fitted, text, sizeof text);
    assert_non_null(strstr(text, "amplitude=1,"));
    gp_kernel_release(fitted);
    /* bad settings */
    ps[0].lo = 3.0; /* the start 2 lies below */
    assert_int_equal(gp_fit_lml(&pb, NULL, &rng, values, &fitted, &noise, &res, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "the start of rbf.lengthscale, 2, is outside its bounds"));
    ps[0].lo = -1.0;
    ps[0].log = 0;
    assert_int_equal(gp_fit_lml(&pb, NULL, &rng, values, &fitted, &noise, &res, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "leave its allowed range (0,"));
    ps[0] = (gp_fit_param){0, 1, 0.05, 20.0, 1};
    pb.noise = d->y; /* one per observation: cannot be fitted as one */
    pb.nnoise = 12;
    assert_int_equal(gp_fit_lml(&pb, NULL, &rng, values, &fitted, &noise, &res, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "a noise per observation (12 values) stays fixed"));
    assert_null(fitted);
    gp_kernel_release(k);
    gp_func_release(m);
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
        cmocka_unit_test(test_lml_gradient_through_the_algebra),
        cmocka_unit_test(test_fit_the_noise),
        cmocka_unit_test(test_fit_lml),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
