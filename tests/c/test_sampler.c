/* test_sampler.c: the rank-aware factorisation and draws from N(mu, K).
 *
 * Covariances are built here from their formulas (not with gp_kernel), on
 * grids, and the draws are checked statistically: with N samples every
 * empirical mean is within 5 SE = 5 sqrt(K_ii / N) of mu_i and every empirical
 * covariance entry within 5 SE = 5 sqrt((K_ij^2 + K_ii K_jj) / N) of K_ij (all
 * entries, no subset). Fixed seeds, so the outcome is reproducible. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "gp_matrix.h"
#include "gp_rng.h"
#include "gp_sampler.h"

#define PI 3.14159265358979323846

/* ---- covariance builders ----------------------------------------------------- */

typedef double (*kern_fn)(double x, double y);

static double k_rbf(double x, double y) /* a = 1, l = 1 */
{
    double d = x - y;
    return exp(-0.5 * d * d);
}

static double k_ou(double x, double y) /* exp(-|x - y| / (2 l)), l = 1 */
{
    return exp(-fabs(x - y) / 2.0);
}

static double k_lin(double x, double y) /* 1 + x y: rank 2 */
{
    return 1.0 + x * y;
}

/* NN (arcsin) kernel, CHAPTER.md section 4, Sigma = diag(1, 10), xt = (1, x):
 * (2/pi) asin(2 xt'S yt / sqrt((1 + 2 xt'S xt)(1 + 2 yt'S yt))). */
static double k_nn(double x, double y)
{
    double sxy = 1.0 + 10.0 * x * y, sxx = 1.0 + 10.0 * x * x, syy = 1.0 + 10.0 * y * y;
    return 2.0 / PI * asin(2.0 * sxy / sqrt((1.0 + 2.0 * sxx) * (1.0 + 2.0 * syy)));
}

static double grid(size_t i, size_t n, double a, double b)
{
    return n == 1 ? a : a + (b - a) * (double)i / (double)(n - 1);
}

static gp_matrix *build(kern_fn k, size_t n, double a, double b)
{
    gp_matrix *K = gp_matrix_alloc(n, n);
    assert_non_null(K);
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++)
            GP_AT(K, i, j) = k(grid(i, n, a, b), grid(j, n, a, b));
    return K;
}

static gp_matrix *from_values(size_t n, const double *v) /* v row-major */
{
    gp_matrix *K = gp_matrix_alloc(n, n);
    assert_non_null(K);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            GP_AT(K, i, j) = v[i * n + j];
    return K;
}

/* ---- the statistical check -------------------------------------------------- */

/* Factor a copy of K, draw N samples with mean mu and seed, check every mean
 * and covariance entry within 5 SE. Returns the method used via *F_out. */
static void check_draws(const gp_matrix *K, const double *mu, uint64_t seed, size_t N,
                        gp_factor_method *method, size_t *rank)
{
    size_t n = K->rows;
    gp_matrix *W = test_matrix_copy(K);
    gp_factor F;
    gp_error err = {0};
    assert_int_equal(gp_mvn_factor(W, 0.0, &F, &err), GP_OK);
    *method = F.method;
    *rank = F.rank;
    assert_true(test_factor_rel_error(K, &F) < 1e-10);

    gp_matrix *S = gp_matrix_alloc(n, N);
    assert_non_null(S);
    gp_rng rng;
    gp_rng_seed(&rng, seed);
    assert_int_equal(gp_mvn_draw(&F, mu, &rng, S, &err), GP_OK);

    double *mean = calloc(n, sizeof *mean);
    double *cov = calloc(n * n, sizeof *cov);
    assert_non_null(mean);
    assert_non_null(cov);
    for (size_t s = 0; s < N; s++)
        for (size_t i = 0; i < n; i++)
            mean[i] += GP_AT(S, i, s);
    for (size_t i = 0; i < n; i++)
        mean[i] /= (double)N;
    for (size_t s = 0; s < N; s++) {
        const double *col = &GP_AT(S, 0, s);
        for (size_t j = 0; j < n; j++) {
            double dj = col[j] - mean[j];
            for (size_t i = j; i < n; i++)
                cov[j * n + i] += (col[i] - mean[i]) * dj;
        }
    }
    int bad = 0;
    double dN = (double)N;
    for (size_t i = 0; i < n; i++) {
        double se = sqrt(GP_AT(K, i, i) / dN);
        if (!(fabs(mean[i] - mu[i]) <= 5 * se)) {
            if (bad++ < 5)
                print_message("mean[%zu] = %g, expected %g (5 SE = %g)\n", i, mean[i], mu[i],
                              5 * se);
        }
    }
    for (size_t j = 0; j < n; j++)
        for (size_t i = j; i < n; i++) {
            double c = cov[j * n + i] / (dN - 1), kij = GP_AT(K, i, j);
            double se = sqrt((kij * kij + GP_AT(K, i, i) * GP_AT(K, j, j)) / dN);
            if (!(fabs(c - kij) <= 5 * se)) {
                if (bad++ < 10)
                    print_message("cov(%zu, %zu) = %g, expected %g (5 SE = %g)\n", i, j, c, kij,
                                  5 * se);
            }
        }
    free(mean);
    free(cov);
    gp_matrix_free(S);
    gp_factor_free(&F);
    gp_matrix_free(W);
    if (bad)
        fail_msg("%d of %zu means and covariance entries beyond 5 SE", bad,
                 n + n * (n + 1) / 2);
}

static double *mean_vec(size_t n, double a, double b)
{
    double *mu = malloc(n * sizeof *mu);
    assert_non_null(mu);
    for (size_t i = 0; i < n; i++)
        mu[i] = 2.0 + sin(grid(i, n, a, b)) - 0.3 * grid(i, n, a, b);
    return mu;
}

#define NSAMP 20000

static void test_draws_rbf(void **state)
{
    (void)state;
    size_t n = 30;
    gp_matrix *K = build(k_rbf, n, 0, 5);
    double *mu = mean_vec(n, 0, 5);
    gp_factor_method m;
    size_t r;
    check_draws(K, mu, 11, NSAMP, &m, &r);
    print_message("rbf 30: %s, rank %zu\n", gp_factor_method_name(m), r);
    free(mu);
    gp_matrix_free(K);
}

static void test_draws_ou(void **state)
{
    (void)state;
    size_t n = 40;
    gp_matrix *K = build(k_ou, n, 0, 5);
    double *mu = mean_vec(n, 0, 5);
    gp_factor_method m;
    size_t r;
    check_draws(K, mu, 12, NSAMP, &m, &r);
    assert_int_equal(m, GP_FACTOR_CHOLESKY); /* OU Gram matrices are well conditioned */
    assert_int_equal(r, n);
    free(mu);
    gp_matrix_free(K);
}

static void test_draws_linear_rank2(void **state)
{
    (void)state;
    size_t n = 50;
    gp_matrix *K = build(k_lin, n, -5, 5);
    double *mu = mean_vec(n, -5, 5);
    gp_factor_method m;
    size_t r;
    check_draws(K, mu, 13, NSAMP, &m, &r);
    assert_int_equal(m, GP_FACTOR_PIVOTED_CHOLESKY);
    assert_int_equal(r, 2);
    free(mu);
    gp_matrix_free(K);
}

static void test_draws_nn(void **state)
{
    (void)state;
    size_t n = 40;
    gp_matrix *K = build(k_nn, n, -3, 3);
    double *mu = mean_vec(n, -3, 3);
    gp_factor_method m;
    size_t r;
    check_draws(K, mu, 14, NSAMP, &m, &r);
    print_message("nn 40: %s, rank %zu\n", gp_factor_method_name(m), r);
    free(mu);
    gp_matrix_free(K);
}

/* A well-conditioned PD matrix forced down the pivoted path would be checked
 * by the linear kernel; here a rank-deficient sum (linear + a rank-1 bump)
 * with zero mean (mu = NULL) exercises the pivoted path with rank 3. */
static double k_lin_bump(double x, double y)
{
    return 1.0 + x * y + 4.0 * sin(x) * sin(y);
}

static void test_draws_rank3_null_mu(void **state)
{
    (void)state;
    size_t n = 25;
    gp_matrix *K = build(k_lin_bump, n, -2, 2);
    gp_matrix *W = test_matrix_copy(K);
    gp_factor F;
    gp_error err = {0};
    assert_int_equal(gp_mvn_factor(W, 0.0, &F, &err), GP_OK);
    assert_int_equal(F.method, GP_FACTOR_PIVOTED_CHOLESKY);
    assert_int_equal(F.rank, 3);
    gp_factor_free(&F);
    gp_matrix_free(W);
    double *zero = calloc(n, sizeof *zero);
    assert_non_null(zero);
    gp_factor_method m;
    size_t r;
    check_draws(K, zero, 15, NSAMP, &m, &r);
    /* mu = NULL gives the same draws as mu = 0 */
    gp_matrix *A = gp_matrix_alloc(n, 3), *B = gp_matrix_alloc(n, 3);
    assert_non_null(A);
    assert_non_null(B);
    W = test_matrix_copy(K);
    assert_int_equal(gp_mvn_factor(W, 0.0, &F, &err), GP_OK);
    gp_rng rng;
    gp_rng_seed(&rng, 3);
    assert_int_equal(gp_mvn_draw(&F, NULL, &rng, A, &err), GP_OK);
    gp_rng_seed(&rng, 3);
    assert_int_equal(gp_mvn_draw(&F, zero, &rng, B, &err), GP_OK);
    assert_memory_equal(A->data, B->data, n * 3 * sizeof(double));
    gp_factor_free(&F);
    gp_matrix_free(W);
    gp_matrix_free(A);
    gp_matrix_free(B);
    free(zero);
    gp_matrix_free(K);
}

/* ---- reproducibility ---------------------------------------------------------- */

static void draw_with(const gp_matrix *K, uint64_t seed, size_t ns, gp_matrix **out,
                      gp_factor_method *m)
{
    size_t n = K->rows;
    gp_matrix *W = test_matrix_copy(K);
    gp_factor F;
    gp_error err = {0};
    assert_int_equal(gp_mvn_factor(W, 0.0, &F, &err), GP_OK);
    *m = F.method;
    double *mu = mean_vec(n, 0, 1);
    *out = gp_matrix_alloc(n, ns);
    assert_non_null(*out);
    gp_rng rng;
    gp_rng_seed(&rng, seed);
    assert_int_equal(gp_mvn_draw(&F, mu, &rng, *out, &err), GP_OK);
    free(mu);
    gp_factor_free(&F);
    gp_matrix_free(W);
}

static void check_reproducible(const gp_matrix *K, gp_factor_method expect)
{
    size_t n = K->rows;
    gp_matrix *a, *b, *c, *one;
    gp_factor_method m;
    draw_with(K, 42, 5, &a, &m);
    assert_int_equal(m, expect);
    draw_with(K, 42, 5, &b, &m);
    draw_with(K, 43, 5, &c, &m);
    draw_with(K, 42, 1, &one, &m);
    assert_memory_equal(a->data, b->data, n * 5 * sizeof(double));
    size_t same = 0;
    for (size_t i = 0; i < n * 5; i++)
        same += a->data[i] == c->data[i];
    assert_int_equal(same, 0);
    /* column by column: the first column of a 5-sample draw is the 1-sample
     * draw. Same normals, but BLAS may round L z differently for 1 and 5
     * right-hand sides (OpenBLAS dtrmm does: the last bit differs), so equal
     * to rounding, not bit for bit. */
    for (size_t i = 0; i < n; i++)
        assert_close(a->data[i], one->data[i], 1e-13 * (1 + fabs(one->data[i])));
    /* and the columns differ from each other */
    assert_true(memcmp(a->data, a->data + n, n * sizeof(double)) != 0);
    gp_matrix_free(a);
    gp_matrix_free(b);
    gp_matrix_free(c);
    gp_matrix_free(one);
}

/* The columns of a 5-sample draw are 5 successive 1-sample draws from one
 * generator (column-by-column layout; to rounding, see above). */
static void check_columns_are_successive(const gp_matrix *K)
{
    size_t n = K->rows;
    gp_matrix *W = test_matrix_copy(K);
    gp_factor F;
    gp_error err = {0};
    assert_int_equal(gp_mvn_factor(W, 0.0, &F, &err), GP_OK);
    gp_matrix *five = gp_matrix_alloc(n, 5), *one = gp_matrix_alloc(n, 1);
    assert_non_null(five);
    assert_non_null(one);
    gp_rng r5, r1;
    gp_rng_seed(&r5, 77);
    gp_rng_seed(&r1, 77);
    assert_int_equal(gp_mvn_draw(&F, NULL, &r5, five, &err), GP_OK);
    for (size_t j = 0; j < 5; j++) {
        assert_int_equal(gp_mvn_draw(&F, NULL, &r1, one, &err), GP_OK);
        for (size_t i = 0; i < n; i++)
            assert_close(GP_AT(five, i, j), one->data[i], 1e-13 * (1 + fabs(one->data[i])));
    }
    /* and the generators are at the same point afterwards */
    assert_true(gp_rng_normal(&r5) == gp_rng_normal(&r1));
    gp_matrix_free(five);
    gp_matrix_free(one);
    gp_factor_free(&F);
    gp_matrix_free(W);
}

static void test_reproducible_cholesky(void **state)
{
    (void)state;
    gp_matrix *K = build(k_ou, 17, 0, 5);
    check_reproducible(K, GP_FACTOR_CHOLESKY);
    check_columns_are_successive(K);
    gp_matrix_free(K);
}

static void test_reproducible_pivoted(void **state)
{
    (void)state;
    gp_matrix *K = build(k_lin, 17, -5, 5);
    check_reproducible(K, GP_FACTOR_PIVOTED_CHOLESKY);
    check_columns_are_successive(K);
    gp_matrix_free(K);
}

/* ---- indefinite, near-singular, jitter ---------------------------------------- */

static void expect_not_psd(const double *v, size_t n, double jitter_rel, const char *also)
{
    gp_matrix *K = from_values(n, v), *orig = test_matrix_copy(K);
    gp_factor F;
    gp_error err = {0};
    assert_int_equal(gp_mvn_factor(K, jitter_rel, &F, &err), GP_ERR_NOT_PSD);
    assert_int_equal(err.code, GP_ERR_NOT_PSD);
    print_message("%s\n", err.msg);
    assert_non_null(strstr(err.msg, "not positive semi-definite"));
    if (also)
        assert_non_null(strstr(err.msg, also));
    /* K is given back unchanged */
    assert_memory_equal(K->data, orig->data, n * n * sizeof(double));
    gp_factor_free(&F);
    gp_matrix_free(K);
    gp_matrix_free(orig);
}

static void test_indefinite_2x2(void **state)
{
    (void)state;
    const double v[] = {1, 2, 2, 1}; /* eigenvalues 3, -1 */
    expect_not_psd(v, 2, 0.0, "rank 1 of 2, at K(2, 2)");
    expect_not_psd(v, 2, 1e-3, "relative jitter 0.001");
    /* the jitter is only for the plain Cholesky: the pivoted attempt and the
     * residual are on K itself (with the jitter kept it would be 1.17) */
    expect_not_psd(v, 2, 0.5, "residual 3 after rank 1 of 2");
}

static void test_indefinite_3x3(void **state)
{
    (void)state;
    /* a "correlation" matrix with det = 1 - 3 (0.81) - 2 (0.729) < 0:
     * eigenvalues 1.9, 1.9, -0.8 */
    const double v[] = {1, 0.9, 0.9, 0.9, 1, -0.9, 0.9, -0.9, 1};
    expect_not_psd(v, 3, 0.0, "relative residual");
    /* negative diagonal */
    const double w[] = {2, 0, 0, 0, -1, 0, 0, 0, 3};
    expect_not_psd(w, 3, 0.0, "K(2, 2) = -1 is negative");
    /* zero diagonal, non-zero off-diagonal */
    const double z[] = {0, 1, 1, 0};
    expect_not_psd(z, 2, 0.0, "K(1, 1) = 0 but K(2, 1) = 1 (a zero variance needs a zero row)");
    const double z3[] = {4, 0, 1e-300, 0, 1, 0, 1e-300, 0, 0};
    expect_not_psd(z3, 3, 0.5, "K(3, 3) = 0 but K(3, 1) = 1e-300");
}

static void test_indefinite_large(void **state)
{
    (void)state;
    /* RBF Gram matrix on 600 points with one variance lowered to 0.5: the
     * 2 x 2 block with a neighbour has a negative determinant. The residual
     * check spans several blocks. */
    size_t n = 600;
    gp_matrix *K = build(k_rbf, n, 0, 5), *orig;
    GP_AT(K, 477, 477) = 0.5;
    orig = test_matrix_copy(K);
    gp_factor F;
    gp_error err = {0};
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_ERR_NOT_PSD);
    print_message("%s\n", err.msg);
    assert_memory_equal(K->data, orig->data, n * n * sizeof(double));
    gp_factor_free(&F);
    gp_matrix_free(K);
    gp_matrix_free(orig);
}

static void near_singular_rbf(size_t n)
{
    gp_matrix *K = build(k_rbf, n, 0, 5), *orig = test_matrix_copy(K);
    gp_factor F;
    gp_error err = {0};
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_OK);
    assert_int_equal(F.method, GP_FACTOR_PIVOTED_CHOLESKY);
    assert_true(F.rank < n);
    assert_true(F.rank > 5);
    assert_int_equal(F.n, n);
    assert_true(F.jitter == 0.0);
    assert_true(F.residual <= 100.0 * (double)n * DBL_EPSILON);
    print_message("rbf %zu: rank %zu, residual %.3g (threshold %.3g)\n", n, F.rank, F.residual,
                  100.0 * (double)n * DBL_EPSILON);
    assert_true(test_factor_rel_error(orig, &F) < 1e-12);
    /* the factor is exactly L[:, :r]: nothing outside it */
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++)
            if ((j < F.rank && i < j) || (j >= F.rank && i >= j))
                assert_true(GP_AT(K, i, j) == 0.0);
    /* pivots are a 0-based permutation */
    char *seen = calloc(n, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < n; i++) {
        assert_true(F.piv[i] >= 0 && (size_t)F.piv[i] < n);
        assert_false(seen[F.piv[i]]);
        seen[F.piv[i]] = 1;
    }
    free(seen);
    /* draws have the right marginal variance at a few points */
    gp_matrix *S = gp_matrix_alloc(n, 4000);
    assert_non_null(S);
    gp_rng rng;
    gp_rng_seed(&rng, 8);
    assert_int_equal(gp_mvn_draw(&F, NULL, &rng, S, &err), GP_OK);
    for (size_t i = 0; i < n; i += n / 7) {
        double s2 = 0;
        for (size_t s = 0; s < 4000; s++)
            s2 += GP_AT(S, i, s) * GP_AT(S, i, s);
        assert_close(s2 / 4000, 1.0, 5 * sqrt(2.0 / 4000));
    }
    gp_matrix_free(S);
    gp_factor_free(&F);
    gp_matrix_free(K);
    gp_matrix_free(orig);
}

static void test_near_singular_rbf_200(void **state)
{
    (void)state;
    near_singular_rbf(200);
}

static void test_near_singular_rbf_700(void **state)
{
    (void)state;
    near_singular_rbf(700); /* the residual check spans several blocks */
}

/* B B^T for the factor of K (n x n), entry (i, j). */
static double factor_product(const gp_factor *F, size_t i, size_t j)
{
    gp_matrix *B = test_factor_rows(F);
    double s = 0;
    for (size_t k = 0; k < F->rank; k++)
        s += GP_AT(B, i, k) * GP_AT(B, j, k);
    gp_matrix_free(B);
    return s;
}

/* The jitter is relative to each variance: K + jitter diag(K), so a variance
 * of 1e20 does not swamp one of 1e-20. */
static void test_jitter_reported(void **state)
{
    (void)state;
    const double v[] = {4e20, 1e10, 0.5, 1e10, 3, 0.2e-10, 0.5, 0.2e-10, 2e-20};
    gp_matrix *K = from_values(3, v);
    gp_factor F;
    gp_error err = {0};
    assert_int_equal(gp_mvn_factor(K, 1e-6, &F, &err), GP_OK);
    assert_int_equal(F.method, GP_FACTOR_CHOLESKY);
    assert_int_equal(F.rank, 3);
    assert_true(F.jitter == 1e-6);
    assert_string_equal(gp_factor_method_name(F.method), "cholesky");
    for (size_t j = 0; j < 3; j++)
        for (size_t i = 0; i < 3; i++) {
            const double want = v[i * 3 + j] * (i == j ? 1 + 1e-6 : 1.0);
            assert_close(factor_product(&F, i, j), want, 1e-14 * sqrt(v[i * 4] * v[j * 4]));
        }
    gp_factor_free(&F);
    gp_matrix_free(K);

    /* without jitter: none reported, K itself */
    K = from_values(3, v);
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_OK);
    assert_true(F.jitter == 0.0);
    for (size_t i = 0; i < 3; i++)
        assert_close(factor_product(&F, i, i), v[i * 4], 1e-15 * v[i * 4]);
    gp_factor_free(&F);
    gp_matrix_free(K);

    /* a rank-deficient K that jitter makes definite takes the jittered path */
    K = build(k_lin, 10, -1, 1);
    assert_int_equal(gp_mvn_factor(K, 1e-3, &F, &err), GP_OK);
    assert_int_equal(F.method, GP_FACTOR_CHOLESKY);
    assert_true(F.jitter == 1e-3);
    gp_factor_free(&F);
    gp_matrix_free(K);

    /* any finite jitter: K (1 + 1e308) on the diagonal is not representable,
     * its factor is */
    K = from_values(3, v);
    assert_int_equal(gp_mvn_factor(K, 1e308, &F, &err), GP_OK);
    assert_true(isfinite(factor_product(&F, 2, 2) / 1e200));
    gp_factor_free(&F);
    gp_matrix_free(K);
}

/* ---- argument checks ------------------------------------------------------------ */

static void test_bad_arguments(void **state)
{
    (void)state;
    gp_factor F;
    gp_error err = {0};
    gp_matrix *K = gp_matrix_alloc(3, 2);
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "square"));
    gp_factor_free(&F);
    gp_matrix_free(K);

    K = gp_matrix_alloc(0, 0);
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "empty"));
    gp_factor_free(&F);
    gp_matrix_free(K);

    const double v[] = {2, 1, 1, 2};
    K = from_values(2, v);
    GP_AT(K, 1, 0) = NAN;
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "non-finite"));
    GP_AT(K, 1, 0) = INFINITY;
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_ERR_ARG);
    GP_AT(K, 1, 0) = 1.5; /* not symmetric */
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "symmetric"));
    GP_AT(K, 1, 0) = 1;
    assert_int_equal(gp_mvn_factor(K, -1e-6, &F, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "jitter"));
    assert_int_equal(gp_mvn_factor(K, NAN, &F, &err), GP_ERR_ARG);
    assert_int_equal(gp_mvn_factor(K, INFINITY, &F, &err), GP_ERR_ARG);
    assert_int_equal(gp_mvn_factor(NULL, 0.0, &F, &err), GP_ERR_ARG);
    assert_int_equal(gp_mvn_factor(K, 0.0, NULL, &err), GP_ERR_ARG);
    /* K unchanged by all of those */
    assert_true(GP_AT(K, 0, 0) == 2 && GP_AT(K, 1, 0) == 1 && GP_AT(K, 0, 1) == 1 &&
                GP_AT(K, 1, 1) == 2);

    /* draws: wrong output shape, NaN in mu, missing arguments */
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, NULL), GP_OK);
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    gp_matrix *out = gp_matrix_alloc(3, 4);
    assert_int_equal(gp_mvn_draw(&F, NULL, &rng, out, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "rows"));
    gp_matrix_free(out);
    out = gp_matrix_alloc(2, 4);
    double mu[2] = {0, NAN};
    assert_int_equal(gp_mvn_draw(&F, mu, &rng, out, &err), GP_ERR_ARG);
    assert_int_equal(gp_mvn_draw(&F, NULL, NULL, out, &err), GP_ERR_ARG);
    assert_int_equal(gp_mvn_draw(&F, NULL, &rng, NULL, &err), GP_ERR_ARG);
    assert_int_equal(gp_mvn_draw(NULL, NULL, &rng, out, &err), GP_ERR_ARG);
    gp_matrix_free(out);
    gp_factor_free(&F);
    gp_factor_free(&F); /* twice is fine */
    gp_factor_free(NULL);
    gp_matrix_free(K);
}

static void test_small_sizes(void **state)
{
    (void)state;
    gp_factor F;
    gp_error err = {0};
    gp_rng rng;
    double mu = 3.0;

    /* 1 x 1 positive: Cholesky, L = 2 */
    gp_matrix *K = gp_matrix_alloc(1, 1);
    K->data[0] = 4.0;
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_OK);
    assert_int_equal(F.method, GP_FACTOR_CHOLESKY);
    assert_int_equal(F.rank, 1);
    assert_true(K->data[0] == 2.0);
    gp_matrix *out = gp_matrix_alloc(1, 3);
    gp_rng_seed(&rng, 4);
    assert_int_equal(gp_mvn_draw(&F, &mu, &rng, out, &err), GP_OK);
    gp_rng ref;
    gp_rng_seed(&ref, 4);
    for (int j = 0; j < 3; j++)
        assert_close(out->data[j], 3.0 + 2.0 * gp_rng_normal(&ref), 1e-15);
    /* zero samples: nothing drawn, fine */
    gp_matrix *none = gp_matrix_alloc(1, 0);
    gp_rng before = rng;
    assert_int_equal(gp_mvn_draw(&F, &mu, &rng, none, &err), GP_OK);
    assert_memory_equal(before.s, rng.s, sizeof rng.s);
    gp_matrix_free(none);
    gp_factor_free(&F);

    /* 1 x 1 zero: PSD, rank 0; draws are the mean */
    K->data[0] = 0.0;
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_OK);
    assert_int_equal(F.method, GP_FACTOR_PIVOTED_CHOLESKY);
    assert_int_equal(F.rank, 0);
    assert_string_equal(gp_factor_method_name(F.method), "pivoted-cholesky");
    assert_int_equal(gp_mvn_draw(&F, &mu, &rng, out, &err), GP_OK);
    for (int j = 0; j < 3; j++)
        assert_true(out->data[j] == 3.0);
    gp_factor_free(&F);

    /* 1 x 1 negative: not PSD */
    K->data[0] = -1.0;
    assert_int_equal(gp_mvn_factor(K, 0.0, &F, &err), GP_ERR_NOT_PSD);
    assert_true(K->data[0] == -1.0);
    gp_factor_free(&F);
    gp_matrix_free(out);
    gp_matrix_free(K);

    /* 4 x 4 zero matrix: rank 0, draws = mean */
    K = gp_matrix_alloc(4, 4);
    assert_int_equal(gp_mvn_factor(K, 0.5, &F, &err), GP_OK);
    assert_int_equal(F.rank, 0);
    assert_true(F.jitter == 0.0);
    out = gp_matrix_alloc(4, 2);
    double m4[4] = {1, 2, 3, 4};
    assert_int_equal(gp_mvn_draw(&F, m4, &rng, out, &err), GP_OK);
    for (int j = 0; j < 2; j++)
        for (int i = 0; i < 4; i++)
            assert_true(GP_AT(out, i, j) == m4[i]);
    gp_factor_free(&F);
    gp_matrix_free(out);
    gp_matrix_free(K);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_draws_rbf),
        cmocka_unit_test(test_draws_ou),
        cmocka_unit_test(test_draws_linear_rank2),
        cmocka_unit_test(test_draws_nn),
        cmocka_unit_test(test_draws_rank3_null_mu),
        cmocka_unit_test(test_reproducible_cholesky),
        cmocka_unit_test(test_reproducible_pivoted),
        cmocka_unit_test(test_indefinite_2x2),
        cmocka_unit_test(test_indefinite_3x3),
        cmocka_unit_test(test_indefinite_large),
        cmocka_unit_test(test_near_singular_rbf_200),
        cmocka_unit_test(test_near_singular_rbf_700),
        cmocka_unit_test(test_jitter_reported),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_small_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
