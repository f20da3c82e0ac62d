/* test_posterior.c: conditioning on observations. The posterior's moments and
 * log marginal likelihood against an independent computation here (LAPACK's
 * dposv on K + s2 I, and the density by eigendecomposition); the rank-aware
 * paths (noise 0 with a kernel of rank 2, repeated inputs) and their refusals;
 * pathwise draws against the formulas by Monte Carlo at 5 standard errors,
 * with a wrong formula rejected by the same check. */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "gp_posterior.h"
#include "gp_report.h"
#include "gp_rng.h"
#include "gp_posterior_impl.h"
#include "test_util.h"

#define N_DRAWS 20000
#define Z_TOL 5.0
#define TWO_PI 6.283185307179586477

/* ---- the independent computation ---------------------------------------------------- */

/* Mean and covariance of the posterior of prior given (X, y, s2) at Q, by
 * dposv on A = Cov(X) + diag(s2) with right-hand sides [y - m(X), Cov(X, Q)]. */
static void reference(const gp_process *prior, const gp_matrix *X, const double *y,
                      const double *s2, size_t ns2, const gp_matrix *Q, double *mu, gp_matrix *C)
{
    const size_t n = X->rows, m = Q->rows;
    gp_matrix *A = gp_matrix_alloc(n, n), *B = gp_matrix_alloc(n, m + 1);
    gp_matrix *KXQ = gp_matrix_alloc(n, m);
    double *mX = malloc(n * sizeof *mX);
    assert_int_equal(gp_process_cov(prior, X, NULL, A, NULL), GP_OK);
    assert_int_equal(gp_process_cov(prior, X, Q, KXQ, NULL), GP_OK);
    assert_int_equal(gp_process_cov(prior, Q, NULL, C, NULL), GP_OK);
    assert_int_equal(gp_process_mean_at(prior, X, mX, NULL), GP_OK);
    assert_int_equal(gp_process_mean_at(prior, Q, mu, NULL), GP_OK);
    for (size_t i = 0; i < n; i++) {
        GP_AT(A, i, i) += s2[ns2 == 1 ? 0 : i];
        GP_AT(B, i, 0) = y[i] - mX[i];
        for (size_t j = 0; j < m; j++)
            GP_AT(B, i, j + 1) = GP_AT(KXQ, i, j);
    }
    assert_int_equal(LAPACKE_dposv(LAPACK_COL_MAJOR, 'L', (int)n, (int)(m + 1), A->data, (int)n,
                                   B->data, (int)n),
                     0);
    for (size_t j = 0; j < m; j++) {
        for (size_t i = 0; i < n; i++)
            mu[j] += GP_AT(KXQ, i, j) * GP_AT(B, i, 0);
        for (size_t k = 0; k < m; k++)
            for (size_t i = 0; i < n; i++)
                GP_AT(C, j, k) -= GP_AT(KXQ, i, j) * GP_AT(B, i, k + 1);
    }
    gp_matrix_free(A);
    gp_matrix_free(B);
    gp_matrix_free(KXQ);
    free(mX);
}

/* log N(y; m, A) by the eigendecomposition of A (no Cholesky). */
static double reference_lml(const gp_process *prior, const gp_matrix *X, const double *y,
                            const double *s2, size_t ns2)
{
    const size_t n = X->rows;
    gp_matrix *A = gp_matrix_alloc(n, n);
    double *w = malloc(n * sizeof *w), *m = malloc(n * sizeof *m);
    assert_int_equal(gp_process_cov(prior, X, NULL, A, NULL), GP_OK);
    assert_int_equal(gp_process_mean_at(prior, X, m, NULL), GP_OK);
    for (size_t i = 0; i < n; i++)
        GP_AT(A, i, i) += s2[ns2 == 1 ? 0 : i];
    assert_int_equal(LAPACKE_dsyev(LAPACK_COL_MAJOR, 'V', 'L', (int)n, A->data, (int)n, w), 0);
    double quad = 0, logdet = 0;
    for (size_t k = 0; k < n; k++) {
        double proj = 0;
        for (size_t i = 0; i < n; i++)
            proj += GP_AT(A, i, k) * (y[i] - m[i]);
        quad += proj * proj / w[k];
        logdet += log(w[k]);
    }
    free(w);
    free(m);
    gp_matrix_free(A);
    return -0.5 * quad - 0.5 * logdet - 0.5 * (double)n * log(TWO_PI);
}

/* ---- fixtures ------------------------------------------------------------------------- */

/* u = f + 2 g with f ~ GP(0.5 + x, rbf(1, 0.8)), g ~ GP(-1, matern32(0.7, 1.3)). */
typedef struct fixture {
    gp_process *f, *g, *u;
    gp_matrix *X, *Q;
    double y[8], s2[8];
} fixture;

static int setup(void **state)
{
    fixture *s = calloc(1, sizeof *s);
    double l1 = 0.8, l2 = 1.3, c1[] = {0.5, 1.0}, c2[] = {-1.0};
    gp_kernel *k1 = gp_kernel_rbf(1.0, &l1, 1, NULL), *k2 = gp_kernel_matern32(0.7, &l2, 1, NULL);
    gp_func *m1 = gp_func_polynomial(c1, 2, NULL), *m2 = gp_func_polynomial(c2, 1, NULL);
    s->f = gp_process_new(m1, k1, NULL);
    s->g = gp_process_new(m2, k2, NULL);
    gp_process *g2 = gp_process_scale(2.0, s->g, NULL);
    s->u = gp_process_sum(s->f, g2, NULL);
    gp_process_release(g2);
    gp_kernel_release(k1);
    gp_kernel_release(k2);
    gp_func_release(m1);
    gp_func_release(m2);
    const double x[8] = {-1.2, -0.7, 0.1, 0.4, 1.1, 1.9, 2.5, 3.3};
    s->X = gp_matrix_alloc(8, 1);
    for (size_t i = 0; i < 8; i++) {
        s->X->data[i] = x[i];
        s->y[i] = sin(2 * x[i]) + 0.3 * x[i];
        s->s2[i] = 0.02 + 0.01 * (double)i;
    }
    s->Q = gp_matrix_alloc(6, 1);
    gp_matrix_linspace(s->Q, -2.0, 4.0);
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    fixture *s = *state;
    gp_process_release(s->f);
    gp_process_release(s->g);
    gp_process_release(s->u);
    gp_matrix_free(s->X);
    gp_matrix_free(s->Q);
    free(s);
    return 0;
}

static gp_process *condition(gp_process *prior, const gp_matrix *X, const double *y,
                             const double *s2, size_t ns2)
{
    gp_observations obs = {X, y, s2, ns2, 0.0};
    gp_error err;
    gp_process *p = gp_process_condition(prior, &obs, &err);
    if (!p)
        fail_msg("condition: %s", err.msg);
    return p;
}

/* ---- moments and likelihood ---------------------------------------------------------------- */

/* The posterior of a sum with means, per-observation noise: mean, var, cov
 * (and cross-cov) equal the dposv computation. */
static void test_moments_match_reference(void **state)
{
    fixture *s = *state;
    const size_t m = s->Q->rows;
    gp_process *p = condition(s->u, s->X, s->y, s->s2, 8);
    double mu[6] = {0}, got_mu[6], got_var[6];
    gp_matrix *C = gp_matrix_alloc(m, m), *got = gp_matrix_alloc(m, m);
    reference(s->u, s->X, s->y, s->s2, 8, s->Q, mu, C);
    assert_int_equal(gp_process_mean_at(p, s->Q, got_mu, NULL), GP_OK);
    assert_int_equal(gp_process_var_at(p, s->Q, got_var, NULL), GP_OK);
    assert_int_equal(gp_process_cov(p, s->Q, NULL, got, NULL), GP_OK);
    for (size_t i = 0; i < m; i++) {
        assert_close(got_mu[i], mu[i], 1e-12);
        assert_close(got_var[i], GP_AT(C, i, i), 1e-12);
        for (size_t j = 0; j < m; j++)
            assert_close(GP_AT(got, i, j), GP_AT(C, i, j), 1e-12);
    }
    /* Cov(p(Q[0..2]), p(Q[3..5])) is the off-diagonal block */
    gp_matrix Q1 = {3, 1, s->Q->data}, Q2 = {3, 1, s->Q->data + 3};
    gp_matrix *X12 = gp_matrix_alloc(3, 3);
    assert_int_equal(gp_process_cov(p, &Q1, &Q2, X12, NULL), GP_OK);
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 3; j++)
            assert_close(GP_AT(X12, i, j), GP_AT(C, i, j + 3), 1e-12);
    gp_matrix_free(C);
    gp_matrix_free(got);
    gp_matrix_free(X12);
    gp_process_release(p);
}

/* The three terms add up, the constant is -(n/2) log 2 pi, and the value is the
 * Gaussian density computed by eigendecomposition. */
static void test_lml_matches_density(void **state)
{
    fixture *s = *state;
    gp_observations obs = {s->X, s->y, s->s2, 8, 0.0};
    gp_lml l;
    gp_error err;
    assert_int_equal(gp_process_lml(s->u, &obs, &l, &err), GP_OK);
    assert_close(l.value, reference_lml(s->u, s->X, s->y, s->s2, 8), 1e-10);
    assert_close(l.constant, -4.0 * log(TWO_PI), 1e-14);
    assert_close(l.value, l.data_fit + l.complexity + l.constant, 1e-14);
    assert_true(l.data_fit < 0);
    assert_int_equal(l.n, 8);
    /* one variance for all */
    const double one = 0.05;
    obs.noise = &one;
    obs.nnoise = 1;
    assert_int_equal(gp_process_lml(s->f, &obs, &l, &err), GP_OK);
    assert_close(l.value, reference_lml(s->f, s->X, s->y, &one, 1), 1e-10);
}

/* Conditioning on (X1, y1), then on (X2, y2), equals conditioning on both. */
static void test_sequential_conditioning(void **state)
{
    fixture *s = *state;
    gp_matrix X1 = {5, 1, s->X->data}, X2 = {3, 1, s->X->data + 5};
    gp_process *p1 = condition(s->f, &X1, s->y, s->s2, 5);
    gp_process *p12 = condition(p1, &X2, s->y + 5, s->s2 + 5, 3);
    gp_process *all = condition(s->f, s->X, s->y, s->s2, 8);
    gp_matrix *C1 = gp_matrix_alloc(6, 6), *C2 = gp_matrix_alloc(6, 6);
    double m1[6], m2[6];
    assert_int_equal(gp_process_cov(p12, s->Q, NULL, C1, NULL), GP_OK);
    assert_int_equal(gp_process_cov(all, s->Q, NULL, C2, NULL), GP_OK);
    assert_int_equal(gp_process_mean_at(p12, s->Q, m1, NULL), GP_OK);
    assert_int_equal(gp_process_mean_at(all, s->Q, m2, NULL), GP_OK);
    for (size_t i = 0; i < 36; i++)
        assert_close(C1->data[i], C2->data[i], 1e-12);
    for (size_t i = 0; i < 6; i++)
        assert_close(m1[i], m2[i], 1e-12);
    gp_matrix_free(C1);
    gp_matrix_free(C2);
    gp_process_release(p1);
    gp_process_release(p12);
    gp_process_release(all);
}

/* A posterior is a process like any other: 2 p + g has mean 2 m_p + m_g and
 * kernel 4 k_p + k_g (p and g independent), and it describes itself. */
static void test_algebra_and_describe(void **state)
{
    fixture *s = *state;
    const double one = 0.05;
    gp_process *p = condition(s->f, s->X, s->y, &one, 1);
    gp_process *p2 = gp_process_scale(2.0, p, NULL), *v = gp_process_sum(p2, s->g, NULL);
    assert_true(gp_process_is_gaussian(v));
    gp_matrix *Cp = gp_matrix_alloc(6, 6), *Cg = gp_matrix_alloc(6, 6), *Cv = gp_matrix_alloc(6, 6);
    assert_int_equal(gp_process_cov(p, s->Q, NULL, Cp, NULL), GP_OK);
    assert_int_equal(gp_process_cov(s->g, s->Q, NULL, Cg, NULL), GP_OK);
    assert_int_equal(gp_process_cov(v, s->Q, NULL, Cv, NULL), GP_OK);
    for (size_t i = 0; i < 36; i++)
        assert_close(Cv->data[i], 4 * Cp->data[i] + Cg->data[i], 1e-12);
    char text[512];
    gp_process_describe(p, text, sizeof text);
    assert_string_equal(text, "posterior(GP(mean=poly(0.5, 1), kernel=rbf(amplitude=1, lengthscale=0.8)) "
                              "given 8 observations at x in [-1.2, 3.3], noise variance 0.05)");
    const size_t len = gp_process_describe(v, NULL, 0);
    gp_process_describe(v, text, sizeof text);
    assert_int_equal(len, strlen(text));
    assert_non_null(strstr(text, "2 * posterior(GP("));
    assert_null(gp_process_kernel(p));
    assert_non_null(gp_process_posterior(p));
    assert_null(gp_process_posterior(s->f));
    gp_matrix_free(Cp);
    gp_matrix_free(Cg);
    gp_matrix_free(Cv);
    gp_process_release(v);
    gp_process_release(p2);
    gp_process_release(p);
}

/* ---- the rank-aware paths ---------------------------------------------------------------- */

/* The chapter's linear kernel 1 + x x' has rank 2: 20 exact observations of a
 * line take the pivoted path (rank 2) and determine the line everywhere (a
 * variance 0); an observation off the line contradicts the others. */
static void test_rank_deficient_linear(void **state)
{
    (void)state;
    gp_kernel *k = gp_kernel_linear(1.0, 1.0, NULL);
    gp_func *zero = gp_func_constant(0.0, NULL);
    gp_process *f = gp_process_new(zero, k, NULL);
    gp_matrix *X = gp_matrix_alloc(20, 1), *Q = gp_matrix_alloc(7, 1);
    gp_matrix_linspace(X, -3, 3);
    gp_matrix_linspace(Q, -10, 10);
    double y[20], s2 = 0.0, mu[7], var[7];
    for (size_t i = 0; i < 20; i++)
        y[i] = 2.0 - 0.5 * X->data[i];
    gp_process *p = condition(f, X, y, &s2, 1);
    gp_report r;
    gp_posterior_report(gp_process_posterior(p), &r);
    assert_string_equal(r.method, "pivoted-cholesky");
    assert_int_equal(r.rank, 2);
    assert_int_equal(r.n, 20);
    assert_true(r.residual < 1e-12);
    assert_int_equal(gp_process_mean_at(p, Q, mu, NULL), GP_OK);
    assert_int_equal(gp_process_var_at(p, Q, var, NULL), GP_OK);
    for (size_t i = 0; i < 7; i++) {
        assert_close(mu[i], 2.0 - 0.5 * Q->data[i], 1e-9);
        assert_true(var[i] >= 0.0 && var[i] < 1e-10 * (1 + Q->data[i] * Q->data[i]));
    }
    /* no density on a 2-dimensional subspace of R^20 */
    gp_observations obs = {X, y, &s2, 1, 0.0};
    gp_lml l;
    gp_error err;
    assert_int_equal(gp_process_lml(f, &obs, &l, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "rank 2 < 20"));
    /* off the line */
    y[13] += 1e-3;
    assert_null(gp_process_condition(f, &obs, &err));
    assert_non_null(strstr(err.msg, "contradicts the others"));
    /* with noise it is a fit, not a contradiction */
    s2 = 0.01;
    gp_process *q = gp_process_condition(f, &obs, &err);
    assert_non_null(q);
    gp_process_release(q);
    gp_process_release(p);
    gp_process_release(f);
    gp_kernel_release(k);
    gp_func_release(zero);
    gp_matrix_free(X);
    gp_matrix_free(Q);
}

/* Repeated inputs with noise 0: equal values are one observation (rank n - 1),
 * different ones are an error that names an observation of the pair (the
 * one the factorisation found to follow from the others). */
static void test_repeated_inputs(void **state)
{
    fixture *s = *state;
    gp_matrix *X = gp_matrix_alloc(4, 1);
    double x[4] = {0.0, 1.0, 1.0, 2.5}, y[4] = {0.3, -0.2, -0.2, 0.8}, s2 = 0.0, mu[6], var[6];
    memcpy(X->data, x, sizeof x);
    gp_process *p = condition(s->f, X, y, &s2, 1);
    gp_report r;
    gp_posterior_report(gp_process_posterior(p), &r);
    assert_int_equal(r.rank, 3);
    double one[1] = {1.0};
    gp_matrix at = {1, 1, one};
    assert_int_equal(gp_process_mean_at(p, &at, mu, NULL), GP_OK);
    assert_close(mu[0], -0.2, 1e-8);
    assert_int_equal(gp_process_var_at(p, s->Q, var, NULL), GP_OK);
    y[2] = 0.1;
    gp_observations obs = {X, y, &s2, 1, 0.0};
    gp_error err;
    assert_null(gp_process_condition(s->f, &obs, &err));
    assert_non_null(strstr(err.msg, "observation 2 (y = -0.2 at x = 1) contradicts the others"));
    gp_process_release(p);
    gp_matrix_free(X);
}

/* Noise 0 with a smooth kernel on close points (numerically singular K): the
 * posterior interpolates, and its variance at the observations is 0 or a
 * rounding above it, never negative, so the sd is never NaN. */
static void test_interpolation_variance_clipped(void **state)
{
    fixture *s = *state;
    gp_matrix *X = gp_matrix_alloc(60, 1);
    gp_matrix_linspace(X, 0, 5);
    double y[60], s2 = 0.0, mu[60], var[60];
    for (size_t i = 0; i < 60; i++)
        y[i] = 0.5 + X->data[i] + sin(X->data[i]);
    gp_process *p = condition(s->f, X, y, &s2, 1);
    assert_int_equal(gp_process_mean_at(p, X, mu, NULL), GP_OK);
    assert_int_equal(gp_process_var_at(p, X, var, NULL), GP_OK);
    gp_matrix *C = gp_matrix_alloc(60, 60);
    assert_int_equal(gp_process_cov(p, X, NULL, C, NULL), GP_OK);
    size_t zeros = 0;
    for (size_t i = 0; i < 60; i++) {
        assert_close(mu[i], y[i], 1e-6);
        assert_true(var[i] >= 0.0 && var[i] < 1e-12);
        assert_true(GP_AT(C, i, i) >= 0.0);
        zeros += (var[i] == 0.0) + (GP_AT(C, i, i) == 0.0);
    }
    /* the clipped ones are reported, within rounding of the prior variance 1 */
    gp_report r;
    gp_posterior_report(gp_process_posterior(p), &r);
    const gp_report_field *count = &r.field[1], *worst = &r.field[2];
    assert_string_equal(count->key, "clipped");
    assert_string_equal(worst->key, "clipped_max");
    assert_true(count->number >= 1 && count->number <= (double)zeros);
    assert_true(worst->number > 0 && worst->number <= 100 * 60 * DBL_EPSILON);
    gp_matrix_free(C);
    gp_matrix_free(X);
    gp_process_release(p);
}

/* Bad inputs are named. */
static void test_bad_inputs(void **state)
{
    fixture *s = *state;
    gp_error err;
    double s2[2] = {0.1, -0.1}, ynan[8];
    memcpy(ynan, s->y, sizeof ynan);
    ynan[4] = NAN;
    gp_observations obs = {s->X, s->y, s2, 2, 0.0};
    assert_null(gp_process_condition(s->f, &obs, &err));
    assert_non_null(strstr(err.msg, "noise has 2 variances for 8 observations"));
    obs.noise = s2 + 1;
    obs.nnoise = 1;
    assert_null(gp_process_condition(s->f, &obs, &err));
    assert_non_null(strstr(err.msg, "must be finite and >= 0, got -0.1"));
    obs.noise = s2;
    obs.y = ynan;
    assert_null(gp_process_condition(s->f, &obs, &err));
    assert_non_null(strstr(err.msg, "y[5] is nan"));
    obs.y = s->y;
    gp_process *prod = gp_process_product(s->f, s->g, NULL);
    assert_null(gp_process_condition(prod, &obs, &err));
    assert_non_null(strstr(err.msg, "not Gaussian"));
    gp_process_release(prod);
    obs.jitter = -1;
    assert_null(gp_process_condition(s->f, &obs, &err));
    assert_non_null(strstr(err.msg, "jitter"));
}

/* ---- draws ------------------------------------------------------------------------------ */

/* Pathwise draws of the posterior of u have its mean and covariance (every
 * entry within 5 SE of N_DRAWS draws), and the same check rejects the
 * posterior covariance computed as if the noise were half as large. */
static void test_pathwise_moments(void **state)
{
    fixture *s = *state;
    gp_process *p = condition(s->u, s->X, s->y, s->s2, 8);
    const size_t m = s->Q->rows;
    gp_matrix *S = gp_matrix_alloc(m, N_DRAWS), *C = gp_matrix_alloc(m, m);
    gp_matrix *Cwrong = gp_matrix_alloc(m, m);
    double mu[6], muw[6] = {0}, half[8];
    gp_rng rng;
    gp_rng_seed(&rng, 3);
    gp_factor info;
    size_t nl;
    gp_error err;
    if (gp_process_sample_joint(&p, 1, s->Q, 0.0, &rng, &S, &info, 1, &nl, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(info.method, GP_FACTOR_PATHWISE);
    assert_string_equal(gp_factor_method_name(info.method), "pathwise");
    assert_int_equal(info.n, m);
    assert_non_null(strstr(info.note, "Matheron's rule"));
    assert_int_equal(gp_process_mean_at(p, s->Q, mu, NULL), GP_OK);
    assert_int_equal(gp_process_cov(p, s->Q, NULL, C, NULL), GP_OK);
    const double z = test_max_z(S, mu, C);
    if (!(z <= Z_TOL))
        fail_msg("pathwise draws: max |z| = %g > %g", z, Z_TOL);
    for (size_t i = 0; i < 8; i++)
        half[i] = s->s2[i] / 2;
    reference(s->u, s->X, s->y, half, 8, s->Q, muw, Cwrong);
    const double zw = test_max_z(S, mu, Cwrong);
    if (!(zw > Z_TOL))
        fail_msg("the check should reject the wrong covariance: max |z| = %g", zw);
    gp_matrix_free(S);
    gp_matrix_free(C);
    gp_matrix_free(Cwrong);
    gp_process_release(p);
}

/* On a grid whose lattice holds the observations, the prior is drawn by
 * circulant embedding on the grid extended to cover them (one observation
 * lies beyond its end), and the draws have the posterior's moments; an
 * observation between grid points makes it fall back, saying why. */
static void test_pathwise_grid(void **state)
{
    (void)state;
    double ls = 0.5, s2 = 0.01;
    gp_kernel *k = gp_kernel_matern32(1.0, &ls, 1, NULL);
    gp_func *m0 = gp_func_constant(0.3, NULL);
    gp_process *f = gp_process_new(m0, k, NULL);
    const double a = 0.0, h = 0.25;
    gp_matrix *X = gp_matrix_alloc(4, 1);
    double x[4] = {0.5, 1.25, 2.0, 3.5}, y[4] = {1.0, -0.5, 0.2, 0.7}; /* 3.5: beyond */
    memcpy(X->data, x, sizeof x);
    gp_process *p = condition(f, X, y, &s2, 1);
    const gp_posterior *post = gp_process_posterior(p);
    const size_t n = 9; /* 0 .. 2 */
    gp_matrix *S = gp_matrix_alloc(n, N_DRAWS), *C = gp_matrix_alloc(n, n), *G = gp_matrix_alloc(n, 1);
    gp_matrix_linspace(G, a, a + 8 * h);
    double mu[9];
    gp_rng rng;
    gp_rng_seed(&rng, 4);
    gp_report r, parts[2];
    gp_error err;
    const gp_grid_axis ax = {a, h, n};
    if (gp_posterior_sample_grid(post, &ax, NULL, NULL, &rng, S, &r, parts, &err))
        fail_msg("%s", err.msg);
    assert_string_equal(r.method, "pathwise");
    assert_string_equal(parts[0].method, "circulant-embedding");
    assert_int_equal(parts[0].n, 15); /* extended to 3.5 */
    assert_string_equal(parts[1].method, "cholesky");
    assert_int_equal(gp_process_mean_at(p, G, mu, NULL), GP_OK);
    assert_int_equal(gp_process_cov(p, G, NULL, C, NULL), GP_OK);
    const double z = test_max_z(S, mu, C);
    if (!(z <= Z_TOL))
        fail_msg("grid pathwise draws: max |z| = %g > %g", z, Z_TOL);
    X->data[1] = 1.3;
    gp_process *q = condition(f, X, y, &s2, 1);
    gp_matrix *S2 = gp_matrix_alloc(n, 2);
    if (gp_posterior_sample_grid(gp_process_posterior(q), &ax, NULL, NULL, &rng, S2, &r, parts,
                                 &err))
        fail_msg("%s", err.msg);
    assert_string_not_equal(parts[0].method, "circulant-embedding");
    assert_non_null(strstr(parts[0].reason, "x = 1.3 is not a point of the grid's lattice"));
    gp_matrix_free(S);
    gp_matrix_free(S2);
    gp_matrix_free(C);
    gp_matrix_free(G);
    gp_matrix_free(X);
    gp_process_release(p);
    gp_process_release(q);
    gp_process_release(f);
    gp_kernel_release(k);
    gp_func_release(m0);
}

/* The same on a 2-D grid (x fastest), one observation beyond it in y. */
static void test_pathwise_grid2d(void **state)
{
    (void)state;
    double ls = 0.7, s2 = 0.02;
    gp_kernel *k = gp_kernel_matern52(1.0, &ls, 1, NULL);
    gp_func *m0 = gp_func_constant(0.0, NULL);
    gp_process *f = gp_process_new(m0, k, NULL);
    const gp_grid_axis ax = {0.0, 0.5, 4}, ay = {1.0, 0.25, 3};
    const double xy[4][2] = {{0.5, 1.25}, {1.0, 1.0}, {1.5, 1.75}, {0.0, 2.0}}; /* y = 2: beyond */
    double y[4] = {0.4, -0.3, 0.8, 0.1};
    gp_matrix *X = gp_matrix_alloc(4, 2), *G = gp_matrix_alloc(12, 2);
    for (size_t i = 0; i < 4; i++) {
        GP_AT(X, i, 0) = xy[i][0];
        GP_AT(X, i, 1) = xy[i][1];
    }
    for (size_t j = 0; j < 3; j++)
        for (size_t i = 0; i < 4; i++) {
            GP_AT(G, j * 4 + i, 0) = ax.a + (double)i * ax.h;
            GP_AT(G, j * 4 + i, 1) = ay.a + (double)j * ay.h;
        }
    gp_process *p = condition(f, X, y, &s2, 1);
    gp_matrix *S = gp_matrix_alloc(12, N_DRAWS), *C = gp_matrix_alloc(12, 12);
    double mu[12];
    gp_rng rng;
    gp_rng_seed(&rng, 6);
    gp_report r, parts[2];
    gp_error err;
    if (gp_posterior_sample_grid(gp_process_posterior(p), &ax, &ay, NULL, &rng, S, &r, parts, &err))
        fail_msg("%s", err.msg);
    assert_string_equal(parts[0].method, "circulant-embedding");
    assert_int_equal(parts[0].n, 20); /* y extended to 2.0: 5 rows of 4 */
    assert_int_equal(gp_process_mean_at(p, G, mu, NULL), GP_OK);
    assert_int_equal(gp_process_cov(p, G, NULL, C, NULL), GP_OK);
    const double z = test_max_z(S, mu, C);
    if (!(z <= Z_TOL))
        fail_msg("2-D grid pathwise draws: max |z| = %g > %g", z, Z_TOL);
    gp_matrix_free(S);
    gp_matrix_free(C);
    gp_matrix_free(G);
    gp_matrix_free(X);
    gp_process_release(p);
    gp_process_release(f);
    gp_kernel_release(k);
    gp_func_release(m0);
}

/* Queries in several blocks (2000 observations: blocks of 2097 points) give
 * what one point at a time gives. */
static void test_blocks(void **state)
{
    /* 40 active observations and blocks of 10 query points (400 doubles):
     * the walk crosses block boundaries at 10, 20, 30 and 40 */
    fixture *s = *state;
    const size_t n = 40, m = 45, saved = gp_posterior_block_doubles;
    gp_posterior_block_doubles = 400;
    gp_matrix *X = gp_matrix_alloc(n, 1), *Q = gp_matrix_alloc(m, 1);
    gp_matrix_linspace(X, 0, 5);
    gp_matrix_linspace(Q, -1, 6);
    double *y = malloc(n * sizeof *y), *mu = malloc(m * sizeof *mu), *var = malloc(m * sizeof *var);
    for (size_t i = 0; i < n; i++)
        y[i] = sin(X->data[i]);
    const double s2 = 0.1;
    gp_process *p = condition(s->f, X, y, &s2, 1);
    assert_int_equal(gp_process_mean_at(p, Q, mu, NULL), GP_OK);
    assert_int_equal(gp_process_var_at(p, Q, var, NULL), GP_OK);
    const size_t at[] = {0, 9, 10, 11, 29, 30, 39, 40, 44};
    for (size_t t = 0; t < sizeof at / sizeof at[0]; t++) {
        gp_matrix one = {1, 1, &Q->data[at[t]]};
        double m1, v1;
        assert_int_equal(gp_process_mean_at(p, &one, &m1, NULL), GP_OK);
        assert_int_equal(gp_process_var_at(p, &one, &v1, NULL), GP_OK);
        assert_close(mu[at[t]], m1, 1e-12);
        assert_close(var[at[t]], v1, 1e-12);
    }
    gp_posterior_block_doubles = saved;
    free(y);
    free(mu);
    free(var);
    gp_matrix_free(X);
    gp_matrix_free(Q);
    gp_process_release(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moments_match_reference),
        cmocka_unit_test(test_lml_matches_density),
        cmocka_unit_test(test_sequential_conditioning),
        cmocka_unit_test(test_algebra_and_describe),
        cmocka_unit_test(test_rank_deficient_linear),
        cmocka_unit_test(test_repeated_inputs),
        cmocka_unit_test(test_interpolation_variance_clipped),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_pathwise_moments),
        cmocka_unit_test(test_pathwise_grid),
        cmocka_unit_test(test_pathwise_grid2d),
        cmocka_unit_test(test_blocks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
