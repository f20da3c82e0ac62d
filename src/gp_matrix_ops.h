/* gp_matrix_ops.h: computing with matrices, on the model of Torch7's tensor
 * API (the one Lua users know): transpose, product (BLAS dgemm), reshape,
 * reductions, concatenation, blocks (slices) and element-wise maps.
 *
 * Every operation that can fail on its operands' shapes has a _shape (or
 * _check) function that checks them and gives the result's shape, so that the
 * caller allocates the result (a Lua matrix, or gp_matrix_alloc) before the
 * operation fills it. Results are new matrices, never views. Indices are
 * 0-based here; messages count from 1, as the scripts do. Dimension numbers
 * are Torch's: 1 = rows (down the columns), 2 = columns (along the rows). */
#ifndef GP_MATRIX_OPS_H
#define GP_MATRIX_OPS_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_func.h"
#include "gp_matrix.h"

/* out (c x r, preallocated) = a^T for a (r x c). */
void gp_matrix_transpose(const gp_matrix *a, gp_matrix *out);

/* The product a b: a is r x k, b must be k x c; *rows = r, *cols = c.
 * GP_ERR_DIM "mm: inner sizes differ (2 x 3 times 2 x 3)" otherwise, or when
 * a size exceeds what BLAS takes (an int). */
gp_code gp_matrix_mm_shape(const gp_matrix *a, const gp_matrix *b, size_t *rows, size_t *cols,
                           gp_error *err);

/* out (r x c, preallocated) = a b, by one cblas_dgemm. Operands must be
 * finite (a NaN is named: "mm: a(2, 1) is nan"), and so must the result (an
 * overflow is named by its element). */
gp_code gp_matrix_mm(const gp_matrix *a, const gp_matrix *b, gp_matrix *out, gp_error *err);

/* GP_OK if a (r x c) can be reshaped to rows x cols: rows cols = r c. */
gp_code gp_matrix_reshape_check(const gp_matrix *a, size_t rows, size_t cols, gp_error *err);

/* out (preallocated, same number of elements) = a reshaped in row-major
 * (reading) order, as Torch and numpy do: the elements of a read row by row
 * fill out row by row. A column vector v (n x 1) gives out(i, j) =
 * v[i out->cols + j], so a draw on gp.grid(xs, ys) (x fastest) reshaped to
 * ny x nx is the image Z(j, i) = f(xs_i, ys_j). */
void gp_matrix_reshape(const gp_matrix *a, gp_matrix *out);

/* Reductions. dim 0: over all elements (result 1 x 1); dim 1: down each
 * column (result 1 x c); dim 2: along each row (result r x 1).
 *   SUM   compensated (Neumaier) summation: sum {1e16, 1, -1e16} is 1;
 *   MEAN  the sum over the count (computed on x / count if the sum overflows);
 *   STD   the sample standard deviation sqrt(sum (x - mean)^2 / (count - 1)),
 *         as Torch's std, two passes; for max |x| beyond 1e150 (or below
 *         1e-150) computed on x / max |x| and scaled back, so that it cannot
 *         overflow (or underflow); needs count >= 2;
 *   MIN, MAX.
 * Errors: a non-finite element (named: "sum: m(2, 3) is nan"), a sum that
 * overflows (named), std of a single value. */
typedef enum gp_reduce_op {
    GP_REDUCE_SUM,
    GP_REDUCE_MEAN,
    GP_REDUCE_STD,
    GP_REDUCE_MIN,
    GP_REDUCE_MAX
} gp_reduce_op;

/* "sum", "mean", "std", "min", "max". */
const char *gp_reduce_name(gp_reduce_op op);

/* The result's shape for dim (0, 1 or 2; anything else is GP_ERR_ARG). */
gp_code gp_matrix_reduce_shape(gp_reduce_op op, const gp_matrix *a, int dim, size_t *rows,
                               size_t *cols, gp_error *err);

/* out (preallocated, shaped by gp_matrix_reduce_shape) = the reduction. */
gp_code gp_matrix_reduce(gp_reduce_op op, const gp_matrix *a, int dim, gp_matrix *out,
                         gp_error *err);

/* Concatenation of parts[0..n-1] (n >= 1) along dim: 1 stacks them (equal
 * column counts), 2 puts them side by side (equal row counts). The shape, or
 * GP_ERR_DIM naming the part that does not fit: "cat: along dimension 2 every
 * part needs 50 rows (as part 1), part 2 has 49". */
gp_code gp_matrix_cat_shape(const gp_matrix *const *parts, size_t n, int dim, size_t *rows,
                            size_t *cols, gp_error *err);
void gp_matrix_cat(const gp_matrix *const *parts, size_t n, int dim, gp_matrix *out);

/* The block of a with rows r0 .. r0 + nr - 1 and columns c0 .. c0 + nc - 1:
 * GP_OK if it lies inside a and is not empty, else GP_ERR_ARG ("rows 9..12
 * are outside 1..10" for a 10 x c matrix). fname names the caller. */
gp_code gp_matrix_block_check(const char *fname, const gp_matrix *a, size_t r0, size_t nr,
                              size_t c0, size_t nc, gp_error *err);

/* out (nr x nc, preallocated) = that block, checked by gp_matrix_block_check. */
void gp_matrix_block(const gp_matrix *a, size_t r0, size_t c0, gp_matrix *out);

/* out (a's shape, preallocated): out(i, j) = f(a(i, j)), f evaluated at each
 * element as a 1-D point (a gp.poly, a constant or a callback). A failing or
 * non-finite value is an error naming the element: "map: element (2, 1) = 0.5:
 * <f's message>". */
gp_code gp_matrix_map(const gp_matrix *a, const gp_func *f, gp_matrix *out, gp_error *err);

#endif
