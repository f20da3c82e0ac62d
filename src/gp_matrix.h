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

/* Lay out a matrix header and its zeroed data in a block of
 * gp_matrix_bytes(rows, cols) bytes (from malloc or lua_newuserdatauv). */
gp_matrix *gp_matrix_init(void *block, size_t rows, size_t cols);

/* A new zeroed matrix in one allocation; NULL on overflow or out of memory.
 * Free with gp_matrix_free (NULL is fine). */
gp_matrix *gp_matrix_alloc(size_t rows, size_t cols);
void gp_matrix_free(gp_matrix *m);

/* Change the column count of a matrix from gp_matrix_alloc (not one laid out
 * by gp_matrix_init), keeping the first min(old, cols) columns; new columns
 * are zero. Returns the matrix, which may have moved, or NULL (m unchanged)
 * on overflow or out of memory. */
gp_matrix *gp_matrix_resize_cols(gp_matrix *m, size_t cols);

/* Fill the n x 1 matrix x with n evenly spaced points from a to b inclusive
 * (x_i = a + i (b - a) / (n - 1); x_{n-1} = b exactly; n = 1 gives a). */
void gp_matrix_linspace(gp_matrix *x, double a, double b);

/* Index of the first non-finite element, or (size_t)-1 if all are finite. */
size_t gp_matrix_find_nonfinite(const gp_matrix *m);

/* Write m as tab-separated text, one row per line, %.17g, to path through a
 * temporary file renamed into place (no half-written file on failure). */
gp_code gp_matrix_write_tsv(const gp_matrix *m, const char *path, gp_error *err);

#endif
