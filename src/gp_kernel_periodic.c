/* gp_kernel_periodic.c: the stationary leaves built from sines and cosines
 * of x - x': MacKay's periodic kernel (with a length-scale and a period per
 * dimension), the cosine kernel and Wilson & Adams' spectral mixture; each
 * with its descriptor, formula, input derivatives (dcolumn) and parameter
 * gradients (grad). tau = x - y; D_u, D'_w as in gp_kernel.h; for a
 * stationary k(tau), D_u k = d_u k(tau) and D'_w k = -d_w k(tau). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gp_kernel_impl.h"

enum { P_AMP, P_LS, P_PERIOD };

/* ---- periodic (MacKay 1998; Rasmussen & Williams eq. 4.31) ------------------------------
 *   a^2 exp(-S),  S = 2 sum_c sin^2(phi_c) / l_c^2,  phi_c = pi (x_c - y_c) / p_c,
 * one length-scale and period, or one per dimension. For d > 1 the sum of
 * sin^2 terms in place of sin^2(pi r / p): the same in 1-D, and a product of
 * 1-D periodic kernels (so positive semi-definite) in d-D, which the
 * Euclidean form is not. Derivatives: S_c = dS/dtau_c = 2 pi sin(2 phi_c) /
 * (p_c l_c^2), S_cc = 4 pi^2 cos(2 phi_c) / (p_c^2 l_c^2). */

/* sum_c sin^2(phi_c) / l_c^2 at (x_i, y_j): with one length-scale, the sum
 * of sin^2 divided by l^2 once; 1/l^2 may overflow where 1/l does not */
static double periodic_sum(const gp_leaf_eval *e, size_t i, size_t j)
{
    const gp_kernel *k = e->k;
    const int shared = k->par[P_LS].rows * k->par[P_LS].cols == 1;
    double s = 0, l = gp_kpar(k, P_LS);
    for (size_t c = 0; c < e->X->cols; c++) {
        const double p = gp_kpar_dim(k, P_PERIOD, c);
        const double t = sin(gp_phase(GP_AT(e->X, i, c), GP_AT(e->Y, j, c), p, GP_PI / p));
        if (!shared)
            l = gp_kpar_dim(k, P_LS, c);
        s += shared ? t * t : (t / l) * (t / l);
    }
    const double il2 = 1.0 / (l * l);
    return !shared ? s : isfinite(il2) ? il2 * s : (s / l) / l;
}

static double periodic_at(const gp_leaf_eval *e, size_t i, size_t j)
{
    return gp_kamp2(e->k) * exp(-2.0 * periodic_sum(e, i, j));
}

GP_VEC_CLONES static void periodic_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1,
                                          double *restrict out)
{
    const size_t len = i1 - i0;
    const double a2 = gp_kamp2(e->k);
    for (size_t i = i0; i < i1; i++)
        out[i - i0] = periodic_sum(e, i, j);
    GP_VFOR(i, len, out[i] = a2 * gp_vexp(-2.0 * out[i]););
}

static void periodic_dcolumn(const gp_leaf_eval *e, const double *u, const double *w, size_t j,
                             size_t i0, size_t i1, double *out)
{
    const gp_kernel *k = e->k;
    for (size_t i = i0; i < i1; i++) {
        double su = 0, sw = 0, suw = 0;
        for (size_t c = 0; c < e->X->cols; c++) {
            const double p = gp_kpar_dim(k, P_PERIOD, c), l = gp_kpar_dim(k, P_LS, c);
            const double ph2 = gp_phase(GP_AT(e->X, i, c), GP_AT(e->Y, j, c), p, 2.0 * GP_PI / p);
            const double sc = 2.0 * GP_PI * sin(ph2) / (p * l * l);
            su += u ? u[c] * sc : 0.0;
            sw += w ? w[c] * sc : 0.0;
            suw += u && w ? u[c] * w[c] * 4.0 * GP_PI * GP_PI * cos(ph2) / (p * p * l * l) : 0.0;
        }
        const double kv = periodic_at(e, i, j);
        out[i - i0] = !w ? -kv * su : !u ? kv * sw : kv * (suw - su * sw);
    }
}

/* lengthscale: dk/dl_c = 4 k sin^2(phi_c) / l_c^3; period: dk/dp_c = k (2/l_c^2)
 * sin(2 phi_c) phi_c / p_c; a shared value (one for all dimensions) sums over c. */
static void periodic_grad(const gp_leaf_eval *e, size_t p, size_t elem, size_t j, size_t i0,
                          size_t i1, double *out)
{
    const gp_kernel *k = e->k;
    const int shared = k->par[p].rows * k->par[p].cols == 1;
    for (size_t i = i0; i < i1; i++) {
        double g = 0;
        for (size_t c = 0; c < e->X->cols; c++) {
            if (!shared && c != elem)
                continue;
            const double per = gp_kpar_dim(k, P_PERIOD, c), l = gp_kpar_dim(k, P_LS, c);
            const double x = GP_AT(e->X, i, c), y = GP_AT(e->Y, j, c);
            const double s = sin(gp_phase(x, y, per, GP_PI / per));
            if (p == P_LS)
                g += 4.0 * s * s / (l * l * l);
            else
                g += 2.0 / (l * l) * sin(gp_phase(x, y, per, 2.0 * GP_PI / per)) * GP_PI *
                     (x - y) / (per * per);
        }
        const double kv = periodic_at(e, i, j);
        out[i - i0] = kv == 0 ? 0.0 : kv * g;
    }
}

#define SPEC_PER_DIM(pname)                                                                        \
    {.name = pname, .kind = GP_PARAM_LIST, .def = 1, .lo = 0, .hi = HUGE_VAL,                      \
     .flags = GP_PARAM_ABOVE | GP_PARAM_INVERTIBLE | GP_PARAM_PER_DIM}

const gp_kernel_desc gp_kdesc_periodic = {
    .name = "periodic",
    .params = {GP_SPEC_AMPLITUDE, SPEC_PER_DIM("lengthscale"), SPEC_PER_DIM("period")},
    .stationary = 1,
    .bounded = 1,
    .geometry = GP_GEOM_CUSTOM,
    .column = periodic_column,
    .dcolumn = periodic_dcolumn,
    .grad = periodic_grad};

/* ---- cosine: a^2 prod_c cos(theta_c), theta_c = 2 pi (x_c - y_c) / p_c --------------------
 * One period or one per dimension. In 1-D the spectral density is two point
 * masses at +-1/p; the product of such 1-D kernels is PSD in any dimension
 * (cos(2 pi r / p) of the Euclidean distance is not, for d > 1). */
enum { C_PERIOD = 1 };

static void cosine_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1,
                          double *restrict out)
{
    const gp_kernel *k = e->k;
    const size_t len = i1 - i0;
    const double a2 = gp_kamp2(k);
    for (size_t c = 0; c < e->X->cols; c++) {
        const double p = gp_kpar_dim(k, C_PERIOD, c), w = 2.0 * GP_PI / p;
        const double *xc = &GP_AT(e->X, i0, c), yjc = GP_AT(e->Y, j, c);
        for (size_t i = 0; i < len; i++)
            out[i] = (c ? out[i] : a2) * cos(gp_phase(xc[i], yjc, p, w));
    }
}

/* cos(theta_c), sin(theta_c) and omega_c = 2 pi / p_c at row i of X, row j of Y */
static void cosine_terms(const gp_leaf_eval *e, size_t i, size_t j, double *cs, double *sn,
                         double *om)
{
    for (size_t c = 0; c < e->X->cols; c++) {
        const double p = gp_kpar_dim(e->k, C_PERIOD, c);
        const double th = gp_phase(GP_AT(e->X, i, c), GP_AT(e->Y, j, c), p, 2.0 * GP_PI / p);
        cs[c] = cos(th), sn[c] = sin(th), om[c] = 2.0 * GP_PI / p;
    }
}

/* prod_c f_c over c != a, b, where f_c = cs[c], and -om[c] sn[c] for c in {a, b}
 * when a != b (the derivative of cos(theta_c) in tau_c), -om^2 cs when a == b. */
static double cosine_partial(const double *cs, const double *sn, const double *om, size_t d,
                             size_t a, size_t b)
{
    double r = 1;
    for (size_t c = 0; c < d; c++)
        r *= c == a && c == b ? -om[c] * om[c] * cs[c]
             : c == a || c == b ? -om[c] * sn[c]
                                : cs[c];
    return r;
}

static void cosine_dcolumn(const gp_leaf_eval *e, const double *u, const double *w, size_t j,
                           size_t i0, size_t i1, double *out)
{
    const size_t d = e->X->cols, none = (size_t)-1;
    const double a2 = gp_kamp2(e->k);
    double *buf = e->scratch, *cs = buf, *sn = buf + d, *om = buf + 2 * d;
    for (size_t i = i0; i < i1; i++) {
        cosine_terms(e, i, j, cs, sn, om);
        double r = 0;
        for (size_t a = 0; a < d; a++) {
            if (u && w)
                for (size_t b = 0; b < d; b++)
                    r -= u[a] * w[b] * cosine_partial(cs, sn, om, d, a, b);
            else
                r += (u ? u[a] : -w[a]) * cosine_partial(cs, sn, om, d, a, none);
        }
        out[i - i0] = a2 * r;
    }
}

/* dk/dp_c = a^2 sin(theta_c) theta_c / p_c prod_(c' != c) cos(theta_c') = -(dk/dtau_c) tau_c / p_c;
 * a shared period sums over c. */
static void cosine_grad(const gp_leaf_eval *e, size_t p, size_t elem, size_t j, size_t i0,
                        size_t i1, double *out)
{
    const size_t d = e->X->cols, none = (size_t)-1;
    const int shared = e->k->par[p].rows * e->k->par[p].cols == 1;
    const double a2 = gp_kamp2(e->k);
    double *buf = e->scratch, *cs = buf, *sn = buf + d, *om = buf + 2 * d;
    for (size_t i = i0; i < i1; i++) {
        cosine_terms(e, i, j, cs, sn, om);
        double g = 0;
        for (size_t c = 0; c < d; c++)
            if (shared || c == elem)
                g -= cosine_partial(cs, sn, om, d, c, none) *
                     (GP_AT(e->X, i, c) - GP_AT(e->Y, j, c)) / gp_kpar_dim(e->k, C_PERIOD, c);
        out[i - i0] = a2 * g;
    }
}

/* scratch: 3 d doubles for cosine_terms (dcolumn and grad run in one thread) */
static gp_code cosine_prepare(gp_leaf_eval *e, gp_error *err)
{
    e->scratch = malloc(3 * e->X->cols * sizeof(double));
    return e->scratch ? GP_OK : gp_error_set(err, GP_ERR_NOMEM, "cosine: out of memory");
}

const gp_kernel_desc gp_kdesc_cosine = {
    .name = "cosine",
    .note = "prod_j cos(2 pi (x_j - x'_j) / p_j)",
    .params = {GP_SPEC_AMPLITUDE, SPEC_PER_DIM("period")},
    .stationary = 1,
    .bounded = 1,
    .spectral = GP_SPECTRAL_COSINE,
    .geometry = GP_GEOM_CUSTOM,
    .column = cosine_column,
    .prepare = cosine_prepare,
    .dcolumn = cosine_dcolumn,
    .grad = cosine_grad};

/* ---- sm: the spectral mixture (Wilson & Adams 2013, eq. 12) ---------------------------------
 *   k(tau) = sum_q w_q cos(2 pi tau . mu_q) exp(-2 pi^2 sum_p tau_p^2 v_qp),
 * the Fourier transform of the symmetrised Gaussian mixture
 * sum_q w_q (N(mu_q, diag v_q) + N(-mu_q, diag v_q)) / 2 over frequencies s
 * (cycles per unit of x). In d > 1 this is the cosine of the dot product, as
 * in the paper; GPyTorch's SpectralMixtureKernel multiplies per-dimension
 * cosines instead (the same in 1-D). weights: Q values >= 0; means and
 * variances: Q x d (one row per component; a list is read as one component
 * when Q = 1; variances may be one number for all). With
 * c_q = cos(theta_q) E_q, s_q = sin(theta_q) E_q, A_a = -4 pi^2 tau_a v_qa,
 * B_a = 2 pi mu_qa: d_a k = sum w (A_a c - B_a s) and
 * d_a d_b k = sum w (c (A_a A_b - B_a B_b - 4 pi^2 v_qa [a = b]) - s (B_a A_b + A_a B_b)). */
enum { SM_WEIGHTS, SM_MEANS, SM_VARIANCES };

static gp_code sm_setup(gp_kernel *k, gp_error *err)
{
    const size_t Q = k->par[SM_WEIGHTS].rows * k->par[SM_WEIGHTS].cols;
    gp_kparam *mu = &k->par[SM_MEANS], *va = &k->par[SM_VARIANCES];
    if (Q == 1 && mu->cols == 1 && mu->rows > 1) /* a list: one component in d-D */
        *mu = (gp_kparam){mu->v, 1, mu->rows};
    if (mu->rows != Q)
        return gp_error_set(err, GP_ERR_ARG,
                            "sm: means must have one row per component (%zu weights), got a "
                            "%zu x %zu matrix",
                            Q, mu->rows, mu->cols);
    const size_t d = mu->cols, nv = va->rows * va->cols;
    if (nv != 1 && nv != Q * d)
        return gp_error_set(err, GP_ERR_ARG,
                            "sm: variances must be one number or %zu x %zu like the means, got a "
                            "%zu x %zu matrix",
                            Q, d, va->rows, va->cols);
    double *full = malloc(Q * d * sizeof *full);
    if (!full)
        return gp_error_set(err, GP_ERR_NOMEM, "sm: out of memory");
    for (size_t t = 0; t < Q * d; t++)
        full[t] = va->v[nv == 1 ? 0 : t];
    k->extra = full;
    *va = (gp_kparam){full, Q, d};
    return GP_OK;
}

static gp_code sm_check_input(const gp_kernel *k, const gp_matrix *X, const char *which,
                              gp_error *err)
{
    const size_t d = k->par[SM_MEANS].cols;
    return X->cols == d ? GP_OK
                        : gp_error_set(err, GP_ERR_DIM,
                                       "sm: the means are %zu-D but %s is %zu-D (one column of "
                                       "means per input dimension)",
                                       d, which, X->cols);
}

/* tau_p = x_ip - y_jp */
static inline double sm_tau(const gp_leaf_eval *e, size_t i, size_t j, size_t p)
{
    return GP_AT(e->X, i, p) - GP_AT(e->Y, j, p);
}

/* theta_q = 2 pi tau . mu_q and E_q = exp(-2 pi^2 sum_p tau_p^2 v_qp) at (x_i, y_j) */
static void sm_terms(const gp_leaf_eval *e, size_t q, size_t i, size_t j, double *theta,
                     double *E)
{
    const gp_kparam *mu = &e->k->par[SM_MEANS], *va = &e->k->par[SM_VARIANCES];
    const size_t Q = mu->rows;
    double th = 0, ex = 0;
    for (size_t p = 0; p < mu->cols; p++) {
        const double t = sm_tau(e, i, j, p);
        th += t * mu->v[p * Q + q];
        ex += t * t * va->v[p * Q + q];
    }
    *theta = 2.0 * GP_PI * th;
    *E = exp(-2.0 * GP_PI * GP_PI * ex);
}

static void sm_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out)
{
    const gp_kparam *w = &e->k->par[SM_WEIGHTS];
    for (size_t i = i0; i < i1; i++) {
        double acc = 0, th, E;
        for (size_t q = 0; q < w->rows * w->cols; q++) {
            sm_terms(e, q, i, j, &th, &E);
            if (E > 0) /* far apart: cos(huge) * 0 */
                acc += w->v[q] * cos(th) * E;
        }
        out[i - i0] = acc;
    }
}

static void sm_dcolumn(const gp_leaf_eval *e, const double *u, const double *w, size_t j,
                       size_t i0, size_t i1, double *out)
{
    const gp_kparam *wt = &e->k->par[SM_WEIGHTS], *mu = &e->k->par[SM_MEANS],
                    *va = &e->k->par[SM_VARIANCES];
    const size_t Q = mu->rows, d = mu->cols;
    const double pi2 = GP_PI * GP_PI;
    for (size_t i = i0; i < i1; i++) {
        double acc = 0, th, E;
        for (size_t q = 0; q < Q; q++) {
            sm_terms(e, q, i, j, &th, &E);
            if (E == 0)
                continue;
            const double c = cos(th) * E, s = sin(th) * E;
            double Au = 0, Aw = 0, Bu = 0, Bw = 0, Vuw = 0;
            for (size_t a = 0; a < d; a++) {
                const double A = -4.0 * pi2 * sm_tau(e, i, j, a) * va->v[a * Q + q];
                const double B = 2.0 * GP_PI * mu->v[a * Q + q];
                Au += u ? u[a] * A : 0, Bu += u ? u[a] * B : 0;
                Aw += w ? w[a] * A : 0, Bw += w ? w[a] * B : 0;
                Vuw += u && w ? u[a] * w[a] * 4.0 * pi2 * va->v[a * Q + q] : 0;
            }
            double r;
            if (u && w) /* D'_w = -d_w: minus the second derivative in tau */
                r = -(c * (Au * Aw - Bu * Bw - Vuw) - s * (Bu * Aw + Au * Bw));
            else if (u)
                r = Au * c - Bu * s;
            else
                r = -(Aw * c - Bw * s);
            acc += wt->v[q] * r;
        }
        out[i - i0] = acc;
    }
}

/* weights: cos(theta_q) E_q; means (q, p): -w_q sin(theta_q) E_q 2 pi tau_p;
 * variances (q, p): -2 pi^2 tau_p^2 w_q cos(theta_q) E_q */
static void sm_grad(const gp_leaf_eval *e, size_t p, size_t elem, size_t j, size_t i0, size_t i1,
                    double *out)
{
    const gp_kparam *wt = &e->k->par[SM_WEIGHTS];
    const size_t Q = e->k->par[SM_MEANS].rows;
    const size_t q = p == SM_WEIGHTS ? elem : elem % Q, dim = elem / Q;
    double th, E;
    for (size_t i = i0; i < i1; i++) {
        sm_terms(e, q, i, j, &th, &E);
        const double t = sm_tau(e, i, j, dim);
        double g = 0;
        if (E > 0)
            g = p == SM_WEIGHTS ? cos(th) * E
                : p == SM_MEANS ? -wt->v[q] * sin(th) * E * 2.0 * GP_PI * t
                                : -2.0 * GP_PI * GP_PI * t * t * wt->v[q] * cos(th) * E;
        out[i - i0] = g;
    }
}

const gp_kernel_desc gp_kdesc_sm = {
    .name = "sm",
    .note = "sum_q w_q cos(2 pi tau.mu_q) exp(-2 pi^2 sum_p tau_p^2 v_qp)",
    .params = {{.name = "weights", .kind = GP_PARAM_LIST, .def = 1, .lo = 0, .hi = HUGE_VAL},
               {.name = "means", .kind = GP_PARAM_MATRIX, .def = 0, .lo = -HUGE_VAL,
                .hi = HUGE_VAL},
               {.name = "variances", .kind = GP_PARAM_MATRIX, .def = 1, .lo = 0, .hi = HUGE_VAL,
                .flags = GP_PARAM_ABOVE}},
    .stationary = 1,
    .bounded = 1,
    .spectral = GP_SPECTRAL_SM,
    .geometry = GP_GEOM_CUSTOM,
    .column = sm_column,
    .setup = sm_setup,
    .check_input = sm_check_input,
    .dcolumn = sm_dcolumn,
    .grad = sm_grad};
