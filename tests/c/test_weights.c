/* test_weights.c: weight-space models f(x) = w^T phi(x), w ~ N(u, S), and the
 * random erf network.
 *
 * Implied means and kernels are checked against formulas written out here
 * (1 + x x' for the line, phi(x)^T S phi(x') by explicit loops, the bumps
 * limit sqrt(pi) l sigma^2 exp(-(x - x')^2 / (4 l^2)), the arcsin kernel).
 * Draws are checked statistically with fixed seeds: every empirical mean and
 * covariance entry within 5 standard errors. For Gaussian draws (weight
 * space) SE(cov_ij) = sqrt((K_ij^2 + K_ii K_jj) / N); the erf network's f(x)
 * is not Gaussian at small J (heavier tails make that formula too small by up
 * to ~sqrt(3)), so there the SE is the empirical standard deviation of the
 * centred products divided by sqrt(N). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include <cblas.h>

#include "gp_weights.h"

#define PI 3.14159265358979323846

static gp_matrix *column(const double *v, size_t n)
{
    gp_matrix *m = gp_matrix_alloc(n, 1);
    assert_non_null(m);
    memcpy(m->data, v, n * sizeof *v);
    return m;
}

static gp_matrix *square(const double *rows, size_t n) /* from row-major values */
{
    gp_matrix *m = gp_matrix_alloc(n, n);
    assert_non_null(m);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            GP_AT(m, i, j) = rows[i * n + j];
    return m;
}

static void assert_msg(const gp_error *err, const char *part)
{
    if (!strstr(err->msg, part))
        fail_msg("error message \"%s\" lacks \"%s\"", err->msg, part);
}

/* The description of m contains part. */
static void expect_describe_has(const gp_weights *m, const char *part)
{
    char buf[512];
    gp_weights_describe(m, buf, sizeof buf);
    if (!strstr(buf, part))
        fail_msg("description \"%s\" lacks \"%s\"", buf, part);
}

/* Every empirical mean and covariance of the rows of F (n x N, draws in
 * columns) within 5 SE of mu and K (see the file comment for the SE). */
static void check_moments(const gp_matrix *F, const double *mu, const gp_matrix *K, int gaussian)
{
    size_t n = F->rows, N = F->cols;
    double *m = calloc(n, sizeof *m);
    assert_non_null(m);
    for (size_t s = 0; s < N; s++)
        for (size_t i = 0; i < n; i++)
            m[i] += GP_AT(F, i, s) / (double)N;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j <= i; j++) {
            double c = 0, c2 = 0;
            for (size_t s = 0; s < N; s++) {
                double p = (GP_AT(F, i, s) - m[i]) * (GP_AT(F, j, s) - m[j]);
                c += p;
                c2 += p * p;
            }
            c /= (double)N;
            double kij = GP_AT(K, i, j);
            double se = gaussian ? sqrt((kij * kij + GP_AT(K, i, i) * GP_AT(K, j, j)) / (double)N)
                                 : sqrt((c2 / (double)N - c * c) / (double)N);
            if (!(fabs(c - kij) <= 5 * se))
                fail_msg("cov(%zu, %zu) = %.6g, expected %.6g (5 SE = %.3g)", i + 1, j + 1, c,
                         kij, 5 * se);
            if (i == j) {
                double sem = gaussian ? sqrt(kij / (double)N) : sqrt(c / (double)N);
                if (!(fabs(m[i] - mu[i]) <= 5 * sem))
                    fail_msg("mean(%zu) = %.6g, expected %.6g (5 SE = %.3g)", i + 1, m[i], mu[i],
                             5 * sem);
            }
        }
    free(m);
}

/* ---- implied mean and kernel ---------------------------------------------- */

static void test_line_kernel(void **state)
{
    (void)state;
    gp_error err;
    gp_basis *b = gp_basis_polynomial(1, &err); /* (1, x) */
    const double x[] = {-5.0, -1.0, 0.0, 2.5}, y[] = {3.0, -0.5};
    gp_matrix *X = column(x, 4), *Y = column(y, 2);
    gp_matrix *K = gp_matrix_alloc(4, 4), *KY = gp_matrix_alloc(4, 2);
    const double alpha = 1.7;
    const double I2[] = {1, 0, 0, 1}, A2[] = {alpha * alpha, 0, 0, alpha * alpha};
    gp_matrix *S1 = square(I2, 2), *Sa = square(A2, 2);
    struct {
        gp_weights *m;
        double scale;
    } cases[] = {{gp_weights_new(b, NULL, NULL, 1.0, &err), 1.0},           /* S = I */
                 {gp_weights_new(b, NULL, S1, 0.0, &err), 1.0},             /* dense I */
                 {gp_weights_new(b, NULL, NULL, alpha * alpha, &err), alpha * alpha},
                 {gp_weights_new(b, NULL, Sa, 0.0, &err), alpha * alpha}};
    for (size_t c = 0; c < 4; c++) {
        gp_weights *m = cases[c].m;
        assert_non_null(m);
        double v[4];
        assert_int_equal(gp_weights_cov(m, X, NULL, K, &err), GP_OK);
        assert_int_equal(gp_weights_cov(m, X, Y, KY, &err), GP_OK);
        assert_int_equal(gp_weights_var(m, X, v, &err), GP_OK);
        for (size_t i = 0; i < 4; i++) {
            for (size_t j = 0; j < 4; j++) {
                assert_close(GP_AT(K, i, j), cases[c].scale * (1 + x[i] * x[j]), 1e-13);
                assert_true(GP_AT(K, i, j) == GP_AT(K, j, i)); /* exactly symmetric */
            }
            for (size_t j = 0; j < 2; j++)
                assert_close(GP_AT(KY, i, j), cases[c].scale * (1 + x[i] * y[j]), 1e-13);
            assert_close(v[i], cases[c].scale * (1 + x[i] * x[i]), 1e-13);
        }
        gp_weights_release(m);
    }
    /* mean u = (2, -1): m(x) = 2 - x */
    const double u[] = {2.0, -1.0};
    gp_weights *m = gp_weights_new(b, u, NULL, 1.0, &err);
    double mu[4];
    assert_int_equal(gp_weights_mean(m, X, mu, &err), GP_OK);
    for (size_t i = 0; i < 4; i++)
        assert_close(mu[i], 2 - x[i], 1e-15);
    gp_weights_release(m);
    gp_matrix_free(Sa);
    gp_matrix_free(S1);
    gp_matrix_free(KY);
    gp_matrix_free(K);
    gp_matrix_free(Y);
    gp_matrix_free(X);
    gp_basis_release(b);
}

/* phi(x)^T S phi(y) by loops, for a cubic basis and a non-diagonal S. */
static const double S4[] = {2.0, 0.5, -0.3, 0.1, /* symmetric, positive definite */
                            0.5, 1.0, 0.2, 0.0,  /**/
                            -0.3, 0.2, 0.8, 0.25, /**/
                            0.1, 0.0, 0.25, 0.5};
static const double U4[] = {0.5, -1.0, 0.3, 0.2};

static double cubic_kernel(double x, double y)
{
    double px[4] = {1, x, x * x, x * x * x}, py[4] = {1, y, y * y, y * y * y}, k = 0;
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 4; j++)
            k += px[i] * S4[i * 4 + j] * py[j];
    return k;
}

static void test_general_kernel(void **state)
{
    (void)state;
    gp_error err;
    gp_basis *b = gp_basis_polynomial(3, &err);
    gp_matrix *S = square(S4, 4);
    gp_weights *m = gp_weights_new(b, U4, S, 0.0, &err);
    assert_non_null(m);
    expect_describe_has(m, "cov=4 x 4 matrix of rank 4)");
    const double x[] = {-1.5, -0.3, 0.4, 1.2, 2.0};
    gp_matrix *X = column(x, 5), *K = gp_matrix_alloc(5, 5);
    double mu[5];
    assert_int_equal(gp_weights_cov(m, X, NULL, K, &err), GP_OK);
    assert_int_equal(gp_weights_mean(m, X, mu, &err), GP_OK);
    for (size_t i = 0; i < 5; i++) {
        double xi = x[i];
        assert_close(mu[i], U4[0] + U4[1] * xi + U4[2] * xi * xi + U4[3] * xi * xi * xi, 1e-13);
        for (size_t j = 0; j < 5; j++)
            assert_close(GP_AT(K, i, j), cubic_kernel(x[i], x[j]), 1e-12);
    }
    gp_weights_release(m);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_matrix_free(S);
    gp_basis_release(b);
}

/* ---- the bumps model and its limit ------------------------------------------ */

/* k(x, y) of the bumps limit for these parameters. */
static double bumps_limit_at(double x, double y, double l, double sigma)
{
    gp_error err;
    gp_kernel *k = gp_bumps_limit(l, sigma, &err);
    assert_non_null(k);
    gp_matrix *X = column(&x, 1), *Y = column(&y, 1);
    gp_matrix *K = test_gram(k, X, Y);
    double v = K->data[0];
    gp_matrix_free(K);
    gp_matrix_free(Y);
    gp_matrix_free(X);
    gp_kernel_release(k);
    return v;
}

static void test_bumps_limit_formula(void **state)
{
    (void)state;
    /* sqrt(pi) l sigma^2 exp(-(x - x')^2 / (4 l^2)) with l = 0.7, sigma = 1.3,
     * x - x' = 0.5; sqrt(pi) * 0.7 * 1.69 = 2.096812905621225 */
    assert_close(bumps_limit_at(0.3, -0.2, 0.7, 1.3), 2.096812905621225 * exp(-0.25 / 1.96),
                 1e-13);
    assert_close(bumps_limit_at(1.0, 1.0, 1.0, 1.0), sqrt(PI), 1e-15);
    gp_error err;
    assert_null(gp_bumps_limit(0, 1, &err));
    assert_msg(&err, "bumps_limit: lengthscale must be finite and > 0, got 0");
    assert_null(gp_bumps_limit(1, NAN, &err));
    assert_msg(&err, "bumps_limit: sigma must be finite and >= 0, got nan");
}

/* Max |k_J - k_limit| over a grid on [-1, 1]^2. */
static double bumps_error(size_t J, double l, double sigma)
{
    gp_error err;
    gp_weights *m = gp_weights_bumps((long long)J, l, sigma, &err);
    gp_kernel *limit = gp_bumps_limit(l, sigma, &err);
    assert_non_null(m);
    assert_non_null(limit);
    const size_t n = 21;
    gp_matrix *X = gp_matrix_alloc(n, 1), *K = gp_matrix_alloc(n, n);
    gp_matrix_linspace(X, -1, 1);
    assert_int_equal(gp_weights_cov(m, X, NULL, K, &err), GP_OK);
    gp_matrix *Klim = test_gram(limit, X, NULL);
    double worst = 0;
    for (size_t i = 0; i < n * n; i++)
        worst = fmax(worst, fabs(K->data[i] - Klim->data[i]));
    gp_matrix_free(Klim);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_kernel_release(limit);
    gp_weights_release(m);
    return worst;
}

static void test_bumps_converge_to_limit(void **state)
{
    (void)state;
    const double l = 0.8, sigma = 1.3;
    double e10 = bumps_error(10, l, sigma), e100 = bumps_error(100, l, sigma),
           e1000 = bumps_error(1000, l, sigma);
    double kmax = bumps_limit_at(0, 0, l, sigma);
    assert_true(e100 < e10 / 10);
    assert_true(e1000 < e100);
    assert_true(e1000 < 1e-9 * kmax); /* centres cover [-6.9, 6.9], dc = 0.014 */
    assert_true(e10 > 1e-3 * kmax);   /* J = 10 is visibly not the limit */
    /* the model is w ~ N(0, sigma^2 dc I), stored as a multiple of I */
    gp_error err;
    gp_weights *m = gp_weights_bumps(10, l, sigma, &err);
    char want[64];
    snprintf(want, sizeof want, "cov=%g I)", sigma * sigma * 2 * log(10.0) / 10.0);
    expect_describe_has(m, want);
    gp_weights_release(m);
}

/* ---- sampling weights ------------------------------------------------------------ */

static void test_weight_sampling_moments(void **state)
{
    (void)state;
    gp_error err;
    gp_basis *b = gp_basis_polynomial(3, &err);
    gp_matrix *S = square(S4, 4);
    gp_weights *m = gp_weights_new(b, U4, S, 0.0, &err);
    const double x[] = {-1.5, -0.3, 0.4, 1.2};
    const size_t n = 4, N = 40000;
    gp_matrix *X = column(x, n), *F = gp_matrix_alloc(n, N), *W = gp_matrix_alloc(4, N);
    gp_matrix *K = gp_matrix_alloc(n, n);
    double mu[4];
    gp_rng rng;
    gp_rng_seed(&rng, 2024);
    assert_int_equal(gp_weights_sample(m, X, &rng, F, W, &err), GP_OK);
    assert_int_equal(gp_weights_cov(m, X, NULL, K, &err), GP_OK);
    assert_int_equal(gp_weights_mean(m, X, mu, &err), GP_OK);
    check_moments(F, mu, K, 1);
    check_moments(W, U4, S, 1); /* the weights themselves: N(u, S) */
    /* F = Phi W exactly (up to rounding) */
    for (size_t s = 0; s < 3; s++)
        for (size_t i = 0; i < n; i++) {
            double f = 0;
            for (size_t k = 0; k < 4; k++)
                f += pow(x[i], (double)k) * GP_AT(W, k, s);
            assert_close(GP_AT(F, i, s), f, 1e-12);
        }
    gp_matrix_free(K);
    gp_matrix_free(W);
    gp_matrix_free(F);
    gp_matrix_free(X);
    gp_weights_release(m);
    gp_matrix_free(S);
    gp_basis_release(b);
}

/* A rank-2 S in 3-D (pivoted path) and the isotropic path, W omitted. */
static void test_weight_sampling_rank_deficient(void **state)
{
    (void)state;
    gp_error err;
    gp_basis *b = gp_basis_polynomial(2, &err);
    const double rows[] = {1, 1, 0, 1, 1, 0, 0, 0, 2}; /* rank 2 */
    const double u[] = {0, 1, -1};
    gp_matrix *S = square(rows, 3);
    gp_weights *m = gp_weights_new(b, u, S, 0.0, &err);
    assert_non_null(m);
    expect_describe_has(m, "cov=3 x 3 matrix of rank 2)");
    const double x[] = {-1.0, 0.5, 2.0};
    const size_t N = 30000;
    gp_matrix *X = column(x, 3), *F = gp_matrix_alloc(3, N), *K = gp_matrix_alloc(3, 3);
    double mu[3];
    gp_rng rng;
    gp_rng_seed(&rng, 5);
    assert_int_equal(gp_weights_sample(m, X, &rng, F, NULL, &err), GP_OK);
    gp_weights_cov(m, X, NULL, K, &err);
    gp_weights_mean(m, X, mu, &err);
    check_moments(F, mu, K, 1);
    gp_weights_release(m);
    m = gp_weights_new(b, u, NULL, 0.3, &err);
    assert_int_equal(gp_weights_sample(m, X, &rng, F, NULL, &err), GP_OK);
    gp_weights_cov(m, X, NULL, K, &err);
    gp_weights_mean(m, X, mu, &err);
    check_moments(F, mu, K, 1);
    gp_weights_release(m);
    gp_matrix_free(K);
    gp_matrix_free(F);
    gp_matrix_free(X);
    gp_matrix_free(S);
    gp_basis_release(b);
}

static void test_reproducible_and_describe(void **state)
{
    (void)state;
    gp_error err;
    gp_weights *m = gp_weights_bumps(50, 1.0, 1.0, &err);
    gp_matrix *X = gp_matrix_alloc(7, 1), *A = gp_matrix_alloc(7, 3), *B = gp_matrix_alloc(7, 3);
    gp_matrix_linspace(X, 0, 5);
    gp_rng r1, r2;
    gp_rng_seed(&r1, 9);
    gp_rng_seed(&r2, 9);
    gp_weights_sample(m, X, &r1, A, NULL, &err);
    gp_weights_sample(m, X, &r2, B, NULL, &err);
    assert_memory_equal(A->data, B->data, 21 * sizeof(double));
    char buf[512];
    size_t need = gp_weights_describe(m, NULL, 0);
    assert_int_equal(gp_weights_describe(m, buf, sizeof buf), need);
    assert_non_null(strstr(buf, "weights(basis=bumps(J=50"));
    assert_non_null(strstr(buf, "mean=0, cov=0.156481 I)"));
    gp_weights_release(m);
    gp_weights_release(NULL);
    gp_matrix_free(B);
    gp_matrix_free(A);
    gp_matrix_free(X);
}

/* ---- the erf network ---------------------------------------------------------------- */

/* offset + variance (2/pi) asin(2 xt'S yt / sqrt((1 + 2 xt'S xt)(1 + 2 yt'S yt))), 1-D. */
static double arcsin_kernel(const double *S, double v, double c, double x, double y)
{
    double sxy = S[0] + S[1] * (x + y) + S[3] * x * y;
    double sxx = S[0] + 2 * S[1] * x + S[3] * x * x, syy = S[0] + 2 * S[1] * y + S[3] * y * y;
    return c + v * 2.0 / PI * asin(2 * sxy / sqrt((1 + 2 * sxx) * (1 + 2 * syy)));
}

static const double SIG[] = {1.0, 0.3, 0.3, 4.0};

static void erf_moments(size_t J, size_t N, uint64_t seed)
{
    gp_error err;
    const double v = 2.0, c = 0.5;
    gp_matrix *Sigma = square(SIG, 2);
    gp_erfnet *net = gp_erfnet_new(J, Sigma, v, c, &err);
    assert_non_null(net);
    const double x[] = {-1.0, 0.2, 1.5};
    gp_matrix *X = column(x, 3), *F = gp_matrix_alloc(3, N), *K = gp_matrix_alloc(3, 3);
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 3; j++)
            GP_AT(K, i, j) = arcsin_kernel(SIG, v, c, x[i], x[j]);
    gp_rng rng;
    gp_rng_seed(&rng, seed);
    assert_int_equal(gp_erfnet_sample(net, X, &rng, F, &err), GP_OK);
    const double zero[3] = {0, 0, 0};
    check_moments(F, zero, K, 0);
    /* the kernel the network hands out is the same formula */
    gp_kernel *k = gp_erfnet_kernel(net, &err);
    assert_non_null(k);
    gp_matrix *G = gp_matrix_alloc(3, 3);
    assert_int_equal(gp_kernel_gram(k, X, NULL, G, &err), GP_OK);
    for (size_t i = 0; i < 9; i++)
        assert_close(G->data[i], K->data[i], 1e-13);
    gp_matrix_free(G);
    gp_kernel_release(k);
    gp_matrix_free(K);
    gp_matrix_free(F);
    gp_matrix_free(X);
    gp_erfnet_release(net);
    gp_matrix_free(Sigma);
}

static void test_erf_network_J1(void **state)
{
    (void)state;
    erf_moments(1, 100000, 11);
}

static void test_erf_network_J100(void **state)
{
    (void)state;
    erf_moments(100, 20000, 12);
}

/* Each network draws from its own substream of the seed: the same bits with
 * 1 or 4 threads (above the threading threshold), and network s of a
 * 40-network draw is the same as network s of a 50-network draw; the
 * caller's generator moves on by one output whatever the count. */
static void test_erf_network_threads(void **state)
{
    (void)state;
    gp_error err;
    const int saved = openblas_get_num_threads();
    gp_matrix *Sigma = square(SIG, 2);
    gp_erfnet *net = gp_erfnet_new(1000, Sigma, 1.0, 0.3, &err);
    assert_non_null(net);
    const double x[] = {-2.0, 0.1, 0.7, 3.0};
    gp_matrix *X = column(x, 4), *F1 = gp_matrix_alloc(4, 50), *F4 = gp_matrix_alloc(4, 50);
    gp_matrix *F40 = gp_matrix_alloc(4, 40);
    gp_rng r1, r4, r40;
    gp_rng_seed(&r1, 5);
    gp_rng_seed(&r4, 5);
    gp_rng_seed(&r40, 5);
    openblas_set_num_threads(1);
    assert_int_equal(gp_erfnet_sample(net, X, &r1, F1, &err), GP_OK);
    openblas_set_num_threads(4);
    assert_int_equal(gp_erfnet_sample(net, X, &r4, F4, &err), GP_OK);
    assert_int_equal(gp_erfnet_sample(net, X, &r40, F40, &err), GP_OK);
    openblas_set_num_threads(saved);
    assert_memory_equal(F1->data, F4->data, 4 * 50 * sizeof(double));
    assert_memory_equal(F1->data, F40->data, 4 * 40 * sizeof(double));
    const uint64_t n1 = gp_rng_next(&r1), n4 = gp_rng_next(&r4), n40 = gp_rng_next(&r40);
    assert_true(n1 == n4 && n4 == n40);
    gp_matrix_free(F40);
    gp_matrix_free(F4);
    gp_matrix_free(F1);
    gp_matrix_free(X);
    gp_erfnet_release(net);
    gp_matrix_free(Sigma);
}

/* Sigma = 0: every pre-activation is 0, so f = b ~ N(0, offset) at every x. */
static void test_erf_network_zero_sigma(void **state)
{
    (void)state;
    gp_error err;
    const double zero[] = {0, 0, 0, 0};
    gp_matrix *Sigma = square(zero, 2);
    gp_erfnet *net = gp_erfnet_new(7, Sigma, 1.0, 4.0, &err);
    assert_non_null(net);
    const double x[] = {-1.0, 2.0};
    gp_matrix *X = column(x, 2), *F = gp_matrix_alloc(2, 20000);
    gp_rng rng;
    gp_rng_seed(&rng, 9);
    assert_int_equal(gp_erfnet_sample(net, X, &rng, F, &err), GP_OK);
    double m2 = 0;
    for (size_t s = 0; s < 20000; s++) {
        assert_true(GP_AT(F, 0, s) == GP_AT(F, 1, s));
        m2 += GP_AT(F, 0, s) * GP_AT(F, 0, s) / 20000.0;
    }
    assert_close(m2, 4.0, 5 * 4.0 * sqrt(2.0 / 20000)); /* var of s^2: 2 sigma^4 */
    gp_matrix_free(F);
    gp_matrix_free(X);
    gp_erfnet_release(net);
    gp_matrix_free(Sigma);
}

/* Excess kurtosis of f(x): a sum of J i.i.d. terms, so it falls like 1/J. */
static double erf_kurtosis(size_t J, size_t N)
{
    gp_error err;
    const double id[] = {1, 0, 0, 1};
    gp_matrix *Sigma = square(id, 2), *X = gp_matrix_alloc(1, 1), *F = gp_matrix_alloc(1, N);
    X->data[0] = 0.5;
    gp_erfnet *net = gp_erfnet_new(J, Sigma, 1.0, 0.0, &err);
    gp_rng rng;
    gp_rng_seed(&rng, 100 + J);
    assert_int_equal(gp_erfnet_sample(net, X, &rng, F, &err), GP_OK);
    double m2 = 0, m4 = 0;
    for (size_t s = 0; s < N; s++) {
        double f2 = F->data[s] * F->data[s];
        m2 += f2 / (double)N;
        m4 += f2 * f2 / (double)N;
    }
    gp_erfnet_release(net);
    gp_matrix_free(F);
    gp_matrix_free(X);
    gp_matrix_free(Sigma);
    return m4 / (m2 * m2) - 3.0;
}

static void test_erf_network_gaussianity(void **state)
{
    (void)state;
    double k1 = erf_kurtosis(1, 100000), k10 = erf_kurtosis(10, 50000),
           k100 = erf_kurtosis(100, 10000);
    if (!(k1 > 1.0 && k10 > 0.3 * k1 / 10 && k10 < 3 * k1 / 10 && fabs(k100) < 0.25))
        fail_msg("excess kurtosis J=1: %g, J=10: %g, J=100: %g", k1, k10, k100);
}

/* ---- bad inputs --------------------------------------------------------------------- */

static void test_bad_weights(void **state)
{
    (void)state;
    gp_error err;
    gp_basis *b = gp_basis_polynomial(1, &err);
    const double indef[] = {1, 2, 2, 1}, asym[] = {1, 0.5, 0.2, 1}, nan[] = {1, NAN, NAN, 1};
    gp_matrix *A = square(indef, 2), *B = square(asym, 2), *C = square(nan, 2);
    gp_matrix *D = gp_matrix_alloc(3, 3);
    assert_null(gp_weights_new(b, NULL, A, 0, &err));
    assert_int_equal(err.code, GP_ERR_NOT_PSD);
    assert_msg(&err, "weights: cov: covariance is not positive semi-definite");
    assert_null(strstr(err.msg, "kernel"));
    assert_null(gp_weights_new(b, NULL, B, 0, &err));
    assert_msg(&err, "weights: cov must be symmetric, got cov[2][1] = 0.2");
    assert_null(gp_weights_new(b, NULL, C, 0, &err));
    assert_msg(&err, "cov[2][1] must be finite, got nan");
    /* symmetry is judged against the two variances, not the largest entry:
     * a 1e20 variance elsewhere does not excuse cov[3][2] = -cov[2][3] */
    gp_basis *b2 = gp_basis_polynomial(2, &err);
    const double scaled[] = {1e20, 0, 0, 0, 1, -0.5, 0, 0.5, 1};
    gp_matrix *E = square(scaled, 3);
    assert_null(gp_weights_new(b2, NULL, E, 0, &err));
    assert_msg(&err, "weights: cov must be symmetric, got cov[3][2] = 0.5 but cov[2][3] = -0.5");
    gp_matrix_free(E);
    gp_basis_release(b2);
    assert_null(gp_weights_new(b, NULL, D, 0, &err));
    assert_msg(&err, "cov must be 2 x 2, got 3 x 3");
    assert_null(gp_weights_new(b, NULL, NULL, -1, &err));
    assert_msg(&err, "must be finite and >= 0, got -1");
    const double ubad[] = {0, NAN};
    assert_null(gp_weights_new(b, ubad, NULL, 1, &err));
    assert_msg(&err, "weights: mean[2] must be finite, got nan");
    assert_null(gp_weights_new(NULL, NULL, NULL, 1, &err));
    assert_null(gp_weights_bumps(0, 1, 1, &err));
    assert_msg(&err, "bumps_model: J must be >= 2, got 0");
    assert_null(gp_weights_bumps(-3, 1, 1, &err));
    assert_msg(&err, "bumps_model: J must be >= 2, got -3");
    assert_null(gp_weights_bumps(10, 1, NAN, &err));
    assert_msg(&err, "sigma");
    /* dimension mismatches when evaluating */
    gp_weights *m = gp_weights_new(b, NULL, NULL, 1, &err);
    gp_matrix *X2 = gp_matrix_alloc(3, 2), *X = gp_matrix_alloc(3, 1), *K = gp_matrix_alloc(3, 3);
    gp_matrix *F = gp_matrix_alloc(3, 4), *W = gp_matrix_alloc(3, 4), *Kbad = gp_matrix_alloc(3, 2);
    double mu[3];
    assert_int_equal(gp_weights_mean(m, X2, mu, &err), GP_ERR_DIM);
    assert_msg(&err, "input has dimension 2 (columns) but the basis takes 1");
    assert_int_equal(gp_weights_cov(m, X, X2, K, &err), GP_ERR_DIM);
    assert_int_equal(gp_weights_cov(m, X, NULL, Kbad, &err), GP_ERR_DIM);
    assert_msg(&err, "covariance must be 3 x 3, got 3 x 2");
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    assert_int_equal(gp_weights_sample(m, X, &rng, F, W, &err), GP_ERR_DIM);
    assert_msg(&err, "weight matrix must be 2 x 4, got 3 x 4");
    X->data[0] = NAN;
    assert_int_equal(gp_weights_sample(m, X, &rng, F, NULL, &err), GP_ERR_ARG);
    assert_msg(&err, "non-finite");
    gp_weights_release(m);
    gp_matrix_free(Kbad);
    gp_matrix_free(W);
    gp_matrix_free(F);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_matrix_free(X2);
    gp_matrix_free(D);
    gp_matrix_free(C);
    gp_matrix_free(B);
    gp_matrix_free(A);
    gp_basis_release(b);
}

static void test_bad_erf_network(void **state)
{
    (void)state;
    gp_error err;
    const double id[] = {1, 0, 0, 1}, indef[] = {1, 3, 3, 1};
    gp_matrix *S = square(id, 2), *Sn = square(indef, 2), *S1 = gp_matrix_alloc(1, 1);
    assert_null(gp_erfnet_new(0, S, 1, 0, &err));
    assert_msg(&err, "erf_network: J must be >= 1, got 0");
    assert_null(gp_erfnet_new(5, S, -1, 0, &err));
    assert_msg(&err, "variance must be finite and >= 0, got -1");
    assert_null(gp_erfnet_new(5, S, 1, NAN, &err));
    assert_msg(&err, "offset");
    assert_null(gp_erfnet_new(5, S1, 1, 0, &err));
    assert_msg(&err, "Sigma must be (d+1) x (d+1)");
    assert_null(gp_erfnet_new(5, Sn, 1, 0, &err));
    assert_int_equal(err.code, GP_ERR_NOT_PSD);
    assert_msg(&err, "erf_network: Sigma: covariance is not positive semi-definite");
    gp_erfnet *net = gp_erfnet_new(5, S, 1, 0, &err);
    assert_int_equal(gp_erfnet_dim(net), 1);
    gp_matrix *X2 = gp_matrix_alloc(3, 2), *F = gp_matrix_alloc(3, 2), *F4 = gp_matrix_alloc(4, 2);
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    assert_int_equal(gp_erfnet_sample(net, X2, &rng, F, &err), GP_ERR_DIM);
    assert_msg(&err, "input has dimension 2 (columns) but Sigma is 2 x 2 (dimension 1)");
    gp_matrix *X = gp_matrix_alloc(3, 1);
    assert_int_equal(gp_erfnet_sample(net, X, &rng, F4, &err), GP_ERR_DIM);
    X->data[2] = INFINITY;
    assert_int_equal(gp_erfnet_sample(net, X, &rng, F, &err), GP_ERR_ARG);
    assert_msg(&err, "non-finite value (inf) at row 3");
    char buf[512];
    gp_erfnet_describe(net, buf, sizeof buf);
    assert_non_null(strstr(buf, "erf_network(J=5, Sigma={{1, 0}, {0, 1}}, variance=1, offset=0"));
    gp_erfnet_release(net);
    gp_erfnet_release(NULL);
    gp_matrix_free(X);
    gp_matrix_free(F4);
    gp_matrix_free(F);
    gp_matrix_free(X2);
    gp_matrix_free(S1);
    gp_matrix_free(Sn);
    gp_matrix_free(S);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_kernel),
        cmocka_unit_test(test_general_kernel),
        cmocka_unit_test(test_bumps_limit_formula),
        cmocka_unit_test(test_bumps_converge_to_limit),
        cmocka_unit_test(test_weight_sampling_moments),
        cmocka_unit_test(test_weight_sampling_rank_deficient),
        cmocka_unit_test(test_reproducible_and_describe),
        cmocka_unit_test(test_erf_network_J1),
        cmocka_unit_test(test_erf_network_J100),
        cmocka_unit_test(test_erf_network_threads),
        cmocka_unit_test(test_erf_network_zero_sigma),
        cmocka_unit_test(test_erf_network_gaussianity),
        cmocka_unit_test(test_bad_weights),
        cmocka_unit_test(test_bad_erf_network),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
