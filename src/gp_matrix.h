/* gp_matrix.h: dense column-major matrices of doubles (the layout LAPACK wants).
 *
 * Element (i, j) of an m x n matrix is data[j * m + i]. Inputs X are n x d:
 * one row per point, one column per input dimension; a 1-D input is n x 1. */
#ifndef GP_MATRIX_H
#define GP_MATRIX_H

#include <stddef.h>

#include "gp_error.h"

typedef struct gp_matrix {
    size_t rows, cols;
    double *data; /* rows * cols doubles, column-major */
} gp_matrix;

#define GP_AT(m, i, j) ((m)->data[(size_t)(j) * (m)->rows + (size_t)(i)])

/* Bytes needed for a rows x cols matrix stored in one block with its header,
 * or 0 if the size overflows. */
size_t gp_matrix_bytes(size_t rows, size_t cols);

/* Check, before anything is allocated, that a rows x cols matrix can be: its
 * size in bytes does not overflow and is not more than this machine's memory
 * available now (MemAvailable of /proc/meminfo, else the physical memory).
 * Returns GP_OK or GP_ERR_NOMEM with a message giving the shape and bytes:
 * "a 1099511627776 x 1 matrix needs 8796093022224 bytes (8 TiB), more than the
 * 21 GiB of memory available". */
gp_code gp_matrix_check_size(size_t rows, size_t cols, gp_error *err);

/* Lay out a matrix header and its zeroed data in a block of
 * gp_matrix_bytes(rows, cols) bytes (from malloc or lua_newuserdatauv). */
gp_matrix *gp_matrix_init(void *block, size_t rows, size_t cols);

/* A new zeroed matrix in one allocation; NULL on overflow, on a size beyond
 * this machine's memory (gp_matrix_check_size), or out of memory.
 * Free with gp_matrix_free (NULL is fine). */
gp_matrix *gp_matrix_alloc(size_t rows, size_t cols);
void gp_matrix_free(gp_matrix *m);

/* Change the column count of a matrix from gp_matrix_alloc (not one laid out
 * by gp_matrix_init), keeping the first min(old, cols) columns; new columns
 * are zero. Returns the matrix, which may have moved, or NULL (m unchanged)
 * on overflow or out of memory. */
gp_matrix *gp_matrix_resize_cols(gp_matrix *m, size_t cols);

/* The spacing h = (b - a) / (n - 1) of n >= 1 evenly spaced points from a to
 * b (h = 0 for n = 1), computed without overflow even when b - a is not
 * representable (a = -1.7e308, b = 1.7e308). Errors: a or b not finite; with
 * increasing != 0 and n > 1, b <= a ("need a < b for 10 points"). fname names
 * the caller in messages. */
gp_code gp_linspace_step(const char *fname, double a, double b, size_t n, int increasing,
                         double *h, gp_error *err);

/* Fill x (n values) with n evenly spaced points from a to b inclusive:
 * x_i = a + i (b - a) / (n - 1), x_{n-1} = b exactly, n = 1 gives a; a and b
 * finite (checked by gp_linspace_step). When (b - a) (n - 1) overflows, the
 * same points are computed as a + t (b/2 - a/2) + t (b/2 - a/2), t = i/(n - 1),
 * whose terms stay finite. */
void gp_matrix_linspace(gp_matrix *x, double a, double b);

/* The (nx ny) x 2 matrix out of all pairs (xs_i, ys_j), x varying fastest:
 * row j nx + i is (xs_i, ys_j). xs, ys vectors (n x 1 or 1 x n); out preallocated. */
gp_code gp_matrix_grid(const gp_matrix *xs, const gp_matrix *ys, gp_matrix *out, gp_error *err);

/* Element-wise arithmetic out = a op b, where a (or b) NULL stands for the
 * number sa (or sb) everywhere; the matrices given have out's shape. A result
 * that is not finite (1 / 0, an overflow, a NaN already in an operand) is an
 * error naming the element. */
typedef enum gp_matrix_op { GP_MATRIX_ADD, GP_MATRIX_SUB, GP_MATRIX_MUL, GP_MATRIX_DIV } gp_matrix_op;
gp_code gp_matrix_elementwise(gp_matrix_op op, const gp_matrix *a, double sa, const gp_matrix *b,
                              double sb, gp_matrix *out, gp_error *err);

/* Index of the first non-finite element, or (size_t)-1 if all are finite. */
size_t gp_matrix_find_nonfinite(const gp_matrix *m);

/* GP_OK if every element of m is finite; else GP_ERR_ARG naming the first
 * one in the wording every check uses: "fname: name[3] is nan" for a vector
 * (n x 1), "fname: name(2, 1) is inf" otherwise. */
gp_code gp_matrix_check_finite(const gp_matrix *m, const char *fname, const char *name,
                               gp_error *err);

/* GP_OK if the n values v of a result (named what) are finite; else
 * GP_ERR_NUMERIC: "fname: the variance is inf at entry 3: it overflowed
 * (beyond the largest double)". For results computed from finite inputs. */
gp_code gp_check_result(const char *fname, const char *what, const double *v, size_t n,
                        gp_error *err);

/* The one symmetry rule for covariance matrices (a sampled K, a weight
 * covariance, an nn Sigma): a_ij and a_ji may differ by rounding only,
 * |a_ij - a_ji| <= GP_SYM_REL_TOL sqrt(|a_ii a_jj|). Relative to the two
 * variances, so a matrix with variances of very different sizes is judged
 * entry by entry, not by its largest entry. NaN fails. */
#define GP_SYM_REL_TOL 1.4901161193847656e-08 /* sqrt(DBL_EPSILON) */
int gp_sym_pair_ok(double aij, double aji, double aii, double ajj);

#endif
