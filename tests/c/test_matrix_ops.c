/* test_matrix_ops.c: transpose, product, reshape, reductions, concatenation,
 * blocks and maps (gp_matrix_ops.h), against results computed by hand. */
#include <string.h>

#include "gp_matrix_ops.h"
#include "test_util.h"

/* Fail unless m is r x c with the row-major values want (exactly). */
static void expect_rows(const gp_matrix *m, size_t r, size_t c, const double *want)
{
    assert_int_equal(m->rows, r);
    assert_int_equal(m->cols, c);
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++)
            if (GP_AT(m, i, j) != want[i * c + j])
                fail_msg("(%zu, %zu) = %.17g, expected %.17g", i + 1, j + 1, GP_AT(m, i, j),
                         want[i * c + j]);
}

static void test_transpose(void **state)
{
    (void)state;
    const double a[] = {1, 2, 3, 4, 5, 6}, t[] = {1, 4, 2, 5, 3, 6};
    gp_matrix *A = test_matrix_rows(2, 3, a), *T = gp_matrix_alloc(3, 2);
    gp_matrix_transpose(A, T);
    expect_rows(T, 3, 2, t);
    gp_matrix_free(T);
    gp_matrix_free(A);
}

static void test_mm(void **state)
{
    (void)state;
    gp_error err;
    size_t r, c;
    const double a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8}, ab[] = {19, 22, 43, 50};
    gp_matrix *A = test_matrix_rows(2, 2, a), *B = test_matrix_rows(2, 2, b);
    gp_matrix *P = gp_matrix_alloc(2, 2);
    assert_int_equal(gp_matrix_mm_shape(A, B, &r, &c, &err), GP_OK);
    assert_int_equal(r, 2);
    assert_int_equal(c, 2);
    assert_int_equal(gp_matrix_mm(A, B, P, &err), GP_OK);
    expect_rows(P, 2, 2, ab);

    /* a row times a column is 1 x 1: 1*1 + 2*2 + 3*3 = 14 */
    const double v[] = {1, 2, 3}, dot[] = {14};
    gp_matrix *row = test_matrix_rows(1, 3, v), *col = test_matrix_rows(3, 1, v);
    gp_matrix *D = gp_matrix_alloc(1, 1);
    assert_int_equal(gp_matrix_mm(row, col, D, &err), GP_OK);
    expect_rows(D, 1, 1, dot);

    assert_int_equal(gp_matrix_mm_shape(col, col, &r, &c, &err), GP_ERR_DIM);
    assert_string_equal(err.msg, "mm: inner sizes differ (3 x 1 times 3 x 1: the columns of the "
                                 "first must match the rows of the second)");
    GP_AT(B, 1, 0) = NAN;
    assert_int_equal(gp_matrix_mm(A, B, P, &err), GP_ERR_ARG);
    assert_string_equal(err.msg, "mm: b(2, 1) is nan (values must be finite)");
    GP_AT(A, 0, 0) = 1e200;
    GP_AT(B, 1, 0) = 0;
    GP_AT(B, 0, 0) = 1e200;
    assert_int_equal(gp_matrix_mm(A, B, P, &err), GP_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "mm: element (1, 1) of the product is inf"));
    gp_matrix_free(D);
    gp_matrix_free(col);
    gp_matrix_free(row);
    gp_matrix_free(P);
    gp_matrix_free(B);
    gp_matrix_free(A);
}

/* Row-major order, as Torch: and a draw on gp.grid reshaped to ny x nx is the image. */
static void test_reshape(void **state)
{
    (void)state;
    gp_error err;
    const double a[] = {1, 2, 3, 4, 5, 6}, r32[] = {1, 2, 3, 4, 5, 6};
    gp_matrix *A = test_matrix_rows(2, 3, a), *R = gp_matrix_alloc(3, 2);
    assert_int_equal(gp_matrix_reshape_check(A, 3, 2, &err), GP_OK);
    gp_matrix_reshape(A, R);
    expect_rows(R, 3, 2, r32); /* {{1, 2}, {3, 4}, {5, 6}} */
    assert_int_equal(gp_matrix_reshape_check(A, 4, 2, &err), GP_ERR_DIM);
    assert_string_equal(err.msg, "reshape: a 2 x 3 matrix has 6 elements, a 4 x 2 one would not");

    const double xv[] = {1, 2, 3}, yv[] = {10, 20};
    gp_matrix *xs = test_matrix_rows(3, 1, xv), *ys = test_matrix_rows(2, 1, yv);
    gp_matrix *g = gp_matrix_alloc(6, 2), *f = gp_matrix_alloc(6, 1), *Z = gp_matrix_alloc(2, 3);
    assert_int_equal(gp_matrix_grid(xs, ys, g, &err), GP_OK);
    for (size_t k = 0; k < 6; k++)
        f->data[k] = GP_AT(g, k, 0) + 100 * GP_AT(g, k, 1); /* f(x, y) = x + 100 y */
    gp_matrix_reshape(f, Z);
    const double image[] = {1001, 1002, 1003, 2001, 2002, 2003}; /* Z(j, i) = f(x_i, y_j) */
    expect_rows(Z, 2, 3, image);
    gp_matrix_free(Z);
    gp_matrix_free(f);
    gp_matrix_free(g);
    gp_matrix_free(ys);
    gp_matrix_free(xs);
    gp_matrix_free(R);
    gp_matrix_free(A);
}

/* The reduction op over dim of a into a new matrix (failing on error). */
static gp_matrix *reduce(gp_reduce_op op, const gp_matrix *a, int dim)
{
    size_t r, c;
    gp_error err;
    assert_int_equal(gp_matrix_reduce_shape(op, a, dim, &r, &c, &err), GP_OK);
    gp_matrix *out = gp_matrix_alloc(r, c);
    if (gp_matrix_reduce(op, a, dim, out, &err))
        fail_msg("%s", err.msg);
    return out;
}

/* The reduction of all of a (a number). */
static double reduce_all(gp_reduce_op op, const gp_matrix *a)
{
    gp_matrix *m = reduce(op, a, 0);
    double v = m->data[0];
    gp_matrix_free(m);
    return v;
}

static void test_reductions(void **state)
{
    (void)state;
    const double a[] = {1, 2, 3, 4, 5, 6}; /* {{1, 2}, {3, 4}, {5, 6}} */
    gp_matrix *A = test_matrix_rows(3, 2, a);
    assert_close(reduce_all(GP_REDUCE_SUM, A), 21, 0);
    assert_close(reduce_all(GP_REDUCE_MEAN, A), 3.5, 0);
    /* 1..6: squared deviations 2 (6.25 + 2.25 + 0.25) = 17.5, over 5: 3.5 */
    assert_close(reduce_all(GP_REDUCE_STD, A), sqrt(3.5), 1e-15);
    assert_close(reduce_all(GP_REDUCE_MIN, A), 1, 0);
    assert_close(reduce_all(GP_REDUCE_MAX, A), 6, 0);

    const double colsum[] = {9, 12}, rowsum[] = {3, 7, 11}, colmean[] = {3, 4}, colsd[] = {2, 2},
                 rowmin[] = {1, 3, 5}, colmax[] = {5, 6};
    gp_matrix *m = reduce(GP_REDUCE_SUM, A, 1);
    expect_rows(m, 1, 2, colsum);
    gp_matrix_free(m);
    m = reduce(GP_REDUCE_SUM, A, 2);
    expect_rows(m, 3, 1, rowsum);
    gp_matrix_free(m);
    m = reduce(GP_REDUCE_MEAN, A, 1);
    expect_rows(m, 1, 2, colmean);
    gp_matrix_free(m);
    m = reduce(GP_REDUCE_STD, A, 1); /* {1, 3, 5}: deviations -2, 0, 2; 8 / 2 = 4 */
    expect_rows(m, 1, 2, colsd);
    gp_matrix_free(m);
    m = reduce(GP_REDUCE_STD, A, 2); /* {1, 2}: sqrt(0.5) */
    assert_close(m->data[2], sqrt(0.5), 1e-16);
    gp_matrix_free(m);
    m = reduce(GP_REDUCE_MIN, A, 2);
    expect_rows(m, 3, 1, rowmin);
    gp_matrix_free(m);
    m = reduce(GP_REDUCE_MAX, A, 1);
    expect_rows(m, 1, 2, colmax);
    gp_matrix_free(m);
    gp_matrix_free(A);
}

static void test_reduction_limits(void **state)
{
    (void)state;
    gp_error err;
    const double cancel[] = {1e16, 1, -1e16}, huge[] = {1e308, 1e308}, wide[] = {1e200, -1e200},
                 one[] = {7};
    gp_matrix *C = test_matrix_rows(3, 1, cancel), *H = test_matrix_rows(2, 1, huge),
              *W = test_matrix_rows(2, 1, wide), *O = test_matrix_rows(1, 1, one);
    assert_close(reduce_all(GP_REDUCE_SUM, C), 1, 0); /* a plain loop gives 0 */
    assert_close(reduce_all(GP_REDUCE_MEAN, H), 1e308, 0);
    assert_close(reduce_all(GP_REDUCE_STD, W), sqrt(2) * 1e200, 1e185);
    gp_matrix *out = gp_matrix_alloc(1, 1);
    assert_int_equal(gp_matrix_reduce(GP_REDUCE_SUM, H, 0, out, &err), GP_ERR_NUMERIC);
    assert_string_equal(err.msg,
                        "sum: the sum of the matrix overflowed (beyond the largest double)");
    assert_int_equal(gp_matrix_reduce(GP_REDUCE_STD, O, 0, out, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "std: the matrix has 1 value"));
    assert_close(reduce_all(GP_REDUCE_MEAN, O), 7, 0);
    C->data[1] = NAN;
    assert_int_equal(gp_matrix_reduce(GP_REDUCE_MAX, C, 0, out, &err), GP_ERR_ARG);
    assert_string_equal(err.msg, "max: element (2, 1) is nan (values must be finite)");
    size_t r, c;
    assert_int_equal(gp_matrix_reduce_shape(GP_REDUCE_MEAN, C, 3, &r, &c, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "mean: dimension must be 1"));
    gp_matrix_free(out);
    gp_matrix_free(O);
    gp_matrix_free(W);
    gp_matrix_free(H);
    gp_matrix_free(C);
}

static void test_cat_and_blocks(void **state)
{
    (void)state;
    gp_error err;
    size_t r, c;
    const double x[] = {1, 2}, s[] = {10, 20, 30, 40};
    gp_matrix *X = test_matrix_rows(2, 1, x), *S = test_matrix_rows(2, 2, s);
    const gp_matrix *parts[] = {X, S};
    assert_int_equal(gp_matrix_cat_shape(parts, 2, 2, &r, &c, &err), GP_OK);
    gp_matrix *B = gp_matrix_alloc(r, c);
    gp_matrix_cat(parts, 2, 2, B);
    const double beside[] = {1, 10, 20, 2, 30, 40};
    expect_rows(B, 2, 3, beside);
    const gp_matrix *stack[] = {S, S};
    assert_int_equal(gp_matrix_cat_shape(stack, 2, 1, &r, &c, &err), GP_OK);
    gp_matrix *T = gp_matrix_alloc(r, c);
    gp_matrix_cat(stack, 2, 1, T);
    const double stacked[] = {10, 20, 30, 40, 10, 20, 30, 40};
    expect_rows(T, 4, 2, stacked);
    assert_int_equal(gp_matrix_cat_shape(parts, 2, 1, &r, &c, &err), GP_ERR_DIM);
    assert_string_equal(err.msg,
                        "cat: along dimension 1 every part needs 1 columns (as part 1), part 2 "
                        "is 2 x 2");

    /* rows 2..4 and columns 2..2 of T */
    assert_int_equal(gp_matrix_block_check("narrow", T, 1, 3, 1, 1, &err), GP_OK);
    gp_matrix *K = gp_matrix_alloc(3, 1);
    gp_matrix_block(T, 1, 1, K);
    const double block[] = {40, 20, 40};
    expect_rows(K, 3, 1, block);
    assert_int_equal(gp_matrix_block_check("narrow", T, 2, 3, 0, 1, &err), GP_ERR_ARG);
    assert_string_equal(err.msg, "narrow: rows 3..5 are outside 1..4");
    assert_int_equal(gp_matrix_block_check("sub", T, 0, 1, 0, 0, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "sub: an empty range of columns"));
    gp_matrix_free(K);
    gp_matrix_free(T);
    gp_matrix_free(B);
    gp_matrix_free(S);
    gp_matrix_free(X);
}

static void test_map(void **state)
{
    (void)state;
    gp_error err;
    const double a[] = {1, 2, 3, 4}, sq[] = {1, 4, 9, 16}, coef[] = {0, 0, 1};
    gp_matrix *A = test_matrix_rows(2, 2, a), *M = gp_matrix_alloc(2, 2);
    gp_func *square = gp_func_polynomial(coef, 3, &err);
    assert_int_equal(gp_matrix_map(A, square, M, &err), GP_OK);
    expect_rows(M, 2, 2, sq);
    GP_AT(A, 1, 0) = 1e200; /* squared: inf */
    assert_int_equal(gp_matrix_map(A, square, M, &err), GP_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "map: element (2, 1) = 1e+200: "));
    gp_func_release(square);
    gp_matrix_free(M);
    gp_matrix_free(A);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transpose),   cmocka_unit_test(test_mm),
        cmocka_unit_test(test_reshape),     cmocka_unit_test(test_reductions),
        cmocka_unit_test(test_reduction_limits), cmocka_unit_test(test_cat_and_blocks),
        cmocka_unit_test(test_map)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
