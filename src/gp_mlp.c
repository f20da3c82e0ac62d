/* gp_mlp.c: finite fully connected networks at random initialisation (see
 * gp_mlp.h): draws of fresh networks, their Rao-Blackwellised empirical
 * covariance, and their infinite-width kernels. The description (depth,
 * activation, variances) is an nngp kernel, so its checks are the kernel's. */
#include "gp_mlp.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "gp_kernel_impl.h"
#include "gp_sampler.h"
#include "gp_verf.h"

#define MLP_MAX_WIDTH 1000000

struct gp_mlp {
    gp_kernel *nngp; /* depth, activation, weight_var, bias_var: checked by the kernel */
    size_t depth;
    size_t *width;   /* n_1..n_L */
};

enum { NG_DEPTH, NG_ACT, NG_WVAR, NG_BVAR }; /* nngp's parameters, in its table's order */

gp_mlp *gp_mlp_new(int depth, const double *width, size_t nwidth, int activation,
                   const double *weight_var, size_t nweight, const double *bias_var,
                   size_t nbias, gp_error *err)
{
    const double d = depth, act = activation;
    const gp_kernel_arg args[] = {{"depth", &d, 1, 1, NULL},
                                  {"activation", &act, 1, 1, NULL},
                                  {"weight_var", weight_var, nweight, 1, NULL},
                                  {"bias_var", bias_var, nbias, 1, NULL}};
    gp_kernel *k = gp_kernel_new_named("nngp", args, 4, err);
    if (!k)
        return NULL;
    const size_t L = (size_t)depth;
    if (!width || (nwidth != 1 && nwidth != L)) {
        gp_kernel_release(k);
        gp_error_set(err, GP_ERR_ARG,
                     "mlp_network: width must be one number or one per hidden layer (%zu), got %zu "
                     "values",
                     L, nwidth);
        return NULL;
    }
    for (size_t i = 0; i < nwidth; i++)
        if (!(width[i] >= 1 && width[i] <= MLP_MAX_WIDTH && width[i] == floor(width[i]))) {
            gp_kernel_release(k);
            gp_error_set(err, GP_ERR_ARG,
                         "mlp_network: width%s must be a whole number from 1 to %d, got %g",
                         nwidth > 1 ? " of each layer" : "", MLP_MAX_WIDTH, width[i]);
            return NULL;
        }
    gp_mlp *net = calloc(1, sizeof *net);
    size_t *w = calloc(L, sizeof *w);
    if (!net || !w) {
        free(net);
        free(w);
        gp_kernel_release(k);
        gp_error_set(err, GP_ERR_NOMEM, "mlp_network: out of memory");
        return NULL;
    }
    for (size_t l = 0; l < L; l++)
        w[l] = (size_t)width[nwidth == 1 ? 0 : l];
    net->nngp = k;
    net->depth = L;
    net->width = w;
    return net;
}

void gp_mlp_release(gp_mlp *net)
{
    if (!net)
        return;
    gp_kernel_release(net->nngp);
    free(net->width);
    free(net);
}

size_t gp_mlp_depth(const gp_mlp *net)
{
    return net->depth;
}

size_t gp_mlp_width(const gp_mlp *net, size_t layer)
{
    return layer >= 1 && layer <= net->depth ? net->width[layer - 1] : 0;
}

static double layer_var(const gp_mlp *net, size_t p, size_t l)
{
    const gp_kparam *v = &net->nngp->par[p];
    return v->v[v->rows * v->cols == 1 ? 0 : l];
}

/* ---- one network --------------------------------------------------------------------- */

/* Z (n x m) = the pre-activations of a layer of m units fed by H (n x k,
 * the previous layer's outputs, or the inputs), weight variance sw2 / k and
 * bias variance sb2; work has room for max(k m, n n) doubles. */
static gp_code layer(const gp_matrix *H, double sw2, double sb2, gp_rng *rng, gp_matrix *Z,
                     double *work, gp_error *err)
{
    const size_t n = H->rows, k = H->cols, m = Z->cols;
    const double ws = sqrt(sw2 / (double)k), bs = sqrt(sb2);
    if (k <= n) { /* the weights themselves: W (k x m), then Z = ws H W + b */
        gp_rng_normals(rng, work, k * m);
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)m, (int)k, ws, H->data,
                    (int)n, work, (int)k, 0.0, Z->data, (int)n);
        for (size_t j = 0; j < m; j++) {
            const double b = bs * gp_rng_normal(rng);
            for (size_t i = 0; i < n; i++)
                GP_AT(Z, i, j) += b;
        }
        return GP_OK;
    }
    /* each unit's pre-activations ~ N(0, sb2 + (sw2/k) H H^T), independently */
    gp_matrix C = {n, n, work};
    cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (int)n, (int)k, ws * ws, H->data, (int)n,
                0.0, C.data, (int)n);
    for (size_t j = 0; j < n; j++)
        for (size_t i = j; i < n; i++)
            GP_AT(&C, j, i) = GP_AT(&C, i, j) += sb2;
    gp_factor F = {0};
    gp_code rc = gp_mvn_factor(&C, 0.0, &F, err);
    if (!rc)
        rc = gp_mvn_draw(&F, NULL, rng, Z, err);
    gp_factor_free(&F);
    return rc;
}

/* phi(Z) in place: ReLU (act 0) or erf, each a loop the compiler vectorises
 * (fmax is a libm call, glibc's erf is scalar: gp_verf.h). */
static void activate(int act, gp_matrix *Z)
{
    const size_t len = Z->rows * Z->cols;
    double *z = Z->data;
    if (act == 0)
        for (size_t t = 0; t < len; t++)
            z[t] = z[t] > 0.0 ? z[t] : 0.0;
    else
        for (size_t t = 0; t < len; t++)
            z[t] = gp_verf(z[t]);
}

/* Buffers for one network at n points. */
typedef struct mlp_buffers {
    gp_matrix *A, *B; /* n x max width: the layers, alternately */
    double *work;
} mlp_buffers;

static void buffers_free(mlp_buffers *b)
{
    gp_matrix_free(b->A);
    gp_matrix_free(b->B);
    free(b->work);
}

static gp_code buffers_new(const gp_mlp *net, const gp_matrix *X, mlp_buffers *b, gp_error *err)
{
    const size_t n = X->rows;
    size_t wmax = X->cols, fan = 0;
    for (size_t l = 0; l < net->depth; l++) {
        const size_t in = l ? net->width[l - 1] : X->cols;
        fan = in * net->width[l] > fan ? in * net->width[l] : fan;
        wmax = net->width[l] > wmax ? net->width[l] : wmax;
    }
    *b = (mlp_buffers){NULL, NULL, NULL};
    if (n > INT_MAX / wmax || fan > SIZE_MAX / sizeof(double) || n > (size_t)INT_MAX / n)
        return gp_error_set(err, GP_ERR_NOMEM, "mlp_network: too large (%zu points, width %zu)",
                            n, wmax);
    b->A = gp_matrix_alloc(n, wmax);
    b->B = gp_matrix_alloc(n, wmax);
    b->work = malloc((fan > n * n ? fan : n * n) * sizeof *b->work);
    if (!b->A || !b->B || !b->work) {
        buffers_free(b);
        return gp_error_set(err, GP_ERR_NOMEM, "mlp_network: out of memory (%zu points, width "
                                               "%zu)",
                            n, wmax);
    }
    return GP_OK;
}

/* The last hidden layer phi(z^L) of a fresh network at X: *H (n x n_L) points
 * into b. */
static gp_code hidden(const gp_mlp *net, const gp_matrix *X, gp_rng *rng, mlp_buffers *b,
                      gp_matrix *H, gp_error *err)
{
    const int act = (int)gp_kpar(net->nngp, NG_ACT);
    gp_matrix in = *X;
    gp_code rc = GP_OK;
    for (size_t l = 0; !rc && l < net->depth; l++) {
        gp_matrix *buf = l % 2 ? b->B : b->A;
        gp_matrix Z = {X->rows, net->width[l], buf->data};
        rc = layer(&in, layer_var(net, NG_WVAR, l), layer_var(net, NG_BVAR, l), rng, &Z, b->work,
                   err);
        activate(act, &Z);
        in = Z;
    }
    *H = in;
    return rc;
}

static gp_code check_inputs(const char *what, const gp_matrix *X, const gp_matrix *out,
                            size_t cols, gp_error *err)
{
    if (!X || !X->data || X->rows == 0 || X->cols == 0)
        return gp_error_set(err, GP_ERR_DIM, "mlp_network %s: input is empty", what);
    if (!out || out->rows != X->rows || (cols && out->cols != cols) || out->cols == 0)
        return gp_error_set(err, GP_ERR_DIM, "mlp_network %s: output must be %zu x %zu", what,
                            X->rows, cols ? cols : 1);
    return gp_matrix_check_finite(X, "mlp_network", "x", err);
}

gp_code gp_mlp_sample(const gp_mlp *net, const gp_matrix *X, gp_rng *rng, gp_matrix *F,
                      gp_error *err)
{
    gp_code rc = check_inputs("sample", X, F, 0, err);
    mlp_buffers b;
    if (!rc)
        rc = buffers_new(net, X, &b, err);
    if (rc)
        return rc;
    const size_t L = net->depth, nL = net->width[L - 1];
    const double vs = sqrt(layer_var(net, NG_WVAR, L) / (double)nL);
    const double bs = sqrt(layer_var(net, NG_BVAR, L));
    for (size_t s = 0; !rc && s < F->cols; s++) {
        gp_matrix H;
        rc = hidden(net, X, rng, &b, &H, err);
        if (rc)
            break;
        gp_rng_normals(rng, b.work, nL); /* the readout */
        double *f = &GP_AT(F, 0, s);
        cblas_dgemv(CblasColMajor, CblasNoTrans, (int)H.rows, (int)nL, vs, H.data, (int)H.rows,
                    b.work, 1, 0.0, f, 1);
        const double b0 = bs * gp_rng_normal(rng);
        for (size_t i = 0; i < X->rows; i++)
            f[i] += b0;
    }
    buffers_free(&b);
    return rc ? rc : gp_check_result("mlp_network", "draw", F->data, F->rows * F->cols, err);
}

gp_code gp_mlp_empirical_kernel(const gp_mlp *net, const gp_matrix *X, size_t ndraws,
                                gp_rng *rng, gp_matrix *K, gp_matrix *SE, gp_error *err)
{
    if (ndraws < 2)
        return gp_error_set(err, GP_ERR_ARG,
                            "mlp_network kernel: need at least 2 networks for a standard error, "
                            "got %zu",
                            ndraws);
    gp_code rc = check_inputs("kernel", X, K, X ? X->rows : 0, err);
    if (!rc && SE && (SE->rows != K->rows || SE->cols != K->cols))
        rc = gp_error_set(err, GP_ERR_DIM, "mlp_network kernel: SE must be %zu x %zu", K->rows,
                          K->cols);
    mlp_buffers b;
    if (!rc)
        rc = buffers_new(net, X, &b, err);
    if (rc)
        return rc;
    const size_t n = X->rows, L = net->depth, nL = net->width[L - 1];
    const double sw = layer_var(net, NG_WVAR, L) / (double)nL, sb = layer_var(net, NG_BVAR, L);
    gp_matrix *C = gp_matrix_alloc(n, n), *M2 = gp_matrix_alloc(n, n);
    if (!C || !M2)
        rc = gp_error_set(err, GP_ERR_NOMEM, "mlp_network kernel: out of memory");
    else {
        memset(K->data, 0, n * n * sizeof *K->data);
        memset(M2->data, 0, n * n * sizeof *M2->data);
    }
    for (size_t s = 0; !rc && s < ndraws; s++) { /* Welford's running mean and M2 */
        gp_matrix H;
        rc = hidden(net, X, rng, &b, &H, err);
        if (rc)
            break;
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, (int)n, (int)n, (int)nL, sw, H.data,
                    (int)n, H.data, (int)n, 0.0, C->data, (int)n);
        for (size_t t = 0; t < n * n; t++) {
            const double x = C->data[t] + sb, d = x - K->data[t];
            K->data[t] += d / (double)(s + 1);
            M2->data[t] += d * (x - K->data[t]);
        }
    }
    for (size_t t = 0; !rc && SE && t < n * n; t++)
        SE->data[t] = sqrt(M2->data[t] / (double)(ndraws - 1) / (double)ndraws);
    gp_matrix_free(C);
    gp_matrix_free(M2);
    buffers_free(&b);
    return rc ? rc : gp_check_result("mlp_network", "kernel", K->data, n * n, err);
}

gp_kernel *gp_mlp_kernel(const gp_mlp *net, int ntk, gp_error *err)
{
    if (!ntk)
        return gp_kernel_retain(net->nngp);
    gp_kernel_arg args[4];
    for (size_t i = 0; i < 4; i++) {
        const gp_kparam *p = &net->nngp->par[i];
        args[i] = (gp_kernel_arg){net->nngp->desc->params[i].name, p->v, p->rows, p->cols, NULL};
    }
    return gp_kernel_new_named("ntk", args, 4, err);
}

size_t gp_mlp_describe(const gp_mlp *net, char *buf, size_t cap)
{
    gp_sbuf sb = gp_sbuf_make(buf, cap);
    char num[48];
    snprintf(num, sizeof num, "mlp_network(depth=%zu, width=", net->depth);
    gp_sbuf_puts(&sb, num);
    if (net->depth > 1)
        gp_sbuf_puts(&sb, "{");
    for (size_t l = 0; l < net->depth; l++) {
        snprintf(num, sizeof num, "%s%zu", l ? ", " : "", net->width[l]);
        gp_sbuf_puts(&sb, num);
    }
    if (net->depth > 1)
        gp_sbuf_puts(&sb, "}");
    /* the rest as the kernel prints it: ", activation=..., weight_var=..., bias_var=...)" */
    char k[512];
    gp_kernel_describe(net->nngp, k, sizeof k);
    const char *act = strstr(k, ", activation=");
    const char *end = act ? strchr(act, ';') : NULL;
    if (act && end)
        gp_sbuf_putn(&sb, act, (size_t)(end - act));
    gp_sbuf_puts(&sb, ")");
    return sb.len;
}
