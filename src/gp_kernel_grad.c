/* gp_kernel_grad.c: the free parameters of a kernel expression, their
 * analytic Gram derivatives d K / d theta, and copies of an expression with
 * new parameter values (gp_kernel.h) -- what fitting hyperparameters by the
 * marginal likelihood needs (Rasmussen & Williams 2006, section 5.4.1:
 * d log p(y|X) / d theta = tr((a a' - K^-1) dK/dtheta) / 2).
 *
 * Leaves: an amplitude a (k proportional to a^2) gives 2 a k|_(a=1); a
 * factor v (k proportional to v) gives k|_(v=1); the length-scales of a
 * kernel of v = sum_c ((x_c - x'_c) / l_c)^2 give dk/dv dv/dl with
 * dv/dl_c = -2 ((x_c - x'_c) / l_c)^2 / l_c (a shared l: -2 v / l); any other
 * parameter its descriptor's grad formula. Nodes: sums add, products use
 * sum_i dK_i prod_(j != i) K_j, scalings c dK (and K for c itself), warps
 * a(x) a(x') dK, input transforms dK at the transformed inputs, powers
 * p K^(p-1) dK, change points their blend (with ds/dlocation = steepness s (1
 * - s), ds/dsteepness = -s (1 - s) (x - location) for theta of their own). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp_kernel_impl.h"

/* ---- a map from nodes to numbers (open addressing) ---------------------------------- */

typedef struct node_map {
    const gp_kernel **keys;
    size_t *vals;
    size_t cap, n;
} node_map;

static size_t slot_of(const node_map *m, const gp_kernel *k)
{
    size_t h = ((size_t)(uintptr_t)k >> 4) * (size_t)0x9E3779B97F4A7C15ull;
    for (size_t s = h & (m->cap - 1);; s = (s + 1) & (m->cap - 1))
        if (!m->keys[s] || m->keys[s] == k)
            return s;
}

/* 1 and *val if k is in the map */
static int map_get(const node_map *m, const gp_kernel *k, size_t *val)
{
    if (!m->cap)
        return 0;
    const size_t s = slot_of(m, k);
    if (!m->keys[s])
        return 0;
    *val = m->vals[s];
    return 1;
}

/* 0 on no memory */
static int map_put(node_map *m, const gp_kernel *k, size_t val)
{
    if (2 * (m->n + 1) > m->cap) {
        node_map g = {NULL, NULL, m->cap ? 2 * m->cap : 64, 0};
        g.keys = calloc(g.cap, sizeof *g.keys);
        g.vals = malloc(g.cap * sizeof *g.vals);
        if (!g.keys || !g.vals) {
            free(g.keys);
            free(g.vals);
            return 0;
        }
        for (size_t s = 0; s < m->cap; s++)
            if (m->keys[s]) {
                const size_t t = slot_of(&g, m->keys[s]);
                g.keys[t] = m->keys[s];
                g.vals[t] = m->vals[s];
                g.n++;
            }
        free(m->keys);
        free(m->vals);
        *m = g;
    }
    const size_t s = slot_of(m, k);
    m->n += !m->keys[s];
    m->keys[s] = k;
    m->vals[s] = val;
    return 1;
}

static void map_free(node_map *m)
{
    free(m->keys);
    free(m->vals);
    *m = (node_map){0};
}

/* ---- which parameters are free ------------------------------------------------------ */

/* 1 if parameter i of leaf descriptor d has an analytic gradient here. */
static int leaf_param_free(const gp_kernel_desc *d, size_t i)
{
    const gp_param_spec *ps = &d->params[i];
    if (ps->kind == GP_PARAM_INTEGER || ps->kind == GP_PARAM_CHOICE ||
        ps->kind == GP_PARAM_FUNCTION || (ps->flags & GP_PARAM_NOGRAD))
        return 0;
    return (ps->flags & (GP_PARAM_AMPLITUDE | GP_PARAM_FACTOR)) ||
           (d->geometry == GP_GEOM_SQDIST && i == 1 && d->dapply) || d->grad;
}

static const char *const cp_names[] = {"location", "steepness"};

/* The free parameters of node k alone (not its children): calls add(ctx,
 * k, index, elem, pname, nvalues, value, lo, hi, open_lo) for each value. */
typedef void (*param_fn)(void *ctx, const gp_kernel *k, size_t index, size_t elem,
                         const char *pname, size_t nvalues, double value, double lo, double hi,
                         int open_lo);

static void node_params(const gp_kernel *k, param_fn add, void *ctx)
{
    switch (k->type) {
    case GP_KNODE_LEAF:
        for (size_t i = 0; gp_kernel_desc_param(k->desc, i); i++) {
            if (!leaf_param_free(k->desc, i))
                continue;
            const gp_param_spec *ps = &k->desc->params[i];
            const size_t n = k->par[i].rows * k->par[i].cols;
            for (size_t e = 0; e < n; e++)
                add(ctx, k, i, e, ps->name, n, k->par[i].v[e], ps->lo, ps->hi,
                    (ps->flags & GP_PARAM_ABOVE) != 0);
        }
        break;
    case GP_KNODE_SCALE:
        add(ctx, k, 0, 0, "scale", 1, k->c, 0, HUGE_VAL, 0);
        break;
    case GP_KNODE_CHANGEPOINT:
        add(ctx, k, 0, 0, cp_names[0], 1, k->vec[0], -HUGE_VAL, HUGE_VAL, 0);
        add(ctx, k, 1, 0, cp_names[1], 1, k->vec[1], 0, HUGE_VAL, 1);
        break;
    default:
        break;
    }
}

/* The name the node's parameters are prefixed with: its leaf name, "scale"
 * or "changepoint". */
static const char *node_label(const gp_kernel *k)
{
    return k->type == GP_KNODE_SCALE ? "" : gp_kernel_name(k);
}

static void count_param(void *ctx, const gp_kernel *k, size_t index, size_t elem,
                        const char *pname, size_t nvalues, double value, double lo, double hi,
                        int open_lo)
{
    (void)k, (void)index, (void)elem, (void)pname, (void)nvalues, (void)value, (void)lo,
        (void)hi, (void)open_lo;
    ++*(size_t *)ctx;
}

/* The distinct nodes of k that have free parameters, in expression order
 * (depth first, left to right), into *nodes (malloc'ed; *count of them). */
static gp_code param_nodes(const gp_kernel *k, const gp_kernel ***nodes, size_t *count,
                           gp_error *err)
{
    node_map seen = {0};
    gp_stack st, out;
    gp_stack_init(&st, sizeof k);
    gp_stack_init(&out, sizeof k);
    gp_stack_push(&st, &k);
    const gp_kernel *q;
    size_t dummy;
    int nomem = 0;
    while (!nomem && gp_stack_pop(&st, &q)) {
        if (map_get(&seen, q, &dummy))
            continue; /* a shared sub-expression: its parameters are listed once */
        nomem = !map_put(&seen, q, 0);
        size_t np = 0;
        node_params(q, count_param, &np);
        if (np)
            gp_stack_push(&out, &q);
        if (q->b)
            gp_stack_push(&st, &q->b);
        if (q->a)
            gp_stack_push(&st, &q->a);
    }
    map_free(&seen);
    gp_stack_free(&st);
    if (nomem || st.failed || out.failed) {
        gp_stack_free(&out);
        return gp_error_set(err, GP_ERR_NOMEM, "params: out of memory walking the expression");
    }
    *nodes = (const gp_kernel **)(void *)out.data;
    *count = out.n;
    return GP_OK;
}

typedef struct name_ctx {
    gp_kernel_param *out;
    size_t cap, n;
    char prefix[32];
} name_ctx;

static void add_param(void *ctx, const gp_kernel *k, size_t index, size_t elem, const char *pname,
                      size_t nvalues, double value, double lo, double hi, int open_lo)
{
    name_ctx *c = ctx;
    if (c->n < c->cap) {
        gp_kernel_param *p = &c->out[c->n];
        char el[48] = "";
        if (nvalues > 1 && k->type == GP_KNODE_LEAF && k->par[index].cols > 1 &&
            k->par[index].rows > 1)
            snprintf(el, sizeof el, "[%zu,%zu]", elem % k->par[index].rows + 1,
                     elem / k->par[index].rows + 1);
        else if (nvalues > 1)
            snprintf(el, sizeof el, "[%zu]", elem + 1);
        snprintf(p->name, sizeof p->name, "%s%s%s", c->prefix, pname, el);
        p->value = value;
        p->lo = lo;
        p->hi = hi;
        p->open_lo = open_lo;
        p->positive = lo >= 0;
        p->node = k;
        p->index = index;
        p->elem = elem;
    }
    c->n++;
}

gp_code gp_kernel_params(const gp_kernel *k, gp_kernel_param *out, size_t cap, size_t *n,
                         gp_error *err)
{
    if (!k || !n)
        return gp_error_set(err, GP_ERR_ARG, "params: %s is NULL", !k ? "kernel" : "count");
    const gp_kernel **nodes = NULL;
    size_t count = 0;
    gp_code rc = param_nodes(k, &nodes, &count, err);
    if (rc)
        return rc;
    name_ctx c = {out, out ? cap : 0, 0, ""};
    for (size_t i = 0; i < count; i++) {
        const char *label = node_label(nodes[i]);
        size_t same = 0;
        for (size_t j = 0; j < count; j++)
            same += strcmp(node_label(nodes[j]), label) == 0;
        if (same > 1)
            snprintf(c.prefix, sizeof c.prefix, "%zu.%s%s", i + 1, label, *label ? "." : "");
        else
            snprintf(c.prefix, sizeof c.prefix, "%s%s", label, *label ? "." : "");
        node_params(nodes[i], add_param, &c);
    }
    free(nodes);
    *n = c.n;
    return GP_OK;
}

/* ---- leaf gradients ----------------------------------------------------------------- */

typedef struct leaf_grad_ctx {
    size_t index, elem;
} leaf_grad_ctx;

/* One column of dk/dtheta for a leaf (see the top of the file). */
static void leaf_grad_col(const gp_leaf_eval *e, void *ctx, size_t j, double *out)
{
    const leaf_grad_ctx *g = ctx;
    const gp_kernel *k = e->k;
    const gp_kernel_desc *d = k->desc;
    const unsigned flags = d->params[g->index].flags;
    const size_t n = e->X->rows;
    if (flags & (GP_PARAM_AMPLITUDE | GP_PARAM_FACTOR)) { /* k at the value 1 */
        static const double one = 1.0;
        gp_kernel unit = *k;
        unit.par[g->index] = (gp_kparam){&one, 1, 1};
        gp_leaf_eval eu = *e;
        eu.k = &unit;
        gp_kernel_leaf_column(&eu, j, 0, n, out);
        const double f = flags & GP_PARAM_AMPLITUDE ? 2.0 * gp_kpar(k, g->index) : 1.0;
        for (size_t i = 0; i < n; i++)
            out[i] *= f;
    } else if (d->geometry == GP_GEOM_SQDIST && g->index == 1) { /* length-scales */
        const gp_kparam *ls = &k->par[1];
        const int shared = ls->rows * ls->cols == 1;
        const double l = ls->v[shared ? 0 : g->elem];
        gp_kernel_leaf_sqdist(e, j, 0, n, out);
        for (size_t i = 0; i < n; i++) {
            const double v = out[i];
            double g1;
            d->dapply(e, &v, &g1, NULL, 1);
            double dv = -2.0 * v / l;
            if (!shared) {
                const double u = (GP_AT(e->X, i, g->elem) - GP_AT(e->Y, j, g->elem)) / l;
                dv = -2.0 * u * u / l;
            }
            out[i] = v == 0 || isinf(v) || dv == 0 ? 0.0 : g1 * dv;
        }
    } else {
        d->grad(e, g->index, g->elem, j, 0, n, out);
    }
}

/* ---- expressions -------------------------------------------------------------------- */

/* K = k(X, Y) into a new matrix (*out; NULL on error). */
static gp_code gram_new(const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                        gp_matrix **out, gp_error *err)
{
    *out = gp_matrix_alloc(X->rows, Y->rows);
    if (!*out)
        return gp_error_set(err, GP_ERR_NOMEM, "gradient: out of memory for a %zu x %zu matrix",
                            X->rows, Y->rows);
    gp_code rc = gp_kernel_gram(k, X, Y, *out, err);
    if (rc) {
        gp_matrix_free(*out);
        *out = NULL;
    }
    return rc;
}

static gp_code grad_rec(const gp_kernel *k, const gp_kernel_param *p, const gp_matrix *X,
                        const gp_matrix *Y, gp_matrix *D, int *nz, gp_error *err);

static void mul_into(gp_matrix *A, const gp_matrix *B)
{
    for (size_t t = 0; t < A->rows * A->cols; t++)
        A->data[t] *= B->data[t];
}

/* Sum or product: the operands walked in a loop. */
static gp_code grad_nary(const gp_kernel *k, const gp_kernel_param *p, const gp_matrix *X,
                         const gp_matrix *Y, gp_matrix *D, int *nz, gp_error *err)
{
    const int product = k->type == GP_KNODE_PRODUCT;
    gp_matrix *T = gp_matrix_alloc(D->rows, D->cols), *G = NULL;
    if (!T)
        return gp_error_set(err, GP_ERR_NOMEM, "gradient: out of memory");
    gp_code rc = GP_OK;
    gp_kernel_walk w;
    gp_kernel_walk_init(&w, k);
    *nz = 0;
    size_t pos = 0;
    for (const gp_kernel *op; !rc && (op = gp_kernel_walk_next(&w)) != NULL; pos++) {
        int tnz;
        rc = grad_rec(op, p, X, Y, T, &tnz, err);
        if (rc || !tnz)
            continue;
        if (product) { /* dK_op prod_(other operands) K */
            gp_kernel_walk w2;
            gp_kernel_walk_init(&w2, k);
            size_t pos2 = 0;
            for (const gp_kernel *o2; !rc && (o2 = gp_kernel_walk_next(&w2)) != NULL; pos2++) {
                if (pos2 == pos)
                    continue;
                rc = gram_new(o2, X, Y, &G, err);
                if (!rc)
                    mul_into(T, G);
                gp_matrix_free(G);
            }
            if (!rc && w2.stack.failed)
                rc = gp_error_set(err, GP_ERR_NOMEM, "gradient: out of memory");
            gp_kernel_walk_free(&w2);
        }
        for (size_t t = 0; !rc && t < D->rows * D->cols; t++)
            D->data[t] = *nz ? D->data[t] + T->data[t] : T->data[t];
        *nz = 1;
    }
    if (!rc && w.stack.failed)
        rc = gp_error_set(err, GP_ERR_NOMEM, "gradient: out of memory");
    gp_kernel_walk_free(&w);
    gp_matrix_free(T);
    return rc;
}

/* d/dtheta of s(x) s(y) Ka + c(x) c(y) Kb, c = 1 - s */
static gp_code grad_changepoint(const gp_kernel *k, const gp_kernel_param *p, const gp_matrix *X,
                                const gp_matrix *Y, gp_matrix *D, int *nz, gp_error *err)
{
    const size_t n = X->rows, m = Y->rows;
    if (k->axis >= X->cols)
        return gp_error_set(err, GP_ERR_DIM, "changepoint: dim %zu is out of range for %zu-D input",
                            k->axis + 1, X->cols);
    double *w = malloc(3 * (n + m) * sizeof *w);
    gp_matrix *A = NULL, *B = NULL;
    if (!w)
        return gp_error_set(err, GP_ERR_NOMEM, "gradient: out of memory");
    double *sx = w, *cx = w + n, *sy = w + 2 * n, *cy = sy + m, *dx = cy + m, *dy = dx + n;
    gp_kernel_changepoint_blend(k, X, sx, cx);
    gp_kernel_changepoint_blend(k, Y, sy, cy);
    const int own = p->node == k;
    const double loc = k->vec[0], beta = k->vec[1];
    for (size_t i = 0; own && i < n + m; i++) { /* ds/dtheta */
        const double s = i < n ? sx[i] : sy[i - n], c = i < n ? cx[i] : cy[i - n];
        const double x = i < n ? GP_AT(X, i, k->axis) : GP_AT(Y, i - n, k->axis);
        dx[i] = p->index == 0 ? beta * s * c : -s * c * (x - loc);
    }
    int anz = 1, bnz = 1;
    gp_code rc = GP_OK;
    A = gp_matrix_alloc(n, m);
    B = gp_matrix_alloc(n, m);
    if (!A || !B)
        rc = gp_error_set(err, GP_ERR_NOMEM, "gradient: out of memory");
    if (!rc)
        rc = own ? gp_kernel_gram(k->a, X, Y, A, err) : grad_rec(k->a, p, X, Y, A, &anz, err);
    if (!rc)
        rc = own ? gp_kernel_gram(k->b, X, Y, B, err) : grad_rec(k->b, p, X, Y, B, &bnz, err);
    *nz = own || anz || bnz;
    for (size_t j = 0; !rc && *nz && j < m; j++)
        for (size_t i = 0; i < n; i++) {
            const double a = anz ? GP_AT(A, i, j) : 0, b = bnz ? GP_AT(B, i, j) : 0;
            GP_AT(D, i, j) = own ? (dx[i] * sy[j] + sx[i] * dy[j]) * a -
                                       (dx[i] * cy[j] + cx[i] * dy[j]) * b
                                 : sx[i] * sy[j] * a + cx[i] * cy[j] * b;
        }
    gp_matrix_free(A);
    gp_matrix_free(B);
    free(w);
    return rc;
}

/* D = dK/dtheta at k (*nz = 0, D untouched: k does not depend on theta). */
static gp_code grad_rec(const gp_kernel *k, const gp_kernel_param *p, const gp_matrix *X,
                        const gp_matrix *Y, gp_matrix *D, int *nz, gp_error *err)
{
    gp_code rc = GP_OK;
    *nz = 1;
    switch (k->type) {
    case GP_KNODE_LEAF: {
        if (k != p->node) {
            *nz = 0;
            return GP_OK;
        }
        leaf_grad_ctx g = {p->index, p->elem};
        return gp_kernel_leaf_columns(k, X, Y, leaf_grad_col, &g, D, err);
    }
    case GP_KNODE_SUM:
    case GP_KNODE_PRODUCT:
        return grad_nary(k, p, X, Y, D, nz, err);
    case GP_KNODE_SCALE:
        if (p->node == k)
            return gp_kernel_gram(k->a, X, Y, D, err);
        rc = grad_rec(k->a, p, X, Y, D, nz, err);
        for (size_t t = 0; !rc && *nz && t < D->rows * D->cols; t++)
            D->data[t] *= k->c;
        return rc;
    case GP_KNODE_WARP: {
        double *wx = malloc((X->rows + Y->rows) * sizeof *wx), *wy = wx + X->rows;
        if (!wx)
            return gp_error_set(err, GP_ERR_NOMEM, "gradient: out of memory");
        rc = gp_func_eval_rows(k->f, X, wx, err);
        if (!rc)
            rc = gp_func_eval_rows(k->f, Y, wy, err);
        if (!rc)
            rc = grad_rec(k->a, p, X, Y, D, nz, err);
        for (size_t j = 0; !rc && *nz && j < D->cols; j++)
            for (size_t i = 0; i < D->rows; i++)
                GP_AT(D, i, j) *= wx[i] * wy[j];
        free(wx);
        return rc;
    }
    case GP_KNODE_STRETCH:
    case GP_KNODE_SHIFT:
    case GP_KNODE_SELECT:
    case GP_KNODE_TRANSFORM: {
        gp_matrix *Xt = NULL, *Yt = NULL;
        rc = gp_kernel_transform_inputs(k, X, "X", &Xt, err);
        if (!rc)
            rc = gp_kernel_transform_inputs(k, Y, "Y", &Yt, err);
        if (!rc)
            rc = grad_rec(k->a, p, Xt, Yt, D, nz, err);
        gp_matrix_free(Xt);
        gp_matrix_free(Yt);
        return rc;
    }
    case GP_KNODE_POWER: { /* p K^(p-1) dK */
        gp_matrix *G = NULL;
        rc = grad_rec(k->a, p, X, Y, D, nz, err);
        if (!rc && *nz)
            rc = gram_new(k->a, X, Y, &G, err);
        for (size_t t = 0; !rc && *nz && t < D->rows * D->cols; t++)
            D->data[t] *= k->c * gp_ipow(G->data[t], (int)k->c - 1);
        gp_matrix_free(G);
        return rc;
    }
    case GP_KNODE_CHANGEPOINT:
        return grad_changepoint(k, p, X, Y, D, nz, err);
    }
    return gp_error_set(err, GP_ERR_ARG, "kernel: unknown node type %d", (int)k->type);
}

gp_code gp_kernel_gram_grad(const gp_kernel *k, const gp_kernel_param *p, const gp_matrix *X,
                            const gp_matrix *Y, gp_matrix *dK, gp_error *err)
{
    if (!k || !p || !X || !dK)
        return gp_error_set(err, GP_ERR_ARG, "gram_grad: %s is NULL",
                            !k ? "kernel" : !p ? "parameter" : !X ? "X" : "output dK");
    if (!Y)
        Y = X;
    if (dK->rows != X->rows || dK->cols != Y->rows || !dK->data)
        return gp_error_set(err, GP_ERR_DIM, "gram_grad: dK is %zu x %zu, expected %zu x %zu",
                            dK->rows, dK->cols, X->rows, Y->rows);
    /* the same checks of the inputs as the Gram matrix: evaluate it once */
    gp_code rc = gp_kernel_gram(k, X, Y, dK, err);
    if (rc)
        return rc;
    int nz;
    rc = grad_rec(k, p, X, Y, dK, &nz, err);
    if (!rc && !nz)
        memset(dK->data, 0, X->rows * Y->rows * sizeof *dK->data);
    if (!rc && gp_matrix_find_nonfinite(dK) != (size_t)-1)
        rc = gp_error_set(err, GP_ERR_NUMERIC, "gram_grad: the derivative in %s overflows",
                          p->name);
    return rc;
}

/* ---- new values ------------------------------------------------------------------------ */

/* A copy of node k over the new children a2, b2, with the values of its own
 * free parameters from ps[first..] (those whose node is k). */
static gp_kernel *rebuild(const gp_kernel *k, gp_kernel *a2, gp_kernel *b2,
                          const gp_kernel_param *ps, size_t np, size_t first, const double *values,
                          gp_error *err)
{
    switch (k->type) {
    case GP_KNODE_LEAF: {
        gp_kernel_arg args[GP_KERNEL_MAX_PARAMS];
        double *buf[GP_KERNEL_MAX_PARAMS] = {NULL};
        size_t na = 0;
        gp_kernel *out = NULL;
        int nomem = 0;
        for (size_t i = 0; gp_kernel_desc_param(k->desc, i); i++, na++) {
            const gp_kparam *v = &k->par[i];
            const size_t n = v->rows * v->cols;
            args[na] = (gp_kernel_arg){k->desc->params[i].name, v->v, v->rows, v->cols, NULL};
            if (k->desc->params[i].kind == GP_PARAM_FUNCTION) {
                args[na] = (gp_kernel_arg){k->desc->params[i].name, NULL, 0, 0, k->f};
                continue;
            }
            if (!(buf[i] = malloc(n * sizeof *buf[i]))) {
                nomem = 1;
                break;
            }
            memcpy(buf[i], v->v, n * sizeof *buf[i]);
            args[na].v = buf[i];
        }
        for (size_t t = first; !nomem && t < np && ps[t].node == k; t++)
            buf[ps[t].index][ps[t].elem] = values[t];
        if (nomem)
            gp_error_set(err, GP_ERR_NOMEM, "with_params: out of memory");
        else
            out = gp_kernel_new(k->desc, args, na, err);
        for (size_t i = 0; i < GP_KERNEL_MAX_PARAMS; i++)
            free(buf[i]);
        return out;
    }
    case GP_KNODE_SUM: return gp_kernel_sum(a2, b2, err);
    case GP_KNODE_PRODUCT: return gp_kernel_product(a2, b2, err);
    case GP_KNODE_SCALE: return gp_kernel_scale(values[first], a2, err);
    case GP_KNODE_WARP: return gp_kernel_warp(a2, k->f, err);
    case GP_KNODE_STRETCH: return gp_kernel_stretch(a2, k->vec, k->nvec, err);
    case GP_KNODE_SHIFT: return gp_kernel_shift(a2, k->vec, k->nvec, err);
    case GP_KNODE_SELECT: return gp_kernel_select(a2, k->dims, k->nvec, err);
    case GP_KNODE_TRANSFORM: return gp_kernel_transform(a2, k->fs, k->nfs, err);
    case GP_KNODE_POWER: return gp_kernel_power(a2, (int)k->c, err);
    case GP_KNODE_CHANGEPOINT:
        return gp_kernel_changepoint(a2, b2, values[first], values[first + 1], k->axis, err);
    }
    gp_error_set(err, GP_ERR_ARG, "kernel: unknown node type %d", (int)k->type);
    return NULL;
}

typedef struct rebuild_item {
    const gp_kernel *k;
    int children_done;
} rebuild_item;

/* The copy of k (post-order, without recursion): every node once, shared
 * nodes stay shared; a node with no parameter of its own and unchanged
 * children is reused as it is. */
static gp_kernel *rebuild_all(const gp_kernel *k, const gp_kernel_param *ps, size_t np,
                              const node_map *first, const double *values, gp_error *err)
{
    node_map made = {0};
    gp_stack st;
    gp_stack_init(&st, sizeof(rebuild_item));
    gp_stack_push(&st, &(rebuild_item){k, 0});
    rebuild_item it;
    size_t slot;
    gp_code rc = GP_OK;
    while (!rc && gp_stack_pop(&st, &it)) {
        if (map_get(&made, it.k, &slot))
            continue;
        if (!it.children_done) {
            gp_stack_push(&st, &(rebuild_item){it.k, 1});
            if (it.k->b)
                gp_stack_push(&st, &(rebuild_item){it.k->b, 0});
            if (it.k->a)
                gp_stack_push(&st, &(rebuild_item){it.k->a, 0});
            continue;
        }
        size_t va = 0, vb = 0, f = 0;
        if (it.k->a)
            map_get(&made, it.k->a, &va);
        if (it.k->b)
            map_get(&made, it.k->b, &vb);
        gp_kernel *a2 = (gp_kernel *)(uintptr_t)va, *b2 = (gp_kernel *)(uintptr_t)vb;
        gp_kernel *n;
        if (!map_get(first, it.k, &f) && a2 == it.k->a && b2 == it.k->b)
            n = gp_kernel_retain((gp_kernel *)it.k);
        else
            n = rebuild(it.k, a2, b2, ps, np, f, values, err);
        if (!n)
            rc = GP_ERR_ARG;
        else if (!map_put(&made, it.k, (size_t)(uintptr_t)n)) {
            gp_kernel_release(n);
            rc = gp_error_set(err, GP_ERR_NOMEM, "with_params: out of memory");
        }
    }
    if (!rc && st.failed)
        rc = gp_error_set(err, GP_ERR_NOMEM, "with_params: out of memory");
    gp_kernel *out = NULL;
    if (!rc && map_get(&made, k, &slot))
        out = gp_kernel_retain((gp_kernel *)(uintptr_t)slot);
    for (size_t s = 0; s < made.cap; s++) /* the map's references */
        if (made.keys[s])
            gp_kernel_release((gp_kernel *)(uintptr_t)made.vals[s]);
    map_free(&made);
    gp_stack_free(&st);
    return out;
}

gp_kernel *gp_kernel_with_params(const gp_kernel *k, const double *values, size_t n,
                                 gp_error *err)
{
    size_t np = 0;
    if (!k || (n && !values)) {
        gp_error_set(err, GP_ERR_ARG, "with_params: %s is NULL", !k ? "kernel" : "values");
        return NULL;
    }
    if (gp_kernel_params(k, NULL, 0, &np, err))
        return NULL;
    if (n != np) {
        gp_error_set(err, GP_ERR_ARG, "with_params: the kernel has %zu free parameters, got %zu "
                                      "values",
                     np, n);
        return NULL;
    }
    gp_kernel_param *ps = malloc((np ? np : 1) * sizeof *ps);
    node_map first = {0};
    gp_kernel *out = NULL;
    int ok = ps && !gp_kernel_params(k, ps, np, &np, err);
    if (!ps)
        gp_error_set(err, GP_ERR_NOMEM, "with_params: out of memory");
    for (size_t t = np; ok && t-- > 0;) /* the first entry of each node wins */
        if (!map_put(&first, ps[t].node, t)) {
            ok = 0;
            gp_error_set(err, GP_ERR_NOMEM, "with_params: out of memory");
        }
    if (ok)
        out = rebuild_all(k, ps, np, &first, values, err);
    map_free(&first);
    free(ps);
    return out;
}
