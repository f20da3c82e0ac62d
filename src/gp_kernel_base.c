/* gp_kernel_base.c: the leaf kernels: constructors (parameter checks) and the
 * formulas of gp_kernel.h evaluated on blocks of input pairs.
 *
 * Every leaf Gram matrix is built in two simple passes over K (column by
 * column; in the symmetric case only rows 0..j of column j, the upper
 * triangle, which is contiguous in column-major storage):
 *   1. a geometry pass: scaled squared distances (stationary kernels), dot
 *      products (dot-product kernels) or sum_c sin^2(pi (x_c - x'_c) / p)
 *      (periodic), accumulated one input dimension at a time so the inner
 *      loop runs down contiguous columns of X and K;
 *   2. an element-wise pass turning that number into the covariance.
 * Neither pass allocates per pair; both are plain loops over contiguous
 * memory, ready to be vectorised or split across threads. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gp_kernel_impl.h"

/* ---- parameter checks ---------------------------------------------------- */

static int check_nonneg(const char *kname, const char *pname, double v, gp_error *err)
{
    if (isfinite(v) && v >= 0)
        return 1;
    gp_error_set(err, GP_ERR_ARG, "%s: %s must be finite and >= 0, got %g", kname, pname, v);
    return 0;
}

static int check_positive(const char *kname, const char *pname, double v, gp_error *err)
{
    if (isfinite(v) && v > 0)
        return 1;
    gp_error_set(err, GP_ERR_ARG, "%s: %s must be finite and > 0, got %g", kname, pname, v);
    return 0;
}

static gp_kernel *stationary(gp_kernel_type type, const char *name, double amplitude,
                             const double *ls, size_t nls, gp_error *err)
{
    if (!check_nonneg(name, "amplitude", amplitude, err))
        return NULL;
    if (!ls || nls == 0) {
        gp_error_set(err, GP_ERR_ARG, "%s: lengthscale is missing (0 values given)", name);
        return NULL;
    }
    for (size_t i = 0; i < nls; i++)
        if (!(isfinite(ls[i]) && ls[i] > 0)) {
            if (nls == 1)
                gp_error_set(err, GP_ERR_ARG, "%s: lengthscale must be finite and > 0, got %g",
                             name, ls[i]);
            else
                gp_error_set(err, GP_ERR_ARG, "%s: lengthscale %zu must be finite and > 0, got %g",
                             name, i + 1, ls[i]);
            return NULL;
        }
    gp_kernel *k = gp_kernel_node_new(type, nls, 0, name, err);
    if (!k)
        return NULL;
    k->amplitude = amplitude;
    memcpy(k->vec, ls, nls * sizeof *ls);
    return k;
}

gp_kernel *gp_kernel_rbf(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return stationary(GP_K_RBF, "rbf", amplitude, ls, nls, err);
}

gp_kernel *gp_kernel_ou(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return stationary(GP_K_OU, "ou", amplitude, ls, nls, err);
}

gp_kernel *gp_kernel_exponential(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return stationary(GP_K_EXPONENTIAL, "exponential", amplitude, ls, nls, err);
}

gp_kernel *gp_kernel_matern32(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return stationary(GP_K_MATERN32, "matern32", amplitude, ls, nls, err);
}

gp_kernel *gp_kernel_matern52(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return stationary(GP_K_MATERN52, "matern52", amplitude, ls, nls, err);
}

gp_kernel *gp_kernel_rq(double amplitude, const double *ls, size_t nls, double alpha, gp_error *err)
{
    if (!check_positive("rq", "alpha", alpha, err))
        return NULL;
    gp_kernel *k = stationary(GP_K_RQ, "rq", amplitude, ls, nls, err);
    if (k)
        k->alpha = alpha;
    return k;
}

/* For d > 1 the periodic kernel uses sum_c sin^2(pi (x_c - x'_c) / p) in place
 * of sin^2(pi r / p): the same in 1-D, and a product of 1-D periodic kernels
 * (so positive semi-definite) in d-D, which the Euclidean form is not. */
gp_kernel *gp_kernel_periodic(double amplitude, double lengthscale, double period, gp_error *err)
{
    if (!check_positive("periodic", "period", period, err))
        return NULL;
    gp_kernel *k = stationary(GP_K_PERIODIC, "periodic", amplitude, &lengthscale, 1, err);
    if (k)
        k->period = period;
    return k;
}

static gp_kernel *dot_kernel(gp_kernel_type type, const char *name, double variance, double offset,
                             gp_error *err)
{
    if (!check_nonneg(name, "variance", variance, err) ||
        !check_nonneg(name, "offset", offset, err))
        return NULL;
    gp_kernel *k = gp_kernel_node_new(type, 0, 0, name, err);
    if (k) {
        k->variance = variance;
        k->offset = offset;
    }
    return k;
}

gp_kernel *gp_kernel_linear(double variance, double offset, gp_error *err)
{
    return dot_kernel(GP_K_LINEAR, "linear", variance, offset, err);
}

gp_kernel *gp_kernel_polynomial(double variance, double offset, int degree, gp_error *err)
{
    if (degree < 1) {
        gp_error_set(err, GP_ERR_ARG, "polynomial: degree must be an integer >= 1, got %d", degree);
        return NULL;
    }
    gp_kernel *k = dot_kernel(GP_K_POLYNOMIAL, "polynomial", variance, offset, err);
    if (k)
        k->degree = degree;
    return k;
}

gp_kernel *gp_kernel_nn(const double *Sigma, size_t dim, double variance, double offset,
                        gp_error *err)
{
    if (!Sigma || dim < 2) {
        gp_error_set(err, GP_ERR_ARG,
                     "nn: Sigma must be at least 2 x 2 (bias and one input), got %zu x %zu", dim,
                     dim);
        return NULL;
    }
    if (dim > 4096) {
        gp_error_set(err, GP_ERR_ARG, "nn: Sigma is too large (%zu x %zu)", dim, dim);
        return NULL;
    }
    double scale = 0;
    for (size_t i = 0; i < dim * dim; i++) {
        if (!isfinite(Sigma[i])) {
            gp_error_set(err, GP_ERR_ARG, "nn: Sigma[%zu][%zu] must be finite, got %g", i % dim + 1,
                         i / dim + 1, Sigma[i]);
            return NULL;
        }
        scale = fmax(scale, fabs(Sigma[i]));
    }
    for (size_t j = 0; j < dim; j++) {
        if (Sigma[j * dim + j] < 0) {
            gp_error_set(err, GP_ERR_ARG,
                         "nn: Sigma diagonal must be >= 0, got Sigma[%zu][%zu] = %g", j + 1, j + 1,
                         Sigma[j * dim + j]);
            return NULL;
        }
        for (size_t i = j + 1; i < dim; i++) {
            double a = Sigma[j * dim + i], b = Sigma[i * dim + j];
            if (fabs(a - b) > 1e-10 * scale) {
                gp_error_set(err, GP_ERR_ARG,
                             "nn: Sigma must be symmetric, got Sigma[%zu][%zu] = %.17g but "
                             "Sigma[%zu][%zu] = %.17g",
                             i + 1, j + 1, a, j + 1, i + 1, b);
                return NULL;
            }
        }
    }
    if (!check_nonneg("nn", "variance", variance, err) ||
        !check_nonneg("nn", "offset", offset, err))
        return NULL;
    gp_kernel *k = gp_kernel_node_new(GP_K_NN, dim * dim, 0, "nn", err);
    if (!k)
        return NULL;
    k->variance = variance;
    k->offset = offset;
    k->dim = dim;
    /* store exactly symmetric: the mean of the two halves */
    for (size_t j = 0; j < dim; j++)
        for (size_t i = 0; i < dim; i++)
            k->vec[j * dim + i] = 0.5 * (Sigma[j * dim + i] + Sigma[i * dim + j]);
    return k;
}

gp_kernel *gp_kernel_brownian(double variance, gp_error *err)
{
    if (!check_nonneg("brownian", "variance", variance, err))
        return NULL;
    gp_kernel *k = gp_kernel_node_new(GP_K_BROWNIAN, 0, 0, "brownian", err);
    if (k)
        k->variance = variance;
    return k;
}

gp_kernel *gp_kernel_constant(double value, gp_error *err)
{
    if (!check_nonneg("constant", "value", value, err))
        return NULL;
    gp_kernel *k = gp_kernel_node_new(GP_K_CONSTANT, 0, 0, "constant", err);
    if (k)
        k->variance = value;
    return k;
}

gp_kernel *gp_kernel_white(double variance, gp_error *err)
{
    if (!check_nonneg("white", "variance", variance, err))
        return NULL;
    gp_kernel *k = gp_kernel_node_new(GP_K_WHITE, 0, 0, "white", err);
    if (k)
        k->variance = variance;
    return k;
}

/* ---- input dimension ------------------------------------------------------- */

static gp_code check_dim(const gp_kernel *k, size_t d, gp_error *err)
{
    const char *name = gp_kernel_leaf_name(k);
    switch (k->type) {
    case GP_K_RBF:
    case GP_K_OU:
    case GP_K_EXPONENTIAL:
    case GP_K_MATERN32:
    case GP_K_MATERN52:
    case GP_K_RQ:
        if (k->nvec != 1 && k->nvec != d)
            return gp_error_set(err, GP_ERR_DIM,
                                "%s: %zu lengthscales given for %zu-D input (need 1 or %zu)", name,
                                k->nvec, d, d);
        return GP_OK;
    case GP_K_NN:
        if (k->dim != d + 1)
            return gp_error_set(err, GP_ERR_DIM,
                                "nn: Sigma is %zu x %zu, so it takes %zu-D input, got %zu-D input "
                                "(Sigma must be (d+1) x (d+1) = %zu x %zu)",
                                k->dim, k->dim, k->dim - 1, d, d + 1, d + 1);
        return GP_OK;
    case GP_K_BROWNIAN:
        if (d != 1)
            return gp_error_set(err, GP_ERR_DIM, "brownian: input must be 1-D, got %zu-D input", d);
        return GP_OK;
    default:
        return GP_OK;
    }
}

static gp_code check_brownian_input(const gp_matrix *X, const char *which, gp_error *err)
{
    for (size_t i = 0; i < X->rows; i++)
        if (X->data[i] < 0)
            return gp_error_set(err, GP_ERR_ARG,
                                "brownian: inputs must be >= 0 (time since the start), got %g at "
                                "row %zu of %s",
                                X->data[i], i + 1, which);
    return GP_OK;
}

/* ---- pass 1: geometry ---------------------------------------------------- */

/* Rows of column j that are computed. */
static inline size_t col_len(const gp_matrix *K, int sym, size_t j)
{
    return sym ? j + 1 : K->rows;
}

/* K_ij = sum_c ((x_ic - y_jc) / l_c)^2, l_c = ls[0] if nls == 1 else ls[c]. */
static void pass_sqdist(const gp_matrix *X, const gp_matrix *Y, int sym, const double *ls,
                        size_t nls, gp_matrix *K)
{
    const size_t d = X->cols, m = K->cols;
    if (d == 1) {
        const double il = 1.0 / ls[0];
        const double *x = X->data, *y = Y->data;
        for (size_t j = 0; j < m; j++) {
            double *kj = &GP_AT(K, 0, j);
            const double yj = y[j];
            const size_t len = col_len(K, sym, j);
            for (size_t i = 0; i < len; i++) {
                const double t = (x[i] - yj) * il;
                kj[i] = t * t;
            }
        }
        return;
    }
    for (size_t j = 0; j < m; j++) {
        double *kj = &GP_AT(K, 0, j);
        const size_t len = col_len(K, sym, j);
        memset(kj, 0, len * sizeof *kj);
        for (size_t c = 0; c < d; c++) {
            const double il = 1.0 / ls[nls == 1 ? 0 : c];
            const double *xc = &GP_AT(X, 0, c);
            const double yjc = GP_AT(Y, j, c);
            for (size_t i = 0; i < len; i++) {
                const double t = (xc[i] - yjc) * il;
                kj[i] += t * t;
            }
        }
    }
}

/* K_ij = sum_c sin^2(w (x_ic - y_jc)), w = pi / period. */
static void pass_sinsq(const gp_matrix *X, const gp_matrix *Y, int sym, double w, gp_matrix *K)
{
    const size_t d = X->cols, m = K->cols;
    for (size_t j = 0; j < m; j++) {
        double *kj = &GP_AT(K, 0, j);
        const size_t len = col_len(K, sym, j);
        memset(kj, 0, len * sizeof *kj);
        for (size_t c = 0; c < d; c++) {
            const double *xc = &GP_AT(X, 0, c);
            const double yjc = GP_AT(Y, j, c);
            for (size_t i = 0; i < len; i++) {
                const double t = sin(w * (xc[i] - yjc));
                kj[i] += t * t;
            }
        }
    }
}

/* K_ij = x_i . y_j */
static void pass_dot(const gp_matrix *X, const gp_matrix *Y, int sym, gp_matrix *K)
{
    const size_t d = X->cols, m = K->cols;
    for (size_t j = 0; j < m; j++) {
        double *kj = &GP_AT(K, 0, j);
        const size_t len = col_len(K, sym, j);
        memset(kj, 0, len * sizeof *kj);
        for (size_t c = 0; c < d; c++) {
            const double *xc = &GP_AT(X, 0, c);
            const double yjc = GP_AT(Y, j, c);
            for (size_t i = 0; i < len; i++)
                kj[i] += xc[i] * yjc;
        }
    }
}

/* ---- pass 2: element-wise formulas --------------------------------------- */

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

/* v holds squared scaled distances s^2 = (r/l)^2 (periodic: the sum of
 * sin^2(pi (x_c - x'_c) / p)); replace each by k. */
static void apply_stationary(const gp_kernel *k, double *v, size_t len)
{
    const double a2 = k->amplitude * k->amplitude;
    switch (k->type) {
    case GP_K_RBF:
        for (size_t i = 0; i < len; i++)
            v[i] = a2 * exp(-0.5 * v[i]);
        break;
    case GP_K_OU:
        for (size_t i = 0; i < len; i++)
            v[i] = a2 * exp(-0.5 * sqrt(v[i]));
        break;
    case GP_K_EXPONENTIAL:
        for (size_t i = 0; i < len; i++)
            v[i] = a2 * exp(-sqrt(v[i]));
        break;
    case GP_K_MATERN32:
        for (size_t i = 0; i < len; i++) {
            const double t = sqrt(3.0 * v[i]);
            v[i] = a2 * (1.0 + t) * exp(-t);
        }
        break;
    case GP_K_MATERN52:
        for (size_t i = 0; i < len; i++) {
            const double t = sqrt(5.0 * v[i]);
            v[i] = a2 * (1.0 + t + t * t / 3.0) * exp(-t);
        }
        break;
    case GP_K_RQ: {
        const double alpha = k->alpha, h = 0.5 / alpha;
        for (size_t i = 0; i < len; i++)
            v[i] = a2 * pow(1.0 + h * v[i], -alpha);
        break;
    }
    case GP_K_PERIODIC: {
        const double il2 = 1.0 / (k->vec[0] * k->vec[0]);
        for (size_t i = 0; i < len; i++)
            v[i] = a2 * exp(-2.0 * il2 * v[i]);
        break;
    }
    default:
        break;
    }
}

/* v holds dot products x.x'; replace each by k. */
static void apply_dot(const gp_kernel *k, double *v, size_t len)
{
    const double s2 = k->variance, c = k->offset;
    if (k->type == GP_K_LINEAR) {
        for (size_t i = 0; i < len; i++)
            v[i] = c + s2 * v[i];
    } else {
        const int deg = k->degree;
        for (size_t i = 0; i < len; i++)
            v[i] = ipow(c + s2 * v[i], deg);
    }
}

static void apply_all(const gp_kernel *k, gp_matrix *K, int sym,
                      void (*fn)(const gp_kernel *, double *, size_t))
{
    if (!sym) {
        fn(k, K->data, K->rows * K->cols);
        return;
    }
    for (size_t j = 0; j < K->cols; j++)
        fn(k, &GP_AT(K, 0, j), j + 1);
}

/* ---- the neural-network kernel ------------------------------------------- */

static double clamp1(double t)
{
    return t > 1.0 ? 1.0 : t < -1.0 ? -1.0 : t;
}

/* w_i = 1 / sqrt(1 + 2 xt_i' S xt_i) for the rows of X, xt = (1, x). */
static gp_code nn_weights(const gp_kernel *k, const gp_matrix *X, const char *which, double *w,
                          double *q, gp_error *err)
{
    const size_t dim = k->dim;
    const double *S = k->vec;
    for (size_t i = 0; i < X->rows; i++) {
        double s = 0;
        for (size_t b = 0; b < dim; b++) {
            const double xb = b == 0 ? 1.0 : GP_AT(X, i, b - 1);
            double t = 0;
            for (size_t a = 0; a < dim; a++)
                t += S[b * dim + a] * (a == 0 ? 1.0 : GP_AT(X, i, a - 1));
            s += t * xb;
        }
        if (!(1.0 + 2.0 * s > 0))
            return gp_error_set(err, GP_ERR_ARG,
                                "nn: Sigma is not positive semi-definite: xt'Sigma xt = %g at "
                                "row %zu of %s",
                                s, i + 1, which);
        if (q)
            q[i] = s;
        w[i] = 1.0 / sqrt(1.0 + 2.0 * s);
    }
    return GP_OK;
}

static gp_code nn_gram(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, int sym,
                       gp_matrix *K, gp_error *err)
{
    const size_t n = X->rows, m = Y->rows, d = X->cols, dim = k->dim;
    const double *S = k->vec;
    double *V = malloc((m * dim + n + (sym ? 0 : m)) * sizeof *V);
    if (!V)
        return gp_error_set(err, GP_ERR_NOMEM, "nn: out of memory for %zu x %zu inputs", n, m);
    double *wx = V + m * dim, *wy = sym ? wx : wx + n;
    gp_code rc = nn_weights(k, X, "X", wx, NULL, err);
    if (!rc && !sym)
        rc = nn_weights(k, Y, "Y", wy, NULL, err);
    if (rc) {
        free(V);
        return rc;
    }
    /* V (m x dim): row j is S yt_j */
    for (size_t a = 0; a < dim; a++) {
        double *va = V + a * m;
        for (size_t j = 0; j < m; j++)
            va[j] = S[a];
        for (size_t c = 0; c < d; c++) {
            const double s = S[(c + 1) * dim + a];
            const double *yc = &GP_AT(Y, 0, c);
            for (size_t j = 0; j < m; j++)
                va[j] += s * yc[j];
        }
    }
    /* K_ij = xt_i' S yt_j, then the arcsine formula */
    const double c0 = k->offset, s2 = k->variance * 2.0 / GP_PI;
    for (size_t j = 0; j < m; j++) {
        double *kj = &GP_AT(K, 0, j);
        const size_t len = col_len(K, sym, j);
        const double v0 = V[j];
        for (size_t i = 0; i < len; i++)
            kj[i] = v0;
        for (size_t c = 0; c < d; c++) {
            const double *xc = &GP_AT(X, 0, c);
            const double vc = V[(c + 1) * m + j];
            for (size_t i = 0; i < len; i++)
                kj[i] += xc[i] * vc;
        }
        const double two_wy = 2.0 * wy[j];
        for (size_t i = 0; i < len; i++)
            kj[i] = c0 + s2 * asin(clamp1(kj[i] * two_wy * wx[i]));
    }
    free(V);
    return GP_OK;
}

/* ---- Gram and diagonal ----------------------------------------------------- */

gp_code gp_kernel_leaf_gram(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, int sym,
                            gp_matrix *K, gp_error *err)
{
    gp_code rc = check_dim(k, X->cols, err);
    if (rc)
        return rc;
    const size_t d = X->cols, m = K->cols;
    switch (k->type) {
    case GP_K_RBF:
    case GP_K_OU:
    case GP_K_EXPONENTIAL:
    case GP_K_MATERN32:
    case GP_K_MATERN52:
    case GP_K_RQ:
        pass_sqdist(X, Y, sym, k->vec, k->nvec, K);
        apply_all(k, K, sym, apply_stationary);
        return GP_OK;
    case GP_K_PERIODIC:
        pass_sinsq(X, Y, sym, GP_PI / k->period, K);
        apply_all(k, K, sym, apply_stationary);
        return GP_OK;
    case GP_K_LINEAR:
    case GP_K_POLYNOMIAL:
        pass_dot(X, Y, sym, K);
        apply_all(k, K, sym, apply_dot);
        return GP_OK;
    case GP_K_NN:
        return nn_gram(k, X, Y, sym, K, err);
    case GP_K_BROWNIAN: {
        rc = check_brownian_input(X, "X", err);
        if (!rc && !sym)
            rc = check_brownian_input(Y, "Y", err);
        if (rc)
            return rc;
        const double s2 = k->variance;
        const double *x = X->data, *y = Y->data;
        for (size_t j = 0; j < m; j++) {
            double *kj = &GP_AT(K, 0, j);
            const double yj = y[j];
            const size_t len = col_len(K, sym, j);
            for (size_t i = 0; i < len; i++)
                kj[i] = s2 * (x[i] < yj ? x[i] : yj);
        }
        return GP_OK;
    }
    case GP_K_CONSTANT: {
        const double c = k->variance;
        for (size_t j = 0; j < m; j++) {
            double *kj = &GP_AT(K, 0, j);
            const size_t len = col_len(K, sym, j);
            for (size_t i = 0; i < len; i++)
                kj[i] = c;
        }
        return GP_OK;
    }
    case GP_K_WHITE: {
        const double s2 = k->variance;
        for (size_t j = 0; j < m; j++) {
            double *kj = &GP_AT(K, 0, j);
            const size_t len = col_len(K, sym, j);
            for (size_t i = 0; i < len; i++) {
                size_t c = 0;
                while (c < d && GP_AT(X, i, c) == GP_AT(Y, j, c))
                    c++;
                kj[i] = c == d ? s2 : 0.0;
            }
        }
        return GP_OK;
    }
    default:
        return gp_error_set(err, GP_ERR_ARG, "kernel: not a leaf kernel");
    }
}

gp_code gp_kernel_leaf_diag(const gp_kernel *k, const gp_matrix *X, double *out, gp_error *err)
{
    gp_code rc = check_dim(k, X->cols, err);
    if (rc)
        return rc;
    const size_t n = X->rows, d = X->cols;
    switch (k->type) {
    case GP_K_RBF:
    case GP_K_OU:
    case GP_K_EXPONENTIAL:
    case GP_K_MATERN32:
    case GP_K_MATERN52:
    case GP_K_RQ:
    case GP_K_PERIODIC: {
        const double a2 = k->amplitude * k->amplitude;
        for (size_t i = 0; i < n; i++)
            out[i] = a2;
        return GP_OK;
    }
    case GP_K_LINEAR:
    case GP_K_POLYNOMIAL:
        for (size_t i = 0; i < n; i++)
            out[i] = 0;
        for (size_t c = 0; c < d; c++) {
            const double *xc = &GP_AT(X, 0, c);
            for (size_t i = 0; i < n; i++)
                out[i] += xc[i] * xc[i];
        }
        apply_dot(k, out, n);
        return GP_OK;
    case GP_K_NN: {
        double *w = malloc(n * sizeof *w);
        if (!w)
            return gp_error_set(err, GP_ERR_NOMEM, "nn: out of memory for %zu inputs", n);
        rc = nn_weights(k, X, "X", w, out, err);
        if (!rc) {
            const double c0 = k->offset, s2 = k->variance * 2.0 / GP_PI;
            for (size_t i = 0; i < n; i++)
                out[i] = c0 + s2 * asin(clamp1(2.0 * out[i] * w[i] * w[i]));
        }
        free(w);
        return rc;
    }
    case GP_K_BROWNIAN:
        rc = check_brownian_input(X, "X", err);
        if (rc)
            return rc;
        for (size_t i = 0; i < n; i++)
            out[i] = k->variance * X->data[i];
        return GP_OK;
    case GP_K_CONSTANT:
    case GP_K_WHITE:
        for (size_t i = 0; i < n; i++)
            out[i] = k->variance;
        return GP_OK;
    default:
        return gp_error_set(err, GP_ERR_ARG, "kernel: not a leaf kernel");
    }
}
