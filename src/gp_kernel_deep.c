/* gp_kernel_deep.c: kernels of infinitely wide neural networks: the
 * arc-cosine kernels (Cho & Saul 2009), and the NNGP and NTK of fully
 * connected networks of any depth with ReLU or erf activations (Lee et al.
 * 2018; Matthews et al. 2018; Jacot et al. 2018; the recursions as in Neural
 * Tangents, Novak et al. 2020).
 *
 * Network (the "standard" parametrisation of the NNGP papers): L hidden
 * layers of width n -> inf, weights W^l ~ N(0, sw2_l / fan_in), biases
 * b^l ~ N(0, sb2_l), activation phi; layer 0 reads x (d inputs), the readout
 * is layer L. With (u, v) ~ N(0, [[k11, k12], [k12, k22]]):
 *   K^0(x, x') = sb2_0 + sw2_0 x.x' / d,
 *   K^l = sb2_l + sw2_l E[phi(u) phi(v)]   under K^(l-1),  l = 1..L  (the NNGP is K^L),
 *   T^0 = K^0,  T^l = K^l + sw2_l E[phi'(u) phi'(v)] T^(l-1)          (the NTK is T^L).
 * ReLU (the order-1 arc-cosine kernel, t = arccos(k12 / sqrt(k11 k22))):
 *   E[phi phi] = sqrt(k11 k22) (sin t + (pi - t) cos t) / (2 pi),  E[phi' phi'] = (pi - t) / (2 pi);
 * erf (Williams 1998):
 *   E[phi phi] = (2/pi) asin(2 k12 / sqrt((1 + 2 k11)(1 + 2 k22))),
 *   E[phi' phi'] = (4/pi) / sqrt((1 + 2 k11)(1 + 2 k22) - 4 k12^2).
 * A unit with zero variance (x = 0 without biases) is 0 for ReLU, and its
 * step phi'(0) is taken as 1/2 (the limit from either side, averaged), which
 * keeps every kernel an expectation, so positive semi-definite.
 *
 * The diagonal recursion q^l(x) = K^l(x, x) is computed once per input row
 * (prepare); each entry then costs O(L). */
#include <math.h>
#include <stdlib.h>

#include "gp_kernel_impl.h"

/* ---- arccos: the arc-cosine kernels of order n = 0, 1, 2 -----------------------------------
 *   k_n(x, x') = (1/pi) |x|^n |x'|^n J_n(theta),  cos theta = <x, x'> / (|x| |x'|),
 *   J_0 = pi - theta,  J_1 = sin theta + (pi - theta) cos theta,
 *   J_2 = 3 sin theta cos theta + (pi - theta)(1 + 2 cos^2 theta),
 * = 2 E[H(w.x) H(w.x') (w.x)^n (w.x')^n] for w ~ N(0, I) (H the step): one
 * infinitely wide layer of threshold (n = 0), ReLU (1) or ReQU (2) units.
 * Here <x, x'> = bias_var + weight_var x.x' (weights N(0, weight_var), a
 * bias N(0, bias_var)); bias_var = 0, weight_var = 1 is Cho & Saul's kernel.
 * At a zero norm: 0 for n >= 1, 1/2 for n = 0 (H(0) = 1/2). */
enum { AC_ORDER, AC_WVAR, AC_BVAR };

/* J_n at the angle t (its cosine c, sine sn) */
static double acos_j(int n, double t, double c, double sn)
{
    switch (n) {
    case 0: return GP_PI - t;
    case 1: return sn + (GP_PI - t) * c;
    default: return 3.0 * sn * c + (GP_PI - t) * (1.0 + 2.0 * c * c);
    }
}

/* The augmented input xt = (sqrt(weight_var) x, sqrt(bias_var)) has
 * <x, x'> = xt . xt'. */
static double ac_comp(const gp_kernel *k, const gp_matrix *X, size_t i, size_t c)
{
    return c < X->cols ? sqrt(gp_kpar(k, AC_WVAR)) * GP_AT(X, i, c) : sqrt(gp_kpar(k, AC_BVAR));
}

/* scratch: |xt_i| for the rows of X, then |yt_j| (when Y is not X) */
static gp_code arccos_prepare(gp_leaf_eval *e, gp_error *err)
{
    const size_t n = e->X->rows, m = e->Y == e->X ? 0 : e->Y->rows, d = e->X->cols;
    double *nrm = malloc((n + m) * sizeof *nrm);
    if (!nrm)
        return gp_error_set(err, GP_ERR_NOMEM, "arccos: out of memory");
    for (size_t i = 0; i < n + m; i++) {
        const gp_matrix *M = i < n ? e->X : e->Y;
        const size_t r = i < n ? i : i - n;
        double s = 0;
        for (size_t c = 0; c <= d; c++)
            s += ac_comp(e->k, M, r, c) * ac_comp(e->k, M, r, c);
        nrm[i] = sqrt(s);
    }
    e->scratch = nrm;
    return GP_OK;
}

/* The angle between xt_i and yt_j by Kahan's formula, 2 atan2(|a - b|, |a + b|)
 * for the unit vectors a, b: accurate near 0 and pi, where acos of the
 * cosine loses half the digits (acos(1 - eps) = 1.5e-8). */
static double ac_angle(const gp_leaf_eval *e, size_t i, size_t j, double nx, double ny)
{
    double dm = 0, dp = 0;
    for (size_t c = 0; c <= e->X->cols; c++) {
        const double a = ac_comp(e->k, e->X, i, c) / nx, b = ac_comp(e->k, e->Y, j, c) / ny;
        dm += (a - b) * (a - b);
        dp += (a + b) * (a + b);
    }
    return 2.0 * atan2(sqrt(dm), sqrt(dp));
}

static void arccos_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out)
{
    const int n = (int)gp_kpar(e->k, AC_ORDER);
    const double *nx = e->scratch, *ny = e->Y == e->X ? nx : nx + e->X->rows;
    for (size_t i = i0; i < i1; i++) {
        const double nn = nx[i] * ny[j];
        if (!(nn > 0)) { /* a zero norm: H(0) = 1/2 */
            out[i - i0] = n == 0 ? 0.5 : 0.0;
            continue;
        }
        const double t = ac_angle(e, i, j, nx[i], ny[j]);
        out[i - i0] = gp_ipow(nn, n) * acos_j(n, t, cos(t), sin(t)) / GP_PI;
    }
}

static const char *deep_nodiff(const gp_kernel *k)
{
    (void)k;
    return "derivatives in x are not implemented for the network kernels";
}

const gp_kernel_desc gp_kdesc_arccos = {
    .name = "arccos",
    .note = "|x|^n |x'|^n J_n(theta) / pi, <x,x'> = bias_var + weight_var x.x'",
    .params = {{.name = "order", .kind = GP_PARAM_INTEGER, .def = 1, .lo = 0, .hi = 2},
               {.name = "weight_var", .kind = GP_PARAM_NUMBER, .def = 1, .lo = 0, .hi = HUGE_VAL,
                .flags = GP_PARAM_NOGRAD},
               {.name = "bias_var", .kind = GP_PARAM_NUMBER, .def = 0, .lo = 0, .hi = HUGE_VAL,
                .flags = GP_PARAM_NOGRAD}},
    .geometry = GP_GEOM_CUSTOM,
    .column = arccos_column,
    .prepare = arccos_prepare,
    .nodiff = deep_nodiff};

/* ---- nngp and ntk ----------------------------------------------------------------------- */

enum { NG_DEPTH, NG_ACT, NG_WVAR, NG_BVAR };
enum { ACT_RELU, ACT_ERF };
static const char *const activations[] = {"relu", "erf", NULL};

/* sw2_l and sb2_l (one value, or one per layer l = 0..L) */
static double layer_var(const gp_kernel *k, size_t p, size_t l)
{
    const gp_kparam *v = &k->par[p];
    return v->v[v->rows * v->cols == 1 ? 0 : l];
}

static gp_code nngp_setup(gp_kernel *k, gp_error *err)
{
    const size_t L = (size_t)gp_kpar(k, NG_DEPTH);
    for (size_t p = NG_WVAR; p <= NG_BVAR; p++) {
        const size_t n = k->par[p].rows * k->par[p].cols;
        if (n != 1 && n != L + 1)
            return gp_error_set(err, GP_ERR_ARG,
                                "%s: %s must be one number or one per weight layer (depth + 1 = "
                                "%zu: the input layer, %zu between hidden layers, the readout), "
                                "got %zu values",
                                k->desc->name, k->desc->params[p].name, L + 1, L - 1, n);
    }
    return GP_OK;
}

/* E[phi(u) phi(v)] into *ev and E[phi'(u) phi'(v)] into *ed (if not NULL) */
static void dual(int act, double k11, double k22, double k12, double *ev, double *ed)
{
    if (act == ACT_ERF) {
        const double a = 1.0 + 2.0 * k11, b = 1.0 + 2.0 * k22, c = 2.0 * k12 / sqrt(a * b);
        *ev = 2.0 / GP_PI * asin(c > 1 ? 1 : c < -1 ? -1 : c);
        if (ed)
            *ed = 4.0 / GP_PI / sqrt(a * b - 4.0 * k12 * k12);
        return;
    }
    const double s = sqrt(k11) * sqrt(k22);
    if (!(s > 0)) { /* a unit with zero variance: phi = 0, phi' = 1/2 */
        *ev = 0;
        if (ed)
            *ed = 0.25;
        return;
    }
    double c = k11 == k22 && k12 == k11 ? 1.0 : k12 / s; /* the same unit: exactly 1 */
    c = c > 1 ? 1 : c < -1 ? -1 : c;
    const double t = acos(c);
    *ev = s * (sqrt(1.0 - c * c) + (GP_PI - t) * c) / (2.0 * GP_PI);
    if (ed)
        *ed = (GP_PI - t) / (2.0 * GP_PI);
}

/* scratch: q^l at the rows of X (n x L, layer-major: q[l * n + i], l = 0..L-1),
 * then of Y (when Y is not X) */
static void diag_rows(const gp_kernel *k, const gp_matrix *X, double *q)
{
    const size_t L = (size_t)gp_kpar(k, NG_DEPTH), n = X->rows, d = X->cols;
    const int act = (int)gp_kpar(k, NG_ACT);
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t c = 0; c < d; c++)
            s += GP_AT(X, i, c) * GP_AT(X, i, c);
        double kl = layer_var(k, NG_BVAR, 0) + layer_var(k, NG_WVAR, 0) * s / (double)d;
        for (size_t l = 0; l < L; l++) {
            q[l * n + i] = kl;
            double ev;
            dual(act, kl, kl, kl, &ev, NULL);
            kl = layer_var(k, NG_BVAR, l + 1) + layer_var(k, NG_WVAR, l + 1) * ev;
        }
    }
}

static gp_code nngp_prepare(gp_leaf_eval *e, gp_error *err)
{
    const size_t L = (size_t)gp_kpar(e->k, NG_DEPTH), n = e->X->rows;
    const size_t m = e->Y == e->X ? 0 : e->Y->rows;
    if (L > 0 && n + m > (size_t)-1 / sizeof(double) / L)
        return gp_error_set(err, GP_ERR_NOMEM, "%s: too many inputs", e->k->desc->name);
    double *q = malloc(L * (n + m) * sizeof *q);
    if (!q)
        return gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory for %zu x %zu layer variances",
                            e->k->desc->name, n + m, L);
    diag_rows(e->k, e->X, q);
    if (m)
        diag_rows(e->k, e->Y, q + L * n);
    e->scratch = q;
    return GP_OK;
}

/* K^L (ntk 0) or T^L (ntk 1) at (x_i, y_j) */
static double deep_at(const gp_leaf_eval *e, size_t i, size_t j, int ntk)
{
    const gp_kernel *k = e->k;
    const size_t L = (size_t)gp_kpar(k, NG_DEPTH), n = e->X->rows, d = e->X->cols;
    const size_t m = e->Y->rows;
    const int act = (int)gp_kpar(k, NG_ACT);
    const double *qx = e->scratch, *qy = e->Y == e->X ? qx : qx + L * n;
    double s = 0;
    for (size_t c = 0; c < d; c++)
        s += GP_AT(e->X, i, c) * GP_AT(e->Y, j, c);
    double kl = layer_var(k, NG_BVAR, 0) + layer_var(k, NG_WVAR, 0) * s / (double)d, t = kl;
    for (size_t l = 0; l < L; l++) {
        double ev, ed;
        dual(act, qx[l * n + i], qy[l * m + j], kl, &ev, ntk ? &ed : NULL);
        const double sw = layer_var(k, NG_WVAR, l + 1);
        kl = layer_var(k, NG_BVAR, l + 1) + sw * ev;
        if (ntk)
            t = kl + sw * ed * t;
    }
    return ntk ? t : kl;
}

/* the NNGP or, for the ntk descriptor, the NTK */
static void deep_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out)
{
    const int ntk = e->k->desc == &gp_kdesc_ntk;
    for (size_t i = i0; i < i1; i++)
        out[i - i0] = deep_at(e, i, j, ntk);
}

#define DEEP_PARAMS                                                                                \
    {{.name = "depth", .kind = GP_PARAM_INTEGER, .def = 1, .lo = 1, .hi = 10000},                  \
     {.name = "activation", .kind = GP_PARAM_CHOICE, .def = ACT_RELU, .lo = 0, .hi = 1,            \
      .choices = activations},                                                                     \
     {.name = "weight_var", .kind = GP_PARAM_LIST, .def = 1, .lo = 0, .hi = HUGE_VAL,              \
      .flags = GP_PARAM_NOGRAD},                                                                   \
     {.name = "bias_var", .kind = GP_PARAM_LIST, .def = 1, .lo = 0, .hi = HUGE_VAL,                \
      .flags = GP_PARAM_NOGRAD}}

#define DEEP_DESC(kname, knote)                                                                    \
    {.name = kname, .note = knote, .params = DEEP_PARAMS, .geometry = GP_GEOM_CUSTOM,              \
     .column = deep_column, .setup = nngp_setup, .prepare = nngp_prepare, .nodiff = deep_nodiff}

const gp_kernel_desc gp_kdesc_nngp =
    DEEP_DESC("nngp", "K^L: K^0 = sb2 + sw2 x.x'/d, K^l = sb2 + sw2 E[phi(u) phi(v)]");
const gp_kernel_desc gp_kdesc_ntk =
    DEEP_DESC("ntk", "T^L: T^0 = K^0, T^l = K^l + sw2 E[phi'(u) phi'(v)] T^(l-1)");
