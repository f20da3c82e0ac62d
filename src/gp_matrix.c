#include "gp_matrix.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gp_file.h"

size_t gp_matrix_bytes(size_t rows, size_t cols)
{
    if (cols != 0 && rows > (SIZE_MAX - sizeof(gp_matrix)) / sizeof(double) / cols)
        return 0;
    return sizeof(gp_matrix) + rows * cols * sizeof(double);
}

static gp_matrix *set_header(void *block, size_t rows, size_t cols)
{
    gp_matrix *m = block;
    m->rows = rows;
    m->cols = cols;
    m->data = (double *)(m + 1);
    return m;
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
    size_t bytes = gp_matrix_bytes(rows, cols);
    void *block = bytes ? calloc(1, bytes) : NULL;
    return block ? set_header(block, rows, cols) : NULL;
}

void gp_matrix_free(gp_matrix *m)
{
    free(m);
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
    for (size_t i = 0; i < n; i++)
        x->data[i] = n == 1 ? a : a + (b - a) * (double)i / (double)(n - 1);
    if (n > 1)
        x->data[n - 1] = b;
}

size_t gp_matrix_find_nonfinite(const gp_matrix *m)
{
    size_t n = m->rows * m->cols;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(m->data[i]))
            return i;
    return (size_t)-1;
}

gp_code gp_matrix_write_tsv(const gp_matrix *m, const char *path, gp_error *err)
{
    gp_file file;
    gp_code rc = gp_file_begin(&file, path, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < m->rows; i++)
        for (size_t j = 0; j < m->cols; j++)
            fprintf(file.f, "%.17g%c", GP_AT(m, i, j), j + 1 == m->cols ? '\n' : '\t');
    return gp_file_commit(&file, err);
}
