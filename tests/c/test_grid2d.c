/* test_grid2d.c: exact draws on 2-D grids (gp_grid2d_sample, circulant
 * embedding) and on tensor grids of separable kernels (gp_grid_kron_sample).
 *
 * Statistical checks: NDRAWS draws with a fixed seed; every mean and
 * covariance entry (all of them on small grids, chosen ones on a large grid)
 * within 5 standard errors estimated from the draws (test_max_z) of the mean
 * and of the covariance k evaluated densely at the grid's points. The checks
 * were seen to FAIL with a broken sampler (x and y swapped in the output: 6
 * tests; eigenvalues 5% too large: 5 tests). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "gp_grid.h"
#include "gp_kernel.h"
#include "gp_stats.h"

#define NDRAWS 20000

static gp_code plane(void *ctx, const double *x, size_t d, double *out, gp_error *err)
{
    (void)ctx;
    (void)err;
    *out = 1.0 + x[0] - 2.0 * (d > 1 ? x[1] : 0.0);
    return GP_OK;
}

/* The grid's points, x fastest. */
static gp_matrix *points(const gp_grid_axis *x, const gp_grid_axis *y)
{
    gp_matrix *X = gp_matrix_alloc(x->n * y->n, 2);
    assert_non_null(X);
    for (size_t j = 0; j < y->n; j++)
        for (size_t i = 0; i < x->n; i++) {
            GP_AT(X, j * x->n + i, 0) = x->a + (double)i * x->h;
            GP_AT(X, j * x->n + i, 1) = y->a + (double)j * y->h;
        }
    return X;
}

/* Largest |z| of the rows idx[0..r-1] of S (all rows when idx is NULL)
 * against mean m and kernel k at those points. */
static double max_z_rows(const gp_matrix *S, const gp_matrix *X, const size_t *idx, size_t r,
                         const gp_kernel *k, const gp_func *m)
{
    if (!idx)
        return test_max_z_kernel(S, X, k, m);
    gp_matrix *sub = gp_matrix_alloc(r, S->cols), *Xs = gp_matrix_alloc(r, 2);
    assert_true(sub && Xs);
    for (size_t i = 0; i < r; i++) {
        GP_AT(Xs, i, 0) = GP_AT(X, idx[i], 0);
        GP_AT(Xs, i, 1) = GP_AT(X, idx[i], 1);
        for (size_t t = 0; t < S->cols; t++)
            GP_AT(sub, i, t) = GP_AT(S, idx[i], t);
    }
    const double z = test_max_z_kernel(sub, Xs, k, m);
    gp_matrix_free(Xs);
    gp_matrix_free(sub);
    return z;
}

/* N draws on x (x) y, every entry within 5 SE; returns the info. */
static gp_grid_info check_grid_n(const gp_kernel *k, const gp_func *m, gp_grid_axis x,
                                 gp_grid_axis y, const gp_grid_options *opt, uint64_t seed,
                                 size_t N)
{
    gp_matrix *S = gp_matrix_alloc(x.n * y.n, N), *X = points(&x, &y);
    assert_non_null(S);
    gp_rng rng;
    gp_rng_seed(&rng, seed);
    gp_grid_info info;
    gp_error err;
    if (gp_grid2d_sample(k, m, &x, &y, opt, &rng, S, &info, &err))
        fail_msg("%s", err.msg);
    const double z = max_z_rows(S, X, NULL, 0, k, m);
    print_message("%zu x %zu grid: %s, m = %zu x %zu, %u paddings, max |z| %.2f\n", x.n, y.n,
                  gp_grid_method_name(info.method), info.mx, info.my, info.paddings, z);
    if (!(z <= 5.0))
        fail_msg("max |z| = %.2f > 5 (method %s)", z, gp_grid_method_name(info.method));
    gp_matrix_free(X);
    gp_matrix_free(S);
    return info;
}

static gp_grid_info check_grid(const gp_kernel *k, const gp_func *m, gp_grid_axis x,
                               gp_grid_axis y, const gp_grid_options *opt, uint64_t seed)
{
    return check_grid_n(k, m, x, y, opt, seed, NDRAWS);
}

static gp_kernel *iso(gp_kernel *(*ctor)(double, const double *, size_t, gp_error *), double amp,
                      double l)
{
    gp_error err;
    gp_kernel *k = ctor(amp, &l, 1, &err);
    assert_non_null(k);
    return k;
}

static void test_matern32_with_mean(void **state)
{
    (void)state;
    gp_error err;
    gp_kernel *k = iso(gp_kernel_matern32, 1.5, 0.5);
    gp_func *m = gp_func_external(plane, NULL, NULL, "plane", &err);
    gp_grid_info info = check_grid(k, m, (gp_grid_axis){-1, 0.2, 6},
                                   (gp_grid_axis){2, 0.3, 5}, NULL, 1);
    assert_int_equal(info.method, GP_GRID_CIRCULANT);
    assert_true(info.mx >= 10 && info.my >= 8); /* at least 2 (n - 1) */
    assert_int_equal(info.m, info.mx * info.my);
    assert_int_equal(info.n, 30);
    gp_func_release(m);
    gp_kernel_release(k);
}

/* Anisotropic (ARD) rbf and a sum with an exponential kernel. */
static void test_anisotropic_sum(void **state)
{
    (void)state;
    gp_error err;
    const double ls[] = {0.3, 1.2};
    gp_kernel *a = gp_kernel_rbf(1, ls, 2, &err), *b = iso(gp_kernel_exponential, 0.5, 0.7);
    gp_kernel *k = gp_kernel_sum(a, b, &err);
    gp_grid_info info = check_grid(k, NULL, (gp_grid_axis){0, 0.15, 7},
                                   (gp_grid_axis){0, 0.4, 4}, NULL, 2);
    assert_int_equal(info.method, GP_GRID_CIRCULANT);
    assert_true(info.clipped < 1e-12);
    gp_kernel_release(k);
    gp_kernel_release(a);
    gp_kernel_release(b);
}

/* A long length-scale needs padding; one grid axis of a single point. */
static void test_padding_and_thin(void **state)
{
    (void)state;
    gp_kernel *k = iso(gp_kernel_rbf, 1, 0.4);
    gp_grid_info info = check_grid_n(k, NULL, (gp_grid_axis){0, 0.1, 6},
                                     (gp_grid_axis){0, 0.12, 5}, NULL, 3, 4000);
    assert_int_equal(info.method, GP_GRID_CIRCULANT);
    assert_true(info.paddings > 0);
    info = check_grid(k, NULL, (gp_grid_axis){0, 0.3, 9}, (gp_grid_axis){5, 0, 1}, NULL, 4);
    assert_int_equal(info.my, 1);
    gp_kernel_release(k);
}

/* Without padding the embedding stays indefinite: the general sampler runs
 * (low-rank or dense), exact, and says why; method "circulant" refuses. */
static void test_fallback(void **state)
{
    (void)state;
    gp_kernel *k = iso(gp_kernel_rbf, 1, 1);
    gp_grid_options opt;
    gp_grid_options_default(&opt);
    opt.max_paddings = 0;
    gp_grid_info info = check_grid(k, NULL, (gp_grid_axis){0, 0.1, 6}, (gp_grid_axis){0, 0.12, 5},
                                   &opt, 5);
    assert_int_equal(info.method, GP_GRID_DENSE);
    assert_non_null(strstr(info.reason, "indefinite up to m = 80"));
    assert_int_equal(info.dense.n, 30);
    opt.method = GP_GRID_CIRCULANT;
    gp_matrix *S = gp_matrix_alloc(30, 2);
    gp_grid_axis x = {0, 0.1, 6}, y = {0, 0.12, 5};
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    gp_error err;
    assert_int_equal(gp_grid2d_sample(k, NULL, &x, &y, &opt, &rng, S, &info, &err),
                     GP_ERR_NOT_PSD);
    assert_non_null(strstr(err.msg, "stays indefinite up to m = 80"));
    gp_matrix_free(S);
    gp_kernel_release(k);
}

/* The check has power: matern52 draws are not matern32 draws, and x and y
 * are not interchangeable on an anisotropic kernel. */
static void test_check_rejects(void **state)
{
    (void)state;
    gp_error err;
    const double ls[] = {0.15, 0.4}, sl[] = {0.4, 0.15};
    gp_kernel *k = gp_kernel_rbf(1, ls, 2, &err), *swapped = gp_kernel_rbf(1, sl, 2, &err);
    gp_kernel *m52 = iso(gp_kernel_matern52, 1, 0.5), *m32 = iso(gp_kernel_matern32, 1, 0.5);
    gp_grid_axis x = {0, 0.2, 5}, y = {0, 0.2, 4};
    gp_matrix *S = gp_matrix_alloc(20, NDRAWS), *X = points(&x, &y);
    gp_rng rng;
    gp_rng_seed(&rng, 6);
    assert_int_equal(gp_grid2d_sample(k, NULL, &x, &y, NULL, &rng, S, NULL, &err), GP_OK);
    assert_true(max_z_rows(S, X, NULL, 0, k, NULL) <= 5.0);
    assert_true(max_z_rows(S, X, NULL, 0, swapped, NULL) > 5.0);
    assert_int_equal(gp_grid2d_sample(m52, NULL, &x, &y, NULL, &rng, S, NULL, &err), GP_OK);
    assert_true(max_z_rows(S, X, NULL, 0, m52, NULL) <= 5.0);
    assert_true(max_z_rows(S, X, NULL, 0, m32, NULL) > 5.0);
    gp_matrix_free(X);
    gp_matrix_free(S);
    gp_kernel_release(k);
    gp_kernel_release(swapped);
    gp_kernel_release(m52);
    gp_kernel_release(m32);
}

/* Draws 2t and 2t + 1 (real and imaginary parts of one FFT) are independent:
 * the stacked pair has covariance blockdiag(K, K), every entry within 5 SE. */
static void test_pair_independent(void **state)
{
    (void)state;
    enum { n = 12, N = 20000 };
    gp_kernel *k = iso(gp_kernel_matern32, 1, 0.4);
    gp_grid_axis x = {0, 0.2, 4}, y = {0, 0.25, 3};
    gp_matrix *S = gp_matrix_alloc(n, N), *T = gp_matrix_alloc(2 * n, N / 2), *X = points(&x, &y);
    gp_rng rng;
    gp_rng_seed(&rng, 7);
    gp_error err;
    assert_int_equal(gp_grid2d_sample(k, NULL, &x, &y, NULL, &rng, S, NULL, &err), GP_OK);
    for (size_t t = 0; t < N / 2; t++)
        for (size_t i = 0; i < n; i++) {
            GP_AT(T, i, t) = GP_AT(S, i, 2 * t);
            GP_AT(T, n + i, t) = GP_AT(S, i, 2 * t + 1);
        }
    gp_matrix *K = test_gram(k, X, NULL), *B = gp_matrix_alloc(2 * n, 2 * n);
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++)
            GP_AT(B, i, j) = GP_AT(B, n + i, n + j) = GP_AT(K, i, j);
    assert_true(test_max_z(T, NULL, B) <= 5.0);
    gp_matrix_free(B);
    gp_matrix_free(K);
    gp_matrix_free(X);
    gp_matrix_free(T);
    gp_matrix_free(S);
    gp_kernel_release(k);
}

/* A 48 x 32 grid: entries across rows, columns and corners, in batches. */
static void test_large_grid_entries(void **state)
{
    (void)state;
    const size_t nx = 48, ny = 32, batch = 200, N = 4000;
    gp_grid_axis x = {0, 0.01, nx}, y = {1, 0.02, ny};
    const size_t idx[] = {0, 1, nx, nx + 1, 2 * nx + 3, nx * ny / 2 + 7, nx * ny - nx, nx * ny - 1};
    const size_t r = sizeof idx / sizeof idx[0];
    gp_kernel *k = iso(gp_kernel_matern32, 1, 0.05);
    gp_matrix *S = gp_matrix_alloc(nx * ny, batch), *keep = gp_matrix_alloc(nx * ny, N);
    gp_matrix *X = points(&x, &y);
    gp_rng rng;
    gp_rng_seed(&rng, 8);
    gp_grid_info info;
    gp_error err;
    for (size_t b = 0; b < N / batch; b++) {
        assert_int_equal(gp_grid2d_sample(k, NULL, &x, &y, NULL, &rng, S, &info, &err), GP_OK);
        for (size_t t = 0; t < batch; t++)
            for (size_t i = 0; i < r; i++)
                GP_AT(keep, idx[i], b * batch + t) = GP_AT(S, idx[i], t);
    }
    assert_int_equal(info.method, GP_GRID_CIRCULANT);
    const double z = max_z_rows(keep, X, idx, r, k, NULL);
    print_message("48 x 32 grid, m = %zu x %zu: max |z| %.2f\n", info.mx, info.my, z);
    assert_true(z <= 5.0);
    gp_matrix_free(X);
    gp_matrix_free(keep);
    gp_matrix_free(S);
    gp_kernel_release(k);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    gp_error err;
    gp_kernel *k = iso(gp_kernel_rbf, 1, 1), *lin = gp_kernel_linear(1, 0, &err);
    gp_matrix *S = gp_matrix_alloc(12, 2);
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    gp_grid_axis x = {0, 0.1, 4}, y = {0, 0.1, 3}, bad = {0, 0, 3}, nan = {NAN, 0.1, 4};
    assert_int_equal(gp_grid2d_sample(k, NULL, &x, &bad, NULL, &rng, S, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "h > 0"));
    assert_non_null(strstr(err.msg, "along y"));
    assert_int_equal(gp_grid2d_sample(k, NULL, &nan, &y, NULL, &rng, S, NULL, &err), GP_ERR_ARG);
    assert_int_equal(gp_grid2d_sample(k, NULL, &x, NULL, NULL, &rng, S, NULL, &err), GP_ERR_ARG);
    assert_int_equal(gp_grid2d_sample(lin, NULL, &x, &y, NULL, &rng, S, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "not stationary"));
    gp_grid_axis x5 = {0, 0.1, 5};
    assert_int_equal(gp_grid2d_sample(k, NULL, &x5, &y, NULL, &rng, S, NULL, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "12 rows, the grid 15 points"));
    const size_t third = 2; /* a kernel on a third input dimension: its error comes through */
    gp_kernel *sel = gp_kernel_select(k, &third, 1, &err);
    assert_int_equal(gp_grid2d_sample(sel, NULL, &x, &y, NULL, &rng, S, NULL, &err), GP_ERR_DIM);
    gp_kernel_release(sel);
    gp_matrix_free(S);
    gp_kernel_release(lin);
    gp_kernel_release(k);
}

/* ---- Kronecker ------------------------------------------------------------------ */

/* kx(x, x') ky(y, y') as one 2-D kernel, for the reference covariance. */
static gp_kernel *product_2d(gp_kernel *kx, gp_kernel *ky)
{
    gp_error err;
    const size_t d0 = 0, d1 = 1;
    gp_kernel *a = gp_kernel_select(kx, &d0, 1, &err), *b = gp_kernel_select(ky, &d1, 1, &err);
    gp_kernel *k = gp_kernel_product(a, b, &err);
    gp_kernel_release(a);
    gp_kernel_release(b);
    return k;
}

/* rbf in x times a linear (non-stationary, rank 2) kernel in y on uneven
 * points, with a mean: exact moments; the infos give the factors' ranks. */
static void test_kron_moments(void **state)
{
    (void)state;
    gp_error err;
    gp_kernel *kx = iso(gp_kernel_rbf, 1.3, 0.5), *ky = gp_kernel_linear(1, 1, &err);
    gp_kernel *k = product_2d(kx, ky);
    gp_func *m = gp_func_external(plane, NULL, NULL, "plane", &err);
    gp_matrix *xs = test_random_points(7, 1, 0, 2, 11), *ys = test_random_points(5, 1, -1, 1, 12);
    gp_matrix *S = gp_matrix_alloc(35, NDRAWS), *X = gp_matrix_alloc(35, 2);
    for (size_t j = 0; j < 5; j++)
        for (size_t i = 0; i < 7; i++) {
            GP_AT(X, j * 7 + i, 0) = xs->data[i];
            GP_AT(X, j * 7 + i, 1) = ys->data[j];
        }
    gp_rng rng;
    gp_rng_seed(&rng, 13);
    gp_factor info[2];
    assert_int_equal(gp_grid_kron_sample(kx, ky, m, xs, ys, &rng, S, info, &err), GP_OK);
    assert_int_equal(info[0].n, 7);
    assert_int_equal(info[1].n, 5);
    assert_int_equal(info[1].rank, 2);
    assert_null(info[0].L);
    const double z = test_max_z_kernel(S, X, k, m);
    print_message("kron rbf x linear: ranks %zu and %zu, max |z| %.2f\n", info[0].rank,
                  info[1].rank, z);
    assert_true(z <= 5.0);
    /* and the check has power: the kernel with x and y swapped is rejected */
    gp_kernel *wrong = product_2d(ky, kx);
    assert_true(test_max_z_kernel(S, X, wrong, m) > 5.0);
    gp_kernel_release(wrong);
    gp_matrix_free(X);
    gp_matrix_free(S);
    gp_matrix_free(xs);
    gp_matrix_free(ys);
    gp_func_release(m);
    gp_kernel_release(k);
    gp_kernel_release(kx);
    gp_kernel_release(ky);
}

static void test_kron_bad_arguments(void **state)
{
    (void)state;
    gp_error err;
    gp_kernel *k = iso(gp_kernel_rbf, 1, 1);
    gp_matrix *xs = gp_matrix_alloc(3, 1), *ys = gp_matrix_alloc(4, 1), *S = gp_matrix_alloc(11, 1);
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    assert_int_equal(gp_grid_kron_sample(k, k, NULL, xs, ys, &rng, S, NULL, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "12"));
    assert_int_equal(gp_grid_kron_sample(NULL, k, NULL, xs, ys, &rng, S, NULL, &err),
                     GP_ERR_ARG);
    xs->data[1] = NAN;
    gp_matrix *S12 = gp_matrix_alloc(12, 1);
    assert_int_equal(gp_grid_kron_sample(k, k, NULL, xs, ys, &rng, S12, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "non-finite"));
    gp_matrix_free(S12);
    gp_matrix_free(S);
    gp_matrix_free(xs);
    gp_matrix_free(ys);
    gp_kernel_release(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matern32_with_mean),
        cmocka_unit_test(test_anisotropic_sum),
        cmocka_unit_test(test_padding_and_thin),
        cmocka_unit_test(test_fallback),
        cmocka_unit_test(test_check_rejects),
        cmocka_unit_test(test_pair_independent),
        cmocka_unit_test(test_large_grid_entries),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_kron_moments),
        cmocka_unit_test(test_kron_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
