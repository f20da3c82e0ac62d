/* gp_rng.h: the one random generator of gprior.
 *
 * xoshiro256** (Blackman & Vigna 2018), state seeded from a 64-bit seed by
 * splitmix64. Standard normals by the ziggurat method (Marsaglia & Tsang
 * 2000, 256 layers; gp_rng.c gives the stream layout). Same seed, same bits,
 * on every machine with IEEE doubles. Thread-safe for distinct generators. */
#ifndef GP_RNG_H
#define GP_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct gp_rng {
    uint64_t s[4];
} gp_rng;

void gp_rng_seed(gp_rng *rng, uint64_t seed);
uint64_t gp_rng_next(gp_rng *rng);
double gp_rng_uniform(gp_rng *rng);  /* in [0, 1), 53 random bits */
double gp_rng_normal(gp_rng *rng);   /* N(0, 1) */
void gp_rng_normals(gp_rng *rng, double *out, size_t n);

#endif
