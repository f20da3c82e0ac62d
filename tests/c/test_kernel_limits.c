/* test_kernel_limits.c: extreme but finite inputs and parameters. Where the
 * formula has a finite limit it is computed (far-apart points, huge inputs to
 * nn, rq with extreme alpha, periodic phases past 1e308); where the value
 * itself overflows, the evaluation fails with an error naming the kernel or
 * node, the entry and the value, the same whatever the thread count; no
 * kernel function returns inf or NaN. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "test_util.h"

#define NBIG 601 /* above the threading threshold */

static double at(const gp_kernel *k, double x, double y)
{
    return test_kernel_at(k, &x, &y, 1);
}

static void test_far_apart_limits(void **state)
{
    (void)state;
    gp_error err = {0};
    const double one = 1;
    gp_kernel *ks[] = {
        gp_kernel_rbf(1, &one, 1, &err),      gp_kernel_ou(1, &one, 1, &err),
        gp_kernel_exponential(1, &one, 1, &err), gp_kernel_matern32(1, &one, 1, &err),
        gp_kernel_matern52(1, &one, 1, &err), gp_kernel_rq(1, &one, 1, 2, &err),
    };
    /* (r/l)^2 = 1e308 (finite), and r/l = 3e308 (x - y itself overflows) */
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        assert_non_null(ks[i]);
        assert_true(at(ks[i], 0, 1e154) == 0.0);
        assert_true(at(ks[i], -1.5e308, 1.5e308) == 0.0);
        assert_true(at(ks[i], 1e300, 1e300) == 1.0);
        gp_kernel_release(ks[i]);
    }
}

static void test_rq_extreme_alpha(void **state)
{
    (void)state;
    gp_error err = {0};
    const double one = 1;
    /* alpha -> inf: the rbf exp(-r^2 / 2) (pow would round 1 + r^2/(2 alpha) to 1) */
    gp_kernel *big = gp_kernel_rq(1, &one, 1, 1e300, &err);
    for (double r = 0.25; r < 30; r *= 2)
        assert_close(at(big, 0, r), exp(-0.5 * r * r), 1e-13 * exp(-0.5 * r * r) + 1e-300);
    gp_kernel_release(big);
    /* tiny alpha: (1 + h v)^(-alpha) ~ exp(-alpha log(h v)), h v past DBL_MAX */
    gp_kernel *small = gp_kernel_rq(1, &one, 1, 1e-3, &err);
    const double r = 1e200, want = exp(-1e-3 * (log(0.5 / 1e-3) + 2 * log(r)));
    assert_close(at(small, 0, r), want, 1e-13);
    const double want_far = exp(-1e-3 * (log(0.5 / 1e-3) + 2 * (log(1.5e308) + log(2.0))));
    assert_close(at(small, -1.5e308, 1.5e308), want_far, 1e-13); /* (x - y) overflows */
    gp_kernel_release(small);
}

static void test_periodic_phases(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_kernel *p = gp_kernel_periodic(1, 1, 1.5, &err);
    /* x - y = 3e308 overflows; k depends on it only modulo the period,
     * which fmod gives exactly (from the halves) */
    const double x = -1.5e308, y = 1.5e308;
    const double rem = 2.0 * fmod(0.5 * x - 0.5 * y, 0.75);
    const double s = sin(3.14159265358979323846 * rem / 1.5);
    assert_close(at(p, x, y), exp(-2.0 * s * s), 1e-15);
    gp_kernel_release(p);
    /* a length-scale whose square underflows: k(x, x) is still a^2 */
    gp_kernel *tiny = gp_kernel_periodic(2, 1e-200, 1, &err);
    assert_true(at(tiny, 0.3, 0.3) == 4.0);
    assert_true(at(tiny, 0.3, 0.55) == 0.0);
    gp_kernel_release(tiny);
}

static void test_nn_huge_inputs(void **state)
{
    (void)state;
    gp_error err = {0};
    const double S[4] = {1, 0.3, 0.3, 2};
    gp_kernel *k = gp_kernel_nn(S, 2, 1.5, 0.25, &err);
    /* rows just below and above the scaling threshold 2^300 agree */
    const double lo = ldexp(1.0, 300) * (1 - 1e-15), hi = ldexp(1.0, 300) * (1 + 1e-15);
    assert_close(at(k, lo, 3.0), at(k, hi, 3.0), 1e-12);
    assert_close(at(k, lo, lo), at(k, hi, hi), 1e-7);
    /* the diagonal tends to offset + variance, the same sign far out gives it too */
    gp_matrix *X = test_matrix_rows(4, 1, (double[]){0, 1e200, -1e308, 1e308});
    gp_matrix *K = test_gram(k, X, NULL);
    for (size_t i = 1; i < 4; i++)
        assert_close(GP_AT(K, i, i), 0.25 + 1.5, 1e-7);
    assert_close(GP_AT(K, 2, 3), 0.25 - 1.5, 1e-7); /* opposite directions: asin(-1) */
    test_check_sym_psd(K, "nn at huge inputs");
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_kernel_release(k);
}

/* The message of the first error of gram(k, X) with nthreads threads. */
static void gram_error(const gp_kernel *k, const gp_matrix *X, int nthreads, char *msg, size_t cap)
{
    const int saved = openblas_get_num_threads();
    gp_error err = {0};
    gp_matrix *K = gp_matrix_alloc(X->rows, X->rows);
    openblas_set_num_threads(nthreads);
    gp_code rc = gp_kernel_gram(k, X, NULL, K, &err);
    openblas_set_num_threads(saved);
    assert_int_equal(rc, GP_ERR_NUMERIC);
    snprintf(msg, cap, "%s", err.msg);
    gp_matrix_free(K);
}

static void test_overflow_is_reported_the_same_with_any_thread_count(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_matrix *X = test_random_points(NBIG, 1, -0.5, 0.5, 3);
    X->data[400] = 30; /* (1 + 30 x)^1000 overflows from column 400 on */
    X->data[500] = 20;
    gp_kernel *poly = gp_kernel_polynomial(1, 1, 1000, &err);
    gp_kernel *big = gp_kernel_constant(1e308, &err), *sum = gp_kernel_sum(big, big, &err);
    gp_kernel *list[] = {poly, sum};
    const char *want[] = {"polynomial: entry (", "sum: entry (1, 1) of the Gram matrix"};
    for (size_t i = 0; i < 2; i++) {
        char m1[512], m2[512];
        gram_error(list[i], X, 1, m1, sizeof m1);
        gram_error(list[i], X, 4, m2, sizeof m2);
        assert_string_equal(m1, m2);
        assert_non_null(strstr(m1, want[i]));
        assert_non_null(strstr(m1, "is inf, not finite"));
    }
    /* the first non-finite entry of the upper triangle, column by column */
    char m[512];
    gram_error(poly, X, 2, m, sizeof m);
    size_t i0 = 0, j0 = 0;
    assert_int_equal(sscanf(m, "polynomial: entry (%zu, %zu)", &i0, &j0), 2);
    for (size_t j = 0; j < NBIG; j++)
        for (size_t i = 0; i <= j; i++) {
            const double v = pow(1 + X->data[i] * X->data[j], 1000);
            if (!isfinite(v)) {
                assert_int_equal(i + 1, i0);
                assert_int_equal(j + 1, j0);
                goto found;
            }
        }
    fail_msg("no overflowing entry in the reference");
found:
    gp_kernel_release(sum);
    gp_kernel_release(big);
    gp_kernel_release(poly);
    gp_matrix_free(X);
}

static gp_code big_warp(void *ctx, const double *x, size_t d, double *out, gp_error *err)
{
    (void)ctx;
    (void)d;
    (void)err;
    *out = x[0] > 0 ? 1e200 : 1e-200;
    return GP_OK;
}

static void test_node_overflows_name_the_node(void **state)
{
    (void)state;
    gp_error err = {0};
    const double one = 1;
    gp_kernel *r = gp_kernel_rbf(1, &one, 1, &err);
    gp_func *f = gp_func_external(big_warp, NULL, NULL, "big", &err);
    gp_kernel *w = gp_kernel_warp(r, f, &err);
    gp_matrix *X = test_matrix_rows(3, 1, (double[]){-1, 0.5, -2});
    double v[3];
    gp_matrix *K = gp_matrix_alloc(3, 3);
    assert_int_equal(gp_kernel_diag(w, X, v, &err), GP_ERR_NUMERIC);
    assert_string_equal(err.msg, "warp: the variance k(x_2, x_2) is inf, not finite: a(x) a(x') "
                                 "k(x, x') overflows (kernel warp(rbf(amplitude=1, "
                                 "lengthscale=1), by=big))");
    assert_int_equal(gp_kernel_gram(w, X, NULL, K, &err), GP_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "warp: entry (2, 2) of the Gram matrix"));
    /* a tiny k times two huge a's: (k a(x)) a(x') is computed without an
     * intermediate overflow; 1e-200 * 1e200 pairs give exactly k */
    gp_matrix *Y = test_matrix_rows(1, 1, (double[]){-1});
    gp_matrix *X2 = test_matrix_rows(1, 1, (double[]){1});
    gp_matrix *C = gp_matrix_alloc(1, 1);
    assert_int_equal(gp_kernel_gram(w, X2, Y, C, &err), GP_OK);
    assert_close(C->data[0], exp(-2.0), 1e-15);
    gp_matrix_free(C);
    gp_matrix_free(X2);
    gp_matrix_free(Y);
    /* scale and product */
    gp_kernel *c = gp_kernel_constant(1e300, &err), *sc = gp_kernel_scale(1e10, c, &err);
    gp_kernel *pr = gp_kernel_product(c, c, &err);
    assert_int_equal(gp_kernel_gram(sc, X, NULL, K, &err), GP_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "scale: entry (1, 1)"));
    assert_int_equal(gp_kernel_diag(pr, X, v, &err), GP_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "product: the variance k(x_1, x_1) is inf"));
    gp_kernel_release(pr);
    gp_kernel_release(sc);
    gp_kernel_release(c);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_kernel_release(w);
    gp_func_release(f);
    gp_kernel_release(r);
}

static void test_parameters_that_would_overflow(void **state)
{
    (void)state;
    gp_error err = {0};
    const double tiny = 1e-310, one = 1;
    assert_null(gp_kernel_rbf(1, &tiny, 1, &err));
    assert_string_equal(err.msg, "rbf: lengthscale must be finite and > 0, got 1e-310 (too small: "
                                 "1/lengthscale overflows)");
    assert_null(gp_kernel_matern52(1e200, &one, 1, &err));
    assert_string_equal(err.msg, "matern52: amplitude must be finite and >= 0, got 1e+200 (too "
                                 "large: the square of amplitude overflows)");
    assert_null(gp_kernel_rq(1, &one, 1, 1e-320, &err));
    assert_non_null(strstr(err.msg, "1/alpha overflows"));
    assert_null(gp_kernel_periodic(1, 1, 1e-310, &err));
    assert_non_null(strstr(err.msg, "period must be finite and > 0, got 1e-310 (too small"));
    assert_null(gp_kernel_nn((double[]){1e200, 0, 0, 1}, 2, 1, 0, &err));
    assert_non_null(strstr(err.msg, "nn: Sigma has an entry of size 1e+200"));
    /* c1 * (c2 * k) is folded into one scaling: an overflowing product is refused */
    gp_kernel *r = gp_kernel_rbf(1, &one, 1, &err), *s = gp_kernel_scale(1e200, r, &err);
    assert_null(gp_kernel_scale(1e200, s, &err));
    assert_string_equal(err.msg, "scale: 1e+200 * (1e+200 * k) overflows (inf)");
    gp_kernel_release(s);
    gp_kernel_release(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_far_apart_limits),
        cmocka_unit_test(test_rq_extreme_alpha),
        cmocka_unit_test(test_periodic_phases),
        cmocka_unit_test(test_nn_huge_inputs),
        cmocka_unit_test(test_overflow_is_reported_the_same_with_any_thread_count),
        cmocka_unit_test(test_node_overflows_name_the_node),
        cmocka_unit_test(test_parameters_that_would_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
