/* test_kernel_zoo.c: the kernels added beyond the chapter, each against its
 * formula computed here independently: Matern with any nu against the
 * integral K_nu(x) = int_0^inf exp(-x cosh t) cosh(nu t) dt (no GSL) and
 * against Rasmussen & Williams' half-integer closed form; gamma-exponential,
 * spectral mixture, Wendland (R&W eq. 4.21, every q, D = 1 and 3), fBm,
 * integrated Wiener, Gibbs, periodic with ARD; the arc-cosine kernels and the
 * NNGP and NTK recursions against numerical integration of the Gaussian
 * expectations they stand for (piecewise Gauss-Legendre over the angle for
 * ReLU and step units, 2-D Gauss-Hermite for erf); and the change-point,
 * transform and power nodes. */
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "gp_process.h"
#include "test_util.h"

#define PI 3.14159265358979323846

static double k1(const gp_kernel *k, double x, double y)
{
    return test_kernel_at(k, &x, &y, 1);
}

/* ---- quadrature rules (Golub & Welsch 1969) -------------------------------------------- */

/* n-point Gauss-Legendre on [-1, 1] (legendre) or Gauss-Hermite for weight
 * e^(-x^2) (otherwise): nodes x, weights w. */
static void gauss_rule(int legendre, int n, double *x, double *w)
{
    double *e = calloc((size_t)n, sizeof *e), *z = malloc((size_t)n * (size_t)n * sizeof *z);
    for (int k = 1; k < n; k++) {
        x[k - 1] = 0;
        e[k - 1] = legendre ? k / sqrt(4.0 * k * k - 1) : sqrt(k / 2.0);
    }
    x[n - 1] = 0;
    assert_int_equal(LAPACKE_dstev(LAPACK_COL_MAJOR, 'V', n, x, e, z, n), 0);
    for (int k = 0; k < n; k++)
        w[k] = (legendre ? 2.0 : sqrt(PI)) * z[(size_t)k * (size_t)n] * z[(size_t)k * (size_t)n];
    free(e);
    free(z);
}

/* ---- Matern ----------------------------------------------------------------------------- */

/* K_nu(x) by the trapezoidal rule on int_0^20 exp(-x cosh t) cosh(nu t) dt
 * (the integrand is analytic and decays doubly exponentially: the rule
 * converges geometrically) */
static double bessel_k(double nu, double x)
{
    const double h = 1e-3;
    double s = 0.5 * exp(-x);
    for (int i = 1; i * h <= 20; i++) {
        const double t = i * h, v = -x * cosh(t) + nu * t;
        if (v > -745)
            s += exp(v) * (1 + exp(-2 * nu * t)) / 2;
    }
    return s * h;
}

static double matern_ref(double nu, double a, double r_over_l)
{
    const double z = sqrt(2 * nu) * r_over_l;
    return z == 0 ? a * a : a * a * pow(2, 1 - nu) / tgamma(nu) * pow(z, nu) * bessel_k(nu, z);
}

/* R&W eq. 4.16: nu = p + 1/2 */
static double matern_half(int p, double r_over_l)
{
    const double z = sqrt(2 * p + 1.0) * r_over_l;
    double s = 0;
    for (int i = 0; i <= p; i++)
        s += tgamma(p + i + 1.0) / (tgamma(i + 1.0) * tgamma(p - i + 1.0)) * pow(2 * z, p - i);
    return exp(-z) * tgamma(p + 1.0) / tgamma(2 * p + 1.0) * s;
}

static void test_matern_any_nu(void **state)
{
    (void)state;
    const double nus[] = {0.3, 0.7, 1.2, 2.0, 3.5, 7.25}, rs[] = {0.02, 0.5, 1, 2.5, 6};
    for (size_t a = 0; a < 6; a++) {
        const double nu[] = {nus[a]}, amp[] = {1.7}, ls[] = {0.8};
        const gp_kernel_arg args[] = {TEST_ARG("nu", nu), TEST_ARG("amplitude", amp), TEST_ARG("lengthscale", ls)};
        gp_kernel *k = test_kernel_named("matern", args, 3);
        assert_close(k1(k, 0.4, 0.4), amp[0] * amp[0], 0);
        for (size_t b = 0; b < 5; b++) {
            const double want = matern_ref(nus[a], amp[0], rs[b]);
            assert_close(k1(k, 0.1, 0.1 + rs[b] * ls[0]), want, 1e-10 * want);
        }
        gp_kernel_release(k);
    }
    /* nu = 3.5: R&W's closed form; nu = 1/2, 3/2, 5/2: the very same bits as
     * exponential, matern32, matern52 */
    const double nu35[] = {3.5};
    const gp_kernel_arg a35[] = {TEST_ARG("nu", nu35)};
    gp_kernel *k35 = test_kernel_named("matern", a35, 1);
    for (size_t b = 0; b < 5; b++)
        assert_close(k1(k35, 0, rs[b]), matern_half(3, rs[b]), 1e-13);
    gp_kernel_release(k35);
    const char *closed[] = {"exponential", "matern32", "matern52"};
    gp_matrix *X = test_random_points(40, 2, -3, 3, 21);
    for (int p = 0; p < 3; p++) {
        const double nu[] = {p + 0.5}, ls[] = {0.6, 1.3};
        const gp_kernel_arg am[] = {TEST_ARG("nu", nu), TEST_ARG("lengthscale", ls)}, ac[] = {TEST_ARG("lengthscale", ls)};
        gp_kernel *m = test_kernel_named("matern", am, 2), *c = test_kernel_named(closed[p], ac, 1);
        gp_matrix *K = test_gram(m, X, NULL), *C = test_gram(c, X, NULL);
        assert_memory_equal(K->data, C->data, 40 * 40 * sizeof(double));
        for (size_t b = 0; b < 5; b++) {
            const double o[] = {0, 0}, y[] = {rs[b] * 0.6, 0};
            assert_close(test_kernel_at(m, o, y, 2), matern_half(p, rs[b]), 1e-13);
        }
        gp_matrix_free(K);
        gp_matrix_free(C);
        gp_kernel_release(m);
        gp_kernel_release(c);
    }
    gp_matrix_free(X);
    /* large nu: the rbf */
    const double big[] = {1e4};
    const gp_kernel_arg ab[] = {TEST_ARG("nu", big)};
    gp_kernel *kb = test_kernel_named("matern", ab, 1);
    assert_close(k1(kb, 0, 1.3), exp(-1.3 * 1.3 / 2), 1e-4);
    assert_close(k1(kb, 0, 1e200), 0, 0); /* far apart: 0, not NaN */
    gp_kernel_release(kb);
}

/* ---- stationary families -------------------------------------------------------------------- */

static void test_gammaexp(void **state)
{
    (void)state;
    const double g[] = {0.6}, ls[] = {0.9}, amp[] = {1.2};
    const gp_kernel_arg args[] = {TEST_ARG("gamma", g), TEST_ARG("lengthscale", ls), TEST_ARG("amplitude", amp)};
    gp_kernel *k = test_kernel_named("gammaexp", args, 3);
    for (double r = 0; r < 4; r += 0.7)
        assert_close(k1(k, -1, -1 + r), 1.44 * exp(-pow(r / 0.9, 0.6)), 1e-14);
    const double x[] = {0.3, -0.2}, y[] = {1.0, 0.4};
    const double r2 = (0.7 * 0.7 + 0.6 * 0.6) / (0.9 * 0.9);
    assert_close(test_kernel_at(k, x, y, 2), 1.44 * exp(-pow(r2, 0.3)), 1e-14);
    gp_kernel_release(k);
    /* gamma = 2: the rbf with length-scale l / sqrt2; gamma = 1: the exponential */
    const double two[] = {2}, one[] = {1}, ls2[] = {0.9 / sqrt(2)};
    const gp_kernel_arg a2[] = {TEST_ARG("gamma", two), TEST_ARG("lengthscale", ls)},
                        a1[] = {TEST_ARG("gamma", one), TEST_ARG("lengthscale", ls)};
    const gp_kernel_arg r[] = {TEST_ARG("lengthscale", ls2)}, e[] = {TEST_ARG("lengthscale", ls)};
    gp_kernel *g2 = test_kernel_named("gammaexp", a2, 2), *g1 = test_kernel_named("gammaexp", a1, 2);
    gp_kernel *rbf = test_kernel_named("rbf", r, 1), *ex = test_kernel_named("exponential", e, 1);
    for (double t = 0; t < 3; t += 0.37) {
        assert_close(k1(g2, 0, t), k1(rbf, 0, t), 1e-15);
        assert_close(k1(g1, 0, t), k1(ex, 0, t), 1e-15);
    }
    gp_kernel *rel[] = {g2, g1, rbf, ex};
    for (size_t i = 0; i < 4; i++)
        gp_kernel_release(rel[i]);
}

static void test_spectral_mixture(void **state)
{
    (void)state;
    /* 1-D, two components */
    const double w[] = {0.7, 1.5}, mu[] = {0.25, 1.1}, v[] = {0.04, 0.3};
    const gp_kernel_arg a1[] = {TEST_ARG("weights", w), TEST_ARG("means", mu), TEST_ARG("variances", v)};
    gp_kernel *k = test_kernel_named("sm", a1, 3);
    for (double t = -2; t < 2; t += 0.3) {
        double want = 0;
        for (int q = 0; q < 2; q++)
            want += w[q] * exp(-2 * PI * PI * t * t * v[q]) * cos(2 * PI * t * mu[q]);
        assert_close(k1(k, 0.5, 0.5 + t), want, 1e-14);
    }
    assert_close(k1(k, 3, 3), 2.2, 1e-15);
    gp_kernel_release(k);
    /* 2-D: the cosine of the dot product (Wilson & Adams eq. 12); means and
     * variances Q x d; one variance for all */
    const double mu2[] = {0.2, 0.5, -0.3, 0.1}, var1[] = {0.1};
    const gp_kernel_arg a2[] = {TEST_ARG("weights", w), {"means", mu2, 2, 2, NULL}, TEST_ARG("variances", var1)};
    gp_kernel *k2 = test_kernel_named("sm", a2, 3);
    const double x[] = {0.3, -0.4}, y[] = {1.1, 0.2}, t0 = -0.8, t1 = -0.6;
    double want = 0;
    for (int q = 0; q < 2; q++) /* mu2 column-major: mu_q = (mu2[q], mu2[2 + q]) */
        want += w[q] * exp(-2 * PI * PI * 0.1 * (t0 * t0 + t1 * t1)) *
                cos(2 * PI * (t0 * mu2[q] + t1 * mu2[2 + q]));
    assert_close(test_kernel_at(k2, x, y, 2), want, 1e-14);
    gp_kernel_release(k2);
    /* shapes that do not fit are refused, naming what is wrong */
    gp_error err = {0};
    const double mu3[] = {0.1, 0.2, 0.3};
    const gp_kernel_arg bad[] = {TEST_ARG("weights", w), TEST_ARG("means", mu3)};
    assert_null(gp_kernel_new_named("sm", bad, 2, &err));
    assert_string_equal(err.msg, "sm: means must have one row per component (2 weights), got a "
                                 "3 x 1 matrix");
    gp_kernel *k1d = test_kernel_named("sm", a1, 3);
    gp_matrix *X = test_random_points(2, 2, 0, 1, 3), *K = gp_matrix_alloc(2, 2);
    assert_int_equal(gp_kernel_gram(k1d, X, NULL, K, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "sm: the means are 1-D but X is 2-D"));
    gp_matrix_free(X);
    gp_matrix_free(K);
    gp_kernel_release(k1d);
}

/* R&W eq. 4.21 written out, s = r / l, j = floor(D/2) + q + 1 */
static double pp_ref(int q, size_t D, double s)
{
    const double j = (double)(D / 2) + q + 1, o = s < 1 ? 1 - s : 0;
    switch (q) {
    case 0: return pow(o, j);
    case 1: return pow(o, j + 1) * ((j + 1) * s + 1);
    case 2: return pow(o, j + 2) * ((j * j + 4 * j + 3) * s * s + (3 * j + 6) * s + 3) / 3;
    default:
        return pow(o, j + 3) *
               ((j * j * j + 9 * j * j + 23 * j + 15) * s * s * s +
                (6 * j * j + 36 * j + 45) * s * s + (15 * j + 45) * s + 15) / 15;
    }
}

static void test_wendland(void **state)
{
    (void)state;
    for (int q = 0; q <= 3; q++) {
        const double qv[] = {q}, ls[] = {1.6}, amp[] = {0.9};
        const gp_kernel_arg args[] = {TEST_ARG("q", qv), TEST_ARG("lengthscale", ls), TEST_ARG("amplitude", amp)};
        gp_kernel *k = test_kernel_named("wendland", args, 3);
        for (double s = 0; s < 1.3; s += 0.09)
            assert_close(k1(k, 0.2, 0.2 + 1.6 * s), 0.81 * pp_ref(q, 1, s), 1e-14);
        const double x[3] = {0.1, 0.2, -0.3}, y[3] = {0.5, -0.1, 0.4};
        const double s3 = sqrt(0.16 + 0.09 + 0.49) / 1.6;
        assert_close(test_kernel_at(k, x, y, 3), 0.81 * pp_ref(q, 3, s3), 1e-14);
        gp_matrix *X = test_random_points(40, 3, -1, 1, 30 + (unsigned)q);
        gp_matrix *K = test_gram(k, X, NULL);
        test_check_sym_psd(K, "wendland in 3-D"); /* the polynomial follows the dimension */
        gp_matrix_free(K);
        gp_matrix_free(X);
        gp_kernel_release(k);
    }
}

static void test_periodic_ard(void **state)
{
    (void)state;
    const double ls[] = {1, 2}, per[] = {1.5, 0.7};
    const gp_kernel_arg args[] = {TEST_ARG("lengthscale", ls), TEST_ARG("period", per)};
    gp_kernel *k = test_kernel_named("periodic", args, 2);
    const double x[] = {0.3, -0.2}, y[] = {1.0, 0.9};
    const double s0 = sin(PI * 0.7 / 1.5), s1 = sin(PI * 1.1 / 0.7);
    assert_close(test_kernel_at(k, x, y, 2), exp(-2 * (s0 * s0 / 1 + s1 * s1 / 4)), 1e-15);
    test_expect_describe(k, "periodic(amplitude=1, lengthscale={1, 2}, period={1.5, 0.7})");
    gp_kernel_release(k);
}

/* ---- non-stationary path kernels ---------------------------------------------------------- */

static void test_fbm_iwiener_gibbs(void **state)
{
    (void)state;
    gp_error err = {0};
    const double h[] = {0.75}, amp[] = {1.1};
    const gp_kernel_arg af[] = {TEST_ARG("hurst", h), TEST_ARG("amplitude", amp)};
    gp_kernel *f = test_kernel_named("fbm", af, 2);
    const double pts[] = {-1.5, -0.2, 0, 0.4, 2.3};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            const double x = pts[i], y = pts[j];
            const double want =
                1.21 * (pow(fabs(x), 1.5) + pow(fabs(y), 1.5) - pow(fabs(x - y), 1.5)) / 2;
            assert_close(k1(f, x, y), want, 1e-14);
        }
    /* 2-D: Levy's fBm with Euclidean norms; huge opposite inputs do not overflow x - y */
    const double x2[] = {0.3, -0.4}, y2[] = {1.0, 0.8};
    assert_close(test_kernel_at(f, x2, y2, 2),
                 1.21 * (pow(0.5, 1.5) + pow(sqrt(1.64), 1.5) - pow(sqrt(0.49 + 1.44), 1.5)) / 2,
                 1e-14);
    gp_kernel_release(f);
    const double half[] = {0.5};
    const gp_kernel_arg ab[] = {TEST_ARG("hurst", half)};
    gp_kernel *b = test_kernel_named("fbm", ab, 1), *br = test_kernel_named("brownian", NULL, 0);
    assert_close(k1(b, 0.7, 1.9), k1(br, 0.7, 1.9), 1e-15); /* H = 1/2, x > 0: min(x, y) */
    gp_kernel_release(b);
    gp_kernel_release(br);

    const double s2[] = {2.5};
    const gp_kernel_arg aw[] = {TEST_ARG("variance", s2)};
    gp_kernel *w = test_kernel_named("iwiener", aw, 1);
    for (int i = 2; i < 5; i++)
        for (int j = 2; j < 5; j++) {
            const double x = pts[i], y = pts[j], m = fmin(x, y);
            assert_close(k1(w, x, y), 2.5 * (m * m * m / 3 + fabs(x - y) * m * m / 2), 1e-15);
        }
    gp_matrix *neg = test_matrix_rows(1, 1, (double[]){-1}), *K = gp_matrix_alloc(1, 1);
    assert_int_equal(gp_kernel_gram(w, neg, NULL, K, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "iwiener: inputs must be >= 0"));
    gp_kernel_release(w);

    /* Gibbs with l(x) = 0.5 + x^2 (R&W eq. 4.32, one length-scale for both dimensions) */
    gp_func *l = gp_func_polynomial((const double[]){0.5, 0, 1}, 3, &err);
    gp_kernel_arg ag[] = {{"lengthscale", NULL, 0, 0, l}, TEST_ARG("amplitude", amp)};
    gp_kernel *g = test_kernel_named("gibbs", ag, 2);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            const double x = pts[i], y = pts[j], lx = 0.5 + x * x, ly = 0.5 + y * y;
            const double want = 1.21 * sqrt(2 * lx * ly / (lx * lx + ly * ly)) *
                                exp(-(x - y) * (x - y) / (lx * lx + ly * ly));
            assert_close(k1(g, x, y), want, 1e-14);
        }
    gp_kernel_release(g);
    gp_func_release(l);
    /* a constant length-scale l: the rbf with length-scale l */
    const double lc[] = {0.8};
    gp_func *c = gp_func_constant(0.8, &err);
    gp_kernel_arg gc[] = {{"lengthscale", NULL, 0, 0, c}};
    gp_kernel *gk = test_kernel_named("gibbs", gc, 1), *rbf = test_kernel_named("rbf", (gp_kernel_arg[]){TEST_ARG("lengthscale", lc)}, 1);
    const double x3[] = {0.1, 0.5, -0.2}, y3[] = {0.9, -0.3, 0.4};
    assert_close(test_kernel_at(gk, x3, y3, 3), test_kernel_at(rbf, x3, y3, 3), 1e-15);
    gp_kernel_release(gk);
    gp_kernel_release(rbf);
    /* a length-scale that is not positive is an error naming the point */
    gp_func *bad = gp_func_polynomial((const double[]){0, 1}, 2, &err);
    gp_kernel_arg gb[] = {{"lengthscale", NULL, 0, 0, bad}};
    gp_kernel *kb = test_kernel_named("gibbs", gb, 1);
    gp_matrix *P = test_matrix_rows(2, 1, (double[]){0.5, -0.5}), *K2 = gp_matrix_alloc(2, 2);
    assert_int_equal(gp_kernel_gram(kb, P, NULL, K2, &err), GP_ERR_ARG);
    assert_string_equal(err.msg, "gibbs: the length-scale function must be > 0, got -0.5 at row 2 "
                                 "of X");
    gp_matrix_free(P);
    gp_matrix_free(K2);
    gp_matrix_free(neg);
    gp_matrix_free(K);
    gp_kernel_release(kb);
    gp_func_release(bad);
    gp_func_release(c);
}

/* ---- networks: numerical integration of the Gaussian expectations --------------------------- */

#define NQ 40 /* Gauss-Legendre points per piece */
#define NH 240 /* Gauss-Hermite points per dimension */

/* E[H(u) H(v) u^n v^n] for (u, v) ~ N(0, [[a, c], [c, b]]), by polar
 * coordinates: (u, v) = rho (p . e(phi), q . e(phi)) with p, q the rows of
 * the Cholesky factor, the radial integral 2^n n! in closed form, and the
 * angle integrated by Gauss-Legendre on the pieces between the zeros of
 * p . e and q . e (where the integrand has its kinks and jumps). */
static double relu_moment(int n, double a, double b, double c)
{
    static double gx[NQ], gw[NQ];
    static int init;
    if (!init) {
        gauss_rule(1, NQ, gx, gw);
        init = 1;
    }
    const double p0 = sqrt(a), q0 = p0 > 0 ? c / p0 : 0, q1 = sqrt(fmax(b - q0 * q0, 0));
    if (q0 > 0 && q1 <= 1e-7 * sqrt(b)) /* v = sqrt(b/a) u: (b/a)^(n/2) E[H(u) u^2n] */
        return pow(b / a, n / 2.0) * 0.5 * pow(a, n) * (n == 2 ? 3.0 : 1.0);
    double cuts[6] = {0, 2 * PI};
    int nc = 2;
    const double zeros[2] = {atan2(p0, 0), atan2(-q0, q1)}; /* p . e = 0, q . e = 0 */
    for (int z = 0; z < 2; z++)
        for (double t = zeros[z]; t < 2 * PI + 1; t += PI)
            if (t > 0 && t < 2 * PI)
                cuts[nc++] = t;
    for (int i = 1; i < nc; i++) /* insertion sort */
        for (int j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
            const double t = cuts[j];
            cuts[j] = cuts[j - 1];
            cuts[j - 1] = t;
        }
    double s = 0;
    for (int piece = 0; piece + 1 < nc; piece++) {
        const double lo = cuts[piece], hi = cuts[piece + 1];
        for (int g = 0; g < NQ; g++) {
            const double phi = 0.5 * (hi + lo) + 0.5 * (hi - lo) * gx[g];
            const double u = p0 * cos(phi), v = q0 * cos(phi) + q1 * sin(phi);
            if (u > 0 && v > 0)
                s += 0.5 * (hi - lo) * gw[g] * pow(u, n) * pow(v, n);
        }
    }
    return s * pow(2, n) * tgamma(n + 1.0) / (2 * PI);
}

/* E[f(u) g(v)] by 2-D Gauss-Hermite (smooth f, g) */
static double gh_moment(double (*f)(double), double (*g)(double), double a, double b, double c)
{
    static double hx[NH], hw[NH];
    static int init;
    if (!init) {
        gauss_rule(0, NH, hx, hw);
        init = 1;
    }
    const double p0 = sqrt(a), q0 = p0 > 0 ? c / p0 : 0, q1 = sqrt(fmax(b - q0 * q0, 0));
    double s = 0;
    for (int i = 0; i < NH; i++)
        for (int j = 0; j < NH; j++) {
            const double z1 = sqrt(2.0) * hx[i], z2 = sqrt(2.0) * hx[j];
            s += hw[i] * hw[j] * f(p0 * z1) * g(q0 * z1 + q1 * z2);
        }
    return s / PI;
}

static double erf_(double x) { return erf(x); }
static double derf(double x) { return 2 / sqrt(PI) * exp(-x * x); }

static void test_arccos_vs_integration(void **state)
{
    (void)state;
    const double pts[][2] = {{0.3, -1.2}, {1.5, 0.4}, {-0.7, -0.9}, {0, 0}, {2.0, 2.0}};
    for (int n = 0; n <= 2; n++)
        for (int bias = 0; bias <= 1; bias++) {
            const double ord[] = {n}, wv[] = {1.3}, bv[] = {bias ? 0.6 : 0};
            const gp_kernel_arg args[] = {TEST_ARG("order", ord), TEST_ARG("weight_var", wv), TEST_ARG("bias_var", bv)};
            gp_kernel *k = test_kernel_named("arccos", args, 3);
            for (int i = 0; i < 5; i++)
                for (int j = 0; j < 5; j++) {
                    const double *x = pts[i], *y = pts[j];
                    const double a = bv[0] + wv[0] * (x[0] * x[0] + x[1] * x[1]);
                    const double b = bv[0] + wv[0] * (y[0] * y[0] + y[1] * y[1]);
                    const double c = bv[0] + wv[0] * (x[0] * y[0] + x[1] * y[1]);
                    /* 2 E[H(w.x) H(w.y) (w.x)^n (w.y)^n]; H(0) = 1/2 where a norm is 0 */
                    double want = a > 0 && b > 0 ? 2 * relu_moment(n, a, b, c) : n == 0 ? 0.5 : 0;
                    assert_close(test_kernel_at(k, x, y, 2), want, 1e-12 * (1 + fabs(want)));
                }
            gp_kernel_release(k);
        }
}

/* The NNGP (ntk 0) or NTK (1) at x, y (d values each) by the recursion with
 * every expectation integrated numerically. */
static double deep_ref(int ntk, int relu, int L, const double *sw, const double *sb,
                       const double *x, const double *y, size_t d)
{
    double xx = 0, yy = 0, xy = 0;
    for (size_t c = 0; c < d; c++)
        xx += x[c] * x[c], yy += y[c] * y[c], xy += x[c] * y[c];
    double a = sb[0] + sw[0] * xx / d, b = sb[0] + sw[0] * yy / d, c = sb[0] + sw[0] * xy / d;
    double t = c;
    for (int l = 1; l <= L; l++) {
        double ea, eb, ec, ed;
        if (relu) {
            ea = relu_moment(1, a, a, a), eb = relu_moment(1, b, b, b), ec = relu_moment(1, a, b, c);
            ed = relu_moment(0, a, b, c);
        } else {
            ea = gh_moment(erf_, erf_, a, a, a), eb = gh_moment(erf_, erf_, b, b, b);
            ec = gh_moment(erf_, erf_, a, b, c), ed = gh_moment(derf, derf, a, b, c);
        }
        a = sb[l] + sw[l] * ea, b = sb[l] + sw[l] * eb;
        const double cn = sb[l] + sw[l] * ec;
        t = cn + sw[l] * ed * t;
        c = cn;
    }
    return ntk ? t : c;
}

static void test_nngp_ntk_vs_integration(void **state)
{
    (void)state;
    const char *acts[] = {"relu", "erf"};
    const double pts[][2] = {{0.3, -1.2}, {1.5, 0.4}, {-0.7, -0.9}, {0.3, -1.2}};
    const double sw[] = {1.5, 2.0, 0.8, 1.2}, sb[] = {0.2, 0.1, 0.5, 0.05};
    for (int ntk = 0; ntk <= 1; ntk++)
        for (int act = 0; act <= 1; act++)
            for (int L = 1; L <= 3; L++) {
                const double depth[] = {L}, ai[] = {act};
                gp_kernel_arg args[] = {TEST_ARG("depth", depth), TEST_ARG("activation", ai),
                                        {"weight_var", sw, (size_t)L + 1, 1, NULL},
                                        {"bias_var", sb, (size_t)L + 1, 1, NULL}};
                gp_kernel *k = test_kernel_named(ntk ? "ntk" : "nngp", args, 4);
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++) {
                        const double want = deep_ref(ntk, act == 0, L, sw, sb, pts[i], pts[j], 2);
                        const double got = test_kernel_at(k, pts[i], pts[j], 2);
                        if (!(fabs(got - want) <= 1e-9 * (1 + fabs(want))))
                            fail_msg("%s %s depth %d at (%d, %d): %.15g, integration %.15g",
                                     ntk ? "ntk" : "nngp", acts[act], L, i, j, got, want);
                    }
                gp_kernel_release(k);
            }
    /* depth 1, ReLU, no bias, weight_var 2 in 2-D: 2 E[relu relu] under
     * K^0 = (2/2) x.y, which is the order-1 arc-cosine kernel with weight_var 1 */
    const double two[] = {2}, zero[] = {0}, half[] = {1};
    gp_kernel *n1 = test_kernel_named("nngp", (gp_kernel_arg[]){TEST_ARG("weight_var", two), TEST_ARG("bias_var", zero)}, 2);
    gp_kernel *ac = test_kernel_named("arccos", (gp_kernel_arg[]){TEST_ARG("weight_var", half)}, 1);
    const double x[] = {0.8, -0.3}, y[] = {0.1, 1.7};
    assert_close(test_kernel_at(n1, x, y, 2), test_kernel_at(ac, x, y, 2), 1e-14);
    gp_kernel_release(n1);
    gp_kernel_release(ac);
    /* per-layer lists of the wrong length are refused */
    gp_error err = {0};
    const double three[] = {1, 1, 1}, d1[] = {1};
    const gp_kernel_arg bad[] = {TEST_ARG("depth", d1), TEST_ARG("weight_var", three)};
    assert_null(gp_kernel_new_named("nngp", bad, 2, &err));
    assert_non_null(strstr(err.msg, "nngp: weight_var must be one number or one per weight layer "
                                    "(depth + 1 = 2"));
}

/* ---- nodes: change point, transform, power ------------------------------------------------ */

static gp_code cos_cb(void *ctx, const double *x, size_t d, double *out, gp_error *err)
{
    (void)ctx, (void)d, (void)err;
    *out = cos(x[0]);
    return GP_OK;
}

static gp_code sin_cb(void *ctx, const double *x, size_t d, double *out, gp_error *err)
{
    (void)ctx, (void)d, (void)err;
    *out = sin(x[0]);
    return GP_OK;
}

static void test_nodes(void **state)
{
    (void)state;
    gp_error err = {0};
    const double ls[] = {0.7};
    gp_kernel *r = test_kernel_named("rbf", (gp_kernel_arg[]){TEST_ARG("lengthscale", ls)}, 1);
    gp_kernel *l = test_kernel_named("linear", NULL, 0);
    /* change point: s(x) = 1 / (1 + exp(steepness (x - location))) */
    gp_kernel *cp = gp_kernel_changepoint(r, l, 0.5, 3.0, 0, &err);
    const double pts[] = {-1, 0.2, 0.5, 0.9, 2};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            const double x = pts[i], y = pts[j];
            const double sx = 1 / (1 + exp(3 * (x - 0.5))), sy = 1 / (1 + exp(3 * (y - 0.5)));
            assert_close(k1(cp, x, y), sx * sy * k1(r, x, y) + (1 - sx) * (1 - sy) * k1(l, x, y),
                         1e-15);
        }
    test_expect_describe(cp, "changepoint(rbf(amplitude=1, lengthscale=0.7), linear(variance=1, "
                             "offset=0), location=0.5, steepness=3, dim=1)");
    assert_null(gp_kernel_changepoint(r, l, 0, 0, 0, &err));
    assert_string_equal(err.msg, "changepoint: steepness must be finite and > 0, got 0");
    gp_matrix *X1 = test_random_points(3, 1, 0, 1, 5), *K = gp_matrix_alloc(3, 3);
    gp_kernel *cp2 = gp_kernel_changepoint(r, l, 0, 1, 1, &err);
    assert_int_equal(gp_kernel_gram(cp2, X1, NULL, K, &err), GP_ERR_DIM);
    assert_string_equal(err.msg, "changepoint: dim 2 is out of range for 1-D input");
    /* transform: rbf of (cos x, sin x) is MacKay's periodic kernel with period 2 pi */
    gp_func *w[2] = {gp_func_external(cos_cb, NULL, NULL, "cos", &err),
                     gp_func_external(sin_cb, NULL, NULL, "sin", &err)};
    gp_kernel *tr = gp_kernel_transform(r, w, 2, &err);
    gp_kernel *per = test_kernel_named("periodic", (gp_kernel_arg[]){TEST_ARG("lengthscale", ls),
                                                        {"period", (double[]){2 * PI}, 1, 1, NULL}},
                          2);
    for (double t = -3; t < 3; t += 0.45)
        assert_close(k1(tr, 0.3, t), k1(per, 0.3, t), 1e-14);
    test_expect_describe(tr, "transform(rbf(amplitude=1, lengthscale=0.7), by={cos, sin})");
    assert_false(gp_kernel_is_stationary(tr));
    /* power: k^3 = k k k, PSD */
    gp_kernel *pw = gp_kernel_power(l, 3, &err);
    for (int i = 0; i < 5; i++)
        assert_close(k1(pw, pts[i], 0.7), pow(k1(l, pts[i], 0.7), 3), 1e-14);
    test_expect_describe(pw, "linear(variance=1, offset=0)^3");
    gp_kernel *s = gp_kernel_sum(r, l, &err), *ps = gp_kernel_power(s, 2, &err);
    test_expect_describe(ps, "(rbf(amplitude=1, lengthscale=0.7) + linear(variance=1, offset=0))^2");
    assert_null(gp_kernel_power(r, 0, &err));
    assert_non_null(strstr(err.msg, "power: the exponent must be an integer >= 1, got 0"));
    gp_kernel *rel[] = {r, l, cp, cp2, tr, per, pw, s, ps};
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++)
        gp_kernel_release(rel[i]);
    gp_func_release(w[0]);
    gp_func_release(w[1]);
    gp_matrix_free(X1);
    gp_matrix_free(K);
}

/* ---- sampling: draws of each new kernel against its formula written here ------------------ */

/* The reference covariance of case c at 1-D x, y (2-D for the network kernels). */
enum { S_MATERN, S_GAMMAEXP, S_SM, S_WENDLAND, S_FBM, S_IWIENER, S_GIBBS, S_ARCCOS, S_NNGP, S_NTK,
       S_PERIODIC, S_CHANGEPOINT, S_TRANSFORM, S_POWER, S_COUNT };

static const double sw_l[] = {1.5, 2.0, 0.8}, sb_l[] = {0.2, 0.1, 0.5};

static double ref_at(int c, const double *x, const double *y)
{
    const double t = x[0] - y[0];
    switch (c) {
    case S_MATERN: return matern_ref(0.7, 1.0, fabs(t) / 0.8);
    case S_GAMMAEXP: return exp(-pow(fabs(t) / 0.9, 0.6));
    case S_SM: return 0.7 * exp(-2 * PI * PI * t * t * 0.04) * cos(2 * PI * t * 0.25) +
                      1.5 * exp(-2 * PI * PI * t * t * 0.3) * cos(2 * PI * t * 1.1);
    case S_WENDLAND: return pp_ref(2, 1, fabs(t) / 1.2);
    case S_FBM: return (pow(fabs(x[0]), 1.5) + pow(fabs(y[0]), 1.5) - pow(fabs(t), 1.5)) / 2;
    case S_IWIENER: {
        const double m = fmin(x[0], y[0]);
        return m * m * m / 3 + fabs(t) * m * m / 2;
    }
    case S_GIBBS: {
        const double lx = 0.5 + x[0] * x[0], ly = 0.5 + y[0] * y[0];
        return sqrt(2 * lx * ly / (lx * lx + ly * ly)) * exp(-t * t / (lx * lx + ly * ly));
    }
    case S_ARCCOS: { /* order 1, bias_var 0.5, weight_var 1 */
        const double a = 0.5 + x[0] * x[0] + x[1] * x[1], b = 0.5 + y[0] * y[0] + y[1] * y[1];
        return 2 * relu_moment(1, a, b, 0.5 + x[0] * y[0] + x[1] * y[1]);
    }
    case S_NNGP: return deep_ref(0, 1, 2, sw_l, sb_l, x, y, 2);
    case S_NTK: return deep_ref(1, 0, 2, sw_l, sb_l, x, y, 2);
    case S_PERIODIC: { /* 2-D: lengthscales {1, 2}, periods {1.5, 0.7} */
        const double s0 = sin(PI * (x[0] - y[0]) / 1.5), s1 = sin(PI * (x[1] - y[1]) / 0.7);
        return exp(-2 * (s0 * s0 + s1 * s1 / 4));
    }
    case S_TRANSFORM: { /* rbf(l = 0.7) of (cos x, sin x) */
        const double s = sin(t / 2);
        return exp(-4 * s * s / (2 * 0.49));
    }
    case S_CHANGEPOINT: {
        const double sx = 1 / (1 + exp(3 * (x[0] - 0.5))), sy = 1 / (1 + exp(3 * (y[0] - 0.5)));
        return sx * sy * exp(-t * t / (2 * 0.49)) + (1 - sx) * (1 - sy) * x[0] * y[0];
    }
    default: return pow(1 + x[0] * y[0], 3); /* S_POWER: linear{offset = 1}^3 */
    }
}

static gp_kernel *sampling_kernel(int c)
{
    gp_error err = {0};
    static double nu[] = {0.7}, l8[] = {0.8}, g6[] = {0.6}, l9[] = {0.9}, w[] = {0.7, 1.5},
                  mu[] = {0.25, 1.1}, v[] = {0.04, 0.3}, q2[] = {2}, l12[] = {1.2}, h[] = {0.75},
                  one[] = {1}, half[] = {0.5}, two[] = {2}, ls7[] = {0.7};
    switch (c) {
    case S_MATERN: return test_kernel_named("matern", (gp_kernel_arg[]){TEST_ARG("nu", nu), TEST_ARG("lengthscale", l8)}, 2);
    case S_GAMMAEXP: return test_kernel_named("gammaexp", (gp_kernel_arg[]){TEST_ARG("gamma", g6), TEST_ARG("lengthscale", l9)}, 2);
    case S_SM: return test_kernel_named("sm", (gp_kernel_arg[]){TEST_ARG("weights", w), TEST_ARG("means", mu), TEST_ARG("variances", v)}, 3);
    case S_WENDLAND: return test_kernel_named("wendland", (gp_kernel_arg[]){TEST_ARG("q", q2), TEST_ARG("lengthscale", l12)}, 2);
    case S_FBM: return test_kernel_named("fbm", (gp_kernel_arg[]){TEST_ARG("hurst", h)}, 1);
    case S_IWIENER: return test_kernel_named("iwiener", NULL, 0);
    case S_GIBBS: {
        gp_func *l = gp_func_polynomial((const double[]){0.5, 0, 1}, 3, &err);
        gp_kernel *k = test_kernel_named("gibbs", (gp_kernel_arg[]){{"lengthscale", NULL, 0, 0, l}}, 1);
        gp_func_release(l);
        return k;
    }
    case S_ARCCOS: return test_kernel_named("arccos", (gp_kernel_arg[]){TEST_ARG("bias_var", half), TEST_ARG("weight_var", one)}, 2);
    case S_NNGP:
    case S_NTK:
        return test_kernel_named(c == S_NNGP ? "nngp" : "ntk",
                    (gp_kernel_arg[]){TEST_ARG("depth", two), TEST_ARG("activation", (double[]){c == S_NTK}),
                                      {"weight_var", sw_l, 3, 1, NULL}, {"bias_var", sb_l, 3, 1, NULL}},
                    4);
    case S_PERIODIC: {
        static double ls2[] = {1, 2}, per2[] = {1.5, 0.7};
        return test_kernel_named("periodic", (gp_kernel_arg[]){TEST_ARG("lengthscale", ls2), TEST_ARG("period", per2)}, 2);
    }
    case S_TRANSFORM: {
        gp_func *fs[2] = {gp_func_external(cos_cb, NULL, NULL, "cos", &err),
                          gp_func_external(sin_cb, NULL, NULL, "sin", &err)};
        gp_kernel *r = test_kernel_named("rbf", (gp_kernel_arg[]){TEST_ARG("lengthscale", ls7)}, 1);
        gp_kernel *k = gp_kernel_transform(r, fs, 2, &err);
        gp_kernel_release(r);
        gp_func_release(fs[0]);
        gp_func_release(fs[1]);
        return k;
    }
    case S_CHANGEPOINT: {
        gp_kernel *r = test_kernel_named("rbf", (gp_kernel_arg[]){TEST_ARG("lengthscale", ls7)}, 1), *l = test_kernel_named("linear", NULL, 0);
        gp_kernel *k = gp_kernel_changepoint(r, l, 0.5, 3, 0, &err);
        gp_kernel_release(r);
        gp_kernel_release(l);
        return k;
    }
    default: {
        gp_kernel *l = test_kernel_named("linear", (gp_kernel_arg[]){TEST_ARG("offset", one)}, 1);
        gp_kernel *k = gp_kernel_power(l, 3, &err);
        gp_kernel_release(l);
        return k;
    }
    }
}

/* 20000 exact draws of GP(0, k) at 4 points: every mean and covariance
 * within 5 SE of the formula (so a wrong formula in the kernel fails). */
static void test_sampling_matches_the_formulas(void **state)
{
    (void)state;
    gp_error err = {0};
    const double pts1[] = {0.1, 0.35, 0.9, 1.6}, pts2[] = {0.3, -1.2, 1.5, 0.4, -0.7, -0.9, 0.2, 0.1};
    for (int c = 0; c < S_COUNT; c++) {
        const int two_d = c == S_ARCCOS || c == S_NNGP || c == S_NTK || c == S_PERIODIC;
        gp_matrix *X = two_d ? test_matrix_rows(4, 2, pts2) : test_matrix_rows(4, 1, pts1);
        gp_kernel *k = sampling_kernel(c);
        gp_func *zero = gp_func_constant(0, &err);
        gp_process *f = gp_process_new(zero, k, &err);
        gp_matrix *S = gp_matrix_alloc(4, 20000), *K = gp_matrix_alloc(4, 4);
        gp_rng rng;
        gp_rng_seed(&rng, 100 + (unsigned)c);
        assert_int_equal(gp_process_sample_joint(&f, 1, X, 0, &rng, &S, NULL, 0, NULL, &err), GP_OK);
        for (size_t i = 0; i < 4; i++)
            for (size_t j = 0; j < 4; j++) {
                const double x[2] = {GP_AT(X, i, 0), two_d ? GP_AT(X, i, 1) : 0};
                const double y[2] = {GP_AT(X, j, 0), two_d ? GP_AT(X, j, 1) : 0};
                GP_AT(K, i, j) = ref_at(c, x, y);
            }
        const double z = test_max_z(S, NULL, K);
        if (!(z <= 5)) {
            char text[300];
            gp_kernel_describe(k, text, sizeof text);
            fail_msg("%s: draws are %.2f SE from the formula", text, z);
        }
        gp_matrix_free(S);
        gp_matrix_free(K);
        gp_matrix_free(X);
        gp_process_release(f);
        gp_kernel_release(k);
        gp_func_release(zero);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matern_any_nu),
        cmocka_unit_test(test_gammaexp),
        cmocka_unit_test(test_spectral_mixture),
        cmocka_unit_test(test_wendland),
        cmocka_unit_test(test_periodic_ard),
        cmocka_unit_test(test_fbm_iwiener_gibbs),
        cmocka_unit_test(test_arccos_vs_integration),
        cmocka_unit_test(test_nngp_ntk_vs_integration),
        cmocka_unit_test(test_nodes),
        cmocka_unit_test(test_sampling_matches_the_formulas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
