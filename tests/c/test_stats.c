/* test_stats.c: empirical moments and their standard errors. */
#include <stdlib.h>

#include "gp_rng.h"
#include "gp_stats.h"
#include "test_util.h"

/* Hand-computed moments of three draws at two points. */
static void test_small_by_hand(void **state)
{
    (void)state;
    gp_matrix *S = gp_matrix_alloc(2, 3), *C = gp_matrix_alloc(2, 2);
    double rows[2][3] = {{1, 2, 6}, {0, 1, -1}};
    for (size_t i = 0; i < 2; i++)
        for (size_t t = 0; t < 3; t++)
            GP_AT(S, i, t) = rows[i][t];
    double mean[2], se[2];
    assert_int_equal(gp_stats_moments(S, mean, C, se, NULL, NULL), GP_OK);
    assert_close(mean[0], 3.0, 1e-15);
    assert_close(GP_AT(C, 0, 0), (4.0 + 1.0 + 9.0) / 2.0, 1e-14);
    assert_close(GP_AT(C, 0, 1), ((-2.0) * 0 + (-1.0) * 1 + 3.0 * (-1)) / 2.0, 1e-14);
    assert_close(GP_AT(C, 1, 0), GP_AT(C, 0, 1), 0);
    assert_close(se[0], sqrt(7.0 / 3.0), 1e-14);
    gp_matrix_free(S);
    gp_matrix_free(C);
}

/* The standard errors are right: over many repetitions, (mean - 0) / se of N
 * standard normals has variance close to 1 (within 5 of its own SEs). */
static void test_standard_error_calibrated(void **state)
{
    (void)state;
    const size_t N = 200, reps = 4000;
    gp_rng rng;
    gp_rng_seed(&rng, 21);
    gp_matrix *S = gp_matrix_alloc(1, N);
    double sum = 0, sum2 = 0;
    for (size_t r = 0; r < reps; r++) {
        gp_rng_normals(&rng, S->data, N);
        double mean, se;
        assert_int_equal(gp_stats_moments(S, &mean, NULL, &se, NULL, NULL), GP_OK);
        double z = mean / se;
        sum += z * z;
        sum2 += z * z * z * z;
    }
    double var = sum / (double)reps, se_var = sqrt((sum2 / (double)reps - var * var) / (double)reps);
    assert_close(var, 1.0, 5 * se_var);
    gp_matrix_free(S);
}

static void test_kurtosis(void **state)
{
    (void)state;
    const size_t n = 200000;
    double *v = malloc(n * sizeof *v);
    gp_rng rng;
    gp_rng_seed(&rng, 8);
    for (size_t i = 0; i < n; i++)
        v[i] = gp_rng_uniform(&rng);
    /* uniform: -6/5; SE of the sample kurtosis is about sqrt(24/n) for normals, smaller here */
    assert_close(gp_stats_excess_kurtosis(v, n), -1.2, 5 * sqrt(24.0 / (double)n));
    gp_rng_normals(&rng, v, n);
    assert_close(gp_stats_excess_kurtosis(v, n), 0.0, 5 * sqrt(24.0 / (double)n));
    free(v);
}

static void test_bad_shapes(void **state)
{
    (void)state;
    gp_matrix *S = gp_matrix_alloc(2, 1), *C = gp_matrix_alloc(3, 3);
    double mean[2];
    gp_error err;
    assert_int_equal(gp_stats_moments(S, mean, NULL, NULL, NULL, &err), GP_ERR_DIM);
    gp_matrix_free(S);
    S = gp_matrix_alloc(2, 5);
    assert_int_equal(gp_stats_moments(S, mean, C, NULL, NULL, &err), GP_ERR_DIM);
    gp_matrix_free(S);
    gp_matrix_free(C);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_by_hand), cmocka_unit_test(test_standard_error_calibrated),
        cmocka_unit_test(test_kurtosis), cmocka_unit_test(test_bad_shapes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
