/* helpers.c: helpers shared by the cmocka suites (declared in test_util.h). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lapacke.h>

#include "gp_plot.h"
#include "gp_stats.h"
#include "test_util.h"

gp_matrix *test_gram(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y)
{
    gp_error err = {0};
    gp_matrix *K = gp_matrix_alloc(X->rows, Y ? Y->rows : X->rows);
    assert_non_null(K);
    if (gp_kernel_gram(k, X, Y, K, &err) != GP_OK)
        fail_msg("gram failed: %s", err.msg);
    return K;
}

gp_kernel *test_kernel_named(const char *name, const gp_kernel_arg *args, size_t n)
{
    gp_error err = {0};
    gp_kernel *k = gp_kernel_new_named(name, args, n, &err);
    if (!k)
        fail_msg("%s: %s", name, err.msg);
    return k;
}

double test_kernel_at(const gp_kernel *k, const double *x, const double *y, size_t d)
{
    gp_matrix X = {1, d, (double *)x}, Y = {1, d, (double *)y};
    gp_matrix *K = test_gram(k, &X, &Y);
    const double v = K->data[0];
    gp_matrix_free(K);
    return v;
}

/* A 64-bit LCG (Knuth's MMIX constants), independent of the code under test. */
static double lcg_uniform(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

gp_matrix *test_random_points(size_t n, size_t d, double lo, double hi, unsigned long long seed)
{
    gp_matrix *X = gp_matrix_alloc(n, d);
    assert_non_null(X);
    for (size_t i = 0; i < n * d; i++)
        X->data[i] = lo + (hi - lo) * lcg_uniform(&seed);
    return X;
}

void test_check_sym_psd(const gp_matrix *K, const char *what)
{
    const size_t n = K->rows;
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++)
            if (GP_AT(K, i, j) != GP_AT(K, j, i))
                fail_msg("%s: K[%zu,%zu] = %.17g != K[%zu,%zu] = %.17g", what, i, j, GP_AT(K, i, j),
                         j, i, GP_AT(K, j, i));
    double *A = malloc(n * n * sizeof *A), *w = malloc(n * sizeof *w);
    assert_non_null(A);
    assert_non_null(w);
    memcpy(A, K->data, n * n * sizeof *A);
    lapack_int info = LAPACKE_dsyev(LAPACK_COL_MAJOR, 'N', 'U', (lapack_int)n, A, (lapack_int)n, w);
    assert_int_equal(info, 0);
    double big = fmax(fabs(w[0]), fabs(w[n - 1]));
    if (w[0] < -1e-10 * big)
        fail_msg("%s: not PSD, smallest eigenvalue %g (largest %g)", what, w[0], w[n - 1]);
    free(A);
    free(w);
}

gp_matrix *test_matrix_copy(const gp_matrix *A)
{
    gp_matrix *C = gp_matrix_alloc(A->rows, A->cols);
    assert_non_null(C);
    memcpy(C->data, A->data, A->rows * A->cols * sizeof(double));
    return C;
}

gp_matrix *test_matrix_rows(size_t r, size_t c, const double *rowmajor)
{
    gp_matrix *m = gp_matrix_alloc(r, c);
    assert_non_null(m);
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++)
            GP_AT(m, i, j) = rowmajor[i * c + j];
    return m;
}

double test_max_z(const gp_matrix *S, const double *mu, const gp_matrix *K)
{
    const size_t n = S->rows;
    gp_matrix *C = gp_matrix_alloc(n, n), *SE = gp_matrix_alloc(n, n);
    double *mean = calloc(n, sizeof *mean), *se = calloc(n, sizeof *se);
    assert_true(C && SE && mean && se);
    gp_error err;
    if (gp_stats_moments(S, mean, C, se, SE, &err) != GP_OK)
        fail_msg("moments failed: %s", err.msg);
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        worst = fmax(worst, fabs(mean[i] - (mu ? mu[i] : 0.0)) / fmax(se[i], 1e-300));
        for (size_t j = 0; j <= i; j++)
            worst = fmax(worst, fabs(GP_AT(C, i, j) - GP_AT(K, i, j)) / fmax(GP_AT(SE, i, j), 1e-300));
    }
    free(se);
    free(mean);
    gp_matrix_free(SE);
    gp_matrix_free(C);
    return worst;
}

double test_max_z_kernel(const gp_matrix *S, const gp_matrix *X, const gp_kernel *k,
                         const gp_func *m)
{
    const size_t n = S->rows;
    gp_matrix *K = test_gram(k, X, NULL);
    double *mu = calloc(n, sizeof *mu);
    assert_non_null(mu);
    gp_error err;
    if (m && gp_func_eval_rows(m, X, mu, &err) != GP_OK)
        fail_msg("mean failed: %s", err.msg);
    double worst = test_max_z(S, mu, K);
    free(mu);
    gp_matrix_free(K);
    return worst;
}

void test_expect_describe(const gp_kernel *k, const char *want)
{
    char buf[512];
    size_t n = gp_kernel_describe(k, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

/* ---- files ------------------------------------------------------------------ */

char *test_make_tmpdir(void)
{
    char *dir = strdup("/tmp/gprior-test-XXXXXX");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));
    return dir;
}

int test_count_files(const char *dir, char *names, size_t cap)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (names)
        names[0] = '\0';
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        if (names && strlen(names) + strlen(e->d_name) + 2 < cap) {
            strcat(names, e->d_name);
            strcat(names, " ");
        }
    }
    closedir(d);
    return n;
}

void test_remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0)
            test_remove_tree(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&buf, &n);
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, got, mem);
    fclose(f);
    fclose(mem);
    if (len)
        *len = n;
    return buf;
}

int test_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

gp_matrix *test_factor_rows(const gp_factor *F)
{
    gp_matrix *B = gp_matrix_alloc(F->n, F->rank);
    assert_non_null(B);
    gp_error err;
    if (gp_factor_expand(F, B, &err))
        fail_msg("expand: %s", err.msg);
    return B;
}

double test_factor_rel_error(const gp_matrix *K, const gp_factor *F)
{
    const size_t n = F->n;
    gp_matrix *B = test_factor_rows(F);
    double worst = 0;
    for (size_t j = 0; j < n; j++)
        for (size_t i = j; i < n; i++) {
            double s = 0;
            for (size_t k = 0; k < F->rank; k++)
                s += GP_AT(B, i, k) * GP_AT(B, j, k);
            const double scale = sqrt(GP_AT(K, i, i) * GP_AT(K, j, j));
            const double e = fabs(GP_AT(K, i, j) - s);
            worst = fmax(worst, scale > 0 ? e / scale : e);
        }
    gp_matrix_free(B);
    return worst;
}

static gp_code exp_of_first(void *ctx, const double *x, size_t d, double *out, gp_error *err)
{
    (void)ctx;
    (void)d;
    (void)err;
    *out = exp(x[0]);
    return GP_OK;
}

gp_kernel *test_exp_warp(gp_kernel *k)
{
    gp_error err;
    gp_func *a = gp_func_external(exp_of_first, NULL, NULL, "exp", &err);
    assert_non_null(a);
    gp_kernel *w = gp_kernel_warp(k, a, &err);
    assert_non_null(w);
    gp_func_release(a);
    return w;
}

gp_matrix *test_wide_points(void)
{
    gp_matrix *X = gp_matrix_alloc(50, 1);
    assert_non_null(X);
    const double first[] = {0, 0.5, 1, 2};
    for (size_t i = 0; i < 50; i++)
        X->data[i] = i < 4 ? first[i] : 20.0 * (double)(i - 3);
    return X;
}

/* A small figure: x = (0, 0.1, 1/3), two curves, a band, labelled. */
gp_figure *test_small_figure(const char *title)
{
    gp_error err;
    gp_matrix *x = gp_matrix_alloc(3, 1), *Y = gp_matrix_alloc(3, 2);
    x->data[0] = 0, x->data[1] = 0.1, x->data[2] = 1.0 / 3;
    for (int i = 0; i < 6; i++)
        Y->data[i] = i * 0.5 - 1;
    gp_figure_opts o;
    gp_figure_opts_init(&o);
    o.title = title;
    o.panel.xlabel = "x";
    gp_figure *fig = gp_figure_new(&o, &err);
    assert_non_null(fig);
    gp_style s;
    gp_style_init(&s);
    s.title = "samples";
    assert_int_equal(gp_figure_lines(fig, x, Y, &s, &err), GP_OK);
    assert_int_equal(gp_figure_line(fig, x, x, NULL, &err), GP_OK);
    gp_matrix_free(x);
    gp_matrix_free(Y);
    return fig;
}

/* Run `gnuplot script` with cwd as working directory; its exit status. */
int test_gnuplot_in(const char *cwd, const char *script)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(cwd) != 0)
            _exit(126);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

uint64_t test_ulp_dist(double a, double b)
{
    int64_t ia, ib;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    if (ia < 0)
        ia = INT64_MIN - ia;
    if (ib < 0)
        ib = INT64_MIN - ib;
    return ia > ib ? (uint64_t)ia - (uint64_t)ib : (uint64_t)ib - (uint64_t)ia;
}
