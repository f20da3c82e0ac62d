/* test_kernel_table.c: every entry of the leaf-kernel table, whatever it is,
 * through the generic paths: it builds from its defaults and describes
 * itself as name(...); its parameter specs accept their own defaults and
 * refuse what they should; its Gram matrix on random points is exactly
 * symmetric, finite, positive semi-definite, the same as the cross-covariance
 * k(X, X) and as the diagonal; and the constructor's generic errors (unknown,
 * repeated or mis-shaped parameters) name the kernel and the parameter. A
 * kernel added to the table is checked here without a line of this file
 * changing. */
#include <stdlib.h>
#include <string.h>

#include "gp_kernel_impl.h" /* the descriptor's bounded claim */
#include "test_util.h"

/* Inputs every default kernel takes: 1-D (nn's default Sigma is 2 x 2,
 * brownian is 1-D), >= 0 (brownian), with a repeated point (white). */
static gp_matrix *inputs(size_t n)
{
    gp_matrix *X = test_random_points(n, 1, 0, 3, 17);
    X->data[n - 1] = X->data[0];
    return X;
}

static void test_every_entry_builds_and_evaluates(void **state)
{
    (void)state;
    gp_error err = {0};
    const gp_kernel_desc *d;
    size_t count = 0;
    for (size_t t = 0; (d = gp_kernel_desc_at(t)) != NULL; t++, count++) {
        const char *name = gp_kernel_desc_name(d);
        assert_ptr_equal(gp_kernel_desc_find(name), d);
        gp_kernel *k = gp_kernel_new(d, NULL, 0, &err);
        if (!k)
            fail_msg("%s with its defaults: %s", name, err.msg);
        char text[256];
        gp_kernel_describe(k, text, sizeof text);
        assert_int_equal(strncmp(text, name, strlen(name)), 0);
        assert_int_equal(text[strlen(name)], '(');

        gp_matrix *X = inputs(30);
        gp_matrix *K = test_gram(k, X, NULL), *C = test_gram(k, X, X);
        test_check_sym_psd(K, text);
        double *v = malloc(X->rows * sizeof *v);
        assert_int_equal(gp_kernel_diag(k, X, v, &err), GP_OK);
        for (size_t j = 0; j < X->rows; j++) {
            if (!(v[j] == GP_AT(K, j, j)))
                fail_msg("%s: diag %zu = %.17g but K = %.17g", text, j, v[j], GP_AT(K, j, j));
            for (size_t i = 0; i < X->rows; i++)
                if (!(isfinite(GP_AT(K, i, j)) && GP_AT(K, i, j) == GP_AT(C, i, j)))
                    fail_msg("%s: K(%zu, %zu) = %.17g, k(X, X) = %.17g", text, i, j,
                             GP_AT(K, i, j), GP_AT(C, i, j));
        }
        free(v);
        gp_matrix_free(C);
        gp_matrix_free(K);
        gp_matrix_free(X);
        gp_kernel_release(k);
    }
    assert_true(count >= 14);
    assert_null(gp_kernel_desc_at(count));
    assert_null(gp_kernel_desc_find("no such kernel"));
}

static void test_every_spec_is_consistent(void **state)
{
    (void)state;
    gp_error err = {0};
    const gp_kernel_desc *d;
    for (size_t t = 0; (d = gp_kernel_desc_at(t)) != NULL; t++) {
        const gp_param_spec *ps;
        for (size_t i = 0; (ps = gp_kernel_desc_param(d, i)) != NULL; i++) {
            assert_non_null(ps->name);
            assert_true(ps->lo < ps->hi);
            /* the default given explicitly is accepted (a function: the constant
             * default); NaN and inf are not (nor numbers for a function) */
            const int is_fn = ps->kind == GP_PARAM_FUNCTION;
            assert_true(ps->kind != GP_PARAM_CHOICE || ps->choices);
            gp_func *f = is_fn ? gp_func_constant(ps->def, &err) : NULL;
            gp_kernel_arg arg = {ps->name, is_fn ? NULL : &ps->def, !is_fn, !is_fn, f};
            gp_kernel *k = gp_kernel_new(d, &arg, 1, &err);
            if (!k)
                fail_msg("%s: default %s = %g refused: %s", gp_kernel_desc_name(d), ps->name,
                         ps->def, err.msg);
            gp_kernel_release(k);
            gp_func_release(f);
            arg = (gp_kernel_arg){ps->name, NULL, 1, 1, NULL};
            const double bad[] = {NAN, INFINITY, -INFINITY};
            for (size_t b = 0; b < 3; b++) {
                arg.v = &bad[b];
                assert_null(gp_kernel_new(d, &arg, 1, &err));
                assert_non_null(strstr(err.msg, ps->name));
                assert_non_null(strstr(err.msg, gp_kernel_desc_name(d)));
            }
        }
    }
}

/* A kernel whose descriptor claims bounded (|k(x, y)| <= k(0), never inf
 * or NaN; its Gram matrix is then not scanned) keeps the claim at extreme
 * inputs (1e-300 .. 1.5e308 apart) and with each parameter at 1e-300 or
 * 1e300 where its spec allows that. */
static void check_bounded(const gp_kernel *k, const gp_matrix *X)
{
    char text[256];
    gp_kernel_describe(k, text, sizeof text);
    gp_matrix *K = test_gram(k, X, NULL);
    double k0 = 0;
    for (size_t i = 0; i < X->rows; i++)
        k0 = fmax(k0, GP_AT(K, i, i));
    for (size_t i = 0; i < X->rows * X->rows; i++)
        if (!(fabs(K->data[i]) <= k0))
            fail_msg("%s: |K| = %g at entry %zu exceeds k(0) = %g", text, K->data[i], i, k0);
    gp_matrix_free(K);
}

static void test_bounded_claims_hold(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_matrix *X = test_matrix_rows(9, 1, (double[]){0, 1e-300, 3, 1e154, -1e154, 1.5e308,
                                                    -1.5e308, 2.5e307, 1.7976931348623157e308});
    const gp_kernel_desc *d;
    size_t checked = 0;
    for (size_t t = 0; (d = gp_kernel_desc_at(t)) != NULL; t++) {
        gp_kernel *k = gp_kernel_new(d, NULL, 0, &err);
        assert_non_null(k);
        gp_matrix *K = gp_matrix_alloc(X->rows, X->rows);
        const gp_code rc = gp_kernel_gram(k, X, NULL, K, &err);
        gp_matrix_free(K);
        /* every kernel: a value or a clear error, never inf or NaN in K */
        if (rc != GP_OK)
            assert_true(rc == GP_ERR_NUMERIC || rc == GP_ERR_ARG);
        gp_kernel_release(k);
        const gp_param_spec *ps;
        const double extremes[] = {1e-300, 1e300};
        for (size_t i = 0; (ps = gp_kernel_desc_param(d, i)) != NULL; i++)
            for (size_t e = 0; e < 2; e++) {
                const gp_kernel_arg arg = {ps->name, &extremes[e], 1, 1, NULL};
                gp_kernel *ke = gp_kernel_new(d, &arg, 1, &err);
                if (!ke)
                    continue; /* not allowed by the spec */
                K = gp_matrix_alloc(X->rows, X->rows);
                if (gp_kernel_gram(ke, X, NULL, K, &err) != GP_OK)
                    assert_true(err.code == GP_ERR_NUMERIC || err.code == GP_ERR_ARG);
                else if (!d->bounded) /* a value: finite */
                    for (size_t c = 0; c < X->rows * X->rows; c++)
                        assert_true(isfinite(K->data[c]));
                gp_matrix_free(K);
                if (d->bounded)
                    check_bounded(ke, X);
                gp_kernel_release(ke);
            }
        if (d->bounded) {
            k = gp_kernel_new(d, NULL, 0, &err);
            check_bounded(k, X);
            gp_kernel_release(k);
            checked++;
        }
    }
    assert_true(checked >= 10);
    gp_matrix_free(X);
}

static void test_generic_constructor_errors(void **state)
{
    (void)state;
    gp_error err = {0};
    const double one = 1, two[2] = {1, 2}, sq[4] = {1, 0, 0, 1};
    const gp_kernel_arg unknown[] = {{"lengthscal", &one, 1, 1, NULL}};
    assert_null(gp_kernel_new_named("rbf", unknown, 1, &err));
    assert_string_equal(err.msg,
                        "rbf: unknown parameter 'lengthscal' (known: amplitude, lengthscale)");
    const gp_kernel_arg twice[] = {{"amplitude", &one, 1, 1, NULL}, {"amplitude", &one, 1, 1, NULL}};
    assert_null(gp_kernel_new_named("rbf", twice, 2, &err));
    assert_string_equal(err.msg, "rbf: parameter 'amplitude' is given twice");
    const gp_kernel_arg list_for_number[] = {{"amplitude", two, 2, 1, NULL}};
    assert_null(gp_kernel_new_named("rbf", list_for_number, 1, &err));
    assert_string_equal(err.msg, "rbf: amplitude must be one number, got a 2 x 1 matrix");
    const gp_kernel_arg matrix_for_list[] = {{"lengthscale", sq, 2, 2, NULL}};
    assert_null(gp_kernel_new_named("rbf", matrix_for_list, 1, &err));
    assert_string_equal(
        err.msg, "rbf: lengthscale must be a number or a list of numbers, got a 2 x 2 matrix");
    const gp_kernel_arg none[] = {{"lengthscale", NULL, 0, 1, NULL}};
    assert_null(gp_kernel_new_named("rbf", none, 1, &err));
    assert_string_equal(err.msg, "rbf: lengthscale is missing (0 values given)");
    const double half = 2.5, huge = 1e10;
    const gp_kernel_arg frac[] = {{"degree", &half, 1, 1, NULL}};
    assert_null(gp_kernel_new_named("polynomial", frac, 1, &err));
    assert_string_equal(err.msg, "polynomial: degree must be an integer >= 1, got 2.5");
    const gp_kernel_arg big[] = {{"degree", &huge, 1, 1, NULL}};
    assert_null(gp_kernel_new_named("polynomial", big, 1, &err));
    assert_string_equal(err.msg,
                        "polynomial: degree must be an integer in 1..2147483647, got 1e+10");
    assert_null(gp_kernel_new_named("rbff", NULL, 0, &err));
    assert_string_equal(err.msg, "kernel: no leaf kernel is called 'rbff'");
    assert_null(gp_kernel_new(NULL, NULL, 0, &err));
    /* nn's Sigma: a number s (s I), a list (the diagonal) or a square matrix */
    const double s3 = 3, diag[3] = {1, 2, 3}, rect[2] = {1, 2};
    const gp_kernel_arg sig_num[] = {{"Sigma", &s3, 1, 1, NULL}}, sig_diag[] = {{"Sigma", diag, 3, 1, NULL}},
                        sig_rect[] = {{"Sigma", rect, 1, 2, NULL}};
    gp_kernel *a = gp_kernel_new_named("nn", sig_num, 1, &err);
    test_expect_describe(a, "nn(variance=1, offset=0, Sigma={{3, 0}, {0, 3}})");
    gp_kernel *b = gp_kernel_new_named("nn", sig_diag, 1, &err);
    test_expect_describe(b, "nn(variance=1, offset=0, Sigma={{1, 0, 0}, {0, 2, 0}, {0, 0, 3}})");
    assert_null(gp_kernel_new_named("nn", sig_rect, 1, &err));
    assert_non_null(strstr(err.msg, "nn: Sigma must be square"));
    gp_kernel_release(a);
    gp_kernel_release(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_entry_builds_and_evaluates),
        cmocka_unit_test(test_every_spec_is_consistent),
        cmocka_unit_test(test_bounded_claims_hold),
        cmocka_unit_test(test_generic_constructor_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
