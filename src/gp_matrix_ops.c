/* gp_matrix_ops.c: transpose, product, reshape, reductions, concatenation,
 * blocks and maps (gp_matrix_ops.h). */
#include "gp_matrix_ops.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cblas.h>

void gp_matrix_transpose(const gp_matrix *a, gp_matrix *out)
{
    for (size_t j = 0; j < a->cols; j++)
        for (size_t i = 0; i < a->rows; i++)
            GP_AT(out, j, i) = GP_AT(a, i, j);
}

/* ---- product ------------------------------------------------------------------------- */

gp_code gp_matrix_mm_shape(const gp_matrix *a, const gp_matrix *b, size_t *rows, size_t *cols,
                           gp_error *err)
{
    if (a->cols != b->rows)
        return gp_error_set(err, GP_ERR_DIM,
                            "mm: inner sizes differ (%zu x %zu times %zu x %zu: the columns of "
                            "the first must match the rows of the second)",
                            a->rows, a->cols, b->rows, b->cols);
    if (a->rows > INT_MAX || a->cols > INT_MAX || b->cols > INT_MAX)
        return gp_error_set(err, GP_ERR_DIM, "mm: %zu x %zu times %zu x %zu is too large for BLAS",
                            a->rows, a->cols, b->rows, b->cols);
    *rows = a->rows;
    *cols = b->cols;
    return GP_OK;
}

gp_code gp_matrix_mm(const gp_matrix *a, const gp_matrix *b, gp_matrix *out, gp_error *err)
{
    size_t r, c;
    gp_code rc = gp_matrix_mm_shape(a, b, &r, &c, err);
    if (!rc && (out->rows != r || out->cols != c))
        rc = gp_error_set(err, GP_ERR_DIM, "mm: result must be %zu x %zu, got %zu x %zu", r, c,
                          out->rows, out->cols);
    if (!rc)
        rc = gp_matrix_check_finite(a, "mm", "a", err);
    if (!rc)
        rc = gp_matrix_check_finite(b, "mm", "b", err);
    if (rc)
        return rc;
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)r, (int)c, (int)a->cols, 1.0,
                a->data, (int)a->rows, b->data, (int)b->rows, 0.0, out->data, (int)r);
    size_t bad = gp_matrix_find_nonfinite(out);
    if (bad != (size_t)-1)
        return gp_error_set(err, GP_ERR_NUMERIC,
                            "mm: element (%zu, %zu) of the product is %g: it overflowed (beyond "
                            "the largest double)",
                            bad % r + 1, bad / r + 1, out->data[bad]);
    return GP_OK;
}

/* ---- reshape ------------------------------------------------------------------------- */

gp_code gp_matrix_reshape_check(const gp_matrix *a, size_t rows, size_t cols, gp_error *err)
{
    if (rows == 0 || cols == 0 || rows > SIZE_MAX / cols || rows * cols != a->rows * a->cols)
        return gp_error_set(err, GP_ERR_DIM,
                            "reshape: a %zu x %zu matrix has %zu elements, a %zu x %zu one "
                            "would not",
                            a->rows, a->cols, a->rows * a->cols, rows, cols);
    return GP_OK;
}

void gp_matrix_reshape(const gp_matrix *a, gp_matrix *out)
{
    size_t k = 0; /* position in row-major order, the same in a and out */
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++, k++)
            GP_AT(out, k / out->cols, k % out->cols) = GP_AT(a, i, j);
}

/* ---- reductions ---------------------------------------------------------------------- */

const char *gp_reduce_name(gp_reduce_op op)
{
    static const char *const names[] = {"sum", "mean", "std", "min", "max"};
    return (unsigned)op < sizeof names / sizeof names[0] ? names[op] : "?";
}

gp_code gp_matrix_reduce_shape(gp_reduce_op op, const gp_matrix *a, int dim, size_t *rows,
                               size_t *cols, gp_error *err)
{
    switch (dim) {
    case 0: *rows = 1, *cols = 1; return GP_OK;
    case 1: *rows = 1, *cols = a->cols; return GP_OK;
    case 2: *rows = a->rows, *cols = 1; return GP_OK;
    default:
        return gp_error_set(err, GP_ERR_ARG,
                            "%s: dimension must be 1 (down the columns) or 2 (along the rows), "
                            "got %d",
                            gp_reduce_name(op), dim);
    }
}

/* One sequence to reduce: count elements of a at linear (column-major)
 * positions first, first + step, ...; what names it in messages. */
typedef struct seq {
    const gp_matrix *a;
    size_t first, step, count;
    char what[48];
} seq;

static double at(const seq *s, size_t k)
{
    return s->a->data[s->first + k * s->step];
}

/* Neumaier's compensated sum of scale * x_k (Neumaier 1974; exact for
 * {1e16, 1, -1e16}). */
static double compensated_sum(const seq *s, double scale)
{
    double sum = 0.0, comp = 0.0;
    for (size_t k = 0; k < s->count; k++) {
        double x = at(s, k) * scale, t = sum + x;
        comp += fabs(sum) >= fabs(x) ? (sum - t) + x : (x - t) + sum;
        sum = t;
    }
    return sum + comp;
}

/* sum (scale x_k - mean)^2, compensated. */
static double squared_deviations(const seq *s, double scale, double mean)
{
    double sum = 0.0, comp = 0.0;
    for (size_t k = 0; k < s->count; k++) {
        double d = at(s, k) * scale - mean, x = d * d, t = sum + x;
        comp += sum >= x ? (sum - t) + x : (x - t) + sum;
        sum = t;
    }
    return sum + comp;
}

static gp_code reduce_seq(gp_reduce_op op, const seq *s, double *out, gp_error *err)
{
    const char *name = gp_reduce_name(op);
    for (size_t k = 0; k < s->count; k++) {
        double x = at(s, k);
        if (!isfinite(x)) {
            size_t pos = s->first + k * s->step;
            return gp_error_set(err, GP_ERR_ARG,
                                "%s: element (%zu, %zu) is %g (values must be finite)", name,
                                pos % s->a->rows + 1, pos / s->a->rows + 1, x);
        }
    }
    double n = (double)s->count, v;
    switch (op) {
    case GP_REDUCE_SUM:
        v = compensated_sum(s, 1.0);
        if (!isfinite(v))
            return gp_error_set(err, GP_ERR_NUMERIC,
                                "sum: the sum of %s overflowed (beyond the largest double)",
                                s->what);
        break;
    case GP_REDUCE_MEAN:
        v = compensated_sum(s, 1.0) / n;
        if (!isfinite(v))
            v = compensated_sum(s, 1.0 / n);
        break;
    case GP_REDUCE_STD: {
        if (s->count < 2)
            return gp_error_set(err, GP_ERR_ARG,
                                "std: %s has 1 value; the sample standard deviation divides by "
                                "n - 1 and needs at least 2",
                                s->what);
        double big = 0.0;
        for (size_t k = 0; k < s->count; k++)
            big = fmax(big, fabs(at(s, k)));
        if (big == 0.0) {
            v = 0.0;
            break;
        }
        /* scaled by 1 / max |x| only where squares could overflow or underflow */
        double scale = big > 1e150 || big < 1e-150 ? 1.0 / big : 1.0;
        double mean = compensated_sum(s, scale) / n;
        v = sqrt(squared_deviations(s, scale, mean) / (n - 1.0)) / scale;
        break;
    }
    case GP_REDUCE_MIN:
    case GP_REDUCE_MAX:
        v = at(s, 0);
        for (size_t k = 1; k < s->count; k++)
            v = op == GP_REDUCE_MIN ? fmin(v, at(s, k)) : fmax(v, at(s, k));
        break;
    default:
        return gp_error_set(err, GP_ERR_ARG, "reduce: unknown operation %d", (int)op);
    }
    *out = v;
    return GP_OK;
}

gp_code gp_matrix_reduce(gp_reduce_op op, const gp_matrix *a, int dim, gp_matrix *out,
                         gp_error *err)
{
    size_t r, c;
    gp_code rc = gp_matrix_reduce_shape(op, a, dim, &r, &c, err);
    if (rc)
        return rc;
    if (out->rows != r || out->cols != c)
        return gp_error_set(err, GP_ERR_DIM, "%s: result must be %zu x %zu, got %zu x %zu",
                            gp_reduce_name(op), r, c, out->rows, out->cols);
    seq s = {a, 0, 1, a->rows * a->cols, "the matrix"};
    if (dim == 0)
        return reduce_seq(op, &s, out->data, err);
    size_t groups = dim == 1 ? a->cols : a->rows;
    for (size_t g = 0; g < groups && !rc; g++) {
        if (dim == 1) {
            s = (seq){a, g * a->rows, 1, a->rows, ""};
            snprintf(s.what, sizeof s.what, "column %zu", g + 1);
        } else {
            s = (seq){a, g, a->rows, a->cols, ""};
            snprintf(s.what, sizeof s.what, "row %zu", g + 1);
        }
        rc = reduce_seq(op, &s, &out->data[g], err);
    }
    return rc;
}

/* ---- concatenation and blocks -------------------------------------------------------- */

gp_code gp_matrix_cat_shape(const gp_matrix *const *parts, size_t n, int dim, size_t *rows,
                            size_t *cols, gp_error *err)
{
    if (dim != 1 && dim != 2)
        return gp_error_set(err, GP_ERR_ARG,
                            "cat: dimension must be 1 (stack rows) or 2 (side by side), got %d",
                            dim);
    if (n == 0)
        return gp_error_set(err, GP_ERR_ARG, "cat: nothing to concatenate");
    size_t keep = dim == 1 ? parts[0]->cols : parts[0]->rows, total = 0;
    for (size_t p = 0; p < n; p++) {
        size_t k = dim == 1 ? parts[p]->cols : parts[p]->rows;
        size_t grow = dim == 1 ? parts[p]->rows : parts[p]->cols;
        if (k != keep)
            return gp_error_set(err, GP_ERR_DIM,
                                "cat: along dimension %d every part needs %zu %s (as part 1), "
                                "part %zu is %zu x %zu",
                                dim, keep, dim == 1 ? "columns" : "rows", p + 1, parts[p]->rows,
                                parts[p]->cols);
        if (grow > SIZE_MAX - total)
            return gp_error_set(err, GP_ERR_DIM, "cat: the result's size overflows");
        total += grow;
    }
    *rows = dim == 1 ? total : keep;
    *cols = dim == 1 ? keep : total;
    return GP_OK;
}

void gp_matrix_cat(const gp_matrix *const *parts, size_t n, int dim, gp_matrix *out)
{
    size_t offset = 0;
    for (size_t p = 0; p < n; p++) {
        const gp_matrix *a = parts[p];
        for (size_t j = 0; j < a->cols; j++)
            for (size_t i = 0; i < a->rows; i++) {
                if (dim == 1)
                    GP_AT(out, offset + i, j) = GP_AT(a, i, j);
                else
                    GP_AT(out, i, offset + j) = GP_AT(a, i, j);
            }
        offset += dim == 1 ? a->rows : a->cols;
    }
}

/* "rows 9..12 are outside 1..10" for one of the two ranges of a block. */
static gp_code range_check(const char *fname, const char *what, size_t first, size_t count,
                           size_t size, gp_error *err)
{
    if (count == 0)
        return gp_error_set(err, GP_ERR_ARG, "%s: an empty range of %s (a matrix needs at least "
                                             "one row and one column)",
                            fname, what);
    if (first >= size || count > size - first)
        return gp_error_set(err, GP_ERR_ARG, "%s: %s %zu..%zu are outside 1..%zu", fname, what,
                            first + 1, first + count, size);
    return GP_OK;
}

gp_code gp_matrix_block_check(const char *fname, const gp_matrix *a, size_t r0, size_t nr,
                              size_t c0, size_t nc, gp_error *err)
{
    gp_code rc = range_check(fname, "rows", r0, nr, a->rows, err);
    return rc ? rc : range_check(fname, "columns", c0, nc, a->cols, err);
}

void gp_matrix_block(const gp_matrix *a, size_t r0, size_t c0, gp_matrix *out)
{
    for (size_t j = 0; j < out->cols; j++)
        memcpy(&GP_AT(out, 0, j), &GP_AT(a, r0, c0 + j), out->rows * sizeof(double));
}

/* ---- map ----------------------------------------------------------------------------- */

gp_code gp_matrix_map(const gp_matrix *a, const gp_func *f, gp_matrix *out, gp_error *err)
{
    if (out->rows != a->rows || out->cols != a->cols)
        return gp_error_set(err, GP_ERR_DIM, "map: result must be %zu x %zu, got %zu x %zu",
                            a->rows, a->cols, out->rows, out->cols);
    size_t n = a->rows * a->cols;
    for (size_t k = 0; k < n; k++) {
        gp_matrix point = {1, 1, &a->data[k]};
        gp_error e;
        gp_code rc = gp_func_eval_rows(f, &point, &out->data[k], &e);
        if (rc)
            return gp_error_set(err, rc, "map: element (%zu, %zu) = %g: %s", k % a->rows + 1,
                                k / a->rows + 1, a->data[k], e.msg);
    }
    return GP_OK;
}
