/* gp_func.c: deterministic functions a: R^d -> R (constants, 1-D polynomials,
 * external callbacks), used as means and as output warps. */
#include "gp_func.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gp_kernel_impl.h" /* text builder and number format */

typedef enum { FUNC_CONSTANT, FUNC_POLYNOMIAL, FUNC_EXTERNAL } func_type;

struct gp_func {
    func_type type;
    size_t refs;
    /* constant */
    double c;
    /* polynomial: coef[0] + coef[1] x + ... */
    size_t ncoef;
    double *coef;
    /* external */
    gp_func_callback eval;
    void *ctx;
    void (*release)(void *ctx);
    char *name;
};

/* Points up to this dimension are gathered on the stack. */
#define FUNC_STACK_DIM 16

static gp_func *func_new(func_type type, size_t extra, gp_error *err)
{
    gp_func *f = calloc(1, sizeof *f + extra);
    if (!f) {
        gp_error_set(err, GP_ERR_NOMEM, "function: out of memory");
        return NULL;
    }
    f->type = type;
    f->refs = 1;
    return f;
}

gp_func *gp_func_constant(double c, gp_error *err)
{
    if (!isfinite(c)) {
        gp_error_set(err, GP_ERR_ARG, "constant function: value must be finite, got %g", c);
        return NULL;
    }
    gp_func *f = func_new(FUNC_CONSTANT, 0, err);
    if (f)
        f->c = c;
    return f;
}

gp_func *gp_func_polynomial(const double *coef, size_t n, gp_error *err)
{
    if (!coef || n == 0) {
        gp_error_set(err, GP_ERR_ARG, "poly: at least one coefficient is needed, got 0");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!isfinite(coef[i])) {
            gp_error_set(err, GP_ERR_ARG, "poly: coefficient %zu (of x^%zu) must be finite, got %g",
                         i + 1, i, coef[i]);
            return NULL;
        }
    if (n > ((size_t)-1 - sizeof(gp_func)) / sizeof(double)) {
        gp_error_set(err, GP_ERR_NOMEM, "poly: too many coefficients (%zu)", n);
        return NULL;
    }
    gp_func *f = func_new(FUNC_POLYNOMIAL, n * sizeof(double), err);
    if (!f)
        return NULL;
    f->ncoef = n;
    f->coef = (double *)(f + 1);
    memcpy(f->coef, coef, n * sizeof(double));
    return f;
}

gp_func *gp_func_external(gp_func_callback eval, void *ctx, void (*release)(void *ctx),
                          const char *name, gp_error *err)
{
    if (!eval) {
        gp_error_set(err, GP_ERR_ARG, "external function: callback must not be NULL");
        return NULL;
    }
    if (!name || !*name)
        name = "external";
    size_t len = strlen(name);
    gp_func *f = func_new(FUNC_EXTERNAL, len + 1, err);
    if (!f)
        return NULL;
    f->eval = eval;
    f->ctx = ctx;
    f->release = release;
    f->name = (char *)(f + 1);
    memcpy(f->name, name, len + 1);
    return f;
}

gp_func *gp_func_retain(gp_func *f)
{
    if (f)
        f->refs++;
    return f;
}

void gp_func_release(gp_func *f)
{
    if (!f || --f->refs > 0)
        return;
    if (f->type == FUNC_EXTERNAL && f->release)
        f->release(f->ctx);
    free(f);
}

int gp_func_is_zero(const gp_func *f)
{
    if (!f)
        return 0;
    switch (f->type) {
    case FUNC_CONSTANT:
        return f->c == 0.0;
    case FUNC_POLYNOMIAL:
        for (size_t i = 0; i < f->ncoef; i++)
            if (f->coef[i] != 0.0)
                return 0;
        return 1;
    case FUNC_EXTERNAL:
        return 0;
    }
    return 0;
}

/* "x = 0.5" or "x = (1, 2)" for error messages. */
static void describe_point(char *buf, size_t cap, const double *x, size_t d)
{
    gp_sbuf sb = gp_sbuf_make(buf, cap);
    gp_sbuf_puts(&sb, "x = ");
    if (d != 1)
        gp_sbuf_puts(&sb, "(");
    for (size_t j = 0; j < d && j < 8; j++) {
        if (j)
            gp_sbuf_puts(&sb, ", ");
        gp_sbuf_number(&sb, x[j]);
    }
    if (d > 8)
        gp_sbuf_puts(&sb, ", ...");
    if (d != 1)
        gp_sbuf_puts(&sb, ")");
}

static gp_code nonfinite_error(const gp_func *f, size_t row, const double *x, size_t d,
                               double value, gp_error *err)
{
    char name[128], point[160];
    gp_func_describe(f, name, sizeof name);
    describe_point(point, sizeof point, x, d);
    return gp_error_set(err, GP_ERR_NUMERIC, "%s: value is %g at point %zu (%s); must be finite",
                        name, value, row + 1, point);
}

static gp_code eval_polynomial(const gp_func *f, const gp_matrix *X, double *out, gp_error *err)
{
    if (X->cols != 1)
        return gp_error_set(err, GP_ERR_DIM,
                            "poly: input must be 1-D (one column), got %zu-D input", X->cols);
    const double *x = X->data;
    const double *c = f->coef;
    const size_t top = f->ncoef - 1;
    for (size_t i = 0; i < X->rows; i++) {
        double v = c[top];
        for (size_t k = top; k-- > 0;)
            v = v * x[i] + c[k];
        out[i] = v;
    }
    for (size_t i = 0; i < X->rows; i++)
        if (!isfinite(out[i]))
            return nonfinite_error(f, i, &x[i], 1, out[i], err);
    return GP_OK;
}

static gp_code eval_external(const gp_func *f, const gp_matrix *X, double *out, gp_error *err)
{
    const size_t n = X->rows, d = X->cols;
    double stack[FUNC_STACK_DIM];
    double *x = stack;
    if (d > FUNC_STACK_DIM) {
        x = malloc(d * sizeof *x);
        if (!x)
            return gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", f->name);
    }
    gp_code rc = GP_OK;
    gp_error e;
    for (size_t i = 0; i < n && rc == GP_OK; i++) {
        for (size_t j = 0; j < d; j++)
            x[j] = GP_AT(X, i, j);
        gp_error_clear(&e);
        double v = NAN;
        rc = f->eval(f->ctx, x, d, &v, &e);
        if (rc != GP_OK) {
            if (e.msg[0]) {
                if (err) {
                    *err = e;
                    err->code = rc;
                }
            } else {
                char point[160];
                describe_point(point, sizeof point, x, d);
                gp_error_set(err, rc, "%s: callback failed at point %zu (%s)", f->name, i + 1,
                             point);
            }
        } else if (!isfinite(v)) {
            rc = nonfinite_error(f, i, x, d, v, err);
        } else {
            out[i] = v;
        }
    }
    if (x != stack)
        free(x);
    return rc;
}

gp_code gp_func_eval_rows(const gp_func *f, const gp_matrix *X, double *out, gp_error *err)
{
    if (!f || !X || (!out && X->rows > 0))
        return gp_error_set(err, GP_ERR_ARG, "function evaluation: NULL argument");
    switch (f->type) {
    case FUNC_CONSTANT:
        for (size_t i = 0; i < X->rows; i++)
            out[i] = f->c;
        return GP_OK;
    case FUNC_POLYNOMIAL:
        return eval_polynomial(f, X, out, err);
    case FUNC_EXTERNAL:
        return eval_external(f, X, out, err);
    }
    return gp_error_set(err, GP_ERR_ARG, "function evaluation: unknown function type");
}

gp_func *gp_func_derivative(const gp_func *f, size_t dim, gp_error *err)
{
    if (!f) {
        gp_error_set(err, GP_ERR_ARG, "function derivative: NULL function");
        return NULL;
    }
    char name[128];
    switch (f->type) {
    case FUNC_CONSTANT:
        return gp_func_constant(0.0, err);
    case FUNC_POLYNOMIAL: {
        if (dim != 0) {
            gp_error_set(err, GP_ERR_DIM, "poly: a 1-D function has no derivative in x_%zu",
                         dim + 1);
            return NULL;
        }
        if (f->ncoef == 1)
            return gp_func_constant(0.0, err);
        double *c = malloc((f->ncoef - 1) * sizeof *c);
        if (!c) {
            gp_error_set(err, GP_ERR_NOMEM, "poly: out of memory");
            return NULL;
        }
        for (size_t k = 1; k < f->ncoef; k++)
            c[k - 1] = (double)k * f->coef[k];
        gp_func *d = gp_func_polynomial(c, f->ncoef - 1, err);
        free(c);
        return d;
    }
    case FUNC_EXTERNAL:
        gp_func_describe(f, name, sizeof name);
        gp_error_set(err, GP_ERR_ARG,
                     "%s: its derivative is not known (give a constant or gp.poly to "
                     "differentiate through it)",
                     name);
        return NULL;
    }
    gp_error_set(err, GP_ERR_ARG, "function derivative: unknown function type");
    return NULL;
}

int gp_func_has_derivative(const gp_func *f)
{
    return f && f->type != FUNC_EXTERNAL;
}

gp_code gp_func_eval_deriv(const gp_func *f, const gp_matrix *X, const double *u, double *out,
                           gp_error *err)
{
    if (!f || !X || !u || (!out && X->rows > 0))
        return gp_error_set(err, GP_ERR_ARG, "function derivative: NULL argument");
    char name[128];
    switch (f->type) {
    case FUNC_CONSTANT:
        for (size_t i = 0; i < X->rows; i++)
            out[i] = 0.0;
        return GP_OK;
    case FUNC_POLYNOMIAL: { /* u_1 (c_1 + 2 c_2 x + ... ) */
        if (X->cols != 1)
            return gp_error_set(err, GP_ERR_DIM,
                                "poly: input must be 1-D (one column), got %zu-D input", X->cols);
        const size_t top = f->ncoef - 1;
        for (size_t i = 0; i < X->rows; i++) {
            double v = 0;
            for (size_t k = top; k >= 1; k--)
                v = v * X->data[i] + (double)k * f->coef[k];
            out[i] = u[0] * v;
            if (!isfinite(out[i]))
                return nonfinite_error(f, i, &X->data[i], 1, out[i], err);
        }
        return GP_OK;
    }
    case FUNC_EXTERNAL:
        gp_func_describe(f, name, sizeof name);
        return gp_error_set(err, GP_ERR_ARG,
                            "%s: its derivative is not known (give a constant or gp.poly to "
                            "differentiate through it)",
                            name);
    }
    return gp_error_set(err, GP_ERR_ARG, "function derivative: unknown function type");
}

size_t gp_func_describe(const gp_func *f, char *buf, size_t cap)
{
    gp_sbuf sb = gp_sbuf_make(buf, cap);
    if (!f) {
        gp_sbuf_puts(&sb, "(null)");
        return sb.len;
    }
    switch (f->type) {
    case FUNC_CONSTANT:
        gp_sbuf_number(&sb, f->c);
        break;
    case FUNC_POLYNOMIAL:
        gp_sbuf_puts(&sb, "poly(");
        for (size_t i = 0; i < f->ncoef; i++) {
            if (i)
                gp_sbuf_puts(&sb, ", ");
            gp_sbuf_number(&sb, f->coef[i]);
        }
        gp_sbuf_puts(&sb, ")");
        break;
    case FUNC_EXTERNAL:
        gp_sbuf_puts(&sb, f->name);
        break;
    }
    return sb.len;
}
