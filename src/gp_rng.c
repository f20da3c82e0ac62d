/* gp_rng.c: xoshiro256** seeded by splitmix64; uniforms from the top 53 bits;
 * standard normals by the Marsaglia polar method.
 *
 * References: D. Blackman and S. Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47 (2021), reference code prng.di.unimi.it
 * (xoshiro256starstar.c, splitmix64.c); G. Marsaglia and T. A. Bray, "A
 * convenient method for generating normal variables", SIAM Review 6 (1964).
 *
 * Stream layout (what "same seed, same bits" means):
 *   - gp_rng_seed: s[0..3] = four successive splitmix64 outputs from the seed.
 *   - gp_rng_uniform: (next() >> 11) * 2^-53, one 64-bit output per call.
 *   - gp_rng_normal: if a spare is stored, return it; otherwise draw uniform
 *     pairs u, v (each 2 * uniform - 1, in [-1, 1)) until 0 < s = u^2 + v^2 < 1,
 *     return u * sqrt(-2 ln s / s) and store v * sqrt(-2 ln s / s) as the spare.
 *   - gp_rng_normals(out, n) gives exactly the n values of n gp_rng_normal
 *     calls and leaves the generator in the same state. */
#include "gp_rng.h"

#include <math.h>

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
    rng->spare = 0.0;
    rng->has_spare = 0;
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

/* One polar pair: *a first, *b the second (the spare). */
static void polar_pair(gp_rng *rng, double *a, double *b)
{
    double u, v, s;
    do {
        u = 2.0 * gp_rng_uniform(rng) - 1.0;
        v = 2.0 * gp_rng_uniform(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double m = sqrt(-2.0 * log(s) / s);
    *a = u * m;
    *b = v * m;
}

double gp_rng_normal(gp_rng *rng)
{
    if (rng->has_spare) {
        rng->has_spare = 0;
        return rng->spare;
    }
    double a, b;
    polar_pair(rng, &a, &b);
    rng->spare = b;
    rng->has_spare = 1;
    return a;
}

void gp_rng_normals(gp_rng *rng, double *out, size_t n)
{
    size_t i = 0;
    if (n > 0 && rng->has_spare) {
        out[i++] = rng->spare;
        rng->has_spare = 0;
    }
    for (; i + 1 < n; i += 2)
        polar_pair(rng, &out[i], &out[i + 1]);
    if (i < n) /* odd count left: the same as one gp_rng_normal call */
        out[i] = gp_rng_normal(rng);
}
