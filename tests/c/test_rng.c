/* test_rng.c: the xoshiro256** generator, its seeding, uniforms and normals.
 *
 * Reference values come from an independent, straightforward transcription of
 * the published algorithms (Blackman & Vigna's xoshiro256starstar.c and
 * splitmix64.c; Marsaglia & Tsang's ziggurat with Doornik's separate bits,
 * its tables rebuilt here from the paper's r and v) written here, plus a few
 * published outputs (state {1, 2, 3, 4}, splitmix64 from seed 1234567); the
 * normals' distribution is checked bin by bin and in the tails. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "gp_rng.h"

/* ---- independent reference implementation -------------------------------- */

typedef struct ref_rng {
    uint64_t s0, s1, s2, s3;
} ref_rng;

static uint64_t ref_rotl(uint64_t x, unsigned k)
{
    return k == 0 ? x : (x << k) | (x >> (64u - k));
}

static uint64_t ref_next(ref_rng *g)
{
    uint64_t out = ref_rotl(g->s1 * UINT64_C(5), 7) * UINT64_C(9);
    uint64_t t = g->s1 << 17;
    uint64_t n2 = g->s2 ^ g->s0;
    uint64_t n3 = g->s3 ^ g->s1;
    uint64_t n1 = g->s1 ^ n2;
    uint64_t n0 = g->s0 ^ n3;
    n2 ^= t;
    n3 = ref_rotl(n3, 45);
    g->s0 = n0;
    g->s1 = n1;
    g->s2 = n2;
    g->s3 = n3;
    return out;
}

static uint64_t ref_splitmix(uint64_t *state)
{
    *state += UINT64_C(0x9E3779B97F4A7C15);
    uint64_t z = *state;
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static void ref_seed(ref_rng *g, uint64_t seed)
{
    uint64_t st = seed;
    g->s0 = ref_splitmix(&st);
    g->s1 = ref_splitmix(&st);
    g->s2 = ref_splitmix(&st);
    g->s3 = ref_splitmix(&st);
}

static double ref_uniform(ref_rng *g)
{
    uint64_t top53 = ref_next(g) >> 11;
    return (double)top53 / 9007199254740992.0; /* 2^53 */
}

/* The ziggurat of 256 layers: layer k spans [0, xs[k]] horizontally; layer
 * 0 is the base strip with the tail beyond r. */
static double ref_zig_edges(int k)
{
    static double xs[257];
    static int ready;
    if (!ready) {
        const double r = 3.6541528853610088, v = 4.92867323399e-3;
        double fr = exp(-r * r / 2);
        xs[0] = v / fr;
        xs[1] = r;
        for (int j = 2; j < 256; j++) {
            xs[j] = sqrt(-2 * log(v / xs[j - 1] + fr));
            fr = exp(-xs[j] * xs[j] / 2);
        }
        xs[256] = 0;
        ready = 1;
    }
    return xs[k];
}

static double ref_normal(ref_rng *g)
{
    const double r = 3.6541528853610088;
    for (;;) {
        uint64_t w = ref_next(g);
        int k = (int)(w % 256);
        double u = (double)(w >> 11) / 9007199254740992.0 * 2.0 - 1.0;
        double hi = ref_zig_edges(k), lo = ref_zig_edges(k + 1);
        if (fabs(u) < lo / hi)
            return u * hi;
        if (k == 0) { /* the tail beyond r */
            double a, b;
            do {
                a = log((double)((ref_next(g) >> 11) + 1) / 9007199254740992.0) / r;
                b = log((double)((ref_next(g) >> 11) + 1) / 9007199254740992.0);
            } while (-2.0 * b < a * a);
            return u < 0 ? a - r : r - a;
        }
        double x = u * hi;
        double top = exp(-0.5 * (lo * lo - x * x)), bottom = exp(-0.5 * (hi * hi - x * x));
        if (top + ref_uniform(g) * (bottom - top) < 1.0)
            return x;
    }
}

/* ---- tests --------------------------------------------------------------------- */

static void test_xoshiro_published_state(void **state)
{
    (void)state;
    /* Published first outputs of xoshiro256** from state {1, 2, 3, 4}
     * (as used in the test suites of the Rust rand_xoshiro crate). */
    static const uint64_t expected[10] = {
        UINT64_C(11520),
        UINT64_C(0),
        UINT64_C(1509978240),
        UINT64_C(1215971899390074240),
        UINT64_C(1216172134540287360),
        UINT64_C(607988272756665600),
        UINT64_C(16172922978634559625),
        UINT64_C(8476171486693032832),
        UINT64_C(10595114339597558777),
        UINT64_C(2904607092377533576),
    };
    gp_rng rng = {.s = {1, 2, 3, 4}};
    ref_rng ref = {.s0 = 1, .s1 = 2, .s2 = 3, .s3 = 4};
    for (int i = 0; i < 10; i++) {
        uint64_t got = gp_rng_next(&rng);
        assert_true(got == expected[i]);
        assert_true(ref_next(&ref) == expected[i]);
    }
    /* and a long stretch against the reference */
    for (int i = 0; i < 100000; i++)
        assert_true(gp_rng_next(&rng) == ref_next(&ref));
}

static void test_seed_is_splitmix64(void **state)
{
    (void)state;
    /* Published splitmix64 outputs from seed 1234567 (Vigna's splitmix64.c). */
    static const uint64_t expected[4] = {
        UINT64_C(6457827717110365317),
        UINT64_C(3203168211198807973),
        UINT64_C(9817491932198370423),
        UINT64_C(4593380528125082431),
    };
    gp_rng rng;
    gp_rng_seed(&rng, 1234567);
    for (int i = 0; i < 4; i++)
        assert_true(rng.s[i] == expected[i]);

    const uint64_t seeds[] = {0, 1, 42, UINT64_MAX, UINT64_C(0x123456789abcdef0)};
    for (size_t k = 0; k < sizeof seeds / sizeof seeds[0]; k++) {
        ref_rng ref;
        ref_seed(&ref, seeds[k]);
        gp_rng_seed(&rng, seeds[k]);
        assert_true(rng.s[0] == ref.s0 && rng.s[1] == ref.s1 && rng.s[2] == ref.s2 &&
                    rng.s[3] == ref.s3);
        assert_false(rng.s[0] == 0 && rng.s[1] == 0 && rng.s[2] == 0 && rng.s[3] == 0);
        for (int i = 0; i < 1000; i++)
            assert_true(gp_rng_next(&rng) == ref_next(&ref));
    }
}

static void test_uniform_matches_reference(void **state)
{
    (void)state;
    gp_rng rng;
    ref_rng ref;
    gp_rng_seed(&rng, 7);
    ref_seed(&ref, 7);
    for (int i = 0; i < 100000; i++) {
        double u = gp_rng_uniform(&rng);
        double r = ref_uniform(&ref);
        assert_true(memcmp(&u, &r, sizeof u) == 0);
        assert_true(u >= 0.0 && u < 1.0);
    }
    /* extremes: an output of 0 gives exactly 0 (state {1,0,0,0} outputs 0) */
    gp_rng z = {.s = {1, 0, 0, 0}};
    assert_true(gp_rng_uniform(&z) == 0.0);
}

static void test_normal_matches_reference(void **state)
{
    (void)state;
    gp_rng rng;
    ref_rng ref;
    gp_rng_seed(&rng, 2024);
    ref_seed(&ref, 2024);
    for (int i = 0; i < 100001; i++) {
        double a = gp_rng_normal(&rng);
        double b = ref_normal(&ref);
        assert_true(memcmp(&a, &b, sizeof a) == 0);
    }
    /* interleaving uniforms and normals follows the same stream too */
    for (int i = 0; i < 1000; i++) {
        double a = (i % 3 == 0) ? gp_rng_uniform(&rng) : gp_rng_normal(&rng);
        double b = (i % 3 == 0) ? ref_uniform(&ref) : ref_normal(&ref);
        assert_true(memcmp(&a, &b, sizeof a) == 0);
    }
}

static void test_same_seed_same_bits(void **state)
{
    (void)state;
    enum { N = 4096 };
    double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    gp_rng r1, r2;
    gp_rng_seed(&r1, 99);
    gp_rng_seed(&r2, 99);
    for (int i = 0; i < N; i++)
        assert_true(gp_rng_next(&r1) == gp_rng_next(&r2));
    gp_rng_normals(&r1, a, N);
    gp_rng_normals(&r2, b, N);
    assert_memory_equal(a, b, N * sizeof *a);
    /* re-seeding restarts the stream, whatever was drawn before */
    gp_rng_seed(&r1, 99);
    (void)gp_rng_normal(&r2); /* draw something first */
    gp_rng_seed(&r2, 99);
    for (int i = 0; i < N; i++) {
        a[i] = gp_rng_normal(&r1);
        b[i] = gp_rng_normal(&r2);
    }
    assert_memory_equal(a, b, N * sizeof *a);
    free(a);
    free(b);
}

static void test_different_seed_differs(void **state)
{
    (void)state;
    gp_rng r1, r2;
    gp_rng_seed(&r1, 1);
    gp_rng_seed(&r2, 2);
    int same = 0;
    for (int i = 0; i < 1000; i++)
        same += gp_rng_next(&r1) == gp_rng_next(&r2);
    assert_int_equal(same, 0);
    gp_rng_seed(&r1, 0);
    gp_rng_seed(&r2, UINT64_C(1) << 63);
    same = 0;
    for (int i = 0; i < 1000; i++)
        same += gp_rng_normal(&r1) == gp_rng_normal(&r2);
    assert_int_equal(same, 0);
}

static void test_uniform_moments(void **state)
{
    (void)state;
    const int N = 1000000;
    gp_rng rng;
    gp_rng_seed(&rng, 12345);
    double s1 = 0, s2 = 0;
    for (int i = 0; i < N; i++) {
        double u = gp_rng_uniform(&rng);
        s1 += u;
        s2 += (u - 0.5) * (u - 0.5);
    }
    /* mean 1/2, SE sqrt(1/12 / N); E(u-1/2)^2 = 1/12 with
     * Var (u-1/2)^2 = 1/80 - 1/144 = 1/180 */
    assert_close(s1 / N, 0.5, 5 * sqrt(1.0 / 12.0 / N));
    assert_close(s2 / N, 1.0 / 12.0, 5 * sqrt(1.0 / 180.0 / N));
}

static void test_normal_moments(void **state)
{
    (void)state;
    const int N = 1000000;
    gp_rng rng;
    gp_rng_seed(&rng, 777);
    double *x = malloc((size_t)N * sizeof *x);
    assert_non_null(x);
    gp_rng_normals(&rng, x, (size_t)N);
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (int i = 0; i < N; i++) {
        double v = x[i], v2 = v * v;
        m1 += v;
        m2 += v2;
        m3 += v2 * v;
        m4 += v2 * v2;
    }
    m1 /= N;
    m2 /= N;
    m3 /= N;
    m4 /= N;
    /* N(0,1): E x = 0 (Var 1), E x^2 = 1 (Var 2), E x^3 = 0 (Var 15),
     * E x^4 = 3 (Var 105 - 9 = 96). */
    assert_close(m1, 0.0, 5 * sqrt(1.0 / N));
    assert_close(m2, 1.0, 5 * sqrt(2.0 / N));
    assert_close(m3, 0.0, 5 * sqrt(15.0 / N));
    assert_close(m4, 3.0, 5 * sqrt(96.0 / N));
    /* excess kurtosis from the moments, within the same budget (delta method:
     * Var(m4/m2^2) ~ 24 / N for a normal) */
    assert_close(m4 / (m2 * m2), 3.0, 5 * sqrt(24.0 / N));
    free(x);
}

/* Phi(z), the standard normal distribution function. */
static double phi_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

/* The normals' distribution bin by bin: 10^7 draws in 400 bins of equal
 * width on [-5, 5] plus the two outer tails, against Phi; chi-square with 401
 * degrees of freedom (mean 401, sd sqrt(802) = 28.3) below mean + 5 sd. The
 * bins are narrow enough to see the ziggurat's layers: accepting every wedge
 * point, or a wrong layer edge, gives a chi-square in the thousands. */
static void test_normal_distribution(void **state)
{
    (void)state;
    enum { N = 10000000, BINS = 400 };
    const double lo = -5, hi = 5, w = (hi - lo) / BINS;
    gp_rng rng;
    gp_rng_seed(&rng, 4242);
    double *x = malloc(N * sizeof *x);
    long *count = calloc(BINS + 2, sizeof *count);
    assert_non_null(x);
    assert_non_null(count);
    gp_rng_normals(&rng, x, N);
    for (size_t i = 0; i < N; i++) {
        assert_true(isfinite(x[i]));
        long k = x[i] < lo ? 0 : x[i] >= hi ? BINS + 1 : 1 + (long)((x[i] - lo) / w);
        count[k > BINS ? BINS : k]++; /* rounding at hi: the last bin */
    }
    double chi2 = 0;
    for (int k = 0; k < BINS + 2; k++) {
        double a = k == 0 ? -INFINITY : lo + (k - 1) * w, b = k == BINS + 1 ? INFINITY : lo + k * w;
        double expect = N * (phi_cdf(b) - phi_cdf(a));
        chi2 += (count[k] - expect) * (count[k] - expect) / expect;
    }
    print_message("normals: chi-square %.1f on %d degrees of freedom\n", chi2, BINS + 1);
    assert_true(chi2 < (BINS + 1) + 5 * sqrt(2.0 * (BINS + 1)));
    /* the tails beyond the ziggurat's base edge r and far out: counts within
     * 5 Poisson SE of N P(|z| > t) */
    const double ts[] = {3.6541528853610088, 4.0, 4.5};
    for (size_t j = 0; j < sizeof ts / sizeof ts[0]; j++) {
        long c = 0;
        for (size_t i = 0; i < N; i++)
            c += fabs(x[i]) > ts[j];
        double expect = N * 2 * phi_cdf(-ts[j]);
        print_message("|z| > %g: %ld, expected %.1f\n", ts[j], c, expect);
        assert_true(fabs(c - expect) < 5 * sqrt(expect));
    }
    free(count);
    free(x);
}

/* normals(out, n) gives the same bits as n calls to normal(), whatever was
 * drawn before, and leaves the same state behind. */
static void test_normals_equals_repeated_normal(void **state)
{
    (void)state;
    const size_t counts[] = {0, 1, 2, 3, 4, 7, 100, 1001};
    double buf[1001], ref[1001];
    for (int pre = 0; pre < 2; pre++)
        for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
            size_t n = counts[k];
            gp_rng a, b;
            gp_rng_seed(&a, 31 + k);
            gp_rng_seed(&b, 31 + k);
            if (pre) { /* something drawn before */
                double x = gp_rng_normal(&a), y = gp_rng_normal(&b);
                assert_true(memcmp(&x, &y, sizeof x) == 0);
            }
            gp_rng_normals(&a, buf, n);
            for (size_t i = 0; i < n; i++)
                ref[i] = gp_rng_normal(&b);
            if (n)
                assert_memory_equal(buf, ref, n * sizeof *buf);
            /* the streams continue identically */
            for (int i = 0; i < 9; i++) {
                double x = gp_rng_normal(&a), y = gp_rng_normal(&b);
                assert_true(memcmp(&x, &y, sizeof x) == 0);
            }
            assert_true(a.s[0] == b.s[0] && a.s[1] == b.s[1] && a.s[2] == b.s[2] &&
                        a.s[3] == b.s[3]);
        }
    /* chunks of odd sizes mixed with single calls */
    gp_rng a, b;
    gp_rng_seed(&a, 5);
    gp_rng_seed(&b, 5);
    size_t pos = 0;
    const size_t chunks[] = {3, 1, 5, 2, 7, 1, 1, 4};
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
        gp_rng_normals(&a, buf + pos, chunks[k]);
        pos += chunks[k];
        buf[pos++] = gp_rng_normal(&a);
    }
    for (size_t i = 0; i < pos; i++)
        ref[i] = gp_rng_normal(&b);
    assert_memory_equal(buf, ref, pos * sizeof *buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xoshiro_published_state),
        cmocka_unit_test(test_seed_is_splitmix64),
        cmocka_unit_test(test_uniform_matches_reference),
        cmocka_unit_test(test_normal_matches_reference),
        cmocka_unit_test(test_same_seed_same_bits),
        cmocka_unit_test(test_different_seed_differs),
        cmocka_unit_test(test_uniform_moments),
        cmocka_unit_test(test_normal_moments),
        cmocka_unit_test(test_normal_distribution),
        cmocka_unit_test(test_normals_equals_repeated_normal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
