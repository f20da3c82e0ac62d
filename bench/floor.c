/* floor.c: the physical floor of the factorisation gprior does, on this machine.
 *
 * Builds the same K as the benchmark (n points evenly spaced on [0, 5], RBF
 * with amplitude 1 and length-scale 1: K_ij = exp(-(x_i - x_j)^2 / 2), plus
 * 1e-8 * mean(diag K) on the diagonal) and times LAPACKE_dpotrf alone, column
 * major, lower triangle: no checks, no copies, no sampling. K (its lower
 * triangle: all dpotrf reads) is rebuilt before every repeat in the same
 * buffer, whose pages an untimed warm-up has mapped. The loop that builds K is
 * timed too, as a floor for k:gram.
 *
 * Usage: floor N REPEATS [rss]
 * Output: one tab-separated line per repeat: "gram<TAB>N<TAB>seconds" and
 * "potrf<TAB>N<TAB>seconds", and one "config<TAB>..." line naming the
 * OpenBLAS build and core type it runs on. With "rss", a last line
 * "rss<TAB>N<TAB>KiB": this process's peak resident set (VmHWM), the memory
 * floor of holding K and factoring it.
 * Build: cc -O2 floor.c $(pkg-config --cflags --libs openblas lapacke) -lm */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>
#include <lapacke.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* VmHWM of /proc/self/status in KiB, or -1. */
static long peak_rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kib;
}

/* The lower triangle of K (n x n, column major): exp(-(x_i - x_j)^2 / 2) for
 * i >= j, plus jitter_rel * mean(diag) on the diagonal. dpotrf with uplo 'L'
 * reads nothing else, so this is all the work a sampler must do to build K. */
static void build_k(double *k, const double *x, int n, double jitter_rel)
{
    for (int j = 0; j < n; j++)
        for (int i = j; i < n; i++) {
            double d = x[i] - x[j];
            k[(size_t)j * n + i] = exp(-0.5 * d * d);
        }
    double mean = 0.0;
    for (int i = 0; i < n; i++)
        mean += k[(size_t)i * n + i];
    mean /= n;
    for (int i = 0; i < n; i++)
        k[(size_t)i * n + i] += jitter_rel * mean;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "rss") != 0)) {
        fprintf(stderr, "usage: %s N REPEATS [rss]\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[1]), reps = atoi(argv[2]);
    if (n < 2 || reps < 1) {
        fprintf(stderr, "floor: N must be >= 2 and REPEATS >= 1\n");
        return 2;
    }
    double *x = malloc((size_t)n * sizeof *x);
    double *k = malloc((size_t)n * n * sizeof *k);
    if (!x || !k) {
        fprintf(stderr, "floor: out of memory for n = %d\n", n);
        return 1;
    }
    for (int i = 0; i < n; i++) /* the same points as gp.linspace(0, 5, n) */
        x[i] = i == n - 1 ? 5.0 : 5.0 * i / (n - 1);

    printf("config\t%s\t%s\t%d\n", openblas_get_config(), openblas_get_corename(),
           openblas_get_num_threads());
    /* Warm-up, untimed: map K's pages, start OpenBLAS's threads on a corner of K. */
    build_k(k, x, n, 1e-8);
    int m = n < 256 ? n : 256;
    if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', m, k, n) != 0) {
        fprintf(stderr, "floor: warm-up dpotrf failed at n = %d\n", n);
        return 1;
    }
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        build_k(k, x, n, 1e-8);
        double t1 = now();
        lapack_int info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', n, k, n);
        double t2 = now();
        if (info != 0) {
            fprintf(stderr, "floor: dpotrf failed at n = %d (info %d)\n", n, (int)info);
            return 1;
        }
        printf("gram\t%d\t%.9f\npotrf\t%d\t%.9f\n", n, t1 - t0, n, t2 - t1);
    }
    if (argc == 4)
        printf("rss\t%d\t%ld\n", n, peak_rss_kib());
    free(k);
    free(x);
    return 0;
}
