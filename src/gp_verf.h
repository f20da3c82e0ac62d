/* gp_verf.h: erf(x) for double, branch-free and inline so that loops over it
 * vectorise (plain C: no libm call, no -ffast-math, no intrinsics), in the
 * style of gp_vexp.h, whose exp it uses.
 *
 * Method, for y = |x| (erf is odd: the sign of x is put back at the end):
 *   y < 1:   erf(y) = y + y s(y^2), s(z) = 2/sqrt(pi) sum_{n=0..17} (-1)^n z^n /
 *            (n! (2n + 1)) - 1, the Maclaurin series (Abramowitz & Stegun 7.1.5)
 *            truncated after the term of z^17 (the next one is < 4.8e-18 at y = 1,
 *            0.05 ulp),
 *            coefficients correctly rounded from their exact values; writing
 *            erf as y plus a correction of at most 0.16 y keeps the rounding
 *            of the sum small;
 *   1 <= y:  erf(y) = 1 - exp(-y^2) C(y) / D(y), C and D of degree 8: the rational
 *            Chebyshev approximation of W. J. Cody, "Rational Chebyshev
 *            approximations for the error function", Math. Comp. 23 (1969)
 *            631-638, his published coefficients, fitted on [0.46875, 4]. Used
 *            up to y = 6: past 4, exp(-y^2) C / D is below 1.6e-8, so its relative
 *            error outside the fit, which stays far below 1e-8, moves erf by
 *            much less than an ulp; y > 6 (and inf) is evaluated at 6, where
 *            erf rounds to exactly 1.
 *   Both branches are computed for every x and one is kept by a mask built
 *   from sign bits, so no comparison or branch enters the loop.
 * Accuracy: error < 1.5 ulp (1.34 ulp the worst, at y = 1.013, of 2e7 points of
 * [0, 6.5] and of the tiny arguments 1e-300..1e-6 checked against the
 * 64-bit-mantissa erfl; within 2 ulp of glibc's erf everywhere,
 * tests/c/test_verf.c); the same bits whether or not a loop is vectorised (no
 * FMA contraction under -std=c11). erf(+-0) = +-0, erf(+-inf) = +-1, NaN in,
 * NaN out. */
#ifndef GP_VERF_H
#define GP_VERF_H

#include <math.h>

#include "gp_vexp.h"

/* Too long for GCC's inlining limits at -O2, and a call stops vectorisation. */
#if defined(__GNUC__)
#define GP_VERF_INLINE static inline __attribute__((always_inline))
#else
#define GP_VERF_INLINE static inline
#endif

GP_VERF_INLINE double gp_verf(double x)
{
    const uint64_t sign_bit = (uint64_t)1 << 63;
    const uint64_t xb = gp_vexp_bits(x), xabs = xb & ~sign_bit;
    const uint64_t m_nan = (uint64_t)0 - ((((uint64_t)0x7ff << 52) - xabs) >> 63);
    const double ax = fabs(x);
    const uint64_t m_big = gp_vexp_negmask(6.0 - ax); /* |x| > 6: evaluated at 6 */
    const uint64_t m_small = gp_vexp_negmask(ax - 1.0); /* |x| < 1: the series */
    const uint64_t yb = (xabs & ~m_big) | (gp_vexp_bits(6.0) & m_big);
    double y;
    memcpy(&y, &yb, sizeof y);
    const double z = y * y;
    /* y < 1: Maclaurin series, (-1)^n 2 / (sqrt(pi) n! (2n + 1)) from n = 17 down */
    double s = -0x1.a2007af3447f6p-54;
    s = s * z + 0x1.d70b3537f4765p-50;
    s = s * z - 0x1.f56f071a885cfp-46;
    s = s * z + 0x1.f683ae4a97007p-42;
    s = s * z - 0x1.d8453cb0c46eap-38;
    s = s * z + 0x1.9e6ad5e55a73p-34;
    s = s * z - 0x1.51d7181c5d36dp-30;
    s = s * z + 0x1.fcc5720624c1cp-27;
    s = s * z - 0x1.5f742ec43e71ap-23;
    s = s * z + 0x1.b9e6c9dc651a3p-20;
    s = s * z - 0x1.f4d25c3e0c2ebp-17;
    s = s * z + 0x1.f9a326f9b89b7p-14;
    s = s * z - 0x1.c02db40040b86p-11;
    s = s * z + 0x1.565bcd0e6a53fp-8;
    s = s * z - 0x1.b82ce31288b51p-6;
    s = s * z + 0x1.ce2f21a042be2p-4;
    s = s * z - 0x1.812746b0379e7p-2;
    s = s * z + 0x1.06eba8214db69p-3; /* 2 / sqrt(pi) - 1 */
    const double small = y + y * s;
    /* 1 <= y <= 6: Cody's erfc(y) = exp(-y^2) C(y) / D(y) */
    double c = 2.15311535474403846e-8;
    c = c * y + 5.64188496988670089e-1;
    c = c * y + 8.88314979438837594e+0;
    c = c * y + 6.61191906371416295e+1;
    c = c * y + 2.98635138197400131e+2;
    c = c * y + 8.81952221241769090e+2;
    c = c * y + 1.71204761263407058e+3;
    c = c * y + 2.05107837782607147e+3;
    c = c * y + 1.23033935479799725e+3;
    double d = y + 1.57449261107098347e+1;
    d = d * y + 1.17693950891312499e+2;
    d = d * y + 5.37181101862009858e+2;
    d = d * y + 1.62138957456669019e+3;
    d = d * y + 3.29079923573345963e+3;
    d = d * y + 4.36261909014324716e+3;
    d = d * y + 3.43936767414372164e+3;
    d = d * y + 1.23033935480374942e+3;
    const double big = 1.0 - gp_vexp(-z) * (c / d);
    uint64_t rb = (gp_vexp_bits(small) & m_small) | (gp_vexp_bits(big) & ~m_small);
    rb |= xb & sign_bit;
    rb = (rb & ~m_nan) | (xb & m_nan);
    double out;
    memcpy(&out, &rb, sizeof out);
    return out;
}

#endif
