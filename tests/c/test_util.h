/* test_util.h: small helpers shared by the cmocka suites. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gp_func.h"
#include "gp_kernel.h"
#include "gp_matrix.h"
#include "gp_plot.h"
#include "gp_sampler.h"

/* Assert |a - b| <= tol, printing both values on failure. */
#define assert_close(a, b, tol)                                                                   \
    do {                                                                                          \
        double a_ = (a), b_ = (b), t_ = (tol);                                                    \
        if (!(fabs(a_ - b_) <= t_))                                                               \
            fail_msg("%s = %.17g, expected %s = %.17g (tol %.3g)", #a, a_, #b, b_, t_);           \
    } while (0)

/* Distance in representable doubles between a and b (0 if equal; -0 and +0
 * are 0 apart). */
uint64_t test_ulp_dist(double a, double b);

/* K = k(X, Y) (Y NULL: Y = X), failing the test with the core's message on error. */
gp_matrix *test_gram(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y);

/* A gp_kernel_arg for the array v (one value or a list): TEST_ARG("lengthscale", ls). */
#define TEST_ARG(n, v) {n, v, sizeof v / sizeof *v, 1, NULL}

/* The leaf kernel called name with the given parameters, failing the test on error. */
gp_kernel *test_kernel_named(const char *name, const gp_kernel_arg *args, size_t n);

/* k(x, y) at two points of d coordinates, failing the test on error. */
double test_kernel_at(const gp_kernel *k, const double *x, const double *y, size_t d);

/* n x d points uniform in [lo, hi), from a generator independent of gprior's. */
gp_matrix *test_random_points(size_t n, size_t d, double lo, double hi, unsigned long long seed);

/* Fail unless K is exactly symmetric with eigenvalues >= -1e-10 max |eig|. */
void test_check_sym_psd(const gp_matrix *K, const char *what);

/* gp_kernel_describe(k) is exactly want, and reports its length. */
void test_expect_describe(const gp_kernel *k, const char *want);

/* A new copy of A. */
gp_matrix *test_matrix_copy(const gp_matrix *A);

/* An r x c matrix from a row-major literal. */
gp_matrix *test_matrix_rows(size_t r, size_t c, const double *rowmajor);

/* Largest |z| of the draws S (points x draws) against mean mu (NULL: 0) and
 * covariance K, over the means and the lower triangle of the covariance, with
 * standard errors estimated from the draws (gp_stats_moments): valid for
 * non-Gaussian draws too. */
double test_max_z(const gp_matrix *S, const double *mu, const gp_matrix *K);

/* The same against the mean m (NULL: 0) and kernel k at the rows of X. */
double test_max_z_kernel(const gp_matrix *S, const gp_matrix *X, const gp_kernel *k,
                         const gp_func *m);

/* ---- files ---- */

/* A new empty folder /tmp/gprior-test-XXXXXX (malloc'ed name). */
char *test_make_tmpdir(void);

/* Number of entries in dir (without . and ..; -1 if it cannot be read), their
 * names joined with spaces in names (if not NULL, cap bytes). */
int test_count_files(const char *dir, char *names, size_t cap);

/* rm -rf dir. */
void test_remove_tree(const char *dir);

/* The whole file (malloc'ed, length in *len if not NULL), or NULL. */
char *test_read_file(const char *path, size_t *len);

/* 1 if something (a file, folder or link, even dangling) is at path. */
int test_exists(const char *path);

/* The factor F of K in K's scale and input order: an n x rank matrix B with
 * B B^T = K up to the factor's residual (any method). */
gp_matrix *test_factor_rows(const gp_factor *F);

/* max_ij |K_ij - (B B^T)_ij| / sqrt(K_ii K_jj) for B = test_factor_rows(F)
 * (an entry of a zero-variance row counts in absolute terms). */
double test_factor_rel_error(const gp_matrix *K, const gp_factor *F);

/* The badly scaled examples of the trust issue (7.1): k warped by exp(x_1)
 * (a new reference), and the 50 points {0, 0.5, 1, 2, 20, 40, ..., 920}. */
gp_kernel *test_exp_warp(gp_kernel *k);
gp_matrix *test_wide_points(void);

/* For the figure suites (test_plot*.c): a small figure, x = (0, 0.1, 1/3),
 * two curves, labelled; and `gnuplot script` run in folder cwd (its exit status). */
gp_figure *test_small_figure(const char *title);
int test_gnuplot_in(const char *cwd, const char *script);

#endif
