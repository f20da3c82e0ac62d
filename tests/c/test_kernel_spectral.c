/* test_kernel_spectral.c: the new stationary kernels under the samplers that
 * need only their stationarity or their spectral density. Random Fourier
 * features draw frequencies from the spectral density (Student t for
 * Matern with any nu, a scale mixture of Gaussians by a positive stable law
 * for the gamma-exponential, the Gaussian mixture of the spectral mixture,
 * point masses for the cosine), independently of the kernel's formula: the
 * draws must have the kernel's covariance (5 standard errors, fixed seeds),
 * and must NOT have a nearby kernel's (the test can fail). The circulant
 * grid sampler draws every new stationary kernel exactly. */
#include <stdlib.h>
#include <string.h>

#include "gp_grid.h"
#include "gp_rff.h"
#include "test_util.h"

#define NDRAWS 20000

/* max |z| of RFF draws of k (J features each) against the kernel ref */
static double rff_z(const gp_kernel *k, const gp_kernel *ref, const gp_matrix *X, size_t J,
                    unsigned long long seed)
{
    gp_matrix *S = gp_matrix_alloc(X->rows, NDRAWS);
    gp_rng rng;
    gp_rng_seed(&rng, seed);
    gp_error err = {0};
    gp_rff_info info;
    if (gp_rff_sample(k, NULL, X, J, &rng, S, &info, &err))
        fail_msg("rff: %s", err.msg);
    const double z = test_max_z_kernel(S, X, ref, NULL);
    gp_matrix_free(S);
    return z;
}

static void check_rff(const gp_kernel *k, const gp_kernel *near, const gp_matrix *X,
                      unsigned long long seed)
{
    char text[256];
    gp_kernel_describe(k, text, sizeof text);
    const double z = rff_z(k, k, X, 16, seed);
    if (!(z <= 5))
        fail_msg("%s: random-feature draws are %.2f SE from the kernel", text, z);
    const double zn = rff_z(k, near, X, 16, seed);
    if (!(zn > 5))
        fail_msg("%s: the draws cannot tell it from a nearby kernel (%.2f SE)", text, zn);
}

static void test_rff_matern_any_nu(void **state)
{
    (void)state;
    gp_matrix *X1 = test_matrix_rows(4, 1, (double[]){0, 0.05, 0.3, 1.4});
    gp_matrix *X2 = test_matrix_rows(3, 2, (double[]){0, 0, 0.2, -0.3, 0.9, 0.5});
    const double nu[] = {0.7}, nu_near[] = {1.2}, nu2[] = {3.2}, nu2_near[] = {0.9},
                 ls[] = {0.8, 1.6}, amp[] = {1.4};
    gp_kernel *k = test_kernel_named("matern", (gp_kernel_arg[]){TEST_ARG("nu", nu), TEST_ARG("amplitude", amp)}, 2);
    gp_kernel *n = test_kernel_named("matern", (gp_kernel_arg[]){TEST_ARG("nu", nu_near), TEST_ARG("amplitude", amp)}, 2);
    check_rff(k, n, X1, 1);
    gp_kernel *k2 = test_kernel_named("matern", (gp_kernel_arg[]){TEST_ARG("nu", nu2), TEST_ARG("lengthscale", ls)}, 2);
    gp_kernel *n2 = test_kernel_named("matern", (gp_kernel_arg[]){TEST_ARG("nu", nu2_near), TEST_ARG("lengthscale", ls)}, 2);
    check_rff(k2, n2, X2, 2);
    gp_kernel *rel[] = {k, n, k2, n2};
    for (size_t i = 0; i < 4; i++)
        gp_kernel_release(rel[i]);
    gp_matrix_free(X1);
    gp_matrix_free(X2);
}

static void test_rff_gammaexp(void **state)
{
    (void)state;
    gp_matrix *X1 = test_matrix_rows(4, 1, (double[]){0, 0.1, 0.6, 1.5});
    gp_matrix *X2 = test_matrix_rows(3, 2, (double[]){0, 0, 0.2, -0.3, 0.9, 0.5});
    /* near enough to be a plausible mistake, far enough that 20000 draws tell
     * them apart at about 10 SE whatever the stream (0.6 vs 0.8 sat at 4.5-6.6) */
    const double gs[] = {0.6, 1.3, 2.0}, near[] = {1.0, 0.9, 1.4}, ls[] = {0.9, 0.6};
    for (int i = 0; i < 3; i++) {
        const double g[] = {gs[i]}, gn[] = {near[i]};
        gp_kernel *k = test_kernel_named("gammaexp", (gp_kernel_arg[]){TEST_ARG("gamma", g), TEST_ARG("lengthscale", ls)}, 2);
        gp_kernel *n = test_kernel_named("gammaexp", (gp_kernel_arg[]){TEST_ARG("gamma", gn), TEST_ARG("lengthscale", ls)}, 2);
        check_rff(k, n, X2, 10 + (unsigned)i);
        gp_kernel_release(k);
        gp_kernel_release(n);
        gp_kernel *k1 = test_kernel_named("gammaexp", (gp_kernel_arg[]){TEST_ARG("gamma", g)}, 1);
        gp_kernel *n1 = test_kernel_named("gammaexp", (gp_kernel_arg[]){TEST_ARG("gamma", gn)}, 1);
        check_rff(k1, n1, X1, 20 + (unsigned)i);
        gp_kernel_release(k1);
        gp_kernel_release(n1);
    }
    gp_matrix_free(X1);
    gp_matrix_free(X2);
}

static void test_rff_sm_and_cosine(void **state)
{
    (void)state;
    gp_matrix *X1 = test_matrix_rows(4, 1, (double[]){0, 0.2, 0.7, 1.3});
    gp_matrix *X2 = test_matrix_rows(3, 2, (double[]){0, 0, 0.2, -0.3, 0.9, 0.5});
    const double w[] = {0.7, 1.5}, mu[] = {0.25, 1.1}, v[] = {0.04, 0.3}, mu_near[] = {0.25, 0.9};
    gp_kernel *k = test_kernel_named("sm", (gp_kernel_arg[]){TEST_ARG("weights", w), TEST_ARG("means", mu), TEST_ARG("variances", v)}, 3);
    gp_kernel *n = test_kernel_named("sm", (gp_kernel_arg[]){TEST_ARG("weights", w), TEST_ARG("means", mu_near), TEST_ARG("variances", v)}, 3);
    check_rff(k, n, X1, 3);
    const double mu2[] = {0.2, 0.5, -0.3, 0.1}, mu2n[] = {0.2, 0.5, 0.3, 0.1}, v2[] = {0.1};
    gp_kernel *k2 = test_kernel_named("sm", (gp_kernel_arg[]){TEST_ARG("weights", w), {"means", mu2, 2, 2, NULL}, TEST_ARG("variances", v2)}, 3);
    gp_kernel *n2 = test_kernel_named("sm", (gp_kernel_arg[]){TEST_ARG("weights", w), {"means", mu2n, 2, 2, NULL}, TEST_ARG("variances", v2)}, 3);
    check_rff(k2, n2, X2, 4);
    const double per[] = {1.5, 2.5}, pern[] = {1.5, 2.0};
    gp_kernel *c = test_kernel_named("cosine", (gp_kernel_arg[]){TEST_ARG("period", per)}, 1);
    gp_kernel *cn = test_kernel_named("cosine", (gp_kernel_arg[]){TEST_ARG("period", pern)}, 1);
    check_rff(c, cn, X2, 5);
    gp_kernel *rel[] = {k, n, k2, n2, c, cn};
    for (size_t i = 0; i < 6; i++)
        gp_kernel_release(rel[i]);
    gp_matrix_free(X1);
    gp_matrix_free(X2);
}

/* Exact circulant draws on a grid of 6 points of every new stationary kernel. */
static void test_grid_covers_new_kernels(void **state)
{
    (void)state;
    gp_error err = {0};
    const double nu[] = {0.7}, g[] = {1.3}, w[] = {0.7, 1.5}, mu[] = {0.25, 1.1}, v[] = {0.04, 0.3},
                 q[] = {2}, ls[] = {1.5};
    gp_kernel *ks[] = {
        test_kernel_named("matern", (gp_kernel_arg[]){TEST_ARG("nu", nu)}, 1),
        test_kernel_named("gammaexp", (gp_kernel_arg[]){TEST_ARG("gamma", g)}, 1),
        test_kernel_named("sm", (gp_kernel_arg[]){TEST_ARG("weights", w), TEST_ARG("means", mu), TEST_ARG("variances", v)}, 3),
        test_kernel_named("wendland", (gp_kernel_arg[]){TEST_ARG("q", q), TEST_ARG("lengthscale", ls)}, 2),
    };
    const double a = -0.5, h = 0.3;
    gp_matrix *X = gp_matrix_alloc(6, 1);
    for (size_t i = 0; i < 6; i++)
        X->data[i] = a + i * h;
    for (size_t c = 0; c < sizeof ks / sizeof *ks; c++) {
        gp_matrix *S = gp_matrix_alloc(6, NDRAWS);
        gp_rng rng;
        gp_rng_seed(&rng, 40 + c);
        gp_grid_info info;
        gp_grid_options opt;
        gp_grid_options_default(&opt);
        opt.method = GP_GRID_CIRCULANT;
        if (gp_grid_sample(ks[c], NULL, a, h, &opt, &rng, S, &info, &err))
            fail_msg("grid: %s", err.msg);
        const double z = test_max_z_kernel(S, X, ks[c], NULL);
        if (!(z <= 5))
            fail_msg("grid draws of kernel %zu are %.2f SE from it", c, z);
        gp_matrix_free(S);
        gp_kernel_release(ks[c]);
    }
    gp_matrix_free(X);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rff_matern_any_nu),
        cmocka_unit_test(test_rff_gammaexp),
        cmocka_unit_test(test_rff_sm_and_cosine),
        cmocka_unit_test(test_grid_covers_new_kernels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
