/* test_lowrank.c: the matrix-free pivoted Cholesky (gp_lowrank.h) and the
 * process sampler's choice of path (gp_process_sample_joint_opt).
 *
 * Statistical checks draw NDRAWS samples with a fixed seed and require every
 * mean and covariance entry within 5 standard errors estimated from the draws
 * (test_max_z), against the kernel evaluated independently (gp_kernel_gram).
 * They fail when the stopping rule or the pivot choice is made absolute
 * (residual times the variance, as a relative-trace rule would be): the warped
 * and polynomial kernels then lose their small-variance points. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "gp_func.h"
#include "gp_kernel.h"
#include "gp_lowrank.h"
#include "gp_matrix.h"
#include "gp_process.h"
#include "gp_rng.h"
#include "gp_sampler.h"

#define NDRAWS 20000

/* Low-rank factor of k at X; checks the factor against the Gram matrix
 * (relative to the variances, within 100 tol), the reported residual against
 * max_i S_ii / K_ii computed here, and the draws' moments within 5 SE. */
static gp_factor check_lowrank(const gp_kernel *k, const gp_matrix *X, const double *mu,
                               uint64_t seed)
{
    gp_factor F;
    gp_error err = {0};
    if (gp_lowrank_factor(k, X, NULL, &F, &err))
        fail_msg("lowrank: %s", err.msg);
    assert_non_null(F.L);
    assert_int_equal(F.method, GP_FACTOR_LOWRANK);
    assert_string_equal(gp_factor_method_name(F.method), "lowrank");
    const size_t n = X->rows;
    const double tol = (double)n * DBL_EPSILON;
    gp_matrix *K = test_gram(k, X, NULL), *B = test_factor_rows(&F);
    double worst_diag = 0;
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t j = 0; j < F.rank; j++)
            s += GP_AT(B, i, j) * GP_AT(B, i, j);
        if (GP_AT(K, i, i) > 0)
            worst_diag = fmax(worst_diag, (GP_AT(K, i, i) - s) / GP_AT(K, i, i));
    }
    assert_true(F.residual <= tol);
    assert_true(worst_diag <= F.residual + 1e-13);
    const double rel = test_factor_rel_error(K, &F);
    if (!(rel <= 100 * tol))
        fail_msg("factor off by %g relative to the variances (rank %zu)", rel, F.rank);

    gp_matrix *S = gp_matrix_alloc(n, NDRAWS);
    assert_non_null(S);
    gp_rng rng;
    gp_rng_seed(&rng, seed);
    assert_int_equal(gp_mvn_draw(&F, mu, &rng, S, &err), GP_OK);
    const double z = test_max_z(S, mu, K);
    if (!(z <= 5.0))
        fail_msg("draws off by %.3g SE (rank %zu of %zu)", z, F.rank, n);
    gp_matrix_free(S);
    gp_matrix_free(B);
    gp_matrix_free(K);
    return F;
}

/* The rank the dense sampler finds for k at X. */
static size_t dense_rank(const gp_kernel *k, const gp_matrix *X)
{
    gp_matrix *K = test_gram(k, X, NULL);
    gp_factor F;
    gp_error err;
    if (gp_mvn_factor_gram(K, 0.0, &F, &err))
        fail_msg("dense: %s", err.msg);
    const size_t r = F.rank;
    gp_factor_free(&F);
    gp_matrix_free(K);
    return r;
}

static void expect_rank_near(const gp_factor *F, size_t dense, const char *what)
{
    print_message("%s: low-rank %zu, dense %zu, relative residual %.3g\n", what, F->rank, dense,
                  F->residual);
    assert_true(F->rank + 2 >= dense && F->rank <= dense + 2);
}

static void test_rbf_grid(void **state)
{
    (void)state;
    gp_error err;
    const double l = 1;
    gp_kernel *k = gp_kernel_rbf(1.5, &l, 1, &err);
    gp_matrix *X = gp_matrix_alloc(80, 1);
    gp_matrix_linspace(X, 0, 5);
    double mu[80];
    for (size_t i = 0; i < 80; i++)
        mu[i] = 3 * cos(X->data[i]);
    gp_factor F = check_lowrank(k, X, mu, 1);
    expect_rank_near(&F, dense_rank(k, X), "rbf on 80 points");
    gp_factor_free(&F);
    gp_matrix_free(X);
    gp_kernel_release(k);
}

/* rbf(l = 3) warped by exp(t) on linspace(0, 30, 61): variances 1 .. 1e26. A
 * rule on the trace or on absolute residuals would stop after the points of
 * largest variance; the per-variance one reaches the rank of the rbf. */
static void test_warped_rbf(void **state)
{
    (void)state;
    gp_error err;
    const double l = 3;
    gp_kernel *rbf = gp_kernel_rbf(1, &l, 1, &err);
    gp_kernel *k = test_exp_warp(rbf);
    gp_matrix *X = gp_matrix_alloc(61, 1);
    gp_matrix_linspace(X, 0, 30);
    gp_factor F = check_lowrank(k, X, NULL, 2);
    expect_rank_near(&F, dense_rank(rbf, X), "rbf warped by exp");
    gp_factor_free(&F);
    gp_matrix_free(X);
    gp_kernel_release(k);
    gp_kernel_release(rbf);
}

/* polynomial degree 3 on {0, 0.5, 1, 2, 20, 40, ..., 920}: rank 4. */
static void test_polynomial(void **state)
{
    (void)state;
    gp_error err;
    gp_kernel *k = gp_kernel_polynomial(1, 1, 3, &err);
    gp_matrix *X = test_wide_points();
    gp_factor F = check_lowrank(k, X, NULL, 3);
    assert_int_equal(F.rank, 4);
    gp_factor_free(&F);
    gp_matrix_free(X);
    gp_kernel_release(k);
}

/* Scattered 2-D inputs, and a sum of smooth kernels with ARD length-scales. */
static void test_2d_sum(void **state)
{
    (void)state;
    gp_error err;
    const double ls[] = {2.5, 4.0}, l = 4.0;
    gp_kernel *a = gp_kernel_rbf(1, ls, 2, &err), *b = gp_kernel_rq(0.5, &l, 1, 20.0, &err);
    gp_kernel *lin = gp_kernel_linear(0.1, 0.2, &err);
    gp_kernel *ab = gp_kernel_sum(a, b, &err), *k = gp_kernel_sum(ab, lin, &err);
    gp_matrix *X = test_random_points(70, 2, 0, 5, 7);
    gp_factor F = check_lowrank(k, X, NULL, 4);
    expect_rank_near(&F, dense_rank(k, X), "2-D rbf + rq + linear");
    gp_factor_free(&F);
    gp_matrix_free(X);
    gp_kernel_release(k);
    gp_kernel_release(ab);
    gp_kernel_release(lin);
    gp_kernel_release(a);
    gp_kernel_release(b);
}

/* The NN kernel (not stationary) and a zero-variance point (rbf warped by x
 * at x = 0: drawn as its mean). */
static void test_nn_and_zero_variance(void **state)
{
    (void)state;
    gp_error err;
    const double Sigma[] = {1, 0, 0, 10}, l = 0.7, c[] = {0, 1};
    gp_kernel *nn = gp_kernel_nn(Sigma, 2, 1, 0, &err);
    gp_matrix *X = gp_matrix_alloc(60, 1);
    gp_matrix_linspace(X, -3, 3);
    gp_factor F = check_lowrank(nn, X, NULL, 5);
    expect_rank_near(&F, dense_rank(nn, X), "nn");
    gp_factor_free(&F);

    gp_kernel *rbf = gp_kernel_rbf(1, &l, 1, &err);
    gp_func *x = gp_func_polynomial(c, 2, &err);
    gp_kernel *k = gp_kernel_warp(rbf, x, &err);
    gp_matrix_linspace(X, 0, 3);
    F = check_lowrank(k, X, NULL, 6);
    gp_matrix *S = gp_matrix_alloc(60, 3);
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    double mu[60] = {7};
    assert_int_equal(gp_mvn_draw(&F, mu, &rng, S, &err), GP_OK);
    for (size_t t = 0; t < 3; t++)
        assert_true(GP_AT(S, 0, t) == 7.0);
    gp_matrix_free(S);
    gp_factor_free(&F);
    gp_matrix_free(X);
    gp_kernel_release(k);
    gp_kernel_release(rbf);
    gp_kernel_release(nn);
    gp_func_release(x);
}

/* The first column of a 5-sample draw is the 1-sample draw (to rounding),
 * and the factor is freed with nothing left (valgrind). */
static void test_columns_and_tolerance(void **state)
{
    (void)state;
    gp_error err;
    const double l = 0.5;
    gp_kernel *k = gp_kernel_rbf(1, &l, 1, &err);
    gp_matrix *X = test_random_points(300, 1, 0, 5, 3);
    gp_factor F;
    assert_int_equal(gp_lowrank_factor(k, X, NULL, &F, &err), GP_OK);
    gp_matrix *five = gp_matrix_alloc(300, 5), *one = gp_matrix_alloc(300, 1);
    gp_rng r5, r1;
    gp_rng_seed(&r5, 9);
    gp_rng_seed(&r1, 9);
    assert_int_equal(gp_mvn_draw(&F, NULL, &r5, five, &err), GP_OK);
    assert_int_equal(gp_mvn_draw(&F, NULL, &r1, one, &err), GP_OK);
    for (size_t i = 0; i < 300; i++)
        assert_close(GP_AT(five, i, 0), one->data[i], 1e-13 * (1 + fabs(one->data[i])));
    const size_t r = F.rank;
    gp_factor_free(&F);
    /* a looser tolerance gives a lower rank and reports a residual below it */
    gp_lowrank_options opt = {1e-6, 0};
    assert_int_equal(gp_lowrank_factor(k, X, &opt, &F, &err), GP_OK);
    assert_true(F.rank < r);
    assert_true(F.residual <= 1e-6 && F.residual > 1e-12);
    gp_factor_free(&F);
    gp_matrix_free(five);
    gp_matrix_free(one);
    gp_matrix_free(X);
    gp_kernel_release(k);
}

/* OU is full rank: with a rank limit the factorisation gives up, early (the
 * residual decays like 1/m), and says so. */
static void test_gives_up(void **state)
{
    (void)state;
    gp_error err;
    const double l = 1;
    gp_kernel *k = gp_kernel_ou(1, &l, 1, &err);
    gp_matrix *X = gp_matrix_alloc(2000, 1);
    gp_matrix_linspace(X, 0, 5);
    gp_lowrank_options opt = {0, 200};
    gp_factor F;
    assert_int_equal(gp_lowrank_factor(k, X, &opt, &F, &err), GP_OK);
    assert_null(F.L);
    print_message("%s\n", F.note);
    assert_true(F.rank < 200);
    assert_non_null(strstr(F.note, "the rank would exceed 200"));
    assert_non_null(strstr(F.note, "decaying too slowly"));
    gp_factor_free(&F);
    /* a length-scale short against the domain: the pivots cannot even cover
     * the points within the limit, and that is seen at the first check */
    gp_matrix_linspace(X, 0, 1000);
    assert_int_equal(gp_lowrank_factor(k, X, &opt, &F, &err), GP_OK);
    assert_null(F.L);
    assert_int_equal(F.rank, 32);
    assert_non_null(strstr(F.note, "covering the points too slowly"));
    gp_factor_free(&F);
    /* ... but a smooth kernel on a domain that 32 pivots do not yet cover,
     * which a few hundred do, is still factored */
    gp_kernel *wide_rbf = gp_kernel_rbf(1, &l, 1, &err);
    gp_matrix_linspace(X, 0, 60);
    assert_int_equal(gp_lowrank_factor(wide_rbf, X, &opt, &F, &err), GP_OK);
    assert_non_null(F.L);
    print_message("rbf on [0, 60]: rank %zu\n", F.rank);
    assert_true(F.rank > 64 && F.rank < 200);
    gp_factor_free(&F);
    gp_kernel_release(wide_rbf);
    /* a limit it can reach: the hard stop */
    gp_matrix_linspace(X, 0, 0.5);
    opt.max_rank = 3;
    gp_kernel *rbf = gp_kernel_rbf(1, &l, 1, &err);
    assert_int_equal(gp_lowrank_factor(rbf, X, &opt, &F, &err), GP_OK);
    assert_null(F.L);
    assert_int_equal(F.rank, 3);
    gp_factor_free(&F);
    gp_matrix_free(X);
    gp_kernel_release(k);
    gp_kernel_release(rbf);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    gp_error err;
    const double l = 1;
    gp_kernel *k = gp_kernel_rbf(1, &l, 1, &err);
    gp_matrix *X = gp_matrix_alloc(5, 1), empty = {0, 1, NULL};
    gp_factor F;
    assert_int_equal(gp_lowrank_factor(NULL, X, NULL, &F, &err), GP_ERR_ARG);
    assert_int_equal(gp_lowrank_factor(k, &empty, NULL, &F, &err), GP_ERR_DIM);
    assert_int_equal(gp_lowrank_factor(k, X, NULL, NULL, &err), GP_ERR_ARG);
    X->data[2] = NAN;
    assert_int_equal(gp_lowrank_factor(k, X, NULL, &F, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "non-finite"));
    gp_matrix *X2 = gp_matrix_alloc(5, 2); /* rbf with one length-scale takes any d */
    assert_int_equal(gp_lowrank_factor(k, X2, NULL, &F, &err), GP_OK);
    assert_int_equal(F.rank, 1); /* five copies of one point */
    gp_factor_free(&F);
    gp_matrix_free(X2);
    gp_matrix_free(X);
    gp_kernel_release(k);
}

/* ---- the process sampler's choice ---------------------------------------------- */

typedef struct leaf_case {
    gp_kernel *k;
    gp_func *zero;
    gp_process *f;
} leaf_case;

static leaf_case leaf_of(gp_kernel *k)
{
    gp_error err;
    leaf_case c = {k, gp_func_constant(0, &err), NULL};
    c.f = gp_process_new(c.zero, k, &err);
    assert_non_null(c.f);
    return c;
}

static void leaf_free(leaf_case *c)
{
    gp_process_release(c->f);
    gp_func_release(c->zero);
    gp_kernel_release(c->k);
}

/* One draw of f at X with opt; returns the info. */
static gp_factor sample_info(gp_process *f, const gp_matrix *X, const gp_sample_options *opt,
                             gp_code want)
{
    gp_matrix *S = gp_matrix_alloc(X->rows, 2);
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    gp_factor info;
    memset(&info, 0, sizeof info);
    gp_error err = {0};
    gp_code rc = gp_process_sample_joint_opt(&f, 1, X, opt, &rng, &S, &info, 1, NULL, &err);
    if (rc != want)
        fail_msg("expected code %d, got %d: %s", (int)want, (int)rc, err.msg);
    if (rc)
        print_message("%s\n", err.msg);
    assert_null(info.L);
    assert_null(info.piv);
    assert_null(info.scale);
    gp_matrix_free(S);
    return info;
}

static void test_auto_choice(void **state)
{
    (void)state;
    gp_error err;
    const double l = 1;
    leaf_case rbf = leaf_of(gp_kernel_rbf(1, &l, 1, &err));
    leaf_case ou = leaf_of(gp_kernel_ou(1, &l, 1, &err));
    gp_matrix *X = gp_matrix_alloc(1000, 1), *small = gp_matrix_alloc(50, 1);
    gp_matrix_linspace(X, 0, 5);
    gp_matrix_linspace(small, 0, 5);
    gp_sample_options opt;
    gp_sample_options_default(&opt);
    assert_int_equal(opt.method, GP_SAMPLE_AUTO);
    assert_string_equal(gp_sample_method_name(opt.method), "auto");

    gp_factor info = sample_info(rbf.f, X, &opt, GP_OK);
    assert_int_equal(info.method, GP_FACTOR_LOWRANK);
    assert_string_equal(info.note, "");
    info = sample_info(rbf.f, small, &opt, GP_OK); /* few points: dense directly */
    assert_int_equal(info.method, GP_FACTOR_PIVOTED_CHOLESKY);
    info = sample_info(ou.f, X, &opt, GP_OK); /* full rank: falls back, says why */
    assert_int_equal(info.method, GP_FACTOR_CHOLESKY);
    print_message("ou: %s\n", info.note);
    assert_non_null(strstr(info.note, "dense: the low-rank path stopped at rank"));
    opt.jitter = 1e-8; /* jitter asks for the dense Cholesky */
    info = sample_info(rbf.f, X, &opt, GP_OK);
    assert_int_equal(info.method, GP_FACTOR_CHOLESKY);
    assert_true(info.jitter == 1e-8);

    opt.method = GP_SAMPLE_LOWRANK; /* forced: no jitter, no rank limit */
    sample_info(rbf.f, X, &opt, GP_ERR_ARG);
    opt.jitter = 0;
    info = sample_info(ou.f, small, &opt, GP_OK);
    assert_int_equal(info.method, GP_FACTOR_LOWRANK);
    assert_int_equal(info.rank, 50);
    opt.method = GP_SAMPLE_DENSE;
    info = sample_info(rbf.f, X, &opt, GP_OK);
    assert_int_equal(info.method, GP_FACTOR_PIVOTED_CHOLESKY);
    opt.method = (gp_sample_method)7;
    sample_info(rbf.f, X, &opt, GP_ERR_ARG);
    opt.method = GP_SAMPLE_AUTO;
    opt.max_rank_fraction = 0;
    sample_info(rbf.f, X, &opt, GP_ERR_ARG);
    opt.max_rank_fraction = 0.1;
    opt.tol = 1;
    sample_info(rbf.f, X, &opt, GP_ERR_ARG);
    gp_matrix_free(small);
    gp_matrix_free(X);
    leaf_free(&rbf);
    leaf_free(&ou);
}

/* Joint draws on the low-rank path: u = f + 2 g from the same draws, and the
 * moments of a warped process with mean (through the process API). */
static void test_joint_lowrank(void **state)
{
    (void)state;
    gp_error err;
    const double l = 1, l2 = 0.5, cm[] = {1, 0.5};
    leaf_case f = leaf_of(gp_kernel_rbf(1, &l, 1, &err));
    gp_func *m = gp_func_polynomial(cm, 2, &err);
    gp_kernel *k2 = gp_kernel_rbf(2, &l2, 1, &err);
    gp_process *g = gp_process_new(m, k2, &err);
    gp_process *g2 = gp_process_scale(2, g, &err), *u = gp_process_sum(f.f, g2, &err);
    gp_matrix *X = gp_matrix_alloc(40, 1);
    gp_matrix_linspace(X, 0, 4);
    gp_sample_options opt;
    gp_sample_options_default(&opt);
    opt.method = GP_SAMPLE_LOWRANK;
    gp_matrix *F = gp_matrix_alloc(40, NDRAWS), *G = gp_matrix_alloc(40, NDRAWS),
              *U = gp_matrix_alloc(40, NDRAWS);
    gp_matrix *outs[] = {F, G, U};
    gp_process *ps[] = {f.f, g, u};
    gp_factor infos[2];
    gp_rng rng;
    gp_rng_seed(&rng, 31);
    assert_int_equal(
        gp_process_sample_joint_opt(ps, 3, X, &opt, &rng, outs, infos, 2, NULL, &err), GP_OK);
    assert_int_equal(infos[0].method, GP_FACTOR_LOWRANK);
    assert_int_equal(infos[1].method, GP_FACTOR_LOWRANK);
    for (size_t i = 0; i < 40 * NDRAWS; i++)
        assert_close(U->data[i], F->data[i] + 2 * G->data[i], 1e-12 * (1 + fabs(U->data[i])));
    gp_matrix *C = gp_matrix_alloc(40, 40);
    double mu[40];
    assert_int_equal(gp_process_cov(u, X, NULL, C, &err), GP_OK);
    assert_int_equal(gp_process_mean_at(u, X, mu, &err), GP_OK);
    const double z = test_max_z(U, mu, C);
    print_message("f + 2 g on the low-rank path: max |z| %.3g\n", z);
    assert_true(z <= 5.0);
    gp_matrix_free(C);
    gp_matrix_free(F);
    gp_matrix_free(G);
    gp_matrix_free(U);
    gp_matrix_free(X);
    gp_process_release(u);
    gp_process_release(g2);
    gp_process_release(g);
    gp_kernel_release(k2);
    gp_func_release(m);
    leaf_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rbf_grid),
        cmocka_unit_test(test_warped_rbf),
        cmocka_unit_test(test_polynomial),
        cmocka_unit_test(test_2d_sum),
        cmocka_unit_test(test_nn_and_zero_variance),
        cmocka_unit_test(test_columns_and_tolerance),
        cmocka_unit_test(test_gives_up),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_auto_choice),
        cmocka_unit_test(test_joint_lowrank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
