/* gp_kernel_leaves.c: the leaf kernels: their formulas and the descriptor
 * table that describes each one (name, parameters with defaults and checks,
 * stationarity, spectral family, input dimension, formula hooks; see
 * gp_kernel_impl.h). Everything else (constructors, checks, describe, the
 * Lua constructors gp.NAME{...}, Gram and diagonal evaluation) is generated
 * from the table, so a new kernel is one entry here, its formula, its test
 * and its README row. The nn kernel's hooks are in gp_kernel_nn.c. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gp_kernel_impl.h"

/* ---- amplitude-lengthscale kernels of v = (r/l)^2 (GP_GEOM_SQDIST) -------- */

static double amp2(const gp_kernel *k)
{
    const double a = gp_kpar(k, 0);
    return a * a; /* finite: GP_PARAM_SQUARED */
}

/* min(t, 1000) for t >= 0: beyond t = 1000, e^-t is 0 in double, so
 * (1 + t + ...) e^-t gets its limit 0 there rather than inf * 0 (NaN) at
 * t = +inf. Branch-free (sign-bit masks, as in gp_vexp) so loops vectorise. */
static inline double clamp_far(double t)
{
    const double far = 1000.0;
    const uint64_t m = gp_vexp_negmask(far - t); /* all ones if t > far */
    const uint64_t b = (gp_vexp_bits(t) & ~m) | (gp_vexp_bits(far) & m);
    double r;
    memcpy(&r, &b, sizeof r);
    return r;
}

/* rbf: a^2 exp(-r^2 / (2 l^2)) */
GP_VEC_CLONES static void rbf_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const gp_kernel *k = e->k;
    const double a2 = amp2(k);
    GP_VFOR(i, len, v[i] = a2 * gp_vexp(-0.5 * v[i]););
}

/* ou: a^2 exp(-r / (2 l)), d2l's Ornstein-Uhlenbeck (the exponential with
 * length-scale 2 l) */
GP_VEC_CLONES static void ou_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const gp_kernel *k = e->k;
    const double a2 = amp2(k);
    GP_VFOR(i, len, v[i] = a2 * gp_vexp(-0.5 * sqrt(v[i])););
}

/* exponential: a^2 exp(-r / l), Rasmussen & Williams' Matern 1/2 */
GP_VEC_CLONES static void exponential_apply(const gp_leaf_eval *e, double *restrict v,
                                           size_t len)
{
    const gp_kernel *k = e->k;
    const double a2 = amp2(k);
    GP_VFOR(i, len, v[i] = a2 * gp_vexp(-sqrt(v[i])););
}

/* matern32: a^2 (1 + sqrt3 r/l) exp(-sqrt3 r/l) */
GP_VEC_CLONES static void matern32_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const gp_kernel *k = e->k;
    const double a2 = amp2(k);
    GP_VFOR(i, len, const double t = clamp_far(sqrt(3.0 * v[i]));
            v[i] = a2 * (1.0 + t) * gp_vexp(-t););
}

/* matern52: a^2 (1 + sqrt5 r/l + 5 r^2/(3 l^2)) exp(-sqrt5 r/l) */
GP_VEC_CLONES static void matern52_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const gp_kernel *k = e->k;
    const double a2 = amp2(k);
    GP_VFOR(i, len, const double t = clamp_far(sqrt(5.0 * v[i]));
            v[i] = a2 * (1.0 + t + t * t / 3.0) * gp_vexp(-t););
}

/* rq: a^2 (1 + r^2 / (2 alpha l^2))^(-alpha) = a^2 (1 + h v)^(-alpha),
 * h = 1/(2 alpha), v = (r/l)^2. For alpha <= 1, pow (error
 * about alpha ulps); for alpha > 1, exp(-alpha log1p(h v)), which stays
 * accurate as alpha grows (pow would round 1 + h v to 1: the rbf limit lost).
 * Where h v overflows, log(1 + h v) = log h + log v. */
static void rq_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const gp_kernel *k = e->k;
    const double a2 = amp2(k), alpha = gp_kpar(k, 2), h = 0.5 / alpha, logh = log(h);
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
    return amp2(k) * exp(-alpha * (lhv > 40 ? lhv : log1p(exp(lhv))));
}

/* ---- periodic kernels ---------------------------------------------------------- */

/* w (x - y) for a kernel with period p in x - y (w a multiple of pi / p):
 * as it is when finite; when x - y or the product overflows, w times the
 * remainder of x - y modulo p (exact: fmod), from halves if x - y itself
 * overflows. */
static inline double phase(double x, double y, double p, double w)
{
    const double t = w * (x - y);
    if (isfinite(t))
        return t;
    const double dxy = x - y;
    return w * (isfinite(dxy) ? fmod(dxy, p) : 2.0 * fmod(0.5 * x - 0.5 * y, 0.5 * p));
}

/* periodic (MacKay): a^2 exp(-2 sum_c sin^2(pi (x_c - y_c) / p) / l^2), one
 * (scalar) length-scale l. For d > 1 the
 * sum of sin^2 in place of sin^2(pi r / p): the same in 1-D, and a product of
 * 1-D periodic kernels (so positive semi-definite) in d-D, which the
 * Euclidean form is not. */
GP_VEC_CLONES static void periodic_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1,
                            double *restrict out)
{
    const gp_kernel *k = e->k;
    const size_t len = i1 - i0;
    const double a2 = amp2(k), l = gp_kpar(k, 1), p = gp_kpar(k, 2), w = GP_PI / p;
    for (size_t c = 0; c < e->X->cols; c++) {
        const double *xc = &GP_AT(e->X, i0, c), yjc = GP_AT(e->Y, j, c);
        for (size_t i = 0; i < len; i++) {
            const double t = sin(phase(xc[i], yjc, p, w));
            out[i] = (c ? out[i] : 0.0) + t * t;
        }
    }
    const double il2 = 1.0 / (l * l);
    if (isfinite(il2)) {
        GP_VFOR(i, len, out[i] = a2 * gp_vexp(-2.0 * il2 * out[i]););
    } else { /* l^2 underflows: 0 / l^2 must stay 0 */
        const double il = 1.0 / l;
        GP_VFOR(i, len, out[i] = a2 * gp_vexp(-2.0 * (out[i] * il) * il););
    }
}

/* cosine: a^2 prod_c cos(2 pi (x_c - y_c) / p_c), one period or one per
 * dimension. In 1-D the spectral density is two point masses at +-1/p; the
 * product of such 1-D kernels is PSD in any dimension (cos(2 pi r / p) of the
 * Euclidean distance is not, for d > 1). */
static void cosine_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1,
                          double *restrict out)
{
    const gp_kernel *k = e->k;
    const gp_kparam *per = &k->par[1];
    const size_t len = i1 - i0, np = per->rows * per->cols;
    const double a2 = amp2(k);
    for (size_t c = 0; c < e->X->cols; c++) {
        const double p = per->v[np == 1 ? 0 : c], w = 2.0 * GP_PI / p;
        const double *xc = &GP_AT(e->X, i0, c), yjc = GP_AT(e->Y, j, c);
        for (size_t i = 0; i < len; i++)
            out[i] = (c ? out[i] : a2) * cos(phase(xc[i], yjc, p, w));
    }
}

/* ---- dot-product kernels of v = x.x' (GP_GEOM_DOT) ---------------------------- */

/* linear: offset + variance x.x' */
static void linear_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const gp_kernel *k = e->k;
    const double s2 = gp_kpar(k, 0), c = gp_kpar(k, 1);
    GP_VFOR(i, len, v[i] = c + s2 * v[i];);
}

static double ipow(double b, int e)
{
    double r = 1.0;
    while (e > 0) {
        if (e & 1)
            r *= b;
        b *= b;
        e >>= 1;
    }
    return r;
}

/* polynomial: (offset + variance x.x')^degree */
static void polynomial_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const gp_kernel *k = e->k;
    const int deg = (int)gp_kpar(k, 0);
    const double s2 = gp_kpar(k, 1), c = gp_kpar(k, 2);
    for (size_t i = 0; i < len; i++)
        v[i] = ipow(c + s2 * v[i], deg);
}

/* ---- others ------------------------------------------------------------------- */

static gp_code brownian_check_input(const gp_kernel *k, const gp_matrix *X, const char *which,
                                    gp_error *err)
{
    (void)k;
    for (size_t i = 0; i < X->rows; i++)
        if (X->data[i] < 0)
            return gp_error_set(err, GP_ERR_ARG,
                                "brownian: inputs must be >= 0 (time since the start), got %g at "
                                "row %zu of %s",
                                X->data[i], i + 1, which);
    return GP_OK;
}

/* brownian: variance min(x, x') */
static void brownian_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out)
{
    const double s2 = gp_kpar(e->k, 0), yj = e->Y->data[j];
    const double *x = e->X->data + i0;
    for (size_t i = 0; i < i1 - i0; i++)
        out[i] = s2 * (x[i] < yj ? x[i] : yj);
}

/* constant: c */
static void constant_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out)
{
    (void)j;
    const double c = gp_kpar(e->k, 0);
    for (size_t i = 0; i < i1 - i0; i++)
        out[i] = c;
}

/* white: variance where the input rows are exactly equal, else 0 */
static void white_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out)
{
    const double s2 = gp_kpar(e->k, 0);
    const size_t d = e->X->cols;
    for (size_t i = i0; i < i1; i++) {
        size_t c = 0;
        while (c < d && GP_AT(e->X, i, c) == GP_AT(e->Y, j, c))
            c++;
        out[i - i0] = c == d ? s2 : 0.0;
    }
}

/* ---- the table ------------------------------------------------------------------ */

const gp_kernel_desc gp_kernel_table[] = {
    {.name = "rbf",
     .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE},
     .stationary = 1,
     .bounded = 1,
     .spectral = GP_SPECTRAL_RBF,
     .geometry = GP_GEOM_SQDIST,
     .apply = rbf_apply},
    {.name = "ou",
     .note = "exp(-r/(2l))",
     .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE},
     .stationary = 1,
     .bounded = 1,
     .spectral = GP_SPECTRAL_OU,
     .geometry = GP_GEOM_SQDIST,
     .apply = ou_apply},
    {.name = "exponential",
     .note = "exp(-r/l)",
     .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE},
     .stationary = 1,
     .bounded = 1,
     .spectral = GP_SPECTRAL_EXPONENTIAL,
     .geometry = GP_GEOM_SQDIST,
     .apply = exponential_apply},
    {.name = "matern32",
     .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE},
     .stationary = 1,
     .bounded = 1,
     .spectral = GP_SPECTRAL_MATERN32,
     .geometry = GP_GEOM_SQDIST,
     .apply = matern32_apply},
    {.name = "matern52",
     .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE},
     .stationary = 1,
     .bounded = 1,
     .spectral = GP_SPECTRAL_MATERN52,
     .geometry = GP_GEOM_SQDIST,
     .apply = matern52_apply},
    {.name = "rq",
     .params = {GP_SPEC_AMPLITUDE, GP_SPEC_LENGTHSCALE, GP_SPEC_POSITIVE("alpha", 1)},
     .stationary = 1,
     .bounded = 1,
     .spectral = GP_SPECTRAL_RQ,
     .geometry = GP_GEOM_SQDIST,
     .apply = rq_apply,
     .apply_far = rq_far},
    {.name = "periodic",
     .params = {GP_SPEC_AMPLITUDE, GP_SPEC_POSITIVE("lengthscale", 1),
                GP_SPEC_POSITIVE("period", 1)},
     .stationary = 1,
     .bounded = 1,
     .geometry = GP_GEOM_CUSTOM,
     .column = periodic_column},
    {.name = "cosine",
     .note = "prod_j cos(2 pi (x_j - x'_j) / p_j)",
     .params = {GP_SPEC_AMPLITUDE,
                {.name = "period", .kind = GP_PARAM_LIST, .def = 1, .lo = 0, .hi = HUGE_VAL,
                 .flags = GP_PARAM_ABOVE | GP_PARAM_INVERTIBLE | GP_PARAM_PER_DIM}},
     .stationary = 1,
     .bounded = 1,
     .geometry = GP_GEOM_CUSTOM,
     .column = cosine_column},
    {.name = "linear",
     .params = {GP_SPEC_NONNEG("variance", 1), GP_SPEC_NONNEG("offset", 0)},
     .geometry = GP_GEOM_DOT,
     .apply = linear_apply},
    {.name = "polynomial",
     .params = {{.name = "degree", .kind = GP_PARAM_INTEGER, .def = 2, .lo = 1, .hi = HUGE_VAL},
                GP_SPEC_NONNEG("variance", 1), GP_SPEC_NONNEG("offset", 1)},
     .geometry = GP_GEOM_DOT,
     .apply = polynomial_apply},
    {.name = "nn",
     .params = {GP_SPEC_NONNEG("variance", 1), GP_SPEC_NONNEG("offset", 0),
                {.name = "Sigma", .kind = GP_PARAM_MATRIX, .def = 1, .lo = -HUGE_VAL,
                 .hi = HUGE_VAL}},
     .geometry = GP_GEOM_CUSTOM,
     .column = gp_kernel_nn_column,
     .setup = gp_kernel_nn_setup,
     .check_input = gp_kernel_nn_check_input,
     .prepare = gp_kernel_nn_prepare},
    {.name = "brownian",
     .params = {GP_SPEC_NONNEG("variance", 1)},
     .input_dim = 1,
     .geometry = GP_GEOM_CUSTOM,
     .column = brownian_column,
     .check_input = brownian_check_input},
    {.name = "constant",
     .params = {{.name = "value", .kind = GP_PARAM_NUMBER, .def = 1, .lo = 0, .hi = HUGE_VAL,
                 .flags = GP_PARAM_POSITIONAL}},
     .stationary = 1,
     .bounded = 1,
     .geometry = GP_GEOM_CUSTOM,
     .column = constant_column},
    {.name = "white",
     .params = {GP_SPEC_NONNEG("variance", 1)},
     .stationary = 1,
     .bounded = 1,
     .geometry = GP_GEOM_CUSTOM,
     .column = white_column},
    {.name = NULL},
};

/* ---- C shorthands ---------------------------------------------------------------- */

#define NUM(pname, value) {pname, &(value), 1, 1}

/* An amplitude-lengthscale kernel, with one more number (extra) if xname. */
static gp_kernel *amp_ls(const char *name, double a, const double *ls, size_t nls,
                         const char *xname, double extra, gp_error *err)
{
    const gp_kernel_arg args[] = {NUM("amplitude", a), {"lengthscale", ls, nls, 1},
                                  NUM(xname, extra)};
    return gp_kernel_new_named(name, args, xname ? 3 : 2, err);
}

gp_kernel *gp_kernel_rbf(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return amp_ls("rbf", amplitude, ls, nls, NULL, 0, err);
}

gp_kernel *gp_kernel_ou(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return amp_ls("ou", amplitude, ls, nls, NULL, 0, err);
}

gp_kernel *gp_kernel_exponential(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return amp_ls("exponential", amplitude, ls, nls, NULL, 0, err);
}

gp_kernel *gp_kernel_matern32(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return amp_ls("matern32", amplitude, ls, nls, NULL, 0, err);
}

gp_kernel *gp_kernel_matern52(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return amp_ls("matern52", amplitude, ls, nls, NULL, 0, err);
}

gp_kernel *gp_kernel_rq(double amplitude, const double *ls, size_t nls, double alpha, gp_error *err)
{
    return amp_ls("rq", amplitude, ls, nls, "alpha", alpha, err);
}

gp_kernel *gp_kernel_periodic(double amplitude, double lengthscale, double period, gp_error *err)
{
    return amp_ls("periodic", amplitude, &lengthscale, 1, "period", period, err);
}

gp_kernel *gp_kernel_linear(double variance, double offset, gp_error *err)
{
    const gp_kernel_arg args[] = {NUM("variance", variance), NUM("offset", offset)};
    return gp_kernel_new_named("linear", args, 2, err);
}

gp_kernel *gp_kernel_polynomial(double variance, double offset, int degree, gp_error *err)
{
    const double deg = degree;
    const gp_kernel_arg args[] = {NUM("degree", deg), NUM("variance", variance),
                                  NUM("offset", offset)};
    return gp_kernel_new_named("polynomial", args, 3, err);
}

gp_kernel *gp_kernel_nn(const double *Sigma, size_t dim, double variance, double offset,
                        gp_error *err)
{
    if (!Sigma || dim < 2) { /* the C form takes the full matrix only */
        gp_error_set(err, GP_ERR_ARG,
                     "nn: Sigma must be at least 2 x 2 (bias and one input), got %zu x %zu", dim,
                     dim);
        return NULL;
    }
    const gp_kernel_arg args[] = {{"Sigma", Sigma, dim, dim}, NUM("variance", variance),
                                  NUM("offset", offset)};
    return gp_kernel_new_named("nn", args, 3, err);
}

gp_kernel *gp_kernel_brownian(double variance, gp_error *err)
{
    const gp_kernel_arg args[] = {NUM("variance", variance)};
    return gp_kernel_new_named("brownian", args, 1, err);
}

gp_kernel *gp_kernel_constant(double value, gp_error *err)
{
    const gp_kernel_arg args[] = {NUM("value", value)};
    return gp_kernel_new_named("constant", args, 1, err);
}

gp_kernel *gp_kernel_white(double variance, gp_error *err)
{
    const gp_kernel_arg args[] = {NUM("variance", variance)};
    return gp_kernel_new_named("white", args, 1, err);
}
