#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* madvise */
#include "gp_matrix.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>


size_t gp_matrix_bytes(size_t rows, size_t cols)
{
    if (cols != 0 && rows > (SIZE_MAX - sizeof(gp_matrix)) / sizeof(double) / cols)
        return 0;
    return sizeof(gp_matrix) + rows * cols * sizeof(double);
}

/* Requests below this are not checked against the memory (asking costs a
 * read of /proc/meminfo; a failure of a small allocation is reported anyway). */
#define CHECKED_BYTES ((size_t)64 << 20)

/* Bytes of memory available now: MemAvailable (Linux), else the physical
 * memory; 0 when neither is known. */
static size_t available_bytes(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        unsigned long long kb = 0;
        int found = 0;
        while (!found && fgets(line, sizeof line, f))
            found = sscanf(line, "MemAvailable: %llu kB", &kb) == 1;
        fclose(f);
        if (found)
            return kb > SIZE_MAX / 1024 ? SIZE_MAX : (size_t)kb * 1024;
    }
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0 || (unsigned long)pages > SIZE_MAX / (unsigned long)page)
        return 0;
    return (size_t)pages * (size_t)page;
}

/* "8 TiB": bytes in the largest binary unit that keeps the number >= 1. */
static void human_size(size_t bytes, char *buf, size_t cap)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 1024 && u + 1 < sizeof units / sizeof units[0])
        v /= 1024, u++;
    snprintf(buf, cap, "%.3g %s", v, units[u]);
}

gp_code gp_matrix_check_size(size_t rows, size_t cols, gp_error *err)
{
    size_t bytes = gp_matrix_bytes(rows, cols);
    if (bytes == 0)
        return gp_error_set(err, GP_ERR_NOMEM,
                            "a %zu x %zu matrix needs more than %zu bytes: more than any machine "
                            "can address",
                            rows, cols, (size_t)SIZE_MAX);
    if (bytes < CHECKED_BYTES)
        return GP_OK;
    size_t avail = available_bytes();
    if (avail == 0 || bytes <= avail)
        return GP_OK;
    char need[32], have[32];
    human_size(bytes, need, sizeof need);
    human_size(avail, have, sizeof have);
    return gp_error_set(err, GP_ERR_NOMEM,
                        "a %zu x %zu matrix needs %zu bytes (%s), more than the %s of memory "
                        "available",
                        rows, cols, bytes, need, have);
}

static gp_matrix *set_header(void *block, size_t rows, size_t cols)
{
    gp_matrix *m = block;
    m->rows = rows;
    m->cols = cols;
    m->data = (double *)(m + 1);
    return m;
}


/* Blocks from this size on ask for transparent huge pages (2 MB). */
#define HUGE_PAGE ((size_t)2 << 20)
#define HUGE_FROM ((size_t)16 << 20)

/* Ask the kernel to back the 2 MB-aligned part of a fresh, untouched block
 * with huge pages: its first touch then costs one fault per 2 MB instead of
 * one per 4 KB (a 4000 x 4000 Gram took 31 250 faults, more time than its
 * kernel evaluations). Advice only: nothing changes where THP is off. */
static void advise_huge(void *block, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    uintptr_t start = ((uintptr_t)block + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    uintptr_t end = ((uintptr_t)block + bytes) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)block;
    (void)bytes;
#endif
}

gp_matrix *gp_matrix_init(void *block, size_t rows, size_t cols)
{
    gp_matrix *m = set_header(block, rows, cols);
    memset(m->data, 0, rows * cols * sizeof(double));
    return m;
}

gp_matrix *gp_matrix_alloc(size_t rows, size_t cols)
{
    /* calloc: large blocks come as fresh zero pages, without a memset pass
     * over an n x n matrix that is about to be overwritten. */
    if (gp_matrix_check_size(rows, cols, NULL))
        return NULL;
    const size_t bytes = gp_matrix_bytes(rows, cols);
    void *block = calloc(1, bytes);
    if (block && bytes >= HUGE_FROM)
        advise_huge(block, bytes);
    return block ? set_header(block, rows, cols) : NULL;
}

void gp_matrix_free(gp_matrix *m)
{
    free(m);
}

gp_code gp_linspace_step(const char *fname, double a, double b, size_t n, int increasing,
                         double *h, gp_error *err)
{
    if (!isfinite(a))
        return gp_error_set(err, GP_ERR_ARG, "%s: start must be finite, got %g", fname, a);
    if (!isfinite(b))
        return gp_error_set(err, GP_ERR_ARG, "%s: stop must be finite, got %g", fname, b);
    if (n < 1)
        return gp_error_set(err, GP_ERR_ARG, "%s: need at least 1 point, got 0", fname);
    if (increasing && n > 1 && !(a < b))
        return gp_error_set(err, GP_ERR_ARG, "%s: need a < b for %zu points, got a = %g, b = %g",
                            fname, n, a, b);
    double m = (double)(n > 1 ? n - 1 : 1), d = b - a;
    *h = n == 1 ? 0.0 : isfinite(d) ? d / m : b / m - a / m;
    return GP_OK;
}

gp_matrix *gp_matrix_resize_cols(gp_matrix *m, size_t cols)
{
    const size_t bytes = gp_matrix_bytes(m->rows, cols), old = m->cols;
    gp_matrix *r = bytes ? realloc(m, bytes) : NULL;
    if (!r)
        return NULL;
    r->data = (double *)(r + 1);
    if (cols > old)
        memset(r->data + old * r->rows, 0, (cols - old) * r->rows * sizeof(double));
    r->cols = cols;
    return r;
}

void gp_matrix_linspace(gp_matrix *x, double a, double b)
{
    size_t n = x->rows * x->cols;
    double m = (double)(n > 1 ? n - 1 : 1);
    if (isfinite((b - a) * m)) {
        for (size_t i = 0; i < n; i++)
            x->data[i] = n == 1 ? a : a + (b - a) * (double)i / m;
    } else {
        double half = 0.5 * b - 0.5 * a;
        for (size_t i = 0; i < n; i++) {
            double t = (double)i / m;
            x->data[i] = (a + t * half) + t * half;
        }
    }
    if (n > 1)
        x->data[n - 1] = b;
}

/* 1 if m is a vector: one column or one row. */
static int is_vector(const gp_matrix *m)
{
    return m->cols == 1 || m->rows == 1;
}

gp_code gp_matrix_grid(const gp_matrix *xs, const gp_matrix *ys, gp_matrix *out, gp_error *err)
{
    if (!is_vector(xs) || !is_vector(ys))
        return gp_error_set(err, GP_ERR_DIM, "grid: %s coordinates must be a vector, got %zu x %zu",
                            is_vector(xs) ? "y" : "x", is_vector(xs) ? ys->rows : xs->rows,
                            is_vector(xs) ? ys->cols : xs->cols);
    size_t nx = xs->rows * xs->cols, ny = ys->rows * ys->cols;
    if (out->rows != nx * ny || out->cols != 2)
        return gp_error_set(err, GP_ERR_DIM, "grid: output must be %zu x 2, got %zu x %zu",
                            nx * ny, out->rows, out->cols);
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            GP_AT(out, j * nx + i, 0) = xs->data[i];
            GP_AT(out, j * nx + i, 1) = ys->data[j];
        }
    return GP_OK;
}

gp_code gp_matrix_elementwise(gp_matrix_op op, const gp_matrix *a, double sa, const gp_matrix *b,
                              double sb, gp_matrix *out, gp_error *err)
{
    static const char symbol[] = {'+', '-', '*', '/'};
    if ((a && (a->rows != out->rows || a->cols != out->cols)) ||
        (b && (b->rows != out->rows || b->cols != out->cols)))
        return gp_error_set(err, GP_ERR_DIM, "matrix %c: shapes differ (%zu x %zu and %zu x %zu)",
                            symbol[op], a ? a->rows : out->rows, a ? a->cols : out->cols,
                            b ? b->rows : out->rows, b ? b->cols : out->cols);
    size_t n = out->rows * out->cols;
    for (size_t i = 0; i < n; i++) {
        double x = a ? a->data[i] : sa, y = b ? b->data[i] : sb, r;
        switch (op) {
        case GP_MATRIX_ADD: r = x + y; break;
        case GP_MATRIX_SUB: r = x - y; break;
        case GP_MATRIX_MUL: r = x * y; break;
        default: r = x / y; break;
        }
        if (!isfinite(r))
            return gp_error_set(err, GP_ERR_NUMERIC,
                                "matrix %c: element (%zu, %zu) is %g (%g %c %g)",
                                symbol[op], i % out->rows + 1, i / out->rows + 1, r, x,
                                symbol[op], y);
        out->data[i] = r;
    }
    return GP_OK;
}

size_t gp_matrix_find_nonfinite(const gp_matrix *m)
{
    size_t n = m->rows * m->cols;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(m->data[i]))
            return i;
    return (size_t)-1;
}

gp_code gp_matrix_check_finite(const gp_matrix *m, const char *fname, const char *name,
                               gp_error *err)
{
    size_t bad = gp_matrix_find_nonfinite(m);
    if (bad == (size_t)-1)
        return GP_OK;
    if (m->cols == 1)
        return gp_error_set(err, GP_ERR_ARG, "%s: %s[%zu] is %g (values must be finite)", fname,
                            name, bad + 1, m->data[bad]);
    return gp_error_set(err, GP_ERR_ARG, "%s: %s(%zu, %zu) is %g (values must be finite)", fname,
                        name, bad % m->rows + 1, bad / m->rows + 1, m->data[bad]);
}

gp_code gp_check_result(const char *fname, const char *what, const double *v, size_t n,
                        gp_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return gp_error_set(err, GP_ERR_NUMERIC,
                                "%s: the %s is %g at entry %zu: it overflowed (beyond the largest "
                                "double)",
                                fname, what, v[i], i + 1);
    return GP_OK;
}

int gp_sym_pair_ok(double aij, double aji, double aii, double ajj)
{
    return fabs(aij - aji) <= GP_SYM_REL_TOL * sqrt(fabs(aii) * fabs(ajj));
}
