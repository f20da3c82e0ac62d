/* gp_grid.h: exact draws of a stationary GP on a regular 1-D grid by
 * circulant embedding (Wood & Chan 1994; Dietrich & Newsam 1997), with FFTW3.
 *
 * Grid x_i = a + i h, i = 0..n-1. The covariance K_ij = c(|i - j| h) is a
 * symmetric Toeplitz matrix; it is embedded in the m x m circulant C with
 * first row
 *     c_j = k(0, min(j, m - j) h),  j = 0..m-1,
 * m a power of two, m >= 2 (n - 1) and m >= 2, so K is C's leading n x n block.
 * C = F diag(lambda) F^H / m with real eigenvalues
 *     lambda_k = sum_j c_j cos(2 pi j k / m),
 * computed by one in-place real-to-complex FFT of the first row (size m).
 * If C is PSD (lambda >= 0) then for z = z1 + i z2 with z1, z2 independent
 * N(0, I_m), y = F (sqrt(lambda / m) .* z) (one complex FFT, unnormalised) has
 * E[y y^H] = 2 C and E[y y^T] = 0, so Re y and Im y are two INDEPENDENT exact
 * N(0, C) vectors; their first n entries are two exact draws of f on the grid.
 *
 * Negative eigenvalues: the FFT computes lambda with an absolute rounding
 * error of order eps log2(m) sum_j |c_j|, so eigenvalues above
 *     -tol * S,  S = sum_j |c_j| (>= max |lambda|; = lambda_max when c >= 0),
 *     tol = 32 eps log2(m)   (about 1.5e-13 at m = 2^21)
 * are rounding noise of a PSD C: they are clipped to 0, and the clipped mass
 * sum |lambda_k < 0| / sum lambda_k is reported. A more negative eigenvalue
 * means the embedding is indefinite (it is, for smooth kernels whose c has
 * not decayed by m h / 2): m is doubled ("padding") and the test repeated, at
 * most max_paddings times and while m <= max_embedding. If it stays
 * indefinite, the dense rank-aware sampler (gp_sampler.h) on the n x n Gram
 * matrix is used when n <= dense_limit, with the reason recorded in the info;
 * otherwise it is an error that says what to change.
 *
 * Cost: O(m log m) per pair of draws and O(m) memory (2 m doubles for the
 * complex buffer plus m/2 + 1 eigenvalues). One FFTW_ESTIMATE plan serves all
 * draws. RNG use: per pair of draws, 2 m normals (re, im interleaved). */
#ifndef GP_GRID_H
#define GP_GRID_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_func.h"
#include "gp_kernel.h"
#include "gp_matrix.h"
#include "gp_rng.h"
#include "gp_sampler.h"

typedef enum gp_grid_method {
    GP_GRID_AUTO,      /* circulant; the dense sampler if the embedding stays indefinite */
    GP_GRID_CIRCULANT, /* circulant only: an indefinite embedding is an error */
    GP_GRID_DENSE      /* the dense rank-aware sampler on the n x n Gram matrix */
} gp_grid_method;

typedef struct gp_grid_options {
    gp_grid_method method; /* default GP_GRID_AUTO */
    unsigned max_paddings; /* doublings of m allowed (default 8) */
    size_t max_embedding;  /* largest m tried; 0 = max(32 n, 2^16) (default 0) */
    size_t dense_limit;    /* largest n for the dense fallback (default 10000) */
    double tol;            /* relative eigenvalue tolerance; 0 = 32 eps log2(m) (default 0) */
} gp_grid_options;

void gp_grid_options_default(gp_grid_options *opt);

typedef struct gp_grid_info {
    gp_grid_method method; /* what was used: GP_GRID_CIRCULANT or GP_GRID_DENSE */
    size_t n;              /* grid points */
    size_t m;              /* embedding size (the last one tried, if dense) */
    unsigned paddings;     /* doublings of m beyond the minimal one */
    double clipped;        /* sum |negative lambda| / sum lambda (clipped to 0) */
    double lambda_min, lambda_max;
    double tol;            /* the relative tolerance used */
    gp_factor dense;       /* dense path: method, rank, jitter, residual (L, piv cleared) */
    char reason[256];      /* why the dense sampler was used ("" otherwise) */
} gp_grid_info;

/* "circulant" or "dense" ("auto" for GP_GRID_AUTO). */
const char *gp_grid_method_name(gp_grid_method m);

/* Draw out->cols samples of GP(mean, k) on x_i = a + i h, i = 0..n-1, into
 * out (n x ns, preallocated, n = out->rows >= 1, ns >= 1; sample j is column j).
 * k must be stationary (gp_kernel_is_stationary) and 1-D; mean may be NULL
 * (zero). opt may be NULL (defaults); info may be NULL. h > 0 and a finite
 * (h is ignored when n = 1). Errors name the problem: a non-stationary kernel
 * (use the dense sampler, f:sample), an indefinite embedding with no fallback,
 * out of memory, a failing mean or kernel evaluation. */
gp_code gp_grid_sample(const gp_kernel *k, const gp_func *mean, double a, double h,
                       const gp_grid_options *opt, gp_rng *rng, gp_matrix *out,
                       gp_grid_info *info, gp_error *err);

#endif
