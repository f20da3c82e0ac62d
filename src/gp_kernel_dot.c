/* gp_kernel_dot.c: the dot-product leaves (linear, polynomial: functions of
 * s = x.x', GP_GEOM_DOT) and the two trivial ones (constant, white), each
 * with its descriptor, formula, input derivatives and parameter gradients. */
#include <math.h>
#include <stdlib.h>

#include "gp_kernel_impl.h"

/* x_i . y_j */
static double dot_at(const gp_leaf_eval *e, size_t i, size_t j)
{
    double s = 0;
    for (size_t c = 0; c < e->X->cols; c++)
        s += GP_AT(e->X, i, c) * GP_AT(e->Y, j, c);
    return s;
}

/* u . y_j (row of Y) or u . x_i */
static double dir_dot(const double *u, const gp_matrix *M, size_t row)
{
    double s = 0;
    for (size_t c = 0; c < M->cols; c++)
        s += u[c] * GP_AT(M, row, c);
    return s;
}

/* ---- linear: offset + variance x.x' ---------------------------------------------------- */

enum { LIN_VAR, LIN_OFFSET };

static void linear_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const double s2 = gp_kpar(e->k, LIN_VAR), c = gp_kpar(e->k, LIN_OFFSET);
    GP_VFOR(i, len, v[i] = c + s2 * v[i];);
}

/* D_u k = s2 u.y; D'_w k = s2 x.w; D_u D'_w k = s2 u.w */
static void linear_dcolumn(const gp_leaf_eval *e, const double *u, const double *w, size_t j,
                           size_t i0, size_t i1, double *out)
{
    const double s2 = gp_kpar(e->k, LIN_VAR);
    for (size_t i = i0; i < i1; i++)
        out[i - i0] = s2 * (u && w ? gp_dot_or0(u, w, e->X->cols)
                            : u    ? dir_dot(u, e->Y, j)
                                   : dir_dot(w, e->X, i));
}

/* dk/dvariance = x.x'; dk/doffset = 1 */
static void linear_grad(const gp_leaf_eval *e, size_t p, size_t elem, size_t j, size_t i0,
                        size_t i1, double *out)
{
    (void)elem;
    for (size_t i = i0; i < i1; i++)
        out[i - i0] = p == LIN_VAR ? dot_at(e, i, j) : 1.0;
}

const gp_kernel_desc gp_kdesc_linear = {
    .name = "linear",
    .params = {GP_SPEC_NONNEG("variance", 1), GP_SPEC_NONNEG("offset", 0)},
    .geometry = GP_GEOM_DOT,
    .apply = linear_apply,
    .dcolumn = linear_dcolumn,
    .grad = linear_grad};

/* ---- polynomial: (offset + variance x.x')^degree ---------------------------------------- */

enum { POLY_DEG, POLY_VAR, POLY_OFFSET };

static void polynomial_apply(const gp_leaf_eval *e, double *restrict v, size_t len)
{
    const int deg = (int)gp_kpar(e->k, POLY_DEG);
    const double s2 = gp_kpar(e->k, POLY_VAR), c = gp_kpar(e->k, POLY_OFFSET);
    for (size_t i = 0; i < len; i++)
        v[i] = gp_ipow(c + s2 * v[i], deg);
}

/* B = c + s2 x.y: D_u k = p B^(p-1) s2 u.y; D'_w k = p B^(p-1) s2 x.w;
 * D_u D'_w k = p (p-1) B^(p-2) s2^2 (u.y)(x.w) + p B^(p-1) s2 u.w */
static void polynomial_dcolumn(const gp_leaf_eval *e, const double *u, const double *w, size_t j,
                               size_t i0, size_t i1, double *out)
{
    const int p = (int)gp_kpar(e->k, POLY_DEG);
    const double s2 = gp_kpar(e->k, POLY_VAR), c = gp_kpar(e->k, POLY_OFFSET);
    for (size_t i = i0; i < i1; i++) {
        const double B = c + s2 * dot_at(e, i, j), d1 = p * gp_ipow(B, p - 1) * s2;
        const double uy = u ? dir_dot(u, e->Y, j) : 0, xw = w ? dir_dot(w, e->X, i) : 0;
        if (u && w)
            out[i - i0] = (p >= 2 ? p * (p - 1.0) * gp_ipow(B, p - 2) * s2 * s2 * uy * xw : 0.0) +
                          d1 * gp_dot_or0(u, w, e->X->cols);
        else
            out[i - i0] = d1 * (u ? uy : xw);
    }
}

/* dk/dvariance = p B^(p-1) x.y; dk/doffset = p B^(p-1) */
static void polynomial_grad(const gp_leaf_eval *e, size_t p, size_t elem, size_t j, size_t i0,
                            size_t i1, double *out)
{
    (void)elem;
    const int deg = (int)gp_kpar(e->k, POLY_DEG);
    const double s2 = gp_kpar(e->k, POLY_VAR), c = gp_kpar(e->k, POLY_OFFSET);
    for (size_t i = i0; i < i1; i++) {
        const double s = dot_at(e, i, j), d = deg * gp_ipow(c + s2 * s, deg - 1);
        out[i - i0] = p == POLY_VAR ? d * s : d;
    }
}

const gp_kernel_desc gp_kdesc_polynomial = {
    .name = "polynomial",
    .params = {{.name = "degree", .kind = GP_PARAM_INTEGER, .def = 2, .lo = 1, .hi = HUGE_VAL},
               GP_SPEC_NONNEG("variance", 1), GP_SPEC_NONNEG("offset", 1)},
    .geometry = GP_GEOM_DOT,
    .apply = polynomial_apply,
    .dcolumn = polynomial_dcolumn,
    .grad = polynomial_grad};

/* ---- constant: c ------------------------------------------------------------------------ */

static void constant_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out)
{
    (void)j;
    const double c = gp_kpar(e->k, 0);
    for (size_t i = 0; i < i1 - i0; i++)
        out[i] = c;
}

/* every derivative of a constant in x is 0 */
static void constant_dcolumn(const gp_leaf_eval *e, const double *u, const double *w, size_t j,
                             size_t i0, size_t i1, double *out)
{
    (void)e, (void)u, (void)w, (void)j;
    for (size_t i = 0; i < i1 - i0; i++)
        out[i] = 0;
}

const gp_kernel_desc gp_kdesc_constant = {
    .name = "constant",
    .params = {{.name = "value", .kind = GP_PARAM_NUMBER, .def = 1, .lo = 0, .hi = HUGE_VAL,
                .flags = GP_PARAM_POSITIONAL | GP_PARAM_FACTOR}},
    .stationary = 1,
    .bounded = 1,
    .geometry = GP_GEOM_CUSTOM,
    .column = constant_column,
    .dcolumn = constant_dcolumn};

/* ---- white: variance where the input rows are exactly equal, else 0 ---------------------- */

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

static const char *white_rough(const gp_kernel *k)
{
    (void)k;
    return "white noise is not even continuous (independent values at every point), so it has "
           "no derivative";
}

const gp_kernel_desc gp_kdesc_white = {
    .name = "white",
    .params = {GP_SPEC_VARIANCE},
    .stationary = 1,
    .bounded = 1,
    .geometry = GP_GEOM_CUSTOM,
    .column = white_column,
    .nodiff = white_rough};
