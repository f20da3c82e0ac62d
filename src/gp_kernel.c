/* gp_kernel.c: the kernel expression tree: nodes, reference counts and their
 * iterative release, the algebra (sum, product, scale, warp, input
 * transforms) with its limits on size and nesting, the walk over the
 * operands of an n-ary sum or product, gp_kernel_describe, and the
 * introspection used by the grid and spectral samplers. Evaluation is in
 * gp_kernel_eval.c, the leaves in gp_kernel_leaf.c and gp_kernel_leaves.c. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gp_kernel_impl.h"

/* ---- nodes ----------------------------------------------------------------- */

gp_kernel *gp_kernel_node_new(gp_kernel_node type, size_t nvec, int with_dims, const char *what,
                              gp_error *err)
{
    const size_t el = with_dims ? sizeof(size_t) : sizeof(double);
    if (nvec > (SIZE_MAX - sizeof(gp_kernel)) / el) {
        gp_error_set(err, GP_ERR_NOMEM, "%s: too many values (%zu)", what, nvec);
        return NULL;
    }
    gp_kernel *k = calloc(1, sizeof *k + nvec * el);
    if (!k) {
        gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", what);
        return NULL;
    }
    k->type = type;
    k->refs = 1;
    k->size = 1;
    k->depth = 1;
    k->nvec = nvec;
    if (nvec > 0) {
        if (with_dims)
            k->dims = (size_t *)(void *)(k + 1);
        else
            k->vec = (double *)(void *)(k + 1);
    }
    return k;
}

static const char *node_name(gp_kernel_node type)
{
    switch (type) {
    case GP_KNODE_LEAF: return "leaf";
    case GP_KNODE_SUM: return "sum";
    case GP_KNODE_PRODUCT: return "product";
    case GP_KNODE_SCALE: return "scale";
    case GP_KNODE_WARP: return "warp";
    case GP_KNODE_STRETCH: return "stretch";
    case GP_KNODE_SHIFT: return "shift";
    case GP_KNODE_SELECT: return "select";
    case GP_KNODE_TRANSFORM: return "transform";
    case GP_KNODE_POWER: return "power";
    case GP_KNODE_CHANGEPOINT: return "changepoint";
    }
    return "kernel";
}

const char *gp_kernel_name(const gp_kernel *k)
{
    return k->type == GP_KNODE_LEAF ? gp_kernel_desc_name(k->desc) : node_name(k->type);
}

gp_kernel *gp_kernel_retain(gp_kernel *k)
{
    if (k)
        k->refs++;
    return k;
}

/* Drop one reference to k; if it was the last, queue k on *dead. */
static void drop(gp_kernel *k, gp_kernel **dead)
{
    if (k && --k->refs == 0) {
        k->next = *dead;
        *dead = k;
    }
}

/* Iterative (a worklist threaded through the dead nodes), so that releasing
 * an expression of any depth takes no stack. */
void gp_kernel_release(gp_kernel *k)
{
    gp_kernel *dead = NULL;
    drop(k, &dead);
    while (dead) {
        gp_kernel *d = dead;
        dead = d->next;
        drop(d->a, &dead);
        drop(d->b, &dead);
        gp_func_release(d->f);
        for (size_t i = 0; i < d->nfs; i++)
            gp_func_release(d->fs[i]);
        free(d->fs);
        free(d->extra);
        free(d);
    }
}

/* ---- size and nesting ------------------------------------------------------- */

/* Nesting levels that evaluating a node of type t over child c needs: a sum
 * in a sum (a product in a product) is walked in the same loop, no deeper. */
static size_t child_depth(gp_kernel_node t, const gp_kernel *c)
{
    return c->type == t && (t == GP_KNODE_SUM || t == GP_KNODE_PRODUCT) ? c->depth : c->depth + 1;
}

/* Fill size, depth and stationary of node n over children a and b (b may be
 * NULL), or say why the expression is refused. */
static gp_code set_shape(gp_kernel *n, const gp_kernel *a, const gp_kernel *b, gp_error *err)
{
    const char *name = gp_kernel_name(n);
    const size_t size = 1 + a->size + (b ? b->size : 0);
    if (size > GP_KERNEL_MAX_SIZE)
        return gp_error_set(err, GP_ERR_ARG,
                            "%s: the expression would have %zu nodes written out, more than the "
                            "%zu allowed (a sub-expression used twice counts twice: k + k "
                            "doubles it; use a scaling, 2 * k)",
                            name, size, GP_KERNEL_MAX_SIZE);
    size_t depth = child_depth(n->type, a);
    if (b && child_depth(n->type, b) > depth)
        depth = child_depth(n->type, b);
    if (depth > GP_KERNEL_MAX_DEPTH)
        return gp_error_set(err, GP_ERR_ARG,
                            "%s: the expression would be nested %zu levels deep, more than the %d "
                            "allowed (sums of sums and products of products do not count)",
                            name, depth, GP_KERNEL_MAX_DEPTH);
    n->size = size;
    n->depth = depth;
    switch (n->type) {
    case GP_KNODE_SUM:
    case GP_KNODE_PRODUCT: n->stationary = a->stationary && b->stationary; break;
    case GP_KNODE_WARP:
    case GP_KNODE_TRANSFORM:
    case GP_KNODE_CHANGEPOINT: n->stationary = 0; break;
    default: n->stationary = a->stationary; break; /* scale, power, stretch, shift, select */
    }
    return GP_OK;
}

/* A node of the given type over a (and b), holding new references to them;
 * NULL with err filled if the expression is refused or memory runs out. */
static gp_kernel *inner_node(gp_kernel_node type, size_t nvec, int with_dims, gp_kernel *a,
                             gp_kernel *b, gp_error *err)
{
    gp_kernel *n = gp_kernel_node_new(type, nvec, with_dims, node_name(type), err);
    if (n && set_shape(n, a, b, err)) {
        gp_kernel_release(n);
        return NULL;
    }
    if (n) {
        n->a = gp_kernel_retain(a);
        n->b = gp_kernel_retain(b);
    }
    return n;
}

/* ---- algebra --------------------------------------------------------------- */

static gp_kernel *binary(gp_kernel_node type, const char *name, gp_kernel *a, gp_kernel *b,
                         gp_error *err)
{
    if (!a || !b) {
        gp_error_set(err, GP_ERR_ARG, "%s: %s operand is missing (NULL)", name,
                     !a ? "first" : "second");
        return NULL;
    }
    return inner_node(type, 0, 0, a, b, err);
}

gp_kernel *gp_kernel_sum(gp_kernel *a, gp_kernel *b, gp_error *err)
{
    return binary(GP_KNODE_SUM, "sum", a, b, err);
}

gp_kernel *gp_kernel_product(gp_kernel *a, gp_kernel *b, gp_error *err)
{
    return binary(GP_KNODE_PRODUCT, "product", a, b, err);
}

gp_kernel *gp_kernel_scale(double c, gp_kernel *k, gp_error *err)
{
    if (!(isfinite(c) && c >= 0)) {
        gp_error_set(err, GP_ERR_ARG,
                     "scale: c must be finite and >= 0, got %g (a negative multiple is not a "
                     "kernel)",
                     c);
        return NULL;
    }
    if (!k) {
        gp_error_set(err, GP_ERR_ARG, "scale: kernel is missing (NULL)");
        return NULL;
    }
    if (k->type == GP_KNODE_SCALE) { /* c (c' k) = (c c') k */
        const double cc = c * k->c;
        if (!isfinite(cc)) {
            gp_error_set(err, GP_ERR_ARG, "scale: %g * (%g * k) overflows (%g)", c, k->c, cc);
            return NULL;
        }
        c = cc;
        k = k->a;
    }
    gp_kernel *s = inner_node(GP_KNODE_SCALE, 0, 0, k, NULL, err);
    if (s)
        s->c = c;
    return s;
}

gp_kernel *gp_kernel_warp(gp_kernel *k, gp_func *a, gp_error *err)
{
    if (!k || !a) {
        gp_error_set(err, GP_ERR_ARG, "warp: %s is missing (NULL)", !k ? "kernel" : "function");
        return NULL;
    }
    gp_kernel *w = inner_node(GP_KNODE_WARP, 0, 0, k, NULL, err);
    if (w)
        w->f = gp_func_retain(a);
    return w;
}

/* stretch and shift: n = 1 or d values, checked against d at evaluation. */
static gp_kernel *transform_values(gp_kernel_node type, const char *name, const char *what,
                                   gp_kernel *k, const double *v, size_t n, gp_error *err)
{
    if (!k) {
        gp_error_set(err, GP_ERR_ARG, "%s: kernel is missing (NULL)", name);
        return NULL;
    }
    if (!v || n == 0) {
        gp_error_set(err, GP_ERR_ARG, "%s: at least one %s is needed, got 0", name, what);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]) || (type == GP_KNODE_STRETCH && v[i] == 0)) {
            gp_error_set(err, GP_ERR_ARG, "%s: %s %zu must be finite%s, got %g", name, what, i + 1,
                         type == GP_KNODE_STRETCH
                             ? " and non-zero (use select to drop a dimension)"
                             : "",
                         v[i]);
            return NULL;
        }
    }
    gp_kernel *t = inner_node(type, n, 0, k, NULL, err);
    if (t)
        memcpy(t->vec, v, n * sizeof *v);
    return t;
}

gp_kernel *gp_kernel_stretch(gp_kernel *k, const double *s, size_t n, gp_error *err)
{
    return transform_values(GP_KNODE_STRETCH, "stretch", "factor", k, s, n, err);
}

gp_kernel *gp_kernel_shift(gp_kernel *k, const double *c, size_t n, gp_error *err)
{
    return transform_values(GP_KNODE_SHIFT, "shift", "offset", k, c, n, err);
}

gp_kernel *gp_kernel_select(gp_kernel *k, const size_t *dims, size_t n, gp_error *err)
{
    if (!k) {
        gp_error_set(err, GP_ERR_ARG, "select: kernel is missing (NULL)");
        return NULL;
    }
    if (!dims || n == 0) {
        gp_error_set(err, GP_ERR_ARG, "select: at least one dimension is needed, got 0");
        return NULL;
    }
    gp_kernel *t = inner_node(GP_KNODE_SELECT, n, 1, k, NULL, err);
    if (t)
        memcpy(t->dims, dims, n * sizeof *dims);
    return t;
}

gp_kernel *gp_kernel_transform(gp_kernel *k, gp_func *const *w, size_t n, gp_error *err)
{
    if (!k || !w || n == 0) {
        gp_error_set(err, GP_ERR_ARG, "transform: %s", !k ? "kernel is missing (NULL)"
                                                          : "at least one function is needed, got 0");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!w[i]) {
            gp_error_set(err, GP_ERR_ARG, "transform: function %zu is missing (NULL)", i + 1);
            return NULL;
        }
    gp_func **fs = n <= SIZE_MAX / sizeof *fs ? malloc(n * sizeof *fs) : NULL;
    if (!fs) {
        gp_error_set(err, GP_ERR_NOMEM, "transform: out of memory for %zu functions", n);
        return NULL;
    }
    gp_kernel *t = inner_node(GP_KNODE_TRANSFORM, 0, 0, k, NULL, err);
    if (!t) {
        free(fs);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        fs[i] = gp_func_retain(w[i]);
    t->fs = fs;
    t->nfs = n;
    return t;
}

gp_kernel *gp_kernel_power(gp_kernel *k, int p, gp_error *err)
{
    if (!k) {
        gp_error_set(err, GP_ERR_ARG, "power: kernel is missing (NULL)");
        return NULL;
    }
    if (p < 1) {
        gp_error_set(err, GP_ERR_ARG,
                     "power: the exponent must be an integer >= 1, got %d (k^p is a kernel for "
                     "whole p >= 1: a product of p copies)",
                     p);
        return NULL;
    }
    gp_kernel *t = inner_node(GP_KNODE_POWER, 0, 0, k, NULL, err);
    if (t)
        t->c = p;
    return t;
}

gp_kernel *gp_kernel_changepoint(gp_kernel *k1, gp_kernel *k2, double location, double steepness,
                                 size_t dim, gp_error *err)
{
    if (!k1 || !k2) {
        gp_error_set(err, GP_ERR_ARG, "changepoint: %s kernel is missing (NULL)",
                     !k1 ? "first" : "second");
        return NULL;
    }
    if (!isfinite(location)) {
        gp_error_set(err, GP_ERR_ARG, "changepoint: location must be finite, got %g", location);
        return NULL;
    }
    if (!(isfinite(steepness) && steepness > 0)) {
        gp_error_set(err, GP_ERR_ARG, "changepoint: steepness must be finite and > 0, got %g",
                     steepness);
        return NULL;
    }
    gp_kernel *t = inner_node(GP_KNODE_CHANGEPOINT, 2, 0, k1, k2, err);
    if (t) {
        t->vec[0] = location;
        t->vec[1] = steepness;
        t->axis = dim;
    }
    return t;
}

/* ---- the operands of an n-ary sum or product ---------------------------------- */

void gp_kernel_walk_init(gp_kernel_walk *w, const gp_kernel *k)
{
    w->type = k->type;
    gp_stack_init(&w->stack, sizeof k);
    gp_stack_push(&w->stack, &k);
}

const gp_kernel *gp_kernel_walk_next(gp_kernel_walk *w)
{
    const gp_kernel *k;
    while (gp_stack_pop(&w->stack, &k)) {
        if (k->type != w->type)
            return k;
        if (!gp_stack_push(&w->stack, &k->b) || !gp_stack_push(&w->stack, &k->a))
            return NULL; /* out of memory: w->stack.failed */
    }
    return NULL;
}

void gp_kernel_walk_free(gp_kernel_walk *w)
{
    gp_stack_free(&w->stack);
}

/* ---- describe -------------------------------------------------------------- */

static void describe_rec(const gp_kernel *k, gp_sbuf *sb);

/* A product or scale operand: sums get parentheses. */
static void describe_factor(const gp_kernel *k, gp_sbuf *sb)
{
    const int paren = k->type == GP_KNODE_SUM;
    if (paren)
        gp_sbuf_puts(sb, "(");
    describe_rec(k, sb);
    if (paren)
        gp_sbuf_puts(sb, ")");
}

/* a + b + ... or a * b * ... over the operands of the n-ary node k. */
static void describe_nary(const gp_kernel *k, gp_sbuf *sb)
{
    const int sum = k->type == GP_KNODE_SUM;
    gp_kernel_walk w;
    gp_kernel_walk_init(&w, k);
    size_t count = 0;
    for (const gp_kernel *op; (op = gp_kernel_walk_next(&w)) != NULL; count++) {
        if (count)
            gp_sbuf_puts(sb, sum ? " + " : " * ");
        if (sum)
            describe_rec(op, sb);
        else
            describe_factor(op, sb);
    }
    if (w.stack.failed)
        gp_sbuf_puts(sb, " ... (out of memory)");
    gp_kernel_walk_free(&w);
}

static void describe_rec(const gp_kernel *k, gp_sbuf *sb)
{
    switch (k->type) {
    case GP_KNODE_LEAF:
        gp_kernel_leaf_describe(k, sb);
        break;
    case GP_KNODE_SUM:
    case GP_KNODE_PRODUCT:
        describe_nary(k, sb);
        break;
    case GP_KNODE_SCALE:
        gp_sbuf_number(sb, k->c);
        gp_sbuf_puts(sb, " * ");
        describe_factor(k->a, sb);
        break;
    case GP_KNODE_WARP: {
        gp_sbuf_puts(sb, "warp(");
        describe_rec(k->a, sb);
        gp_sbuf_puts(sb, ", by=");
        size_t cap;
        char *tail = gp_sbuf_tail(sb, &cap);
        gp_sbuf_advance(sb, gp_func_describe(k->f, tail, cap));
        gp_sbuf_puts(sb, ")");
        break;
    }
    case GP_KNODE_STRETCH:
    case GP_KNODE_SHIFT:
        gp_sbuf_puts(sb, gp_kernel_name(k));
        gp_sbuf_puts(sb, "(");
        describe_rec(k->a, sb);
        gp_sbuf_puts(sb, ", by=");
        gp_sbuf_vector(sb, k->vec, k->nvec);
        gp_sbuf_puts(sb, ")");
        break;
    case GP_KNODE_TRANSFORM:
        gp_sbuf_puts(sb, "transform(");
        describe_rec(k->a, sb);
        gp_sbuf_puts(sb, ", by={");
        for (size_t i = 0; i < k->nfs; i++) {
            size_t cap;
            gp_sbuf_puts(sb, i ? ", " : "");
            char *tail = gp_sbuf_tail(sb, &cap);
            gp_sbuf_advance(sb, gp_func_describe(k->fs[i], tail, cap));
        }
        gp_sbuf_puts(sb, "})");
        break;
    case GP_KNODE_POWER: {
        const int paren = k->a->type != GP_KNODE_LEAF;
        gp_sbuf_puts(sb, paren ? "(" : "");
        describe_rec(k->a, sb);
        char num[32];
        snprintf(num, sizeof num, "%s^%.0f", paren ? ")" : "", k->c);
        gp_sbuf_puts(sb, num);
        break;
    }
    case GP_KNODE_CHANGEPOINT: {
        gp_sbuf_puts(sb, "changepoint(");
        describe_rec(k->a, sb);
        gp_sbuf_puts(sb, ", ");
        describe_rec(k->b, sb);
        gp_sbuf_puts(sb, ", location=");
        gp_sbuf_number(sb, k->vec[0]);
        gp_sbuf_puts(sb, ", steepness=");
        gp_sbuf_number(sb, k->vec[1]);
        char num[48];
        snprintf(num, sizeof num, ", dim=%zu)", k->axis + 1);
        gp_sbuf_puts(sb, num);
        break;
    }
    case GP_KNODE_SELECT:
        gp_sbuf_puts(sb, "select(");
        describe_rec(k->a, sb);
        gp_sbuf_puts(sb, ", dims={");
        for (size_t i = 0; i < k->nvec; i++) {
            char num[32];
            snprintf(num, sizeof num, "%s%zu", i ? ", " : "", k->dims[i] + 1);
            gp_sbuf_puts(sb, num);
        }
        gp_sbuf_puts(sb, "})");
        break;
    }
}

size_t gp_kernel_describe(const gp_kernel *k, char *buf, size_t cap)
{
    gp_sbuf sb = gp_sbuf_make(buf, cap);
    if (!k)
        gp_sbuf_puts(&sb, "(null)");
    else
        describe_rec(k, &sb);
    return sb.len;
}

/* ---- introspection ---------------------------------------------------------- */

int gp_kernel_is_stationary(const gp_kernel *k)
{
    return k ? k->stationary : 0;
}

gp_spectral_family gp_kernel_spectral(const gp_kernel *k, gp_spectral *out)
{
    double c = 1.0;
    if (k && k->type == GP_KNODE_SCALE) { /* scalings are folded: at most one */
        c = k->c;
        k = k->a;
    }
    gp_spectral s;
    memset(&s, 0, sizeof s);
    if (k && k->type == GP_KNODE_LEAF && k->desc->spectral != GP_SPECTRAL_NONE) {
        /* a spectral leaf has an amplitude and length-scales (periods for
         * cosine), or the weights, means and variances of a mixture */
        const gp_kparam *a = gp_kernel_leaf_param(k, "amplitude");
        const gp_kparam *ls = gp_kernel_leaf_param(k, "lengthscale");
        const gp_kparam *p;
        s.family = k->desc->spectral;
        s.variance = a ? c * a->v[0] * a->v[0] : c;
        if (!ls)
            ls = gp_kernel_leaf_param(k, "period");
        if (ls) {
            s.ls = ls->v;
            s.nls = ls->rows * ls->cols;
        }
        if ((p = gp_kernel_leaf_param(k, "alpha")))
            s.alpha = p->v[0];
        if ((p = gp_kernel_leaf_param(k, "nu")))
            s.nu = p->v[0];
        if ((p = gp_kernel_leaf_param(k, "gamma")))
            s.gamma = p->v[0];
        if ((p = gp_kernel_leaf_param(k, "weights"))) {
            const gp_kparam *mu = gp_kernel_leaf_param(k, "means");
            s.q = p->rows * p->cols;
            s.dim = mu->cols;
            s.weights = p->v;
            s.means = mu->v;
            s.variances = gp_kernel_leaf_param(k, "variances")->v;
            double w = 0;
            for (size_t q = 0; q < s.q; q++)
                w += p->v[q];
            s.variance = c * w;
        }
    }
    if (out)
        *out = s;
    return s.family;
}
