/* gp_error.h: the error convention of the gprior core.
 *
 * Core functions never print and never exit. Each returns a gp_code (0 = OK)
 * and, on failure, fills a caller-provided gp_error with a message that names
 * the offending argument or value. The bindings turn it into a Lua error. */
#ifndef GP_ERROR_H
#define GP_ERROR_H

typedef enum gp_code {
    GP_OK = 0,
    GP_ERR_ARG,      /* a parameter is out of its domain (negative length-scale, NaN, ...) */
    GP_ERR_DIM,      /* sizes do not agree (input dimension, matrix shapes, empty input) */
    GP_ERR_NOMEM,    /* an allocation failed */
    GP_ERR_NOT_PSD,  /* a covariance matrix is not positive semi-definite */
    GP_ERR_NUMERIC,  /* LAPACK failed or a result is not finite */
    GP_ERR_IO,       /* a file could not be written or renamed */
    GP_ERR_EXTERNAL, /* an external program (gnuplot) is missing or failed */
    GP_ERR_CALLBACK  /* a user callback (a Lua function) failed */
} gp_code;

typedef struct gp_error {
    gp_code code;
    char msg[512];
} gp_error;

/* Record an error (printf-style message) and return its code. err may be NULL. */
gp_code gp_error_set(gp_error *err, gp_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Clear err (code GP_OK, empty message). err may be NULL. */
void gp_error_clear(gp_error *err);

#endif
