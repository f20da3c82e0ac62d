/* test_report.c: sampling reports of one shape (gp_report.h): each path's
 * fields, and how independent parts combine. */
#include <string.h>

#include "gp_report.h"
#include "test_util.h"

static void test_factor_and_combine(void **state)
{
    (void)state;
    gp_factor chol = {.n = 8, .rank = 8, .method = GP_FACTOR_CHOLESKY};
    gp_factor piv = {.n = 8, .rank = 2, .method = GP_FACTOR_PIVOTED_CHOLESKY, .residual = 3e-16};
    gp_report parts[3], all;
    gp_report_factor(&parts[0], &chol);
    gp_report_factor(&parts[1], &piv);
    gp_report_factor(&parts[2], &chol);
    assert_string_equal(parts[1].method, "pivoted-cholesky");
    assert_int_equal(parts[1].rank, 2);
    gp_report_combine(&all, parts, 3, 8);
    assert_string_equal(all.method, "cholesky + pivoted-cholesky"); /* each method once */
    assert_int_equal(all.rank, 8);                                   /* 8 + 2 + 8, at most n */
    assert_int_equal(all.n, 8);
    assert_close(all.residual, 3e-16, 0);
    gp_report_combine(&all, &parts[1], 1, 8);
    assert_int_equal(all.rank, 2);
}

static void test_paths(void **state)
{
    (void)state;
    gp_report r;
    gp_rff_info rff = {GP_SPECTRAL_RBF, 3, 1, 2.0};
    gp_report_rff(&r, &rff, 50);
    assert_string_equal(r.method, "random-fourier-features");
    assert_true(r.approximate);
    assert_int_equal(r.rank, 6); /* 3 cosines and 3 sines */
    gp_report_rff(&r, &rff, 4);
    assert_int_equal(r.rank, 4); /* at most n */
    assert_string_equal(r.field[1].key, "family");
    assert_string_equal(r.field[1].text, "rbf");

    gp_grid_info g;
    memset(&g, 0, sizeof g);
    g.method = GP_GRID_CIRCULANT;
    g.n = 100;
    g.m = 256;
    g.clipped = 1e-17;
    gp_report_grid(&r, &g);
    assert_string_equal(r.method, "circulant-embedding");
    assert_int_equal(r.rank, 100);
    assert_close(r.residual, 1e-17, 0);
    assert_false(r.approximate);
    assert_string_equal(r.field[0].key, "embedding");
    assert_true(r.field[0].count);
    g.method = GP_GRID_DENSE;
    g.dense = (gp_factor){.n = 100, .rank = 7, .method = GP_FACTOR_PIVOTED_CHOLESKY, .residual = 1e-15};
    strcpy(g.reason, "indefinite");
    gp_report_grid(&r, &g);
    assert_string_equal(r.method, "pivoted-cholesky");
    assert_int_equal(r.rank, 7);
    assert_string_equal(r.reason, "indefinite");

    gp_report_init(&r, "lowrank", 10, 20); /* a rank above n is capped */
    assert_int_equal(r.rank, 10);
    for (int i = 0; i < GP_REPORT_FIELDS + 3; i++)
        gp_report_count(&r, "k", (size_t)i); /* fields beyond the room are dropped */
    assert_int_equal(r.nfields, GP_REPORT_FIELDS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_factor_and_combine),
                                       cmocka_unit_test(test_paths)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
