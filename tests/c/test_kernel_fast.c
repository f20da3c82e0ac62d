/* test_kernel_fast.c: the fast Gram path. gp_vexp against libm's exp (ranges,
 * subnormals, limits, NaN); every leaf's Gram matrix against a per-pair
 * reference computed here with libm, in the serial and the threaded path;
 * bit-for-bit the same K whatever the thread count and whichever path (small
 * blocks, below the threading threshold, against one large K); the
 * symmetric-by-construction entry of the sampler. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include <cblas.h>

#include "gp_kernel.h"
#include "gp_sampler.h"
#include "gp_vexp.h"

#define PI 3.14159265358979323846
#define NBIG 601 /* 601 * 602 / 2 > 2^17 entries: the threaded path */

/* ---- helpers ------------------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static double urand(void) /* xorshift64*, in [0, 1) */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717u) >> 11) * 0x1p-53;
}

static gp_matrix *random_inputs(size_t n, size_t d, double lo, double hi)
{
    gp_matrix *X = gp_matrix_alloc(n, d);
    assert_non_null(X);
    for (size_t i = 0; i < n * d; i++)
        X->data[i] = lo + (hi - lo) * urand();
    return X;
}

/* ---- gp_vexp ------------------------------------------------------------------ */

static void check_range(double lo, double hi, long count, uint64_t max_ulps)
{
    for (long i = 0; i < count; i++) {
        const double x = lo + (hi - lo) * urand();
        const double a = gp_vexp(x), b = exp(x);
        if (test_ulp_dist(a, b) > max_ulps)
            fail_msg("gp_vexp(%.17g) = %.17g, exp = %.17g (%llu ulps)", x, a, b,
                     (unsigned long long)test_ulp_dist(a, b));
    }
}

static void test_vexp_ranges(void **state)
{
    (void)state;
    check_range(-0.35, 0.35, 50000, 1); /* the reduced range itself */
    check_range(-40.0, 0.0, 50000, 1);  /* what kernels use */
    check_range(-708.0, 709.0, 50000, 1);
    check_range(-745.2, -708.0, 20000, 1); /* results in the subnormals */
    check_range(700.0, 709.78, 10000, 1);  /* near overflow */
    for (int e = -1074; e < 0; e += 3) {    /* tiny arguments: exactly 1 or just below */
        const double t = ldexp(1.0, e);
        assert_true(test_ulp_dist(gp_vexp(t), exp(t)) <= 1);
        assert_true(test_ulp_dist(gp_vexp(-t), exp(-t)) <= 1);
    }
}

static void test_vexp_edges(void **state)
{
    (void)state;
    assert_true(gp_vexp(0.0) == 1.0);
    assert_true(gp_vexp(-0.0) == 1.0);
    assert_true(gp_vexp(DBL_TRUE_MIN) == 1.0);
    assert_true(test_ulp_dist(gp_vexp(1.0), exp(1.0)) <= 1);
    assert_true(test_ulp_dist(gp_vexp(-1.0), exp(-1.0)) <= 1);
    /* underflow: the smallest subnormal, then 0 */
    assert_true(gp_vexp(-745.0) == exp(-745.0));
    assert_true(gp_vexp(-745.13321910194111) == DBL_TRUE_MIN);
    assert_true(gp_vexp(-745.13321910194122) == 0.0);
    assert_true(gp_vexp(-745.2) == 0.0);
    assert_true(gp_vexp(-746.0) == 0.0);
    assert_true(gp_vexp(-1e6) == 0.0);
    assert_true(gp_vexp(-DBL_MAX) == 0.0);
    assert_true(gp_vexp(-INFINITY) == 0.0);
    assert_true(test_ulp_dist(gp_vexp(-708.4), exp(-708.4)) <= 1); /* first subnormals */
    assert_true(test_ulp_dist(gp_vexp(-710.0), exp(-710.0)) <= 1);
    /* overflow */
    assert_true(test_ulp_dist(gp_vexp(709.78), exp(709.78)) <= 1);
    assert_true(test_ulp_dist(gp_vexp(709.782712893384), exp(709.782712893384)) <= 1);
    assert_true(isinf(gp_vexp(709.79)) && gp_vexp(709.79) > 0);
    assert_true(isinf(gp_vexp(1e308)));
    assert_true(isinf(gp_vexp(INFINITY)));
    /* NaN propagates (kernel inputs are validated, so none reaches a Gram) */
    assert_true(isnan(gp_vexp(NAN)));
    assert_true(isnan(gp_vexp(-NAN)));
}

/* A loop over an array (vectorised by GCC) gives the same bits as single calls. */
static void test_vexp_vector_loop(void **state)
{
    (void)state;
    enum { N = 1003 };
    static double x[N], y[N];
    for (size_t i = 0; i < N; i++)
        x[i] = -750.0 + 1460.0 * urand();
    x[0] = NAN;
    x[1] = -INFINITY;
    x[2] = INFINITY;
    for (size_t i = 0; i < N; i++)
        y[i] = gp_vexp(x[i]);
    for (size_t i = 0; i < N; i++) {
        volatile double xi = x[i];
        const double s = gp_vexp(xi);
        assert_true(memcmp(&s, &y[i], sizeof s) == 0 || (isnan(s) && isnan(y[i])));
    }
}

/* ---- Gram matrices against a per-pair reference ---------------------------- */

typedef enum { K_RBF, K_OU, K_EXP, K_M32, K_M52, K_RQ, K_PER, K_LIN, K_POLY, K_NN, K_COUNT } kind;

static const char *const kind_names[K_COUNT] = {"rbf", "ou", "exponential", "matern32", "matern52",
                                                "rq", "periodic", "linear", "polynomial", "nn"};

static const double AMP = 1.3, ALPHA = 0.7, PERIOD = 1.7, VAR = 0.8, OFF = 0.3;
static const double NN_SIGMA[9] = {1.0, 0.2, 0.1, 0.2, 2.0, 0.3, 0.1, 0.3, 1.5};

static gp_kernel *make(kind t, const double *ls, size_t nls, size_t d)
{
    gp_error err = {0};
    gp_kernel *k = NULL;
    switch (t) {
    case K_RBF: k = gp_kernel_rbf(AMP, ls, nls, &err); break;
    case K_OU: k = gp_kernel_ou(AMP, ls, nls, &err); break;
    case K_EXP: k = gp_kernel_exponential(AMP, ls, nls, &err); break;
    case K_M32: k = gp_kernel_matern32(AMP, ls, nls, &err); break;
    case K_M52: k = gp_kernel_matern52(AMP, ls, nls, &err); break;
    case K_RQ: k = gp_kernel_rq(AMP, ls, nls, ALPHA, &err); break;
    case K_PER: k = gp_kernel_periodic(AMP, ls[0], PERIOD, &err); break;
    case K_LIN: k = gp_kernel_linear(VAR, OFF, &err); break;
    case K_POLY: k = gp_kernel_polynomial(VAR, OFF, 3, &err); break;
    case K_NN: {
        /* the leading (d+1) x (d+1) block of NN_SIGMA */
        double S[9];
        for (size_t j = 0; j <= d; j++)
            for (size_t i = 0; i <= d; i++)
                S[j * (d + 1) + i] = NN_SIGMA[j * 3 + i];
        k = gp_kernel_nn(S, d + 1, VAR, OFF, &err);
        break;
    }
    default: break;
    }
    if (!k)
        fail_msg("constructor failed: %s", err.msg);
    return k;
}

/* k(x, y) straight from the formulas of gp_kernel.h, with libm's exp, pow,
 * sin and asin. The arguments are formed as gp_kernel_base.c forms them
 * (x * (1 / l), sqrt(3 s^2), ...): exp(-s) turns an ulp of rounding in s into
 * s ulps, so a reference that rounded its arguments differently would measure
 * that, not the exp. */
static double reference(kind t, const double *ls, size_t nls, const double *x, const double *y,
                        size_t d)
{
    const double a2 = AMP * AMP, w = PI / PERIOD;
    double s2 = 0, dot = 0, sn = 0;
    for (size_t c = 0; c < d; c++) {
        const double u = (x[c] - y[c]) * (1.0 / ls[nls == 1 ? 0 : c]);
        const double sv = sin(w * (x[c] - y[c]));
        s2 += u * u;
        sn += sv * sv;
        dot += x[c] * y[c];
    }
    const double t3 = sqrt(3.0 * s2), t5 = sqrt(5.0 * s2);
    switch (t) {
    case K_RBF: return a2 * exp(-0.5 * s2);
    case K_OU: return a2 * exp(-0.5 * sqrt(s2));
    case K_EXP: return a2 * exp(-sqrt(s2));
    case K_M32: return a2 * (1.0 + t3) * exp(-t3);
    case K_M52: return a2 * (1.0 + t5 + t5 * t5 / 3.0) * exp(-t5);
    case K_RQ: return a2 * pow(1.0 + (0.5 / ALPHA) * s2, -ALPHA);
    case K_PER: return a2 * exp(-2.0 * (1.0 / (ls[0] * ls[0])) * sn);
    case K_LIN: return OFF + VAR * dot;
    case K_POLY: return pow(OFF + VAR * dot, 3.0);
    case K_NN: {
        double q[3], xt[3] = {1, 0, 0}, yt[3] = {1, 0, 0}, sxx = 0, syy = 0, sxy = 0;
        for (size_t c = 0; c < d; c++) {
            xt[c + 1] = x[c];
            yt[c + 1] = y[c];
        }
        for (size_t i = 0; i <= d; i++) {
            q[i] = 0;
            for (size_t j = 0; j <= d; j++)
                q[i] += NN_SIGMA[j * 3 + i] * yt[j];
            sxy += xt[i] * q[i];
        }
        for (size_t i = 0; i <= d; i++)
            for (size_t j = 0; j <= d; j++) {
                sxx += xt[i] * NN_SIGMA[j * 3 + i] * xt[j];
                syy += yt[i] * NN_SIGMA[j * 3 + i] * yt[j];
            }
        return OFF + VAR * 2.0 / PI * asin(2.0 * sxy / sqrt((1 + 2 * sxx) * (1 + 2 * syy)));
    }
    default: return NAN;
    }
}

/* |K - ref| <= 4 eps |ref| + tiny: gp_vexp and exp differ by at most 1 ulp,
 * and a product or two may add an ulp each. tiny covers results near
 * underflow and, for the dot-product kernels, sums formed in another order
 * whose terms can cancel. */
static void check_against_reference(kind t, const double *ls, size_t nls, const gp_matrix *X,
                                    const gp_matrix *Y, const gp_matrix *K)
{
    const size_t d = X->cols;
    const double tiny = t >= K_LIN ? 1e-13 : 1e-300;
    double row_x[3], row_y[3];
    for (size_t j = 0; j < K->cols; j++)
        for (size_t i = 0; i < K->rows; i++) {
            for (size_t c = 0; c < d; c++) {
                row_x[c] = GP_AT(X, i, c);
                row_y[c] = GP_AT(Y, j, c);
            }
            const double want = reference(t, ls, nls, row_x, row_y, d), got = GP_AT(K, i, j);
            if (!(fabs(got - want) <= 4 * DBL_EPSILON * fabs(want) + tiny))
                fail_msg("%s (d = %zu): K(%zu, %zu) = %.17g, reference %.17g", kind_names[t], d,
                         i, j, got, want);
        }
}

static void test_gram_reference(void **state)
{
    (void)state;
    const double ls_one[] = {0.7}, ls_ard[] = {0.4, 1.9};
    for (kind t = 0; t < K_COUNT; t++)
        for (size_t d = 1; d <= 2; d++)
            for (int big = 0; big <= (d == 1); big++) {
                const double *ls = d == 2 && t != K_PER ? ls_ard : ls_one;
                const size_t nls = d == 2 && t != K_PER ? 2 : 1;
                const size_t n = big ? NBIG : 37;
                gp_kernel *k = make(t, ls, nls, d);
                gp_matrix *X = random_inputs(n, d, -1.5, 3.5), *Y = random_inputs(23, d, -2, 4);
                gp_matrix *K = test_gram(k, X, NULL), *C = test_gram(k, X, Y);
                check_against_reference(t, ls, nls, X, X, K);
                check_against_reference(t, ls, nls, X, Y, C);
                for (size_t j = 0; j < n; j++) /* exactly symmetric */
                    for (size_t i = 0; i < j; i++)
                        assert_true(GP_AT(K, i, j) == GP_AT(K, j, i));
                gp_matrix_free(C);
                gp_matrix_free(K);
                gp_matrix_free(Y);
                gp_matrix_free(X);
                gp_kernel_release(k);
            }
}

/* Far-apart points: kernel values underflow to 0 (or a subnormal) as in libm. */
static void test_gram_underflow(void **state)
{
    (void)state;
    const double ls[] = {0.01};
    gp_matrix *X = gp_matrix_alloc(40, 1);
    for (size_t i = 0; i < 40; i++)
        X->data[i] = 0.1 * (double)i * (double)i;
    for (kind t = K_RBF; t <= K_M52; t++) {
        gp_kernel *k = make(t, ls, 1, 1);
        gp_matrix *K = test_gram(k, X, NULL);
        check_against_reference(t, ls, 1, X, X, K);
        gp_matrix_free(K);
        gp_kernel_release(k);
    }
    gp_matrix_free(X);
}

/* ---- the same bits whatever the thread count and the path ----------------- */

static gp_kernel *composite(void)
{
    gp_error err = {0};
    const double l1[] = {0.9}, l2[] = {0.3};
    gp_kernel *a = gp_kernel_rbf(1.0, l1, 1, &err), *b = gp_kernel_linear(0.5, 1.0, &err);
    gp_kernel *c = gp_kernel_matern52(0.7, l2, 1, &err);
    gp_kernel *p = gp_kernel_product(a, b, &err), *s = gp_kernel_scale(0.25, c, &err);
    gp_kernel *k = gp_kernel_sum(p, s, &err);
    assert_non_null(k);
    gp_kernel_release(a);
    gp_kernel_release(b);
    gp_kernel_release(c);
    gp_kernel_release(p);
    gp_kernel_release(s);
    return k;
}

static void test_threads_bitwise(void **state)
{
    (void)state;
    const int saved = openblas_get_num_threads();
    const double ls[] = {0.6, 1.7};
    for (kind t = 0; t <= K_COUNT; t++) { /* K_COUNT: a sum of products */
        for (size_t d = 1; d <= 2; d++) {
            gp_kernel *k = t == K_COUNT ? composite() : make(t, ls, d, d);
            if (t == K_COUNT && d == 2) {
                gp_kernel_release(k);
                break;
            }
            gp_matrix *X = random_inputs(NBIG, d, -1, 4);
            openblas_set_num_threads(1);
            gp_matrix *K1 = test_gram(k, X, NULL);
            openblas_set_num_threads(4);
            gp_matrix *K4 = test_gram(k, X, NULL);
            openblas_set_num_threads(saved);
            assert_true(memcmp(K1->data, K4->data, NBIG * NBIG * sizeof(double)) == 0);
            /* row blocks of 7 (every third one, and the last), each far
             * below the threading threshold: the serial, non-symmetric path
             * gives the same entries */
            for (size_t i0 = 0; i0 < NBIG; i0 += i0 + 28 >= NBIG ? 7 : 21) {
                const size_t h = NBIG - i0 < 7 ? NBIG - i0 : 7;
                gp_matrix *Xb = gp_matrix_alloc(h, d);
                for (size_t c = 0; c < d; c++)
                    for (size_t i = 0; i < h; i++)
                        GP_AT(Xb, i, c) = GP_AT(X, i0 + i, c);
                gp_matrix *B = test_gram(k, Xb, X);
                for (size_t j = 0; j < NBIG; j++)
                    for (size_t i = 0; i < h; i++) {
                        /* nn forms the two halves of x'Sy in different orders;
                         * compare it on the computed (upper) triangle only */
                        if (t == K_NN && i0 + i > j)
                            continue;
                        const double a = GP_AT(B, i, j), b = GP_AT(K4, i0 + i, j);
                        if (memcmp(&a, &b, sizeof a) != 0)
                            fail_msg("%s d = %zu: K(%zu, %zu) = %.17g in the large Gram but "
                                     "%.17g in a block",
                                     t == K_COUNT ? "composite" : kind_names[t], d, i0 + i, j, b,
                                     a);
                    }
                gp_matrix_free(B);
                gp_matrix_free(Xb);
            }
            gp_matrix_free(K4);
            gp_matrix_free(K1);
            gp_matrix_free(X);
            gp_kernel_release(k);
        }
    }
}

/* ---- the sampler's entry for Gram matrices ---------------------------------- */

static void test_factor_gram(void **state)
{
    (void)state;
    gp_error err = {0};
    const double ls[] = {1.0};
    gp_kernel *k = gp_kernel_rbf(1.0, ls, 1, &err);
    gp_matrix *X = gp_matrix_alloc(300, 1);
    gp_matrix_linspace(X, 0, 5);
    gp_matrix *A = test_gram(k, X, NULL), *B = test_gram(k, X, NULL);
    gp_factor Fa, Fb;
    assert_int_equal(gp_mvn_factor(A, 1e-8, &Fa, &err), GP_OK);
    assert_int_equal(gp_mvn_factor_gram(B, 1e-8, &Fb, &err), GP_OK);
    assert_int_equal(Fb.method, GP_FACTOR_CHOLESKY);
    assert_true(Fa.jitter == Fb.jitter);
    assert_true(memcmp(A->data, B->data, 300 * 300 * sizeof(double)) == 0);
    gp_factor_free(&Fa);
    gp_factor_free(&Fb);
    /* no jitter: Cholesky fails, the pivoted path takes over, as in gp_mvn_factor */
    gp_matrix *C = test_gram(k, X, NULL), *D = test_gram(k, X, NULL);
    assert_int_equal(gp_mvn_factor(C, 0, &Fa, &err), GP_OK);
    assert_int_equal(gp_mvn_factor_gram(D, 0, &Fb, &err), GP_OK);
    assert_int_equal(Fa.method, Fb.method);
    assert_true(Fa.rank == Fb.rank);
    gp_factor_free(&Fa);
    gp_factor_free(&Fb);
    /* a NaN (in both triangles) and an indefinite K: the same errors */
    gp_matrix *E = test_gram(k, X, NULL);
    GP_AT(E, 7, 3) = GP_AT(E, 3, 7) = NAN;
    assert_int_equal(gp_mvn_factor_gram(E, 1e-8, &Fb, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "non-finite entry nan at (8, 4)"));
    gp_matrix *M = gp_matrix_alloc(2, 2);
    M->data[0] = M->data[3] = 1.0;
    M->data[1] = M->data[2] = 2.0;
    assert_int_equal(gp_mvn_factor_gram(M, 0, &Fb, &err), GP_ERR_NOT_PSD);
    assert_non_null(strstr(err.msg, "not positive semi-definite"));
    assert_true(M->data[1] == 2.0 && M->data[0] == 1.0); /* K restored */
    gp_matrix_free(M);
    gp_matrix_free(E);
    gp_matrix_free(D);
    gp_matrix_free(C);
    gp_matrix_free(B);
    gp_matrix_free(A);
    gp_matrix_free(X);
    gp_kernel_release(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vexp_ranges),       cmocka_unit_test(test_vexp_edges),
        cmocka_unit_test(test_vexp_vector_loop),  cmocka_unit_test(test_gram_reference),
        cmocka_unit_test(test_gram_underflow),    cmocka_unit_test(test_threads_bitwise),
        cmocka_unit_test(test_factor_gram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
