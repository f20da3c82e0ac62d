/* gp_kernel_base.c: the leaf kernels: constructors (parameter checks) and the
 * formulas of gp_kernel.h evaluated on blocks of input pairs.
 *
 * Every leaf Gram matrix is built column by column (in the symmetric case only
 * rows 0..j of column j, the upper triangle, which is contiguous in
 * column-major storage), each column in two passes while it is in cache:
 *   1. geometry: scaled squared distances (stationary kernels), dot products
 *      (dot-product kernels) or sum_c sin^2(pi (x_c - x'_c) / p) (periodic),
 *      accumulated one input dimension at a time so the inner loop runs down
 *      contiguous columns of X and K;
 *   2. an element-wise pass turning that number into the covariance, with the
 *      vectorisable exp of gp_vexp.h.
 * Both passes are written so that GCC vectorises them at -O2 (GP_VFOR).
 * Columns are shared among threads (gp_kernel_parallel_cols) for large K;
 * every entry is computed the same way whatever the thread count. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include <cblas.h> /* openblas_get_num_threads */

#include "gp_kernel_impl.h"
#include "gp_vexp.h"

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

/* A leaf whose one parameter (stored as variance) must be finite and >= 0. */
static gp_kernel *scale_leaf(gp_kernel_type type, const char *name, const char *param,
                             double value, gp_error *err)
{
    if (!check_nonneg(name, param, value, err))
        return NULL;
    gp_kernel *k = gp_kernel_node_new(type, 0, 0, name, err);
    if (k)
        k->variance = value;
    return k;
}

gp_kernel *gp_kernel_brownian(double variance, gp_error *err)
{
    return scale_leaf(GP_K_BROWNIAN, "brownian", "variance", variance, err);
}

gp_kernel *gp_kernel_constant(double value, gp_error *err)
{
    return scale_leaf(GP_K_CONSTANT, "constant", "value", value, err);
}

gp_kernel *gp_kernel_white(double variance, gp_error *err)
{
    return scale_leaf(GP_K_WHITE, "white", "variance", variance, err);
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

/* ---- parallel column loops ----------------------------------------------- */

/* Below this many computed entries one thread does the work (starting a thread
 * costs some tens of microseconds; 2^17 entries take a few hundred). */
#define PAR_MIN_ENTRIES ((size_t)1 << 17)
#define PAR_MAX_THREADS 64

typedef struct par_state {
    gp_colfn fn;
    void *ctx;
    size_t m, chunk;
    int reverse;
    atomic_size_t next;
} par_state;

/* Take chunks of columns until none are left (dynamic scheduling). */
static void par_drain(par_state *ps)
{
    for (;;) {
        const size_t c0 = atomic_fetch_add(&ps->next, ps->chunk);
        if (c0 >= ps->m)
            return;
        const size_t c1 = ps->m - c0 < ps->chunk ? ps->m : c0 + ps->chunk;
        if (ps->reverse) /* longest columns of the upper triangle first */
            ps->fn(ps->ctx, ps->m - c1, ps->m - c0);
        else
            ps->fn(ps->ctx, c0, c1);
    }
}

static int par_worker(void *arg)
{
    par_drain(arg);
    return 0;
}

void gp_kernel_parallel_cols(size_t n, size_t m, int sym, size_t chunk, gp_colfn fn, void *ctx)
{
    const double work = sym ? 0.5 * (double)m * (double)m : (double)n * (double)m;
    int nt = work >= (double)PAR_MIN_ENTRIES ? openblas_get_num_threads() : 1;
    if (nt > PAR_MAX_THREADS)
        nt = PAR_MAX_THREADS;
    if (nt <= 1 || m < 2) {
        if (m > 0)
            fn(ctx, 0, m);
        return;
    }
    if (chunk == 0)
        chunk = m / (8 * (size_t)nt) + 1;
    par_state ps = {.fn = fn, .ctx = ctx, .m = m, .chunk = chunk, .reverse = sym};
    atomic_init(&ps.next, 0);
    thrd_t th[PAR_MAX_THREADS];
    int started = 0;
    while (started < nt - 1 && thrd_create(&th[started], par_worker, &ps) == thrd_success)
        started++; /* if a thread cannot start, the others take its share */
    par_drain(&ps);
    for (int t = 0; t < started; t++)
        thrd_join(th[t], NULL);
}

/* ---- geometry of one column ---------------------------------------------- */

/* Rows of column j that are computed. */
static inline size_t col_len(const gp_matrix *K, int sym, size_t j)
{
    return sym ? j + 1 : K->rows;
}

/* v_i += ((x_i - y) * il)^2 (first: v_i = ...) */
GP_VEC_CLONES static void acc_sqdist(double *restrict v, const double *restrict x, size_t len,
                                     double y, double il, int first)
{
    if (first)
        GP_VFOR(i, len, const double t = (x[i] - y) * il; v[i] = t * t;);
    else
        GP_VFOR(i, len, const double t = (x[i] - y) * il; v[i] += t * t;);
}

/* v_i (+)= x_i * y */
static void acc_dot(double *restrict v, const double *restrict x, size_t len, double y, int first)
{
    if (first)
        GP_VFOR(i, len, v[i] = x[i] * y;);
    else
        GP_VFOR(i, len, v[i] += x[i] * y;);
}

/* Column j of: sum_c ((x_ic - y_jc) / l_c)^2, l_c = ls[0] if nls == 1 else
 * ls[c] (the squared scaled distances of the stationary kernels). */
static void col_sqdist(const gp_matrix *X, const gp_matrix *Y, size_t j, const double *ls,
                       size_t nls, double *v, size_t len)
{
    for (size_t c = 0; c < X->cols; c++)
        acc_sqdist(v, &GP_AT(X, 0, c), len, GP_AT(Y, j, c), 1.0 / ls[nls == 1 ? 0 : c], c == 0);
}

/* Column j of sum_c sin^2(w (x_ic - y_jc)), w = pi / period. */
static void col_sinsq(const gp_matrix *X, const gp_matrix *Y, size_t j, double w, double *v,
                      size_t len)
{
    for (size_t c = 0; c < X->cols; c++) {
        const double *xc = &GP_AT(X, 0, c);
        const double yjc = GP_AT(Y, j, c);
        for (size_t i = 0; i < len; i++) {
            const double t = sin(w * (xc[i] - yjc));
            v[i] = (c ? v[i] : 0.0) + t * t;
        }
    }
}

/* Column j of x_i . y_j */
static void col_dot(const gp_matrix *X, const gp_matrix *Y, size_t j, double *v, size_t len)
{
    for (size_t c = 0; c < X->cols; c++)
        acc_dot(v, &GP_AT(X, 0, c), len, GP_AT(Y, j, c), c == 0);
}

/* ---- element-wise formulas ----------------------------------------------- */

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
 * sin^2(pi (x_c - x'_c) / p)); replace each by k. exp is gp_vexp (at most 1
 * ulp from the correctly rounded exp), so these loops vectorise. */
GP_VEC_CLONES static void apply_stationary(const gp_kernel *k, double *restrict v,
                                           size_t len)
{
    const double a2 = k->amplitude * k->amplitude;
    switch (k->type) {
    case GP_K_RBF:
        GP_VFOR(i, len, v[i] = a2 * gp_vexp(-0.5 * v[i]););
        break;
    case GP_K_OU:
        GP_VFOR(i, len, v[i] = a2 * gp_vexp(-0.5 * sqrt(v[i])););
        break;
    case GP_K_EXPONENTIAL:
        GP_VFOR(i, len, v[i] = a2 * gp_vexp(-sqrt(v[i])););
        break;
    case GP_K_MATERN32:
        GP_VFOR(i, len, const double t = sqrt(3.0 * v[i]); v[i] = a2 * (1.0 + t) * gp_vexp(-t););
        break;
    case GP_K_MATERN52:
        GP_VFOR(i, len, const double t = sqrt(5.0 * v[i]);
             v[i] = a2 * (1.0 + t + t * t / 3.0) * gp_vexp(-t););
        break;
    case GP_K_RQ: {
        const double alpha = k->alpha, h = 0.5 / alpha;
        for (size_t i = 0; i < len; i++)
            v[i] = a2 * pow(1.0 + h * v[i], -alpha);
        break;
    }
    case GP_K_PERIODIC: {
        const double il2 = 1.0 / (k->vec[0] * k->vec[0]);
        GP_VFOR(i, len, v[i] = a2 * gp_vexp(-2.0 * il2 * v[i]););
        break;
    }
    default:
        break;
    }
}

/* v holds dot products x.x'; replace each by k. */
static void apply_dot(const gp_kernel *k, double *restrict v, size_t len)
{
    const double s2 = k->variance, c = k->offset;
    if (k->type == GP_K_LINEAR) {
        GP_VFOR(i, len, v[i] = c + s2 * v[i];);
    } else {
        const int deg = k->degree;
        for (size_t i = 0; i < len; i++)
            v[i] = ipow(c + s2 * v[i], deg);
    }
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

/* V (m x dim): row j is S yt_j (with the weights wx, wy: see nn_column). */
static void nn_prepare(const gp_kernel *k, const gp_matrix *Y, double *V)
{
    const size_t m = Y->rows, d = Y->cols, dim = k->dim;
    const double *S = k->vec;
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
}

/* Column j: K_ij = xt_i' S yt_j, then the arcsine formula. */
static void nn_column(const gp_kernel *k, const gp_matrix *X, size_t m, const double *V,
                      const double *wx, const double *wy, size_t j, double *kj, size_t len)
{
    const double v0 = V[j];
    for (size_t i = 0; i < len; i++)
        kj[i] = v0;
    for (size_t c = 0; c < X->cols; c++)
        acc_dot(kj, &GP_AT(X, 0, c), len, V[(c + 1) * m + j], 0);
    const double c0 = k->offset, s2 = k->variance * 2.0 / GP_PI, two_wy = 2.0 * wy[j];
    for (size_t i = 0; i < len; i++)
        kj[i] = c0 + s2 * asin(clamp1(kj[i] * two_wy * wx[i]));
}

/* ---- Gram and diagonal ----------------------------------------------------- */

typedef struct leaf_job {
    const gp_kernel *k;
    const gp_matrix *X, *Y;
    gp_matrix *K;
    int sym;
    const double *V, *wx, *wy; /* nn only */
} leaf_job;

/* Rows j0..j1-1 of the strict lower triangle from columns j0..j1-1 of the
 * upper one, just computed and still in cache: for each column i < j1 a
 * contiguous run of rows, so K is written once, in whole cache lines. */
static void mirror_block(gp_matrix *K, size_t j0, size_t j1)
{
    const size_t n = K->rows;
    double *a = K->data;
    for (size_t i = 0; i < j1; i++) {
        double *col = a + i * n;
        for (size_t j = i + 1 > j0 ? i + 1 : j0; j < j1; j++)
            col[j] = a[j * n + i];
    }
}

/* Column j (rows 0..len-1) of a leaf Gram matrix. Each entry depends only on
 * its own pair of inputs, so the result is the same whatever the thread count. */
static void leaf_column(const leaf_job *jb, size_t j, double *kj, size_t len)
{
    const gp_kernel *k = jb->k;
    const gp_matrix *X = jb->X, *Y = jb->Y;
    const size_t d = X->cols;
    switch (k->type) {
    case GP_K_RBF:
    case GP_K_OU:
    case GP_K_EXPONENTIAL:
    case GP_K_MATERN32:
    case GP_K_MATERN52:
    case GP_K_RQ:
        col_sqdist(X, Y, j, k->vec, k->nvec, kj, len);
        apply_stationary(k, kj, len);
        break;
    case GP_K_PERIODIC:
        col_sinsq(X, Y, j, GP_PI / k->period, kj, len);
        apply_stationary(k, kj, len);
        break;
    case GP_K_LINEAR:
    case GP_K_POLYNOMIAL:
        col_dot(X, Y, j, kj, len);
        apply_dot(k, kj, len);
        break;
    case GP_K_NN:
        nn_column(k, X, Y->rows, jb->V, jb->wx, jb->wy, j, kj, len);
        break;
    case GP_K_BROWNIAN: {
        const double s2 = k->variance, yj = Y->data[j];
        const double *x = X->data;
        for (size_t i = 0; i < len; i++)
            kj[i] = s2 * (x[i] < yj ? x[i] : yj);
        break;
    }
    case GP_K_CONSTANT:
        for (size_t i = 0; i < len; i++)
            kj[i] = k->variance;
        break;
    case GP_K_WHITE:
        for (size_t i = 0; i < len; i++) {
            size_t c = 0;
            while (c < d && GP_AT(X, i, c) == GP_AT(Y, j, c))
                c++;
            kj[i] = c == d ? k->variance : 0.0;
        }
        break;
    default:
        break;
    }
}

/* Columns j0..j1-1, in blocks of MIRROR_COLS columns (mirrored if sym == 2). */
#define MIRROR_COLS 16

static void leaf_cols(void *ctx, size_t j0, size_t j1)
{
    const leaf_job *jb = ctx;
    for (size_t b0 = j0; b0 < j1; b0 += MIRROR_COLS) {
        const size_t b1 = j1 - b0 < MIRROR_COLS ? j1 : b0 + MIRROR_COLS;
        for (size_t j = b0; j < b1; j++)
            leaf_column(jb, j, &GP_AT(jb->K, 0, j), col_len(jb->K, jb->sym, j));
        if (jb->sym == 2)
            mirror_block(jb->K, b0, b1);
    }
}

gp_code gp_kernel_leaf_gram(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y, int sym,
                            gp_matrix *K, gp_error *err)
{
    if (!gp_kernel_is_leaf(k))
        return gp_error_set(err, GP_ERR_ARG, "kernel: not a leaf kernel");
    gp_code rc = check_dim(k, X->cols, err);
    if (rc)
        return rc;
    leaf_job jb = {.k = k, .X = X, .Y = Y, .K = K, .sym = sym};
    double *V = NULL;
    if (k->type == GP_K_BROWNIAN) {
        rc = check_brownian_input(X, "X", err);
        if (!rc && !sym)
            rc = check_brownian_input(Y, "Y", err);
    } else if (k->type == GP_K_NN) {
        const size_t n = X->rows, m = Y->rows;
        V = malloc((m * k->dim + n + (sym ? 0 : m)) * sizeof *V);
        if (!V)
            return gp_error_set(err, GP_ERR_NOMEM, "nn: out of memory for %zu x %zu inputs", n, m);
        double *wx = V + m * k->dim, *wy = sym ? wx : wx + n;
        rc = nn_weights(k, X, "X", wx, NULL, err);
        if (!rc && !sym)
            rc = nn_weights(k, Y, "Y", wy, NULL, err);
        if (!rc)
            nn_prepare(k, Y, V);
        jb.V = V;
        jb.wx = wx;
        jb.wy = wy;
    }
    if (!rc)
        gp_kernel_parallel_cols(K->rows, K->cols, sym != 0, 0, leaf_cols, &jb);
    free(V);
    return rc;
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
