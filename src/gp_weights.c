/* gp_weights.c: weight-space models and the random erf network (gp_weights.h). */
#include "gp_weights.h"

#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "gp_math.h"
#include "gp_parallel.h"
#include "gp_verf.h"

/* ---- a checked, factored covariance (S of a model, Sigma of a network) -------- */

typedef struct checked_cov {
    gp_matrix *S;    /* the symmetrised copy */
    gp_matrix *L;    /* a second copy, factored in place by gp_mvn_factor */
    gp_factor F;     /* refers to L */
} checked_cov;

static void checked_cov_free(checked_cov *c)
{
    gp_factor_free(&c->F);
    gp_matrix_free(c->S);
    gp_matrix_free(c->L);
    memset(c, 0, sizeof *c);
}

/* Check that A is an n x n finite, symmetric, PSD matrix; keep a symmetrised
 * copy and its factor in c. name/what name it in errors ("weights", "cov"). */
static gp_code checked_cov_init(checked_cov *c, const gp_matrix *A, size_t n, const char *name,
                                const char *what, gp_error *err)
{
    memset(c, 0, sizeof *c);
    if (!A || (!A->data && A->rows * A->cols > 0))
        return gp_error_set(err, GP_ERR_ARG, "%s: %s is missing", name, what);
    if (A->rows != n || A->cols != n)
        return gp_error_set(err, GP_ERR_DIM, "%s: %s must be %zu x %zu, got %zu x %zu", name,
                            what, n, n, A->rows, A->cols);
    size_t bad = gp_matrix_find_nonfinite(A);
    if (bad != (size_t)-1)
        return gp_error_set(err, GP_ERR_ARG, "%s: %s[%zu][%zu] must be finite, got %g", name,
                            what, bad % n + 1, bad / n + 1, A->data[bad]);
    for (size_t j = 0; j < n; j++)
        for (size_t i = j + 1; i < n; i++) {
            double a = GP_AT(A, i, j), b = GP_AT(A, j, i);
            if (!gp_sym_pair_ok(a, b, GP_AT(A, i, i), GP_AT(A, j, j)))
                return gp_error_set(err, GP_ERR_ARG,
                                    "%s: %s must be symmetric, got %s[%zu][%zu] = %.17g but "
                                    "%s[%zu][%zu] = %.17g",
                                    name, what, what, i + 1, j + 1, a, what, j + 1, i + 1, b);
        }
    c->S = gp_matrix_alloc(n, n);
    c->L = gp_matrix_alloc(n, n);
    if (!c->S || !c->L) {
        checked_cov_free(c);
        return gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory for a %zu x %zu %s", name, n,
                            n, what);
    }
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++)
            GP_AT(c->S, i, j) = 0.5 * (GP_AT(A, i, j) + GP_AT(A, j, i));
    memcpy(c->L->data, c->S->data, n * n * sizeof(double));
    gp_error inner;
    gp_error_clear(&inner);
    gp_code rc = gp_mvn_factor(c->L, 0.0, &c->F, &inner);
    if (rc) {
        checked_cov_free(c);
        return gp_error_set(err, rc, "%s: %s: %s", name, what, inner.msg);
    }
    return GP_OK;
}

static gp_code check_blas_size(const char *name, size_t a, size_t b, gp_error *err)
{
    if (a > (size_t)INT_MAX || b > (size_t)INT_MAX)
        return gp_error_set(err, GP_ERR_DIM, "%s: sizes too large for BLAS (%zu, %zu)", name, a,
                            b);
    return GP_OK;
}

/* 1 if v is finite and >= 0 (or > 0 when positive), else 0 with err naming
 * what of name and the value. */
static int check_param(const char *name, const char *what, double v, int positive,
                       gp_error *err)
{
    if (isfinite(v) && (positive ? v > 0 : v >= 0))
        return 1;
    gp_error_set(err, GP_ERR_ARG, "%s: %s must be finite and %s 0, got %g", name, what,
                 positive ? ">" : ">=", v);
    return 0;
}

/* ---- weight-space models ------------------------------------------------------- */

struct gp_weights {
    gp_basis *basis;
    size_t J;
    double *u;     /* J values */
    double s;      /* S = s I when cov.S is NULL */
    checked_cov cov;
};

gp_weights *gp_weights_new(gp_basis *basis, const double *u, const gp_matrix *S, double s,
                           gp_error *err)
{
    if (!basis) {
        gp_error_set(err, GP_ERR_ARG, "weights: a basis is required");
        return NULL;
    }
    size_t J = gp_basis_size(basis);
    if (u)
        for (size_t k = 0; k < J; k++)
            if (!isfinite(u[k])) {
                gp_error_set(err, GP_ERR_ARG, "weights: mean[%zu] must be finite, got %g", k + 1,
                             u[k]);
                return NULL;
            }
    if (!S && !check_param("weights", "cov (a multiple of I)", s, 0, err))
        return NULL;
    gp_weights *m = calloc(1, sizeof *m);
    if (m)
        m->u = calloc(J, sizeof *m->u);
    if (!m || !m->u) {
        free(m);
        gp_error_set(err, GP_ERR_NOMEM, "weights: out of memory (J = %zu)", J);
        return NULL;
    }
    m->J = J;
    m->s = S ? 0.0 : s;
    if (u)
        memcpy(m->u, u, J * sizeof *u);
    if (S && checked_cov_init(&m->cov, S, J, "weights", "cov", err)) {
        free(m->u);
        free(m);
        return NULL;
    }
    m->basis = gp_basis_retain(basis);
    return m;
}

gp_weights *gp_weights_bumps(long long J, double lengthscale, double sigma, gp_error *err)
{
    if (!check_param("bumps_model", "sigma", sigma, 0, err))
        return NULL;
    if (J < 2) { /* in the model's name; gp_basis_bumps checks the rest */
        gp_error_set(err, GP_ERR_ARG,
                     "bumps_model: J must be >= 2, got %lld (the centres cover [-log J, log J])",
                     J);
        return NULL;
    }
    gp_basis *b = gp_basis_bumps(J, lengthscale, err);
    if (!b)
        return NULL;
    gp_weights *m = gp_weights_new(b, NULL, NULL, sigma * sigma * gp_basis_spacing(b), err);
    gp_basis_release(b);
    return m;
}

gp_kernel *gp_bumps_limit(double lengthscale, double sigma, gp_error *err)
{
    if (!check_param("bumps_limit", "lengthscale", lengthscale, 1, err) ||
        !check_param("bumps_limit", "sigma", sigma, 0, err))
        return NULL;
    double amplitude = sqrt(sqrt(GP_PI) * lengthscale) * sigma;
    double ls = sqrt(2.0) * lengthscale;
    return gp_kernel_rbf(amplitude, &ls, 1, err);
}

void gp_weights_release(gp_weights *m)
{
    if (m) {
        checked_cov_free(&m->cov);
        gp_basis_release(m->basis);
        free(m->u);
        free(m);
    }
}

const gp_basis *gp_weights_basis(const gp_weights *m) { return m->basis; }
size_t gp_weights_size(const gp_weights *m) { return m->J; }
const gp_factor *gp_weights_cov_factor(const gp_weights *m) { return m->cov.S ? &m->cov.F : NULL; }
double gp_weights_cov_scale(const gp_weights *m) { return m->s; }


/* *Phi = phi(X), a new n x J matrix (NULL on error). */
static gp_code features(const gp_weights *m, const gp_matrix *X, gp_matrix **Phi, gp_error *err)
{
    *Phi = NULL;
    if (!X)
        return gp_error_set(err, GP_ERR_ARG, "weights: no input");
    gp_code rc = check_blas_size("weights", X->rows, m->J, err);
    if (rc)
        return rc;
    gp_matrix *P = gp_matrix_alloc(X->rows, m->J);
    if (!P)
        return gp_error_set(err, GP_ERR_NOMEM, "weights: out of memory for %zu x %zu features",
                            X->rows, m->J);
    rc = gp_basis_eval(m->basis, X, P, err);
    if (rc) {
        gp_matrix_free(P);
        return rc;
    }
    *Phi = P;
    return GP_OK;
}

gp_code gp_weights_mean(const gp_weights *m, const gp_matrix *X, double *mu, gp_error *err)
{
    gp_matrix *Phi;
    gp_code rc = features(m, X, &Phi, err);
    if (rc)
        return rc;
    cblas_dgemv(CblasColMajor, CblasNoTrans, (int)Phi->rows, (int)m->J, 1.0, Phi->data,
                (int)Phi->rows, m->u, 1, 0.0, mu, 1);
    gp_matrix_free(Phi);
    return gp_check_result("weights", "mean", mu, X->rows, err);
}

/* T = Phi S (n x J): dsymm for a dense S, s Phi for s I. */
static void times_cov(const gp_weights *m, const gp_matrix *Phi, double *T)
{
    int n = (int)Phi->rows, J = (int)m->J;
    if (m->cov.S)
        cblas_dsymm(CblasColMajor, CblasRight, CblasLower, n, J, 1.0, m->cov.S->data, J,
                    Phi->data, n, 0.0, T, n);
    else
        for (size_t i = 0; i < Phi->rows * m->J; i++)
            T[i] = m->s * Phi->data[i];
}

gp_code gp_weights_var(const gp_weights *m, const gp_matrix *X, double *var, gp_error *err)
{
    gp_matrix *Phi;
    gp_code rc = features(m, X, &Phi, err);
    if (rc)
        return rc;
    size_t n = Phi->rows;
    double *T = malloc(n * m->J * sizeof *T);
    if (!T) {
        gp_matrix_free(Phi);
        return gp_error_set(err, GP_ERR_NOMEM, "weights: out of memory (%zu x %zu)", n, m->J);
    }
    times_cov(m, Phi, T);
    for (size_t i = 0; i < n; i++)
        var[i] = 0.0;
    for (size_t k = 0; k < m->J; k++)
        for (size_t i = 0; i < n; i++)
            var[i] += T[k * n + i] * Phi->data[k * n + i];
    for (size_t i = 0; i < n; i++)
        if (var[i] < 0) /* rounding only: S is PSD */
            var[i] = 0.0;
    free(T);
    gp_matrix_free(Phi);
    return gp_check_result("weights", "variance", var, n, err);
}

gp_code gp_weights_sd(const gp_weights *m, const gp_matrix *X, double *sd, gp_error *err)
{
    gp_code rc = gp_weights_var(m, X, sd, err);
    for (size_t i = 0; !rc && i < X->rows; i++)
        sd[i] = sqrt(sd[i]);
    return rc;
}

gp_code gp_weights_cov(const gp_weights *m, const gp_matrix *X, const gp_matrix *Y, gp_matrix *K,
                       gp_error *err)
{
    gp_matrix *PX = NULL, *PY = NULL;
    double *T = NULL;
    gp_code rc = features(m, X, &PX, err);
    if (!rc && Y)
        rc = features(m, Y, &PY, err);
    size_t n = X ? X->rows : 0, nm = Y ? Y->rows : n;
    if (!rc && (!K || K->rows != n || K->cols != nm))
        rc = gp_error_set(err, GP_ERR_DIM, "weights: covariance must be %zu x %zu, got %zu x %zu",
                          n, nm, K ? K->rows : 0, K ? K->cols : 0);
    if (!rc && !(T = malloc(n * m->J * sizeof *T)))
        rc = gp_error_set(err, GP_ERR_NOMEM, "weights: out of memory (%zu x %zu)", n, m->J);
    if (!rc) {
        const gp_matrix *P2 = Y ? PY : PX;
        times_cov(m, PX, T);
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, (int)n, (int)nm, (int)m->J, 1.0, T,
                    (int)n, P2->data, (int)nm, 0.0, K->data, (int)n);
        if (!Y) /* exactly symmetric: mirror the lower triangle */
            for (size_t j = 0; j < n; j++)
                for (size_t i = j + 1; i < n; i++)
                    GP_AT(K, j, i) = GP_AT(K, i, j);
    }
    free(T);
    gp_matrix_free(PY);
    gp_matrix_free(PX);
    return rc ? rc : gp_check_result("weights", "covariance", K->data, n * nm, err);
}

gp_code gp_weights_sample(const gp_weights *m, const gp_matrix *X, gp_rng *rng, gp_matrix *F,
                          gp_matrix *W, gp_error *err)
{
    if (!rng)
        return gp_error_set(err, GP_ERR_ARG, "weights sample: no random generator");
    if (!F || !X || F->rows != X->rows)
        return gp_error_set(err, GP_ERR_DIM, "weights sample: output must have %zu rows, got %zu",
                            X ? X->rows : 0, F ? F->rows : 0);
    size_t ns = F->cols, J = m->J;
    if (W && (W->rows != J || W->cols != ns))
        return gp_error_set(err, GP_ERR_DIM,
                            "weights sample: weight matrix must be %zu x %zu, got %zu x %zu", J,
                            ns, W->rows, W->cols);
    gp_code rc = check_blas_size("weights sample", ns, J, err);
    gp_matrix *Phi = NULL;
    if (!rc)
        rc = features(m, X, &Phi, err);
    if (rc)
        return rc;
    gp_matrix *own = W ? NULL : gp_matrix_alloc(J, ns);
    if (!W && !own) {
        gp_matrix_free(Phi);
        return gp_error_set(err, GP_ERR_NOMEM, "weights sample: out of memory for %zu x %zu "
                                               "weights", J, ns);
    }
    gp_matrix *Wm = W ? W : own;
    if (m->cov.S) {
        rc = gp_mvn_draw(&m->cov.F, m->u, rng, Wm, err);
    } else {
        double sd = sqrt(m->s);
        gp_rng_normals(rng, Wm->data, J * ns);
        for (size_t j = 0; j < ns; j++)
            for (size_t k = 0; k < J; k++)
                Wm->data[j * J + k] = m->u[k] + sd * Wm->data[j * J + k];
    }
    if (!rc && ns > 0)
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)X->rows, (int)ns, (int)J, 1.0,
                    Phi->data, (int)X->rows, Wm->data, (int)J, 0.0, F->data, (int)X->rows);
    gp_matrix_free(own);
    gp_matrix_free(Phi);
    return rc ? rc : gp_check_result("weights", "draw", F->data, F->rows * ns, err);
}

size_t gp_weights_describe(const gp_weights *m, char *buf, size_t cap)
{
    char basis[256], mean[160], cov[96];
    gp_basis_describe(m->basis, basis, sizeof basis);
    int zero = 1;
    for (size_t k = 0; k < m->J; k++)
        zero = zero && m->u[k] == 0.0;
    if (zero) {
        snprintf(mean, sizeof mean, "0");
    } else {
        size_t len = 0;
        mean[len++] = '(';
        for (size_t k = 0; k < m->J && k < 6 && len < 120; k++)
            len += (size_t)snprintf(mean + len, sizeof mean - len, "%s%g", k ? ", " : "", m->u[k]);
        snprintf(mean + len, sizeof mean - len, "%s)", m->J > 6 ? ", ..." : "");
    }
    if (m->cov.S)
        snprintf(cov, sizeof cov, "%zu x %zu matrix of rank %zu", m->J, m->J, m->cov.F.rank);
    else
        snprintf(cov, sizeof cov, "%g I", m->s);
    int len = snprintf(buf, cap, "weights(basis=%s, mean=%s, cov=%s)", basis, mean, cov);
    return len < 0 ? 0 : (size_t)len;
}

/* ---- the random erf network ---------------------------------------------------- */

struct gp_erfnet {
    size_t J, dim;         /* dim = d + 1 */
    double variance, offset;
    checked_cov Sigma;
    gp_matrix *B;          /* dim x rank, B B^T = Sigma (gp_factor_expand) */
};

gp_erfnet *gp_erfnet_new(long long J, const gp_matrix *Sigma, double variance, double offset,
                         gp_error *err)
{
    if (J < 1 || J > GP_BASIS_MAX_SIZE) {
        gp_error_set(err, GP_ERR_ARG, "erf_network: J must be %s %u, got %lld",
                     J < 1 ? ">=" : "<=", J < 1 ? 1 : GP_BASIS_MAX_SIZE, J);
        return NULL;
    }
    if (!check_param("erf_network", "variance", variance, 0, err) ||
        !check_param("erf_network", "offset", offset, 0, err))
        return NULL;
    if (!Sigma || Sigma->rows < 2 || Sigma->rows > 4096) {
        gp_error_set(err, GP_ERR_DIM,
                     "erf_network: Sigma must be (d+1) x (d+1) with 1 <= d <= 4095 (bias and "
                     "inputs), got %zu x %zu",
                     Sigma ? Sigma->rows : 0, Sigma ? Sigma->cols : 0);
        return NULL;
    }
    gp_erfnet *net = calloc(1, sizeof *net);
    if (!net) {
        gp_error_set(err, GP_ERR_NOMEM, "erf_network: out of memory");
        return NULL;
    }
    if (checked_cov_init(&net->Sigma, Sigma, Sigma->rows, "erf_network", "Sigma", err)) {
        free(net);
        return NULL;
    }
    net->B = gp_matrix_alloc(Sigma->rows, net->Sigma.F.rank);
    if (!net->B || gp_factor_expand(&net->Sigma.F, net->B, err)) {
        if (!net->B)
            gp_error_set(err, GP_ERR_NOMEM, "erf_network: out of memory");
        gp_erfnet_release(net);
        return NULL;
    }
    net->J = (size_t)J;
    net->dim = Sigma->rows;
    net->variance = variance;
    net->offset = offset;
    return net;
}

void gp_erfnet_release(gp_erfnet *net)
{
    if (net) {
        checked_cov_free(&net->Sigma);
        gp_matrix_free(net->B);
        free(net);
    }
}

size_t gp_erfnet_size(const gp_erfnet *net) { return net->J; }
size_t gp_erfnet_dim(const gp_erfnet *net) { return net->dim - 1; }

/* erf of each of the len values, in place (vectorised, gp_verf.h). */
GP_VEC_CLONES static void erf_in_place(double *restrict h, size_t len)
{
    GP_VFOR(i, len, h[i] = gp_verf(h[i]););
}

/* h = sum_k a[k * lda] z_k, z_k = z + k len (r >= 1 terms), vectorised over h. */
GP_VEC_CLONES static void combine(double *restrict h, const double *restrict a, size_t lda,
                                  const double *restrict z, size_t r, size_t len)
{
    const double a0 = a[0];
    GP_VFOR(j, len, h[j] = a0 * z[j];);
    for (size_t k = 1; k < r; k++) {
        const double ak = a[k * lda], *zk = z + k * len;
        GP_VFOR(j, len, h[j] += ak * zk[j];);
    }
}

/* sum_j h[j] v[j] in eight interleaved partial sums (a fixed order, so the
 * same bits everywhere; vectorised), added pairwise at the end. */
GP_VEC_CLONES static double dot8(const double *restrict h, const double *restrict v, size_t len)
{
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t b = 0;
    for (; b + 8 <= len; b += 8)
        for (size_t u = 0; u < 8; u++)
            acc[u] += h[b + u] * v[b + u];
    for (size_t u = 0; b + u < len; u++)
        acc[u] += h[b + u] * v[b + u];
    return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
}

/* What the workers of gp_erfnet_sample share. */
typedef struct erfnet_job {
    size_t n, r, J;
    const double *A;     /* n x r: [1 X] B, B (d+1) x r with B B^T = Sigma */
    gp_matrix *F;
    uint64_t seed;       /* network s draws from gp_rng_seed(seed + s) */
    double vsd, bsd;
    atomic_int failed;   /* out of memory in a worker */
} erfnet_job;

/* Networks j0..j1-1 into columns j0..j1-1 of F, each from its own generator:
 * u_i = B z_i (z_i standard normal in R^r, so u_i ~ N(0, Sigma)), the
 * pre-activations u_i . (1, x) = ([1 X] B z_i)_x computed as H^T = Z A^T
 * (J x n; Z is J x r, row i = z_i), erf, then f = b + vsd H v. No BLAS call:
 * OpenBLAS's own threads would contend with these. */
static void erfnet_cols(void *ctx, size_t j0, size_t j1)
{
    erfnet_job *jb = ctx;
    const size_t n = jb->n, r = jb->r, J = jb->J;
    double *Z = malloc(r * J * sizeof *Z), *H = malloc(n * J * sizeof *H);
    double *v = malloc(J * sizeof *v);
    int failed = !Z || !H || !v;
    for (size_t s = j0; !failed && s < j1; s++) {
        gp_rng rng;
        gp_rng_seed(&rng, jb->seed + s);
        gp_rng_normals(&rng, Z, r * J);
        gp_rng_normals(&rng, v, J);
        const double b = jb->bsd * gp_rng_normal(&rng);
        for (size_t i = 0; i < n; i++)
            combine(H + i * J, jb->A + i, n, Z, r, J);
        erf_in_place(H, n * J);
        double *f = jb->F->data + s * n;
        for (size_t i = 0; i < n; i++)
            f[i] = b + jb->vsd * dot8(H + i * J, v, J);
    }
    if (failed)
        atomic_store_explicit(&jb->failed, 1, memory_order_relaxed);
    free(v);
    free(H);
    free(Z);
}

gp_code gp_erfnet_sample(const gp_erfnet *net, const gp_matrix *X, gp_rng *rng, gp_matrix *F,
                         gp_error *err)
{
    if (!rng)
        return gp_error_set(err, GP_ERR_ARG, "erf_network sample: no random generator");
    if (!X || X->rows == 0)
        return gp_error_set(err, GP_ERR_DIM, "erf_network: input is empty (0 points)");
    size_t n = X->rows, D = net->dim, J = net->J;
    if (X->cols != D - 1)
        return gp_error_set(err, GP_ERR_DIM,
                            "erf_network: input has dimension %zu (columns) but Sigma is %zu x "
                            "%zu (dimension %zu)",
                            X->cols, D, D, D - 1);
    if (!F || F->rows != n)
        return gp_error_set(err, GP_ERR_DIM, "erf_network sample: output must have %zu rows, "
                                             "got %zu", n, F ? F->rows : 0);
    size_t bad = gp_matrix_find_nonfinite(X);
    if (bad != (size_t)-1)
        return gp_error_set(err, GP_ERR_ARG,
                            "erf_network: input has a non-finite value (%g) at row %zu, column %zu",
                            X->data[bad], bad % n + 1, bad / n + 1);
    gp_code rc = check_blas_size("erf_network", n, J, err);
    if (rc)
        return rc;
    if (n > SIZE_MAX / sizeof(double) / J || net->dim > SIZE_MAX / sizeof(double) / J)
        return gp_error_set(err, GP_ERR_DIM, "erf_network: %zu points x J = %zu is too large",
                            n, J);
    const gp_matrix *B = net->B;
    const size_t r = B->cols;
    if (r == 0) { /* Sigma = 0: every pre-activation is 0, erf(0) = 0, f = b */
        for (size_t s = 0; s < F->cols; s++) {
            const double b = sqrt(net->offset) * gp_rng_normal(rng);
            for (size_t i = 0; i < n; i++)
                F->data[s * n + i] = b;
        }
        return GP_OK;
    }
    gp_matrix *A = gp_matrix_alloc(n, r); /* [1 X] B */
    if (!A)
        return gp_error_set(err, GP_ERR_NOMEM, "erf_network: out of memory (%zu points)", n);
    for (size_t k = 0; k < r; k++)
        for (size_t i = 0; i < n; i++) {
            double a = GP_AT(B, 0, k);
            for (size_t c = 1; c < D; c++)
                a += GP_AT(X, i, c - 1) * GP_AT(B, c, k);
            GP_AT(A, i, k) = a;
        }
    erfnet_job jb = {.n = n,
                     .r = r,
                     .J = J,
                     .A = A->data,
                     .F = F,
                     .seed = gp_rng_next(rng),
                     .vsd = sqrt(net->variance / (double)J),
                     .bsd = sqrt(net->offset)};
    atomic_init(&jb.failed, 0);
    gp_kernel_parallel_cols(n * J, F->cols, 0, 0, erfnet_cols, &jb);
    if (atomic_load(&jb.failed))
        rc = gp_error_set(err, GP_ERR_NOMEM, "erf_network: out of memory (%zu points, J = %zu)",
                          n, J);
    gp_matrix_free(A);
    return rc;
}

gp_kernel *gp_erfnet_kernel(const gp_erfnet *net, gp_error *err)
{
    return gp_kernel_nn(net->Sigma.S->data, net->dim, net->variance, net->offset, err);
}

size_t gp_erfnet_describe(const gp_erfnet *net, char *buf, size_t cap)
{
    char sig[512];
    size_t D = net->dim, len = 0;
    if (D <= 4) {
        for (size_t i = 0; i < D; i++)
            for (size_t j = 0; j < D && len < 400; j++)
                len += (size_t)snprintf(sig + len, sizeof sig - len, "%s%g%s",
                                        j ? ", " : (i ? ", {" : "{{"), GP_AT(net->Sigma.S, i, j),
                                        j + 1 < D ? "" : (i + 1 < D ? "}" : "}}"));
    } else {
        snprintf(sig, sizeof sig, "%zu x %zu matrix", D, D);
    }
    int n = snprintf(buf, cap,
                     "erf_network(J=%zu, Sigma=%s, variance=%g, offset=%g: f(x) = b + sum_i v_i "
                     "erf(u_i . (1, x)), cov = nn kernel at every J, Gaussian as J -> inf)",
                     net->J, sig, net->variance, net->offset);
    return n < 0 ? 0 : (size_t)n;
}
