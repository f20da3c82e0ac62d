/* test_func.c: constant, polynomial and external functions: values, row
 * gathering, errors naming the point, reference counting, describe. */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "gp_func.h"

static void expect_describe(const gp_func *f, const char *want)
{
    char buf[256];
    size_t n = gp_func_describe(f, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

/* An external f(x) = sum_j (j + 1) x_j that records what it was given. */
typedef struct {
    int calls;
    int fail_at;     /* 1-based call that fails, 0 = never */
    int silent_fail; /* fail without a message */
    int inf_at;      /* 1-based call that returns +inf */
    int released;
    size_t last_d;
    double seen[64]; /* x of the last call */
} cb_ctx;

static gp_code weighted_sum(void *ctx, const double *x, size_t d, double *out, gp_error *err)
{
    cb_ctx *c = ctx;
    c->calls++;
    c->last_d = d;
    for (size_t j = 0; j < d && j < 64; j++)
        c->seen[j] = x[j];
    if (c->calls == c->fail_at) {
        if (c->silent_fail)
            return GP_ERR_CALLBACK;
        return gp_error_set(err, GP_ERR_CALLBACK, "lua: attempt to index a nil value (x = %g)",
                            x[0]);
    }
    double s = 0;
    for (size_t j = 0; j < d; j++)
        s += (double)(j + 1) * x[j];
    *out = c->calls == c->inf_at ? INFINITY : s;
    return GP_OK;
}

static void count_release(void *ctx)
{
    ((cb_ctx *)ctx)->released++;
}

static void test_constant(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_func *f = gp_func_constant(2.5, &err);
    assert_non_null(f);
    gp_matrix *X = test_matrix_rows(3, 2, (double[]){1, 2, 3, 4, 5, 6});
    double out[3];
    assert_int_equal(gp_func_eval_rows(f, X, out, &err), GP_OK);
    for (int i = 0; i < 3; i++)
        assert_close(out[i], 2.5, 0);
    assert_int_equal(gp_func_is_zero(f), 0);
    expect_describe(f, "2.5");
    gp_func *z = gp_func_constant(0, &err);
    assert_int_equal(gp_func_is_zero(z), 1);
    expect_describe(z, "0");
    assert_null(gp_func_constant(NAN, &err));
    assert_non_null(strstr(err.msg, "constant"));
    assert_null(gp_func_constant(-INFINITY, &err));
    assert_int_equal(err.code, GP_ERR_ARG);
    gp_func_release(f);
    gp_func_release(z);
    gp_func_release(NULL);
    gp_matrix_free(X);
}

static void test_polynomial(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_func *f = gp_func_polynomial((double[]){1, -2, 0.5}, 3, &err); /* 1 - 2x + x^2/2 */
    assert_non_null(f);
    gp_matrix *X = test_matrix_rows(4, 1, (double[]){2, -1, 0, 10});
    double out[4];
    assert_int_equal(gp_func_eval_rows(f, X, out, &err), GP_OK);
    assert_close(out[0], 1 - 4 + 2, 1e-15);
    assert_close(out[1], 1 + 2 + 0.5, 1e-15);
    assert_close(out[2], 1, 1e-15);
    assert_close(out[3], 1 - 20 + 50, 1e-13);
    expect_describe(f, "poly(1, -2, 0.5)");
    assert_int_equal(gp_func_is_zero(f), 0);

    gp_func *z = gp_func_polynomial((double[]){0, 0}, 2, &err);
    assert_int_equal(gp_func_is_zero(z), 1);
    gp_func *c = gp_func_polynomial((double[]){0.1}, 1, &err);
    assert_int_equal(gp_func_eval_rows(c, X, out, &err), GP_OK);
    assert_close(out[3], 0.1, 0);
    expect_describe(c, "poly(0.1)");

    /* 1-D only */
    gp_matrix *X2 = test_matrix_rows(2, 2, (double[]){1, 2, 3, 4});
    assert_int_equal(gp_func_eval_rows(f, X2, out, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "1-D"));
    assert_non_null(strstr(err.msg, "2-D"));

    /* bad coefficients */
    assert_null(gp_func_polynomial((double[]){1, NAN}, 2, &err));
    assert_non_null(strstr(err.msg, "coefficient 2"));
    assert_null(gp_func_polynomial(NULL, 0, &err));
    assert_non_null(strstr(err.msg, "poly"));

    /* an overflowing value names the point */
    gp_func *big = gp_func_polynomial((double[]){0, 0, 1e307}, 3, &err);
    assert_int_equal(gp_func_eval_rows(big, X, out, &err), GP_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "point 4"));
    assert_non_null(strstr(err.msg, "x = 10"));

    gp_func_release(big);
    gp_func_release(f);
    gp_func_release(z);
    gp_func_release(c);
    gp_matrix_free(X);
    gp_matrix_free(X2);
}

static void test_external_rows(void **state)
{
    (void)state;
    gp_error err = {0};
    cb_ctx ctx = {0};
    gp_func *f = gp_func_external(weighted_sum, &ctx, count_release, "wsum", &err);
    assert_non_null(f);
    expect_describe(f, "wsum");
    assert_int_equal(gp_func_is_zero(f), 0);
    gp_matrix *X = test_matrix_rows(3, 3, (double[]){1, 2, 3, 4, 5, 6, -1, 0, 1});
    double out[3];
    assert_int_equal(gp_func_eval_rows(f, X, out, &err), GP_OK);
    assert_int_equal(ctx.calls, 3);
    assert_int_equal(ctx.last_d, 3);
    /* the callback saw the last row, contiguous */
    assert_close(ctx.seen[0], -1, 0);
    assert_close(ctx.seen[1], 0, 0);
    assert_close(ctx.seen[2], 1, 0);
    assert_close(out[0], 1 + 4 + 9, 0);
    assert_close(out[1], 4 + 10 + 18, 0);
    assert_close(out[2], -1 + 0 + 3, 0);

    /* wide input (more dimensions than the stack buffer) */
    gp_matrix *W = gp_matrix_alloc(2, 40);
    for (size_t j = 0; j < 40; j++) {
        GP_AT(W, 0, j) = 1;
        GP_AT(W, 1, j) = (double)j;
    }
    assert_int_equal(gp_func_eval_rows(f, W, out, &err), GP_OK);
    assert_close(out[0], 40 * 41 / 2, 0);
    assert_close(ctx.seen[39], 39, 0);
    gp_matrix_free(W);

    /* retain/release: the context is released once, on the last release */
    assert_ptr_equal(gp_func_retain(f), f);
    gp_func_release(f);
    assert_int_equal(ctx.released, 0);
    gp_func_release(f);
    assert_int_equal(ctx.released, 1);
    gp_matrix_free(X);
}

static void test_external_errors(void **state)
{
    (void)state;
    gp_error err = {0};
    cb_ctx ctx = {0};
    gp_func *f = gp_func_external(weighted_sum, &ctx, NULL, "wsum", &err);
    gp_matrix *X = test_matrix_rows(3, 2, (double[]){1, 2, 3, 4, 5, 6});
    double out[3];

    ctx.fail_at = 2;
    assert_int_equal(gp_func_eval_rows(f, X, out, &err), GP_ERR_CALLBACK);
    assert_string_equal(err.msg, "lua: attempt to index a nil value (x = 3)");
    assert_int_equal(err.code, GP_ERR_CALLBACK);
    assert_int_equal(ctx.calls, 2); /* stops at the first failure */

    ctx.calls = 0;
    ctx.silent_fail = 1;
    assert_int_equal(gp_func_eval_rows(f, X, out, &err), GP_ERR_CALLBACK);
    assert_non_null(strstr(err.msg, "wsum"));
    assert_non_null(strstr(err.msg, "point 2"));

    ctx.calls = 0;
    ctx.fail_at = 0;
    ctx.inf_at = 3;
    assert_int_equal(gp_func_eval_rows(f, X, out, &err), GP_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "wsum"));
    assert_non_null(strstr(err.msg, "point 3"));
    assert_non_null(strstr(err.msg, "x = (5, 6)"));
    assert_non_null(strstr(err.msg, "inf"));

    /* NULL callback; no name */
    assert_null(gp_func_external(NULL, NULL, NULL, "x", &err));
    assert_non_null(strstr(err.msg, "callback"));
    gp_func *anon = gp_func_external(weighted_sum, &ctx, NULL, NULL, &err);
    assert_non_null(anon);
    expect_describe(anon, "external");
    gp_func_release(anon);

    /* errors with err == NULL are fine */
    ctx.calls = 0;
    ctx.inf_at = 1;
    assert_int_equal(gp_func_eval_rows(f, X, out, NULL), GP_ERR_NUMERIC);

    gp_func_release(f);
    gp_matrix_free(X);
}

static void test_describe_snprintf(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_func *f = gp_func_polynomial((double[]){0, 1.0 / 3.0, 1e-7}, 3, &err);
    const char *full = "poly(0, 0.33333333333333331, 1e-07)";
    expect_describe(f, full);
    const size_t len = strlen(full);
    assert_int_equal(gp_func_describe(f, NULL, 0), len);
    char buf[80];
    for (size_t cap = 0; cap <= len + 1; cap++) {
        memset(buf, '#', sizeof buf);
        assert_int_equal(gp_func_describe(f, buf, cap), len);
        if (cap > 0) {
            assert_int_equal(strlen(buf), cap - 1 < len ? cap - 1 : len);
            assert_memory_equal(buf, full, strlen(buf));
        }
        for (size_t i = cap; i < sizeof buf; i++)
            assert_int_equal(buf[i], '#');
    }
    gp_func_release(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constant),          cmocka_unit_test(test_polynomial),
        cmocka_unit_test(test_external_rows),     cmocka_unit_test(test_external_errors),
        cmocka_unit_test(test_describe_snprintf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
