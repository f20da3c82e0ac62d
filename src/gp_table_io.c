/* gp_table_io.c: TSV and CSV files to and from matrices (gp_table_io.h). */
#define _POSIX_C_SOURCE 200809L
#include "gp_table_io.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp_file.h"

static char separator(gp_table_format fmt)
{
    return fmt == GP_TABLE_CSV ? ',' : '\t';
}

/* ---- writing ------------------------------------------------------------------------- */

/* A CSV name needs quotes when it holds the separator, a quote, or spaces
 * at its ends (RFC 4180; spaces so that readers do not trim them). */
static int needs_quotes(const char *name)
{
    size_t len = strlen(name);
    return strpbrk(name, ",\"") || (len && (name[0] == ' ' || name[len - 1] == ' '));
}

static void write_name(FILE *f, const char *name, gp_table_format fmt)
{
    if (fmt != GP_TABLE_CSV || !needs_quotes(name)) {
        fputs(name, f);
        return;
    }
    fputc('"', f);
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static gp_code check_header(const char *fname, const gp_matrix *m, gp_table_format fmt,
                            const char *const *header, size_t nheader, gp_error *err)
{
    if (!header)
        return GP_OK;
    if (nheader != m->cols)
        return gp_error_set(err, GP_ERR_DIM, "%s: the header has %zu names but the matrix has %zu "
                                             "columns",
                            fname, nheader, m->cols);
    const char *refused = fmt == GP_TABLE_CSV ? "\r\n" : "\t\r\n";
    for (size_t j = 0; j < nheader; j++)
        if (strpbrk(header[j], refused))
            return gp_error_set(err, GP_ERR_ARG, "%s: header name %zu contains a %s", fname, j + 1,
                                strpbrk(header[j], "\t") && fmt != GP_TABLE_CSV ? "tab"
                                                                                 : "line break");
    return GP_OK;
}

gp_code gp_table_write(const gp_matrix *m, const char *path, gp_table_format fmt,
                       const char *const *header, size_t nheader, gp_error *err)
{
    const char *fname = fmt == GP_TABLE_CSV ? "write_csv" : "write_tsv";
    gp_code rc = check_header(fname, m, fmt, header, nheader, err);
    if (!rc)
        rc = gp_matrix_check_finite(m, fname, "m", err);
    if (rc)
        return rc;
    gp_file file;
    rc = gp_file_begin(&file, path, err);
    if (rc)
        return rc;
    char sep = separator(fmt);
    for (size_t j = 0; header && j < m->cols; j++) {
        write_name(file.f, header[j], fmt);
        fputc(j + 1 == m->cols ? '\n' : sep, file.f);
    }
    for (size_t i = 0; i < m->rows; i++)
        for (size_t j = 0; j < m->cols; j++)
            fprintf(file.f, "%.17g%c", GP_AT(m, i, j), j + 1 == m->cols ? '\n' : sep);
    return gp_file_commit(&file, err);
}

/* ---- reading ------------------------------------------------------------------------- */

/* The reader's state: the file, the line being read, its fields. */
typedef struct reader {
    const char *fname, *path;
    gp_table_format fmt;
    FILE *f;
    char *line;       /* getline's buffer */
    size_t line_cap;
    size_t lineno;
    char *text;       /* the fields, unquoted, each ended by '\0' */
    size_t text_cap;
    char **field;
    size_t nfields, field_cap;
} reader;

static gp_code line_error(const reader *r, gp_code code, const char *what, gp_error *err)
{
    return gp_error_set(err, code, "%s: %s:%zu: %s", r->fname, r->path, r->lineno, what);
}

static gp_code add_field(reader *r, char *start, gp_error *err)
{
    if (r->nfields == r->field_cap) {
        size_t cap = r->field_cap ? 2 * r->field_cap : 16;
        char **grown = realloc(r->field, cap * sizeof *grown);
        if (!grown)
            return line_error(r, GP_ERR_NOMEM, "out of memory", err);
        r->field = grown;
        r->field_cap = cap;
    }
    r->field[r->nfields++] = start;
    return GP_OK;
}

/* Split the line (len bytes, no newline) into fields, unquoting CSV fields. */
static gp_code split(reader *r, size_t len, gp_error *err)
{
    if (len + 1 > r->text_cap) {
        char *grown = realloc(r->text, len + 1);
        if (!grown)
            return line_error(r, GP_ERR_NOMEM, "out of memory", err);
        r->text = grown;
        r->text_cap = len + 1;
    }
    const char sep = separator(r->fmt), *p = r->line;
    char *w = r->text;
    r->nfields = 0;
    for (;;) {
        gp_code rc = add_field(r, w, err);
        if (rc)
            return rc;
        if (r->fmt == GP_TABLE_CSV && *p == '"') {
            for (p++;; p++) {
                if (!*p)
                    return line_error(r, GP_ERR_ARG, "a quoted field is not closed", err);
                if (*p == '"' && p[1] != '"')
                    break;
                if (*p == '"')
                    p++; /* "" is one quote */
                *w++ = *p;
            }
            for (p++; *p == ' '; p++)
                ;
            if (*p && *p != sep)
                return line_error(r, GP_ERR_ARG, "text after the closing quote of a field", err);
        } else {
            while (*p && *p != sep)
                *w++ = *p++;
        }
        *w++ = '\0';
        if (!*p)
            return GP_OK;
        p++; /* the separator */
    }
}

/* Read the next line that holds data into the fields; 0 at the end of the file. */
static int next_line(reader *r, gp_error *err, gp_code *rc)
{
    ssize_t got;
    errno = 0;
    while ((got = getline(&r->line, &r->line_cap, r->f)) >= 0) {
        r->lineno++;
        size_t len = (size_t)got;
        if (strlen(r->line) != len) {
            *rc = line_error(r, GP_ERR_ARG, "the line contains a zero byte (not a text file?)",
                             err);
            return 0;
        }
        while (len && (r->line[len - 1] == '\n' || r->line[len - 1] == '\r'))
            r->line[--len] = '\0';
        char *start = r->line;
        if (r->lineno == 1 && strncmp(start, "\xEF\xBB\xBF", 3) == 0) /* byte-order mark */
            start += 3, len -= 3;
        memmove(r->line, start, len + 1);
        if (r->line[0] == '#' || strspn(r->line, " \t") == len)
            continue;
        *rc = split(r, len, err);
        return *rc == GP_OK;
    }
    if (ferror(r->f))
        *rc = gp_error_set(err, GP_ERR_IO, "%s: cannot read %s: %s", r->fname, r->path,
                           strerror(errno ? errno : EIO));
    return 0;
}

/* The number in s: spaces around it allowed, nothing else. 1 if it is one. */
static int parse_number(const char *s, double *v)
{
    while (*s == ' ')
        s++;
    if (!*s)
        return 0;
    char *end;
    *v = strtod(s, &end);
    if (end == s)
        return 0;
    while (*end == ' ')
        end++;
    return *end == '\0';
}

static int all_numbers(const reader *r)
{
    double v;
    for (size_t j = 0; j < r->nfields; j++)
        if (!parse_number(r->field[j], &v))
            return 0;
    return 1;
}

static gp_code keep_names(const reader *r, gp_table *t, gp_error *err)
{
    t->names = calloc(r->nfields, sizeof *t->names);
    if (!t->names)
        return line_error(r, GP_ERR_NOMEM, "out of memory", err);
    t->cols = r->nfields; /* so that gp_table_free frees what was copied */
    for (size_t j = 0; j < r->nfields; j++) {
        t->names[j] = strdup(r->field[j]);
        if (!t->names[j])
            return line_error(r, GP_ERR_NOMEM, "out of memory", err);
    }
    return GP_OK;
}

/* Append the line's fields to t as one row of numbers. */
static gp_code add_row(const reader *r, gp_table *t, size_t *cap, gp_error *err)
{
    char msg[400];
    if (t->cols == 0)
        t->cols = r->nfields;
    if (r->nfields != t->cols) {
        snprintf(msg, sizeof msg, "%zu fields, but the %s has %zu", r->nfields,
                 t->names ? "header" : "first row", t->cols);
        return line_error(r, GP_ERR_DIM, msg, err);
    }
    if (t->rows * t->cols + t->cols > *cap) {
        size_t want = *cap ? 2 * *cap : 1024;
        if (want < t->cols || want > SIZE_MAX / sizeof(double) ||
            gp_matrix_check_size(want / t->cols + 1, t->cols, err))
            return line_error(r, GP_ERR_NOMEM, "the table is larger than the memory available",
                              err);
        double *grown = realloc(t->values, want * sizeof *grown);
        if (!grown)
            return line_error(r, GP_ERR_NOMEM, "out of memory", err);
        t->values = grown;
        *cap = want;
    }
    double *row = t->values + t->rows * t->cols;
    for (size_t j = 0; j < t->cols; j++) {
        const char *s = r->field[j];
        if (!parse_number(s, &row[j])) {
            snprintf(msg, sizeof msg, "field %zu (\"%.80s\") is %s", j + 1, s,
                     s[strspn(s, " ")] ? "not a number" : "empty");
            return line_error(r, GP_ERR_ARG, msg, err);
        }
        if (!isfinite(row[j])) {
            snprintf(msg, sizeof msg, "field %zu (\"%.80s\") is not a finite number", j + 1, s);
            return line_error(r, GP_ERR_ARG, msg, err);
        }
    }
    t->rows++;
    return GP_OK;
}

gp_code gp_table_read(const char *path, gp_table_format fmt, gp_table_header header,
                      gp_table *out, gp_error *err)
{
    memset(out, 0, sizeof *out);
    reader r = {fmt == GP_TABLE_CSV ? "read_csv" : "read_tsv", path, fmt, NULL, NULL, 0, 0,
                NULL, 0, NULL, 0, 0};
    r.f = fopen(path, "r");
    if (!r.f)
        return gp_error_set(err, GP_ERR_IO, "%s: cannot open %s: %s", r.fname, path,
                            strerror(errno));
    gp_code rc = GP_OK;
    size_t cap = 0;
    int first = 1;
    while (next_line(&r, err, &rc)) {
        if (first && (header == GP_HEADER_YES || (header == GP_HEADER_AUTO && !all_numbers(&r))))
            rc = keep_names(&r, out, err);
        else
            rc = add_row(&r, out, &cap, err);
        first = 0;
        if (rc)
            break;
    }
    if (!rc && out->rows == 0)
        rc = gp_error_set(err, GP_ERR_ARG, "%s: %s has no rows of data%s", r.fname, path,
                          out->names ? " (only a header)" : "");
    fclose(r.f);
    free(r.line);
    free(r.text);
    free(r.field);
    return rc;
}

void gp_table_to_matrix(const gp_table *t, gp_matrix *m)
{
    for (size_t i = 0; i < t->rows; i++)
        for (size_t j = 0; j < t->cols; j++)
            GP_AT(m, i, j) = t->values[i * t->cols + j];
}

void gp_table_free(gp_table *t)
{
    if (!t)
        return;
    for (size_t j = 0; t->names && j < t->cols; j++)
        free(t->names[j]);
    free(t->names);
    free(t->values);
    t->names = NULL;
    t->values = NULL;
}
