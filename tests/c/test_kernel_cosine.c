/* test_kernel_cosine.c: the cosine kernel a^2 prod_j cos(2 pi (x_j - x'_j) / p_j).
 * Values at hand-computed points; positive semi-definite in 2-D (where the
 * Euclidean cos(2 pi r / p) is not); draws whose covariance matches a
 * reference written here from the formula, with a fixed seed and a
 * tolerance of 5 standard errors, and the same check rejecting two wrong
 * formulas (half the frequency; the Euclidean form). */
#include <stdlib.h>
#include <string.h>

#include "gp_process.h"
#include "test_util.h"

#define PI 3.14159265358979323846
#define N_DRAWS 20000
#define Z_TOL 5.0 /* standard errors */

static gp_kernel *cosine(double amplitude, const double *period, size_t nperiod)
{
    gp_error err = {0};
    const gp_kernel_arg args[] = {{"amplitude", &amplitude, 1, 1, NULL}, {"period", period, nperiod, 1, NULL}};
    gp_kernel *k = gp_kernel_new_named("cosine", args, 2, &err);
    if (!k)
        fail_msg("cosine: %s", err.msg);
    return k;
}

static double at1(const gp_kernel *k, double x, double y)
{
    return test_kernel_at(k, &x, &y, 1);
}

static double at2(const gp_kernel *k, double x0, double x1, double y0, double y1)
{
    return test_kernel_at(k, (double[]){x0, x1}, (double[]){y0, y1}, 2);
}

static void test_cosine_values(void **state)
{
    (void)state;
    const double p6 = 6, p64[2] = {6, 4};
    gp_kernel *k = cosine(2, &p6, 1); /* 4 cos(2 pi t / 6) = 4 cos(pi t / 3) */
    assert_close(at1(k, 0, 0), 4.0, 0);
    assert_close(at1(k, 0, 1), 2.0, 1e-15);  /* cos(pi/3) = 1/2 */
    assert_close(at1(k, 3, 1), -2.0, 1e-15); /* cos(2 pi/3) */
    assert_close(at1(k, 0, 3), -4.0, 1e-15); /* cos(pi) */
    assert_close(at1(k, -7, 5), 4.0, 1e-14); /* two periods */
    test_expect_describe(k, "cosine(amplitude=2, period=6; prod_j cos(2 pi (x_j - x'_j) / p_j))");
    gp_kernel_release(k);

    gp_kernel *k2 = cosine(1, p64, 2); /* cos(pi t1 / 3) cos(pi t2 / 2) */
    assert_close(at2(k2, 0, 0, 2, 2), 0.5, 1e-15);  /* (-1/2)(-1) */
    assert_close(at2(k2, 1, 0, 0, 4), 0.5, 1e-15);  /* (1/2)(1) */
    assert_close(at2(k2, 0, 0, 3, 0), -1.0, 1e-15); /* (-1)(1) */
    test_expect_describe(k2,
                         "cosine(amplitude=1, period={6, 4}; prod_j cos(2 pi (x_j - x'_j) / p_j))");
    gp_kernel_release(k2);

    /* far apart points: the phase is reduced modulo the period, never NaN */
    const double p1 = 1;
    gp_kernel *kf = cosine(1, &p1, 1);
    assert_close(at1(kf, -1.5e308, 1.5e308), 1.0, 1e-12);
    gp_kernel_release(kf);
}

static void test_cosine_errors(void **state)
{
    (void)state;
    gp_error err = {0};
    const double bad[2] = {1, 0}, one = 1, p3[3] = {1, 2, 3};
    const gp_kernel_arg zero_period[] = {{"period", bad, 2, 1, NULL}};
    assert_null(gp_kernel_new_named("cosine", zero_period, 1, &err));
    assert_string_equal(err.msg, "cosine: period 2 must be finite and > 0, got 0");
    const gp_kernel_arg unknown[] = {{"lengthscale", &one, 1, 1, NULL}};
    assert_null(gp_kernel_new_named("cosine", unknown, 1, &err));
    assert_string_equal(err.msg,
                        "cosine: unknown parameter 'lengthscale' (known: amplitude, period)");
    /* three periods for 2-D input */
    gp_kernel *k = cosine(1, p3, 3);
    gp_matrix *X = test_random_points(3, 2, 0, 1, 1), *K = gp_matrix_alloc(3, 3);
    assert_int_equal(gp_kernel_gram(k, X, NULL, K, &err), GP_ERR_DIM);
    assert_string_equal(err.msg, "cosine: 3 periods given for 2-D input (need 1 or 2)");
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_kernel_release(k);
}

/* The product form is PSD in 2-D; the Euclidean cos(2 pi r / p) is not. */
static void test_cosine_psd(void **state)
{
    (void)state;
    const double p = 1.3, pp[2] = {1.3, 0.7};
    gp_matrix *X = test_random_points(40, 2, -2, 2, 5);
    gp_kernel *ks[] = {cosine(1.5, &p, 1), cosine(1, pp, 2)};
    for (size_t i = 0; i < 2; i++) {
        gp_matrix *K = test_gram(ks[i], X, NULL);
        test_check_sym_psd(K, "cosine");
        gp_matrix_free(K);
        gp_kernel_release(ks[i]);
    }
    gp_matrix_free(X);
}

/* Reference covariance a^2 prod_c cos(f 2 pi (x_c - y_c) / p_c), or with
 * euclid the Euclidean cos(f 2 pi r / p_0): f = 1 is the kernel's formula. */
static gp_matrix *reference(const gp_matrix *X, double a, const double *p, size_t np, double f,
                            int euclid)
{
    const size_t n = X->rows, d = X->cols;
    gp_matrix *K = gp_matrix_alloc(n, n);
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++) {
            double v = a * a, r2 = 0;
            for (size_t c = 0; c < d; c++) {
                const double t = GP_AT(X, i, c) - GP_AT(X, j, c);
                v *= cos(f * 2 * PI * t / p[np == 1 ? 0 : c]);
                r2 += t * t;
            }
            GP_AT(K, i, j) = euclid ? a * a * cos(f * 2 * PI * sqrt(r2) / p[0]) : v;
        }
    return K;
}

static gp_matrix *draws(gp_kernel *k, const gp_matrix *X, uint64_t seed)
{
    gp_error err = {0};
    gp_func *zero = gp_func_constant(0, &err);
    gp_process *f = gp_process_new(zero, k, &err);
    gp_rng rng;
    gp_rng_seed(&rng, seed);
    gp_matrix *S = gp_matrix_alloc(X->rows, N_DRAWS);
    if (!f || gp_process_sample_joint(&f, 1, X, 0.0, &rng, &S, NULL, 0, NULL, &err))
        fail_msg("sample: %s", err.msg);
    gp_process_release(f);
    gp_func_release(zero);
    return S;
}

static void test_cosine_draws(void **state)
{
    (void)state;
    /* 1-D: 6 points over about one period */
    const double a = 1.5, p = 2.5;
    gp_matrix *X = gp_matrix_alloc(6, 1);
    gp_matrix_linspace(X, -0.4, 2.1);
    gp_kernel *k = cosine(a, &p, 1);
    gp_matrix *S = draws(k, X, 7);
    gp_matrix *ok = reference(X, a, &p, 1, 1.0, 0), *half = reference(X, a, &p, 1, 0.5, 0);
    assert_true(test_max_z(S, NULL, ok) < Z_TOL);
    assert_true(test_max_z(S, NULL, half) > Z_TOL); /* cos(pi t / p): the wrong period */
    gp_matrix_free(half);
    gp_matrix_free(ok);
    gp_matrix_free(S);
    gp_kernel_release(k);
    gp_matrix_free(X);

    /* 2-D, one period per dimension, against the product and the Euclidean form */
    const double pp[2] = {2.0, 2.0};
    X = test_random_points(6, 2, -1, 1, 9);
    k = cosine(1, pp, 2);
    S = draws(k, X, 8);
    ok = reference(X, 1, pp, 2, 1.0, 0);
    gp_matrix *euclid = reference(X, 1, pp, 2, 1.0, 1);
    assert_true(test_max_z(S, NULL, ok) < Z_TOL);
    assert_true(test_max_z(S, NULL, euclid) > Z_TOL);
    gp_matrix_free(euclid);
    gp_matrix_free(ok);
    gp_matrix_free(S);
    gp_kernel_release(k);
    gp_matrix_free(X);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cosine_values),
        cmocka_unit_test(test_cosine_errors),
        cmocka_unit_test(test_cosine_psd),
        cmocka_unit_test(test_cosine_draws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
