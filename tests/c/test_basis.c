/* test_basis.c: the feature maps of gp_basis.h: values at hand-computed
 * points, the bumps layout (midpoint centres, dc = 2 log J / J), random
 * Fourier features against the RBF kernel they approximate (within 5 standard
 * errors of the Monte Carlo average), and bad inputs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "gp_basis.h"

#define PI 3.14159265358979323846

static gp_matrix *column(const double *v, size_t n)
{
    gp_matrix *m = gp_matrix_alloc(n, 1);
    assert_non_null(m);
    memcpy(m->data, v, n * sizeof *v);
    return m;
}

static void assert_msg(const gp_error *err, const char *part)
{
    if (!strstr(err->msg, part))
        fail_msg("error message \"%s\" lacks \"%s\"", err->msg, part);
}

static void test_polynomial_values(void **state)
{
    (void)state;
    gp_error err;
    gp_basis *b = gp_basis_polynomial(3, &err);
    assert_non_null(b);
    assert_int_equal(gp_basis_size(b), 4);
    assert_int_equal(gp_basis_dim(b), 1);
    const double x[] = {-2.0, 0.0, 1.5};
    gp_matrix *X = column(x, 3), *Phi = gp_matrix_alloc(3, 4);
    assert_int_equal(gp_basis_eval(b, X, Phi, &err), GP_OK);
    const double want[3][4] = {{1, -2, 4, -8}, {1, 0, 0, 0}, {1, 1.5, 2.25, 3.375}};
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; k < 4; k++)
            assert_close(GP_AT(Phi, i, k), want[i][k], 0.0);
    gp_basis *c = gp_basis_polynomial(0, &err); /* the constant 1 */
    assert_non_null(c);
    gp_matrix *P1 = gp_matrix_alloc(3, 1);
    assert_int_equal(gp_basis_eval(c, X, P1, &err), GP_OK);
    assert_close(P1->data[0] + P1->data[1] + P1->data[2], 3.0, 0.0);
    gp_matrix_free(P1);
    gp_basis_release(c);
    gp_matrix_free(Phi);
    gp_matrix_free(X);
    gp_basis_release(b);
}

static void test_bumps_layout_and_values(void **state)
{
    (void)state;
    gp_error err;
    const size_t J = 4;
    const double l = 0.5;
    gp_basis *b = gp_basis_bumps(J, l, &err);
    assert_non_null(b);
    double dc = 2.0 * log(4.0) / 4.0;
    assert_close(gp_basis_spacing(b), dc, 1e-15);
    /* centres at the midpoints of 4 cells of [-log 4, log 4]: the values
     * below pin them (each value to 1e-15) */
    const double x[] = {0.3, -1.0};
    gp_matrix *X = column(x, 2), *Phi = gp_matrix_alloc(2, J);
    assert_int_equal(gp_basis_eval(b, X, Phi, &err), GP_OK);
    for (size_t i = 0; i < 2; i++)
        for (size_t k = 0; k < J; k++) {
            double c = -log(4.0) + ((double)k + 0.5) * dc, r = x[i] - c;
            assert_close(GP_AT(Phi, i, k), exp(-r * r / (2 * l * l)), 1e-15);
        }
    /* a bump at its own centre is 1 */
    double c0 = -log(4.0) + 2.5 * dc;
    gp_matrix *Xc = column(&c0, 1), *P1 = gp_matrix_alloc(1, J);
    assert_int_equal(gp_basis_eval(b, Xc, P1, &err), GP_OK);
    assert_close(P1->data[2], 1.0, 0.0);
    gp_matrix_free(P1);
    gp_matrix_free(Xc);
    gp_matrix_free(Phi);
    gp_matrix_free(X);
    gp_basis_release(b);
}

/* The features are what the documented draw order says: J x d normals
 * (feature by feature), then J uniforms for the phases. */
static void test_fourier_values(void **state)
{
    (void)state;
    gp_error err;
    gp_rng rng, ref;
    gp_rng_seed(&rng, 42);
    gp_rng_seed(&ref, 42);
    const size_t J = 3, d = 2;
    const double l = 2.0, a = 1.5;
    gp_basis *b = gp_basis_fourier(J, d, l, a, &rng, &err);
    assert_non_null(b);
    assert_int_equal(gp_basis_dim(b), 2);
    double z[6], ph[3];
    gp_rng_normals(&ref, z, 6);
    for (size_t k = 0; k < J; k++)
        ph[k] = 2 * PI * gp_rng_uniform(&ref);
    assert_true(rng.s[0] == ref.s[0] && rng.s[3] == ref.s[3]); /* consumed the same draws */
    gp_matrix *X = gp_matrix_alloc(2, 2), *Phi = gp_matrix_alloc(2, J);
    GP_AT(X, 0, 0) = 0.5;
    GP_AT(X, 0, 1) = -1.0;
    GP_AT(X, 1, 0) = 2.0;
    GP_AT(X, 1, 1) = 0.25;
    assert_int_equal(gp_basis_eval(b, X, Phi, &err), GP_OK);
    for (size_t i = 0; i < 2; i++)
        for (size_t k = 0; k < J; k++) {
            double t = ph[k];
            for (size_t j = 0; j < d; j++)
                t += z[k * d + j] / l * GP_AT(X, i, j);
            assert_close(GP_AT(Phi, i, k), a * sqrt(2.0 / (double)J) * cos(t), 1e-14);
        }
    gp_matrix_free(Phi);
    gp_matrix_free(X);
    gp_basis_release(b);
}

/* phi(x)^T phi(y) is an average of J i.i.d. terms
 * a^2 [cos(w.(x - y)) + cos(w.(x + y) + 2b)], each of variance <= a^4, so it
 * is within 5 a^2 / sqrt(J) of a^2 exp(-|x - y|^2 / (2 l^2)). */
static void test_fourier_approximates_rbf(void **state)
{
    (void)state;
    gp_error err;
    gp_rng rng;
    gp_rng_seed(&rng, 7);
    const size_t J = 20000, d = 2, n = 5;
    const double l = 2.0, a = 1.5;
    gp_basis *b = gp_basis_fourier(J, d, l, a, &rng, &err);
    assert_non_null(b);
    gp_matrix *X = gp_matrix_alloc(n, d), *Phi = gp_matrix_alloc(n, J);
    for (size_t i = 0; i < n; i++) {
        GP_AT(X, i, 0) = -1.0 + 0.6 * (double)i;
        GP_AT(X, i, 1) = 0.5 - 0.4 * (double)i;
    }
    assert_int_equal(gp_basis_eval(b, X, Phi, &err), GP_OK);
    double tol = 5.0 * a * a / sqrt((double)J);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double dot = 0, r2 = 0;
            for (size_t k = 0; k < J; k++)
                dot += GP_AT(Phi, i, k) * GP_AT(Phi, j, k);
            for (size_t c = 0; c < d; c++)
                r2 += pow(GP_AT(X, i, c) - GP_AT(X, j, c), 2);
            assert_close(dot, a * a * exp(-r2 / (2 * l * l)), tol);
        }
    gp_matrix_free(Phi);
    gp_matrix_free(X);
    gp_basis_release(b);
}

static void test_describe_and_refcount(void **state)
{
    (void)state;
    gp_error err;
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    char buf[256];
    gp_basis *p = gp_basis_polynomial(2, &err), *b = gp_basis_bumps(100, 1.0, &err);
    gp_basis *f = gp_basis_fourier(10, 1, 1.0, 1.0, &rng, &err);
    gp_basis_describe(p, buf, sizeof buf);
    assert_non_null(strstr(buf, "degree=2"));
    size_t need = gp_basis_describe(b, NULL, 0);
    assert_int_equal(gp_basis_describe(b, buf, sizeof buf), need);
    assert_non_null(strstr(buf, "bumps(J=100, lengthscale=1, dc=0.0921"));
    gp_basis_describe(f, buf, sizeof buf);
    assert_non_null(strstr(buf, "approximates rbf"));
    assert_ptr_equal(gp_basis_retain(b), b);
    gp_basis_release(b);
    assert_int_equal(gp_basis_size(b), 100); /* still alive: one reference left */
    gp_basis_release(b);
    gp_basis_release(p);
    gp_basis_release(f);
    gp_basis_release(NULL);
}

static void test_bad_parameters(void **state)
{
    (void)state;
    gp_error err;
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    assert_null(gp_basis_bumps(0, 1.0, &err));
    assert_string_equal(err.msg, "bumps: J must be >= 2, got 0 (the centres cover [-log J, log J])");
    assert_null(gp_basis_bumps(1, 1.0, &err));
    assert_msg(&err, "J must be >= 2, got 1");
    assert_null(gp_basis_bumps(10, 0.0, &err));
    assert_msg(&err, "bumps: lengthscale must be finite and > 0, got 0");
    assert_null(gp_basis_bumps(10, NAN, &err));
    assert_msg(&err, "lengthscale");
    assert_null(gp_basis_bumps(10, INFINITY, &err));
    assert_null(gp_basis_polynomial(-1, &err));
    assert_msg(&err, "degree must be in 0..1000, got -1");
    assert_null(gp_basis_fourier(0, 1, 1.0, 1.0, &rng, &err));
    assert_msg(&err, "fourier: J must be >= 1, got 0");
    assert_null(gp_basis_fourier(-5, 1, 1.0, 1.0, &rng, &err));
    assert_msg(&err, "fourier: J must be >= 1, got -5"); /* the value as given */
    assert_null(gp_basis_fourier(20000000, 1, 1.0, 1.0, &rng, &err));
    assert_msg(&err, "fourier: J must be <= 10000000, got 20000000");
    assert_null(gp_basis_polynomial(1LL << 40, &err));
    assert_msg(&err, "degree must be in 0..1000, got 1099511627776");
    assert_null(gp_basis_fourier(5, 0, 1.0, 1.0, &rng, &err));
    assert_msg(&err, "dim");
    assert_null(gp_basis_fourier(5, 1, -2.0, 1.0, &rng, &err));
    assert_msg(&err, "lengthscale must be finite and > 0, got -2");
    assert_null(gp_basis_fourier(5, 1, 1.0, NAN, &rng, &err));
    assert_msg(&err, "amplitude");
    assert_null(gp_basis_fourier(5, 1, 1.0, 1.0, NULL, &err));
    assert_msg(&err, "generator");
    assert_null(gp_basis_bumps(0, 1.0, NULL)); /* err may be NULL */
}

static void test_bad_inputs(void **state)
{
    (void)state;
    gp_error err;
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    gp_basis *p = gp_basis_polynomial(3, &err);
    gp_basis *f = gp_basis_fourier(4, 3, 1.0, 1.0, &rng, &err);
    gp_matrix *X2 = gp_matrix_alloc(3, 2), *Phi = gp_matrix_alloc(3, 4);
    assert_int_equal(gp_basis_eval(p, X2, Phi, &err), GP_ERR_DIM);
    assert_msg(&err, "input has dimension 2 (columns) but the basis takes 1");
    assert_int_equal(gp_basis_eval(f, X2, Phi, &err), GP_ERR_DIM);
    assert_msg(&err, "fourier: input has dimension 2 (columns) but the basis takes 3");
    gp_matrix *X = gp_matrix_alloc(3, 1), *bad = gp_matrix_alloc(3, 5), *E = gp_matrix_alloc(0, 1);
    assert_int_equal(gp_basis_eval(p, X, bad, &err), GP_ERR_DIM);
    assert_msg(&err, "output must be 3 x 4, got 3 x 5");
    assert_int_equal(gp_basis_eval(p, E, Phi, &err), GP_ERR_DIM);
    assert_msg(&err, "empty");
    X->data[1] = NAN;
    assert_int_equal(gp_basis_eval(p, X, Phi, &err), GP_ERR_ARG);
    assert_msg(&err, "non-finite value (nan) at row 2, column 1");
    X->data[1] = 1e200; /* x^2 overflows */
    assert_int_equal(gp_basis_eval(p, X, Phi, &err), GP_ERR_NUMERIC);
    assert_msg(&err, "feature 3 is not finite (inf) at point 2, x = 1e+200");
    gp_matrix_free(E);
    gp_matrix_free(bad);
    gp_matrix_free(X);
    gp_matrix_free(Phi);
    gp_matrix_free(X2);
    gp_basis_release(f);
    gp_basis_release(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_polynomial_values),
        cmocka_unit_test(test_bumps_layout_and_values),
        cmocka_unit_test(test_fourier_values),
        cmocka_unit_test(test_fourier_approximates_rbf),
        cmocka_unit_test(test_describe_and_refcount),
        cmocka_unit_test(test_bad_parameters),
        cmocka_unit_test(test_bad_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
