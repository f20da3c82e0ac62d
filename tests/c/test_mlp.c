/* test_mlp.c: finite networks at random initialisation (gp_mlp.h). With one
 * hidden layer their draws have exactly the NNGP covariance at every width
 * (checked at width 3 for ReLU and erf, 5 SE, fixed seeds): an independent
 * check of the nngp kernel against real networks. Both ways of drawing a
 * layer (the weights, or the exact conditional law when the fan-in exceeds
 * the points) are exercised. With two hidden layers the narrow network's
 * covariance visibly differs from the NNGP (the O(1/width) effect), and
 * its Rao-Blackwellised empirical kernel agrees with plain draws. */
#include <stdlib.h>
#include <string.h>

#include "gp_mlp.h"
#include "test_util.h"

static gp_mlp *net_of(int depth, double width, int act, double sw, double sb)
{
    gp_error err = {0};
    gp_mlp *net = gp_mlp_new(depth, &width, 1, act, &sw, 1, &sb, 1, &err);
    if (!net)
        fail_msg("mlp: %s", err.msg);
    return net;
}

static double draws_z(const gp_mlp *net, const gp_matrix *X, size_t ns, unsigned long long seed)
{
    gp_error err = {0};
    gp_matrix *F = gp_matrix_alloc(X->rows, ns);
    gp_rng rng;
    gp_rng_seed(&rng, seed);
    assert_int_equal(gp_mlp_sample(net, X, &rng, F, &err), GP_OK);
    gp_kernel *k = gp_mlp_kernel(net, 0, &err);
    const double z = test_max_z_kernel(F, X, k, NULL);
    gp_kernel_release(k);
    gp_matrix_free(F);
    return z;
}

static void test_one_hidden_layer_is_the_nngp_at_every_width(void **state)
{
    (void)state;
    gp_matrix *X = test_matrix_rows(4, 1, (double[]){-1.5, -0.2, 0.4, 2.0});
    for (int act = 0; act <= 1; act++) {
        gp_mlp *net = net_of(1, 3, act, 2.0, 0.3);
        const double z = draws_z(net, X, 40000, 11 + (unsigned)act);
        if (!(z <= 5))
            fail_msg("activation %d: width-3 networks are %.2f SE from the NNGP", act, z);
        gp_mlp_release(net);
    }
    /* 6-D inputs at 4 points: the first layer drawn from its conditional law */
    gp_matrix *X6 = test_random_points(4, 6, -1, 1, 12);
    gp_mlp *net = net_of(1, 2, 0, 1.5, 0.2);
    const double z = draws_z(net, X6, 40000, 13);
    if (!(z <= 5))
        fail_msg("6-D inputs: %.2f SE from the NNGP", z);
    gp_mlp_release(net);
    gp_matrix_free(X6);
    gp_matrix_free(X);
}

static void test_two_layers_differ_at_small_width(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_matrix *X = test_matrix_rows(2, 1, (double[]){-1, 1});
    gp_mlp *narrow = net_of(2, 2, 0, 2.0, 0.1), *wide = net_of(2, 400, 0, 2.0, 0.1);
    assert_true(draws_z(narrow, X, 40000, 21) > 5); /* width 2: not the NNGP */
    gp_matrix *K = gp_matrix_alloc(2, 2), *SE = gp_matrix_alloc(2, 2);
    gp_rng rng;
    gp_rng_seed(&rng, 22);
    /* the wide network's covariance is near the NNGP: within 5 SE + 2/width */
    assert_int_equal(gp_mlp_empirical_kernel(wide, X, 4000, &rng, K, SE, &err), GP_OK);
    gp_kernel *k = gp_mlp_kernel(wide, 0, &err);
    gp_matrix *R = test_gram(k, X, NULL);
    for (size_t t = 0; t < 4; t++)
        assert_close(K->data[t], R->data[t], 5 * SE->data[t] + 2.0 / 400);
    /* the narrow one's empirical kernel agrees with its plain draws (5 SE) */
    assert_int_equal(gp_mlp_empirical_kernel(narrow, X, 40000, &rng, K, SE, &err), GP_OK);
    gp_matrix *F = gp_matrix_alloc(2, 40000);
    assert_int_equal(gp_mlp_sample(narrow, X, &rng, F, &err), GP_OK);
    const double z = test_max_z(F, NULL, K);
    if (!(z <= 5))
        fail_msg("empirical kernel vs draws: %.2f SE", z);
    gp_matrix_free(F);
    gp_matrix_free(R);
    gp_kernel_release(k);
    gp_matrix_free(K);
    gp_matrix_free(SE);
    gp_mlp_release(narrow);
    gp_mlp_release(wide);
    gp_matrix_free(X);
}

static void test_errors_and_describe(void **state)
{
    (void)state;
    gp_error err = {0};
    const double w3[] = {4, 8, 16}, sw[] = {1, 2, 2, 1}, sb = 0.1, zero = 0;
    gp_mlp *net = gp_mlp_new(3, w3, 3, 1, sw, 4, &sb, 1, &err);
    assert_non_null(net);
    char text[200];
    gp_mlp_describe(net, text, sizeof text);
    assert_string_equal(text, "mlp_network(depth=3, width={4, 8, 16}, activation=\"erf\", "
                              "weight_var={1, 2, 2, 1}, bias_var=0.1)");
    assert_int_equal(gp_mlp_width(net, 3), 16);
    gp_mlp_release(net);
    assert_null(gp_mlp_new(2, w3, 3, 0, sw, 1, &sb, 1, &err));
    assert_non_null(strstr(err.msg, "width must be one number or one per hidden layer (2)"));
    assert_null(gp_mlp_new(1, &zero, 1, 0, sw, 1, &sb, 1, &err));
    assert_non_null(strstr(err.msg, "width must be a whole number from 1"));
    assert_null(gp_mlp_new(2, w3, 1, 0, sw, 2, &sb, 1, &err));
    assert_non_null(strstr(err.msg, "nngp: weight_var must be one number or one per weight layer"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_hidden_layer_is_the_nngp_at_every_width),
        cmocka_unit_test(test_two_layers_differ_at_small_width),
        cmocka_unit_test(test_errors_and_describe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
