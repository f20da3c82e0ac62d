/* floor.c: the machine's floor and roof for the dense sampler, under whatever
 * OpenBLAS kernels OPENBLAS_CORETYPE selects (bench/run.py runs it once per
 * core type the CPU supports).
 *
 *   floor potrf B N REPEATS [rss]
 *     The floor: builds the benchmark's dense full-rank K, the chapter's
 *     Ornstein-Uhlenbeck kernel exp(-|x_i - x_j| / 2) (length-scale 1) on n
 *     evenly spaced points of [0, B], and times LAPACKE_dpotrf alone, column
 *     major, lower triangle: no jitter (K is full rank), no checks, no copies,
 *     no sampling. K (its lower triangle: all dpotrf reads) is rebuilt before
 *     every repeat in the same buffer, whose pages an untimed warm-up has
 *     mapped. The loop that builds K is timed too, as a floor for k:gram.
 *     Lines: "gram<TAB>N<TAB>seconds" and "potrf<TAB>N<TAB>seconds" per
 *     repeat; with "rss", a last line "rss<TAB>N<TAB>KiB": this process's
 *     peak resident set (VmHWM), the memory floor of holding K and factoring it.
 *
 *   floor gemm N REPEATS
 *     The roof: C = A B for n x n matrices by cblas_dgemm (2 n^3 flops).
 *     Lines: "gemm<TAB>N<TAB>seconds" per repeat, after an untimed warm-up.
 *
 * Both first print "config<TAB>build<TAB>core<TAB>threads": the OpenBLAS build,
 * the kernels it actually runs (openblas_get_corename) and its thread count.
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

static void *alloc_or_die(size_t count, const char *what, int n)
{
    void *p = malloc(count * sizeof(double));
    if (!p) {
        fprintf(stderr, "floor: out of memory for %s at n = %d\n", what, n);
        exit(1);
    }
    return p;
}

/* The lower triangle of K (n x n, column major): exp(-|x_i - x_j| / 2) for
 * i >= j. dpotrf with uplo 'L' reads nothing else, so this is all the work a
 * sampler must do to build K. */
static void build_k(double *k, const double *x, int n)
{
    for (int j = 0; j < n; j++)
        for (int i = j; i < n; i++)
            k[(size_t)j * n + i] = exp(-0.5 * fabs(x[i] - x[j]));
}

static int potrf(double b, int n, int reps, int rss)
{
    double *x = alloc_or_die((size_t)n, "x", n);
    double *k = alloc_or_die((size_t)n * n, "K", n);
    for (int i = 0; i < n; i++) /* the same points as gp.linspace(0, b, n) */
        x[i] = i == n - 1 ? b : b * i / (n - 1);

    /* Warm-up, untimed: map K's pages, start OpenBLAS's threads on a corner of K. */
    build_k(k, x, n);
    int m = n < 256 ? n : 256;
    if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', m, k, n) != 0) {
        fprintf(stderr, "floor: warm-up dpotrf failed at n = %d\n", n);
        return 1;
    }
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        build_k(k, x, n);
        double t1 = now();
        lapack_int info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', n, k, n);
        double t2 = now();
        if (info != 0) {
            fprintf(stderr, "floor: dpotrf failed at n = %d (info %d)\n", n, (int)info);
            return 1;
        }
        printf("gram\t%d\t%.9f\npotrf\t%d\t%.9f\n", n, t1 - t0, n, t2 - t1);
    }
    if (rss)
        printf("rss\t%d\t%ld\n", n, peak_rss_kib());
    free(k);
    free(x);
    return 0;
}

static int gemm(int n, int reps)
{
    size_t nn = (size_t)n * n;
    double *a = alloc_or_die(nn, "A", n), *b = alloc_or_die(nn, "B", n);
    double *c = alloc_or_die(nn, "C", n);
    for (size_t i = 0; i < nn; i++) { /* any finite values: dgemm's speed does not depend on them */
        a[i] = 1.0 / (double)(i % 97 + 1);
        b[i] = 1.0 / (double)(i % 89 + 2);
        c[i] = 0.0;
    }
    int m = n < 512 ? n : 512; /* warm-up: threads started, pages mapped */
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, m, m, 1.0, a, n, b, n, 0.0, c, n);
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c,
                    n);
        printf("gemm\t%d\t%.9f\n", n, now() - t0);
    }
    free(a);
    free(b);
    free(c);
    return 0;
}

static int usage(const char *prog)
{
    fprintf(stderr, "usage: %s potrf B N REPEATS [rss] | gemm N REPEATS\n", prog);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(argv[0]);
    int is_potrf = strcmp(argv[1], "potrf") == 0, is_gemm = strcmp(argv[1], "gemm") == 0;
    int rss = is_potrf && argc == 6 && strcmp(argv[5], "rss") == 0;
    if (!(is_potrf && (argc == 5 || rss)) && !(is_gemm && argc == 4))
        return usage(argv[0]);
    double b = is_potrf ? atof(argv[2]) : 0.0;
    int n = atoi(argv[is_potrf ? 3 : 2]), reps = atoi(argv[is_potrf ? 4 : 3]);
    if (n < 2 || reps < 1 || (is_potrf && !(b > 0.0))) {
        fprintf(stderr, "floor: N must be >= 2, REPEATS >= 1 and B > 0\n");
        return 2;
    }
    printf("config\t%s\t%s\t%d\n", openblas_get_config(), openblas_get_corename(),
           openblas_get_num_threads());
    return is_potrf ? potrf(b, n, reps, rss) : gemm(n, reps);
}
