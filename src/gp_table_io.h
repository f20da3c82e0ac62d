/* gp_table_io.h: matrices to and from delimited text: tab-separated (TSV)
 * and comma-separated (CSV, RFC 4180) files with an optional header row of
 * column names.
 *
 * Writing goes through gp_file.h: the file appears whole or not at all, and
 * every write is checked (a full disk is an error naming the file). Numbers
 * are written with %.17g, so they read back exactly.
 *
 * Reading: one row of numbers per line; blank lines and lines starting with
 * '#' are skipped, as are a UTF-8 byte-order mark and a '\r' before each
 * newline. CSV fields may be quoted ("a, b" and "say ""hi""" are names); TSV
 * fields are taken as they are. Every data field must be a finite number
 * (surrounding spaces allowed); anything else is an error naming the file,
 * the line and the field. Values are finite both ways: a NaN or an infinity
 * is refused when writing and when reading. */
#ifndef GP_TABLE_IO_H
#define GP_TABLE_IO_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_matrix.h"

typedef enum gp_table_format { GP_TABLE_TSV, GP_TABLE_CSV } gp_table_format;

/* Whether the first row is a header of names. AUTO: it is when one of its
 * fields is not a number. */
typedef enum gp_table_header {
    GP_HEADER_AUTO = -1,
    GP_HEADER_NO = 0,
    GP_HEADER_YES = 1
} gp_table_header;

/* Write m to path (whose folder must exist) in fmt: header (NULL for none,
 * else m->cols names) first, then one line per row. Errors (named "write_tsv"
 * or "write_csv"): a header of the wrong length, a name with a line break (or
 * a tab, in TSV), a non-finite value (named by its element), I/O. */
gp_code gp_table_write(const gp_matrix *m, const char *path, gp_table_format fmt,
                       const char *const *header, size_t nheader, gp_error *err);

/* A table as read: rows x cols values in row-major (reading) order, and the
 * column names when the file had a header row (else names is NULL). */
typedef struct gp_table {
    size_t rows, cols;
    double *values;
    char **names;
} gp_table;

/* Read path in fmt into out (caller frees with gp_table_free, also after an
 * error). Errors (named "read_tsv" or "read_csv", with path:line): the file
 * cannot be read, a field that is not a finite number, rows of different
 * lengths, no data rows, a line with a zero byte, a size beyond memory. */
gp_code gp_table_read(const char *path, gp_table_format fmt, gp_table_header header,
                      gp_table *out, gp_error *err);

/* m (t->rows x t->cols, preallocated) = the values of t. */
void gp_table_to_matrix(const gp_table *t, gp_matrix *m);

void gp_table_free(gp_table *t); /* frees what t holds; t itself may be on the stack */

#endif
