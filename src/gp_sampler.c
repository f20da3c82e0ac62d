/* gp_sampler.c: rank-aware factorisation of a covariance and draws from N(mu, K).
 *
 * See gp_sampler.h for the algorithm. Notes on the implementation:
 *   - K is never copied. LAPACK's dpotrf/dpstrf with uplo 'L' never reference
 *     the strict upper triangle, so it keeps the original K; with the saved
 *     diagonal that is enough to restore K after a failed Cholesky and to
 *     recompute original entries K(p_a, p_b) for the residual check.
 *   - After success the factor lives in the lower part of F->L:
 *       cholesky:          the lower triangle (the strict upper triangle still
 *                          holds K's upper triangle; dtrmm ignores it);
 *       pivoted-cholesky:  columns 0..r-1 (strict upper part zeroed), columns
 *                          r..n-1 zero below the diagonal (the strict upper
 *                          triangle there still holds K's).
 *     So F->L is n x n but only L[:, :rank] (lower part) is the factor.
 *   - On any error after the factorisation started, K is restored to its
 *     input values.
 *   - Draws: Z is filled column by column from the generator (column j of Z
 *     uses normals j*m .. j*m+m-1, m = n for cholesky, m = rank for pivoted),
 *     so the first column of a k-sample draw equals a 1-sample draw with the
 *     same generator state. A rank-0 factor consumes no normals.
 * Row/column numbers in error messages are 1-based. */
#include "gp_sampler.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

/* Rows of the residual Schur complement computed per dgemm. */
#define RESID_BLOCK 256

/* Tolerance factor of the indefiniteness check: residual > RESID_FACTOR * n *
 * eps * max|diag K| is an error. Why this constant: dpstrf stops when every
 * remaining diagonal entry of the Schur complement S is <= n eps max diag
 * (its tolerance); for PSD K, S is PSD, so |S_ij| <= sqrt(S_ii S_jj) is below
 * that tolerance too. Rounding adds to each computed S_ij at most about
 * (r + 2) eps sqrt(K_ii K_jj) (the sum K_ij - sum_k L_ik L_jk has terms
 * bounded in total by sqrt(K_ii K_jj), by Cauchy-Schwarz) plus the backward
 * error of the factor, of the same order. So a PSD K gives a residual of a
 * few n eps max diag at most. Measured on RBF (l = 0.05..5), NN, linear x
 * periodic and random low-rank Gram matrices with n = 50..2000, the residual
 * never exceeded 1.0 n eps max diag, so 100 leaves a margin of two orders of
 * magnitude, while a truly indefinite K gives residuals of order its negative
 * eigenvalues (0.5 .. 15 relative in the tests). A symmetric (n-r) x (n-r) S
 * with all |S_ij| <= t has eigenvalues within +-(n-r) t, so passing the check
 * bounds how far K is from PSD. */
#define RESID_FACTOR 100.0

const char *gp_factor_method_name(gp_factor_method m)
{
    switch (m) {
    case GP_FACTOR_CHOLESKY:
        return "cholesky";
    case GP_FACTOR_PIVOTED_CHOLESKY:
        return "pivoted-cholesky";
    }
    return "unknown";
}

void gp_factor_free(gp_factor *F)
{
    if (!F)
        return;
    free(F->piv);
    F->piv = NULL;
}

/* Restore K (n x n, lda n) from its strict upper triangle and diag. */
static void restore_lower(double *a, size_t n, const double *diag)
{
    for (size_t j = 0; j < n; j++) {
        a[j * n + j] = diag[j];
        for (size_t i = j + 1; i < n; i++)
            a[j * n + i] = a[i * n + j];
    }
}

/* Original K(p, q) from the untouched strict upper triangle and diag. */
static double orig_entry(const double *a, size_t n, const double *diag, size_t p, size_t q)
{
    if (p == q)
        return diag[p];
    return p < q ? a[q * n + p] : a[p * n + q];
}

/* Max |S_ab| of the residual Schur complement S = K22 - L21 L21^T over the
 * rows/columns r..n-1 of the pivoted order, in blocks of RESID_BLOCK columns
 * (lower part of S only; S is symmetric). *resid receives it; NaN counts as
 * infinite. Returns 0, or -1 if out of memory. */
static int schur_residual(const double *a, size_t n, size_t r, const double *diag,
                          const int *piv, double *resid)
{
    size_t m = n - r;
    *resid = 0.0;
    if (m == 0)
        return 0;
    size_t bw = m < RESID_BLOCK ? m : RESID_BLOCK;
    double *c = malloc(m * bw * sizeof *c);
    if (!c)
        return -1;
    double worst = 0.0;
    for (size_t b0 = r; b0 < n; b0 += bw) {
        size_t w = n - b0 < bw ? n - b0 : bw; /* columns b0..b0+w-1 */
        size_t h = n - b0;                    /* rows b0..n-1 */
        for (size_t jb = 0; jb < w; jb++)
            for (size_t ia = jb; ia < h; ia++)
                c[jb * h + ia] = orig_entry(a, n, diag, (size_t)piv[b0 + ia],
                                            (size_t)piv[b0 + jb]);
        if (r > 0)
            /* C -= L[b0:n, 0:r] * L[b0:b0+w, 0:r]^T (the upper part of each
             * column block is computed and ignored) */
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, (int)h, (int)w, (int)r, -1.0,
                        a + b0, (int)n, a + b0, (int)n, 1.0, c, (int)h);
        for (size_t jb = 0; jb < w; jb++)
            for (size_t ia = jb; ia < h; ia++) {
                double v = fabs(c[jb * h + ia]);
                if (isnan(v))
                    v = INFINITY;
                if (v > worst)
                    worst = v;
            }
    }
    free(c);
    *resid = worst;
    return 0;
}

/* 1 if every entry of K (n x n) is finite and |K_ij - K_ji| <= tol, else 0.
 * One pass over K in SYM_TILE x SYM_TILE tiles, a lower one with its mirror
 * image, so that the strided reads stay in cache. NaN and inf fail the test
 * |a - b| <= tol (inf - inf is NaN). */
#define SYM_TILE 64

static int check_sym_finite(const double *a, size_t n, double tol)
{
    int ok = 1;
    for (size_t j0 = 0; j0 < n; j0 += SYM_TILE) {
        const size_t j1 = n - j0 < SYM_TILE ? n : j0 + SYM_TILE;
        for (size_t i0 = j0; i0 < n; i0 += SYM_TILE) {
            const size_t i1 = n - i0 < SYM_TILE ? n : i0 + SYM_TILE;
            for (size_t j = j0; j < j1; j++) {
                const double *col = a + j * n;
                for (size_t i = i0 > j ? i0 : j; i < i1; i++)
                    ok &= fabs(col[i] - a[i * n + j]) <= tol;
            }
        }
    }
    return ok;
}

/* Errors for a K with a non-finite entry or asymmetric by more than symtol,
 * each reported at its first place in column-major order. */
static gp_code check_matrix(const gp_matrix *K, double symtol, gp_error *err)
{
    const size_t n = K->rows;
    const double *a = K->data;
    if (check_sym_finite(a, n, symtol)) /* the usual case: one pass */
        return GP_OK;
    size_t bad = gp_matrix_find_nonfinite(K);
    if (bad != (size_t)-1)
        return gp_error_set(err, GP_ERR_ARG,
                            "covariance matrix has a non-finite entry %g at (%zu, %zu)",
                            K->data[bad], bad % n + 1, bad / n + 1);
    for (size_t j = 0; j < n; j++)
        for (size_t i = j + 1; i < n; i++)
            if (fabs(a[j * n + i] - a[i * n + j]) > symtol)
                return gp_error_set(err, GP_ERR_ARG,
                                    "covariance matrix is not symmetric: K(%zu, %zu) = %.17g but "
                                    "K(%zu, %zu) = %.17g",
                                    i + 1, j + 1, a[j * n + i], j + 1, i + 1, a[i * n + j]);
    return GP_OK;
}

/* gp_mvn_factor; trusted: K is exactly symmetric by construction (a Gram
 * matrix), so the O(n^2) check of K runs only if the Cholesky fails (a NaN or
 * inf in the lower triangle makes it fail: it reaches the diagonal). */
static gp_code factor(gp_matrix *K, double jitter_rel, int trusted, gp_factor *F, gp_error *err)
{
    if (!F)
        return gp_error_set(err, GP_ERR_ARG, "gp_mvn_factor: no factor to fill (F is NULL)");
    memset(F, 0, sizeof *F);
    if (!K || (!K->data && K->rows * K->cols > 0))
        return gp_error_set(err, GP_ERR_ARG, "gp_mvn_factor: no covariance matrix (K is NULL)");
    if (K->rows != K->cols)
        return gp_error_set(err, GP_ERR_DIM, "covariance matrix must be square, got %zu x %zu",
                            K->rows, K->cols);
    size_t n = K->rows;
    if (n == 0)
        return gp_error_set(err, GP_ERR_DIM, "covariance matrix is empty (0 x 0)");
    if (n > (size_t)INT_MAX)
        return gp_error_set(err, GP_ERR_DIM,
                            "covariance matrix too large for LAPACK: %zu x %zu", n, n);
    if (!(jitter_rel >= 0.0) || !isfinite(jitter_rel))
        return gp_error_set(err, GP_ERR_ARG,
                            "jitter must be finite and >= 0 (relative to mean diag), got %g",
                            jitter_rel);
    double *a = K->data;
    double dmax = 0.0, dsum = 0.0;
    for (size_t i = 0; i < n; i++) {
        dsum += a[i * n + i];
        if (fabs(a[i * n + i]) > dmax)
            dmax = fabs(a[i * n + i]);
    }
    /* Symmetry: dpotrf/dpstrf read the lower triangle, the residual check and
     * the restore the upper one; they must agree. Rounding in a kernel can
     * make them differ in the last bits; sqrt(eps) * max diag allows that. */
    double symtol = sqrt(DBL_EPSILON) * dmax;
    gp_code rc = !trusted || !isfinite(dsum) ? check_matrix(K, symtol, err) : GP_OK;
    if (rc)
        return rc;

    double mean = dsum / (double)n;
    double jitter = jitter_rel > 0.0 && mean > 0.0 ? jitter_rel * mean : 0.0;
    if (!isfinite(jitter))
        return gp_error_set(err, GP_ERR_ARG, "jitter %g * mean diag %g is not finite", jitter_rel,
                            mean);

    double *diag = malloc(n * sizeof *diag);
    if (!diag)
        return gp_error_set(err, GP_ERR_NOMEM, "out of memory saving the diagonal (n = %zu)", n);
    for (size_t i = 0; i < n; i++)
        diag[i] = a[i * n + i];

    /* 1. Cholesky of K + jitter I. */
    if (jitter > 0.0)
        for (size_t i = 0; i < n; i++)
            a[i * n + i] += jitter;
    /* _work: the NaN scan of LAPACKE_dpotrf is done above already */
    lapack_int info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', (lapack_int)n, a, (lapack_int)n);
    if (info == 0) {
        int ok = 1;
        for (size_t i = 0; i < n && ok; i++)
            ok = isfinite(a[i * n + i]) && a[i * n + i] > 0.0;
        if (ok) {
            free(diag);
            F->L = K;
            F->n = n;
            F->rank = n;
            F->method = GP_FACTOR_CHOLESKY;
            F->jitter = jitter;
            F->residual = 0.0;
            return GP_OK;
        }
        info = 1; /* overflow in the factor: treat as a failed Cholesky */
    }
    if (info < 0) {
        restore_lower(a, n, diag);
        free(diag);
        return gp_error_set(err, GP_ERR_NUMERIC, "LAPACKE_dpotrf failed: argument %d illegal",
                            (int)-info);
    }

    /* 2. Pivoted Cholesky of K itself (no jitter). */
    restore_lower(a, n, diag);
    if (trusted && (rc = check_matrix(K, symtol, err)) != GP_OK) {
        free(diag);
        return rc;
    }
    lapack_int *ipiv = malloc(n * sizeof *ipiv);
    int *piv = malloc(n * sizeof *piv);
    if (!ipiv || !piv) {
        free(ipiv);
        free(piv);
        free(diag);
        return gp_error_set(err, GP_ERR_NOMEM, "out of memory for pivots (n = %zu)", n);
    }
    lapack_int rank = 0;
    double tol = (double)n * DBL_EPSILON * dmax;
    info = LAPACKE_dpstrf(LAPACK_COL_MAJOR, 'L', (lapack_int)n, a, (lapack_int)n, ipiv, &rank,
                          tol);
    if (info < 0) {
        restore_lower(a, n, diag);
        free(ipiv);
        free(piv);
        free(diag);
        return gp_error_set(err, GP_ERR_NUMERIC,
                            info == LAPACK_WORK_MEMORY_ERROR
                                ? "LAPACKE_dpstrf: out of memory (code %d)"
                                : "LAPACKE_dpstrf failed: argument %d illegal",
                            (int)-info);
    }
    for (size_t i = 0; i < n; i++)
        piv[i] = (int)ipiv[i] - 1;
    free(ipiv);
    size_t r = (size_t)rank;

    /* 3. Residual Schur complement on the rows not pivoted in. */
    double resid = 0.0;
    if (schur_residual(a, n, r, diag, piv, &resid) != 0) {
        restore_lower(a, n, diag);
        free(piv);
        free(diag);
        return gp_error_set(err, GP_ERR_NOMEM, "out of memory for the residual check (n = %zu)",
                            n);
    }
    double thresh = RESID_FACTOR * (double)n * DBL_EPSILON * dmax;
    if (resid > thresh) {
        restore_lower(a, n, diag);
        free(piv);
        free(diag);
        char jit[128] = "";
        if (jitter > 0.0)
            snprintf(jit, sizeof jit, "; Cholesky also failed with jitter %g", jitter);
        if (dmax > 0.0)
            return gp_error_set(err, GP_ERR_NOT_PSD,
                                "covariance is not positive semi-definite: residual %.3g after "
                                "rank %zu of %zu (relative %.3g to max diag %.3g, tolerance "
                                "%.3g)%s",
                                resid, r, n, resid / dmax, dmax, thresh / dmax, jit);
        return gp_error_set(err, GP_ERR_NOT_PSD,
                            "covariance is not positive semi-definite: residual %.3g after rank "
                            "%zu of %zu with a zero diagonal%s",
                            resid, r, n, jit);
    }
    free(diag);

    /* 4. Leave exactly the factor in L[:, :r]: zero the strict upper part of
     * its columns and the lower part of columns r..n-1. */
    for (size_t j = 0; j < n; j++) {
        if (j < r)
            memset(a + j * n, 0, j * sizeof *a);
        else
            memset(a + j * n + j, 0, (n - j) * sizeof *a);
    }

    F->L = K;
    F->piv = piv;
    F->n = n;
    F->rank = r;
    F->method = GP_FACTOR_PIVOTED_CHOLESKY;
    F->jitter = 0.0;
    F->residual = resid;
    return GP_OK;
}

gp_code gp_mvn_factor(gp_matrix *K, double jitter_rel, gp_factor *F, gp_error *err)
{
    return factor(K, jitter_rel, 0, F, err);
}

gp_code gp_mvn_factor_gram(gp_matrix *K, double jitter_rel, gp_factor *F, gp_error *err)
{
    return factor(K, jitter_rel, 1, F, err);
}

gp_code gp_mvn_draw(const gp_factor *F, const double *mu, gp_rng *rng, gp_matrix *out,
                    gp_error *err)
{
    if (!F || !F->L || !F->L->data)
        return gp_error_set(err, GP_ERR_ARG, "gp_mvn_draw: no factor (call gp_mvn_factor first)");
    if (!rng)
        return gp_error_set(err, GP_ERR_ARG, "gp_mvn_draw: no random generator");
    if (!out)
        return gp_error_set(err, GP_ERR_ARG, "gp_mvn_draw: no output matrix");
    size_t n = F->n, r = F->rank, ns = out->cols;
    if (F->L->rows != n || F->L->cols != n || r > n || n > (size_t)INT_MAX ||
        (F->method == GP_FACTOR_PIVOTED_CHOLESKY && !F->piv) ||
        (F->method == GP_FACTOR_CHOLESKY && r != n))
        return gp_error_set(err, GP_ERR_ARG, "gp_mvn_draw: the factor is inconsistent");
    if (out->rows != n)
        return gp_error_set(err, GP_ERR_DIM,
                            "sample matrix must have %zu rows (one per point), got %zu x %zu", n,
                            out->rows, out->cols);
    if (ns == 0)
        return GP_OK;
    if (ns > (size_t)INT_MAX)
        return gp_error_set(err, GP_ERR_DIM, "too many samples for BLAS: %zu", ns);
    if (!out->data)
        return gp_error_set(err, GP_ERR_ARG, "gp_mvn_draw: output matrix has no data");
    if (mu)
        for (size_t i = 0; i < n; i++)
            if (!isfinite(mu[i]))
                return gp_error_set(err, GP_ERR_ARG, "mean has a non-finite entry %g at %zu",
                                    mu[i], i + 1);

    const double *L = F->L->data;
    double *o = out->data;
    if (F->method == GP_FACTOR_CHOLESKY) {
        gp_rng_normals(rng, o, n * ns);
        cblas_dtrmm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)n,
                    (int)ns, 1.0, L, (int)n, o, (int)n);
    } else {
        double *tmp = malloc(n * sizeof *tmp);
        double *z = NULL;
        if (r > 0 && ns > SIZE_MAX / sizeof *z / r) {
            free(tmp);
            return gp_error_set(err, GP_ERR_NOMEM, "too many samples: %zu x rank %zu", ns, r);
        }
        if (r > 0)
            z = malloc(r * ns * sizeof *z);
        if (!tmp || (r > 0 && !z)) {
            free(tmp);
            free(z);
            return gp_error_set(err, GP_ERR_NOMEM, "out of memory for %zu x %zu normals", r, ns);
        }
        if (r > 0) {
            gp_rng_normals(rng, z, r * ns);
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)ns, (int)r, 1.0,
                        L, (int)n, z, (int)r, 0.0, o, (int)n);
        } else {
            memset(o, 0, n * ns * sizeof *o);
        }
        free(z);
        /* P^T K P = L L^T: row i of L z is row piv[i] of the sample. */
        for (size_t j = 0; j < ns; j++) {
            double *col = o + j * n;
            for (size_t i = 0; i < n; i++)
                tmp[F->piv[i]] = col[i];
            memcpy(col, tmp, n * sizeof *col);
        }
        free(tmp);
    }
    if (mu)
        for (size_t j = 0; j < ns; j++)
            for (size_t i = 0; i < n; i++)
                o[j * n + i] += mu[i];
    return GP_OK;
}
