/* test_process_deriv.c: derivative processes (gp_process_derivative). Joint
 * draws of f and f' against their joint covariance written out from the
 * formulas (the chapter's part 6 for the rbf, the Matern 5/2 second
 * derivative), 5 standard errors, fixed seeds; sampled derivatives against
 * finite differences of the same sampled paths; exact moments through sums,
 * scalings, offsets and warps; and the refusals. */
#include <stdlib.h>
#include <string.h>

#include "gp_process.h"
#include "test_util.h"

static gp_process *gp_of(const char *kname, const gp_kernel_arg *args, size_t n, gp_func *mean)
{
    gp_error err = {0};
    gp_kernel *k = gp_kernel_new_named(kname, args, n, &err);
    assert_non_null(k);
    gp_func *zero = mean ? NULL : gp_func_constant(0, &err);
    gp_process *p = gp_process_new(mean ? mean : zero, k, &err);
    assert_non_null(p);
    gp_kernel_release(k);
    gp_func_release(zero);
    return p;
}

/* Cov([f(X); f'(X)]) for a 1-D stationary k(t) = a^2 rho(t): blocks
 * k(t), dk/dy = -k'(t), dk/dx = k'(t), d^2k/dx dy = -k''(t), t = x - y;
 * kd(t, order) gives k, k', k''. */
static gp_matrix *joint_cov(const gp_matrix *X, double (*kd)(double, int))
{
    const size_t n = X->rows;
    gp_matrix *K = gp_matrix_alloc(2 * n, 2 * n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            const double t = X->data[i] - X->data[j];
            GP_AT(K, i, j) = kd(t, 0);
            GP_AT(K, i, n + j) = -kd(t, 1);    /* Cov(f(x_i), f'(x_j)) */
            GP_AT(K, n + i, j) = kd(t, 1);     /* Cov(f'(x_i), f(x_j)) */
            GP_AT(K, n + i, n + j) = -kd(t, 2); /* Cov(f'(x_i), f'(x_j)) */
        }
    return K;
}

#define A2 2.25
#define L 0.7

/* rbf: a^2 e^(-t^2/2l^2); k' = -t/l^2 k; k'' = (t^2/l^4 - 1/l^2) k */
static double rbf_d(double t, int order)
{
    const double k = A2 * exp(-t * t / (2 * L * L));
    return order == 0 ? k : order == 1 ? -t / (L * L) * k : (t * t / (L * L * L * L) - 1 / (L * L)) * k;
}

/* Matern 5/2 in s = sqrt5 |t| / l: k = a^2 (1 + s + s^2/3) e^-s,
 * k' = -(5 a^2 / 3 l^2) t (1 + s) e^-s, k'' = -(5 a^2 / 3 l^2) (1 + s - s^2) e^-s */
static double m52_d(double t, int order)
{
    const double s = sqrt(5.0) * fabs(t) / L, e = exp(-s), c = 5 * A2 / (3 * L * L);
    return order == 0 ? A2 * (1 + s + s * s / 3) * e
           : order == 1 ? -c * t * (1 + s) * e
                        : -c * (1 + s - s * s) * e;
}

static void check_joint(const char *kname, double (*kd)(double, int), unsigned long long seed)
{
    gp_error err = {0};
    const double amp[] = {1.5}, ls[] = {L};
    const gp_kernel_arg args[] = {TEST_ARG("amplitude", amp), TEST_ARG("lengthscale", ls)};
    gp_process *f = gp_of(kname, args, 2, NULL), *df = gp_process_derivative(f, 0, &err);
    assert_non_null(df);
    gp_matrix *X = test_matrix_rows(4, 1, (double[]){0, 0.3, 0.35, 1.2});
    const size_t n = 4, ns = 20000;
    gp_matrix *F = gp_matrix_alloc(n, ns), *D = gp_matrix_alloc(n, ns), *S = gp_matrix_alloc(2 * n, ns);
    gp_rng rng;
    gp_rng_seed(&rng, seed);
    gp_process *ps[] = {f, df};
    gp_matrix *outs[] = {F, D};
    gp_factor info[2];
    size_t parts;
    assert_int_equal(gp_process_sample_joint(ps, 2, X, 0, &rng, outs, info, 2, &parts, &err), GP_OK);
    assert_int_equal(parts, 1); /* f and f' are one process: one joint draw */
    for (size_t j = 0; j < ns; j++) {
        memcpy(&GP_AT(S, 0, j), &GP_AT(F, 0, j), n * sizeof(double));
        memcpy(&GP_AT(S, n, j), &GP_AT(D, 0, j), n * sizeof(double));
    }
    gp_matrix *K = joint_cov(X, kd);
    const double z = test_max_z(S, NULL, K);
    if (!(z < 5))
        fail_msg("%s: joint draws of f and f' are %.2f standard errors from the formulas", kname, z);
    /* the exact moments agree with the formulas too */
    gp_matrix *C = gp_matrix_alloc(n, n);
    assert_int_equal(gp_process_cov(df, X, NULL, C, &err), GP_OK);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            assert_close(GP_AT(C, i, j), GP_AT(K, n + i, n + j), 1e-12);
    gp_process *u = gp_process_sum(f, df, &err); /* f + f': all four blocks */
    assert_int_equal(gp_process_cov(u, X, NULL, C, &err), GP_OK);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            assert_close(GP_AT(C, i, j),
                         GP_AT(K, i, j) + GP_AT(K, i, n + j) + GP_AT(K, n + i, j) +
                             GP_AT(K, n + i, n + j),
                         1e-12);
    gp_process_release(u);
    gp_matrix_free(C);
    gp_matrix_free(K);
    gp_matrix_free(S);
    gp_matrix_free(F);
    gp_matrix_free(D);
    gp_matrix_free(X);
    gp_process_release(df);
    gp_process_release(f);
}

static void test_joint_draws_rbf(void **state)
{
    (void)state;
    check_joint("rbf", rbf_d, 7);
}

static void test_joint_draws_matern52(void **state)
{
    (void)state;
    check_joint("matern52", m52_d, 8);
}

/* f' drawn with f is the derivative of each drawn path: on a fine grid,
 * (f(x + h) - f(x - h)) / 2h - f'(x) = O(h^2) (for the rbf about
 * h^2 |f'''| / 6), far below the sd of f' (1.5 / 0.7). */
static void test_derivative_of_each_path(void **state)
{
    (void)state;
    gp_error err = {0};
    const double amp[] = {1.5}, ls[] = {L};
    const gp_kernel_arg args[] = {TEST_ARG("amplitude", amp), TEST_ARG("lengthscale", ls)};
    gp_process *f = gp_of("rbf", args, 2, NULL), *df = gp_process_derivative(f, 0, &err);
    const size_t n = 61, ns = 5;
    const double h = 0.01;
    gp_matrix *X = gp_matrix_alloc(n, 1);
    for (size_t i = 0; i < n; i++)
        X->data[i] = i * h;
    gp_matrix *F = gp_matrix_alloc(n, ns), *D = gp_matrix_alloc(n, ns);
    gp_rng rng;
    gp_rng_seed(&rng, 9);
    gp_process *ps[] = {f, df};
    gp_matrix *outs[] = {F, D};
    assert_int_equal(gp_process_sample_joint(ps, 2, X, 0, &rng, outs, NULL, 0, NULL, &err), GP_OK);
    double worst = 0, size = 0;
    for (size_t j = 0; j < ns; j++)
        for (size_t i = 1; i + 1 < n; i++) {
            const double fd = (GP_AT(F, i + 1, j) - GP_AT(F, i - 1, j)) / (2 * h);
            worst = fmax(worst, fabs(fd - GP_AT(D, i, j)));
            size = fmax(size, fabs(GP_AT(D, i, j)));
        }
    if (!(worst < 1e-3 && size > 0.5))
        fail_msg("finite differences of the paths differ from the drawn derivative by %g (|f'| up "
                 "to %g)",
                 worst, size);
    gp_matrix_free(F);
    gp_matrix_free(D);
    gp_matrix_free(X);
    gp_process_release(df);
    gp_process_release(f);
}

/* Through the algebra: (c f + g + w)' = c f' + g' + w', (w f)' = w' f + w f';
 * 2-D inputs with the derivative in the second dimension. */
static void test_algebra_and_means(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_func *m = gp_func_polynomial((const double[]){1, 2, 3}, 3, &err); /* 1 + 2x + 3x^2 */
    gp_process *f = gp_of("rbf", NULL, 0, m), *g = gp_of("matern52", NULL, 0, NULL);
    gp_process *f2 = gp_process_scale(2, f, &err), *s = gp_process_sum(f2, g, &err);
    gp_func *c = gp_func_constant(5, &err);
    gp_process *so = gp_process_offset(s, c, &err), *d = gp_process_derivative(so, 0, &err);
    assert_non_null(d);
    gp_matrix *X = test_matrix_rows(3, 1, (double[]){-0.5, 0.2, 1.0});
    double mu[3];
    assert_int_equal(gp_process_mean_at(d, X, mu, &err), GP_OK);
    for (size_t i = 0; i < 3; i++)
        assert_close(mu[i], 2 * (2 + 6 * X->data[i]), 1e-14);
    double v[3];
    assert_int_equal(gp_process_var_at(d, X, v, &err), GP_OK);
    for (size_t i = 0; i < 3; i++) /* 4 Var f' + Var g' = 4 / l^2 + 5 / (3 l^2), l = 1 */
        assert_close(v[i], 4 + 5.0 / 3.0, 1e-13);
    /* a warp by a polynomial: (w f)' = w' f + w f', Var at x: w'^2 k(0) + w^2 Var f' (Cov(f, f') = 0 at t = 0) */
    gp_func *w = gp_func_polynomial((const double[]){0, 1}, 2, &err);
    gp_process *wf = gp_process_warp(w, g, &err), *dwf = gp_process_derivative(wf, 0, &err);
    assert_non_null(dwf);
    assert_int_equal(gp_process_var_at(dwf, X, v, &err), GP_OK);
    for (size_t i = 0; i < 3; i++)
        assert_close(v[i], 1 + X->data[i] * X->data[i] * 5.0 / 3.0, 1e-13);
    /* 2-D: d/dx_2 of an ARD rbf has variance 1 / l_2^2 */
    const double ls[] = {0.5, 2.0};
    const gp_kernel_arg a2[] = {TEST_ARG("lengthscale", ls)};
    gp_process *h = gp_of("rbf", a2, 1, NULL), *dh = gp_process_derivative(h, 1, &err);
    gp_matrix *X2 = test_random_points(3, 2, -1, 1, 4);
    assert_int_equal(gp_process_var_at(dh, X2, v, &err), GP_OK);
    assert_close(v[0], 0.25, 1e-14);
    gp_matrix *X1 = test_matrix_rows(1, 1, (double[]){0});
    assert_int_equal(gp_process_var_at(dh, X1, v, &err), GP_ERR_DIM);
    assert_string_equal(err.msg, "derivative: d/dx_2 is out of range for 1-D input");
    gp_process *rel[] = {f, g, f2, s, so, d, wf, dwf, h, dh};
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++)
        gp_process_release(rel[i]);
    gp_func_release(m);
    gp_func_release(c);
    gp_func_release(w);
    gp_matrix_free(X);
    gp_matrix_free(X1);
    gp_matrix_free(X2);
}

static void test_refusals(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_process *ou = gp_of("ou", NULL, 0, NULL), *r = gp_of("rbf", NULL, 0, NULL);
    assert_null(gp_process_derivative(ou, 0, &err));
    assert_non_null(strstr(err.msg, "nowhere differentiable"));
    gp_process *q = gp_of("rbf", NULL, 0, NULL), *pr = gp_process_product(r, q, &err);
    assert_null(gp_process_derivative(pr, 0, &err));
    assert_non_null(strstr(err.msg, "a product of processes is not a Gaussian process"));
    gp_process *dr = gp_process_derivative(r, 0, &err);
    assert_null(gp_process_derivative(dr, 0, &err));
    assert_non_null(strstr(err.msg, "second derivatives are not supported"));
    /* f' and f are not independent: their product is refused */
    assert_null(gp_process_product(r, dr, &err));
    gp_process *rel[] = {ou, r, q, pr, dr};
    for (size_t i = 0; i < 5; i++)
        gp_process_release(rel[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_joint_draws_rbf),
        cmocka_unit_test(test_joint_draws_matern52),
        cmocka_unit_test(test_derivative_of_each_path),
        cmocka_unit_test(test_algebra_and_means),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
