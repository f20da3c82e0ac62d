/* test_grid.c: exact grid draws by circulant embedding (gp_grid.h).
 *
 * Statistical checks: N draws on the grid x_i = a + i h; the empirical mean
 * and covariance (gp_stats_moments, standard errors estimated from the draws)
 * agree with m(x_i) and k(x_i, x_j) within 5 SE, for every entry at n = 16 and
 * for a few entries (near, far, both ends) at n = 4000. Fixed seeds. Each
 * check has been seen to FAIL on a deliberately broken sampler (wrong FFT
 * scaling, wrong first row, real part only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "gp_grid.h"
#include "gp_kernel.h"
#include "gp_stats.h"

#define NDRAWS 20000

/* Largest |z| over the mean and covariance entries of the rows idx[0..r-1] of
 * the grid draws in S (n x N), against mean m (NULL: 0) and kernel k. */
static double max_z(const gp_matrix *S, const size_t *idx, size_t r, double a, double h,
                    const gp_kernel *k, const gp_func *m)
{
    const size_t N = S->cols;
    gp_matrix *sub = gp_matrix_alloc(r, N), *X = gp_matrix_alloc(r, 1);
    assert_true(sub && X);
    for (size_t i = 0; i < r; i++) {
        X->data[i] = a + (double)idx[i] * h;
        for (size_t t = 0; t < N; t++)
            GP_AT(sub, i, t) = GP_AT(S, idx[i], t);
    }
    double worst = test_max_z_kernel(sub, X, k, m);
    gp_matrix_free(X);
    gp_matrix_free(sub);
    return worst;
}

/* NDRAWS draws of GP(m, k) at n = 16 points on [a, a + 15 h]; every entry
 * within 5 SE; returns the info. */
static gp_grid_info check_all(const gp_kernel *k, const gp_func *m, double a, double h,
                              const gp_grid_options *opt, uint64_t seed)
{
    enum { n = 16 };
    size_t idx[n];
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    gp_matrix *S = gp_matrix_alloc(n, NDRAWS);
    assert_non_null(S);
    gp_rng rng;
    gp_rng_seed(&rng, seed);
    gp_grid_info info;
    gp_error err;
    gp_code rc = gp_grid_sample(k, m, a, h, opt, &rng, S, &info, &err);
    if (rc)
        fail_msg("%s", err.msg);
    double z = max_z(S, idx, n, a, h, k, m);
    gp_matrix_free(S);
    if (!(z <= 5.0))
        fail_msg("max |z| = %.2f > 5 (method %s, m = %zu)", z, gp_grid_method_name(info.method),
                 info.m);
    return info;
}

static gp_kernel *make(gp_kernel *(*ctor)(double, const double *, size_t, gp_error *), double amp,
                       double l)
{
    gp_error err;
    gp_kernel *k = ctor(amp, &l, 1, &err);
    assert_non_null(k);
    return k;
}

static void test_ou_all_entries(void **state)
{
    (void)state;
    gp_kernel *k = make(gp_kernel_ou, 1.0, 0.5); /* exp(-r / 1) */
    gp_grid_info info = check_all(k, NULL, -1.0, 0.1, NULL, 1);
    assert_int_equal(info.method, GP_GRID_CIRCULANT);
    assert_int_equal(info.m, 30); /* 2 (n - 1) is an FFT size: 2 3 5 */
    assert_int_equal(info.paddings, 0);
    assert_true(info.clipped == 0.0);
    gp_kernel_release(k);
}

static void test_matern32_with_mean(void **state)
{
    (void)state;
    gp_error err;
    const double coef[] = {1.0, -2.0, 0.5};
    gp_func *m = gp_func_polynomial(coef, 3, &err);
    gp_kernel *k = make(gp_kernel_matern32, 1.5, 0.4);
    gp_grid_info info = check_all(k, m, 0.0, 0.05, NULL, 2);
    assert_int_equal(info.method, GP_GRID_CIRCULANT);
    gp_kernel_release(k);
    gp_func_release(m);
}

static void test_rbf_moderate(void **state)
{
    (void)state;
    gp_kernel *k = make(gp_kernel_rbf, 1.0, 0.3);
    gp_grid_info info = check_all(k, NULL, 2.0, 0.1, NULL, 3);
    assert_int_equal(info.method, GP_GRID_CIRCULANT);
    assert_true(info.clipped < 1e-12);
    gp_kernel_release(k);
}

/* A sum of stationary kernels, a stretched one and a white term. */
static void test_stationary_combinations(void **state)
{
    (void)state;
    gp_error err;
    gp_kernel *a = make(gp_kernel_matern52, 1.0, 0.5), *b = make(gp_kernel_exponential, 0.7, 2.0);
    gp_kernel *w = gp_kernel_white(0.3, &err);
    const double s = 3.0;
    gp_kernel *bs = gp_kernel_stretch(b, &s, 1, &err);
    gp_kernel *ab = gp_kernel_sum(a, bs, &err);
    gp_kernel *k = gp_kernel_sum(ab, w, &err);
    assert_true(gp_kernel_is_stationary(k));
    gp_grid_info info = check_all(k, NULL, 0.0, 0.1, NULL, 4);
    assert_int_equal(info.method, GP_GRID_CIRCULANT);
    gp_kernel_release(k);
    gp_kernel_release(ab);
    gp_kernel_release(bs);
    gp_kernel_release(w);
    gp_kernel_release(b);
    gp_kernel_release(a);
}

/* n = 4000: a few entries (neighbours, far apart, both ends), in batches. */
static void test_large_grid_entries(void **state)
{
    (void)state;
    const size_t n = 4000, batch = 250, N = 4000;
    const size_t idx[] = {0, 1, 2, 40, 2000, 2001, 3998, 3999};
    const size_t r = sizeof idx / sizeof idx[0];
    const double a = 0.0, h = 0.01;
    gp_kernel *k = make(gp_kernel_matern32, 1.0, 0.2);
    gp_matrix *S = gp_matrix_alloc(n, batch), *keep = gp_matrix_alloc(n, N);
    assert_true(S && keep);
    gp_rng rng;
    gp_rng_seed(&rng, 5);
    gp_grid_info info;
    gp_error err;
    for (size_t b = 0; b < N / batch; b++) {
        assert_int_equal(gp_grid_sample(k, NULL, a, h, NULL, &rng, S, &info, &err), GP_OK);
        for (size_t t = 0; t < batch; t++)
            for (size_t i = 0; i < r; i++)
                GP_AT(keep, idx[i], b * batch + t) = GP_AT(S, idx[i], t);
    }
    assert_int_equal(info.method, GP_GRID_CIRCULANT);
    assert_int_equal(info.m, 8000); /* the FFT size next to 2 (n - 1) = 7998 */
    double z = max_z(keep, idx, r, a, h, k, NULL);
    if (!(z <= 5.0))
        fail_msg("max |z| = %.2f > 5", z);
    gp_matrix_free(keep);
    gp_matrix_free(S);
    gp_kernel_release(k);
}

/* An RBF much longer than the minimal embedding: needs padding. */
static void test_padding(void **state)
{
    (void)state;
    gp_kernel *k = make(gp_kernel_rbf, 1.0, 1.0);
    gp_grid_info info = check_all(k, NULL, 0.0, 1.0 / 15.0, NULL, 6);
    assert_int_equal(info.method, GP_GRID_CIRCULANT);
    assert_true(info.paddings > 0);
    assert_true(info.m > 30);
    assert_int_equal(info.mx, info.m);
    assert_int_equal(info.my, 1);
    assert_true(info.clipped < 1e-12);
    gp_kernel_release(k);
}

/* The same RBF without padding allowed: the embedding stays indefinite; the
 * dense sampler is used and says why; or an error when no fallback is allowed. */
static void test_fallback_and_errors(void **state)
{
    (void)state;
    gp_kernel *k = make(gp_kernel_rbf, 1.0, 1.0);
    gp_grid_options opt;
    gp_grid_options_default(&opt);
    opt.max_paddings = 0;
    gp_grid_info info = check_all(k, NULL, 0.0, 1.0 / 15.0, &opt, 7);
    assert_int_equal(info.method, GP_GRID_DENSE);
    assert_int_equal(info.m, 30);
    assert_true(info.lambda_min < 0);
    assert_non_null(strstr(info.reason, "indefinite up to m = 30"));
    assert_int_equal(info.dense.n, 16);

    gp_matrix *S = gp_matrix_alloc(16, 2);
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    gp_error err;
    opt.method = GP_GRID_CIRCULANT;
    assert_int_equal(gp_grid_sample(k, NULL, 0.0, 1.0 / 15.0, &opt, &rng, S, &info, &err),
                     GP_ERR_NOT_PSD);
    assert_non_null(strstr(err.msg, "circulant embedding of rbf(amplitude=1, lengthscale=1) "
                                    "stays indefinite up to m = 30"));
    opt.method = GP_GRID_AUTO;
    opt.dense_limit = 10;
    assert_int_equal(gp_grid_sample(k, NULL, 0.0, 1.0 / 15.0, &opt, &rng, S, &info, &err),
                     GP_ERR_NOT_PSD);
    assert_non_null(strstr(err.msg, "the dense fallback would need an n x n matrix of"));
    assert_non_null(strstr(err.msg, "coarser grid or a shorter length-scale"));
    gp_matrix_free(S);
    gp_kernel_release(k);
}

/* A periodic kernel embeds exactly when the embedding's length m h is a
 * multiple of its period (here m = 45: 45 / 15 = 3 = 10 periods of 0.3),
 * which the growth through FFT sizes finds; with a period that never fits
 * (0.3 sqrt 2) the embedding stays indefinite and the general sampler runs. */
static void test_periodic(void **state)
{
    (void)state;
    gp_error err;
    gp_kernel *k = gp_kernel_periodic(1.0, 1.0, 0.3, &err);
    gp_grid_info info = check_all(k, NULL, 0.0, 1.0 / 15.0, NULL, 8);
    assert_int_equal(info.method, GP_GRID_CIRCULANT);
    assert_int_equal(info.m % 9, 0);
    gp_kernel_release(k);
    k = gp_kernel_periodic(1.0, 1.0, 0.3 * sqrt(2.0), &err);
    info = check_all(k, NULL, 0.0, 1.0 / 15.0, NULL, 9);
    assert_int_equal(info.method, GP_GRID_DENSE);
    assert_true(info.paddings > 0);
    assert_true(info.reason[0] != '\0');
    gp_kernel_release(k);
}

static void test_dense_requested(void **state)
{
    (void)state;
    gp_kernel *k = make(gp_kernel_ou, 1.0, 1.0);
    gp_grid_options opt;
    gp_grid_options_default(&opt);
    opt.method = GP_GRID_DENSE;
    gp_grid_info info = check_all(k, NULL, 0.0, 0.2, &opt, 9);
    assert_int_equal(info.method, GP_GRID_DENSE);
    assert_string_equal(info.reason, "dense sampler requested");
    assert_int_equal(info.dense.rank, 16);
    gp_kernel_release(k);
}

/* The check has power: OU(l) draws are not exponential(l) draws. */
static void test_check_rejects_wrong_kernel(void **state)
{
    (void)state;
    enum { n = 16 };
    size_t idx[n];
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    gp_kernel *ou = make(gp_kernel_ou, 1.0, 1.0), *ex = make(gp_kernel_exponential, 1.0, 1.0);
    gp_matrix *S = gp_matrix_alloc(n, NDRAWS);
    gp_rng rng;
    gp_rng_seed(&rng, 10);
    gp_error err;
    assert_int_equal(gp_grid_sample(ou, NULL, 0.0, 0.2, NULL, &rng, S, NULL, &err), GP_OK);
    assert_true(max_z(S, idx, n, 0.0, 0.2, ou, NULL) <= 5.0);
    assert_true(max_z(S, idx, n, 0.0, 0.2, ex, NULL) > 5.0);
    gp_matrix_free(S);
    gp_kernel_release(ex);
    gp_kernel_release(ou);
}

/* Draws 2t and 2t + 1 come from the real and imaginary parts of one FFT:
 * they must be independent. The stacked vector (f_2t, f_2t+1) has covariance
 * blockdiag(K, K); every entry of it within 5 SE. */
static void test_pair_independent(void **state)
{
    (void)state;
    enum { n = 8, N = 20000 };
    const double h = 0.15;
    gp_kernel *k = make(gp_kernel_matern52, 1.0, 0.5);
    gp_matrix *S = gp_matrix_alloc(n, N), *T = gp_matrix_alloc(2 * n, N / 2);
    gp_matrix *X = gp_matrix_alloc(n, 1), *K = gp_matrix_alloc(n, n);
    gp_matrix *C = gp_matrix_alloc(2 * n, 2 * n), *SE = gp_matrix_alloc(2 * n, 2 * n);
    double mean[2 * n], se[2 * n];
    gp_rng rng;
    gp_rng_seed(&rng, 12);
    gp_error err;
    assert_int_equal(gp_grid_sample(k, NULL, 0.0, h, NULL, &rng, S, NULL, &err), GP_OK);
    for (size_t t = 0; t < N / 2; t++)
        for (size_t i = 0; i < n; i++) {
            GP_AT(T, i, t) = GP_AT(S, i, 2 * t);
            GP_AT(T, n + i, t) = GP_AT(S, i, 2 * t + 1);
        }
    for (size_t i = 0; i < n; i++)
        X->data[i] = (double)i * h;
    assert_int_equal(gp_kernel_gram(k, X, NULL, K, &err), GP_OK);
    assert_int_equal(gp_stats_moments(T, mean, C, se, SE, &err), GP_OK);
    for (size_t j = 0; j < 2 * n; j++)
        for (size_t i = 0; i < 2 * n; i++) {
            double want = (i < n) == (j < n) ? GP_AT(K, i % n, j % n) : 0.0;
            double z = fabs(GP_AT(C, i, j) - want) / GP_AT(SE, i, j);
            if (!(z <= 5.0))
                fail_msg("entry (%zu, %zu): %g vs %g, z = %.2f", i, j, GP_AT(C, i, j), want, z);
        }
    gp_matrix_free(SE);
    gp_matrix_free(C);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_matrix_free(T);
    gp_matrix_free(S);
    gp_kernel_release(k);
}

static void test_not_stationary(void **state)
{
    (void)state;
    gp_error err;
    const double coef[] = {0.0, 1.0};
    gp_func *x = gp_func_polynomial(coef, 2, &err);
    gp_kernel *rbf = make(gp_kernel_rbf, 1.0, 1.0);
    gp_kernel *ks[] = {gp_kernel_linear(1.0, 0.0, &err), gp_kernel_brownian(1.0, &err),
                       gp_kernel_warp(rbf, x, &err)};
    const char *names[] = {"linear(variance=1, offset=0)", "brownian", "warp(rbf"};
    gp_matrix *S = gp_matrix_alloc(8, 2);
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    for (size_t i = 0; i < 3; i++) {
        assert_false(gp_kernel_is_stationary(ks[i]));
        assert_int_equal(gp_grid_sample(ks[i], NULL, 0.0, 0.1, NULL, &rng, S, NULL, &err),
                         GP_ERR_ARG);
        assert_non_null(strstr(err.msg, names[i]));
        assert_non_null(strstr(err.msg, "not stationary"));
        assert_non_null(strstr(err.msg, "f:sample"));
        gp_kernel_release(ks[i]);
    }
    gp_matrix_free(S);
    gp_kernel_release(rbf);
    gp_func_release(x);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    gp_error err;
    gp_kernel *k = make(gp_kernel_rbf, 1.0, 1.0);
    gp_matrix *S = gp_matrix_alloc(8, 2);
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    assert_int_equal(gp_grid_sample(k, NULL, 0.0, 0.0, NULL, &rng, S, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "h > 0"));
    assert_int_equal(gp_grid_sample(k, NULL, 0.0, NAN, NULL, &rng, S, NULL, &err), GP_ERR_ARG);
    assert_int_equal(gp_grid_sample(k, NULL, INFINITY, 1.0, NULL, &rng, S, NULL, &err),
                     GP_ERR_ARG);
    assert_int_equal(gp_grid_sample(k, NULL, 0.0, 1e308, NULL, &rng, S, NULL, &err), GP_ERR_ARG);
    gp_matrix empty = {8, 0, S->data};
    assert_int_equal(gp_grid_sample(k, NULL, 0.0, 0.1, NULL, &rng, &empty, NULL, &err),
                     GP_ERR_DIM);
    assert_int_equal(gp_grid_sample(NULL, NULL, 0.0, 0.1, NULL, &rng, S, NULL, &err), GP_ERR_ARG);
    /* a kernel that cannot take 1-D input: the evaluation error comes through */
    const size_t dim2 = 1;
    gp_kernel *sel = gp_kernel_select(k, &dim2, 1, &err);
    assert_int_equal(gp_grid_sample(sel, NULL, 0.0, 0.1, NULL, &rng, S, NULL, &err), GP_ERR_DIM);
    gp_kernel_release(sel);
    gp_matrix_free(S);
    gp_kernel_release(k);
}

static void test_same_seed_same_bits(void **state)
{
    (void)state;
    gp_kernel *k = make(gp_kernel_matern32, 1.0, 1.0);
    gp_matrix *A = gp_matrix_alloc(100, 3), *B = gp_matrix_alloc(100, 3);
    gp_rng r1, r2;
    gp_error err;
    gp_rng_seed(&r1, 42);
    gp_rng_seed(&r2, 42);
    assert_int_equal(gp_grid_sample(k, NULL, 0.0, 0.1, NULL, &r1, A, NULL, &err), GP_OK);
    assert_int_equal(gp_grid_sample(k, NULL, 0.0, 0.1, NULL, &r2, B, NULL, &err), GP_OK);
    assert_memory_equal(A->data, B->data, 300 * sizeof(double));
    gp_rng_seed(&r2, 43);
    assert_int_equal(gp_grid_sample(k, NULL, 0.0, 0.1, NULL, &r2, B, NULL, &err), GP_OK);
    assert_true(A->data[0] != B->data[0]);
    /* odd count: the third column is a fresh pair's real part, not a copy */
    assert_true(A->data[200] != A->data[0] && A->data[200] != A->data[100]);
    gp_matrix_free(B);
    gp_matrix_free(A);
    gp_kernel_release(k);
}

/* n = 1 (one point: variance) and n = 2, odd sample counts. */
static void test_tiny_grids(void **state)
{
    (void)state;
    gp_kernel *k = make(gp_kernel_rbf, 2.0, 1.0);
    gp_matrix *S = gp_matrix_alloc(1, NDRAWS + 1);
    gp_rng rng;
    gp_rng_seed(&rng, 11);
    gp_grid_info info;
    gp_error err;
    assert_int_equal(gp_grid_sample(k, NULL, 3.0, 0.0, NULL, &rng, S, &info, &err), GP_OK);
    assert_int_equal(info.m, 2);
    double mean, var, se, sev;
    gp_matrix C = {1, 1, &var}, SE = {1, 1, &sev};
    assert_int_equal(gp_stats_moments(S, &mean, &C, &se, &SE, &err), GP_OK);
    assert_close(mean, 0.0, 5 * se);
    assert_close(var, 4.0, 5 * sev);
    gp_matrix_free(S);
    gp_kernel_release(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ou_all_entries),
        cmocka_unit_test(test_matern32_with_mean),
        cmocka_unit_test(test_rbf_moderate),
        cmocka_unit_test(test_stationary_combinations),
        cmocka_unit_test(test_large_grid_entries),
        cmocka_unit_test(test_padding),
        cmocka_unit_test(test_fallback_and_errors),
        cmocka_unit_test(test_periodic),
        cmocka_unit_test(test_dense_requested),
        cmocka_unit_test(test_check_rejects_wrong_kernel),
        cmocka_unit_test(test_pair_independent),
        cmocka_unit_test(test_not_stationary),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_same_seed_same_bits),
        cmocka_unit_test(test_tiny_grids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
