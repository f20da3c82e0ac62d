/* gp_grid.h: exact draws of a stationary GP on a regular 1-D or 2-D grid by
 * circulant embedding (Wood & Chan 1994; Dietrich & Newsam 1997), with FFTW3;
 * and of a separable product kernel on any tensor grid (Kronecker).
 *
 * 1-D grid x_i = a + i h, i = 0..n-1. The covariance K_ij = c(|i - j| h) is a
 * symmetric Toeplitz matrix; it is embedded in the m x m circulant C with
 * first row
 *     c_j = k(0, min(j, m - j) h),  j = 0..m-1,
 * m >= 2 (n - 1) and m >= 2 an FFT size (prime factors 2, 3, 5, 7 only), so K
 * is C's leading n x n block.
 * C = F diag(lambda) F^H / m with real eigenvalues
 *     lambda_k = sum_j c_j cos(2 pi j k / m),
 * computed by one in-place real-to-complex FFT of the first row (size m).
 * If C is PSD (lambda >= 0) then for z = z1 + i z2 with z1, z2 independent
 * N(0, I_m), y = F (sqrt(lambda / m) .* z) (one complex FFT, unnormalised) has
 * E[y y^H] = 2 C and E[y y^T] = 0, so Re y and Im y are two INDEPENDENT exact
 * N(0, C) vectors; their first n entries are two exact draws of f on the grid.
 *
 * 2-D grid (x_i, y_j) = (ax + i hx, ay + j hy), the point index i + nx j (x
 * fastest, as gp.grid). K is block Toeplitz with Toeplitz blocks; it is the
 * leading block of the block-circulant matrix with circulant blocks whose
 * "first row" is the mx x my array (Dietrich & Newsam 1997)
 *     c_{i,j} = k(0, (t_x(i), t_y(j))),  t(i) = i h for i <= m/2, (i - m) h above,
 * mx >= 2 (nx - 1), my >= 2 (ny - 1) FFT sizes. Its eigenvalues are the 2-D
 * DFT of c, and draws are the real and imaginary parts of one 2-D complex FFT,
 * as in 1-D. c is symmetric, c(t) = c(-t), which makes the spectrum real; on
 * the Nyquist lines (i = mx/2 or j = my/2) the two signs of the lag share one
 * entry, which holds the average of both values. That entry is a lag of K only
 * when m = 2 (n - 1) exactly, and there it is exact for every stationary kernel
 * gprior builds: they are even in each coordinate (c(tx, ty) = c(-tx, ty)).
 *
 * Negative eigenvalues: the FFT computes lambda with an absolute rounding
 * error of order eps log2(m) sum_j |c_j|, so eigenvalues above
 *     -tol * S,  S = sum_j |c_j| (>= max |lambda|; = lambda_max when c >= 0),
 *     tol = 32 eps ceil(log2(m))   (m = mx my in 2-D; about 1.5e-13 at m = 2^21)
 * are rounding noise of a PSD C: they are clipped to 0, and the clipped mass
 * sum |lambda_k < 0| / sum lambda_k is reported. A more negative eigenvalue
 * means the embedding is indefinite (it is, for smooth kernels whose c has
 * not decayed by m h / 2): m grows by a quarter (to the next FFT size) in
 * every dimension of more than one point ("padding") and the test is
 * repeated, at most max_paddings times and while m <= max_embedding. If it stays indefinite, the general sampler is
 * used on the grid's points (gp_sample_factor: the low-rank path, which suits
 * the long length-scales that make embeddings indefinite, or the dense one
 * when n <= dense_limit), with the reason recorded in the info; otherwise it
 * is an error that says what to change.
 *
 * Cost: O(m log m) per pair of draws and O(m) memory (2 m doubles for the
 * complex buffer plus about m/2 eigenvalues). One FFTW_ESTIMATE plan serves all
 * draws. RNG use: per pair of draws, 2 m normals (re, im interleaved).
 *
 * Kronecker (gp_grid_kron_sample): for k((x, y), (x', y')) = kx(x, x') ky(y, y')
 * on the tensor grid xs x ys (any points), K = Ky (x) Kx, and with
 * Kx = Bx Bx^T, Ky = By By^T (each factored at its numerical rank by
 * gp_sample_factor) the field F = Bx Z By^T, Z an rx x ry standard normal
 * matrix, has vec(F) ~ N(0, K): exact, in O(nx rx ry + nx ny ry) per draw and
 * O(nx^2 + ny^2) memory at most. */
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
    GP_GRID_AUTO,      /* circulant; the general sampler if the embedding stays indefinite */
    GP_GRID_CIRCULANT, /* circulant only: an indefinite embedding is an error */
    GP_GRID_DENSE      /* requested: the dense rank-aware sampler on the n x n Gram matrix;
                        * reported: the general sampler was used (info.dense says how) */
} gp_grid_method;

typedef struct gp_grid_options {
    gp_grid_method method; /* default GP_GRID_AUTO */
    unsigned max_paddings; /* growths of m by a quarter allowed (default 32) */
    size_t max_embedding;  /* largest m tried; 0 = max(32 n, 2^16) (default 0) */
    size_t dense_limit;    /* largest n (all points) for the dense fallback (default 10000) */
    double tol;            /* relative eigenvalue tolerance; 0 = 32 eps log2(m) (default 0) */
} gp_grid_options;

void gp_grid_options_default(gp_grid_options *opt);

typedef struct gp_grid_info {
    gp_grid_method method; /* what was used: GP_GRID_CIRCULANT or GP_GRID_DENSE */
    size_t n;              /* grid points (nx ny in 2-D) */
    size_t m;              /* embedding size (the last one tried, if dense); mx my in 2-D */
    size_t mx, my;         /* the embedding along x and y (my = 1 in 1-D) */
    unsigned paddings;     /* growths of m beyond the minimal one */
    double clipped;        /* sum |negative lambda| / sum lambda (clipped to 0) */
    double lambda_min, lambda_max;
    double tol;            /* the relative tolerance used */
    gp_factor dense;       /* general sampler: method, rank, residual, note (L, piv, scale
                            * cleared) */
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

/* A regular grid axis: x_i = a + i h, i = 0..n-1 (h ignored when n = 1). */
typedef struct gp_grid_axis {
    double a, h;
    size_t n;
} gp_grid_axis;

/* Draw out->cols samples of GP(mean, k) on the 2-D grid x (x) y into out
 * ((x->n y->n) x ns, preallocated; point i + x->n j is (x_i, y_j); sample s
 * is column s). k must be stationary and take 2-D inputs; mean may be NULL.
 * opt and info may be NULL. Errors as gp_grid_sample. */
gp_code gp_grid2d_sample(const gp_kernel *k, const gp_func *mean, const gp_grid_axis *x,
                         const gp_grid_axis *y, const gp_grid_options *opt, gp_rng *rng,
                         gp_matrix *out, gp_grid_info *info, gp_error *err);

/* Draw out->cols samples of the GP with mean (may be NULL) and kernel
 * kx(x, x') ky(y, y') on the tensor grid of the rows of xs (nx x dx) and ys
 * (ny x dy): out is (nx ny) x ns, point i + nx j is (xs_i, ys_j) (the mean
 * receives that row, dx + dy coordinates). Any kernels, any points: each
 * factor by gp_sample_factor (default options). info (may be NULL) receives
 * the two factors' infos (L, piv, scale cleared). */
gp_code gp_grid_kron_sample(const gp_kernel *kx, const gp_kernel *ky, const gp_func *mean,
                            const gp_matrix *xs, const gp_matrix *ys, gp_rng *rng,
                            gp_matrix *out, gp_factor info[2], gp_error *err);

#endif
