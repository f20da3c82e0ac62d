/* test_kernel_algebra.c: sums, products, scalings, warps and input transforms
 * against element-wise formulas; diag against the Gram diagonal; describe of
 * composite expressions; errors through the tree; reference counting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include <lapacke.h>

#include "gp_kernel.h"

#define TOL 1e-13

/* ---- helpers ---------------------------------------------------------------- */

/* The element-wise formulas the composites are checked against. */
static double rbf1(double a, double l, double x, double y)
{
    return a * a * exp(-(x - y) * (x - y) / (2 * l * l));
}

static double lin1(double v, double c, double x, double y)
{
    return c + v * x * y;
}

/* An external warp a(x) = sin(x_0) + x_1 / 2 on 2-D points (or sin(x_0) in
 * 1-D); counts its calls, can fail or return NaN at a given call. */
typedef struct {
    int calls;
    int fail_at; /* 1-based call that fails, 0 = never */
    int nan_at;  /* 1-based call that returns NaN, 0 = never */
    int released;
} warp_ctx;

static double warp_formula(const double *x, size_t d)
{
    return sin(x[0]) + (d > 1 ? x[1] / 2 : 0);
}

static gp_code warp_cb(void *ctx, const double *x, size_t d, double *out, gp_error *err)
{
    warp_ctx *c = ctx;
    c->calls++;
    if (c->calls == c->fail_at)
        return gp_error_set(err, GP_ERR_CALLBACK, "my_warp: boom at x[0] = %g", x[0]);
    *out = c->calls == c->nan_at ? NAN : warp_formula(x, d);
    return GP_OK;
}

static void warp_release(void *ctx)
{
    ((warp_ctx *)ctx)->released++;
}

/* ---- element-wise algebra ------------------------------------------------------ */

static void test_sum_product_scale(void **state)
{
    (void)state;
    gp_error err = {0};
    double l = 0.6;
    gp_kernel *r = gp_kernel_rbf(1.5, &l, 1, &err);
    gp_kernel *li = gp_kernel_linear(0.7, 0.2, &err);
    gp_kernel *s = gp_kernel_sum(r, li, &err);
    gp_kernel *p = gp_kernel_product(r, li, &err);
    gp_kernel *c = gp_kernel_scale(0.25, s, &err);
    assert_non_null(s);
    assert_non_null(p);
    assert_non_null(c);
    gp_matrix *X = test_matrix_rows(4, 1, (double[]){-1, 0, 0.5, 2});
    gp_matrix *Y = test_matrix_rows(3, 1, (double[]){0.1, -2, 3});
    gp_matrix *KS = test_gram(s, X, NULL), *KP = test_gram(p, X, NULL), *KC = test_gram(c, X, NULL);
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 4; j++) {
            double x = GP_AT(X, i, 0), y = GP_AT(X, j, 0);
            double kr = rbf1(1.5, 0.6, x, y), kl = lin1(0.7, 0.2, x, y);
            assert_close(GP_AT(KS, i, j), kr + kl, TOL);
            assert_close(GP_AT(KP, i, j), kr * kl, TOL);
            assert_close(GP_AT(KC, i, j), 0.25 * (kr + kl), TOL);
        }
    gp_matrix_free(KS);
    gp_matrix_free(KP);
    gp_matrix_free(KC);
    /* cross-covariances through the same nodes */
    KS = test_gram(s, X, Y);
    KP = test_gram(p, X, Y);
    KC = test_gram(c, X, Y);
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 3; j++) {
            double x = GP_AT(X, i, 0), y = GP_AT(Y, j, 0);
            double kr = rbf1(1.5, 0.6, x, y), kl = lin1(0.7, 0.2, x, y);
            assert_close(GP_AT(KS, i, j), kr + kl, TOL);
            assert_close(GP_AT(KP, i, j), kr * kl, TOL);
            assert_close(GP_AT(KC, i, j), 0.25 * (kr + kl), TOL);
        }
    gp_matrix_free(KS);
    gp_matrix_free(KP);
    gp_matrix_free(KC);
    gp_matrix_free(X);
    gp_matrix_free(Y);
    gp_kernel_release(c);
    gp_kernel_release(p);
    gp_kernel_release(s);
    gp_kernel_release(li);
    gp_kernel_release(r);
}

static void test_warp_polynomial(void **state)
{
    (void)state;
    gp_error err = {0};
    double l = 1;
    gp_kernel *r = gp_kernel_rbf(1, &l, 1, &err);
    gp_func *sq = gp_func_polynomial((double[]){0, 0, 1}, 3, &err); /* a(x) = x^2 */
    gp_kernel *w = gp_kernel_warp(r, sq, &err);
    assert_non_null(w);
    gp_func_release(sq); /* the warp keeps its own reference */
    gp_matrix *X = test_matrix_rows(3, 1, (double[]){0, 1, -2});
    gp_matrix *K = test_gram(w, X, NULL);
    /* x^2 x'^2 exp(-(x - x')^2 / 2) */
    assert_close(GP_AT(K, 0, 0), 0, TOL);
    assert_close(GP_AT(K, 0, 2), 0, TOL);
    assert_close(GP_AT(K, 1, 1), 1, TOL);
    assert_close(GP_AT(K, 1, 2), 4 * exp(-4.5), TOL);
    assert_close(GP_AT(K, 2, 2), 16, TOL);
    gp_matrix *Y = test_matrix_rows(2, 1, (double[]){3, 0.5});
    gp_matrix_free(K);
    K = test_gram(w, X, Y);
    assert_close(GP_AT(K, 1, 0), 9 * exp(-2.0), TOL);
    assert_close(GP_AT(K, 2, 1), 4 * 0.25 * exp(-3.125), TOL);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_matrix_free(Y);
    gp_kernel_release(w);
    gp_kernel_release(r);
}

static void test_warp_external(void **state)
{
    (void)state;
    gp_error err = {0};
    warp_ctx ctx = {0};
    double l = 0.9;
    gp_kernel *r = gp_kernel_matern32(1, &l, 1, &err);
    gp_func *f = gp_func_external(warp_cb, &ctx, warp_release, "my_warp", &err);
    assert_non_null(f);
    gp_kernel *w = gp_kernel_warp(r, f, &err);
    gp_func_release(f);
    gp_matrix *X = test_matrix_rows(5, 2, (double[]){0, 0, 1, 2, -1, 0.5, 2, -2, 0.3, 0.3});
    gp_matrix *Y = test_matrix_rows(3, 2, (double[]){1, 1, 0, -1, 4, 0});
    gp_matrix *K = test_gram(w, X, NULL);
    assert_int_equal(ctx.calls, 5); /* n calls, not n^2 */
    gp_matrix *KR = test_gram(r, X, NULL);
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 5; j++) {
            double xi[2] = {GP_AT(X, i, 0), GP_AT(X, i, 1)};
            double xj[2] = {GP_AT(X, j, 0), GP_AT(X, j, 1)};
            assert_close(GP_AT(K, i, j),
                         warp_formula(xi, 2) * warp_formula(xj, 2) * GP_AT(KR, i, j), TOL);
        }
    gp_matrix_free(K);
    gp_matrix_free(KR);
    ctx.calls = 0;
    K = test_gram(w, X, Y);
    assert_int_equal(ctx.calls, 5 + 3);
    KR = test_gram(r, X, Y);
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 3; j++) {
            double xi[2] = {GP_AT(X, i, 0), GP_AT(X, i, 1)};
            double yj[2] = {GP_AT(Y, j, 0), GP_AT(Y, j, 1)};
            assert_close(GP_AT(K, i, j),
                         warp_formula(xi, 2) * warp_formula(yj, 2) * GP_AT(KR, i, j), TOL);
        }
    gp_matrix_free(K);
    gp_matrix_free(KR);
    gp_matrix_free(X);
    gp_matrix_free(Y);
    assert_int_equal(ctx.released, 0);
    gp_kernel_release(w);
    assert_int_equal(ctx.released, 1); /* the last reference was the warp's */
    gp_kernel_release(r);
}

static void test_input_transforms(void **state)
{
    (void)state;
    gp_error err = {0};
    double l = 1;
    gp_kernel *r = gp_kernel_rbf(1, &l, 1, &err);
    gp_kernel *st = gp_kernel_stretch(r, (double[]){2}, 1, &err);
    gp_matrix *X = test_matrix_rows(2, 1, (double[]){0, 0.75});
    gp_matrix *K = test_gram(st, X, NULL);
    /* exp(-(2 x - 2 x')^2 / 2) */
    assert_close(GP_AT(K, 0, 1), exp(-1.5 * 1.5 / 2), TOL);
    gp_matrix_free(K);

    gp_kernel *li = gp_kernel_linear(1, 0, &err);
    gp_kernel *sh = gp_kernel_shift(li, (double[]){1}, 1, &err);
    gp_matrix *Y = test_matrix_rows(2, 1, (double[]){3, -1});
    K = test_gram(sh, X, Y);
    /* (x - 1)(x' - 1) */
    assert_close(GP_AT(K, 0, 0), -1 * 2, TOL);
    assert_close(GP_AT(K, 1, 1), -0.25 * -2, TOL);
    gp_matrix_free(K);

    /* per-dimension stretch and shift on 2-D input */
    gp_kernel *st2 = gp_kernel_stretch(li, (double[]){2, -1}, 2, &err);
    gp_kernel *sh2 = gp_kernel_shift(st2, (double[]){1, 0.5}, 2, &err);
    gp_matrix *X2 = test_matrix_rows(2, 2, (double[]){1, 1, 2, 3});
    K = test_gram(sh2, X2, NULL);
    /* T(x) = (2 (x0 - 1), -(x1 - 0.5)): T(1, 1) = (0, -0.5), T(2, 3) = (2, -2.5) */
    assert_close(GP_AT(K, 0, 1), 1.25, TOL);
    assert_close(GP_AT(K, 1, 1), 4 + 6.25, TOL);
    gp_matrix_free(K);

    /* select dims {2, 0} (0-based) of 3-D input into an ARD kernel */
    gp_kernel *ard = gp_kernel_rbf(1, (double[]){1, 2}, 2, &err);
    gp_kernel *se = gp_kernel_select(ard, (size_t[]){2, 0}, 2, &err);
    assert_non_null(se);
    gp_matrix *X3 = test_matrix_rows(2, 3, (double[]){0, 5, 1, 1, -7, 3});
    K = test_gram(se, X3, NULL);
    /* selected points (1, 0) and (3, 1): ((3-1)/1)^2 + ((1-0)/2)^2 = 4.25 */
    assert_close(GP_AT(K, 0, 1), exp(-4.25 / 2), TOL);
    gp_matrix_free(K);
    test_expect_describe(se, "select(rbf(amplitude=1, lengthscale={1, 2}), dims={3, 1})");

    gp_matrix_free(X);
    gp_matrix_free(Y);
    gp_matrix_free(X2);
    gp_matrix_free(X3);
    gp_kernel *all[] = {r, st, li, sh, st2, sh2, ard, se};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        gp_kernel_release(all[i]);
}

/* ---- diag ---------------------------------------------------------------------- */

static void check_diag(const gp_kernel *k, const gp_matrix *X)
{
    gp_error err = {0};
    gp_matrix *K = test_gram(k, X, NULL);
    double *d = malloc(X->rows * sizeof *d);
    assert_non_null(d);
    if (gp_kernel_diag(k, X, d, &err) != GP_OK)
        fail_msg("diag failed: %s", err.msg);
    for (size_t i = 0; i < X->rows; i++)
        assert_close(d[i], GP_AT(K, i, i), 1e-12 * fmax(1, fabs(d[i])));
    free(d);
    gp_matrix_free(K);
}

static void test_diag_matches_gram(void **state)
{
    (void)state;
    gp_error err = {0};
    warp_ctx ctx = {0};
    const double l2[2] = {0.5, 1.5}, one = 1;
    gp_matrix *X = test_random_points(12, 2, -2, 2, 3);
    gp_kernel *leaves[] = {
        gp_kernel_rbf(1.3, l2, 2, &err),
        gp_kernel_ou(1, &one, 1, &err),
        gp_kernel_exponential(0.5, l2, 2, &err),
        gp_kernel_matern32(1, l2, 2, &err),
        gp_kernel_matern52(2, &one, 1, &err),
        gp_kernel_rq(1, l2, 2, 0.7, &err),
        gp_kernel_periodic(1.5, 0.8, 1.3, &err),
        gp_kernel_linear(1, 0.3, &err),
        gp_kernel_polynomial(0.5, 1, 3, &err),
        gp_kernel_nn((double[]){1, 0.2, 0, 0.2, 10, 1, 0, 1, 3}, 3, 1, 0.1, &err),
        gp_kernel_constant(2, &err),
        gp_kernel_white(0.1, &err),
    };
    const size_t nl = sizeof leaves / sizeof leaves[0];
    for (size_t i = 0; i < nl; i++) {
        assert_non_null(leaves[i]);
        check_diag(leaves[i], X);
    }
    /* a composite using every node type */
    gp_func *f = gp_func_external(warp_cb, &ctx, warp_release, "my_warp", &err);
    gp_kernel *s = gp_kernel_sum(leaves[0], leaves[7], &err);
    gp_kernel *p = gp_kernel_product(s, leaves[9], &err);
    gp_kernel *c = gp_kernel_scale(0.3, p, &err);
    gp_kernel *w = gp_kernel_warp(c, f, &err);
    gp_kernel *st = gp_kernel_stretch(w, (double[]){2, 0.5}, 2, &err);
    gp_kernel *sh = gp_kernel_shift(st, (double[]){1}, 1, &err);
    gp_kernel *sel = gp_kernel_select(leaves[1], (size_t[]){1}, 1, &err);
    gp_kernel *top = gp_kernel_sum(sh, sel, &err);
    assert_non_null(top);
    check_diag(top, X);
    check_diag(sel, X);
    gp_matrix *K = test_gram(top, X, NULL);
    test_check_sym_psd(K, "composite");
    gp_matrix_free(K);

    /* brownian diag: variance x */
    gp_kernel *b = gp_kernel_brownian(2, &err);
    gp_matrix *Xb = test_matrix_rows(3, 1, (double[]){0, 0.5, 3});
    check_diag(b, Xb);
    gp_matrix_free(Xb);
    gp_kernel_release(b);

    gp_kernel *made[] = {s, p, c, w, st, sh, sel, top};
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++)
        gp_kernel_release(made[i]);
    gp_func_release(f);
    for (size_t i = 0; i < nl; i++)
        gp_kernel_release(leaves[i]);
    assert_int_equal(ctx.released, 1);
    gp_matrix_free(X);
}

static void test_psd_composites(void **state)
{
    (void)state;
    gp_error err = {0};
    const double l = 0.8;
    gp_kernel *r = gp_kernel_rbf(1, &l, 1, &err);
    gp_kernel *per = gp_kernel_periodic(1, 1, 1.5, &err);
    gp_kernel *li = gp_kernel_linear(0.5, 0, &err);
    gp_func *sq = gp_func_polynomial((double[]){0, 0, 1}, 3, &err);
    gp_kernel *s = gp_kernel_sum(r, li, &err);
    gp_kernel *p = gp_kernel_product(per, li, &err);
    gp_kernel *w = gp_kernel_warp(r, sq, &err);
    gp_kernel *c = gp_kernel_scale(4, p, &err);
    gp_kernel *list[] = {s, p, w, c};
    gp_matrix *X = test_random_points(30, 1, -3, 3, 11);
    for (size_t i = 0; i < 4; i++) {
        char name[256];
        gp_kernel_describe(list[i], name, sizeof name);
        gp_matrix *K = test_gram(list[i], X, NULL);
        test_check_sym_psd(K, name);
        gp_matrix_free(K);
    }
    gp_matrix_free(X);
    /* 2-D: product of selected 1-D kernels */
    gp_kernel *s0 = gp_kernel_select(r, (size_t[]){0}, 1, &err);
    gp_kernel *s1 = gp_kernel_select(per, (size_t[]){1}, 1, &err);
    gp_kernel *p2 = gp_kernel_product(s0, s1, &err);
    X = test_random_points(30, 2, -3, 3, 12);
    gp_matrix *K = test_gram(p2, X, NULL);
    test_check_sym_psd(K, "select product");
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_kernel *all[] = {r, per, li, s, p, w, c, s0, s1, p2};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        gp_kernel_release(all[i]);
    gp_func_release(sq);
}

/* ---- describe --------------------------------------------------------------------- */

static void test_describe_composites(void **state)
{
    (void)state;
    gp_error err = {0};
    const double one = 1;
    gp_kernel *r = gp_kernel_rbf(1, &one, 1, &err);
    gp_kernel *li = gp_kernel_linear(1, 0, &err);
    gp_kernel *per = gp_kernel_periodic(1, 1, 2, &err);
    gp_kernel *half = gp_kernel_scale(0.5, li, &err);
    gp_kernel *s = gp_kernel_sum(r, half, &err);
    test_expect_describe(s, "rbf(amplitude=1, lengthscale=1) + 0.5 * linear(variance=1, offset=0)");
    gp_kernel *p = gp_kernel_product(s, per, &err);
    test_expect_describe(p, "(rbf(amplitude=1, lengthscale=1) + 0.5 * linear(variance=1, offset=0)) * "
                       "periodic(amplitude=1, lengthscale=1, period=2)");
    gp_kernel *p2 = gp_kernel_product(per, r, &err);
    test_expect_describe(p2, "periodic(amplitude=1, lengthscale=1, period=2) * "
                        "rbf(amplitude=1, lengthscale=1)");
    gp_kernel *sc = gp_kernel_scale(0.25, s, &err);
    test_expect_describe(sc, "0.25 * (rbf(amplitude=1, lengthscale=1) + 0.5 * linear(variance=1, "
                        "offset=0))");
    gp_func *sq = gp_func_polynomial((double[]){0, 0, 1}, 3, &err);
    gp_kernel *w = gp_kernel_warp(r, sq, &err);
    test_expect_describe(w, "warp(rbf(amplitude=1, lengthscale=1), by=poly(0, 0, 1))");
    gp_kernel *st = gp_kernel_stretch(r, (double[]){2}, 1, &err);
    test_expect_describe(st, "stretch(rbf(amplitude=1, lengthscale=1), by={2})");
    gp_kernel *sh = gp_kernel_shift(li, (double[]){1, -0.5}, 2, &err);
    test_expect_describe(sh, "shift(linear(variance=1, offset=0), by={1, -0.5})");
    gp_kernel *se = gp_kernel_select(r, (size_t[]){0, 2}, 2, &err);
    test_expect_describe(se, "select(rbf(amplitude=1, lengthscale=1), dims={1, 3})");

    /* snprintf semantics: the length needed, never more than cap - 1 written */
    const char *full = "warp(rbf(amplitude=1, lengthscale=1), by=poly(0, 0, 1))";
    const size_t len = strlen(full);
    assert_int_equal(gp_kernel_describe(w, NULL, 0), len);
    char buf[64];
    for (size_t cap = 0; cap <= len + 2; cap++) {
        memset(buf, '#', sizeof buf);
        assert_int_equal(gp_kernel_describe(w, buf, cap), len);
        if (cap > 0) {
            size_t wrote = cap - 1 < len ? cap - 1 : len;
            assert_int_equal(strlen(buf), wrote);
            assert_memory_equal(buf, full, wrote);
        }
        for (size_t i = cap; i < sizeof buf; i++)
            assert_int_equal(buf[i], '#');
    }
    /* a cap that ends inside the warp function's text */
    memset(buf, '#', sizeof buf);
    gp_kernel_describe(w, buf, 47);
    assert_string_equal(buf, "warp(rbf(amplitude=1, lengthscale=1), by=poly(");

    gp_kernel *all[] = {r, li, per, half, s, p, p2, sc, w, st, sh, se};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        gp_kernel_release(all[i]);
    gp_func_release(sq);
}

/* ---- errors -------------------------------------------------------------------- */

static void test_algebra_errors(void **state)
{
    (void)state;
    gp_error err = {0};
    const double one = 1;
    gp_kernel *r = gp_kernel_rbf(1, &one, 1, &err);

    assert_null(gp_kernel_scale(-2, r, &err));
    assert_string_equal(err.msg,
                        "scale: c must be finite and >= 0, got -2 (a negative multiple is not a "
                        "kernel)");
    assert_null(gp_kernel_scale(NAN, r, &err));
    assert_non_null(strstr(err.msg, "scale: c"));
    assert_null(gp_kernel_scale(1, NULL, &err));
    assert_null(gp_kernel_sum(r, NULL, &err));
    assert_non_null(strstr(err.msg, "sum"));
    assert_null(gp_kernel_product(NULL, r, &err));
    assert_non_null(strstr(err.msg, "product"));
    assert_null(gp_kernel_warp(r, NULL, &err));
    assert_non_null(strstr(err.msg, "warp"));
    assert_null(gp_kernel_stretch(r, (double[]){0}, 1, &err));
    assert_non_null(strstr(err.msg, "stretch: factor 1"));
    assert_null(gp_kernel_stretch(r, (double[]){1, NAN}, 2, &err));
    assert_non_null(strstr(err.msg, "stretch: factor 2"));
    assert_null(gp_kernel_shift(r, (double[]){INFINITY}, 1, &err));
    assert_non_null(strstr(err.msg, "shift: offset 1"));
    assert_null(gp_kernel_shift(r, NULL, 0, &err));
    assert_null(gp_kernel_select(r, NULL, 0, &err));
    assert_non_null(strstr(err.msg, "select"));

    /* sizes checked when the inputs are known */
    gp_matrix *X = test_matrix_rows(2, 2, (double[]){0, 1, 2, 3});
    gp_matrix *K = gp_matrix_alloc(2, 2);
    double d[2];
    gp_kernel *st = gp_kernel_stretch(r, (double[]){1, 2, 3}, 3, &err);
    assert_int_equal(gp_kernel_gram(st, X, NULL, K, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "stretch: 3 values given for 2-D input"));
    assert_int_equal(gp_kernel_diag(st, X, d, &err), GP_ERR_DIM);
    gp_kernel *se = gp_kernel_select(r, (size_t[]){0, 3}, 2, &err);
    assert_int_equal(gp_kernel_gram(se, X, NULL, K, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "dimension 4"));
    /* an error deep in a tree comes out unchanged (poly warp needs 1-D input) */
    gp_func *sq = gp_func_polynomial((double[]){0, 1}, 2, &err);
    gp_kernel *w = gp_kernel_warp(r, sq, &err);
    gp_kernel *s = gp_kernel_sum(r, w, &err);
    assert_int_equal(gp_kernel_gram(s, X, NULL, K, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "1-D"));
    assert_int_equal(gp_kernel_diag(s, X, d, &err), GP_ERR_DIM);
    /* a transformed input that overflows */
    gp_kernel *big = gp_kernel_stretch(r, (double[]){1e308}, 1, &err);
    assert_int_equal(gp_kernel_gram(big, X, NULL, K, &err), GP_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "row 2"));

    gp_matrix_free(X);
    gp_matrix_free(K);
    gp_kernel *all[] = {st, se, w, s, big, r};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        gp_kernel_release(all[i]);
    gp_func_release(sq);
}

static void test_callback_errors(void **state)
{
    (void)state;
    gp_error err = {0};
    warp_ctx ctx = {0};
    const double one = 1;
    gp_kernel *r = gp_kernel_rbf(1, &one, 1, &err);
    gp_func *f = gp_func_external(warp_cb, &ctx, warp_release, "my_warp", &err);
    gp_kernel *w = gp_kernel_warp(r, f, &err);
    gp_kernel *p = gp_kernel_product(r, w, &err); /* the failing child needs a temporary */
    gp_kernel_release(r);
    gp_func_release(f);
    gp_matrix *X = test_matrix_rows(4, 1, (double[]){0.5, 1, 2, 3});
    gp_matrix *Y = test_matrix_rows(2, 1, (double[]){1, 2});
    gp_matrix *K = gp_matrix_alloc(4, 4), *KY = gp_matrix_alloc(4, 2);

    ctx.fail_at = 3;
    assert_int_equal(gp_kernel_gram(p, X, NULL, K, &err), GP_ERR_CALLBACK);
    assert_string_equal(err.msg, "my_warp: boom at x[0] = 2");
    ctx.calls = 0;
    ctx.fail_at = 6; /* the second row of Y */
    assert_int_equal(gp_kernel_gram(p, X, Y, KY, &err), GP_ERR_CALLBACK);
    assert_string_equal(err.msg, "my_warp: boom at x[0] = 2");
    ctx.calls = 0;
    ctx.fail_at = 0;
    ctx.nan_at = 2;
    assert_int_equal(gp_kernel_gram(p, X, NULL, K, &err), GP_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "my_warp"));
    assert_non_null(strstr(err.msg, "point 2"));
    assert_non_null(strstr(err.msg, "x = 1"));
    ctx.calls = 0;
    double d[4];
    assert_int_equal(gp_kernel_diag(p, X, d, &err), GP_ERR_NUMERIC);
    ctx.calls = 0;
    ctx.nan_at = 0;
    ctx.fail_at = 4;
    assert_int_equal(gp_kernel_diag(p, X, d, &err), GP_ERR_CALLBACK);
    assert_string_equal(err.msg, "my_warp: boom at x[0] = 3");

    gp_matrix_free(K);
    gp_matrix_free(KY);
    gp_matrix_free(X);
    gp_matrix_free(Y);
    gp_kernel_release(w);
    assert_int_equal(ctx.released, 0); /* p still holds w */
    gp_kernel_release(p);
    assert_int_equal(ctx.released, 1);
}

static void test_reference_counting(void **state)
{
    (void)state;
    gp_error err = {0};
    warp_ctx ctx = {0};
    const double one = 1;
    gp_kernel *r = gp_kernel_rbf(1, &one, 1, &err);
    assert_ptr_equal(gp_kernel_retain(r), r);
    gp_kernel_release(r); /* back to one reference */
    gp_func *f = gp_func_external(warp_cb, &ctx, warp_release, NULL, &err);
    gp_kernel *w = gp_kernel_warp(r, f, &err);
    gp_kernel *s = gp_kernel_sum(w, w, &err); /* the same child twice */
    gp_func_release(f);
    gp_kernel_release(w);
    gp_kernel_release(r);
    /* s alone keeps the tree alive */
    gp_matrix *X = test_matrix_rows(2, 1, (double[]){0, 1});
    gp_matrix *K = test_gram(s, X, NULL);
    assert_close(GP_AT(K, 0, 1), 2 * sin(0.0) * sin(1.0) * exp(-0.5), TOL);
    assert_close(GP_AT(K, 1, 1), 2 * sin(1.0) * sin(1.0), TOL);
    assert_int_equal(ctx.released, 0);
    gp_kernel_release(s);
    assert_int_equal(ctx.released, 1);
    gp_kernel_retain(NULL);
    gp_kernel_release(NULL);
    gp_matrix_free(K);
    gp_matrix_free(X);
}

/* ---- deep expressions ---------------------------------------------------------- */

/* Sums and products of any length are walked in a loop (100 000 deep here:
 * a stack overflow before), scalings fold, and the nesting that cannot be
 * flattened or folded is refused past GP_KERNEL_MAX_DEPTH; releasing any of
 * them takes no stack either. */
static void test_deep_expressions(void **state)
{
    (void)state;
    gp_error err = {0};
    const double one = 1;
    gp_kernel *w = gp_kernel_white(1, &err), *s = gp_kernel_retain(w);
    gp_kernel *c = gp_kernel_constant(1, &err), *p = gp_kernel_retain(c);
    for (int i = 0; i < 100000; i++) {
        gp_kernel *s2 = gp_kernel_sum(i % 2 ? s : w, i % 2 ? w : s, &err); /* both shapes */
        gp_kernel *p2 = gp_kernel_product(p, c, &err);
        assert_non_null(s2);
        assert_non_null(p2);
        gp_kernel_release(s);
        gp_kernel_release(p);
        s = s2;
        p = p2;
    }
    gp_matrix *X = test_matrix_rows(2, 1, (double[]){0, 1});
    gp_matrix *K = test_gram(s, X, NULL);
    assert_true(GP_AT(K, 0, 0) == 100001 && GP_AT(K, 0, 1) == 0);
    gp_matrix_free(K);
    K = test_gram(p, X, NULL);
    assert_true(GP_AT(K, 0, 1) == 1);
    gp_matrix_free(K);
    double v[2];
    assert_int_equal(gp_kernel_diag(s, X, v, &err), GP_OK);
    assert_true(v[1] == 100001);
    assert_int_equal(gp_kernel_describe(s, NULL, 0), 100001 * strlen("white(variance=1)") + 300000);
    gp_kernel_release(s);
    gp_kernel_release(p);

    /* scalings fold; a warp chain stops at the limit with an error */
    gp_kernel *r = gp_kernel_rbf(1, &one, 1, &err), *k = gp_kernel_retain(r);
    for (int i = 0; i < 1000; i++) {
        gp_kernel *k2 = gp_kernel_scale(i % 2 ? 2.0 : 0.5, k, &err);
        gp_kernel_release(k);
        k = k2;
    }
    test_expect_describe(k, "1 * rbf(amplitude=1, lengthscale=1)");
    gp_kernel_release(k);
    k = gp_kernel_retain(r); /* one level; each warp adds one */
    gp_func *sq = gp_func_polynomial((double[]){1, 0, 0}, 3, &err);
    size_t levels = 1;
    for (;;) {
        gp_kernel *k2 = gp_kernel_warp(k, sq, &err);
        if (!k2)
            break;
        gp_kernel_release(k);
        k = k2;
        levels++;
    }
    assert_int_equal(levels, GP_KERNEL_MAX_DEPTH);
    assert_string_equal(err.msg, "warp: the expression would be nested 1001 levels deep, more "
                                 "than the 1000 allowed (sums of sums and products of products "
                                 "do not count)");
    K = test_gram(k, X, NULL); /* the deepest allowed still evaluates */
    assert_true(GP_AT(K, 0, 0) == 1);
    gp_matrix_free(K);
    gp_kernel_release(k);
    gp_func_release(sq);

    /* k + k doubles the written-out size: refused past GP_KERNEL_MAX_SIZE */
    gp_kernel *d = gp_kernel_retain(r);
    size_t doublings = 0;
    for (gp_kernel *d2; (d2 = gp_kernel_sum(d, d, &err)) != NULL; doublings++) {
        gp_kernel_release(d);
        d = d2;
    }
    assert_int_equal(doublings, 20); /* 2^21 - 1 nodes */
    assert_non_null(strstr(err.msg, "sum: the expression would have 4194303 nodes written out"));
    gp_kernel_release(d);
    gp_kernel_release(r);
    gp_kernel_release(c);
    gp_kernel_release(w);
    gp_matrix_free(X);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sum_product_scale),   cmocka_unit_test(test_warp_polynomial),
        cmocka_unit_test(test_warp_external),       cmocka_unit_test(test_input_transforms),
        cmocka_unit_test(test_diag_matches_gram),   cmocka_unit_test(test_psd_composites),
        cmocka_unit_test(test_describe_composites), cmocka_unit_test(test_algebra_errors),
        cmocka_unit_test(test_callback_errors),     cmocka_unit_test(test_reference_counting),
        cmocka_unit_test(test_deep_expressions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
