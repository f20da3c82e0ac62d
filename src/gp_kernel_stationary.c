/* gp_kernel_stationary.c: the stationary leaves that are functions of
 * v = (r/l)^2 (GP_GEOM_SQDIST; per-dimension length-scales allowed): rbf,
 * ou, exponential, matern32, matern52, rq, gamma-exponential and Wendland's
 * compactly supported kernels; each with its descriptor, its formula
 * (apply), its derivative in v (dapply: g1 = dk/dv, g2 = v d^2k/dv^2, from
 * which the length-scale gradient and every input derivative follow) and,
 * for rough ones, why their paths are not differentiable; Matern with any nu
 * (GSL's Bessel functions) at the end. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_bessel.h>

#include "gp_kernel_impl.h"

/* min(t, far) for t >= 0, branch-free (sign-bit masks, as in gp_vexp) so
 * loops vectorise: beyond far, e^-t (or e^-t/2) is 0 in double, so
 * (1 + t + ...) e^-t gets its limit 0 there rather than inf * 0 (NaN) at
 * t = +inf. */
static inline double clamp_far(double t, double far)
{
    const uint64_t m = gp_vexp_negmask(far - t); /* all ones if t > far */
    const uint64_t b = (gp_vexp_bits(t) & ~m) | (gp_vexp_bits(far) & m);
    double r;
    memcpy(&r, &b, sizeof r);
    return r;
}

#define FAR 1000.0 /* e^-1000 = 0 in double */

static const char *rough_exponential(const gp_kernel *k)
{
    (void)k;
    return "its paths are continuous but nowhere differentiable: the exponential k(r) has a "
           "kink at r = 0, so d^2k/dx dx' does not exist at x = x' (it is Matern 1/2; matern32, "
           "matern52 and rbf have differentiable paths)";
}

/* ---- rbf: a^2 exp(-r^2 / (2 l^2)) ------------------------------------------- */

GP_VEC_CLONES static void rbf_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const double a2 = gp_kamp2(e->k);
    GP_VFOR(i, len, v[i] = a2 * gp_vexp(-0.5 * v[i]););
}

static void rbf_dapply(const gp_leaf_eval *e, const double *v, double *g1, double *g2, size_t len)
{
    const double a2 = gp_kamp2(e->k);
    for (size_t i = 0; i < len; i++) {
        const double t = clamp_far(v[i], 2 * FAR), ex = exp(-0.5 * t);
        g1[i] = -0.5 * a2 * ex;
        if (g2)
            g2[i] = 0.25 * a2 * t * ex;
    }
}

const gp_kernel_desc gp_kdesc_rbf = {
    .name = "rbf",
    .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE},
    .stationary = 1,
    .bounded = 1,
    .spectral = GP_SPECTRAL_RBF,
    .geometry = GP_GEOM_SQDIST,
    .apply = rbf_apply,
    .dapply = rbf_dapply};

/* ---- ou: a^2 exp(-r / (2 l)), d2l's Ornstein-Uhlenbeck --------------------------- */

GP_VEC_CLONES static void ou_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const double a2 = gp_kamp2(e->k);
    GP_VFOR(i, len, v[i] = a2 * gp_vexp(-0.5 * sqrt(v[i])););
}

/* dk/dv = -a^2 exp(-s/2) / (4 s), s = r/l (rough: -inf at 0; g2 unused) */
static void ou_dapply(const gp_leaf_eval *e, const double *v, double *g1, double *g2, size_t len)
{
    (void)g2;
    const double a2 = gp_kamp2(e->k);
    for (size_t i = 0; i < len; i++) {
        const double s = sqrt(v[i]);
        g1[i] = isinf(s) ? 0.0 : -0.25 * a2 * exp(-0.5 * s) / s;
    }
}

const gp_kernel_desc gp_kdesc_ou = {
    .name = "ou",
    .note = "exp(-r/(2l))",
    .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE},
    .stationary = 1,
    .bounded = 1,
    .spectral = GP_SPECTRAL_OU,
    .geometry = GP_GEOM_SQDIST,
    .apply = ou_apply,
    .dapply = ou_dapply,
    .nodiff = rough_exponential};

/* ---- exponential: a^2 exp(-r / l), Rasmussen & Williams' Matern 1/2 -------------- */

GP_VEC_CLONES static void exponential_apply(const gp_leaf_eval *e, double *restrict v,
                                           size_t len)
{
    const double a2 = gp_kamp2(e->k);
    GP_VFOR(i, len, v[i] = a2 * gp_vexp(-sqrt(v[i])););
}

/* dk/dv = -a^2 exp(-s) / (2 s) (rough: -inf at 0; g2 unused) */
static void exponential_dapply(const gp_leaf_eval *e, const double *v, double *g1, double *g2,
                               size_t len)
{
    (void)g2;
    const double a2 = gp_kamp2(e->k);
    for (size_t i = 0; i < len; i++) {
        const double s = sqrt(v[i]);
        g1[i] = isinf(s) ? 0.0 : -0.5 * a2 * exp(-s) / s;
    }
}

const gp_kernel_desc gp_kdesc_exponential = {
    .name = "exponential",
    .note = "exp(-r/l)",
    .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE},
    .stationary = 1,
    .bounded = 1,
    .spectral = GP_SPECTRAL_EXPONENTIAL,
    .geometry = GP_GEOM_SQDIST,
    .apply = exponential_apply,
    .dapply = exponential_dapply,
    .nodiff = rough_exponential};

/* ---- matern32: a^2 (1 + t) exp(-t), t = sqrt3 r/l ---------------------------------- */

GP_VEC_CLONES static void matern32_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const double a2 = gp_kamp2(e->k);
    GP_VFOR(i, len, const double t = clamp_far(sqrt(3.0 * v[i]), FAR);
            v[i] = a2 * (1.0 + t) * gp_vexp(-t););
}

/* dk/dv = -(3/2) a^2 e^-t;  v d^2k/dv^2 = (3/4) a^2 t e^-t */
static void matern32_dapply(const gp_leaf_eval *e, const double *v, double *g1, double *g2,
                            size_t len)
{
    const double a2 = gp_kamp2(e->k);
    for (size_t i = 0; i < len; i++) {
        const double t = clamp_far(sqrt(3.0 * v[i]), FAR), ex = exp(-t);
        g1[i] = -1.5 * a2 * ex;
        if (g2)
            g2[i] = 0.75 * a2 * t * ex;
    }
}

const gp_kernel_desc gp_kdesc_matern32 = {
    .name = "matern32",
    .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE},
    .stationary = 1,
    .bounded = 1,
    .spectral = GP_SPECTRAL_MATERN32,
    .geometry = GP_GEOM_SQDIST,
    .apply = matern32_apply,
    .dapply = matern32_dapply};

/* ---- matern52: a^2 (1 + t + t^2/3) exp(-t), t = sqrt5 r/l -------------------------- */

GP_VEC_CLONES static void matern52_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const double a2 = gp_kamp2(e->k);
    GP_VFOR(i, len, const double t = clamp_far(sqrt(5.0 * v[i]), FAR);
            v[i] = a2 * (1.0 + t + t * t / 3.0) * gp_vexp(-t););
}

/* dk/dv = -(5/6) a^2 (1 + t) e^-t;  v d^2k/dv^2 = (5/12) a^2 t^2 e^-t */
static void matern52_dapply(const gp_leaf_eval *e, const double *v, double *g1, double *g2,
                            size_t len)
{
    const double a2 = gp_kamp2(e->k);
    for (size_t i = 0; i < len; i++) {
        const double t = clamp_far(sqrt(5.0 * v[i]), FAR), ex = exp(-t);
        g1[i] = -5.0 / 6.0 * a2 * (1.0 + t) * ex;
        if (g2)
            g2[i] = 5.0 / 12.0 * a2 * t * t * ex;
    }
}

const gp_kernel_desc gp_kdesc_matern52 = {
    .name = "matern52",
    .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE},
    .stationary = 1,
    .bounded = 1,
    .spectral = GP_SPECTRAL_MATERN52,
    .geometry = GP_GEOM_SQDIST,
    .apply = matern52_apply,
    .dapply = matern52_dapply};

/* ---- rq: a^2 (1 + r^2 / (2 alpha l^2))^(-alpha) = a^2 (1 + h v)^(-alpha) ---------------
 * h = 1/(2 alpha). For alpha <= 1, pow (error about alpha ulps); for
 * alpha > 1, exp(-alpha log1p(h v)), which stays accurate as alpha grows (pow
 * would round 1 + h v to 1: the rbf limit lost). Where h v overflows,
 * log(1 + h v) = log h + log v. */
static void rq_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const gp_kernel *k = e->k;
    const double a2 = gp_kamp2(k), alpha = gp_kpar(k, 2), h = 0.5 / alpha, logh = log(h);
    if (alpha <= 1)
        for (size_t i = 0; i < len; i++) {
            const double u = h * v[i];
            v[i] = isinf(u) ? a2 * exp(-alpha * (logh + log(v[i]))) : a2 * pow(1.0 + u, -alpha);
        }
    else
        for (size_t i = 0; i < len; i++) /* log1p(inf) = inf: the limit 0 */
            v[i] = a2 * exp(-alpha * log1p(h * v[i]));
}

/* rq at v = exp(log_v) > DBL_MAX: (h v)^(-alpha) is not 0 when alpha is small. */
static double rq_far(const gp_leaf_eval *e, double log_v)
{
    const gp_kernel *k = e->k;
    const double alpha = gp_kpar(k, 2), lhv = log(0.5 / alpha) + log_v;
    return gp_kamp2(k) * exp(-alpha * (lhv > 40 ? lhv : log1p(exp(lhv))));
}

/* dk/dv = -(a^2/2) (1 + hv)^(-alpha-1);
 * v d^2k/dv^2 = (a^2/2) (alpha + 1) (hv / (1 + hv)) (1 + hv)^(-alpha-1) */
static void rq_dapply(const gp_leaf_eval *e, const double *v, double *g1, double *g2, size_t len)
{
    const gp_kernel *k = e->k;
    const double a2 = gp_kamp2(k), alpha = gp_kpar(k, 2), h = 0.5 / alpha;
    for (size_t i = 0; i < len; i++) {
        const double u = h * v[i], p = exp(-(alpha + 1.0) * log1p(u));
        g1[i] = -0.5 * a2 * p;
        if (g2)
            g2[i] = 0.5 * a2 * (alpha + 1.0) * (isinf(u) ? 1.0 : u / (1.0 + u)) * p;
    }
}

/* dk/dalpha = k (-log(1 + hv) + hv / (1 + hv)) (parameter 2; 0 where k is 0) */
static void rq_grad(const gp_leaf_eval *e, size_t p, size_t elem, size_t j, size_t i0, size_t i1,
                    double *out)
{
    (void)p, (void)elem;
    const double h = 0.5 / gp_kpar(e->k, 2);
    const size_t len = i1 - i0;
    double *v = out;
    gp_kernel_leaf_sqdist(e, j, i0, i1, v);
    for (size_t i = 0; i < len; i++) {
        double kv = v[i];
        rq_apply(e, &kv, 1);
        const double u = h * v[i];
        out[i] = kv == 0 ? 0.0 : kv * (u / (1.0 + u) - log1p(u));
    }
}

const gp_kernel_desc gp_kdesc_rq = {
    .name = "rq",
    .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE, GP_SPEC_POSITIVE("alpha", 1)},
    .stationary = 1,
    .bounded = 1,
    .spectral = GP_SPECTRAL_RQ,
    .geometry = GP_GEOM_SQDIST,
    .apply = rq_apply,
    .apply_far = rq_far,
    .dapply = rq_dapply,
    .grad = rq_grad};

/* ---- gammaexp: a^2 exp(-(r/l)^gamma) = a^2 exp(-v^b), b = gamma/2 ----------------------
 * Positive definite in every dimension for 0 < gamma <= 2 (Rasmussen &
 * Williams eq. 4.18); gamma = 2 is the rbf with length-scale l/sqrt2, gamma = 1
 * the exponential. */
enum { GE_GAMMA = 2 };

static void gammaexp_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const double a2 = gp_kamp2(e->k), b = 0.5 * gp_kpar(e->k, GE_GAMMA);
    for (size_t i = 0; i < len; i++)
        v[i] = a2 * exp(-pow(v[i], b));
}

/* dk/dv = -a^2 b v^(b-1) e^(-v^b);  v d^2k/dv^2 = -a^2 b v^(b-1) ((b-1) - b v^b) e^(-v^b)
 * (for b < 1, -inf at v = 0: rough). */
static void gammaexp_dapply(const gp_leaf_eval *e, const double *v, double *g1, double *g2,
                            size_t len)
{
    const double a2 = gp_kamp2(e->k), b = 0.5 * gp_kpar(e->k, GE_GAMMA);
    for (size_t i = 0; i < len; i++) {
        const double vb = pow(v[i], b), ex = exp(-vb);
        if (ex == 0) { /* far apart: every derivative is 0 */
            g1[i] = 0;
            if (g2)
                g2[i] = 0;
            continue;
        }
        const double vb1 = b == 1 ? 1.0 : pow(v[i], b - 1.0); /* v^(b-1) */
        g1[i] = -a2 * b * vb1 * ex;
        if (g2)
            g2[i] = -a2 * b * vb1 * ((b - 1.0) - b * vb) * ex;
    }
}

/* dk/dgamma = -k v^b log(v) / 2 (0 at v = 0 and where k is 0) */
static void gammaexp_grad(const gp_leaf_eval *e, size_t p, size_t elem, size_t j, size_t i0,
                          size_t i1, double *out)
{
    (void)p, (void)elem;
    const double a2 = gp_kamp2(e->k), b = 0.5 * gp_kpar(e->k, GE_GAMMA);
    gp_kernel_leaf_sqdist(e, j, i0, i1, out);
    for (size_t i = 0; i < i1 - i0; i++) {
        const double v = out[i], vb = pow(v, b), kv = a2 * exp(-vb);
        out[i] = v == 0 || kv == 0 ? 0.0 : -0.5 * kv * vb * log(v);
    }
}

static const char *gammaexp_rough(const gp_kernel *k)
{
    return gp_kpar(k, GE_GAMMA) == 2
               ? NULL
               : "for gamma < 2, k = exp(-(r/l)^gamma) has a cusp at r = 0 and the paths are "
                 "not differentiable (only gamma = 2, the rbf, gives differentiable paths)";
}

const gp_kernel_desc gp_kdesc_gammaexp = {
    .name = "gammaexp",
    .note = "exp(-(r/l)^gamma)",
    .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE,
               {.name = "gamma", .kind = GP_PARAM_NUMBER, .def = 1, .lo = 0, .hi = 2,
                .flags = GP_PARAM_ABOVE}},
    .stationary = 1,
    .bounded = 1,
    .spectral = GP_SPECTRAL_GAMMAEXP,
    .geometry = GP_GEOM_SQDIST,
    .apply = gammaexp_apply,
    .dapply = gammaexp_dapply,
    .grad = gammaexp_grad,
    .nodiff = gammaexp_rough};

/* ---- wendland: Rasmussen & Williams' piecewise polynomials k_ppD,q (eq. 4.21) -----------
 * a^2 (1 - s)_+^m P_q(s), s = r/l, m = j + q, j = floor(D/2) + q + 1 with D
 * the input dimension (so the kernel is positive definite in that
 * dimension), P_q normalised to P_q(0) = 1:
 *   q = 0: 1;  q = 1: (j + 1) s + 1;  q = 2: ((j^2 + 4j + 3) s^2 + (3j + 6) s + 3) / 3;
 *   q = 3: ((j^3 + 9j^2 + 23j + 15) s^3 + (6j^2 + 36j + 45) s^2 + (15j + 45) s + 15) / 15.
 * k is 2q times continuously differentiable, so the paths are
 * differentiable for q >= 1. Derivatives in v: with phi(s) = (1-s)^m P(s),
 * phi'(s) = (1-s)^(m-1) N(s), N(s) = -m P(s) + (1 - s) P'(s), whose constant
 * term is 0 for q >= 1, so dk/dv = phi'(s) / (2s) = (1-s)^(m-1) Q(s) / 2 with
 * Q(s) = N(s) / s, a polynomial (no cancellation near s = 0). */
enum { WL_Q = 2 };

typedef struct wendland_poly {
    int m;          /* the exponent of (1 - s) */
    int deg;        /* of P */
    double p[4];    /* P's coefficients, P(0) = 1 */
    double nq[4];   /* N's coefficients (q = 0) or Q's (q >= 1) */
} wendland_poly;

static wendland_poly wendland_coefs(const gp_leaf_eval *e)
{
    const int q = (int)gp_kpar(e->k, WL_Q), jj = (int)(e->X->cols / 2) + q + 1;
    const double j = jj;
    wendland_poly w = {.m = jj + q, .deg = q};
    switch (q) {
    case 0: w.p[0] = 1; break;
    case 1: w.p[0] = 1, w.p[1] = j + 1; break;
    case 2: w.p[0] = 1, w.p[1] = (3 * j + 6) / 3, w.p[2] = (j * j + 4 * j + 3) / 3; break;
    default:
        w.p[0] = 1, w.p[1] = (15 * j + 45) / 15, w.p[2] = (6 * j * j + 36 * j + 45) / 15;
        w.p[3] = (j * j * j + 9 * j * j + 23 * j + 15) / 15;
    }
    double n[5] = {0}; /* N_k = (k + 1) p_(k+1) - (m + k) p_k */
    for (int k = 0; k <= w.deg; k++)
        n[k] = (k + 1 <= w.deg ? (k + 1) * w.p[k + 1] : 0.0) - (w.m + k) * w.p[k];
    for (int k = 0; k <= w.deg; k++)
        w.nq[k] = q == 0 ? n[k] : n[k + 1];
    return w;
}

static double horner(const double *c, int deg, double s)
{
    double r = c[deg];
    for (int k = deg - 1; k >= 0; k--)
        r = r * s + c[k];
    return r;
}

static void wendland_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const double a2 = gp_kamp2(e->k);
    const wendland_poly w = wendland_coefs(e);
    for (size_t i = 0; i < len; i++) {
        const double s = sqrt(v[i]);
        v[i] = s >= 1 ? 0.0 : a2 * gp_ipow(1.0 - s, w.m) * horner(w.p, w.deg, s);
    }
}

static void wendland_dapply(const gp_leaf_eval *e, const double *v, double *g1, double *g2,
                            size_t len)
{
    const double a2 = gp_kamp2(e->k);
    const wendland_poly w = wendland_coefs(e);
    const int q = w.deg;
    double dq[3] = {0}; /* Q' */
    for (int k = 1; k <= q - 1; k++)
        dq[k - 1] = k * w.nq[k];
    for (size_t i = 0; i < len; i++) {
        const double s = sqrt(v[i]);
        if (s >= 1) {
            g1[i] = 0;
            if (g2)
                g2[i] = 0;
        } else if (q == 0) { /* rough: N(s) (1-s)^(m-1) / (2s), -inf at 0 */
            g1[i] = a2 * horner(w.nq, 0, s) * gp_ipow(1.0 - s, w.m - 1) / (2.0 * s);
        } else {
            const double Q = horner(w.nq, q - 1, s), om = 1.0 - s;
            g1[i] = 0.5 * a2 * gp_ipow(om, w.m - 1) * Q;
            if (g2) { /* s/4 (1-s)^(m-2) ((1-s) Q' - (m-1) Q) */
                const double Qp = q >= 2 ? horner(dq, q - 2, s) : 0.0;
                g2[i] = 0.25 * a2 * s * gp_ipow(om, w.m - 2) * (om * Qp - (w.m - 1) * Q);
            }
        }
    }
}

static const char *wendland_rough(const gp_kernel *k)
{
    return gp_kpar(k, WL_Q) >= 1 ? NULL
                                 : "with q = 0 the kernel has a kink at r = 0 and the paths are "
                                   "not differentiable (q >= 1 gives 2q continuous derivatives)";
}

const gp_kernel_desc gp_kdesc_wendland = {
    .name = "wendland",
    .note = "(1-r/l)_+^(j+q) P_q(r/l), j = floor(D/2)+q+1",
    .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE,
               {.name = "q", .kind = GP_PARAM_INTEGER, .def = 2, .lo = 0, .hi = 3}},
    .stationary = 1,
    .bounded = 1,
    .geometry = GP_GEOM_SQDIST,
    .apply = wendland_apply,
    .dapply = wendland_dapply,
    .nodiff = wendland_rough};

/* ---- matern: any nu > 0 (Rasmussen & Williams eq. 4.14) ------------------------------
 *   a^2 2^(1-nu) / Gamma(nu) z^nu K_nu(z),  z = sqrt(2 nu) r / l,  a^2 at r = 0,
 * evaluated in logarithms (GSL's log K_nu, gsl_sf_bessel_lnKnu; Temme's
 * series and continued fractions) so that z^nu K_nu(z) never overflows.
 * nu = 1/2, 3/2, 5/2 are computed by the closed forms above (the same code,
 * so the same bits as exponential, matern32 and matern52). Derivatives
 * (Abramowitz & Stegun 9.6.28: d/dz (z^mu K_mu(z)) = -z^mu K_(mu-1)(z), and
 * K_-mu = K_mu):
 *   dk/dv = -a^2 c nu z^(nu-1) K_(nu-1)(z),  v d^2k/dv^2 = a^2 c (nu/2) z^nu K_(nu-2)(z),
 * c = 2^(1-nu) / Gamma(nu); at z = 0, dk/dv = -a^2 nu / (2 (nu - 1)) for
 * nu > 1 (-inf otherwise: the paths are differentiable only for nu > 1). */
enum { MT_NU = 2 };
#define MATERN_NU_MAX 1e5 /* beyond, the rbf to about 1e-5 */

static once_flag gsl_quiet_once = ONCE_FLAG_INIT;

/* GSL's default error handler aborts the program; gprior checks every status. */
static void gsl_quiet(void)
{
    gsl_set_error_handler_off();
}

/* log(z^mu K_mu(z)) + log c for z > 0 (mu of any sign); -inf far out. */
static double log_zk(double mu, double z, double nu_power, double logc)
{
    gsl_sf_result r;
    if (isinf(z) || gsl_sf_bessel_lnKnu_e(fabs(mu), z, &r) != GSL_SUCCESS)
        return -HUGE_VAL; /* only far out, where K underflows */
    return logc + nu_power * log(z) + r.val;
}

static double matern_logc(double nu)
{
    return (1.0 - nu) * log(2.0) - lgamma(nu);
}

/* The closed form for nu = 1/2, 3/2, 5/2, or NULL. */
static const gp_kernel_desc *matern_closed(double nu)
{
    return nu == 0.5 ? &gp_kdesc_exponential
           : nu == 1.5 ? &gp_kdesc_matern32
           : nu == 2.5 ? &gp_kdesc_matern52
                       : NULL;
}

static void matern_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const double nu = gp_kpar(e->k, MT_NU), a2 = gp_kamp2(e->k);
    const gp_kernel_desc *closed = matern_closed(nu);
    if (closed) {
        closed->apply(e, v, len);
        return;
    }
    const double logc = matern_logc(nu), s = sqrt(2.0 * nu);
    for (size_t i = 0; i < len; i++) {
        const double z = s * sqrt(v[i]);
        v[i] = z == 0 ? a2 : a2 * exp(log_zk(nu, z, nu, logc));
    }
}

static void matern_dapply(const gp_leaf_eval *e, const double *v, double *g1, double *g2,
                          size_t len)
{
    const double nu = gp_kpar(e->k, MT_NU), a2 = gp_kamp2(e->k);
    const gp_kernel_desc *closed = matern_closed(nu);
    if (closed) {
        closed->dapply(e, v, g1, g2, len);
        return;
    }
    const double logc = matern_logc(nu), s = sqrt(2.0 * nu);
    for (size_t i = 0; i < len; i++) {
        const double z = s * sqrt(v[i]);
        if (z == 0) {
            g1[i] = nu > 1 ? -a2 * nu / (2.0 * (nu - 1.0)) : -HUGE_VAL;
            if (g2)
                g2[i] = 0;
            continue;
        }
        g1[i] = -a2 * nu * exp(log_zk(nu - 1.0, z, nu - 1.0, logc));
        if (g2)
            g2[i] = 0.5 * a2 * nu * exp(log_zk(nu - 2.0, z, nu, logc));
    }
}

static gp_code matern_setup(gp_kernel *k, gp_error *err)
{
    (void)k, (void)err;
    call_once(&gsl_quiet_once, gsl_quiet);
    return GP_OK;
}

static const char *matern_rough(const gp_kernel *k)
{
    return gp_kpar(k, MT_NU) > 1 ? NULL
                                 : "with nu <= 1 the paths are not differentiable (a Matern "
                                   "process is mean-square differentiable m times iff nu > m)";
}

const gp_kernel_desc gp_kdesc_matern = {
    .name = "matern",
    .note = "2^(1-nu)/Gamma(nu) z^nu K_nu(z), z = sqrt(2 nu) r/l",
    .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE,
               {.name = "nu", .kind = GP_PARAM_NUMBER, .def = 1.5, .lo = 0, .hi = MATERN_NU_MAX,
                .flags = GP_PARAM_ABOVE | GP_PARAM_NOGRAD}},
    .stationary = 1,
    .bounded = 1,
    .spectral = GP_SPECTRAL_MATERN,
    .geometry = GP_GEOM_SQDIST,
    .apply = matern_apply,
    .dapply = matern_dapply,
    .setup = matern_setup,
    .nodiff = matern_rough};
