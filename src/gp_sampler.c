/* gp_sampler.c: scale-invariant, rank-aware factorisation of a covariance and
 * draws from N(mu, K).
 *
 * See gp_sampler.h for the algorithm. Notes on the implementation:
 *   - K is never copied. LAPACK's dpotrf/dpstrf with uplo 'L' never reference
 *     the strict upper triangle, so it keeps the original K; with the saved
 *     diagonal that is enough to rebuild C after a failed Cholesky, to
 *     recompute original entries for the residual check, and to give K back
 *     on an error.
 *   - After success the factor lives in the lower part of F->L:
 *       cholesky:          K's factor in the lower triangle (the strict upper
 *                          triangle still holds K's upper triangle; dtrmm
 *                          ignores it); F->scale is NULL;
 *       pivoted-cholesky:  C's factor in columns 0..r-1 (strict upper part
 *                          zeroed), columns r..n-1 zero below the diagonal
 *                          (the strict upper triangle there still holds K's);
 *                          F->scale = sqrt(diag K) takes it back to K's scale
 *                          in the draws.
 *     So F->L is n x n but only L[:, :rank] (lower part) is the factor.
 *   - Draws: Z is filled column by column from the generator, so the first
 *     column of a k-sample draw equals a 1-sample draw with the same
 *     generator state. A rank-0 factor consumes no normals.
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

/* Tiles of TILE x TILE entries for the passes that read K's upper triangle
 * by rows (strided), so that those reads stay in cache. */
#define TILE 64

/* Why GP_SAMPLER_RESID_FACTOR (gp_sampler.h) is 100: dpstrf stops when every
 * remaining diagonal entry of the Schur complement S of C is <= n eps (its
 * tolerance, C_ii = 1); for PSD K, S is PSD, so |S_ij| <= sqrt(S_ii S_jj) is
 * below that tolerance too. Rounding adds to each computed S_ij at most about
 * (r + 2) eps (the sum C_ij - sum_k L_ik L_jk has terms bounded in total by
 * sqrt(C_ii C_jj) = 1, by Cauchy-Schwarz) plus the backward error of the
 * factor, of the same order. So a PSD K gives a relative residual of a few
 * n eps at most. Measured on RBF (l = 0.05..5), NN, linear x periodic,
 * warped RBF and random low-rank Gram matrices with n = 50..2000, it never
 * exceeded 1.0 n eps, so 100 leaves a margin of two orders of magnitude,
 * while a truly indefinite K gives residuals of order its negative
 * eigenvalues relative to the variances (0.5 .. 15 in the tests). A symmetric
 * (n-r) x (n-r) S with all |S_ij| <= t sqrt(K_ii K_jj) is within
 * +-(n-r) t of PSD in the scale of D, so passing the check bounds how far
 * K is from PSD, relative to each variance. */

/* GP_SAMPLER_FLUSH_BELOW: entries of C below it in magnitude are set to 0
 * before the factorisation. Why: C_ij = K_ij / sqrt(K_ii K_jj) decays to tiny values for OU, exponential
 * and Matern kernels on wide domains; dpotrf's products of two such entries
 * are subnormal numbers, on which the FPU is ~100x slower (dpotrf ~6x slower
 * as a whole). Products of two entries >= sqrt(DBL_MIN) are >= DBL_MIN, normal.
 * Why it changes no draw beyond rounding: the perturbation E has
 * |E_ij| < sqrt(DBL_MIN) = 1.5e-154 entry-wise on C, so ||E||_2 < n 1.5e-154
 * (< 1e-144 for any n LAPACK takes), while the factorisation's own backward
 * error is about n eps ~ 1e-13 relative to the variances: E is 130 orders of
 * magnitude below rounding. Flush-to-zero in the FPU (MXCSR FTZ/DAZ) would
 * not reach the computation: OpenBLAS starts its threads in its library
 * constructor, before main, and Debian's build (0.3.21) does not pass the
 * caller's MXCSR to them (no ldmxcsr in libopenblas); flushing the matrix
 * works whichever thread computes. */

const char *gp_factor_method_name(gp_factor_method m)
{
    switch (m) {
    case GP_FACTOR_CHOLESKY:
        return "cholesky";
    case GP_FACTOR_PIVOTED_CHOLESKY:
        return "pivoted-cholesky";
    case GP_FACTOR_LOWRANK:
        return "lowrank";
    case GP_FACTOR_PATHWISE:
        return "pathwise";
    }
    return "unknown";
}

void gp_factor_free(gp_factor *F)
{
    if (!F)
        return;
    free(F->piv);
    free(F->scale);
    if (F->owns_L)
        gp_matrix_free(F->L);
    F->piv = NULL;
    F->scale = NULL;
    if (F->owns_L)
        F->L = NULL;
    F->owns_L = 0;
}

static inline double flushed(double v)
{
    return fabs(v) < GP_SAMPLER_FLUSH_BELOW ? 0.0 : v;
}

/* The strict lower triangle of a (n x n, lda n) from its strict upper one,
 * which holds K and is never written: copied as it is (s NULL), or scaled to
 * C_ij = K_ij s_i s_j and flushed. Returns 1 if every entry read is finite. */
static int lower_from_upper(double *a, size_t n, const double *s)
{
    int finite = 1;
    for (size_t j0 = 0; j0 < n; j0 += TILE) {
        const size_t j1 = n - j0 < TILE ? n : j0 + TILE;
        for (size_t i0 = j0; i0 < n; i0 += TILE) {
            const size_t i1 = n - i0 < TILE ? n : i0 + TILE;
            for (size_t j = j0; j < j1; j++) {
                double *col = a + j * n;
                const double sj = s ? s[j] : 1.0;
                for (size_t i = i0 > j + 1 ? i0 : j + 1; i < i1; i++) {
                    const double v = a[i * n + j];
                    finite &= isfinite(v);
                    col[i] = s ? flushed(v * sj * s[i]) : v;
                }
            }
        }
    }
    return finite;
}

/* K back from its strict upper triangle and diagonal d. */
static void restore_k(double *a, size_t n, const double *d)
{
    lower_from_upper(a, n, NULL);
    for (size_t j = 0; j < n; j++)
        a[j * n + j] = d[j];
}

/* About this many columns of K's lower triangle are looked at by tiny_entries. */
#define TINY_SAMPLE 64

/* 1 if K's lower triangle seems to hold correlations below
 * GP_SAMPLER_FLUSH_BELOW: about TINY_SAMPLE of its columns are looked at
 * (about 64 / n of the triangle, the first column included: for sorted inputs
 * it holds the most distant pairs). A miss costs only speed, never accuracy:
 * flushing is a perturbation far below rounding (see above). */
static int tiny_entries(const double *a, size_t n, const double *sd)
{
    const size_t step = n / TINY_SAMPLE + 1;
    for (size_t j = 0; j < n; j += step) {
        const double *col = a + j * n, t = GP_SAMPLER_FLUSH_BELOW * sd[j];
        int any = 0;
        for (size_t i = j + 1; i < n; i++)
            any |= (fabs(col[i]) < t * sd[i]) & (col[i] != 0.0);
        if (any)
            return 1;
    }
    return 0;
}

/* Every entry of K's lower triangle with |K_ij| < GP_SAMPLER_FLUSH_BELOW
 * sqrt(K_ii K_jj) set to 0 (sd = sqrt(diag K)). */
static void flush_lower(double *a, size_t n, const double *sd)
{
    for (size_t j = 0; j < n; j++) {
        double *col = a + j * n;
        const double t = GP_SAMPLER_FLUSH_BELOW * sd[j];
        for (size_t i = j + 1; i < n; i++)
            col[i] = fabs(col[i]) < t * sd[i] ? 0.0 : col[i];
    }
}

/* Original K(p, q) from the untouched strict upper triangle and diag. */
static double orig_entry(const double *a, size_t n, const double *d, size_t p, size_t q)
{
    if (p == q)
        return d[p];
    return p < q ? a[q * n + p] : a[p * n + q];
}

/* Max |S_ab| of the residual Schur complement S = C22 - L21 L21^T of C over
 * the rows/columns r..n-1 of the pivoted order, in blocks of RESID_BLOCK
 * columns (lower part of S only; S is symmetric). *resid receives it, *wa and
 * *wb the 0-based original indices of the worst entry; NaN counts as
 * infinite. Returns 0, or -1 if out of memory. */
static int schur_residual(const double *a, size_t n, size_t r, const double *d, const double *s,
                          const int *piv, double *resid, size_t *wa, size_t *wb)
{
    size_t m = n - r;
    *resid = 0.0;
    *wa = *wb = 0;
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
        for (size_t jb = 0; jb < w; jb++) {
            const size_t q = (size_t)piv[b0 + jb];
            for (size_t ia = jb; ia < h; ia++) {
                const size_t p = (size_t)piv[b0 + ia];
                c[jb * h + ia] = orig_entry(a, n, d, p, q) * s[p] * s[q];
            }
        }
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
                if (v > worst) {
                    worst = v;
                    *wa = (size_t)piv[b0 + ia];
                    *wb = (size_t)piv[b0 + jb];
                }
            }
    }
    free(c);
    *resid = worst;
    return 0;
}

/* 1 if every entry of K (n x n) is finite and |K_ij - K_ji| <= tol_i tol_j
 * (tol_i = sqrt(GP_SYM_REL_TOL |K_ii|)), else 0. One pass over K in TILE x TILE
 * tiles, a lower one with its mirror image. NaN and inf fail the test
 * |a - b| <= t (inf - inf is NaN). */
static int check_sym_finite(const double *a, size_t n, const double *tol)
{
    int ok = 1;
    for (size_t j0 = 0; j0 < n; j0 += TILE) {
        const size_t j1 = n - j0 < TILE ? n : j0 + TILE;
        for (size_t i0 = j0; i0 < n; i0 += TILE) {
            const size_t i1 = n - i0 < TILE ? n : i0 + TILE;
            for (size_t j = j0; j < j1; j++) {
                const double *col = a + j * n;
                for (size_t i = i0 > j ? i0 : j; i < i1; i++)
                    ok &= fabs(col[i] - a[i * n + j]) <= tol[i] * tol[j];
            }
        }
    }
    return ok;
}

/* Errors for a K with a non-finite entry or asymmetric by more than
 * sqrt(eps) sqrt(|K_ii K_jj|), each reported at its first place in
 * column-major order. tol as in check_sym_finite. */
static gp_code check_matrix(const gp_matrix *K, const double *tol, gp_error *err)
{
    const size_t n = K->rows;
    const double *a = K->data;
    if (check_sym_finite(a, n, tol)) /* the usual case: one pass */
        return GP_OK;
    size_t bad = gp_matrix_find_nonfinite(K);
    if (bad != (size_t)-1)
        return gp_error_set(err, GP_ERR_ARG,
                            "covariance matrix has a non-finite entry %g at (%zu, %zu)",
                            K->data[bad], bad % n + 1, bad / n + 1);
    for (size_t j = 0; j < n; j++)
        for (size_t i = j + 1; i < n; i++)
            if (!(fabs(a[j * n + i] - a[i * n + j]) <= tol[i] * tol[j]))
                return gp_error_set(err, GP_ERR_ARG,
                                    "covariance matrix is not symmetric: K(%zu, %zu) = %.17g but "
                                    "K(%zu, %zu) = %.17g (tolerance sqrt(eps) sqrt(K_ii K_jj) = "
                                    "%.3g)",
                                    i + 1, j + 1, a[j * n + i], j + 1, i + 1, a[i * n + j],
                                    tol[i] * tol[j]);
    return GP_OK;
}

/* A negative variance, or a zero variance with a non-zero entry in its row
 * (read in the lower triangle), is GP_ERR_NOT_PSD. */
static gp_code check_variances(const double *a, size_t n, const double *d, gp_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (d[i] < 0.0)
            return gp_error_set(err, GP_ERR_NOT_PSD,
                                "covariance is not positive semi-definite: the variance K(%zu, "
                                "%zu) = %g is negative",
                                i + 1, i + 1, d[i]);
    for (size_t i = 0; i < n; i++) {
        if (d[i] != 0.0)
            continue;
        for (size_t j = 0; j < n; j++) {
            const double v = j > i ? a[i * n + j] : a[j * n + i]; /* K(j, i), lower part */
            if (j != i && v != 0.0)
                return gp_error_set(err, GP_ERR_NOT_PSD,
                                    "covariance is not positive semi-definite: K(%zu, %zu) = 0 "
                                    "but K(%zu, %zu) = %g (a zero variance needs a zero row)",
                                    i + 1, i + 1, j > i ? j + 1 : i + 1, j > i ? i + 1 : j + 1,
                                    v);
        }
    }
    return GP_OK;
}

/* The pivoted path (steps 3-4 of gp_sampler.h) on a lower triangle that
 * holds garbage from a failed dpotrf. d: K's diagonal; s: 1/sqrt(d) (0 for
 * a zero variance). On success fills F's piv, rank and residual; on an error
 * K is restored. */
static gp_code factor_pivoted(gp_matrix *K, const double *d, const double *s, int trusted,
                              const double *symtol, double jitter_rel, gp_factor *F,
                              gp_error *err)
{
    const size_t n = K->rows;
    double *a = K->data;
    if (!lower_from_upper(a, n, s) && trusted) {
        restore_k(a, n, d);
        return check_matrix(K, symtol, err); /* names the non-finite entry */
    }
    for (size_t j = 0; j < n; j++)
        a[j * n + j] = s[j] > 0.0 ? 1.0 : 0.0;

    lapack_int *ipiv = malloc(n * sizeof *ipiv);
    int *piv = malloc(n * sizeof *piv);
    if (!ipiv || !piv) {
        free(ipiv);
        free(piv);
        restore_k(a, n, d);
        return gp_error_set(err, GP_ERR_NOMEM, "out of memory for pivots (n = %zu)", n);
    }
    lapack_int rank = 0;
    const double tol = (double)n * DBL_EPSILON; /* C's diagonal is 1 */
    lapack_int info = LAPACKE_dpstrf(LAPACK_COL_MAJOR, 'L', (lapack_int)n, a, (lapack_int)n,
                                     ipiv, &rank, tol);
    if (info < 0) {
        free(ipiv);
        free(piv);
        restore_k(a, n, d);
        return gp_error_set(err, GP_ERR_NUMERIC,
                            info == LAPACK_WORK_MEMORY_ERROR
                                ? "LAPACKE_dpstrf: out of memory (code %d)"
                                : "LAPACKE_dpstrf failed: argument %d illegal",
                            (int)-info);
    }
    for (size_t i = 0; i < n; i++)
        piv[i] = (int)ipiv[i] - 1;
    free(ipiv);
    const size_t r = (size_t)rank;

    /* Residual Schur complement on the rows not pivoted in, relative to the
     * variances (it is computed on C). */
    double resid = 0.0;
    size_t wa, wb;
    if (schur_residual(a, n, r, d, s, piv, &resid, &wa, &wb) != 0) {
        free(piv);
        restore_k(a, n, d);
        return gp_error_set(err, GP_ERR_NOMEM, "out of memory for the residual check (n = %zu)",
                            n);
    }
    const double thresh = GP_SAMPLER_RESID_FACTOR * (double)n * DBL_EPSILON;
    if (resid > thresh) {
        free(piv);
        restore_k(a, n, d);
        char jit[96] = "";
        if (jitter_rel > 0.0)
            snprintf(jit, sizeof jit, "; Cholesky also failed with relative jitter %g",
                     jitter_rel);
        return gp_error_set(err, GP_ERR_NOT_PSD,
                            "covariance is not positive semi-definite: relative residual %.3g "
                            "after rank %zu of %zu, at K(%zu, %zu) (|S_ij| / sqrt(K_ii K_jj) of "
                            "the residual Schur complement; rounding explains up to %.3g)%s",
                            resid, r, n, wa > wb ? wa + 1 : wb + 1, wa > wb ? wb + 1 : wa + 1,
                            thresh, jit);
    }

    /* Leave exactly the factor in L[:, :r]: zero the strict upper part of
     * its columns and the lower part of columns r..n-1. */
    for (size_t j = 0; j < n; j++) {
        if (j < r)
            memset(a + j * n, 0, j * sizeof *a);
        else
            memset(a + j * n + j, 0, (n - j) * sizeof *a);
    }
    F->piv = piv;
    F->rank = r;
    F->method = GP_FACTOR_PIVOTED_CHOLESKY;
    F->residual = resid;
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
    const size_t n = K->rows;
    if (n == 0)
        return gp_error_set(err, GP_ERR_DIM, "covariance matrix is empty (0 x 0)");
    if (n > (size_t)INT_MAX)
        return gp_error_set(err, GP_ERR_DIM,
                            "covariance matrix too large for LAPACK: %zu x %zu", n, n);
    if (!(jitter_rel >= 0.0) || !isfinite(jitter_rel))
        return gp_error_set(err, GP_ERR_ARG,
                            "jitter must be finite and >= 0 (relative to each variance), got %g",
                            jitter_rel);
    double *a = K->data;
    /* d: diag K; s: 1 / sqrt(d) (0 for a zero variance), the scaling to C;
     * symtol: sqrt(GP_SYM_REL_TOL |d|), the symmetry tolerance; sd: sqrt(d),
     * kept in F as the scaling back. */
    double *d = malloc(3 * n * sizeof *d), *sd = malloc(n * sizeof *sd);
    if (!d || !sd) {
        free(d);
        free(sd);
        return gp_error_set(err, GP_ERR_NOMEM, "out of memory saving the diagonal (n = %zu)", n);
    }
    double *s = d + n, *symtol = d + 2 * n;
    int finite = 1;
    for (size_t i = 0; i < n; i++) {
        d[i] = a[i * n + i];
        finite &= isfinite(d[i]);
        symtol[i] = sqrt(GP_SYM_REL_TOL * fabs(d[i]));
    }
    gp_code rc = !trusted || !finite ? check_matrix(K, symtol, err) : GP_OK;
    if (!rc)
        rc = check_variances(a, n, d, err);
    if (rc) {
        free(d);
        free(sd);
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        sd[i] = sqrt(d[i]);
        /* a subnormal d makes 1 / sqrt(d) up to 4.5e161: still finite */
        s[i] = d[i] > 0.0 ? 1.0 / sd[i] : 0.0;
    }

    /* 1-2. Cholesky of K + jitter D, with tiny correlations flushed. Cholesky
     * is invariant under the diagonal scaling D^1/2 (up to rounding), so it
     * runs on K itself: no pass over the matrix unless there is something to
     * flush. */
    if (tiny_entries(a, n, sd))
        flush_lower(a, n, sd);
    if (jitter_rel > 0.0) /* K_ii (1 + jitter) */
        for (size_t i = 0; i < n; i++)
            a[i * n + i] += jitter_rel * d[i];
    /* _work: the NaN scan of LAPACKE_dpotrf is not needed (see above) */
    lapack_int info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', (lapack_int)n, a, (lapack_int)n);
    if (info < 0) {
        restore_k(a, n, d);
        free(d);
        free(sd);
        return gp_error_set(err, GP_ERR_NUMERIC, "LAPACKE_dpotrf failed: argument %d illegal",
                            (int)-info);
    }
    int ok = info == 0;
    for (size_t i = 0; i < n && ok; i++)
        ok = isfinite(a[i * n + i]) && a[i * n + i] > 0.0;
    if (ok) {
        F->rank = n;
        F->method = GP_FACTOR_CHOLESKY;
        F->jitter = jitter_rel;
        free(sd); /* the factor is K's own */
        sd = NULL;
    } else {
        /* 3-4. Pivoted Cholesky of C (no jitter). */
        rc = factor_pivoted(K, d, s, trusted, symtol, jitter_rel, F, err);
    }
    free(d);
    if (rc) {
        free(sd);
        return rc;
    }
    F->L = K;
    F->n = n;
    F->scale = sd;
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

/* 1 if F is a factor gp_mvn_draw can use. */
static int factor_consistent(const gp_factor *F)
{
    const size_t n = F->n, r = F->rank;
    if (F->L->rows != n || r > n || n > (size_t)INT_MAX || F->L->cols < r)
        return 0;
    switch (F->method) {
    case GP_FACTOR_CHOLESKY:
        return r == n && F->L->cols == n;
    case GP_FACTOR_PIVOTED_CHOLESKY:
        return F->piv != NULL && F->L->cols == n;
    case GP_FACTOR_LOWRANK:
        return 1;
    case GP_FACTOR_PATHWISE:
        return 0;
    }
    return 0;
}

gp_code gp_factor_expand(const gp_factor *F, gp_matrix *B, gp_error *err)
{
    if (!F || !F->L || !F->L->data || !factor_consistent(F))
        return gp_error_set(err, GP_ERR_ARG, "gp_factor_expand: no consistent factor");
    const size_t n = F->n, r = F->rank;
    if (!B || B->rows != n || B->cols != r || (!B->data && n * r > 0))
        return gp_error_set(err, GP_ERR_DIM, "gp_factor_expand: B must be %zu x %zu", n, r);
    for (size_t k = 0; k < r; k++)
        for (size_t i = 0; i < n; i++) {
            const size_t row = F->method == GP_FACTOR_PIVOTED_CHOLESKY ? (size_t)F->piv[i] : i;
            /* the dense factors are lower triangular (their strict upper part
             * may hold K): L(i, k) for k <= i only */
            const double v = F->method != GP_FACTOR_LOWRANK && k > i ? 0.0 : GP_AT(F->L, i, k);
            GP_AT(B, row, k) = F->scale ? v * F->scale[row] : v;
        }
    return GP_OK;
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
    if (!factor_consistent(F))
        return gp_error_set(err, GP_ERR_ARG, "gp_mvn_draw: the factor is inconsistent");
    const size_t n = F->n, r = F->rank, ns = out->cols;
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

    const double *L = F->L->data, *sc = F->scale;
    double *o = out->data;
    if (F->method == GP_FACTOR_CHOLESKY) {
        gp_rng_normals(rng, o, n * ns);
        cblas_dtrmm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)n,
                    (int)ns, 1.0, L, (int)n, o, (int)n);
        if (sc)
            for (size_t j = 0; j < ns; j++)
                for (size_t i = 0; i < n; i++)
                    o[j * n + i] *= sc[i];
    } else {
        double *z = NULL;
        if (r > 0 && ns > SIZE_MAX / sizeof *z / r)
            return gp_error_set(err, GP_ERR_NOMEM, "too many samples: %zu x rank %zu", ns, r);
        if (r > 0 && !(z = malloc(r * ns * sizeof *z)))
            return gp_error_set(err, GP_ERR_NOMEM, "out of memory for %zu x %zu normals", r, ns);
        if (r > 0) {
            gp_rng_normals(rng, z, r * ns);
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)ns, (int)r, 1.0,
                        L, (int)n, z, (int)r, 0.0, o, (int)n);
        } else {
            memset(o, 0, n * ns * sizeof *o);
        }
        free(z);
        if (F->method == GP_FACTOR_PIVOTED_CHOLESKY) {
            /* P^T C P = L L^T: row i of L z is row piv[i] of the sample. */
            double *tmp = malloc(n * sizeof *tmp);
            if (!tmp)
                return gp_error_set(err, GP_ERR_NOMEM, "out of memory for %zu values", n);
            for (size_t j = 0; j < ns; j++) {
                double *col = o + j * n;
                for (size_t i = 0; i < n; i++)
                    tmp[F->piv[i]] = col[i];
                memcpy(col, tmp, n * sizeof *col);
            }
            free(tmp);
        }
        if (sc)
            for (size_t j = 0; j < ns; j++)
                for (size_t i = 0; i < n; i++)
                    o[j * n + i] *= sc[i];
    }
    if (mu)
        for (size_t j = 0; j < ns; j++)
            for (size_t i = 0; i < n; i++)
                o[j * n + i] += mu[i];
    return GP_OK;
}
