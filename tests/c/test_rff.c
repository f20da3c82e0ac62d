/* test_rff.c: random-Fourier-feature draws (gp_rff.h), APPROXIMATE samplers.
 *
 * Features are fresh for every draw, so E[f(x) f(x')] = k(x, x') exactly
 * (over features and weights) and draw-based standard errors apply: with N
 * draws every empirical mean and covariance entry is within 5 SE of m and k,
 * even with very few features per draw. The spectral sampler is checked on
 * its own too: the average of cos(omega . r) over many frequencies is the
 * normalised kernel rho(r) within 5 SE. Fixed seeds. The checks fail on a
 * wrong amplitude, the OU length-scale not doubled, a wrong Student-t degree
 * of freedom and a wrong gamma rate (each tried). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "gp_kernel.h"
#include "gp_rff.h"
#include "gp_stats.h"

#define NDRAWS 20000

typedef enum { RBF, EXPO, OU, M32, M52, RQ } family;

static gp_kernel *make(family f, double amp, const double *ls, size_t nls, double alpha)
{
    gp_error err;
    gp_kernel *k = NULL;
    switch (f) {
    case RBF: k = gp_kernel_rbf(amp, ls, nls, &err); break;
    case EXPO: k = gp_kernel_exponential(amp, ls, nls, &err); break;
    case OU: k = gp_kernel_ou(amp, ls, nls, &err); break;
    case M32: k = gp_kernel_matern32(amp, ls, nls, &err); break;
    case M52: k = gp_kernel_matern52(amp, ls, nls, &err); break;
    case RQ: k = gp_kernel_rq(amp, ls, nls, alpha, &err); break;
    }
    assert_non_null(k);
    return k;
}

/* NDRAWS draws with J features each at X; all entries within 5 SE of k and m. */
static void check_draws(const gp_kernel *k, const gp_func *m, const gp_matrix *X, size_t J,
                        uint64_t seed)
{
    gp_matrix *S = gp_matrix_alloc(X->rows, NDRAWS);
    gp_rng rng;
    gp_rng_seed(&rng, seed);
    gp_rff_info info;
    gp_error err;
    if (gp_rff_sample(k, m, X, J, &rng, S, &info, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(info.features, J);
    assert_int_equal(info.dim, X->cols);
    double z = test_max_z_kernel(S, X, k, m);
    gp_matrix_free(S);
    if (!(z <= 5.0))
        fail_msg("%s: max |z| = %.2f > 5", gp_spectral_family_name(info.family), z);
}

static gp_matrix *points_1d(void)
{
    static const double x[] = {-0.3, 0.0, 0.4, 1.1, 2.5};
    gp_matrix *X = gp_matrix_alloc(5, 1);
    memcpy(X->data, x, sizeof x);
    return X;
}

static gp_matrix *points_2d(void)
{
    static const double x[] = {0.0, 0.5, -0.4, 1.2, /* first coordinates */
                               0.0, 0.3, 0.8, -0.6};
    gp_matrix *X = gp_matrix_alloc(4, 2);
    memcpy(X->data, x, sizeof x);
    return X;
}

static void draws_1d(family f, double amp, double l, size_t J, uint64_t seed)
{
    gp_kernel *k = make(f, amp, &l, 1, 1.5);
    gp_matrix *X = points_1d();
    check_draws(k, NULL, X, J, seed);
    gp_matrix_free(X);
    gp_kernel_release(k);
}

static void test_rbf_1d(void **state)
{
    (void)state;
    draws_1d(RBF, 1.3, 0.7, 20, 1);
    draws_1d(RBF, 1.0, 1.0, 1, 2); /* one feature: still unbiased */
}

static void test_matern32_1d(void **state)
{
    (void)state;
    draws_1d(M32, 1.0, 0.8, 20, 3);
}

/* ou(l) is exp(-r / (2 l)): draws must match it, and must NOT match exp(-r / l). */
static void test_ou_convention(void **state)
{
    (void)state;
    const double l = 0.5;
    gp_kernel *ou = make(OU, 1.0, &l, 1, 0), *ex = make(EXPO, 1.0, &l, 1, 0);
    gp_matrix *X = points_1d(), *S = gp_matrix_alloc(X->rows, NDRAWS);
    gp_rng rng;
    gp_rng_seed(&rng, 4);
    gp_error err;
    assert_int_equal(gp_rff_sample(ou, NULL, X, 20, &rng, S, NULL, &err), GP_OK);
    assert_true(test_max_z_kernel(S, X, ou, NULL) <= 5.0);
    assert_true(test_max_z_kernel(S, X, ex, NULL) > 5.0);
    gp_matrix_free(S);
    gp_matrix_free(X);
    gp_kernel_release(ex);
    gp_kernel_release(ou);
    draws_1d(EXPO, 1.0, 0.5, 20, 5);
}

static void test_matern52_rq_1d(void **state)
{
    (void)state;
    draws_1d(M52, 0.8, 0.6, 20, 6);
    draws_1d(RQ, 1.0, 0.6, 20, 7); /* alpha = 1.5 */
}

static void test_2d_with_mean(void **state)
{
    (void)state;
    gp_error err;
    const double l = 0.6, ard[] = {0.5, 2.0};
    gp_kernel *rbf = make(RBF, 1.0, &l, 1, 0), *m32 = make(M32, 1.2, ard, 2, 0);
    gp_kernel *sc = gp_kernel_scale(2.0, m32, &err); /* a multiple of a leaf is fine */
    gp_func *m = gp_func_constant(0.7, &err);
    gp_matrix *X = points_2d();
    check_draws(rbf, m, X, 20, 8);
    check_draws(m32, NULL, X, 20, 9);
    check_draws(sc, NULL, X, 20, 10);
    gp_matrix_free(X);
    gp_func_release(m);
    gp_kernel_release(sc);
    gp_kernel_release(m32);
    gp_kernel_release(rbf);
}

/* The spectral sampler alone: mean of cos(omega . r) over J = 200000
 * frequencies against rho(r) = k(0, r) / k(0, 0), 5 SE, for each family. */
static void test_frequencies(void **state)
{
    (void)state;
    enum { J = 200000 };
    const double ard[] = {0.5, 2.0}, l = 0.7;
    const double r[][2] = {{0.3, 0.0}, {1.0, -0.5}, {2.5, 3.0}};
    const struct {
        family f;
        double alpha;
        int ard;
    } cases[] = {{RBF, 0, 0}, {EXPO, 0, 0}, {OU, 0, 0}, {M32, 0, 1}, {M52, 0, 0},
                 {RQ, 0.4, 0}, {RQ, 3.0, 1}};
    gp_matrix *omega = gp_matrix_alloc(J, 2);
    gp_rng rng;
    gp_rng_seed(&rng, 11);
    gp_error err;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        gp_kernel *k = make(cases[c].f, 1.0, cases[c].ard ? ard : &l, cases[c].ard ? 2 : 1,
                            cases[c].alpha);
        gp_spectral s;
        assert_int_not_equal(gp_kernel_spectral(k, &s), GP_SPECTRAL_NONE);
        assert_int_equal(gp_rff_frequencies(&s, &rng, omega, &err), GP_OK);
        for (size_t q = 0; q < 3; q++) {
            double sum = 0, sum2 = 0, zero[2] = {0, 0}, rho;
            for (size_t j = 0; j < J; j++) {
                double v = cos(GP_AT(omega, j, 0) * r[q][0] + GP_AT(omega, j, 1) * r[q][1]);
                sum += v;
                sum2 += v * v;
            }
            double mean = sum / J, se = sqrt((sum2 / J - mean * mean) / (J - 1));
            gp_matrix X = {1, 2, zero}, Y = {1, 2, (double *)r[q]}, K = {1, 1, &rho};
            assert_int_equal(gp_kernel_gram(k, &X, &Y, &K, &err), GP_OK);
            if (!(fabs(mean - rho) <= 5 * se))
                fail_msg("%s alpha %g: E cos(omega r) = %.5f, rho = %.5f, se %.2g",
                         gp_spectral_family_name(s.family), cases[c].alpha, mean, rho, se);
        }
        gp_kernel_release(k);
    }
    gp_matrix_free(omega);
}

static void test_errors(void **state)
{
    (void)state;
    gp_error err;
    const double l = 1.0, l3[] = {1, 2, 3};
    gp_kernel *rbf = make(RBF, 1.0, &l, 1, 0), *ard3 = make(RBF, 1.0, l3, 3, 0);
    gp_kernel *lin = gp_kernel_linear(1.0, 0.0, &err), *per = gp_kernel_periodic(1, 1, 1, &err);
    gp_kernel *sum = gp_kernel_sum(rbf, rbf, &err);
    gp_matrix *X = points_2d(), *S = gp_matrix_alloc(4, 2);
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    assert_int_equal(gp_rff_sample(lin, NULL, X, 10, &rng, S, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "linear(variance=1, offset=0) is not stationary"));
    assert_int_equal(gp_rff_sample(per, NULL, X, 10, &rng, S, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "periodic(amplitude=1, lengthscale=1, period=1) has no "
                                    "supported spectral density"));
    assert_int_equal(gp_rff_sample(sum, NULL, X, 10, &rng, S, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "f:sample"));
    assert_int_equal(gp_rff_sample(ard3, NULL, X, 10, &rng, S, NULL, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "3 length-scales for 2-D input"));
    assert_int_equal(gp_rff_sample(rbf, NULL, X, 0, &rng, S, NULL, &err), GP_ERR_ARG);
    gp_matrix wrong = {3, 2, S->data};
    assert_int_equal(gp_rff_sample(rbf, NULL, X, 10, &rng, &wrong, NULL, &err), GP_ERR_DIM);
    X->data[3] = NAN;
    assert_int_equal(gp_rff_sample(rbf, NULL, X, 10, &rng, S, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "non-finite"));
    gp_matrix_free(S);
    gp_matrix_free(X);
    gp_kernel_release(sum);
    gp_kernel_release(per);
    gp_kernel_release(lin);
    gp_kernel_release(ard3);
    gp_kernel_release(rbf);
}

static void test_same_seed_same_bits(void **state)
{
    (void)state;
    const double l = 0.5;
    gp_kernel *k = make(RQ, 1.0, &l, 1, 0.7);
    gp_matrix *X = points_1d(), *A = gp_matrix_alloc(5, 3), *B = gp_matrix_alloc(5, 3);
    gp_rng r1, r2;
    gp_error err;
    gp_rng_seed(&r1, 5);
    gp_rng_seed(&r2, 5);
    gp_rff_info info;
    assert_int_equal(gp_rff_sample(k, NULL, X, 50, &r1, A, &info, &err), GP_OK);
    assert_int_equal(gp_rff_sample(k, NULL, X, 50, &r2, B, NULL, &err), GP_OK);
    assert_memory_equal(A->data, B->data, 15 * sizeof(double));
    assert_int_equal(info.family, GP_SPECTRAL_RQ);
    assert_string_equal(gp_spectral_family_name(info.family), "rq");
    assert_true(A->data[0] != A->data[5]); /* fresh features: columns differ */
    gp_matrix_free(B);
    gp_matrix_free(A);
    gp_matrix_free(X);
    gp_kernel_release(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rbf_1d),         cmocka_unit_test(test_matern32_1d),
        cmocka_unit_test(test_ou_convention),  cmocka_unit_test(test_matern52_rq_1d),
        cmocka_unit_test(test_2d_with_mean),   cmocka_unit_test(test_frequencies),
        cmocka_unit_test(test_errors),         cmocka_unit_test(test_same_seed_same_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
