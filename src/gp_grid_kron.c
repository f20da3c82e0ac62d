/* gp_grid_kron.c: exact draws of a separable product kernel on a tensor grid
 * (gp_grid_kron_sample in gp_grid.h).
 *
 * With K = Ky (x) Kx (point i + nx j is (xs_i, ys_j), x fastest) and the
 * factors Kx = Bx Bx^T, Ky = By By^T at their numerical ranks rx, ry, the
 * field F = Bx Z By^T (Z rx x ry standard normal) has
 *     Cov(vec F) = (By (x) Bx) (By (x) Bx)^T = Ky (x) Kx = K,
 * and vec F, column-major, is the draw in the grid's point order. Two dgemm
 * per draw; RNG use: rx ry normals per draw, column-major Z. */
#include "gp_grid.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "gp_process.h"

/* B (n x r) with B B^T = k(X, X): gp_sample_factor with default options. */
static gp_code factor_axis(const gp_kernel *k, const gp_matrix *X, const char *axis,
                           gp_matrix **B, gp_factor *info, gp_error *err)
{
    gp_matrix *K = NULL;
    gp_factor F;
    memset(&F, 0, sizeof F);
    gp_code rc = gp_sample_factor(k, X, NULL, &K, &F, err);
    if (!rc && !(*B = gp_matrix_alloc(X->rows, F.rank)))
        rc = gp_error_set(err, GP_ERR_NOMEM, "kron: out of memory for the %s factor", axis);
    if (!rc)
        rc = gp_factor_expand(&F, *B, err);
    if (rc && err) {
        gp_error inner = *err;
        gp_error_set(err, rc, "kron: the %s factor: %s", axis, inner.msg);
    }
    gp_factor_free(&F);
    gp_matrix_free(K);
    F.L = NULL;
    if (info)
        *info = F;
    return rc;
}

/* The mean at the grid's points (the rows of xs and ys side by side). */
static gp_code grid_mean(const gp_func *mean, const gp_matrix *xs, const gp_matrix *ys,
                         double *mu, gp_error *err)
{
    const size_t nx = xs->rows, ny = ys->rows, dx = xs->cols, dy = ys->cols;
    gp_matrix *P = gp_matrix_alloc(nx * ny, dx + dy);
    if (!P)
        return gp_error_set(err, GP_ERR_NOMEM, "kron: out of memory for %zu points", nx * ny);
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            for (size_t c = 0; c < dx; c++)
                GP_AT(P, j * nx + i, c) = GP_AT(xs, i, c);
            for (size_t c = 0; c < dy; c++)
                GP_AT(P, j * nx + i, dx + c) = GP_AT(ys, j, c);
        }
    gp_code rc = gp_func_eval_rows(mean, P, mu, err);
    gp_matrix_free(P);
    return rc;
}

static gp_code check_args(const gp_kernel *kx, const gp_kernel *ky, const gp_matrix *xs,
                          const gp_matrix *ys, gp_rng *rng, const gp_matrix *out, gp_error *err)
{
    if (!kx || !ky || !xs || !ys || !rng || !out || !out->data)
        return gp_error_set(err, GP_ERR_ARG, "kron: %s is missing (NULL)",
                            !kx || !ky ? "a kernel" : !xs || !ys ? "an axis" : !rng ? "generator"
                                                                                    : "output");
    const size_t nx = xs->rows, ny = ys->rows;
    if (nx == 0 || ny == 0 || xs->cols == 0 || ys->cols == 0)
        return gp_error_set(err, GP_ERR_DIM, "kron: empty axis (%zu x %zu and %zu x %zu points)",
                            nx, xs->cols, ny, ys->cols);
    if (nx > (size_t)INT_MAX || ny > (size_t)INT_MAX || nx > SIZE_MAX / ny)
        return gp_error_set(err, GP_ERR_DIM, "kron: %zu x %zu points are too many", nx, ny);
    if (out->rows != nx * ny || out->cols < 1)
        return gp_error_set(err, GP_ERR_DIM,
                            "kron: the output is %zu x %zu, need %zu rows (%zu x %zu points) and "
                            "at least one sample",
                            out->rows, out->cols, nx * ny, nx, ny);
    return GP_OK;
}

gp_code gp_grid_kron_sample(const gp_kernel *kx, const gp_kernel *ky, const gp_func *mean,
                            const gp_matrix *xs, const gp_matrix *ys, gp_rng *rng,
                            gp_matrix *out, gp_factor info[2], gp_error *err)
{
    gp_code rc = check_args(kx, ky, xs, ys, rng, out, err);
    if (rc)
        return rc;
    const size_t nx = xs->rows, ny = ys->rows, n = nx * ny;
    gp_matrix *Bx = NULL, *By = NULL, *Z = NULL, *T = NULL;
    double *mu = NULL;
    rc = factor_axis(kx, xs, "x", &Bx, info ? &info[0] : NULL, err);
    if (!rc)
        rc = factor_axis(ky, ys, "y", &By, info ? &info[1] : NULL, err);
    if (rc)
        goto done;
    const size_t rx = Bx->cols, ry = By->cols;
    Z = gp_matrix_alloc(rx, ry);
    T = gp_matrix_alloc(nx, ry);
    if (!Z || !T) {
        rc = gp_error_set(err, GP_ERR_NOMEM, "kron: out of memory for a draw");
        goto done;
    }
    if (mean && !gp_func_is_zero(mean)) {
        if (!(mu = malloc(n * sizeof *mu)))
            rc = gp_error_set(err, GP_ERR_NOMEM, "kron: out of memory for %zu means", n);
        else
            rc = grid_mean(mean, xs, ys, mu, err);
        if (rc)
            goto done;
    }
    for (size_t s = 0; s < out->cols; s++) {
        double *f = &GP_AT(out, 0, s);
        if (rx == 0 || ry == 0) {
            memset(f, 0, n * sizeof *f);
        } else {
            gp_rng_normals(rng, Z->data, rx * ry);
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)nx, (int)ry, (int)rx,
                        1.0, Bx->data, (int)nx, Z->data, (int)rx, 0.0, T->data, (int)nx);
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, (int)nx, (int)ny, (int)ry, 1.0,
                        T->data, (int)nx, By->data, (int)ny, 0.0, f, (int)nx);
        }
        if (mu)
            for (size_t i = 0; i < n; i++)
                f[i] += mu[i];
    }
done:
    free(mu);
    gp_matrix_free(T);
    gp_matrix_free(Z);
    gp_matrix_free(By);
    gp_matrix_free(Bx);
    return rc;
}
