/* test_kernel_deriv.c: derivatives of kernels in their inputs
 * (gp_kernel_gram_deriv, gp_kernel_diag_deriv, gp_kernel_check_differentiable):
 * the 1-D rbf and Matern 5/2 against their closed forms, every
 * differentiable leaf of the table and every node of the algebra against
 * central finite differences of k in 1-D and 2-D (arbitrary directions u,
 * w), and the refusals for kernels whose paths are not differentiable. */
#include <stdlib.h>
#include <string.h>

#include "gp_kernel_impl.h"
#include "test_util.h"

/* k(x + a u, y + b w) for rows x of X and y of Y */
static double k_moved(const gp_kernel *k, const gp_matrix *X, size_t i, const gp_matrix *Y,
                      size_t j, const double *u, double a, const double *w, double b)
{
    double x[8], y[8];
    const size_t d = X->cols;
    for (size_t c = 0; c < d; c++) {
        x[c] = GP_AT(X, i, c) + (u ? a * u[c] : 0);
        y[c] = GP_AT(Y, j, c) + (w ? b * w[c] : 0);
    }
    return test_kernel_at(k, x, y, d);
}

/* D_u k, D'_w k and D_u D'_w k against central differences, relative to
 * 1 + max |K| (tolerance tol), and the diagonal against the matrix. */
static void check_fd(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, const double *u,
                     const double *w, double tol)
{
    gp_error err = {0};
    char text[400];
    gp_kernel_describe(k, text, sizeof text);
    const size_t n = X->rows, m = Y->rows;
    gp_matrix *D = gp_matrix_alloc(n, m);
    const double h = 1e-4;
    for (int b = 1; b < 4; b++) {
        const double *ub = b & 1 ? u : NULL, *wb = b & 2 ? w : NULL;
        if (gp_kernel_gram_deriv(k, X, Y, ub, wb, D, &err))
            fail_msg("%s: gram_deriv: %s", text, err.msg);
        for (size_t j = 0; j < m; j++)
            for (size_t i = 0; i < n; i++) {
                double fd, scale = 1 + fabs(k_moved(k, X, i, Y, j, NULL, 0, NULL, 0));
                if (b == 3)
                    fd = (k_moved(k, X, i, Y, j, u, h, w, h) - k_moved(k, X, i, Y, j, u, h, w, -h) -
                          k_moved(k, X, i, Y, j, u, -h, w, h) + k_moved(k, X, i, Y, j, u, -h, w, -h)) /
                         (4 * h * h);
                else
                    fd = (k_moved(k, X, i, Y, j, ub, h, wb, h) -
                          k_moved(k, X, i, Y, j, ub, -h, wb, -h)) / (2 * h);
                if (!(fabs(GP_AT(D, i, j) - fd) <= tol * scale * fmax(1, fabs(fd))))
                    fail_msg("%s: %s at (%zu, %zu): analytic %.10g, finite difference %.10g",
                             text, b == 1 ? "D_u k" : b == 2 ? "D'_w k" : "D_u D'_w k", i, j,
                             GP_AT(D, i, j), fd);
            }
    }
    /* the diagonal agrees with the matrix at (X, X) */
    gp_matrix *DX = gp_matrix_alloc(n, n);
    double *dg = malloc(n * sizeof *dg);
    assert_int_equal(gp_kernel_gram_deriv(k, X, NULL, u, w, DX, &err), GP_OK);
    assert_int_equal(gp_kernel_diag_deriv(k, X, u, w, dg, &err), GP_OK);
    for (size_t i = 0; i < n; i++)
        assert_close(dg[i], GP_AT(DX, i, i), 1e-12 * (1 + fabs(dg[i])));
    free(dg);
    gp_matrix_free(DX);
    gp_matrix_free(D);
}

static void test_closed_forms_1d(void **state)
{
    (void)state;
    gp_error err = {0};
    const double a = 1.5, l = 0.7, ls[] = {l}, amp[] = {a};
    const gp_kernel_arg args[] = {TEST_ARG("amplitude", amp), TEST_ARG("lengthscale", ls)};
    gp_kernel *r = test_kernel_named("rbf", args, 2), *m = test_kernel_named("matern52", args, 2);
    gp_matrix *X = test_matrix_rows(3, 1, (double[]){0.3, -0.4, 1.0});
    gp_matrix *Y = test_matrix_rows(2, 1, (double[]){1.1, 0.3});
    gp_matrix *K = gp_matrix_alloc(3, 2);
    const double one[] = {1};
    /* rbf (chapter part 6): Cov(f(x), f'(y)) = a^2 e^(-t^2/2l^2) t / l^2,
     * Cov(f'(x), f'(y)) = a^2 e^(-t^2/2l^2) (1/l^2 - t^2/l^4), t = x - y */
    assert_int_equal(gp_kernel_gram_deriv(r, X, Y, NULL, one, K, &err), GP_OK);
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 2; j++) {
            const double t = X->data[i] - Y->data[j], e = a * a * exp(-t * t / (2 * l * l));
            assert_close(GP_AT(K, i, j), e * t / (l * l), 1e-14);
        }
    assert_int_equal(gp_kernel_gram_deriv(r, X, Y, one, one, K, &err), GP_OK);
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 2; j++) {
            const double t = X->data[i] - Y->data[j], e = a * a * exp(-t * t / (2 * l * l));
            assert_close(GP_AT(K, i, j), e * (1 / (l * l) - t * t / (l * l * l * l)), 1e-13);
        }
    /* Matern 5/2: Cov(f'(x), f'(y)) = 5 a^2 / (3 l^2) (1 + s - s^2) e^-s, s = sqrt5 |t| / l */
    assert_int_equal(gp_kernel_gram_deriv(m, X, Y, one, one, K, &err), GP_OK);
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 2; j++) {
            const double s = sqrt(5.0) * fabs(X->data[i] - Y->data[j]) / l;
            assert_close(GP_AT(K, i, j), 5 * a * a / (3 * l * l) * (1 + s - s * s) * exp(-s),
                         1e-13);
        }
    double v[3];
    assert_int_equal(gp_kernel_diag_deriv(m, X, one, one, v, &err), GP_OK);
    assert_close(v[0], 5 * a * a / (3 * l * l), 1e-13); /* the variance of f' */
    /* iwiener: f' is Brownian motion, Cov(f'(x), f'(y)) = min(x, y) */
    gp_kernel *iw = test_kernel_named("iwiener", NULL, 0);
    gp_matrix *P = test_matrix_rows(3, 1, (double[]){0.3, 2.0, 1.0});
    assert_int_equal(gp_kernel_gram_deriv(iw, P, Y, one, one, K, &err), GP_OK);
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 2; j++)
            assert_close(GP_AT(K, i, j), fmin(P->data[i], Y->data[j]), 1e-15);
    gp_matrix_free(P);
    gp_kernel_release(iw);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_matrix_free(Y);
    gp_kernel_release(r);
    gp_kernel_release(m);
}

/* Every leaf of the table whose paths are differentiable, at its defaults,
 * in 1-D (inputs > 0 for iwiener). */
static void test_every_differentiable_leaf(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_matrix *X = test_random_points(5, 1, 0.2, 2.0, 11), *Y = test_random_points(4, 1, 0.2, 2.0, 12);
    const double one[] = {1}, two[] = {-0.7};
    const gp_kernel_desc *d;
    size_t checked = 0;
    for (size_t t = 0; (d = gp_kernel_desc_at(t)) != NULL; t++) {
        gp_kernel *k = gp_kernel_new(d, NULL, 0, &err);
        if (gp_kernel_check_differentiable(k, &err) == GP_OK) {
            check_fd(k, X, Y, one, two, 2e-5);
            checked++;
        } else {
            assert_non_null(strstr(err.msg, d->name));
        }
        gp_kernel_release(k);
    }
    assert_true(checked >= 10);
    gp_matrix_free(X);
    gp_matrix_free(Y);
}

/* 2-D, per-dimension parameters, directions that mix the dimensions. */
static void test_leaves_in_2d(void **state)
{
    (void)state;
    gp_matrix *X = test_random_points(5, 2, -1.5, 1.5, 13), *Y = test_random_points(4, 2, -1, 2, 14);
    const double u[] = {0.6, -0.8}, w[] = {0.3, 1.2};
    const double amp[] = {1.3}, ls2[] = {0.7, 1.9}, alpha[] = {0.8}, nu[] = {1.7}, nu2[] = {4.5},
                 per2[] = {1.1, 2.3}, wt[] = {0.6, 1.4}, mu[] = {0.3, -0.2, 0.1, 0.5},
                 var[] = {0.2, 0.9, 0.4, 0.3}, off[] = {0.4}, deg[] = {3}, gam[] = {2}, big[] = {2.5, 3.5};
    const gp_kernel_arg rbf[] = {TEST_ARG("amplitude", amp), TEST_ARG("lengthscale", ls2)};
    const gp_kernel_arg rq[] = {TEST_ARG("lengthscale", ls2), TEST_ARG("alpha", alpha)};
    const gp_kernel_arg m1[] = {TEST_ARG("lengthscale", ls2), TEST_ARG("nu", nu)};
    const gp_kernel_arg m2[] = {TEST_ARG("lengthscale", ls2), TEST_ARG("nu", nu2)};
    const gp_kernel_arg ge[] = {TEST_ARG("lengthscale", ls2), TEST_ARG("gamma", gam)};
    const gp_kernel_arg per[] = {TEST_ARG("amplitude", amp), TEST_ARG("lengthscale", ls2), TEST_ARG("period", per2)};
    const gp_kernel_arg cosv[] = {TEST_ARG("period", per2)};
    const gp_kernel_arg sm[] = {TEST_ARG("weights", wt), {"means", mu, 2, 2, NULL},
                                {"variances", var, 2, 2, NULL}};
    const gp_kernel_arg poly[] = {TEST_ARG("degree", deg), TEST_ARG("offset", off)};
    struct {
        const char *name;
        const gp_kernel_arg *args;
        size_t n;
    } cases[] = {{"rbf", rbf, 2},     {"matern32", rbf, 2}, {"matern52", rbf, 2}, {"rq", rq, 2},
                 {"matern", m1, 2},   {"matern", m2, 2},    {"gammaexp", ge, 2},  {"periodic", per, 3},
                 {"cosine", cosv, 1}, {"sm", sm, 3},        {"linear", NULL, 0},  {"polynomial", poly, 2},
                 {"constant", NULL, 0}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        gp_kernel *k = test_kernel_named(cases[c].name, cases[c].args, cases[c].n);
        check_fd(k, X, Y, u, w, 2e-5);
        gp_kernel_release(k);
    }
    for (int q = 1; q <= 3; q++) {
        const double qv[] = {q};
        const gp_kernel_arg wl[] = {TEST_ARG("lengthscale", big), TEST_ARG("q", qv)};
        gp_kernel *k = test_kernel_named("wendland", wl, 2);
        check_fd(k, X, Y, u, w, 2e-5);
        gp_kernel_release(k);
    }
    gp_matrix_free(X);
    gp_matrix_free(Y);
}

static void test_algebra(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_matrix *X = test_random_points(5, 2, -1.5, 1.5, 15), *Y = test_random_points(4, 2, -1, 2, 16);
    const double u[] = {0.6, -0.8}, w[] = {0.3, 1.2}, s[] = {1.5, 0.5}, c[] = {0.3}, ls[] = {0.8};
    const gp_kernel_arg rbf_a[] = {TEST_ARG("lengthscale", ls)};
    gp_kernel *r = test_kernel_named("rbf", rbf_a, 1), *p = test_kernel_named("periodic", NULL, 0);
    gp_kernel *l = test_kernel_named("linear", NULL, 0), *m = test_kernel_named("matern52", NULL, 0);
    gp_kernel *sl = gp_kernel_scale(0.5, l, &err), *sum = gp_kernel_sum(r, sl, &err);
    gp_kernel *prod = gp_kernel_product(sum, p, &err), *pw = gp_kernel_power(m, 3, &err);
    gp_kernel *str = gp_kernel_stretch(r, s, 2, &err), *sh = gp_kernel_shift(p, c, 1, &err);
    gp_kernel *sel = gp_kernel_select(m, (const size_t[]){1, 0, 1}, 3, &err);
    gp_kernel *cp = gp_kernel_changepoint(r, l, 0.2, 2.0, 1, &err);
    gp_kernel *all[] = {sum, prod, pw, str, sh, sel, cp};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        check_fd(all[i], X, Y, u, w, 2e-5);
    /* a warp by a polynomial (1-D) */
    gp_func *f = gp_func_polynomial((const double[]){1, 0.5, -0.3}, 3, &err);
    gp_kernel *wp = gp_kernel_warp(r, f, &err);
    gp_matrix *X1 = test_random_points(5, 1, -1, 1, 17), *Y1 = test_random_points(3, 1, -1, 1, 18);
    check_fd(wp, X1, Y1, (const double[]){1}, (const double[]){1}, 2e-5);
    gp_matrix_free(X1);
    gp_matrix_free(Y1);
    gp_kernel *rel[] = {wp, r, p, l, m, sl, sum, prod, pw, str, sh, sel, cp};
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++)
        gp_kernel_release(rel[i]);
    gp_func_release(f);
    gp_matrix_free(X);
    gp_matrix_free(Y);
}

/* Kernels whose paths are not differentiable are refused, saying why. */
static void test_rough_kernels_are_refused(void **state)
{
    (void)state;
    gp_error err = {0};
    const double nu[] = {0.7}, gam[] = {1.5}, q0[] = {0};
    const gp_kernel_arg m[] = {TEST_ARG("nu", nu)}, ge[] = {TEST_ARG("gamma", gam)}, wl[] = {TEST_ARG("q", q0)};
    struct {
        gp_kernel *k;
        const char *why;
    } cases[] = {
        {test_kernel_named("exponential", NULL, 0), "nowhere differentiable: the exponential k(r) has a kink"},
        {test_kernel_named("ou", NULL, 0), "nowhere differentiable"},
        {test_kernel_named("matern", m, 1), "nu <= 1"},
        {test_kernel_named("gammaexp", ge, 1), "cusp at r = 0"},
        {test_kernel_named("wendland", wl, 1), "q = 0"},
        {test_kernel_named("brownian", NULL, 0), "nowhere differentiable"},
        {test_kernel_named("white", NULL, 0), "not even continuous"},
        {test_kernel_named("fbm", NULL, 0), "nowhere differentiable"},
        {test_kernel_named("nngp", NULL, 0), "not implemented"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        assert_int_equal(gp_kernel_check_differentiable(cases[c].k, &err), GP_ERR_ARG);
        if (!strstr(err.msg, cases[c].why))
            fail_msg("message \"%s\" does not say \"%s\"", err.msg, cases[c].why);
    }
    /* anywhere in an expression; the message names the leaf */
    gp_kernel *r = test_kernel_named("rbf", NULL, 0);
    gp_kernel *s = gp_kernel_sum(r, cases[0].k, &err);
    assert_int_equal(gp_kernel_check_differentiable(s, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "derivative: exponential(amplitude=1, lengthscale=1; "
                                    "exp(-r/l)): its paths are continuous"));
    gp_matrix *X = test_random_points(3, 1, 0, 1, 1), *K = gp_matrix_alloc(3, 3);
    assert_int_equal(gp_kernel_gram_deriv(s, X, NULL, (const double[]){1}, NULL, K, &err),
                     GP_ERR_ARG);
    gp_matrix_free(X);
    gp_matrix_free(K);
    gp_kernel_release(s);
    gp_kernel_release(r);
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
        gp_kernel_release(cases[c].k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_forms_1d),
        cmocka_unit_test(test_every_differentiable_leaf),
        cmocka_unit_test(test_leaves_in_2d),
        cmocka_unit_test(test_algebra),
        cmocka_unit_test(test_rough_kernels_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
