/* test_process.c: process algebra. Exact moments against the chapter's formulas
 * (computed here from the leaf kernels and means), and those formulas against
 * joint draws with a fixed seed; a deliberately wrong formula must be rejected
 * by the same statistical check. */
#include <stdlib.h>
#include <string.h>

#include "gp_process.h"
#include "gp_rng.h"
#include "gp_stats.h"
#include "test_util.h"

#define N_DRAWS 20000
#define Z_TOL 5.0 /* standard errors */
#define NPTS 6     /* input points */

static gp_matrix *inputs(void)
{
    gp_matrix *x = gp_matrix_alloc(NPTS, 1);
    gp_matrix_linspace(x, -1.5, 2.0);
    return x;
}

typedef struct fixture {
    gp_kernel *k1, *k2;
    gp_func *m1, *m2, *x2;
    gp_process *f, *g;
    gp_matrix *X;
} fixture;

static int setup(void **state)
{
    fixture *s = calloc(1, sizeof *s);
    double ls = 0.8, c1[] = {0.5, 1.0}, c2[] = {-1.0}, sq[] = {0, 0, 1};
    s->k1 = gp_kernel_rbf(1.0, &ls, 1, NULL);
    s->k2 = gp_kernel_matern32(0.7, &ls, 1, NULL);
    s->m1 = gp_func_polynomial(c1, 2, NULL); /* m1(x) = 0.5 + x */
    s->m2 = gp_func_polynomial(c2, 1, NULL); /* m2(x) = -1 */
    s->x2 = gp_func_polynomial(sq, 3, NULL); /* a(x) = x^2 */
    s->f = gp_process_new(s->m1, s->k1, NULL);
    s->g = gp_process_new(s->m2, s->k2, NULL);
    s->X = inputs();
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    fixture *s = *state;
    gp_process_release(s->f);
    gp_process_release(s->g);
    gp_kernel_release(s->k1);
    gp_kernel_release(s->k2);
    gp_func_release(s->m1);
    gp_func_release(s->m2);
    gp_func_release(s->x2);
    gp_matrix_free(s->X);
    free(s);
    return 0;
}

/* Leaf moments: means m[n] and Gram K[n x n] of leaf kernel k and mean m. */
static void leaf_moments(const gp_kernel *k, const gp_func *m, const gp_matrix *X, double *mu,
                         gp_matrix *K)
{
    assert_int_equal(gp_kernel_gram(k, X, NULL, K, NULL), GP_OK);
    assert_int_equal(gp_func_eval_rows(m, X, mu, NULL), GP_OK);
}

static gp_matrix *draw(gp_process *p, const gp_matrix *X, uint64_t seed)
{
    gp_rng rng;
    gp_rng_seed(&rng, seed);
    gp_matrix *S = gp_matrix_alloc(X->rows, N_DRAWS);
    gp_error err;
    if (gp_process_sample_joint(&p, 1, X, 0.0, &rng, &S, NULL, 0, NULL, &err))
        fail_msg("%s", err.msg);
    return S;
}

/* The exact covariance the core computes equals the hand formula entry-wise. */
static void assert_cov_equals(const gp_process *u, const gp_matrix *X, const double *mu,
                              const gp_matrix *K)
{
    size_t n = X->rows;
    gp_matrix *C = gp_matrix_alloc(n, n);
    double *m = malloc(n * sizeof *m), *v = malloc(n * sizeof *v);
    assert_int_equal(gp_process_cov(u, X, NULL, C, NULL), GP_OK);
    assert_int_equal(gp_process_mean_at(u, X, m, NULL), GP_OK);
    assert_int_equal(gp_process_var_at(u, X, v, NULL), GP_OK);
    for (size_t i = 0; i < n; i++) {
        assert_close(m[i], mu[i], 1e-12);
        assert_close(v[i], GP_AT(K, i, i), 1e-12);
        for (size_t j = 0; j < n; j++)
            assert_close(GP_AT(C, i, j), GP_AT(K, i, j), 1e-12);
    }
    gp_matrix_free(C);
    free(m);
    free(v);
}

/* Exercise 3: u = f + 2 g has mean m1 + 2 m2 and kernel k1 + 4 k2. */
static void test_sum_moments(void **state)
{
    fixture *s = *state;
    size_t n = s->X->rows;
    gp_process *g2 = gp_process_scale(2.0, s->g, NULL), *u = gp_process_sum(s->f, g2, NULL);
    gp_matrix *K1 = gp_matrix_alloc(n, n), *K2 = gp_matrix_alloc(n, n), *K = gp_matrix_alloc(n, n);
    double mu1[NPTS] = {0}, mu2[NPTS] = {0}, mu[NPTS] = {0};
    leaf_moments(s->k1, s->m1, s->X, mu1, K1);
    leaf_moments(s->k2, s->m2, s->X, mu2, K2);
    for (size_t i = 0; i < n; i++) {
        mu[i] = mu1[i] + 2 * mu2[i];
        for (size_t j = 0; j < n; j++)
            GP_AT(K, i, j) = GP_AT(K1, i, j) + 4 * GP_AT(K2, i, j);
    }
    assert_true(gp_process_is_gaussian(u));
    assert_cov_equals(u, s->X, mu, K);
    gp_matrix *S = draw(u, s->X, 11);
    assert_true(test_max_z(S, mu, K) < Z_TOL);
    /* the wrong kernel k1 + 2 k2 must be rejected by the same check */
    for (size_t i = 0; i < n * n; i++)
        K->data[i] = K1->data[i] + 2 * K2->data[i];
    assert_true(test_max_z(S, mu, K) > Z_TOL);
    gp_matrix_free(S);
    gp_matrix_free(K1);
    gp_matrix_free(K2);
    gp_matrix_free(K);
    gp_process_release(u);
    gp_process_release(g2);
}

/* f + f is 2 f: kernel 4 k1, not 2 k1 (the same leaf, not an independent copy). */
static void test_same_leaf_twice(void **state)
{
    fixture *s = *state;
    size_t n = s->X->rows;
    gp_process *u = gp_process_sum(s->f, s->f, NULL);
    gp_matrix *K = gp_matrix_alloc(n, n);
    double mu[NPTS] = {0};
    leaf_moments(s->k1, s->m1, s->X, mu, K);
    for (size_t i = 0; i < n; i++)
        mu[i] *= 2;
    for (size_t i = 0; i < n * n; i++)
        K->data[i] *= 4;
    assert_cov_equals(u, s->X, mu, K);
    gp_matrix *S = draw(u, s->X, 12);
    assert_true(test_max_z(S, mu, K) < Z_TOL);
    gp_matrix_free(S);
    gp_matrix_free(K);
    gp_process_release(u);
}

/* Exercise 4: g = x^2 f has mean x^2 m1 and kernel x^2 x'^2 k1; g(0) = 0. */
static void test_warp_moments(void **state)
{
    fixture *s = *state;
    size_t n = s->X->rows;
    gp_process *u = gp_process_warp(s->x2, s->f, NULL);
    gp_matrix *K = gp_matrix_alloc(n, n);
    double mu[NPTS] = {0};
    leaf_moments(s->k1, s->m1, s->X, mu, K);
    for (size_t i = 0; i < n; i++) {
        double xi = s->X->data[i];
        mu[i] *= xi * xi;
        for (size_t j = 0; j < n; j++) {
            double xj = s->X->data[j];
            GP_AT(K, i, j) *= xi * xi * xj * xj;
        }
    }
    assert_cov_equals(u, s->X, mu, K);
    gp_matrix *S = draw(u, s->X, 13);
    assert_true(test_max_z(S, mu, K) < Z_TOL);
    for (size_t i = 0; i < n * n; i++) /* wrong: x^2 k instead of x^2 x'^2 k ... */
        K->data[i] = sqrt(fabs(K->data[i]));
    assert_true(test_max_z(S, mu, K) > Z_TOL);
    gp_matrix_free(S);
    gp_matrix_free(K);
    gp_process_release(u);

    gp_matrix *zero = gp_matrix_alloc(1, 1); /* g(0) = 0 exactly */
    gp_process *g = gp_process_warp(s->x2, s->f, NULL);
    gp_matrix *z = draw(g, zero, 3);
    for (size_t t = 0; t < z->cols; t++)
        assert_true(z->data[t] == 0.0);
    gp_matrix_free(z);
    gp_matrix_free(zero);
    gp_process_release(g);
}

/* Exercise 5: u = f g (independent): E u = m1 m2 and
 * Cov = k1 k2 + m1 m1' k2 + m2 m2' k1; the version without the mean terms fails. */
static void test_product_moments(void **state)
{
    fixture *s = *state;
    size_t n = s->X->rows;
    gp_process *u = gp_process_product(s->f, s->g, NULL);
    gp_matrix *K1 = gp_matrix_alloc(n, n), *K2 = gp_matrix_alloc(n, n), *K = gp_matrix_alloc(n, n);
    double mu1[NPTS] = {0}, mu2[NPTS] = {0}, mu[NPTS] = {0};
    leaf_moments(s->k1, s->m1, s->X, mu1, K1);
    leaf_moments(s->k2, s->m2, s->X, mu2, K2);
    for (size_t i = 0; i < n; i++) {
        mu[i] = mu1[i] * mu2[i];
        for (size_t j = 0; j < n; j++)
            GP_AT(K, i, j) = GP_AT(K1, i, j) * GP_AT(K2, i, j) +
                             mu1[i] * mu1[j] * GP_AT(K2, i, j) + mu2[i] * mu2[j] * GP_AT(K1, i, j);
    }
    assert_false(gp_process_is_gaussian(u));
    assert_cov_equals(u, s->X, mu, K);
    gp_matrix *S = draw(u, s->X, 14);
    assert_true(test_max_z(S, mu, K) < Z_TOL);
    for (size_t i = 0; i < n * n; i++)
        K->data[i] = K1->data[i] * K2->data[i]; /* k1 k2 alone: wrong with non-zero means */
    assert_true(test_max_z(S, mu, K) > Z_TOL);
    gp_matrix_free(S);
    gp_matrix_free(K1);
    gp_matrix_free(K2);
    gp_matrix_free(K);
    gp_process_release(u);
}

/* Joint draws: u = f + 2 g drawn with f and g is built from the same draws. */
static void test_joint_draws(void **state)
{
    fixture *s = *state;
    size_t n = s->X->rows, ns = 4;
    gp_process *g2 = gp_process_scale(2.0, s->g, NULL), *u = gp_process_sum(s->f, g2, NULL);
    gp_process *prod = gp_process_product(s->f, s->g, NULL);
    gp_process *ps[] = {s->f, s->g, u, prod};
    gp_matrix *outs[4];
    for (int i = 0; i < 4; i++)
        outs[i] = gp_matrix_alloc(n, ns);
    gp_rng rng;
    gp_rng_seed(&rng, 5);
    gp_factor infos[4];
    size_t nleaves = 0;
    assert_int_equal(gp_process_sample_joint(ps, 4, s->X, 0.0, &rng, outs, infos, 4, &nleaves, NULL),
                     GP_OK);
    assert_int_equal(nleaves, 2);
    for (size_t k = 0; k < n * ns; k++) {
        assert_true(outs[2]->data[k] == outs[0]->data[k] + 2.0 * outs[1]->data[k]);
        assert_true(outs[3]->data[k] == outs[0]->data[k] * outs[1]->data[k]);
    }
    for (int i = 0; i < 4; i++)
        gp_matrix_free(outs[i]);
    gp_process_release(u);
    gp_process_release(g2);
    gp_process_release(prod);
}

/* Products need independent factors; sums must not mix a product with its factors. */
static void test_dependence_is_refused(void **state)
{
    fixture *s = *state;
    gp_error err;
    assert_null(gp_process_product(s->f, s->f, &err));
    assert_non_null(strstr(err.msg, "not independent"));
    gp_process *fg = gp_process_product(s->f, s->g, NULL);
    assert_null(gp_process_sum(fg, s->f, &err));
    assert_non_null(strstr(err.msg, "shares a process"));
    gp_process *twice = gp_process_sum(fg, fg, &err); /* the same product twice is fine */
    assert_non_null(twice);
    assert_null(gp_process_scale(NAN, s->f, &err));
    gp_process_release(twice);
    gp_process_release(fg);
}

static void test_describe(void **state)
{
    fixture *s = *state;
    gp_process *u = gp_process_product(s->f, s->g, NULL);
    char buf[512];
    size_t need = gp_process_describe(u, buf, sizeof buf);
    assert_int_equal(need, strlen(buf));
    assert_non_null(strstr(buf, ") * GP(mean=poly(-1), kernel=matern32"));
    char small[8];
    assert_int_equal(gp_process_describe(u, small, sizeof small), need);
    assert_int_equal(strlen(small), 7);
    gp_process_release(u);
}

/* sd, the band and the density from the moments: f has variance 1 and mean
 * 0.5 + x, so 3 f has sd 3, band 3 m -+ 2 * 3, density N(y; 3 m, 9). */
static void test_sd_band_pdf(void **state)
{
    fixture *s = *state;
    gp_error err;
    gp_process *u = gp_process_scale(3.0, s->f, &err);
    double sd[NPTS], lo[NPTS], hi[NPTS], dens[NPTS], y[NPTS], y0 = 0.25;
    for (size_t i = 0; i < NPTS; i++)
        y[i] = 0.1 * (double)i - 0.2;
    assert_int_equal(gp_process_sd_at(u, s->X, sd, &err), GP_OK);
    assert_int_equal(gp_process_band(u, s->X, 2.0, lo, hi, &err), GP_OK);
    assert_int_equal(gp_process_pdf(u, s->X, y, NPTS, dens, &err), GP_OK);
    for (size_t i = 0; i < NPTS; i++) {
        double m = 3 * (0.5 + s->X->data[i]), z = (y[i] - m) / 3;
        assert_close(sd[i], 3.0, 1e-15);
        assert_close(lo[i], m - 6.0, 1e-14);
        assert_close(hi[i], m + 6.0, 1e-14);
        assert_close(dens[i], exp(-0.5 * z * z) / sqrt(2 * 3.14159265358979323846 * 9), 1e-15);
    }
    assert_int_equal(gp_process_pdf(u, s->X, &y0, 1, dens, &err), GP_OK); /* one y for all */
    double z0 = (y0 - 3 * (0.5 + s->X->data[NPTS - 1])) / 3;
    assert_close(dens[NPTS - 1], exp(-0.5 * z0 * z0) / sqrt(2 * 3.14159265358979323846 * 9),
                 1e-15);
    /* refused: a wrong count of y, a non-finite y, a bad width, a certain value,
     * and a product (not Gaussian) */
    assert_int_equal(gp_process_pdf(u, s->X, y, 2, dens, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "pdf: y has 2 values for 6 points"));
    y[1] = NAN;
    assert_int_equal(gp_process_pdf(u, s->X, y, NPTS, dens, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "pdf: y[2] is nan"));
    assert_int_equal(gp_process_band(u, s->X, -1, lo, hi, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "band: the width k must be finite and >= 0, got -1"));
    assert_int_equal(gp_process_band(u, s->X, INFINITY, lo, hi, &err), GP_ERR_ARG);
    gp_process *zero = gp_process_scale(0.0, s->f, &err);
    assert_int_equal(gp_process_pdf(zero, s->X, &y0, 1, dens, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "pdf: the variance at point 1 is 0"));
    gp_process *fg = gp_process_product(s->f, s->g, &err);
    assert_int_equal(gp_process_band(fg, s->X, 2, lo, hi, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "band: this process is a product"));
    assert_int_equal(gp_process_pdf(fg, s->X, &y0, 1, dens, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "no Gaussian density"));
    assert_int_equal(gp_process_sd_at(fg, s->X, sd, &err), GP_OK); /* its moments are exact */
    gp_process_release(fg);
    gp_process_release(zero);
    gp_process_release(u);
}

/* One input check for every process function (a constant mean never looks at
 * x, yet a NaN point is refused there too), and no overflowed result returned. */
static void test_inputs_and_overflow(void **state)
{
    fixture *s = *state;
    gp_error err;
    gp_func *zero = gp_func_constant(0.0, &err);
    gp_process *c = gp_process_new(zero, s->k1, &err);
    gp_matrix *X = gp_matrix_alloc(3, 1), *K = gp_matrix_alloc(3, 3), *S = gp_matrix_alloc(3, 2);
    double v[3];
    X->data[1] = NAN;
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    assert_int_equal(gp_process_mean_at(c, X, v, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "mean: x[2] is nan"));
    assert_int_equal(gp_process_var_at(c, X, v, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "var: x[2] is nan"));
    assert_int_equal(gp_process_sd_at(c, X, v, &err), GP_ERR_ARG);
    assert_int_equal(gp_process_cov(c, X, NULL, K, &err), GP_ERR_ARG);
    assert_int_equal(gp_process_sample_joint(&c, 1, X, 0, &rng, &S, NULL, 0, NULL, &err),
                     GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "sample: x[2] is nan"));
    X->data[1] = 0.5;
    gp_process *big = gp_process_scale(1e200, c, &err);
    assert_int_equal(gp_process_var_at(big, X, v, &err), GP_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "var: the variance is inf at entry 1: it overflowed"));
    assert_int_equal(gp_process_cov(big, X, NULL, K, &err), GP_ERR_NUMERIC);
    gp_process_release(big);
    gp_process_release(c);
    gp_func_release(zero);
    gp_matrix_free(S);
    gp_matrix_free(K);
    gp_matrix_free(X);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sum_moments),     cmocka_unit_test(test_same_leaf_twice),
        cmocka_unit_test(test_warp_moments),    cmocka_unit_test(test_product_moments),
        cmocka_unit_test(test_joint_draws),     cmocka_unit_test(test_dependence_is_refused),
        cmocka_unit_test(test_describe),        cmocka_unit_test(test_sd_band_pdf),
        cmocka_unit_test(test_inputs_and_overflow),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
