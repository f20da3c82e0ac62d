/* gp_kernel_paths.c: the non-stationary leaves of stochastic-process
 * models: Brownian motion, the once-integrated Wiener process (cubic
 * spline), fractional Brownian motion, and Gibbs' kernel with a
 * length-scale that varies with x (a function of x); each with its
 * descriptor, formula, derivatives where they exist, and why they do not
 * where they do not. */
#include <math.h>
#include <stdlib.h>

#include "gp_kernel_impl.h"

/* For kernels of time since the start: every input >= 0. */
static gp_code check_times(const gp_kernel *k, const gp_matrix *X, const char *which,
                           gp_error *err)
{
    for (size_t i = 0; i < X->rows; i++)
        if (X->data[i] < 0)
            return gp_error_set(err, GP_ERR_ARG,
                                "%s: inputs must be >= 0 (time since the start), got %g at row %zu "
                                "of %s",
                                k->desc->name, X->data[i], i + 1, which);
    return GP_OK;
}

/* ---- brownian: variance min(x, x') ------------------------------------------------------ */

static void brownian_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out)
{
    const double s2 = gp_kpar(e->k, 0), yj = e->Y->data[j];
    const double *x = e->X->data + i0;
    for (size_t i = 0; i < i1 - i0; i++)
        out[i] = s2 * (x[i] < yj ? x[i] : yj);
}

static const char *brownian_rough(const gp_kernel *k)
{
    (void)k;
    return "Brownian motion paths are continuous but nowhere differentiable (min(x, x') has a "
           "kink at x = x'); iwiener, its integral, is once differentiable";
}

const gp_kernel_desc gp_kdesc_brownian = {
    .name = "brownian",
    .params = {GP_SPEC_VARIANCE},
    .input_dim = 1,
    .geometry = GP_GEOM_CUSTOM,
    .column = brownian_column,
    .check_input = check_times,
    .nodiff = brownian_rough};

/* ---- iwiener: the once-integrated Wiener process (the cubic-spline kernel) -----------------
 *   variance (m^3 / 3 + |x - x'| m^2 / 2),  m = min(x, x'),  x, x' >= 0
 * (Rasmussen & Williams section 6.3.1): f(t) = int_0^t W, W Brownian motion,
 * so f' = W: for x < y, k = s2 (x^2 y / 2 - x^3 / 6), dk/dx = s2 (x y - x^2/2),
 * dk/dy = s2 x^2 / 2 and d^2k/dx dy = s2 min(x, y) (symmetrically for x > y). */
static void iwiener_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out)
{
    const double s2 = gp_kpar(e->k, 0), y = e->Y->data[j];
    for (size_t i = i0; i < i1; i++) {
        const double x = e->X->data[i], m = x < y ? x : y;
        out[i - i0] = s2 * (m * m * m / 3.0 + fabs(x - y) * m * m / 2.0);
    }
}

static void iwiener_dcolumn(const gp_leaf_eval *e, const double *u, const double *w, size_t j,
                            size_t i0, size_t i1, double *out)
{
    const double s2 = gp_kpar(e->k, 0), y = e->Y->data[j];
    for (size_t i = i0; i < i1; i++) {
        const double x = e->X->data[i], m = x < y ? x : y, M = x < y ? y : x;
        /* the derivative in the smaller argument: m M - m^2/2; in the larger: m^2/2 */
        const double d_small = m * M - m * m / 2.0, d_large = m * m / 2.0;
        double r;
        if (u && w)
            r = u[0] * w[0] * m;
        else if (u)
            r = u[0] * (x <= y ? d_small : d_large);
        else
            r = w[0] * (y <= x ? d_small : d_large);
        out[i - i0] = s2 * r;
    }
}

const gp_kernel_desc gp_kdesc_iwiener = {
    .name = "iwiener",
    .note = "min^3/3 + |x-x'| min^2/2, the cubic spline",
    .params = {GP_SPEC_VARIANCE},
    .input_dim = 1,
    .geometry = GP_GEOM_CUSTOM,
    .column = iwiener_column,
    .check_input = check_times,
    .dcolumn = iwiener_dcolumn};

/* ---- fbm: fractional Brownian motion (Mandelbrot & Van Ness 1968; Levy's in d-D) -----------
 *   a^2 (|x|^(2H) + |x'|^(2H) - |x - x'|^(2H)) / 2,  0 < H < 1 (Hurst),
 * |.| the Euclidean norm; H = 1/2 is two-sided Brownian motion, H > 1/2
 * positively correlated increments. Powers of norms are taken in
 * logarithms (no overflow of the norm itself, nor of x - x').
 * dk/dH = a^2 (log|x| |x|^(2H) + log|x'| |x'|^(2H) - log|t| |t|^(2H)), t = x - x'. */
enum { FBM_AMP, FBM_HURST };

/* log |x_i| (Y NULL) or log |x_i - y_j| (from the halved difference, which
 * cannot overflow); -inf for 0. */
static double log_norm(const gp_matrix *X, size_t i, const gp_matrix *Y, size_t j)
{
    const double f = Y ? 0.5 : 1.0;
    double m = 0, s = 0;
    for (size_t c = 0; c < X->cols; c++)
        m = fmax(m, fabs(f * GP_AT(X, i, c) - (Y ? f * GP_AT(Y, j, c) : 0.0)));
    if (m == 0)
        return -HUGE_VAL;
    for (size_t c = 0; c < X->cols; c++) {
        const double t = (f * GP_AT(X, i, c) - (Y ? f * GP_AT(Y, j, c) : 0.0)) / m;
        s += t * t;
    }
    return log(m) + 0.5 * log(s) + (Y ? log(2.0) : 0.0);
}

/* |v|^p and, into *dlog, log|v| |v|^p, from ln = log|v| (0 and 0 at v = 0) */
static double norm_pow(double ln, double p, double *dlog)
{
    const double r = isinf(ln) ? 0.0 : exp(p * ln);
    *dlog = isinf(ln) ? 0.0 : ln * r;
    return r;
}

/* k at (x_i, y_j), and dk/dH into *dH (if not NULL) */
static double fbm_at(const gp_leaf_eval *e, size_t i, size_t j, double *dH)
{
    const double H2 = 2.0 * gp_kpar(e->k, FBM_HURST), a2 = gp_kamp2(e->k);
    double lx, ly, lt;
    const double sx = norm_pow(log_norm(e->X, i, NULL, 0), H2, &lx);
    const double sy = norm_pow(log_norm(e->Y, j, NULL, 0), H2, &ly);
    const double st = norm_pow(log_norm(e->X, i, e->Y, j), H2, &lt);
    if (dH)
        *dH = a2 * (lx + ly - lt);
    return 0.5 * a2 * (sx + sy - st);
}

static void fbm_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out)
{
    for (size_t i = i0; i < i1; i++)
        out[i - i0] = fbm_at(e, i, j, NULL);
}

static void fbm_grad(const gp_leaf_eval *e, size_t p, size_t elem, size_t j, size_t i0, size_t i1,
                     double *out)
{
    (void)p, (void)elem;
    for (size_t i = i0; i < i1; i++)
        fbm_at(e, i, j, &out[i - i0]);
}

static const char *fbm_rough(const gp_kernel *k)
{
    (void)k;
    return "fractional Brownian motion paths are nowhere differentiable for every Hurst index "
           "H < 1";
}

const gp_kernel_desc gp_kdesc_fbm = {
    .name = "fbm",
    .note = "(|x|^2H + |x'|^2H - |x-x'|^2H)/2",
    .params = {GP_SPEC_AMPLITUDE,
               {.name = "hurst", .kind = GP_PARAM_NUMBER, .def = 0.5, .lo = 0, .hi = 1,
                .flags = GP_PARAM_ABOVE | GP_PARAM_BELOW}},
    .geometry = GP_GEOM_CUSTOM,
    .column = fbm_column,
    .grad = fbm_grad,
    .nodiff = fbm_rough};

/* ---- gibbs: Gibbs' kernel with a length-scale function (Rasmussen & Williams eq. 4.32) -----
 *   a^2 (2 l(x) l(x') / (l(x)^2 + l(x')^2))^(d/2) exp(-|x - x'|^2 / (l(x)^2 + l(x')^2)),
 * one positive length-scale l(x) for every dimension (eq. 4.32 with l_c = l;
 * it factorises over dimensions, so a product of 1-D Gibbs kernels on
 * selected dimensions gives one function per dimension). A constant l gives
 * the rbf with length-scale l, exp(-r^2 / (2 l^2)).
 * Computed with L = max(l, l'), rho = min / max:
 *   (2 rho / (1 + rho^2))^(d/2) exp(-|(x - x') / L|^2 / (1 + rho^2)), no overflow.
 * scratch: l at the rows of X, then of Y (when Y is not X). */
static gp_code gibbs_lengths(const gp_kernel *k, const gp_matrix *X, const char *which,
                             double *l, gp_error *err)
{
    gp_code rc = gp_func_eval_rows(k->f, X, l, err);
    for (size_t i = 0; !rc && i < X->rows; i++)
        if (!(l[i] > 0))
            rc = gp_error_set(err, GP_ERR_ARG,
                              "gibbs: the length-scale function must be > 0, got %g at row %zu "
                              "of %s",
                              l[i], i + 1, which);
    return rc;
}

static gp_code gibbs_prepare(gp_leaf_eval *e, gp_error *err)
{
    const size_t n = e->X->rows, m = e->Y == e->X ? 0 : e->Y->rows;
    double *l = malloc((n + m) * sizeof *l);
    if (!l)
        return gp_error_set(err, GP_ERR_NOMEM, "gibbs: out of memory for %zu length-scales", n + m);
    e->scratch = l;
    gp_code rc = gibbs_lengths(e->k, e->X, "X", l, err);
    return rc || !m ? rc : gibbs_lengths(e->k, e->Y, "Y", l + n, err);
}

static void gibbs_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out)
{
    const double *lx = e->scratch, *ly = e->Y == e->X ? lx : lx + e->X->rows;
    const double a2 = gp_kamp2(e->k), half_d = 0.5 * (double)e->X->cols;
    for (size_t i = i0; i < i1; i++) {
        const double L = fmax(lx[i], ly[j]), rho = fmin(lx[i], ly[j]) / L, q = 1.0 + rho * rho;
        double s = 0;
        for (size_t c = 0; c < e->X->cols; c++) {
            const double t = (GP_AT(e->X, i, c) - GP_AT(e->Y, j, c)) / L;
            s += t * t;
        }
        out[i - i0] = a2 * pow(2.0 * rho / q, half_d) * exp(-s / q);
    }
}

static const char *gibbs_rough(const gp_kernel *k)
{
    (void)k;
    return "its derivatives need the derivative of the length-scale function l(x), which "
           "gprior does not know";
}

const gp_kernel_desc gp_kdesc_gibbs = {
    .name = "gibbs",
    .note = "(2 l l'/(l^2+l'^2))^(d/2) exp(-r^2/(l^2+l'^2)), l = l(x)",
    .params = {GP_SPEC_AMPLITUDE,
               {.name = "lengthscale", .kind = GP_PARAM_FUNCTION, .def = 1, .lo = 0,
                .hi = HUGE_VAL}},
    .bounded = 1,
    .geometry = GP_GEOM_CUSTOM,
    .column = gibbs_column,
    .prepare = gibbs_prepare,
    .nodiff = gibbs_rough};
