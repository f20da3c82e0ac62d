/* test_sampler_scale.c: the dense sampler is scale-invariant (gp_sampler.h).
 *
 * Rank decisions, the indefiniteness check and the reported residual are
 * relative to each variance, so covariances whose variances span many orders
 * of magnitude (warps, badly scaled matrices) are factored at their true
 * numerical rank and sampled exactly. The examples are those of the trust
 * issue; each statistical check draws NDRAWS samples with a fixed seed and
 * requires every mean and covariance entry within 5 standard errors
 * estimated from the draws (test_max_z). These tests fail on a sampler whose
 * tolerances are scaled by max diag K (the previous one: rank 14 instead of
 * 33 on the warped RBF, variance 1.7e-11 at x = 0 instead of 1). */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "gp_func.h"
#include "gp_kernel.h"
#include "gp_matrix.h"
#include "gp_rng.h"
#include "gp_sampler.h"
#include "gp_stats.h"

#define NDRAWS 20000

/* Factor a copy of K (a Gram matrix when gram), check the factor reproduces
 * K to 1e-10 relative to the variances and that the draws (mean mu, NULL:
 * 0) have the moments of K within 5 SE; returns the factor's info (L, piv
 * and scale released). */
static gp_factor factor_and_check(const gp_matrix *K, int gram, const double *mu, uint64_t seed)
{
    gp_matrix *W = test_matrix_copy(K);
    gp_factor F;
    gp_error err = {0};
    gp_code rc = gram ? gp_mvn_factor_gram(W, 0.0, &F, &err) : gp_mvn_factor(W, 0.0, &F, &err);
    if (rc)
        fail_msg("factor: %s", err.msg);
    const double rel = test_factor_rel_error(K, &F);
    if (!(rel <= 1e-10))
        fail_msg("factor off by %g relative to the variances (rank %zu)", rel, F.rank);
    assert_true(F.residual <= GP_SAMPLER_RESID_FACTOR * (double)K->rows * DBL_EPSILON);
    gp_matrix *S = gp_matrix_alloc(K->rows, NDRAWS);
    assert_non_null(S);
    gp_rng rng;
    gp_rng_seed(&rng, seed);
    assert_int_equal(gp_mvn_draw(&F, mu, &rng, S, &err), GP_OK);
    const double z = test_max_z(S, mu, K);
    if (!(z <= 5.0))
        fail_msg("draws off by %.3g SE (rank %zu of %zu)", z, F.rank, F.n);
    gp_matrix_free(S);
    gp_factor_free(&F);
    F.L = NULL;
    gp_matrix_free(W);
    return F;
}

/* rbf(l = 3) warped by exp(t) on linspace(0, 30, 61): variances from 1 to
 * e^60. Its correlation matrix is the plain rbf's, of numerical rank ~33. */
static void test_warped_rbf(void **state)
{
    (void)state;
    gp_error err;
    const double l = 3;
    gp_kernel *rbf = gp_kernel_rbf(1, &l, 1, &err);
    gp_kernel *k = test_exp_warp(rbf);
    assert_non_null(k);
    gp_matrix *X = gp_matrix_alloc(61, 1);
    gp_matrix_linspace(X, 0, 30);
    gp_matrix *K = test_gram(k, X, NULL), *R = test_gram(rbf, X, NULL);

    gp_factor Fr = factor_and_check(R, 1, NULL, 3);
    gp_factor F = factor_and_check(K, 1, NULL, 4);
    print_message("warped rbf: rank %zu (rbf alone %zu), relative residual %.3g\n", F.rank,
                  Fr.rank, F.residual);
    assert_true(F.rank >= 28 && F.rank + 1 >= Fr.rank && F.rank <= Fr.rank + 1);

    /* the variance at x = 0 is k(0, 0) = 1 (within 5 SE of its estimate) */
    gp_matrix *W = test_matrix_copy(K), *S = gp_matrix_alloc(61, NDRAWS);
    assert_int_equal(gp_mvn_factor_gram(W, 0.0, &F, &err), GP_OK);
    gp_rng rng;
    gp_rng_seed(&rng, 5);
    assert_int_equal(gp_mvn_draw(&F, NULL, &rng, S, &err), GP_OK);
    double s2 = 0;
    for (size_t t = 0; t < NDRAWS; t++)
        s2 += GP_AT(S, 0, t) * GP_AT(S, 0, t);
    assert_close(s2 / NDRAWS, 1.0, 5 * sqrt(2.0 / NDRAWS));
    gp_factor_free(&F);
    gp_matrix_free(S);
    gp_matrix_free(W);

    gp_matrix_free(K);
    gp_matrix_free(R);
    gp_matrix_free(X);
    gp_kernel_release(k);
    gp_kernel_release(rbf);
}

/* polynomial degree 3 on {0, 0.5, 1, 2, 20, 40, ..., 920}: rank 4 exactly
 * (cubics), variances from 1 to 7e17. */
static void test_polynomial(void **state)
{
    (void)state;
    gp_error err;
    gp_kernel *k = gp_kernel_polynomial(1, 1, 3, &err);
    gp_matrix *X = test_wide_points();
    assert_true(X->data[49] == 920.0);
    gp_matrix *K = test_gram(k, X, NULL);
    double *mu = malloc(50 * sizeof *mu);
    for (size_t i = 0; i < 50; i++)
        mu[i] = 1e3 * sin(X->data[i]);
    gp_factor F = factor_and_check(K, 1, mu, 6);
    assert_int_equal(F.rank, 4);
    free(mu);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_kernel_release(k);
}

/* Two perfectly correlated coordinates of variance 1e20 and an independent
 * one of variance 1: rank 2, the third coordinate N(0, 1). */
static void test_mvn_huge_block(void **state)
{
    (void)state;
    const double v[] = {1e20, 1e20, 0, 1e20, 1e20, 0, 0, 0, 1};
    gp_matrix *K = test_matrix_rows(3, 3, v);
    gp_factor F = factor_and_check(K, 0, NULL, 7);
    assert_int_equal(F.rank, 2);
    assert_int_equal(F.method, GP_FACTOR_PIVOTED_CHOLESKY);
    gp_matrix_free(K);
}

/* Eigenvalue -1 next to a variance of 1e20: refused, K given back. */
static void test_mvn_indefinite_beside_huge(void **state)
{
    (void)state;
    const double v[] = {1e20, 0, 0, 0, 1, 2, 0, 2, 1};
    gp_matrix *K = test_matrix_rows(3, 3, v), *orig = test_matrix_copy(K);
    gp_factor F;
    gp_error err = {0};
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_ERR_NOT_PSD);
    print_message("%s\n", err.msg);
    assert_non_null(strstr(err.msg, "relative residual 3 after rank 2 of 3, at K(3, 3)"));
    assert_memory_equal(K->data, orig->data, 9 * sizeof(double));
    /* with a tiny variance instead of a huge one: the same */
    GP_AT(K, 0, 0) = 1e-20;
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_ERR_NOT_PSD);
    assert_non_null(strstr(err.msg, "relative residual 3 after rank 2 of 3"));
    gp_matrix_free(K);
    gp_matrix_free(orig);
}

/* K = D^1/2 C D^1/2, C an rbf Gram matrix on 40 points (numerically
 * singular, rank ~20), variances D spread over 10^-30 .. 10^30. */
static void test_badly_scaled(void **state)
{
    (void)state;
    gp_error err;
    const double l = 1;
    gp_kernel *rbf = gp_kernel_rbf(1, &l, 1, &err);
    gp_matrix *X = gp_matrix_alloc(40, 1);
    gp_matrix_linspace(X, 0, 5);
    gp_matrix *C = test_gram(rbf, X, NULL), *K = test_matrix_copy(C);
    gp_matrix *e = test_random_points(40, 1, -15, 15, 99); /* sqrt(D) = 10^e */
    for (size_t j = 0; j < 40; j++)
        for (size_t i = 0; i < 40; i++)
            GP_AT(K, i, j) *= pow(10, e->data[i]) * pow(10, e->data[j]);
    gp_factor Fc = factor_and_check(C, 1, NULL, 8);
    gp_factor F = factor_and_check(K, 0, NULL, 9);
    print_message("badly scaled rbf: rank %zu (unscaled %zu)\n", F.rank, Fc.rank);
    assert_true(F.rank + 1 >= Fc.rank && F.rank <= Fc.rank + 1);
    gp_matrix_free(e);
    gp_matrix_free(K);
    gp_matrix_free(C);
    gp_matrix_free(X);
    gp_kernel_release(rbf);
}

/* Scaling by powers of two is exact in floating point, so C is the same to
 * the bit: the same rank, pivots and residual, and draws scaled exactly. */
static void test_power_of_two_invariance(void **state)
{
    (void)state;
    gp_error err;
    const double l = 0.7;
    gp_kernel *rbf = gp_kernel_rbf(1, &l, 1, &err);
    gp_kernel *lin = gp_kernel_linear(1, 1, &err);
    gp_kernel *k = gp_kernel_sum(rbf, lin, &err);
    gp_matrix *X = gp_matrix_alloc(120, 1);
    gp_matrix_linspace(X, -3, 3);
    gp_matrix *K = test_gram(k, X, NULL), *K2 = test_matrix_copy(K);
    int *p = malloc(120 * sizeof *p);
    for (size_t i = 0; i < 120; i++)
        p[i] = (int)((i * 37) % 161) - 80; /* 2^-80 .. 2^80 */
    for (size_t j = 0; j < 120; j++)
        for (size_t i = 0; i < 120; i++)
            GP_AT(K2, i, j) = ldexp(GP_AT(K2, i, j), p[i] + p[j]);
    gp_factor F, F2;
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_OK);
    assert_int_equal(gp_mvn_factor(K2, 0.0, &F2, &err), GP_OK);
    assert_int_equal(F.method, GP_FACTOR_PIVOTED_CHOLESKY);
    assert_int_equal(F2.method, F.method);
    assert_int_equal(F2.rank, F.rank);
    assert_memory_equal(F2.piv, F.piv, 120 * sizeof *F.piv);
    assert_true(F2.residual == F.residual);
    gp_matrix *S = gp_matrix_alloc(120, 3), *S2 = gp_matrix_alloc(120, 3);
    gp_rng r1, r2;
    gp_rng_seed(&r1, 10);
    gp_rng_seed(&r2, 10);
    assert_int_equal(gp_mvn_draw(&F, NULL, &r1, S, &err), GP_OK);
    assert_int_equal(gp_mvn_draw(&F2, NULL, &r2, S2, &err), GP_OK);
    for (size_t t = 0; t < 3; t++)
        for (size_t i = 0; i < 120; i++)
            assert_true(ldexp(GP_AT(S, i, t), p[i]) == GP_AT(S2, i, t));
    gp_factor_free(&F);
    gp_factor_free(&F2);
    gp_matrix_free(S);
    gp_matrix_free(S2);
    free(p);
    gp_matrix_free(K);
    gp_matrix_free(K2);
    gp_matrix_free(X);
    gp_kernel_release(k);
    gp_kernel_release(lin);
    gp_kernel_release(rbf);
}

/* An asymmetry in a unit-variance block is seen beside a variance of 1e20
 * (a tolerance scaled by max diag would allow 1.5e12). */
static void test_symmetry_relative(void **state)
{
    (void)state;
    const double v[] = {1e20, 0, 0, 0, 1, 0.5, 0, 0.6, 1};
    gp_matrix *K = test_matrix_rows(3, 3, v);
    gp_factor F;
    gp_error err = {0};
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "not symmetric: K(3, 2) = 0.5"));
    /* last-bit differences are rounding, accepted at any scale */
    GP_AT(K, 1, 2) = nextafter(0.5, 1);
    GP_AT(K, 2, 1) = 0.5;
    GP_AT(K, 0, 0) = 1e-280;
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_OK);
    gp_factor_free(&F);
    gp_matrix_free(K);
}

/* rbf warped by a(x) = x on [0, 2]: the variance at 0 is exactly 0 with a
 * zero row; that point is drawn as its mean, the others exactly. */
static void test_zero_variance_row(void **state)
{
    (void)state;
    gp_error err;
    const double l = 0.5, c[] = {0, 1};
    gp_kernel *rbf = gp_kernel_rbf(1, &l, 1, &err);
    gp_func *a = gp_func_polynomial(c, 2, &err);
    gp_kernel *k = gp_kernel_warp(rbf, a, &err);
    gp_matrix *X = gp_matrix_alloc(30, 1);
    gp_matrix_linspace(X, 0, 2);
    gp_matrix *K = test_gram(k, X, NULL);
    assert_true(GP_AT(K, 0, 0) == 0.0);
    double mu[30] = {0};
    for (size_t i = 1; i < 30; i++)
        mu[i] = (double)i;
    gp_factor F = factor_and_check(K, 1, mu, 11);
    assert_true(F.rank < 30);
    /* with jitter too: a zero variance gets none, so the pivoted path */
    gp_matrix *W = test_matrix_copy(K), *S = gp_matrix_alloc(30, 4);
    assert_int_equal(gp_mvn_factor_gram(W, 1e-3, &F, &err), GP_OK);
    assert_int_equal(F.method, GP_FACTOR_PIVOTED_CHOLESKY);
    gp_rng rng;
    gp_rng_seed(&rng, 12);
    assert_int_equal(gp_mvn_draw(&F, mu, &rng, S, &err), GP_OK);
    for (size_t t = 0; t < 4; t++)
        assert_true(GP_AT(S, 0, t) == 0.0);
    gp_factor_free(&F);
    gp_matrix_free(S);
    gp_matrix_free(W);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_kernel_release(k);
    gp_kernel_release(rbf);
    gp_func_release(a);
}

/* ---- no subnormal numbers in the factorisation (issue 11.2) ------------------ */

/* Entries with |K_ij| < sqrt(DBL_MIN) sqrt(K_ii K_jj) are set to 0 before the
 * factorisation: the factor has an exact 0 there, at any scale. */
static void test_flush_tiny_entries(void **state)
{
    (void)state;
    const double scales[] = {1, 1e-250, 1e250};
    for (size_t t = 0; t < 3; t++) {
        const double c = scales[t];
        const double v[] = {c, 1e-160 * c, 1e-160 * c, c}; /* correlation 1e-160 */
        gp_matrix *K = test_matrix_rows(2, 2, v);
        gp_factor F;
        gp_error err = {0};
        assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_OK);
        assert_int_equal(F.method, GP_FACTOR_CHOLESKY);
        assert_true(GP_AT(K, 1, 0) == 0.0);
        gp_factor_free(&F);
        gp_matrix_free(K);
    }
    /* just above the threshold: kept */
    const double w[] = {1, 1e-150, 1e-150, 1};
    gp_matrix *K = test_matrix_rows(2, 2, w);
    gp_factor F;
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, NULL), GP_OK);
    assert_true(GP_AT(K, 1, 0) == 1e-150);
    gp_factor_free(&F);
    gp_matrix_free(K);
}

/* OU, Matern 3/2 and exponential on 600 points of [0, 1000]: Gram entries
 * down to 1e-218 and below (subnormal). Without the flush dpotrf's factor has
 * 1.5e4, 5.4e4 and 6.3e4 of its 1.8e5 entries below sqrt(DBL_MIN) (3.5e3 of
 * them subnormal in the last two; every product with them is subnormal, ~100x
 * slower on the FPU); with it, fewer than n and no subnormal one. The draws
 * are still exact: moments within 5 SE on 60 points of [0, 1000], where
 * correlations go down to 1e-218 too and are flushed. */
static void test_wide_domain_no_subnormals(void **state)
{
    (void)state;
    gp_error err;
    const double l = 1;
    gp_kernel *ks[] = {gp_kernel_ou(1, &l, 1, &err), gp_kernel_matern32(1, &l, 1, &err),
                       gp_kernel_exponential(1, &l, 1, &err)};
    const size_t n = 600;
    gp_matrix *X = gp_matrix_alloc(n, 1);
    gp_matrix_linspace(X, 0, 1000);
    for (size_t t = 0; t < 3; t++) {
        gp_matrix *K = test_gram(ks[t], X, NULL);
        gp_factor F;
        assert_int_equal(gp_mvn_factor_gram(K, 0.0, &F, &err), GP_OK);
        assert_int_equal(F.method, GP_FACTOR_CHOLESKY);
        size_t tiny = 0, subnormal = 0;
        for (size_t j = 0; j < n; j++)
            for (size_t i = j; i < n; i++) {
                const double v = fabs(GP_AT(K, i, j));
                tiny += v > 0 && v < GP_SAMPLER_FLUSH_BELOW;
                subnormal += v > 0 && v < DBL_MIN;
            }
        print_message("kernel %zu: %zu entries of L below sqrt(DBL_MIN), %zu subnormal\n", t, tiny,
                      subnormal);
        assert_int_equal(subnormal, 0);
        assert_true(tiny < n);
        gp_factor_free(&F);
        gp_matrix_free(K);
    }
    gp_matrix *Xs = gp_matrix_alloc(60, 1);
    gp_matrix_linspace(Xs, 0, 1000);
    for (size_t t = 0; t < 3; t++) {
        gp_matrix *K = test_gram(ks[t], Xs, NULL);
        factor_and_check(K, 1, NULL, 20 + t);
        gp_matrix_free(K);
        gp_kernel_release(ks[t]);
    }
    gp_matrix_free(Xs);
    gp_matrix_free(X);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_warped_rbf),
        cmocka_unit_test(test_polynomial),
        cmocka_unit_test(test_mvn_huge_block),
        cmocka_unit_test(test_mvn_indefinite_beside_huge),
        cmocka_unit_test(test_badly_scaled),
        cmocka_unit_test(test_power_of_two_invariance),
        cmocka_unit_test(test_symmetry_relative),
        cmocka_unit_test(test_zero_variance_row),
        cmocka_unit_test(test_flush_tiny_entries),
        cmocka_unit_test(test_wide_domain_no_subnormals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
