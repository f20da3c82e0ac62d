/* test_matrix.c: matrix sizes, evenly spaced points, grids and element-wise
 * arithmetic of gp_matrix.h. */
#include <stdint.h>
#include <string.h>

#include "gp_matrix.h"
#include "test_util.h"

/* A size that overflows, and one no machine has, are refused before anything
 * is allocated; the message gives the shape and the bytes. */
static void test_check_size(void **state)
{
    (void)state;
    gp_error err;
    assert_int_equal(gp_matrix_check_size(3, 4, &err), GP_OK);
    assert_int_equal(gp_matrix_check_size((size_t)1 << 31, (size_t)1 << 31, &err), GP_ERR_NOMEM);
    assert_non_null(strstr(err.msg, "a 2147483648 x 2147483648 matrix needs more than"));
    assert_int_equal(gp_matrix_check_size((size_t)1 << 40, 1, &err), GP_ERR_NOMEM);
    assert_non_null(strstr(err.msg, "a 1099511627776 x 1 matrix needs 8796093022232 bytes (8 TiB)"));
    assert_non_null(strstr(err.msg, "of memory available"));
    assert_null(gp_matrix_alloc((size_t)1 << 40, 1));
    assert_null(gp_matrix_alloc(SIZE_MAX, 2));
}

/* Ends exact, even spacing, and no overflow where b - a is not representable. */
static void test_linspace(void **state)
{
    (void)state;
    gp_error err;
    double h;
    gp_matrix *x = gp_matrix_alloc(3, 1);
    gp_matrix_linspace(x, -1.7e308, 1.7e308);
    assert_close(x->data[0], -1.7e308, 0);
    assert_close(x->data[1], 0.0, 0);
    assert_close(x->data[2], 1.7e308, 0);
    assert_int_equal(gp_linspace_step("t", -1.7e308, 1.7e308, 3, 1, &h, &err), GP_OK);
    assert_close(h, 1.7e308, 0);
    gp_matrix *y = gp_matrix_alloc(101, 1);
    gp_matrix_linspace(y, 0, 1e308); /* (b - a) (n - 1) overflows, each point does not */
    for (size_t i = 0; i < 101; i++)
        assert_close(y->data[i], 1e306 * (double)i, 1e294);
    gp_matrix_linspace(y, 1, 0); /* decreasing is fine */
    assert_close(y->data[100], 0, 0);
    assert_close(y->data[50], 0.5, 1e-16);
    assert_int_equal(gp_linspace_step("linspace", 0, NAN, 3, 0, &h, &err), GP_ERR_ARG);
    assert_string_equal(err.msg, "linspace: stop must be finite, got nan");
    assert_int_equal(gp_linspace_step("linspace", -INFINITY, 1, 3, 0, &h, &err), GP_ERR_ARG);
    assert_string_equal(err.msg, "linspace: start must be finite, got -inf");
    assert_int_equal(gp_linspace_step("grid", 1, 0, 10, 1, &h, &err), GP_ERR_ARG);
    assert_string_equal(err.msg, "grid: need a < b for 10 points, got a = 1, b = 0");
    assert_int_equal(gp_linspace_step("grid", 2, 2, 1, 1, &h, &err), GP_OK); /* one point */
    assert_close(h, 0, 0);
    gp_matrix_free(y);
    gp_matrix_free(x);
}

static void test_grid_and_elementwise(void **state)
{
    (void)state;
    gp_error err;
    const double xv[] = {1, 2, 3}, yv[] = {10, 20};
    gp_matrix *xs = test_matrix_rows(3, 1, xv), *ys = test_matrix_rows(2, 1, yv);
    gp_matrix *g = gp_matrix_alloc(6, 2);
    assert_int_equal(gp_matrix_grid(xs, ys, g, &err), GP_OK);
    assert_close(GP_AT(g, 1, 0), 2, 0);
    assert_close(GP_AT(g, 3, 1), 20, 0);
    assert_int_equal(gp_matrix_grid(g, ys, g, &err), GP_ERR_DIM);
    gp_matrix xrow = {1, 3, xs->data}; /* a row vector of x coordinates: the same grid */
    gp_matrix *g2 = gp_matrix_alloc(6, 2);
    assert_int_equal(gp_matrix_grid(&xrow, ys, g2, &err), GP_OK);
    assert_memory_equal(g->data, g2->data, 12 * sizeof(double));
    gp_matrix_free(g2);
    gp_matrix *r = gp_matrix_alloc(3, 1);
    assert_int_equal(gp_matrix_elementwise(GP_MATRIX_DIV, xs, 0, NULL, 2, r, &err), GP_OK);
    assert_close(r->data[2], 1.5, 0);
    assert_int_equal(gp_matrix_elementwise(GP_MATRIX_SUB, NULL, 1, xs, 0, r, &err), GP_OK);
    assert_close(r->data[2], -2, 0);
    assert_int_equal(gp_matrix_elementwise(GP_MATRIX_DIV, xs, 0, NULL, 0, r, &err),
                     GP_ERR_NUMERIC);
    assert_string_equal(err.msg, "matrix /: element (1, 1) is inf (1 / 0)");
    assert_int_equal(gp_matrix_elementwise(GP_MATRIX_MUL, xs, 0, NULL, 1e308, r, &err),
                     GP_ERR_NUMERIC);
    assert_int_equal(gp_matrix_elementwise(GP_MATRIX_ADD, xs, 0, ys, 0, r, &err), GP_ERR_DIM);
    assert_string_equal(err.msg, "matrix +: shapes differ (3 x 1 and 2 x 1)");
    gp_matrix_free(r);
    gp_matrix_free(g);
    gp_matrix_free(ys);
    gp_matrix_free(xs);
}

static void test_check_finite(void **state)
{
    (void)state;
    gp_error err;
    gp_matrix *v = gp_matrix_alloc(3, 1), *m = gp_matrix_alloc(2, 2);
    assert_int_equal(gp_matrix_check_finite(v, "f", "x", &err), GP_OK);
    v->data[2] = -INFINITY;
    assert_int_equal(gp_matrix_check_finite(v, "f", "x", &err), GP_ERR_ARG);
    assert_string_equal(err.msg, "f: x[3] is -inf (values must be finite)");
    GP_AT(m, 0, 1) = NAN;
    assert_int_equal(gp_matrix_check_finite(m, "g", "Y", &err), GP_ERR_ARG);
    assert_string_equal(err.msg, "g: Y(1, 2) is nan (values must be finite)");
    gp_matrix_free(m);
    gp_matrix_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_size), cmocka_unit_test(test_linspace),
        cmocka_unit_test(test_grid_and_elementwise), cmocka_unit_test(test_check_finite)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
