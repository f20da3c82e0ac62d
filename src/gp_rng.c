/* gp_rng.c: xoshiro256** seeded by splitmix64; uniforms from the top 53 bits;
 * standard normals by the ziggurat method.
 *
 * References: D. Blackman and S. Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47 (2021), reference code prng.di.unimi.it
 * (xoshiro256starstar.c, splitmix64.c); G. Marsaglia and W. W. Tsang, "The
 * ziggurat method for generating random variables", J. Stat. Softw. 5(8)
 * (2000), 256 layers with their r and v; J. A. Doornik, "An improved
 * ziggurat method to generate normal random samples" (2005): the layer and
 * the uniform from separate bits, and the base layer's tail by Marsaglia's
 * exponential method.
 *
 * Stream layout (what "same seed, same bits" means):
 *   - gp_rng_seed: s[0..3] = four successive splitmix64 outputs from the seed.
 *   - gp_rng_uniform: (next() >> 11) * 2^-53, one 64-bit output per call.
 *   - gp_rng_normal: one output w per try: layer i = w & 255, u = 2 (w >> 11)
 *     2^-53 - 1. Inside the layer's rectangle (|u| < X[i+1] / X[i]) the normal
 *     is u X[i] (99% of tries). Otherwise, for i = 0 the tail beyond r: x =
 *     ln(U1) / r, y = ln(U2) with U = (next() >> 11 + 1) 2^-53 in (0, 1]
 *     until -2 y >= x^2, giving +-(r - x) with the sign of u; for i > 0 the
 *     wedge: x = u X[i] is kept if f(X[i+1]) / f(x) + U (f(X[i]) - f(X[i+1]))
 *     / f(x) < 1, f(t) = exp(-t^2 / 2), U = gp_rng_uniform; else a new try.
 *   - gp_rng_normals(out, n) gives exactly the n values of n gp_rng_normal
 *     calls and leaves the generator in the same state. */
#include "gp_rng.h"

#include <math.h>
#include <threads.h>

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void gp_rng_seed(gp_rng *rng, uint64_t seed)
{
    uint64_t x = seed;
    /* Four successive splitmix64 outputs are never all zero (splitmix64 is a
     * bijection of distinct counters), so the xoshiro state is valid. */
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&x);
}

uint64_t gp_rng_next(gp_rng *rng)
{
    uint64_t *s = rng->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double gp_rng_uniform(gp_rng *rng)
{
    return (double)(gp_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* ---- the ziggurat ---------------------------------------------------------------- */

#define ZIG_LAYERS 256
#define ZIG_R 3.6541528853610088     /* the base layer's edge (Marsaglia & Tsang) */
#define ZIG_V 4.92867323399e-3       /* the area of each layer */

/* X[i]: the right edge of layer i (X[0] = V / f(r), the base layer's
 * equivalent width; X[256] = 0); RATIO[i] = X[i+1] / X[i], the fraction of
 * layer i inside the layer above (always accepted). */
static double zig_x[ZIG_LAYERS + 1], zig_ratio[ZIG_LAYERS];
static once_flag zig_once = ONCE_FLAG_INIT;

static void zig_init(void)
{
    double f = exp(-0.5 * ZIG_R * ZIG_R);
    zig_x[0] = ZIG_V / f;
    zig_x[1] = ZIG_R;
    zig_x[ZIG_LAYERS] = 0.0;
    for (int i = 2; i < ZIG_LAYERS; i++) {
        zig_x[i] = sqrt(-2.0 * log(ZIG_V / zig_x[i - 1] + f));
        f = exp(-0.5 * zig_x[i] * zig_x[i]);
    }
    for (int i = 0; i < ZIG_LAYERS; i++)
        zig_ratio[i] = zig_x[i + 1] / zig_x[i];
}

/* A uniform in (0, 1]: never 0, for logarithms. */
static double uniform_pos(gp_rng *rng)
{
    return (double)((gp_rng_next(rng) >> 11) + 1) * 0x1.0p-53;
}

/* The normal tail beyond ZIG_R (Marsaglia 1964), negative if negative. */
static double zig_tail(gp_rng *rng, int negative)
{
    double x, y;
    do {
        x = log(uniform_pos(rng)) / ZIG_R;
        y = log(uniform_pos(rng));
    } while (-2.0 * y < x * x);
    return negative ? x - ZIG_R : ZIG_R - x;
}

static inline double zig_normal(gp_rng *rng)
{
    for (;;) {
        const uint64_t w = gp_rng_next(rng);
        const unsigned i = (unsigned)(w & (ZIG_LAYERS - 1));
        const double u = 2.0 * ((double)(w >> 11) * 0x1.0p-53) - 1.0;
        if (fabs(u) < zig_ratio[i])
            return u * zig_x[i];
        if (i == 0)
            return zig_tail(rng, u < 0);
        const double x = u * zig_x[i];
        const double f0 = exp(-0.5 * (zig_x[i] * zig_x[i] - x * x));
        const double f1 = exp(-0.5 * (zig_x[i + 1] * zig_x[i + 1] - x * x));
        if (f1 + gp_rng_uniform(rng) * (f0 - f1) < 1.0)
            return x;
    }
}

double gp_rng_normal(gp_rng *rng)
{
    call_once(&zig_once, zig_init);
    return zig_normal(rng);
}

void gp_rng_normals(gp_rng *rng, double *out, size_t n)
{
    call_once(&zig_once, zig_init);
    for (size_t i = 0; i < n; i++)
        out[i] = zig_normal(rng);
}
