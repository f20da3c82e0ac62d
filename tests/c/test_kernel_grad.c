/* test_kernel_grad.c: hyperparameter gradients (gp_kernel_params,
 * gp_kernel_gram_grad, gp_kernel_with_params) against central finite
 * differences of the Gram matrix: every free parameter of every leaf in the
 * table (at its defaults and at non-default values, in 1-D and 2-D with
 * per-dimension parameters), and through every node of the algebra. */
#include <stdlib.h>
#include <string.h>

#include "gp_kernel_impl.h" /* the descriptors, to find the free parameters */
#include "test_util.h"

/* k with parameter p moved by h (the others at their values), evaluated at X, Y. */
static gp_matrix *gram_moved(const gp_kernel *k, const gp_kernel_param *ps, size_t np, size_t p,
                             double h, const gp_matrix *X, const gp_matrix *Y)
{
    gp_error err = {0};
    double *v = malloc(np * sizeof *v);
    for (size_t q = 0; q < np; q++)
        v[q] = ps[q].value + (q == p ? h : 0.0);
    gp_kernel *kh = gp_kernel_with_params(k, v, np, &err);
    if (!kh)
        fail_msg("with_params %s + %g: %s", ps[p].name, h, err.msg);
    gp_matrix *K = test_gram(kh, X, Y);
    gp_kernel_release(kh);
    free(v);
    return K;
}

/* max |dK/dtheta - (K(theta + h) - K(theta - h)) / 2h| over the entries,
 * relative to 1 + max |K|, for every free parameter of k at X (and Y); a
 * parameter at the end of its range gets the one-sided second-order
 * difference (-3 K(theta) + 4 K(theta + h) - K(theta + 2h)) / 2h. */
static void check_fd(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, double tol)
{
    gp_error err = {0};
    char text[512];
    gp_kernel_describe(k, text, sizeof text);
    size_t np = 0;
    assert_int_equal(gp_kernel_params(k, NULL, 0, &np, &err), GP_OK);
    gp_kernel_param *ps = calloc(np + 1, sizeof *ps);
    size_t np2;
    assert_int_equal(gp_kernel_params(k, ps, np, &np2, &err), GP_OK);
    assert_int_equal(np2, np);
    const size_t m = Y ? Y->rows : X->rows;
    gp_matrix *D = gp_matrix_alloc(X->rows, m);
    gp_matrix *K = test_gram(k, X, Y);
    double scale = 1;
    for (size_t t = 0; t < K->rows * K->cols; t++)
        scale = fmax(scale, fabs(K->data[t]));
    for (size_t p = 0; p < np; p++) {
        if (gp_kernel_gram_grad(k, &ps[p], X, Y, D, &err))
            fail_msg("%s: gram_grad %s: %s", text, ps[p].name, err.msg);
        const double h = 1e-6 * fmax(fabs(ps[p].value), 1e-2);
        const int one_sided = ps[p].value - h < ps[p].lo;
        gp_matrix *Kp = gram_moved(k, ps, np, p, h, X, Y);
        gp_matrix *Km = gram_moved(k, ps, np, p, one_sided ? 2 * h : -h, X, Y);
        for (size_t t = 0; t < D->rows * D->cols; t++) {
            const double fd = one_sided
                                  ? (-3 * K->data[t] + 4 * Kp->data[t] - Km->data[t]) / (2 * h)
                                  : (Kp->data[t] - Km->data[t]) / (2 * h);
            if (!(fabs(D->data[t] - fd) <= tol * scale * fmax(1.0, fabs(fd))))
                fail_msg("%s: d/d%s at entry %zu: analytic %.12g, finite difference %.12g", text,
                         ps[p].name, t, D->data[t], fd);
        }
        gp_matrix_free(Kp);
        gp_matrix_free(Km);
    }
    gp_matrix_free(K);
    gp_matrix_free(D);
    free(ps);
}

/* Inputs for a leaf at its defaults: 1-D, > 0 (brownian, iwiener). */
static void test_every_leaf_at_its_defaults(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_matrix *X = test_random_points(7, 1, 0.1, 2.5, 3), *Y = test_random_points(5, 1, 0.1, 2.5, 4);
    const gp_kernel_desc *d;
    size_t with_params = 0;
    for (size_t t = 0; (d = gp_kernel_desc_at(t)) != NULL; t++) {
        gp_kernel *k = gp_kernel_new(d, NULL, 0, &err);
        assert_non_null(k);
        size_t np;
        assert_int_equal(gp_kernel_params(k, NULL, 0, &np, &err), GP_OK);
        with_params += np > 0;
        /* every numeric parameter not flagged NOGRAD is free: has a formula */
        for (size_t i = 0; gp_kernel_desc_param(d, i); i++) {
            const gp_param_spec *ps = &d->params[i];
            const int numeric = ps->kind == GP_PARAM_NUMBER || ps->kind == GP_PARAM_LIST ||
                                ps->kind == GP_PARAM_MATRIX;
            if (numeric && !(ps->flags & GP_PARAM_NOGRAD) &&
                !(ps->flags & (GP_PARAM_AMPLITUDE | GP_PARAM_FACTOR)) &&
                !(d->geometry == GP_GEOM_SQDIST && i == 1) && !d->grad)
                fail_msg("%s: parameter %s has no gradient formula and no NOGRAD flag", d->name,
                         ps->name);
        }
        check_fd(k, X, NULL, 1e-6);
        check_fd(k, X, Y, 1e-6);
        gp_kernel_release(k);
    }
    assert_true(with_params >= 18);
    gp_matrix_free(X);
    gp_matrix_free(Y);
}

/* Non-default values, 2-D inputs, per-dimension parameters. */
static void test_leaves_in_2d(void **state)
{
    (void)state;
    gp_matrix *X = test_random_points(6, 2, -1.5, 1.5, 5), *Y = test_random_points(4, 2, -1, 2, 6);
    const double amp[] = {1.3}, ls2[] = {0.7, 1.9}, alpha[] = {0.8}, gam[] = {1.4},
                 nu[] = {0.7}, nu2[] = {3.2}, per2[] = {1.1, 2.3}, w[] = {0.6, 1.4},
                 mu[] = {0.3, -0.2, 0.1, 0.5}, var[] = {0.2, 0.9, 0.4, 0.3}, off[] = {0.4},
                 s2[] = {0.8}, deg[] = {3}, hurst[] = {0.3};
    const gp_kernel_arg rbf[] = {TEST_ARG("amplitude", amp), TEST_ARG("lengthscale", ls2)};
    const gp_kernel_arg rq[] = {TEST_ARG("amplitude", amp), TEST_ARG("lengthscale", ls2), TEST_ARG("alpha", alpha)};
    const gp_kernel_arg ge[] = {TEST_ARG("lengthscale", ls2), TEST_ARG("gamma", gam)};
    const gp_kernel_arg m1[] = {TEST_ARG("lengthscale", ls2), TEST_ARG("nu", nu)};
    const gp_kernel_arg m2[] = {TEST_ARG("amplitude", amp), TEST_ARG("lengthscale", ls2), TEST_ARG("nu", nu2)};
    const gp_kernel_arg per[] = {TEST_ARG("amplitude", amp), TEST_ARG("lengthscale", ls2), TEST_ARG("period", per2)};
    const gp_kernel_arg cosv[] = {TEST_ARG("amplitude", amp), TEST_ARG("period", per2)};
    const gp_kernel_arg sm[] = {TEST_ARG("weights", w), {"means", mu, 2, 2, NULL},
                                {"variances", var, 2, 2, NULL}};
    const gp_kernel_arg lin[] = {TEST_ARG("variance", s2), TEST_ARG("offset", off)};
    const gp_kernel_arg poly[] = {TEST_ARG("degree", deg), TEST_ARG("variance", s2), TEST_ARG("offset", off)};
    const gp_kernel_arg fbm[] = {TEST_ARG("amplitude", amp), TEST_ARG("hurst", hurst)};
    struct {
        const char *name;
        const gp_kernel_arg *args;
        size_t n;
    } cases[] = {{"rbf", rbf, 2},         {"ou", rbf, 2},        {"exponential", rbf, 2},
                 {"matern32", rbf, 2},    {"matern52", rbf, 2},  {"rq", rq, 3},
                 {"gammaexp", ge, 2},     {"matern", m1, 2},     {"matern", m2, 3},
                 {"periodic", per, 3},    {"cosine", cosv, 2},   {"sm", sm, 3},
                 {"linear", lin, 2},      {"polynomial", poly, 3}, {"fbm", fbm, 2},
                 {"wendland", rbf, 2},    {"gibbs", rbf, 1},     {"white", NULL, 0}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        gp_kernel *k = test_kernel_named(cases[c].name, cases[c].args, cases[c].n);
        check_fd(k, X, NULL, 1e-6);
        check_fd(k, X, Y, 1e-6);
        gp_kernel_release(k);
    }
    /* Wendland for every q (its polynomial changes with q and the dimension) */
    for (int q = 0; q <= 3; q++) {
        const double qv[] = {q}, big[] = {2.5, 3.5};
        const gp_kernel_arg wl[] = {TEST_ARG("lengthscale", big), TEST_ARG("q", qv)};
        gp_kernel *k = test_kernel_named("wendland", wl, 2);
        check_fd(k, X, Y, 1e-6);
        gp_kernel_release(k);
    }
    gp_matrix_free(X);
    gp_matrix_free(Y);
}

/* Through the algebra: sums, products, scalings, warps, input transforms,
 * powers, change points, and a leaf used twice (its gradient sums). */
static void test_algebra(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_matrix *X = test_random_points(6, 2, -1.5, 1.5, 7), *Y = test_random_points(5, 2, -1, 2, 8);
    const double ls[] = {0.8}, per[] = {1.7}, s[] = {1.5, 0.5}, c[] = {0.3};
    const gp_kernel_arg rbf_a[] = {TEST_ARG("lengthscale", ls)};
    const gp_kernel_arg per_a[] = {TEST_ARG("period", per)};
    gp_kernel *r = test_kernel_named("rbf", rbf_a, 1), *p = test_kernel_named("periodic", per_a, 1);
    gp_kernel *l = test_kernel_named("linear", NULL, 0), *m = test_kernel_named("matern52", NULL, 0);
    gp_kernel *half_l = gp_kernel_scale(0.5, l, &err);
    gp_kernel *sum = gp_kernel_sum(r, half_l, &err);
    gp_kernel *prod = gp_kernel_product(sum, p, &err);
    const double coef[] = {1, 0.5};
    gp_func *f = gp_func_polynomial(coef, 2, &err);
    gp_kernel *sel = gp_kernel_select(m, (const size_t[]){1}, 1, &err);
    gp_kernel *warp = gp_kernel_warp(m, f, &err);
    gp_kernel *str = gp_kernel_stretch(r, s, 2, &err), *sh = gp_kernel_shift(p, c, 1, &err);
    gp_kernel *pw = gp_kernel_power(m, 3, &err);
    gp_kernel *cp = gp_kernel_changepoint(r, l, 0.2, 2.0, 1, &err);
    gp_kernel *rr = gp_kernel_product(r, r, &err), *twice = gp_kernel_sum(r, rr, &err);
    gp_func *tf[] = {f};
    gp_kernel *sel0 = gp_kernel_select(r, (const size_t[]){0}, 1, &err);
    gp_kernel *tr = gp_kernel_transform(sel0, tf, 1, &err);
    gp_kernel *all[] = {prod, sel, str, sh, pw, cp, twice};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        assert_non_null(all[i]);
        check_fd(all[i], X, NULL, 1e-6);
        check_fd(all[i], X, Y, 1e-6);
    }
    /* warp and transform by a 1-D polynomial, for 1-D inputs */
    gp_matrix *X1 = test_random_points(6, 1, -1, 1, 9);
    check_fd(tr, X1, NULL, 1e-6);
    check_fd(warp, X1, NULL, 1e-6);
    gp_kernel_release(warp);
    gp_matrix_free(X1);
    /* r appears three times in twice: one set of parameters */
    size_t np;
    assert_int_equal(gp_kernel_params(twice, NULL, 0, &np, &err), GP_OK);
    assert_int_equal(np, 2);
    gp_kernel_release(tr);
    gp_kernel_release(sel0);
    gp_kernel_release(rr);
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        gp_kernel_release(all[i]);
    gp_kernel *own[] = {r, p, l, m, half_l, sum};
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        gp_kernel_release(own[i]);
    gp_func_release(f);
    gp_matrix_free(X);
    gp_matrix_free(Y);
}

static void test_names_and_values(void **state)
{
    (void)state;
    gp_error err = {0};
    const double ls2[] = {0.7, 1.9}, mu[] = {0.3, -0.2, 0.1, 0.5}, w[] = {1, 2};
    const gp_kernel_arg rbf_a[] = {TEST_ARG("lengthscale", ls2)};
    const gp_kernel_arg sm_a[] = {TEST_ARG("weights", w), {"means", mu, 2, 2, NULL}};
    gp_kernel *a = test_kernel_named("rbf", rbf_a, 1), *b = test_kernel_named("rbf", NULL, 0), *s = test_kernel_named("sm", sm_a, 2);
    gp_kernel *sb = gp_kernel_scale(2, b, &err), *ab = gp_kernel_sum(a, sb, &err);
    gp_kernel *k = gp_kernel_sum(ab, s, &err);
    gp_kernel_param ps[32];
    size_t n;
    assert_int_equal(gp_kernel_params(k, ps, 32, &n, &err), GP_OK);
    const char *want[] = {"1.rbf.amplitude",  "1.rbf.lengthscale[1]", "1.rbf.lengthscale[2]",
                          "scale",            "3.rbf.amplitude",      "3.rbf.lengthscale",
                          "sm.weights[1]",    "sm.weights[2]",        "sm.means[1,1]",
                          "sm.means[2,1]",    "sm.means[1,2]",        "sm.means[2,2]",
                          "sm.variances[1,1]", "sm.variances[2,1]",   "sm.variances[1,2]",
                          "sm.variances[2,2]"};
    assert_int_equal(n, sizeof want / sizeof *want);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(ps[i].name, want[i]);
    assert_true(ps[1].positive && ps[3].positive && !ps[8].positive);
    assert_true(ps[2].value == 1.9 && ps[3].value == 2);
    /* new values: checked like the constructor's, shared nodes stay shared */
    double v[16];
    for (size_t i = 0; i < n; i++)
        v[i] = ps[i].value;
    v[2] = 3.5;
    v[3] = 0.25;
    gp_kernel *k2 = gp_kernel_with_params(k, v, n, &err);
    test_expect_describe(k2, "rbf(amplitude=1, lengthscale={0.7, 3.5}) + 0.25 * rbf(amplitude=1, "
                             "lengthscale=1) + sm(weights={1, 2}, means={{0.3, 0.1}, {-0.2, 0.5}}, "
                             "variances={{1, 1}, {1, 1}}; sum_q w_q cos(2 pi tau.mu_q) exp(-2 pi^2 "
                             "sum_p tau_p^2 v_qp))");
    v[1] = -1;
    assert_null(gp_kernel_with_params(k, v, n, &err));
    assert_string_equal(err.msg, "rbf: lengthscale 1 must be finite and > 0, got -1");
    assert_null(gp_kernel_with_params(k, v, n - 1, &err));
    assert_non_null(strstr(err.msg, "has 16 free parameters, got 15"));
    gp_kernel_release(k2);
    gp_kernel *rr = gp_kernel_sum(a, a, &err);
    gp_kernel *rr2 = gp_kernel_with_params(rr, (const double[]){2, 1, 1}, 3, &err);
    assert_ptr_equal(rr2->a, rr2->b); /* still one leaf */
    gp_kernel_release(rr2);
    gp_kernel_release(rr);
    gp_kernel *none[] = {k, ab, sb, s, b, a};
    for (size_t i = 0; i < 6; i++)
        gp_kernel_release(none[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_leaf_at_its_defaults),
        cmocka_unit_test(test_leaves_in_2d),
        cmocka_unit_test(test_algebra),
        cmocka_unit_test(test_names_and_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
