/* gp_kernel_nn.c: the neural-network (arcsine) kernel of Williams (1998),
 * the chapter's section 4:
 *   k(x, x') = offset + variance (2/pi) asin(2 xt'S xt' / sqrt((1 + 2 xt'S xt)(1 + 2 xt''S xt'')))
 * with xt = (1, x) and S = Sigma, (d+1) x (d+1), symmetric with a
 * non-negative diagonal. Its hooks for the descriptor table.
 *
 * Huge inputs: the arcsine's argument is unchanged when xt is divided by a
 * factor s if the 1 of "1 + 2 xt'S xt" becomes 1/s^2, so a row with
 * max |x_c| > 2^300 is divided by a power of two s that brings it below 2^300
 * (exactly), which keeps every product finite (|S| <= NN_SIGMA_MAX) and gives
 * the right limit as |x| grows (asin(1) on the diagonal) instead of inf/inf.
 * Rows below 2^300 are used as they are. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gp_kernel_impl.h"

enum { NN_VARIANCE, NN_OFFSET, NN_SIGMA }; /* parameter order in the table */

#define NN_MAX_DIM 4096
#define NN_SIGMA_MAX 1e100   /* |Sigma_ab| above this could overflow xt'S xt */
#define NN_SCALE_EXP 300     /* rows with max |x_c| >= 2^300 are scaled down */

static gp_code nn_setup(gp_kernel *k, gp_error *err)
{
    gp_kparam *S = &k->par[NN_SIGMA];
    const size_t rows = S->rows, cols = S->cols;
    const int scalar = rows == 1 && cols == 1, diagonal = !scalar && cols == 1;
    if (!scalar && !diagonal && rows != cols)
        return gp_error_set(err, GP_ERR_ARG,
                            "nn: Sigma must be square (or a number s for s I, or a list of its "
                            "diagonal), got %zu x %zu",
                            rows, cols);
    const size_t dim = scalar ? 2 : rows;
    if (dim < 2)
        return gp_error_set(err, GP_ERR_ARG,
                            "nn: Sigma must be at least 2 x 2 (bias and one input), got %zu x %zu",
                            dim, dim);
    if (dim > NN_MAX_DIM)
        return gp_error_set(err, GP_ERR_ARG, "nn: Sigma is too large (%zu x %zu, at most %d x %d)",
                            dim, dim, NN_MAX_DIM, NN_MAX_DIM);
    double *full = calloc(dim * dim, sizeof *full);
    if (!full)
        return gp_error_set(err, GP_ERR_NOMEM, "nn: out of memory for a %zu x %zu Sigma", dim, dim);
    k->extra = full; /* freed with k */
    double scale = 0;
    for (size_t i = 0; i < rows * cols; i++)
        scale = fmax(scale, fabs(S->v[i]));
    if (scale > NN_SIGMA_MAX)
        return gp_error_set(err, GP_ERR_ARG,
                            "nn: Sigma has an entry of size %g, larger than %g (xt'Sigma xt "
                            "would overflow)",
                            scale, NN_SIGMA_MAX);
    for (size_t j = 0; j < dim; j++) {
        const double sjj = scalar ? S->v[0] : diagonal ? S->v[j] : S->v[j * dim + j];
        if (sjj < 0)
            return gp_error_set(err, GP_ERR_ARG,
                                "nn: Sigma diagonal must be >= 0, got Sigma[%zu][%zu] = %g", j + 1,
                                j + 1, sjj);
        full[j * dim + j] = sjj;
        if (scalar || diagonal)
            continue;
        for (size_t i = j + 1; i < dim; i++) {
            const double a = S->v[j * dim + i], b = S->v[i * dim + j];
            if (!gp_sym_pair_ok(a, b, S->v[i * dim + i], sjj))
                return gp_error_set(err, GP_ERR_ARG,
                                    "nn: Sigma must be symmetric, got Sigma[%zu][%zu] = %.17g but "
                                    "Sigma[%zu][%zu] = %.17g",
                                    i + 1, j + 1, a, j + 1, i + 1, b);
            full[j * dim + i] = full[i * dim + j] = 0.5 * (a + b); /* exactly symmetric */
        }
    }
    *S = (gp_kparam){full, dim, dim};
    return GP_OK;
}

static gp_code nn_check_input(const gp_kernel *k, const gp_matrix *X, const char *which,
                              gp_error *err)
{
    (void)which;
    const size_t dim = k->par[NN_SIGMA].rows, d = X->cols;
    if (dim != d + 1)
        return gp_error_set(err, GP_ERR_DIM,
                            "nn: Sigma is %zu x %zu, so it takes %zu-D input, got %zu-D input "
                            "(Sigma must be (d+1) x (d+1) = %zu x %zu)",
                            dim, dim, dim - 1, d, d + 1, d + 1);
    return GP_OK;
}

/* Per-evaluation data: for the rows of X (and Y) the bias entry 1/s of the
 * scaled xt, the weight w = 1 / sqrt(1/s^2 + 2 xt'S xt / s^2) and, if some
 * row is scaled, the scaled inputs; V (m x dim): row j is S yt_j / s_j. */
typedef struct nn_side {
    const gp_matrix *X; /* the inputs, scaled where needed */
    gp_matrix scaled;
    double *bias, *w;
} nn_side;

typedef struct nn_scratch {
    nn_side x, y;
    double *V;
} nn_scratch;

/* Fill side s for the rows of X (which: "X" or "Y"); data has room for 2 n +
 * n d doubles. */
static gp_code nn_rows(const gp_kernel *k, const gp_matrix *X, const char *which, double *data,
                       nn_side *s, gp_error *err)
{
    const size_t n = X->rows, d = X->cols, dim = d + 1;
    const double *S = k->par[NN_SIGMA].v;
    s->bias = data;
    s->w = data + n;
    s->X = X;
    for (size_t i = 0; i < n; i++) {
        double top = 0;
        for (size_t c = 0; c < d; c++)
            top = fmax(top, fabs(GP_AT(X, i, c)));
        int e = 0;
        if (top >= ldexp(1.0, NN_SCALE_EXP)) {
            e = ilogb(top) + 1 - NN_SCALE_EXP;
            if (s->X == X) { /* the first scaled row: copy all of X */
                s->scaled = (gp_matrix){n, d, data + 2 * n};
                memcpy(s->scaled.data, X->data, n * d * sizeof *X->data);
                s->X = &s->scaled;
            }
            for (size_t c = 0; c < d; c++)
                GP_AT(&s->scaled, i, c) = ldexp(GP_AT(X, i, c), -e);
        }
        s->bias[i] = ldexp(1.0, -e);
        double q = 0;
        for (size_t b = 0; b < dim; b++) {
            const double xb = b == 0 ? s->bias[i] : GP_AT(s->X, i, b - 1);
            double t = 0;
            for (size_t a = 0; a < dim; a++)
                t += S[b * dim + a] * (a == 0 ? s->bias[i] : GP_AT(s->X, i, a - 1));
            q += t * xb;
        }
        const double u = s->bias[i] * s->bias[i] + 2.0 * q;
        if (u < 0 || (u == 0 && e == 0))
            return gp_error_set(err, GP_ERR_ARG,
                                "nn: Sigma is not positive semi-definite: xt'Sigma xt = %g at "
                                "row %zu of %s",
                                ldexp(q, 2 * e), i + 1, which);
        s->w[i] = u > 0 ? 1.0 / sqrt(u) : 0.0; /* u underflowed: xt in the null space of S */
    }
    return GP_OK;
}

static gp_code nn_prepare(gp_leaf_eval *e, gp_error *err)
{
    const gp_matrix *X = e->X, *Y = e->Y;
    const int sym = X == Y;
    const size_t n = X->rows, m = Y->rows, d = X->cols, dim = d + 1;
    const size_t per_x = 2 * n + n * d, per_y = sym ? 0 : 2 * m + m * d;
    nn_scratch *s = malloc(sizeof *s + (m * dim + per_x + per_y) * sizeof(double));
    if (!s)
        return gp_error_set(err, GP_ERR_NOMEM, "nn: out of memory for %zu x %zu inputs", n, m);
    e->scratch = s;
    double *data = (double *)(void *)(s + 1);
    s->V = data;
    gp_code rc = nn_rows(e->k, X, "X", data + m * dim, &s->x, err);
    if (!rc && !sym)
        rc = nn_rows(e->k, Y, "Y", data + m * dim + per_x, &s->y, err);
    if (rc)
        return rc;
    if (sym)
        s->y = s->x;
    /* V_a[j] = sum_b S_ab yt_jb (scaled) */
    const double *S = e->k->par[NN_SIGMA].v;
    const gp_matrix *Ys = s->y.X;
    for (size_t a = 0; a < dim; a++) {
        double *va = s->V + a * m;
        for (size_t j = 0; j < m; j++)
            va[j] = S[a] * s->y.bias[j];
        for (size_t c = 0; c < d; c++) {
            const double sc = S[(c + 1) * dim + a];
            const double *yc = &GP_AT(Ys, 0, c);
            for (size_t j = 0; j < m; j++)
                va[j] += sc * yc[j];
        }
    }
    return GP_OK;
}

static double clamp1(double t)
{
    return t > 1.0 ? 1.0 : t < -1.0 ? -1.0 : t;
}

/* Rows i0..i1-1 of column j: xt_i' S yt_j (scaled), then c0 + s2 asin(...). */
static void nn_column_with(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double c0,
                           double s2, double *out)
{
    const nn_scratch *s = e->scratch;
    const gp_matrix *X = s->x.X;
    const size_t m = e->Y->rows, len = i1 - i0;
    const double v0 = s->V[j];
    const double *bias = s->x.bias + i0, *wx = s->x.w + i0;
    for (size_t i = 0; i < len; i++)
        out[i] = v0 * bias[i];
    for (size_t c = 0; c < X->cols; c++) {
        const double *xc = &GP_AT(X, i0, c), vc = s->V[(c + 1) * m + j];
        for (size_t i = 0; i < len; i++)
            out[i] += xc[i] * vc;
    }
    const double two_wy = 2.0 * s->y.w[j];
    for (size_t i = 0; i < len; i++)
        out[i] = c0 + s2 * asin(clamp1(out[i] * two_wy * wx[i]));
}

static void nn_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out)
{
    nn_column_with(e, j, i0, i1, gp_kpar(e->k, NN_OFFSET),
                   gp_kpar(e->k, NN_VARIANCE) * 2.0 / GP_PI, out);
}

/* dk/dvariance = (2/pi) asin(...); dk/doffset = 1 (Sigma: no gradient) */
static void nn_grad(const gp_leaf_eval *e, size_t p, size_t elem, size_t j, size_t i0, size_t i1,
                    double *out)
{
    (void)elem;
    if (p == NN_VARIANCE) {
        nn_column_with(e, j, i0, i1, 0.0, 2.0 / GP_PI, out);
        return;
    }
    for (size_t i = 0; i < i1 - i0; i++)
        out[i] = 1.0;
}

static const char *nn_rough(const gp_kernel *k)
{
    (void)k;
    return "derivatives in x are not implemented for the nn kernel";
}

const gp_kernel_desc gp_kdesc_nn = {
    .name = "nn",
    .params = {GP_SPEC_NONNEG("variance", 1), GP_SPEC_NONNEG("offset", 0),
               {.name = "Sigma", .kind = GP_PARAM_MATRIX, .def = 1, .lo = -HUGE_VAL,
                .hi = HUGE_VAL, .flags = GP_PARAM_NOGRAD}},
    .geometry = GP_GEOM_CUSTOM,
    .column = nn_column,
    .setup = nn_setup,
    .check_input = nn_check_input,
    .prepare = nn_prepare,
    .grad = nn_grad,
    .nodiff = nn_rough};
