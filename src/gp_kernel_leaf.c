/* gp_kernel_leaf.c: what every leaf kernel shares, driven by its descriptor
 * (gp_kernel_impl.h, the table in gp_kernel_leaves.c): the constructor from
 * named parameter values and their checks, describe, the input checks, and
 * the Gram and diagonal evaluation.
 *
 * Every leaf Gram matrix is built column by column (in the symmetric case only
 * rows 0..j of column j, the upper triangle, which is contiguous in
 * column-major storage), each column in two passes while it is in cache:
 *   1. geometry: scaled squared distances (GP_GEOM_SQDIST) or dot products
 *      (GP_GEOM_DOT), accumulated one input dimension at a time so the inner
 *      loop runs down contiguous columns of X and K;
 *   2. the descriptor's apply, an element-wise pass turning that number into
 *      the covariance with the vectorisable exp of gp_vexp.h;
 * or a custom column formula (GP_GEOM_CUSTOM). Then a vectorised scan checks
 * the column is finite. Columns are shared among threads
 * (gp_kernel_parallel_cols) for large K; every entry is computed the same way
 * whatever the thread count. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gp_kernel_impl.h"

/* ---- the table ------------------------------------------------------------- */

const gp_kernel_desc *gp_kernel_desc_at(size_t i)
{
    for (size_t t = 0; gp_kernel_table[t]; t++)
        if (t == i)
            return gp_kernel_table[t];
    return NULL;
}

const gp_kernel_desc *gp_kernel_desc_find(const char *name)
{
    for (size_t t = 0; name && gp_kernel_table[t]; t++)
        if (strcmp(gp_kernel_table[t]->name, name) == 0)
            return gp_kernel_table[t];
    return NULL;
}

const char *gp_kernel_desc_name(const gp_kernel_desc *d)
{
    return d ? d->name : "(null)";
}

const gp_param_spec *gp_kernel_desc_param(const gp_kernel_desc *d, size_t i)
{
    return d && i < GP_KERNEL_MAX_PARAMS && d->params[i].name ? &d->params[i] : NULL;
}

static size_t param_count(const gp_kernel_desc *d)
{
    size_t n = 0;
    while (gp_kernel_desc_param(d, n))
        n++;
    return n;
}

const gp_kparam *gp_kernel_leaf_param(const gp_kernel *k, const char *name)
{
    if (k->type != GP_KNODE_LEAF)
        return NULL;
    for (size_t i = 0; gp_kernel_desc_param(k->desc, i); i++)
        if (strcmp(k->desc->params[i].name, name) == 0)
            return &k->par[i];
    return NULL;
}

/* ---- parameter checks ---------------------------------------------------- */

/* "finite and > 0", "an integer >= 1", "in (0, 1)", ...: what ps allows
 * (v: the rejected value; an integer beyond INT_MAX gets the full range). */
static void allowed_text(const gp_param_spec *ps, double v, char *buf, size_t cap)
{
    const int above = (ps->flags & GP_PARAM_ABOVE) != 0, below = (ps->flags & GP_PARAM_BELOW) != 0;
    if (ps->kind == GP_PARAM_CHOICE) {
        gp_sbuf sb = gp_sbuf_make(buf, cap);
        gp_sbuf_puts(&sb, "one of");
        for (size_t i = 0; ps->choices[i]; i++) {
            gp_sbuf_puts(&sb, i ? ", \"" : " \"");
            gp_sbuf_puts(&sb, ps->choices[i]);
            gp_sbuf_puts(&sb, "\"");
        }
        gp_sbuf_puts(&sb, " (by index from 0)");
    } else if (ps->kind == GP_PARAM_INTEGER) {
        const double lo = fmax(ps->lo, (double)INT_MIN), hi = fmin(ps->hi, (double)INT_MAX);
        if (ps->hi >= (double)INT_MAX && ps->lo > (double)INT_MIN && !(v > (double)INT_MAX))
            snprintf(buf, cap, "an integer >= %.0f", lo);
        else
            snprintf(buf, cap, "an integer in %.0f..%.0f", lo, hi);
    } else if (isinf(ps->lo) && isinf(ps->hi)) {
        snprintf(buf, cap, "finite");
    } else if (isinf(ps->hi)) {
        snprintf(buf, cap, "finite and %s %g", above ? ">" : ">=", ps->lo);
    } else if (isinf(ps->lo)) {
        snprintf(buf, cap, "finite and %s %g", below ? "<" : "<=", ps->hi);
    } else {
        snprintf(buf, cap, "in %c%g, %g%c", above ? '(' : '[', ps->lo, ps->hi, below ? ')' : ']');
    }
}

/* 1 if v is allowed by ps; else 0 with err naming kernel, parameter (elem
 * says which value: "", " 2", "[1][2]"), the value and the reason. */
static int check_value(const char *kname, const gp_param_spec *ps, const char *elem, double v,
                       gp_error *err)
{
    const int above = (ps->flags & GP_PARAM_ABOVE) != 0, below = (ps->flags & GP_PARAM_BELOW) != 0;
    int ok = isfinite(v) && (above ? v > ps->lo : v >= ps->lo) &&
             (below ? v < ps->hi : v <= ps->hi);
    if (ps->kind == GP_PARAM_INTEGER || ps->kind == GP_PARAM_CHOICE)
        ok = ok && v == floor(v) && v >= (double)INT_MIN && v <= (double)INT_MAX;
    const char *why = "";
    if (ok && (ps->flags & GP_PARAM_INVERTIBLE) && !isfinite(1.0 / v)) {
        ok = 0;
        why = "too small: 1/";
    } else if (ok && (ps->flags & GP_PARAM_SQUARED) && !isfinite(v * v)) {
        ok = 0;
        why = "too large: the square of ";
    }
    if (ok)
        return 1;
    char allowed[160];
    allowed_text(ps, v, allowed, sizeof allowed);
    if (*why)
        gp_error_set(err, GP_ERR_ARG, "%s: %s%s must be %s, got %g (%s%s overflows)", kname,
                     ps->name, elem, allowed, v, why, ps->name);
    else
        gp_error_set(err, GP_ERR_ARG, "%s: %s%s must be %s, got %g", kname, ps->name, elem,
                     allowed, v);
    return 0;
}

/* The shape of value a for ps is right and every value passes ps. */
static int check_param(const char *kname, const gp_param_spec *ps, const gp_kparam *a,
                       gp_error *err)
{
    const size_t n = a->rows * a->cols;
    if (ps->kind == GP_PARAM_FUNCTION)
        return 1; /* checked by match_args; its values are checked where it is called */
    if (!a->v || n == 0) {
        gp_error_set(err, GP_ERR_ARG, "%s: %s is missing (0 values given)", kname, ps->name);
        return 0;
    }
    if (ps->kind != GP_PARAM_LIST && ps->kind != GP_PARAM_MATRIX && n != 1) {
        gp_error_set(err, GP_ERR_ARG, "%s: %s must be one number, got a %zu x %zu matrix", kname,
                     ps->name, a->rows, a->cols);
        return 0;
    }
    if (ps->kind == GP_PARAM_LIST && a->rows != 1 && a->cols != 1) {
        gp_error_set(err, GP_ERR_ARG,
                     "%s: %s must be a number or a list of numbers, got a %zu x %zu matrix", kname,
                     ps->name, a->rows, a->cols);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char elem[48] = "";
        if (ps->kind == GP_PARAM_MATRIX && n > 1)
            snprintf(elem, sizeof elem, "[%zu][%zu]", i % a->rows + 1, i / a->rows + 1);
        else if (n > 1)
            snprintf(elem, sizeof elem, " %zu", i + 1);
        if (!check_value(kname, ps, elem, a->v[i], err))
            return 0;
    }
    return 1;
}

/* Match args to the parameters of d: given[i] = the value of parameter i
 * (its default when not given); *fn the function of a FUNCTION parameter
 * (NULL when not given). */
static int match_args(const gp_kernel_desc *d, const gp_kernel_arg *args, size_t nargs,
                      gp_kparam given[GP_KERNEL_MAX_PARAMS], gp_func **fn, gp_error *err)
{
    const size_t np = param_count(d);
    int seen[GP_KERNEL_MAX_PARAMS] = {0};
    for (size_t a = 0; a < nargs; a++) {
        size_t i = 0;
        while (i < np && !(args[a].name && strcmp(args[a].name, d->params[i].name) == 0))
            i++;
        if (i == np) {
            char known[256] = "";
            for (size_t p = 0; p < np; p++) {
                strncat(known, p ? ", " : "", sizeof known - strlen(known) - 1);
                strncat(known, d->params[p].name, sizeof known - strlen(known) - 1);
            }
            gp_error_set(err, GP_ERR_ARG, "%s: unknown parameter '%s' (known: %s)", d->name,
                         args[a].name ? args[a].name : "(null)", known);
            return 0;
        }
        if (seen[i]) {
            gp_error_set(err, GP_ERR_ARG, "%s: parameter '%s' is given twice", d->name,
                         d->params[i].name);
            return 0;
        }
        seen[i] = 1;
        const int is_fn = d->params[i].kind == GP_PARAM_FUNCTION;
        if (is_fn != (args[a].fn != NULL)) {
            gp_error_set(err, GP_ERR_ARG, "%s: %s must be %s", d->name, d->params[i].name,
                         is_fn ? "a function of x" : "given as numbers, not a function");
            return 0;
        }
        if (is_fn) {
            *fn = args[a].fn;
            given[i] = (gp_kparam){&d->params[i].def, 1, 1};
            continue;
        }
        given[i] = (gp_kparam){args[a].v, args[a].rows, args[a].cols};
    }
    for (size_t i = 0; i < np; i++)
        if (!seen[i])
            given[i] = (gp_kparam){&d->params[i].def, 1, 1};
    return 1;
}

gp_kernel *gp_kernel_new(const gp_kernel_desc *d, const gp_kernel_arg *args, size_t nargs,
                         gp_error *err)
{
    if (!d) {
        gp_error_set(err, GP_ERR_ARG, "kernel: no descriptor (NULL)");
        return NULL;
    }
    if (nargs > 0 && !args) {
        gp_error_set(err, GP_ERR_ARG, "%s: %zu parameters announced but none given", d->name,
                     nargs);
        return NULL;
    }
    gp_kparam given[GP_KERNEL_MAX_PARAMS];
    gp_func *fn = NULL;
    if (!match_args(d, args, nargs, given, &fn, err))
        return NULL;
    const size_t np = param_count(d);
    size_t total = 0;
    for (size_t i = 0; i < np; i++) {
        const size_t rows = given[i].rows, cols = given[i].cols;
        if ((rows && cols > SIZE_MAX / sizeof(double) / rows) ||
            rows * cols > SIZE_MAX / sizeof(double) - total) {
            gp_error_set(err, GP_ERR_NOMEM, "%s: %s has too many values (%zu x %zu)", d->name,
                         d->params[i].name, given[i].rows, given[i].cols);
            return NULL;
        }
        if (!check_param(d->name, &d->params[i], &given[i], err))
            return NULL;
        total += rows * cols;
    }
    gp_kernel *k = gp_kernel_node_new(GP_KNODE_LEAF, total, 0, d->name, err);
    if (!k)
        return NULL;
    k->desc = d;
    k->stationary = d->stationary;
    for (size_t i = 0; i < np; i++) /* a function not given: the constant default */
        if (d->params[i].kind == GP_PARAM_FUNCTION) {
            k->f = fn ? gp_func_retain(fn) : gp_func_constant(d->params[i].def, err);
            if (!k->f) {
                gp_kernel_release(k);
                return NULL;
            }
        }
    double *store = k->vec;
    for (size_t i = 0; i < np; i++) {
        const size_t n = given[i].rows * given[i].cols;
        memcpy(store, given[i].v, n * sizeof *store);
        k->par[i] = (gp_kparam){store, given[i].rows, given[i].cols};
        store += n;
    }
    if (d->setup && d->setup(k, err)) {
        gp_kernel_release(k);
        return NULL;
    }
    return k;
}

gp_kernel *gp_kernel_new_named(const char *name, const gp_kernel_arg *args, size_t nargs,
                               gp_error *err)
{
    const gp_kernel_desc *d = gp_kernel_desc_find(name);
    if (!d) {
        gp_error_set(err, GP_ERR_ARG, "kernel: no leaf kernel is called '%s'",
                     name ? name : "(null)");
        return NULL;
    }
    return gp_kernel_new(d, args, nargs, err);
}

/* ---- describe -------------------------------------------------------------- */

static void describe_value(gp_sbuf *sb, const gp_kernel *k, const gp_param_spec *ps,
                           const gp_kparam *p)
{
    const size_t n = p->rows * p->cols;
    if (ps->kind == GP_PARAM_FUNCTION) {
        size_t cap;
        char *tail = gp_sbuf_tail(sb, &cap);
        gp_sbuf_advance(sb, gp_func_describe(k->f, tail, cap));
    } else if (ps->kind == GP_PARAM_CHOICE) {
        gp_sbuf_puts(sb, "\"");
        gp_sbuf_puts(sb, ps->choices[(size_t)p->v[0]]);
        gp_sbuf_puts(sb, "\"");
    } else if (ps->kind == GP_PARAM_INTEGER) {
        char num[32];
        snprintf(num, sizeof num, "%.0f", p->v[0]);
        gp_sbuf_puts(sb, num);
    } else if (n == 1) {
        gp_sbuf_number(sb, p->v[0]);
    } else if (ps->kind == GP_PARAM_LIST) {
        gp_sbuf_vector(sb, p->v, n);
    } else { /* a matrix, row by row */
        gp_sbuf_puts(sb, "{");
        for (size_t i = 0; i < p->rows; i++) {
            if (i)
                gp_sbuf_puts(sb, ", ");
            gp_sbuf_puts(sb, "{");
            for (size_t j = 0; j < p->cols; j++) {
                if (j)
                    gp_sbuf_puts(sb, ", ");
                gp_sbuf_number(sb, p->v[j * p->rows + i]);
            }
            gp_sbuf_puts(sb, "}");
        }
        gp_sbuf_puts(sb, "}");
    }
}

void gp_kernel_leaf_describe(const gp_kernel *k, gp_sbuf *sb)
{
    const gp_kernel_desc *d = k->desc;
    gp_sbuf_puts(sb, d->name);
    gp_sbuf_puts(sb, "(");
    for (size_t i = 0; gp_kernel_desc_param(d, i); i++) {
        if (i)
            gp_sbuf_puts(sb, ", ");
        if (!(d->params[i].flags & GP_PARAM_POSITIONAL)) {
            gp_sbuf_puts(sb, d->params[i].name);
            gp_sbuf_puts(sb, "=");
        }
        describe_value(sb, k, &d->params[i], &k->par[i]);
    }
    if (d->note) {
        gp_sbuf_puts(sb, "; ");
        gp_sbuf_puts(sb, d->note);
    }
    gp_sbuf_puts(sb, ")");
}

/* ---- input checks ---------------------------------------------------------- */

static gp_code check_leaf_input(const gp_kernel *k, const gp_matrix *X, const char *which,
                                gp_error *err)
{
    const gp_kernel_desc *d = k->desc;
    const size_t dim = X->cols;
    if (d->input_dim && dim != d->input_dim)
        return gp_error_set(err, GP_ERR_DIM, "%s: input must be %zu-D, got %zu-D input", d->name,
                            d->input_dim, dim);
    for (size_t i = 0; gp_kernel_desc_param(d, i); i++) {
        const size_t n = k->par[i].rows * k->par[i].cols;
        if ((d->params[i].flags & GP_PARAM_PER_DIM) && n != 1 && n != dim)
            return gp_error_set(err, GP_ERR_DIM,
                                "%s: %zu %ss given for %zu-D input (need 1 or %zu)", d->name, n,
                                d->params[i].name, dim, dim);
    }
    return d->check_input ? d->check_input(k, X, which, err) : GP_OK;
}

/* ---- geometry of one column ---------------------------------------------- */

/* v_i += ((x_i - y) * il)^2 (first: v_i = ...) */
GP_VEC_CLONES static void acc_sqdist(double *restrict v, const double *restrict x, size_t len,
                                     double y, double il, int first)
{
    if (first)
        GP_VFOR(i, len, const double t = (x[i] - y) * il; v[i] = t * t;);
    else
        GP_VFOR(i, len, const double t = (x[i] - y) * il; v[i] += t * t;);
}

/* v_i (+)= x_i * y */
static void acc_dot(double *restrict v, const double *restrict x, size_t len, double y, int first)
{
    if (first)
        GP_VFOR(i, len, v[i] = x[i] * y;);
    else
        GP_VFOR(i, len, v[i] += x[i] * y;);
}

/* Rows i0..i1-1 of column j of sum_c ((x_ic - y_jc) / l_c)^2, l_c = ls[0] if
 * nls == 1 else ls[c] (1 / l_c is finite: GP_PARAM_INVERTIBLE). A value is
 * +inf only where the true one exceeds DBL_MAX. */
static void col_sqdist(const gp_matrix *X, const gp_matrix *Y, size_t j, size_t i0, size_t i1,
                       const double *ls, size_t nls, double *v)
{
    for (size_t c = 0; c < X->cols; c++)
        acc_sqdist(v, &GP_AT(X, i0, c), i1 - i0, GP_AT(Y, j, c), 1.0 / ls[nls == 1 ? 0 : c],
                   c == 0);
}

/* log sum_c ((x_ic - y_jc) / l_c)^2, computed without overflow (halved
 * differences and logarithms): for the entries where col_sqdist gave +inf. */
static double log_sqdist(const gp_matrix *X, size_t i, const gp_matrix *Y, size_t j,
                         const double *ls, size_t nls)
{
    double top = -HUGE_VAL;
    for (size_t c = 0; c < X->cols; c++) {
        const double h = fabs(0.5 * GP_AT(X, i, c) - 0.5 * GP_AT(Y, j, c));
        top = fmax(top, log(h) - log(ls[nls == 1 ? 0 : c]));
    }
    double s = 0;
    for (size_t c = 0; c < X->cols; c++) {
        const double h = fabs(0.5 * GP_AT(X, i, c) - 0.5 * GP_AT(Y, j, c));
        s += exp(2.0 * (log(h) - log(ls[nls == 1 ? 0 : c]) - top));
    }
    return 2.0 * (top + log(2.0)) + log(s);
}

/* Rows i0..i1-1 of column j of x_i . y_j */
static void col_dot(const gp_matrix *X, const gp_matrix *Y, size_t j, size_t i0, size_t i1,
                    double *v)
{
    for (size_t c = 0; c < X->cols; c++)
        acc_dot(v, &GP_AT(X, i0, c), i1 - i0, GP_AT(Y, j, c), c == 0);
}

void gp_kernel_leaf_sqdist(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *v)
{
    const gp_kparam *ls = &e->k->par[1];
    col_sqdist(e->X, e->Y, j, i0, i1, ls->v, ls->rows * ls->cols, v);
}

void gp_kernel_leaf_column(const gp_leaf_eval *e, size_t j, size_t i0, size_t i1, double *out)
{
    const gp_kernel *k = e->k;
    const gp_kernel_desc *d = k->desc;
    const size_t len = i1 - i0;
    switch (d->geometry) {
    case GP_GEOM_SQDIST: {
        const gp_kparam *ls = &k->par[1];
        const size_t nls = ls->rows * ls->cols;
        col_sqdist(e->X, e->Y, j, i0, i1, ls->v, nls, out);
        if (!d->apply_far || gp_all_finite(out, len)) {
            d->apply(e, out, len);
            break;
        }
        for (size_t i = 0; i < len; i++) /* slowly decaying kernel, far-apart points */
            if (isinf(out[i]))
                out[i] = d->apply_far(e, log_sqdist(e->X, i0 + i, e->Y, j, ls->v, nls));
            else
                d->apply(e, &out[i], 1);
        break;
    }
    case GP_GEOM_DOT:
        col_dot(e->X, e->Y, j, i0, i1, out);
        d->apply(e, out, len);
        break;
    case GP_GEOM_CUSTOM:
        d->column(e, j, i0, i1, out);
        break;
    }
}

/* ---- Gram and diagonal ----------------------------------------------------- */

typedef struct leaf_job {
    gp_leaf_eval e;
    gp_matrix *K;
    gp_tri tri;
    atomic_int bad;
} leaf_job;

/* Rows j0..j1-1 of the strict lower triangle from columns j0..j1-1 of the
 * upper one, just computed and still in cache: for each column i < j1 a
 * contiguous run of rows, so K is written once, in whole cache lines. */
static void mirror_block(gp_matrix *K, size_t j0, size_t j1)
{
    const size_t n = K->rows;
    double *a = K->data;
    for (size_t i = 0; i < j1; i++) {
        double *col = a + i * n;
        for (size_t j = i + 1 > j0 ? i + 1 : j0; j < j1; j++)
            col[j] = a[j * n + i];
    }
}

/* Columns j0..j1-1, in blocks of MIRROR_COLS columns (mirrored for GP_TRI_BOTH). */
#define MIRROR_COLS 16

GP_VEC_CLONES static void leaf_cols(void *ctx, size_t j0, size_t j1)
{
    leaf_job *jb = ctx;
    int bad = 0;
    for (size_t b0 = j0; b0 < j1; b0 += MIRROR_COLS) {
        const size_t b1 = j1 - b0 < MIRROR_COLS ? j1 : b0 + MIRROR_COLS;
        for (size_t j = b0; j < b1; j++) {
            double *kj = &GP_AT(jb->K, 0, j);
            const size_t len = jb->tri == GP_TRI_FULL ? jb->K->rows : j + 1;
            gp_kernel_leaf_column(&jb->e, j, 0, len, kj);
            if (!jb->e.k->desc->bounded)
                bad |= !gp_all_finite(kj, len);
        }
        if (jb->tri == GP_TRI_BOTH)
            mirror_block(jb->K, b0, b1);
    }
    if (bad)
        atomic_store_explicit(&jb->bad, 1, memory_order_relaxed);
}

gp_code gp_kernel_leaf_gram(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                            gp_tri tri, gp_matrix *K, gp_error *err)
{
    gp_code rc = check_leaf_input(k, X, "X", err);
    if (!rc && tri == GP_TRI_FULL)
        rc = check_leaf_input(k, Y, "Y", err);
    leaf_job jb = {.e = {.k = k, .X = X, .Y = Y}, .K = K, .tri = tri};
    atomic_init(&jb.bad, 0);
    if (!rc && k->desc->prepare)
        rc = k->desc->prepare(&jb.e, err);
    if (!rc)
        gp_kernel_parallel_cols(K->rows, K->cols, tri != GP_TRI_FULL, 0, leaf_cols, &jb);
    free(jb.e.scratch);
    if (!rc && atomic_load(&jb.bad))
        rc = gp_kernel_report_nonfinite(k, K, tri, err);
    return rc;
}

gp_code gp_kernel_leaf_diag(const gp_kernel *k, const gp_matrix *X, double *out, gp_error *err)
{
    gp_code rc = check_leaf_input(k, X, "X", err);
    gp_leaf_eval e = {.k = k, .X = X, .Y = X};
    if (!rc && k->desc->prepare)
        rc = k->desc->prepare(&e, err);
    const size_t n = X->rows;
    if (!rc && k->desc->stationary) { /* k(x, x) = k(0): one value */
        gp_kernel_leaf_column(&e, 0, 0, 1, out);
        for (size_t i = 1; i < n; i++)
            out[i] = out[0];
    } else if (!rc) {
        for (size_t i = 0; i < n; i++)
            gp_kernel_leaf_column(&e, i, i, i + 1, &out[i]);
    }
    free(e.scratch);
    return rc ? rc : gp_kernel_check_diag(k, out, n, err);
}

gp_code gp_kernel_leaf_columns(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                               gp_leaf_colfn col, void *ctx, gp_matrix *K, gp_error *err)
{
    gp_code rc = check_leaf_input(k, X, "X", err);
    if (!rc && Y != X)
        rc = check_leaf_input(k, Y, "Y", err);
    gp_leaf_eval e = {.k = k, .X = X, .Y = Y};
    if (!rc && k->desc->prepare)
        rc = k->desc->prepare(&e, err);
    for (size_t j = 0; !rc && j < K->cols; j++)
        col(&e, ctx, j, &GP_AT(K, 0, j));
    free(e.scratch);
    if (!rc && gp_matrix_find_nonfinite(K) != (size_t)-1)
        rc = gp_kernel_report_nonfinite(k, K, GP_TRI_FULL, err);
    return rc;
}
