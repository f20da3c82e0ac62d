/* test_kernel.c: the leaf kernels against their formulas, Gram matrix shape,
 * symmetry and positive semi-definiteness, describe strings, bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include <lapacke.h>

#include "gp_kernel.h"

#define PI 3.14159265358979323846
#define TOL 1e-13

/* ---- helpers ---------------------------------------------------------------- */

/* A constructor result that must be NULL with a message containing each of the
 * given words. */
static void expect_null(gp_kernel *k, const gp_error *err, const char *w1, const char *w2)
{
    if (k) {
        gp_kernel_release(k);
        fail_msg("constructor accepted bad input (expected an error about %s)", w1);
    }
    if (!strstr(err->msg, w1) || (w2 && !strstr(err->msg, w2)))
        fail_msg("message '%s' should mention '%s' and '%s'", err->msg, w1, w2 ? w2 : "");
    assert_int_equal(err->code, GP_ERR_ARG);
}

/* ---- leaf formulas at hand-computed points ------------------------------------ */

static void test_rbf_values(void **state)
{
    (void)state;
    gp_error err = {0};
    double l = 0.7;
    gp_kernel *k = gp_kernel_rbf(1.5, &l, 1, &err);
    assert_non_null(k);
    gp_matrix *X = test_matrix_rows(3, 1, (double[]){0, 0.4, 1.3});
    gp_matrix *K = test_gram(k, X, NULL);
    /* a^2 exp(-r^2 / (2 l^2)), a^2 = 2.25, 2 l^2 = 0.98 */
    assert_close(GP_AT(K, 0, 0), 2.25, TOL);
    assert_close(GP_AT(K, 0, 1), 2.25 * exp(-0.16 / 0.98), TOL);
    assert_close(GP_AT(K, 0, 2), 2.25 * exp(-1.69 / 0.98), TOL);
    assert_close(GP_AT(K, 1, 2), 2.25 * exp(-0.81 / 0.98), TOL);
    assert_close(GP_AT(K, 2, 1), 2.25 * exp(-0.81 / 0.98), TOL);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_kernel_release(k);
}

static void test_ou_exponential_values(void **state)
{
    (void)state;
    gp_error err = {0};
    double l = 0.5;
    gp_kernel *ou = gp_kernel_ou(2, &l, 1, &err);
    gp_kernel *ex = gp_kernel_exponential(2, &l, 1, &err);
    assert_non_null(ou);
    assert_non_null(ex);
    gp_matrix *X = test_matrix_rows(3, 1, (double[]){0, 0.3, 1});
    gp_matrix *K = test_gram(ou, X, NULL);
    /* ou: a^2 exp(-r / (2 l)) = 4 exp(-r) */
    assert_close(GP_AT(K, 0, 1), 4 * exp(-0.3), TOL);
    assert_close(GP_AT(K, 0, 2), 4 * exp(-1.0), TOL);
    assert_close(GP_AT(K, 1, 2), 4 * exp(-0.7), TOL);
    assert_close(GP_AT(K, 1, 1), 4, TOL);
    gp_matrix_free(K);
    /* exponential: a^2 exp(-r / l) = 4 exp(-2 r) */
    K = test_gram(ex, X, NULL);
    assert_close(GP_AT(K, 0, 1), 4 * exp(-0.6), TOL);
    assert_close(GP_AT(K, 0, 2), 4 * exp(-2.0), TOL);
    assert_close(GP_AT(K, 2, 1), 4 * exp(-1.4), TOL);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_kernel_release(ou);
    gp_kernel_release(ex);
}

static void test_matern_values(void **state)
{
    (void)state;
    gp_error err = {0};
    double l = 2;
    gp_kernel *m3 = gp_kernel_matern32(1, &l, 1, &err);
    gp_kernel *m5 = gp_kernel_matern52(3, &l, 1, &err);
    gp_matrix *X = test_matrix_rows(2, 1, (double[]){-0.5, 0.5}); /* r = 1, r/l = 0.5 */
    gp_matrix *K = test_gram(m3, X, NULL);
    assert_close(GP_AT(K, 0, 1), (1 + sqrt(3.0) * 0.5) * exp(-sqrt(3.0) * 0.5), TOL);
    assert_close(GP_AT(K, 0, 0), 1, TOL);
    gp_matrix_free(K);
    K = test_gram(m5, X, NULL);
    assert_close(GP_AT(K, 0, 1), 9 * (1 + sqrt(5.0) * 0.5 + 5 * 0.25 / 3) * exp(-sqrt(5.0) * 0.5),
                 TOL);
    assert_close(GP_AT(K, 1, 1), 9, TOL);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_kernel_release(m3);
    gp_kernel_release(m5);
}

static void test_rq_periodic_values(void **state)
{
    (void)state;
    gp_error err = {0};
    double l = 1;
    gp_kernel *rq = gp_kernel_rq(1, &l, 1, 2, &err);
    assert_non_null(rq);
    gp_matrix *X = test_matrix_rows(3, 1, (double[]){0, 1, 2});
    gp_matrix *K = test_gram(rq, X, NULL);
    /* (1 + r^2 / (2 alpha l^2))^(-alpha): r = 1 -> 1.25^-2 = 0.64, r = 2 -> 2^-2 */
    assert_close(GP_AT(K, 0, 1), 0.64, TOL);
    assert_close(GP_AT(K, 0, 2), 0.25, TOL);
    gp_matrix_free(K);
    gp_kernel_release(rq);

    gp_kernel *per = gp_kernel_periodic(2, 1, 2, &err);
    assert_non_null(per);
    gp_matrix *Xp = test_matrix_rows(4, 1, (double[]){0, 0.5, 1, 2});
    K = test_gram(per, Xp, NULL);
    /* a^2 exp(-2 sin^2(pi r / p) / l^2), p = 2 */
    assert_close(GP_AT(K, 0, 1), 4 * exp(-2 * 0.5), 1e-12); /* sin^2(pi/4) = 1/2 */
    assert_close(GP_AT(K, 0, 2), 4 * exp(-2.0), 1e-12);     /* sin^2(pi/2) = 1 */
    assert_close(GP_AT(K, 0, 3), 4, 1e-12);                 /* one full period */
    assert_close(GP_AT(K, 1, 3), 4 * exp(-2 * 0.5), 1e-12);
    gp_matrix_free(K);
    gp_matrix_free(Xp);
    gp_matrix_free(X);
    gp_kernel_release(per);
}

static void test_dot_product_values(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_kernel *lin = gp_kernel_linear(2, 0.5, &err);
    gp_matrix *X = test_matrix_rows(2, 1, (double[]){1, -3});
    gp_matrix *K = test_gram(lin, X, NULL);
    /* offset + variance x x' */
    assert_close(GP_AT(K, 0, 0), 0.5 + 2 * 1, TOL);
    assert_close(GP_AT(K, 0, 1), 0.5 + 2 * -3, TOL);
    assert_close(GP_AT(K, 1, 1), 0.5 + 2 * 9, TOL);
    gp_matrix_free(K);
    gp_matrix_free(X);

    gp_kernel *poly = gp_kernel_polynomial(0.5, 2, 3, &err);
    assert_non_null(poly);
    gp_matrix *X2 = test_matrix_rows(2, 2, (double[]){1, 2, 3, -1});
    K = test_gram(poly, X2, NULL);
    /* (offset + variance x.x')^3: x.x' = 1, |x|^2 = 5, |y|^2 = 10 */
    assert_close(GP_AT(K, 0, 1), 2.5 * 2.5 * 2.5, TOL);
    assert_close(GP_AT(K, 0, 0), 4.5 * 4.5 * 4.5, TOL);
    assert_close(GP_AT(K, 1, 1), 7.0 * 7.0 * 7.0, TOL);
    gp_matrix_free(K);
    K = test_gram(lin, X2, NULL); /* 2-D linear */
    assert_close(GP_AT(K, 1, 0), 0.5 + 2 * 1, TOL);
    assert_close(GP_AT(K, 1, 1), 0.5 + 2 * 10, TOL);
    gp_matrix_free(K);
    gp_matrix_free(X2);
    gp_kernel_release(poly);
    gp_kernel_release(lin);
}

static void test_nn_values(void **state)
{
    (void)state;
    gp_error err = {0};
    /* 1-D, Sigma = diag(1, 10): xt = (1, 1), yt = (1, -1) */
    gp_kernel *k = gp_kernel_nn((double[]){1, 0, 0, 10}, 2, 1, 0, &err);
    assert_non_null(k);
    gp_matrix *X = test_matrix_rows(2, 1, (double[]){1, -1});
    gp_matrix *K = test_gram(k, X, NULL);
    /* xt'S xt = 11 for both, xt'S yt = 1 - 10 = -9 */
    assert_close(GP_AT(K, 0, 1), 2 / PI * asin(-18.0 / 23.0), TOL);
    assert_close(GP_AT(K, 0, 0), 2 / PI * asin(22.0 / 23.0), TOL);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_kernel_release(k);

    /* 2-D, full Sigma (rows: {1, .5, 0}, {.5, 2, .3}, {0, .3, 1}); x = (1, 0),
     * y = (0, 2): S yt = (1, 1.1, 2), xt'S yt = 2.1, xt'S xt = 4, yt'S yt = 5 */
    k = gp_kernel_nn((double[]){1, 0.5, 0, 0.5, 2, 0.3, 0, 0.3, 1}, 3, 0.5, 0.1, &err);
    assert_non_null(k);
    X = test_matrix_rows(1, 2, (double[]){1, 0});
    gp_matrix *Y = test_matrix_rows(1, 2, (double[]){0, 2});
    K = test_gram(k, X, Y);
    assert_close(GP_AT(K, 0, 0), 0.1 + 0.5 * 2 / PI * asin(4.2 / sqrt(9.0 * 11.0)), TOL);
    gp_matrix_free(K);
    K = test_gram(k, Y, NULL);
    assert_close(GP_AT(K, 0, 0), 0.1 + 0.5 * 2 / PI * asin(10.0 / 11.0), TOL);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_matrix_free(Y);
    gp_kernel_release(k);
}

static void test_brownian_constant_white_values(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_kernel *b = gp_kernel_brownian(2, &err);
    gp_matrix *X = test_matrix_rows(3, 1, (double[]){0.5, 2, 1});
    gp_matrix *K = test_gram(b, X, NULL);
    /* variance min(x, x') */
    assert_close(GP_AT(K, 0, 1), 1.0, TOL);
    assert_close(GP_AT(K, 1, 2), 2.0, TOL);
    assert_close(GP_AT(K, 1, 1), 4.0, TOL);
    assert_close(GP_AT(K, 2, 0), 1.0, TOL);
    gp_matrix_free(K);

    gp_kernel *c = gp_kernel_constant(3, &err);
    K = test_gram(c, X, NULL);
    for (size_t i = 0; i < 9; i++)
        assert_close(K->data[i], 3.0, 0);
    gp_matrix_free(K);

    gp_kernel *w = gp_kernel_white(0.1, &err);
    gp_matrix *Xw = test_matrix_rows(3, 2, (double[]){0, 1, 1, 1, 0, 1});
    K = test_gram(w, Xw, NULL);
    assert_close(GP_AT(K, 0, 0), 0.1, 0);
    assert_close(GP_AT(K, 0, 1), 0.0, 0);
    assert_close(GP_AT(K, 0, 2), 0.1, 0); /* rows 0 and 2 are equal */
    assert_close(GP_AT(K, 1, 2), 0.0, 0);
    gp_matrix *Yw = test_matrix_rows(2, 2, (double[]){1, 1, 5, 5});
    gp_matrix_free(K);
    K = test_gram(w, Xw, Yw);
    assert_close(GP_AT(K, 1, 0), 0.1, 0);
    assert_close(GP_AT(K, 0, 0), 0.0, 0);
    assert_close(GP_AT(K, 2, 1), 0.0, 0);
    gp_matrix_free(K);
    gp_matrix_free(Xw);
    gp_matrix_free(Yw);
    gp_matrix_free(X);
    gp_kernel_release(b);
    gp_kernel_release(c);
    gp_kernel_release(w);
}

static void test_ard_and_multid(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_kernel *ard = gp_kernel_rbf(1, (double[]){1, 2}, 2, &err);
    assert_non_null(ard);
    gp_matrix *X = test_matrix_rows(2, 2, (double[]){0, 0, 1, 2});
    gp_matrix *K = test_gram(ard, X, NULL);
    /* (1/1)^2 + (2/2)^2 = 2 -> exp(-1) */
    assert_close(GP_AT(K, 0, 1), exp(-1.0), TOL);
    gp_matrix_free(K);

    gp_kernel *m5 = gp_kernel_matern52(1, (double[]){0.5, 4}, 2, &err);
    K = test_gram(m5, X, NULL);
    {
        double s = sqrt(4.0 + 0.25); /* (1/0.5)^2 + (2/4)^2 */
        assert_close(GP_AT(K, 1, 0), (1 + sqrt(5.0) * s + 5 * s * s / 3) * exp(-sqrt(5.0) * s),
                     TOL);
    }
    gp_matrix_free(K);

    double l = 1;
    gp_kernel *iso = gp_kernel_rbf(1, &l, 1, &err);
    gp_matrix *X3 = test_matrix_rows(2, 3, (double[]){0, 0, 0, 1, 2, 2}); /* r^2 = 9 */
    K = test_gram(iso, X3, NULL);
    assert_close(GP_AT(K, 0, 1), exp(-4.5), TOL);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_matrix_free(X3);
    gp_kernel_release(ard);
    gp_kernel_release(m5);
    gp_kernel_release(iso);
}

static void test_cross_covariance(void **state)
{
    (void)state;
    gp_error err = {0};
    double l = 0.8;
    gp_kernel *k = gp_kernel_rbf(1.2, &l, 1, &err);
    gp_matrix *X = test_matrix_rows(3, 2, (double[]){0, 0, 1, 0, 0.5, -1});
    gp_matrix *Y = test_matrix_rows(2, 2, (double[]){0, 1, 2, 2});
    gp_matrix *K = test_gram(k, X, Y);
    assert_int_equal(K->rows, 3);
    assert_int_equal(K->cols, 2);
    /* r^2 for each pair, written out */
    const double r2[3][2] = {{1, 8}, {2, 5}, {4.25, 11.25}};
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 2; j++)
            assert_close(GP_AT(K, i, j), 1.44 * exp(-r2[i][j] / (2 * 0.64)), TOL);
    gp_matrix_free(K);

    /* K(X, copy of X) through the cross path equals the symmetric path */
    gp_matrix *Xc = test_matrix_rows(3, 2, (double[]){0, 0, 1, 0, 0.5, -1});
    gp_matrix *Ks = test_gram(k, X, NULL), *Kc = test_gram(k, X, Xc);
    for (size_t i = 0; i < 9; i++)
        assert_close(Ks->data[i], Kc->data[i], 1e-15);
    gp_matrix_free(Ks);
    gp_matrix_free(Kc);
    gp_matrix_free(Xc);
    gp_matrix_free(X);
    gp_matrix_free(Y);
    gp_kernel_release(k);
}

/* ---- symmetry and PSD on random points ---------------------------------------- */

static void test_psd_all_leaves(void **state)
{
    (void)state;
    gp_error err = {0};
    const double l1 = 0.7, l2[2] = {0.5, 1.5};
    for (size_t d = 1; d <= 2; d++) {
        const double *ls = d == 1 ? &l1 : l2;
        gp_kernel *ks[] = {
            gp_kernel_rbf(1.3, ls, d, &err),
            gp_kernel_ou(1, ls, d, &err),
            gp_kernel_exponential(1, ls, d, &err),
            gp_kernel_matern32(1, ls, d, &err),
            gp_kernel_matern52(1, ls, d, &err),
            gp_kernel_rq(1, ls, d, 0.7, &err),
            gp_kernel_periodic(1, 0.8, 1.3, &err),
            gp_kernel_linear(1, 0.3, &err),
            gp_kernel_polynomial(0.5, 1, 3, &err),
            d == 1 ? gp_kernel_nn((double[]){1, 0.2, 0.2, 10}, 2, 1, 0, &err)
                   : gp_kernel_nn((double[]){1, 0.2, 0, 0.2, 10, 1, 0, 1, 3}, 3, 1, 0.1, &err),
            gp_kernel_constant(2, &err),
            gp_kernel_white(0.1, &err),
        };
        const size_t nk = sizeof ks / sizeof ks[0];
        gp_matrix *X = test_random_points(30, d, -3, 3, 42 + d);
        for (size_t i = 0; i < nk; i++) {
            assert_non_null(ks[i]);
            char name[256], what[300];
            gp_kernel_describe(ks[i], name, sizeof name);
            snprintf(what, sizeof what, "%s on %zu-D points", name, d);
            gp_matrix *K = test_gram(ks[i], X, NULL);
            test_check_sym_psd(K, what);
            gp_matrix_free(K);
            gp_kernel_release(ks[i]);
        }
        gp_matrix_free(X);
    }
    gp_kernel *b = gp_kernel_brownian(1.5, &err);
    gp_matrix *X = test_random_points(30, 1, 0, 5, 7);
    gp_matrix *K = test_gram(b, X, NULL);
    test_check_sym_psd(K, "brownian");
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_kernel_release(b);
}

/* ---- describe --------------------------------------------------------------------- */

static void test_describe_leaves(void **state)
{
    (void)state;
    gp_error err = {0};
    const double one = 1, half = 0.5, ard[2] = {1, 2};
    struct {
        gp_kernel *k;
        const char *want;
    } cases[] = {
        {gp_kernel_rbf(1, &one, 1, &err), "rbf(amplitude=1, lengthscale=1)"},
        {gp_kernel_rbf(1, ard, 2, &err), "rbf(amplitude=1, lengthscale={1, 2})"},
        {gp_kernel_ou(1, &half, 1, &err), "ou(amplitude=1, lengthscale=0.5; exp(-r/(2l)))"},
        {gp_kernel_exponential(1, &half, 1, &err),
         "exponential(amplitude=1, lengthscale=0.5; exp(-r/l))"},
        {gp_kernel_matern32(2, &one, 1, &err), "matern32(amplitude=2, lengthscale=1)"},
        {gp_kernel_matern52(1, &half, 1, &err), "matern52(amplitude=1, lengthscale=0.5)"},
        {gp_kernel_rq(1, &one, 1, 2, &err), "rq(amplitude=1, lengthscale=1, alpha=2)"},
        {gp_kernel_periodic(1, 1, 2, &err), "periodic(amplitude=1, lengthscale=1, period=2)"},
        {gp_kernel_linear(1, 0, &err), "linear(variance=1, offset=0)"},
        {gp_kernel_polynomial(1, 1, 3, &err), "polynomial(degree=3, variance=1, offset=1)"},
        {gp_kernel_nn((double[]){1, 0, 0, 10}, 2, 1, 0, &err),
         "nn(variance=1, offset=0, Sigma={{1, 0}, {0, 10}})"},
        {gp_kernel_brownian(1, &err), "brownian(variance=1)"},
        {gp_kernel_constant(1, &err), "constant(1)"},
        {gp_kernel_white(0.1, &err), "white(variance=0.1)"},
        {gp_kernel_constant(1.0 / 3.0, &err), "constant(0.33333333333333331)"},
        {gp_kernel_white(1e-20, &err), "white(variance=1e-20)"},
        {gp_kernel_constant(1234567, &err), "constant(1234567)"},
        {gp_kernel_constant(0.1 + 0.2, &err), "constant(0.30000000000000004)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_non_null(cases[i].k);
        test_expect_describe(cases[i].k, cases[i].want);
        gp_kernel_release(cases[i].k);
    }
}

/* ---- bad input ---------------------------------------------------------------------- */

static void test_bad_constructors(void **state)
{
    (void)state;
    gp_error err = {0};
    const double one = 1, neg = -1, zero = 0, nan_ = NAN, inf_ = INFINITY;
    const double ard_bad[2] = {1, 0};

    expect_null(gp_kernel_rbf(1, &neg, 1, &err), &err, "lengthscale", "-1");
    assert_string_equal(err.msg, "rbf: lengthscale must be finite and > 0, got -1");
    expect_null(gp_kernel_rbf(1, &zero, 1, &err), &err, "lengthscale", "rbf");
    expect_null(gp_kernel_rbf(1, &nan_, 1, &err), &err, "lengthscale", "nan");
    expect_null(gp_kernel_rbf(1, &inf_, 1, &err), &err, "lengthscale", "inf");
    expect_null(gp_kernel_rbf(1, ard_bad, 2, &err), &err, "lengthscale 2", "got 0");
    expect_null(gp_kernel_rbf(1, &one, 0, &err), &err, "lengthscale", NULL);
    expect_null(gp_kernel_rbf(1, NULL, 1, &err), &err, "lengthscale", NULL);
    expect_null(gp_kernel_rbf(-1, &one, 1, &err), &err, "amplitude", "-1");
    expect_null(gp_kernel_rbf(NAN, &one, 1, &err), &err, "amplitude", "nan");
    expect_null(gp_kernel_ou(1, &neg, 1, &err), &err, "ou: lengthscale", NULL);
    expect_null(gp_kernel_exponential(INFINITY, &one, 1, &err), &err, "exponential: amplitude",
                NULL);
    expect_null(gp_kernel_matern32(1, &zero, 1, &err), &err, "matern32: lengthscale", NULL);
    expect_null(gp_kernel_matern52(-2, &one, 1, &err), &err, "matern52: amplitude", NULL);
    expect_null(gp_kernel_rq(1, &one, 1, 0, &err), &err, "rq: alpha", "got 0");
    expect_null(gp_kernel_rq(1, &one, 1, -1, &err), &err, "alpha", NULL);
    expect_null(gp_kernel_rq(1, &one, 1, NAN, &err), &err, "alpha", NULL);
    expect_null(gp_kernel_rq(1, &zero, 1, 1, &err), &err, "lengthscale", NULL);
    expect_null(gp_kernel_periodic(1, 1, 0, &err), &err, "periodic: period", NULL);
    expect_null(gp_kernel_periodic(1, 1, -2, &err), &err, "period", "-2");
    expect_null(gp_kernel_periodic(1, 1, NAN, &err), &err, "period", NULL);
    expect_null(gp_kernel_periodic(1, 0, 1, &err), &err, "lengthscale", NULL);
    expect_null(gp_kernel_periodic(-1, 1, 1, &err), &err, "amplitude", NULL);
    expect_null(gp_kernel_linear(-1, 0, &err), &err, "linear: variance", NULL);
    expect_null(gp_kernel_linear(1, -0.5, &err), &err, "offset", "-0.5");
    expect_null(gp_kernel_linear(NAN, 0, &err), &err, "variance", NULL);
    expect_null(gp_kernel_polynomial(1, 1, 0, &err), &err, "polynomial: degree", "0");
    expect_null(gp_kernel_polynomial(1, 1, -2, &err), &err, "degree", "-2");
    expect_null(gp_kernel_polynomial(-1, 1, 2, &err), &err, "variance", NULL);
    expect_null(gp_kernel_polynomial(1, NAN, 2, &err), &err, "offset", NULL);
    expect_null(gp_kernel_brownian(-1, &err), &err, "brownian: variance", NULL);
    expect_null(gp_kernel_brownian(NAN, &err), &err, "variance", NULL);
    expect_null(gp_kernel_constant(-2, &err), &err, "constant", "-2");
    expect_null(gp_kernel_constant(INFINITY, &err), &err, "constant", "inf");
    expect_null(gp_kernel_white(-0.1, &err), &err, "white: variance", NULL);
    expect_null(gp_kernel_white(NAN, &err), &err, "white: variance", NULL);

    /* nn: Sigma finite, symmetric, non-negative diagonal; variance, offset >= 0 */
    expect_null(gp_kernel_nn((double[]){1, 0.5, 0, 1}, 2, 1, 0, &err), &err, "symmetric", NULL);
    expect_null(gp_kernel_nn((double[]){1, 0, 0, -1}, 2, 1, 0, &err), &err, "diagonal", "-1");
    expect_null(gp_kernel_nn((double[]){1, NAN, NAN, 1}, 2, 1, 0, &err), &err, "Sigma", "finite");
    expect_null(gp_kernel_nn((double[]){1}, 1, 1, 0, &err), &err, "Sigma", "2 x 2");
    expect_null(gp_kernel_nn((double[]){1, 0, 0, 1}, 2, -1, 0, &err), &err, "nn: variance", NULL);
    expect_null(gp_kernel_nn((double[]){1, 0, 0, 1}, 2, 1, NAN, &err), &err, "nn: offset", NULL);
    /* a rounding-level asymmetry is accepted */
    gp_kernel *k = gp_kernel_nn((double[]){1, 0.1, 0.1 * (1 + 1e-15), 1}, 2, 1, 0, &err);
    assert_non_null(k);
    gp_kernel_release(k);
    gp_kernel_release(NULL);
}

static gp_code gram_error(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, gp_error *err)
{
    const size_t n = X->rows ? X->rows : 1, m = Y ? (Y->rows ? Y->rows : 1) : n;
    gp_matrix *K = gp_matrix_alloc(n, m);
    assert_non_null(K);
    gp_code rc = gp_kernel_gram(k, X, Y, K, err);
    gp_matrix_free(K);
    assert_int_not_equal(rc, GP_OK);
    assert_int_equal(rc, err->code);
    return rc;
}

static void test_gram_input_errors(void **state)
{
    (void)state;
    gp_error err = {0};
    double l = 1;
    gp_kernel *k = gp_kernel_rbf(1, &l, 1, &err);
    gp_matrix *X = test_matrix_rows(3, 2, (double[]){0, 0, 1, 1, 2, 2});

    /* empty X */
    gp_matrix *E = gp_matrix_alloc(0, 2);
    assert_int_equal(gram_error(k, E, NULL, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "empty"));
    gp_matrix_free(E);

    /* mismatched d */
    gp_matrix *Y1 = test_matrix_rows(2, 1, (double[]){0, 1});
    assert_int_equal(gram_error(k, X, Y1, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "2 columns"));
    assert_non_null(strstr(err.msg, "1"));

    /* wrong K shape */
    gp_matrix *K = gp_matrix_alloc(3, 2);
    assert_int_equal(gp_kernel_gram(k, X, NULL, K, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "3 x 2"));
    assert_non_null(strstr(err.msg, "3 x 3"));
    gp_matrix_free(K);

    /* NaN in X: names row 2 and column 2 (1-based) */
    GP_AT(X, 1, 1) = NAN;
    assert_int_equal(gram_error(k, X, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "row 2"));
    assert_non_null(strstr(err.msg, "column 2"));
    assert_non_null(strstr(err.msg, "X"));
    GP_AT(X, 1, 1) = 1;

    /* inf in Y */
    gp_matrix *Y2 = test_matrix_rows(2, 2, (double[]){0, 0, 1, INFINITY});
    gram_error(k, X, Y2, &err);
    assert_non_null(strstr(err.msg, "Y"));
    assert_non_null(strstr(err.msg, "row 2"));
    gp_matrix_free(Y2);

    /* ARD length-scales that do not match d */
    gp_kernel *ard = gp_kernel_rbf(1, (double[]){1, 2, 3}, 3, &err);
    assert_int_equal(gram_error(ard, X, NULL, &err), GP_ERR_DIM);
    assert_string_equal(err.msg, "rbf: 3 lengthscales given for 2-D input (need 1 or 2)");
    gp_kernel_release(ard);

    /* nn: Sigma dimension vs input dimension */
    gp_kernel *nn = gp_kernel_nn((double[]){1, 0, 0, 1}, 2, 1, 0, &err);
    assert_int_equal(gram_error(nn, X, NULL, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "2 x 2"));
    assert_non_null(strstr(err.msg, "2-D input"));
    gp_kernel_release(nn);

    /* brownian: 1-D only, inputs >= 0 naming the value and the row */
    gp_kernel *b = gp_kernel_brownian(1, &err);
    assert_int_equal(gram_error(b, X, NULL, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "1-D"));
    gp_matrix *Xb = test_matrix_rows(3, 1, (double[]){0, 1, -0.25});
    assert_int_equal(gram_error(b, Xb, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "-0.25"));
    assert_non_null(strstr(err.msg, "row 3"));
    gp_matrix *Yb = test_matrix_rows(2, 1, (double[]){1, -3});
    gp_matrix *Xok = test_matrix_rows(1, 1, (double[]){1});
    gram_error(b, Xok, Yb, &err);
    assert_non_null(strstr(err.msg, "-3"));
    assert_non_null(strstr(err.msg, "row 2 of Y"));
    double out[3];
    assert_int_equal(gp_kernel_diag(b, Xb, out, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "row 3"));
    gp_matrix_free(Xok);
    gp_matrix_free(Yb);
    gp_matrix_free(Xb);
    gp_kernel_release(b);

    /* diag: empty and non-finite inputs */
    E = gp_matrix_alloc(0, 1);
    assert_int_equal(gp_kernel_diag(k, E, out, &err), GP_ERR_DIM);
    gp_matrix_free(E);
    GP_AT(X, 2, 0) = NAN;
    assert_int_equal(gp_kernel_diag(k, X, out, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "row 3"));

    gp_matrix_free(Y1);
    gp_matrix_free(X);
    gp_kernel_release(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rbf_values),
        cmocka_unit_test(test_ou_exponential_values),
        cmocka_unit_test(test_matern_values),
        cmocka_unit_test(test_rq_periodic_values),
        cmocka_unit_test(test_dot_product_values),
        cmocka_unit_test(test_nn_values),
        cmocka_unit_test(test_brownian_constant_white_values),
        cmocka_unit_test(test_ard_and_multid),
        cmocka_unit_test(test_cross_covariance),
        cmocka_unit_test(test_psd_all_leaves),
        cmocka_unit_test(test_describe_leaves),
        cmocka_unit_test(test_bad_constructors),
        cmocka_unit_test(test_gram_input_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
