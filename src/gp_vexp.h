/* gp_vexp.h: exp(x) for double, branch-free and inline so that loops over it
 * vectorise (plain C: no libm call, no -ffast-math, no intrinsics).
 *
 * Method (Cody-Waite / Tang style, no table):
 *   n = rint(x / ln2) by the 1.5 * 2^52 shift trick; r = x - n ln2 with ln2 split
 *   into a 32-bit head (n * head is exact) and a tail, |r| <= ln2/2 (+ tiny);
 *   exp(r) = 1 + r + r^2 q(r), q a degree-10 Chebyshev (near-minimax) fit to
 *   (e^r - 1 - r) / r^2 on [-0.347, 0.347], fit error < 2e-19 in exp(r);
 *   2^n is applied by adding n to the exponent field of exp(r) (integer add of
 *   n << 52, n read from the low bits of the shifted value); for |x| > 700, n
 *   is first moved by +-1000 and the result multiplied by 2^-+1000, so results
 *   round once into the subnormals (0 below about -745.13) or overflow to +inf
 *   (above about 709.78); below -746 the result is set to 0, above 710 to +inf.
 * Accuracy: error < 1 ulp (0.92 ulp the worst of 180000 points checked against
 * 120-bit exp; within 1 ulp of glibc's exp everywhere, tests/c/test_kernel_fast.c);
 * the same bits whether or not a loop is vectorised (no FMA contraction under
 * -std=c11). exp(-inf) = 0, exp(+inf) = inf, NaN in, NaN out. */
#ifndef GP_VEXP_H
#define GP_VEXP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* for (size_t i = 0; i < len; i++) { body }, run in blocks of 8 then a scalar
 * tail: GCC's default cost model at -O2 ("very cheap") vectorises only loops
 * that need no scalar epilogue, such as the inner loop of known trip count 8.
 * Bodies using gp_vexp, sqrt (with -fno-math-errno), + - * / vectorise when
 * the pointers are restrict (check with -fopt-info-vec). */
#define GP_VFOR(i, len, ...)                                                                      \
    do {                                                                                          \
        const size_t vn_ = (len);                                                                 \
        size_t vb_ = 0;                                                                           \
        for (; vb_ + 8 <= vn_; vb_ += 8)                                                          \
            for (size_t vu_ = 0; vu_ < 8; vu_++) {                                                \
                const size_t i = vb_ + vu_;                                                       \
                __VA_ARGS__                                                                       \
            }                                                                                     \
        for (size_t i = vb_; i < vn_; i++) {                                                      \
            __VA_ARGS__                                                                           \
        }                                                                                         \
    } while (0)

/* GP_VEC_CLONES on a function with vectorisable loops: GCC on x86-64 GNU/Linux
 * also builds it for AVX2 and AVX-512 (4 and 8 doubles per vector instead of
 * SSE2's 2) and picks the version at load time from the CPU (ifunc). The
 * results are the same bits in every version: the operations are the same
 * IEEE ones and ISO C mode (-std=c11) never contracts a * b + c into an FMA. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) &&     \
    !defined(GP_NO_CLONES)
#define GP_VEC_CLONES __attribute__((target_clones("default", "avx2", "avx512f")))
#else
#define GP_VEC_CLONES
#endif

static inline uint64_t gp_vexp_bits(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

/* All ones if the sign bit of v is set, else 0. */
static inline uint64_t gp_vexp_negmask(double v)
{
    return (uint64_t)0 - (gp_vexp_bits(v) >> 63);
}

static inline double gp_vexp(double x)
{
    const double shift = 0x1.8p52;              /* 1.5 * 2^52: rounds to an integer */
    const double log2e = 0x1.71547652b82fep0;   /* 1 / ln 2 */
    const double ln2hi = 0x1.62e42fee00000p-1;  /* ln 2, 32 significant bits */
    const double ln2lo = 0x1.a39ef35793c76p-33; /* ln 2 - ln2hi */
    /* Range masks (all ones or zero) from sign bits, so that no comparison or
     * branch enters the loop (both would stop GCC vectorising it). */
    const uint64_t m_lo = gp_vexp_negmask(x + 700.0);   /* x < -700 */
    const uint64_t m_hi = gp_vexp_negmask(700.0 - x);   /* x > 700 */
    const uint64_t m_zero = gp_vexp_negmask(x + 746.0); /* x < -746: 0 */
    const uint64_t m_inf = gp_vexp_negmask(710.0 - x);  /* x > 710: +inf */
    const uint64_t xabs = gp_vexp_bits(x) & ~((uint64_t)1 << 63);
    const uint64_t m_nan = (uint64_t)0 - ((((uint64_t)0x7ff << 52) - xabs) >> 63);
    const double kd = x * log2e + shift; /* low mantissa bits: n */
    const double nd = kd - shift;
    const double r = (x - nd * ln2hi) - nd * ln2lo; /* x - nd * ln2hi is exact */
    double q = 0x1.1f7350a074034p-29;
    q = q * r + 0x1.af4e70dd7207dp-26;
    q = q * r + 0x1.27e4db3f36203p-22;
    q = q * r + 0x1.71de01f07539bp-19;
    q = q * r + 0x1.a01a01a6e448ep-16;
    q = q * r + 0x1.a01a01abfc8ddp-13;
    q = q * r + 0x1.6c16c16c162bfp-10;
    q = q * r + 0x1.11111111100b6p-7;
    q = q * r + 0x1.5555555555556p-5;
    q = q * r + 0x1.5555555555557p-3;
    q = q * r + 0.5;
    const double p = 1.0 + (r + (r * r) * q); /* exp(r), in [0.70, 1.42] */
    const uint64_t big = (uint64_t)1000;
    uint64_t kb, pb, yb;
    memcpy(&kb, &kd, sizeof kb);
    memcpy(&pb, &p, sizeof pb);
    kb = kb + (m_lo & big) - (m_hi & big); /* n + 1000 near underflow, n - 1000 near overflow */
    pb += kb << 52; /* p 2^(n +- 1000) */
    const uint64_t sb = ((uint64_t)1023 << 52) - (m_lo & (big << 52)) + (m_hi & (big << 52));
    double y, scale;
    memcpy(&y, &pb, sizeof y);
    memcpy(&scale, &sb, sizeof scale);
    y *= scale; /* 2^-1000, 1 or 2^1000: one rounding into subnormals or inf */
    memcpy(&yb, &y, sizeof yb);
    yb = (yb & ~(m_zero | m_inf)) | (m_inf & ((uint64_t)0x7ff << 52));
    yb = (yb & ~m_nan) | (gp_vexp_bits(x) & m_nan);
    memcpy(&y, &yb, sizeof y);
    return y;
}

#endif
