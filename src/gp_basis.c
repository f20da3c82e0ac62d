/* gp_basis.c: the feature maps of gp_basis.h. */
#include "gp_basis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp_math.h"

typedef enum gp_basis_type {
    GP_BASIS_POLYNOMIAL,
    GP_BASIS_BUMPS,
    GP_BASIS_FOURIER
} gp_basis_type;

struct gp_basis {
    unsigned refs;
    gp_basis_type type;
    size_t J, dim;
    int degree;       /* polynomial */
    double ls;        /* bumps, fourier */
    double amplitude; /* fourier */
    double dc;        /* bumps */
    double *centres;  /* bumps: J centres */
    double *omega;    /* fourier: J x dim, column-major (omega_k is row k) */
    double *phase;    /* fourier: J phases b_k */
};

static int check_finite_positive(const char *name, const char *what, double v, gp_error *err)
{
    if (isfinite(v) && v > 0)
        return 1;
    gp_error_set(err, GP_ERR_ARG, "%s: %s must be finite and > 0, got %g", name, what, v);
    return 0;
}

static gp_basis *basis_new(gp_basis_type type, size_t J, size_t dim, const char *name,
                           gp_error *err)
{
    gp_basis *b = calloc(1, sizeof *b);
    if (!b) {
        gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", name);
        return NULL;
    }
    b->refs = 1;
    b->type = type;
    b->J = J;
    b->dim = dim;
    return b;
}

gp_basis *gp_basis_polynomial(long long degree, gp_error *err)
{
    if (degree < 0 || degree > GP_BASIS_MAX_DEGREE) {
        gp_error_set(err, GP_ERR_ARG, "polynomial basis: degree must be in 0..%d, got %lld",
                     GP_BASIS_MAX_DEGREE, degree);
        return NULL;
    }
    gp_basis *b = basis_new(GP_BASIS_POLYNOMIAL, (size_t)degree + 1, 1, "polynomial basis", err);
    if (b)
        b->degree = (int)degree;
    return b;
}

gp_basis *gp_basis_bumps(long long bumps, double lengthscale, gp_error *err)
{
    if (bumps < 2) {
        gp_error_set(err, GP_ERR_ARG,
                     "bumps: J must be >= 2, got %lld (the centres cover [-log J, log J])", bumps);
        return NULL;
    }
    if (bumps > GP_BASIS_MAX_SIZE) {
        gp_error_set(err, GP_ERR_ARG, "bumps: J must be <= %u, got %lld", GP_BASIS_MAX_SIZE,
                     bumps);
        return NULL;
    }
    size_t J = (size_t)bumps;
    if (!check_finite_positive("bumps", "lengthscale", lengthscale, err))
        return NULL;
    gp_basis *b = basis_new(GP_BASIS_BUMPS, J, 1, "bumps", err);
    if (!b)
        return NULL;
    b->centres = malloc(J * sizeof *b->centres);
    if (!b->centres) {
        free(b);
        gp_error_set(err, GP_ERR_NOMEM, "bumps: out of memory for %zu centres", J);
        return NULL;
    }
    double half = log((double)J);
    b->ls = lengthscale;
    b->dc = 2.0 * half / (double)J;
    for (size_t k = 0; k < J; k++)
        b->centres[k] = -half + ((double)k + 0.5) * b->dc;
    return b;
}

gp_basis *gp_basis_fourier(long long features, long long dims, double lengthscale,
                           double amplitude, gp_rng *rng, gp_error *err)
{
    if (features < 1 || features > GP_BASIS_MAX_SIZE) {
        gp_error_set(err, GP_ERR_ARG, "fourier: J must be %s %u, got %lld",
                     features < 1 ? ">=" : "<=", features < 1 ? 1 : GP_BASIS_MAX_SIZE, features);
        return NULL;
    }
    if (dims < 1 || dims > GP_BASIS_MAX_SIZE / features) {
        gp_error_set(err, GP_ERR_ARG, "fourier: dim must be in 1..%lld (for J = %lld), got %lld",
                     GP_BASIS_MAX_SIZE / features, features, dims);
        return NULL;
    }
    size_t J = (size_t)features, dim = (size_t)dims;
    if (!check_finite_positive("fourier", "lengthscale", lengthscale, err))
        return NULL;
    if (!(isfinite(amplitude) && amplitude >= 0)) {
        gp_error_set(err, GP_ERR_ARG, "fourier: amplitude must be finite and >= 0, got %g",
                     amplitude);
        return NULL;
    }
    if (!rng) {
        gp_error_set(err, GP_ERR_ARG, "fourier: no random generator");
        return NULL;
    }
    gp_basis *b = basis_new(GP_BASIS_FOURIER, J, dim, "fourier", err);
    if (!b)
        return NULL;
    double *z = malloc(J * dim * sizeof *z);
    b->omega = malloc(J * dim * sizeof *b->omega);
    b->phase = malloc(J * sizeof *b->phase);
    if (!z || !b->omega || !b->phase) {
        free(z);
        gp_basis_release(b);
        gp_error_set(err, GP_ERR_NOMEM, "fourier: out of memory for %zu x %zu frequencies", J,
                     dim);
        return NULL;
    }
    b->ls = lengthscale;
    b->amplitude = amplitude;
    gp_rng_normals(rng, z, J * dim);
    for (size_t k = 0; k < J; k++) /* omega_k = z_k / l, stored as row k */
        for (size_t j = 0; j < dim; j++)
            b->omega[j * J + k] = z[k * dim + j] / lengthscale;
    free(z);
    for (size_t k = 0; k < J; k++)
        b->phase[k] = 2.0 * GP_PI * gp_rng_uniform(rng);
    return b;
}

gp_basis *gp_basis_retain(gp_basis *b)
{
    if (b)
        b->refs++;
    return b;
}

void gp_basis_release(gp_basis *b)
{
    if (b && --b->refs == 0) {
        free(b->centres);
        free(b->omega);
        free(b->phase);
        free(b);
    }
}

size_t gp_basis_size(const gp_basis *b) { return b->J; }
size_t gp_basis_dim(const gp_basis *b) { return b->dim; }
double gp_basis_spacing(const gp_basis *b) { return b->type == GP_BASIS_BUMPS ? b->dc : 0.0; }

static const char *basis_name(const gp_basis *b)
{
    switch (b->type) {
    case GP_BASIS_POLYNOMIAL:
        return "polynomial basis";
    case GP_BASIS_BUMPS:
        return "bumps";
    case GP_BASIS_FOURIER:
        return "fourier";
    }
    return "basis";
}

gp_code gp_basis_eval(const gp_basis *b, const gp_matrix *X, gp_matrix *Phi, gp_error *err)
{
    if (!b || !X || !Phi)
        return gp_error_set(err, GP_ERR_ARG, "basis eval: missing basis, input or output");
    const char *name = basis_name(b);
    size_t n = X->rows, J = b->J, d = b->dim;
    if (n == 0)
        return gp_error_set(err, GP_ERR_DIM, "%s: input is empty (0 points)", name);
    if (X->cols != d)
        return gp_error_set(err, GP_ERR_DIM,
                            "%s: input has dimension %zu (columns) but the basis takes %zu", name,
                            X->cols, d);
    if (Phi->rows != n || Phi->cols != J)
        return gp_error_set(err, GP_ERR_DIM, "%s: output must be %zu x %zu, got %zu x %zu", name,
                            n, J, Phi->rows, Phi->cols);
    size_t bad = gp_matrix_find_nonfinite(X);
    if (bad != (size_t)-1)
        return gp_error_set(err, GP_ERR_ARG,
                            "%s: input has a non-finite value (%g) at row %zu, column %zu", name,
                            X->data[bad], bad % n + 1, bad / n + 1);
    const double *x = X->data;
    double *p = Phi->data;
    switch (b->type) {
    case GP_BASIS_POLYNOMIAL:
        for (size_t i = 0; i < n; i++)
            p[i] = 1.0;
        for (size_t k = 1; k < J; k++)
            for (size_t i = 0; i < n; i++)
                p[k * n + i] = p[(k - 1) * n + i] * x[i];
        break;
    case GP_BASIS_BUMPS: {
        double s = -0.5 / (b->ls * b->ls);
        for (size_t k = 0; k < J; k++) {
            double c = b->centres[k];
            for (size_t i = 0; i < n; i++) {
                double r = x[i] - c;
                p[k * n + i] = exp(s * r * r);
            }
        }
        break;
    }
    case GP_BASIS_FOURIER: {
        double scale = b->amplitude * sqrt(2.0 / (double)J);
        for (size_t k = 0; k < J; k++) {
            double *col = p + k * n;
            for (size_t i = 0; i < n; i++)
                col[i] = b->phase[k];
            for (size_t j = 0; j < d; j++) {
                double w = b->omega[j * J + k];
                const double *xj = x + j * n;
                for (size_t i = 0; i < n; i++)
                    col[i] += w * xj[i];
            }
            for (size_t i = 0; i < n; i++)
                col[i] = scale * cos(col[i]);
        }
        break;
    }
    }
    bad = gp_matrix_find_nonfinite(Phi);
    if (bad != (size_t)-1) {
        if (d == 1)
            return gp_error_set(err, GP_ERR_NUMERIC,
                                "%s: feature %zu is not finite (%g) at point %zu, x = %g", name,
                                bad / n + 1, p[bad], bad % n + 1, x[bad % n]);
        return gp_error_set(err, GP_ERR_NUMERIC, "%s: feature %zu is not finite (%g) at point %zu",
                            name, bad / n + 1, p[bad], bad % n + 1);
    }
    return GP_OK;
}

size_t gp_basis_describe(const gp_basis *b, char *buf, size_t cap)
{
    int len = 0;
    switch (b->type) {
    case GP_BASIS_POLYNOMIAL:
        len = snprintf(buf, cap, "polynomial basis(degree=%d: 1, x, ..., x^%d)", b->degree,
                       b->degree);
        break;
    case GP_BASIS_BUMPS:
        len = snprintf(buf, cap,
                       "bumps(J=%zu, lengthscale=%g, dc=%g: exp(-(x-c)^2/(2 l^2)), c at cell "
                       "midpoints of [-log J, log J])",
                       b->J, b->ls, b->dc);
        break;
    case GP_BASIS_FOURIER:
        len = snprintf(buf, cap,
                       "fourier(J=%zu, dim=%zu, lengthscale=%g, amplitude=%g: random features, "
                       "approximates rbf)",
                       b->J, b->dim, b->ls, b->amplitude);
        break;
    }
    return len < 0 ? 0 : (size_t)len;
}
