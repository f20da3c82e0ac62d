/* test_stats.c: empirical moments and their standard errors. */
#include <stdlib.h>
#include <string.h>

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
    double k;
    /* uniform: -6/5; SE of the sample kurtosis is about sqrt(24/n) for normals, smaller here */
    assert_int_equal(gp_stats_excess_kurtosis(v, n, &k, NULL), GP_OK);
    assert_close(k, -1.2, 5 * sqrt(24.0 / (double)n));
    gp_rng_normals(&rng, v, n);
    assert_int_equal(gp_stats_excess_kurtosis(v, n, &k, NULL), GP_OK);
    assert_close(k, 0.0, 5 * sqrt(24.0 / (double)n));
    free(v);
}

/* Two values +-a: m4 / m2^2 = 1, excess -2, at every scale (no overflow at
 * 1e300, no underflow at 1e-300). Constant or non-finite values are errors. */
static void test_kurtosis_limits(void **state)
{
    (void)state;
    gp_error err;
    double k, scales[] = {1e-300, 1, 1e300, 1.7e308};
    for (size_t i = 0; i < 4; i++) {
        double v[4] = {scales[i], -scales[i], scales[i], -scales[i]};
        assert_int_equal(gp_stats_excess_kurtosis(v, 4, &k, &err), GP_OK);
        assert_close(k, -2.0, 1e-14);
    }
    double c[3] = {2.5, 2.5, 2.5}, nan[3] = {1, NAN, 2}, inf[3] = {1, 2, -INFINITY};
    assert_int_equal(gp_stats_excess_kurtosis(c, 3, &k, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "all 3 values are equal (2.5)"));
    assert_int_equal(gp_stats_excess_kurtosis(nan, 3, &k, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "v[2] is nan"));
    assert_int_equal(gp_stats_excess_kurtosis(inf, 3, &k, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "v[3] is -inf"));
    assert_int_equal(gp_stats_excess_kurtosis(c, 1, &k, &err), GP_ERR_DIM);
}

/* Draws holding NaN or inf are errors naming the draw; a constant row has
 * covariance and standard errors 0; draws whose squares overflow are errors,
 * and a mean of huge draws is still right. */
static void test_moments_limits(void **state)
{
    (void)state;
    gp_matrix *S = gp_matrix_alloc(2, 3), *C = gp_matrix_alloc(2, 2), *SE = gp_matrix_alloc(2, 2);
    double mean[2], se[2];
    gp_error err;
    double rows[2][3] = {{4, 4, 4}, {1, 2, 3}};
    for (size_t t = 0; t < 3; t++)
        GP_AT(S, 0, t) = rows[0][t], GP_AT(S, 1, t) = rows[1][t];
    assert_int_equal(gp_stats_moments(S, mean, C, se, SE, &err), GP_OK);
    assert_close(mean[0], 4, 0);
    assert_close(GP_AT(C, 0, 0), 0, 0);
    assert_close(GP_AT(C, 0, 1), 0, 0);
    assert_close(se[0], 0, 0);
    assert_close(GP_AT(SE, 0, 0), 0, 0);
    GP_AT(S, 1, 2) = NAN;
    assert_int_equal(gp_stats_moments(S, mean, C, se, SE, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "S(2, 3) is nan"));
    double huge[3] = {1.5e308, 1.5e308, 1.2e308};
    for (size_t t = 0; t < 3; t++)
        GP_AT(S, 0, t) = huge[t], GP_AT(S, 1, t) = rows[1][t];
    assert_int_equal(gp_stats_moments(S, mean, NULL, NULL, NULL, &err), GP_OK);
    assert_close(mean[0], 1.4e308, 1e294);
    assert_int_equal(gp_stats_moments(S, mean, C, NULL, NULL, &err), GP_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "overflows"));
    gp_matrix_free(S);
    gp_matrix_free(C);
    gp_matrix_free(SE);
}

/* The standard error of the covariance, on which every "within 5 SE" check
 * rests. For Gaussian draws with covariance K the sample covariance c_ij of N
 * draws has variance (K_ij^2 + K_ii K_jj) / (N - 1) (a Wishart entry). Over R
 * independent data sets: (1) the spread of c_ij is that variance, and (2) the
 * estimate N se_ij^2 of gp_stats_moments averages to K_ij^2 + K_ii K_jj; each
 * within 5 standard errors of its own mean over the R sets. A formula missing
 * the K_ij^2 term, or not centring the products, fails (2). */
static void test_standard_error_of_covariance(void **state)
{
    (void)state;
    const size_t N = 400, R = 1000;
    const double rho = 0.8, K[2][2] = {{1.0, rho}, {rho, 4.0}};
    gp_rng rng;
    gp_rng_seed(&rng, 77);
    gp_matrix *S = gp_matrix_alloc(2, N), *C = gp_matrix_alloc(2, 2), *SE = gp_matrix_alloc(2, 2);
    double mean[2], sum_c[2][2] = {{0}}, sum_c2[2][2] = {{0}}, sum_v[2][2] = {{0}},
                    sum_v2[2][2] = {{0}};
    /* Cholesky factor of K: x = z1, y = rho z1 + sqrt(4 - rho^2) z2. */
    const double l21 = rho, l22 = sqrt(4.0 - rho * rho);
    for (size_t r = 0; r < R; r++) {
        for (size_t t = 0; t < N; t++) {
            double z1 = gp_rng_normal(&rng), z2 = gp_rng_normal(&rng);
            GP_AT(S, 0, t) = 3.0 + z1; /* a mean, to check the centring */
            GP_AT(S, 1, t) = -1.0 + l21 * z1 + l22 * z2;
        }
        assert_int_equal(gp_stats_moments(S, mean, C, NULL, SE, NULL), GP_OK);
        for (size_t i = 0; i < 2; i++)
            for (size_t j = 0; j < 2; j++) {
                double c = GP_AT(C, i, j), v = (double)N * GP_AT(SE, i, j) * GP_AT(SE, i, j);
                sum_c[i][j] += c, sum_c2[i][j] += c * c;
                sum_v[i][j] += v, sum_v2[i][j] += v * v;
            }
    }
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 2; j++) {
            double want = K[i][j] * K[i][j] + K[i][i] * K[j][j];
            double mc = sum_c[i][j] / (double)R, var_c = sum_c2[i][j] / (double)R - mc * mc;
            /* SE of a sample variance over R Gaussian-ish replicates: var sqrt(2 / R). */
            assert_close(var_c * (double)(N - 1), want, 5 * want * sqrt(2.0 / (double)R));
            double mv = sum_v[i][j] / (double)R;
            double se_mv = sqrt((sum_v2[i][j] / (double)R - mv * mv) / (double)R);
            assert_close(mv, want, 5 * se_mv);
        }
    gp_matrix_free(S);
    gp_matrix_free(C);
    gp_matrix_free(SE);
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
        cmocka_unit_test(test_kurtosis), cmocka_unit_test(test_kurtosis_limits),
        cmocka_unit_test(test_moments_limits), cmocka_unit_test(test_standard_error_of_covariance),
        cmocka_unit_test(test_bad_shapes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
