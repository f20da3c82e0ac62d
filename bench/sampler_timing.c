/* sampler_timing.c: wall-clock timings of the sampling paths, core only (no
 * Lua): a measuring tool, not a test; make bench is the benchmark of record.
 *
 *   cc -O2 -Isrc bench/sampler_timing.c build/libgpcore.a \
 *      $(pkg-config --cflags --libs openblas lapacke fftw3) -lm -o build/sampler_timing
 *   build/sampler_timing factor ou 4000 0 1000     # dense factorisation of K alone
 *
 *   build/sampler_timing sample auto rbf 1000000 1 0 5 scattered
 *
 * Modes (KERNEL: rbf, ou, exponential, matern32, matern52; length-scale 1):
 *   factor KERNEL N A B    gp_mvn_factor_gram of the Gram matrix on linspace(A, B, N)
 *   sample METHOD KERNEL N D A B grid|scattered
 *                          5 draws of GP(0, KERNEL) end to end (gp_process_sample_joint_opt,
 *                          METHOD auto, dense or lowrank) at N points of [A, B]^D: evenly
 *                          spaced (D = 1) or uniform at random
 *   grid2d KERNEL N A B    5 draws on the N x N grid of [A, B]^2 by 2-D circulant embedding
 * Prints the best of 5 runs (after one untimed warm-up that starts OpenBLAS's
 * threads) with the method and rank, and the peak resident memory. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/resource.h>

#include "gp_grid.h"
#include "gp_kernel.h"
#include "gp_process.h"
#include "gp_sampler.h"

#define RUNS 5

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static gp_kernel *kernel_named(const char *name)
{
    const double l = 1;
    gp_error err;
    gp_kernel *k = !strcmp(name, "rbf")           ? gp_kernel_rbf(1, &l, 1, &err)
                   : !strcmp(name, "ou")          ? gp_kernel_ou(1, &l, 1, &err)
                   : !strcmp(name, "exponential") ? gp_kernel_exponential(1, &l, 1, &err)
                   : !strcmp(name, "matern32")    ? gp_kernel_matern32(1, &l, 1, &err)
                   : !strcmp(name, "matern52")    ? gp_kernel_matern52(1, &l, 1, &err)
                                                  : NULL;
    if (!k) {
        fprintf(stderr, "unknown kernel %s\n", name);
        exit(2);
    }
    return k;
}

static void die(const gp_error *err)
{
    fprintf(stderr, "error: %s\n", err->msg);
    exit(1);
}

/* factor KERNEL N A B */
static void time_factor(gp_kernel *k, size_t n, double a, double b)
{
    gp_error err;
    gp_matrix *X = gp_matrix_alloc(n, 1), *K0 = gp_matrix_alloc(n, n), *K = gp_matrix_alloc(n, n);
    if (!X || !K0 || !K) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    gp_matrix_linspace(X, a, b);
    if (gp_kernel_gram(k, X, NULL, K0, &err))
        die(&err);
    double best = 1e300;
    gp_factor F = {0};
    for (int r = 0; r <= RUNS; r++) {
        memcpy(K->data, K0->data, n * n * sizeof *K->data);
        gp_factor_free(&F);
        const double t0 = now();
        if (gp_mvn_factor_gram(K, 0.0, &F, &err))
            die(&err);
        const double t = now() - t0;
        if (r > 0 && t < best)
            best = t;
    }
    printf("factor n=%zu [%g, %g]: %.4f s (%s, rank %zu)\n", n, a, b, best,
           gp_factor_method_name(F.method), F.rank);
    gp_factor_free(&F);
    gp_matrix_free(K);
    gp_matrix_free(K0);
    gp_matrix_free(X);
}

/* Peak resident memory of the process so far, in MB. */
static double peak_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

/* sample METHOD KERNEL N D A B grid|scattered */
static void time_sample(const char *method, gp_kernel *k, size_t n, size_t d, double a, double b,
                        int scattered)
{
    gp_error err;
    gp_sample_options opt;
    gp_sample_options_default(&opt);
    opt.method = !strcmp(method, "dense")     ? GP_SAMPLE_DENSE
                 : !strcmp(method, "lowrank") ? GP_SAMPLE_LOWRANK
                                              : GP_SAMPLE_AUTO;
    gp_matrix *X = gp_matrix_alloc(n, d), *S = gp_matrix_alloc(n, 5);
    gp_func *zero = gp_func_constant(0, &err);
    gp_process *f = gp_process_new(zero, k, &err);
    if (!X || !S || !f) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    if (scattered) {
        gp_rng rng;
        gp_rng_seed(&rng, 42);
        for (size_t i = 0; i < n * d; i++)
            X->data[i] = a + (b - a) * gp_rng_uniform(&rng);
    } else {
        gp_matrix_linspace(X, a, b);
    }
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    gp_factor info = {0};
    double best = 1e300;
    for (int r = 0; r <= RUNS; r++) {
        const double t0 = now();
        if (gp_process_sample_joint_opt(&f, 1, X, &opt, &rng, &S, &info, 1, NULL, &err))
            die(&err);
        const double t = now() - t0;
        if (r > 0 && t < best)
            best = t;
    }
    printf("sample %s n=%zu d=%zu %s: %.4f s (%s, rank %zu, residual %.3g%s%s), peak %.0f MB\n",
           method, n, d, scattered ? "scattered" : "grid", best,
           gp_factor_method_name(info.method), info.rank, info.residual, info.note[0] ? "; " : "",
           info.note, peak_mb());
    gp_process_release(f);
    gp_func_release(zero);
    gp_matrix_free(S);
    gp_matrix_free(X);
}

/* grid2d KERNEL N A B */
static void time_grid2d(gp_kernel *k, size_t n, double a, double b)
{
    gp_error err;
    gp_matrix *S = gp_matrix_alloc(n * n, 5);
    if (!S) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    const gp_grid_axis ax = {a, (b - a) / (double)(n - 1), n};
    gp_rng rng;
    gp_rng_seed(&rng, 1);
    gp_grid_info info;
    double best = 1e300;
    for (int r = 0; r <= RUNS; r++) {
        const double t0 = now();
        if (gp_grid2d_sample(k, NULL, &ax, &ax, NULL, &rng, S, &info, &err))
            die(&err);
        const double t = now() - t0;
        if (r > 0 && t < best)
            best = t;
    }
    printf("grid2d %zu x %zu [%g, %g]^2: %.4f s (%s, m = %zu x %zu, %u paddings, clipped %.3g), "
           "peak %.0f MB\n",
           n, n, a, b, best, gp_grid_method_name(info.method), info.mx, info.my, info.paddings,
           info.clipped, peak_mb());
    gp_matrix_free(S);
}

int main(int argc, char **argv)
{
    if (argc == 6 && !strcmp(argv[1], "grid2d")) {
        gp_kernel *k = kernel_named(argv[2]);
        time_grid2d(k, (size_t)atol(argv[3]), atof(argv[4]), atof(argv[5]));
        gp_kernel_release(k);
        return 0;
    }
    if (argc == 9 && !strcmp(argv[1], "sample")) {
        gp_kernel *k = kernel_named(argv[3]);
        time_sample(argv[2], k, (size_t)atol(argv[4]), (size_t)atol(argv[5]), atof(argv[6]),
                    atof(argv[7]), !strcmp(argv[8], "scattered"));
        gp_kernel_release(k);
        return 0;
    }
    if (argc == 6 && !strcmp(argv[1], "factor")) {
        gp_kernel *k = kernel_named(argv[2]);
        time_factor(k, (size_t)atol(argv[3]), atof(argv[4]), atof(argv[5]));
        gp_kernel_release(k);
        return 0;
    }
    fprintf(stderr, "usage: see the comment at the top of bench/sampler_timing.c\n");
    return 2;
}
