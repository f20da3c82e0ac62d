/* gp_process.c: building process expressions (with their limits on size,
 * nesting and independence), the iterative walks over them, their leaves,
 * their description and their iterative release. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp_process_impl.h"

static gp_process *node(proc_type type, gp_error *err)
{
    gp_process *p = calloc(1, sizeof *p);
    if (!p)
        gp_error_set(err, GP_ERR_NOMEM, "process: out of memory");
    else {
        p->refs = 1;
        p->type = type;
        p->gaussian = 1;
        p->size = 1;
        p->depth = 1;
    }
    return p;
}

gp_process *gp_process_new(gp_func *mean, gp_kernel *kernel, gp_error *err)
{
    if (!mean || !kernel) {
        gp_error_set(err, GP_ERR_ARG, "GP: a process needs a mean and a kernel");
        return NULL;
    }
    gp_process *p = node(PROC_LEAF, err);
    if (p) {
        p->mean = gp_func_retain(mean);
        p->kernel = gp_kernel_retain(kernel);
    }
    return p;
}

gp_process *gp_process_posterior_leaf(gp_posterior *post, gp_error *err)
{
    gp_process *p = node(PROC_LEAF, err);
    if (p)
        p->post = gp_posterior_retain(post);
    return p;
}

const gp_posterior *gp_process_posterior(const gp_process *p)
{
    return p->type == PROC_LEAF ? p->post : NULL;
}

/* ---- walks ---------------------------------------------------------------------- */

static int walk_push(gp_stack *s, const gp_process *p, int offset)
{
    const proc_walk_item it = {p, offset};
    return gp_stack_push(s, &it);
}

void proc_walk_init(proc_walk *w, const gp_process *p, proc_type family)
{
    w->family = family;
    gp_stack_init(&w->stack, sizeof(proc_walk_item));
    walk_push(&w->stack, p, 0);
}

int proc_walk_next(proc_walk *w, const gp_process **term, const gp_func **offset)
{
    proc_walk_item it;
    while (gp_stack_pop(&w->stack, &it)) {
        const gp_process *p = it.p;
        if (it.offset) { /* the function of an offset node, after its process */
            *term = NULL;
            *offset = p->fn;
            return 1;
        }
        int pushed = 1;
        if (w->family == PROC_SUM && p->type == PROC_SUM)
            pushed = walk_push(&w->stack, p->b, 0) && walk_push(&w->stack, p->a, 0);
        else if (w->family == PROC_SUM && p->type == PROC_OFFSET)
            pushed = walk_push(&w->stack, p, 1) && walk_push(&w->stack, p->a, 0);
        else if (w->family == PROC_PRODUCT && p->type == PROC_PRODUCT)
            pushed = walk_push(&w->stack, p->b, 0) && walk_push(&w->stack, p->a, 0);
        else {
            *term = p;
            *offset = NULL;
            return 1;
        }
        if (!pushed)
            return 0; /* out of memory: w->stack.failed */
    }
    return 0;
}

void proc_walk_free(proc_walk *w)
{
    gp_stack_free(&w->stack);
}

int gp_process_visit(const gp_process *p, int (*visit)(void *ctx, const gp_process *q), void *ctx)
{
    gp_stack s;
    gp_stack_init(&s, sizeof p);
    gp_stack_push(&s, &p);
    int rc = 0;
    const gp_process *q;
    while (rc == 0 && gp_stack_pop(&s, &q)) {
        const int r = visit(ctx, q);
        if (r < 0)
            rc = -1;
        else if (r > 0 && q->b)
            gp_stack_push(&s, &q->b);
        if (r > 0 && q->a)
            gp_stack_push(&s, &q->a);
    }
    if (s.failed)
        rc = -1;
    gp_stack_free(&s);
    return rc;
}

/* ---- leaves ------------------------------------------------------------------- */

/* Distinct leaves (first appearance) into list[0..cap); with atom, also the
 * atom (the leaf itself, or the product holding it) each belongs to. */
typedef struct leaf_list {
    const gp_process **list, **atom;
    size_t n, cap;
    const gp_process *current; /* the atom being collected */
} leaf_list;

static int add_leaf(void *ctx, const gp_process *q)
{
    leaf_list *l = ctx;
    if (q->type != PROC_LEAF)
        return 1;
    for (size_t i = 0; i < l->n; i++)
        if (l->list[i] == q)
            return 0;
    if (l->n == l->cap)
        return -1;
    if (l->atom)
        l->atom[l->n] = l->current;
    l->list[l->n++] = q;
    return 0;
}

int gp_process_collect_leaves(const gp_process *p, const gp_process **list, size_t *n, size_t cap)
{
    leaf_list l = {list, NULL, *n, cap, NULL};
    const int rc = gp_process_visit(p, add_leaf, &l);
    *n = l.n;
    return rc;
}

/* The leaves of an expression with products, and their atoms. */
typedef struct leaf_owner {
    const gp_process *leaf[GP_PROCESS_MAX_LEAVES], *atom[GP_PROCESS_MAX_LEAVES];
    leaf_list l;
} leaf_owner;

/* An atom of the expansion (a leaf or a product): collect its leaves. */
static int add_atom(void *ctx, const gp_process *q)
{
    leaf_list *l = ctx;
    if (q->type != PROC_LEAF && q->type != PROC_PRODUCT)
        return 1; /* sums, scalings, warps and offsets: look inside */
    l->current = q;
    return gp_process_visit(q, add_leaf, l) < 0 ? -1 : 0;
}

/* Fill o for p; an error (named by what) past GP_PROCESS_MAX_LEAVES. */
static gp_code owned_leaves(const gp_process *p, leaf_owner *o, const char *what, gp_error *err)
{
    o->l = (leaf_list){o->leaf, o->atom, 0, GP_PROCESS_MAX_LEAVES, NULL};
    if (gp_process_visit(p, add_atom, &o->l) < 0)
        return gp_error_set(err, GP_ERR_ARG,
                            "%s: more than %d independent processes in an expression with a "
                            "product (at most %d are supported)",
                            what, GP_PROCESS_MAX_LEAVES, GP_PROCESS_MAX_LEAVES);
    return GP_OK;
}

/* Products in an expansion must not share leaves with any other atom (a leaf
 * or a different product): their joint moments would need more than means
 * and covariances. 0 if an atom of a and a different atom of b share a leaf. */
static int atoms_compatible(const leaf_owner *a, const leaf_owner *b)
{
    for (size_t i = 0; i < a->l.n; i++)
        for (size_t j = 0; j < b->l.n; j++)
            if (a->leaf[i] == b->leaf[j] && a->atom[i] != b->atom[j])
                return 0;
    return 1;
}

/* ---- building ----------------------------------------------------------------- */

static size_t child_depth(proc_type t, const gp_process *c)
{
    const int sum_family = (t == PROC_SUM || t == PROC_OFFSET) &&
                           (c->type == PROC_SUM || c->type == PROC_OFFSET);
    return sum_family || (t == PROC_PRODUCT && c->type == PROC_PRODUCT) ? c->depth : c->depth + 1;
}

/* A node of the given type over a (and b), holding new references to them,
 * or NULL if the expression would be too large or too deep. */
static gp_process *inner(proc_type type, const char *what, gp_process *a, gp_process *b,
                         gp_error *err)
{
    const size_t size = 1 + a->size + (b ? b->size : 0);
    size_t depth = child_depth(type, a);
    if (b && child_depth(type, b) > depth)
        depth = child_depth(type, b);
    if (size > GP_PROCESS_MAX_SIZE) {
        gp_error_set(err, GP_ERR_ARG,
                     "%s: the expression would have %zu nodes written out, more than the %zu "
                     "allowed (a sub-expression used twice counts twice: f + f doubles it; "
                     "use 2 * f)",
                     what, size, GP_PROCESS_MAX_SIZE);
        return NULL;
    }
    if (depth > GP_PROCESS_MAX_DEPTH) {
        gp_error_set(err, GP_ERR_ARG,
                     "%s: the expression would be nested %zu levels deep, more than the %d "
                     "allowed (sums of sums and products of products do not count)",
                     what, depth, GP_PROCESS_MAX_DEPTH);
        return NULL;
    }
    gp_process *p = node(type, err);
    if (p) {
        p->a = gp_process_retain(a);
        p->b = b ? gp_process_retain(b) : NULL;
        p->gaussian = a->gaussian && (!b || b->gaussian);
        p->size = size;
        p->depth = depth;
    }
    return p;
}

gp_process *gp_process_sum(gp_process *a, gp_process *b, gp_error *err)
{
    if (!(a->gaussian && b->gaussian)) { /* a product is involved: check independence */
        leaf_owner *oa = malloc(2 * sizeof *oa), *ob = oa + 1;
        gp_code rc = oa ? owned_leaves(a, oa, "process sum", err)
                        : gp_error_set(err, GP_ERR_NOMEM, "process sum: out of memory");
        if (!rc)
            rc = owned_leaves(b, ob, "process sum", err);
        if (!rc && !atoms_compatible(oa, ob))
            rc = gp_error_set(err, GP_ERR_ARG,
                              "process sum: a product term shares a process with another term; "
                              "only products of independent processes are supported");
        free(oa);
        if (rc)
            return NULL;
    }
    return inner(PROC_SUM, "process sum", a, b, err);
}

gp_process *gp_process_scale(double c, gp_process *a, gp_error *err)
{
    if (!(c - c == 0)) { /* NaN or infinite */
        gp_error_set(err, GP_ERR_ARG, "process scale: c must be finite, got %g", c);
        return NULL;
    }
    if (a->type == PROC_SCALE) { /* c (c' a) = (c c') a */
        if (!isfinite(c * a->c)) {
            gp_error_set(err, GP_ERR_ARG, "process scale: %g * (%g * f) overflows (%g)", c, a->c,
                         c * a->c);
            return NULL;
        }
        c *= a->c;
        a = a->a;
    }
    gp_process *p = inner(PROC_SCALE, "process scale", a, NULL, err);
    if (p)
        p->c = c;
    return p;
}

static gp_process *with_function(proc_type type, const char *what, gp_process *a, gp_func *w,
                                 gp_error *err)
{
    gp_process *p = inner(type, what, a, NULL, err);
    if (p)
        p->fn = gp_func_retain(w);
    return p;
}

gp_process *gp_process_warp(gp_func *w, gp_process *a, gp_error *err)
{
    return with_function(PROC_WARP, "process warp", a, w, err);
}

gp_process *gp_process_offset(gp_process *a, gp_func *w, gp_error *err)
{
    return with_function(PROC_OFFSET, "process offset", a, w, err);
}

gp_process *gp_process_product(gp_process *a, gp_process *b, gp_error *err)
{
    const char *what = "process product";
    leaf_owner *oa = malloc(2 * sizeof *oa), *ob = oa + 1;
    gp_code rc = oa ? owned_leaves(a, oa, what, err)
                    : gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", what);
    if (!rc)
        rc = owned_leaves(b, ob, what, err);
    for (size_t i = 0; !rc && i < oa->l.n; i++)
        for (size_t j = 0; !rc && j < ob->l.n; j++)
            if (oa->leaf[i] == ob->leaf[j])
                rc = gp_error_set(err, GP_ERR_ARG,
                                  "%s: the factors share a process, so they are not "
                                  "independent (f * f is not supported; its moments need E[f^4])",
                                  what);
    if (!rc && oa->l.n + ob->l.n > GP_PROCESS_MAX_LEAVES)
        rc = gp_error_set(err, GP_ERR_ARG,
                          "%s: more than %d independent processes in an expression with a "
                          "product (at most %d are supported)",
                          what, GP_PROCESS_MAX_LEAVES, GP_PROCESS_MAX_LEAVES);
    free(oa);
    if (rc)
        return NULL;
    gp_process *p = inner(PROC_PRODUCT, what, a, b, err);
    if (p)
        p->gaussian = 0;
    return p;
}

gp_process *gp_process_retain(gp_process *p)
{
    p->refs++;
    return p;
}

/* Drop one reference to p; if it was the last, queue p on *dead. */
static void drop(gp_process *p, gp_process **dead)
{
    if (p && --p->refs == 0) {
        p->next = *dead;
        *dead = p;
    }
}

/* Iterative (a worklist threaded through the dead nodes): any depth. */
void gp_process_release(gp_process *p)
{
    gp_process *dead = NULL;
    drop(p, &dead);
    while (dead) {
        gp_process *d = dead;
        dead = d->next;
        drop(d->a, &dead);
        drop(d->b, &dead);
        gp_func_release(d->mean);
        gp_kernel_release(d->kernel);
        gp_func_release(d->fn);
        gp_posterior_release(d->post);
        free(d);
    }
}

int gp_process_is_gaussian(const gp_process *p)
{
    return p->gaussian;
}

const gp_kernel *gp_process_kernel(const gp_process *p)
{
    return p->type == PROC_LEAF ? p->kernel : NULL;
}

const gp_func *gp_process_mean(const gp_process *p)
{
    return p->type == PROC_LEAF ? p->mean : NULL;
}

/* ---- description ------------------------------------------------------------------ */

typedef struct out {
    char *buf;
    size_t cap, len;
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->len < o->cap) {
        size_t room = o->cap - o->len - 1;
        size_t k = n < room ? n : room;
        for (size_t i = 0; i < k; i++)
            o->buf[o->len + i] = s[i];
        o->buf[o->len + k] = '\0';
    }
    o->len += n;
}

static void puts_(out *o, const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    put(o, s, n);
}

static void put_func(out *o, const gp_func *f)
{
    char tmp[256];
    size_t n = gp_func_describe(f, tmp, sizeof tmp);
    puts_(o, n < sizeof tmp ? tmp : "(function)");
}

static void describe(const gp_process *p, out *o, int parenthesise_sums);

/* The terms of the sum (family PROC_SUM: "a + b + [w]") or product
 * ("a * b") at p. */
static void describe_terms(const gp_process *p, out *o, proc_type family)
{
    proc_walk w;
    proc_walk_init(&w, p, family);
    const gp_process *term;
    const gp_func *offset;
    for (size_t count = 0; proc_walk_next(&w, &term, &offset); count++) {
        if (count)
            puts_(o, family == PROC_SUM ? " + " : " * ");
        if (term) {
            describe(term, o, family == PROC_PRODUCT);
        } else {
            puts_(o, "[");
            put_func(o, offset);
            puts_(o, "]");
        }
    }
    if (w.stack.failed)
        puts_(o, " ... (out of memory)");
    proc_walk_free(&w);
}

static void describe(const gp_process *p, out *o, int parenthesise_sums)
{
    char num[64];
    int paren = parenthesise_sums && (p->type == PROC_SUM || p->type == PROC_OFFSET);
    if (paren)
        puts_(o, "(");
    switch (p->type) {
    case PROC_LEAF: {
        if (p->post) {
            const size_t len = gp_posterior_describe(p->post, NULL, 0);
            if (o->len < o->cap)
                gp_posterior_describe(p->post, o->buf + o->len, o->cap - o->len);
            o->len += len;
            break;
        }
        puts_(o, "GP(mean=");
        put_func(o, p->mean);
        puts_(o, ", kernel=");
        size_t klen = gp_kernel_describe(p->kernel, NULL, 0);
        if (o->len < o->cap)
            gp_kernel_describe(p->kernel, o->buf + o->len, o->cap - o->len);
        o->len += klen;
        puts_(o, ")");
        break;
    }
    case PROC_SUM:
    case PROC_OFFSET:
        describe_terms(p, o, PROC_SUM);
        break;
    case PROC_SCALE:
        snprintf(num, sizeof num, "%.15g * ", p->c);
        puts_(o, num);
        describe(p->a, o, 1);
        break;
    case PROC_WARP:
        puts_(o, "[");
        put_func(o, p->fn);
        puts_(o, "] * ");
        describe(p->a, o, 1);
        break;
    case PROC_PRODUCT:
        describe_terms(p, o, PROC_PRODUCT);
        break;
    case PROC_DERIV:
        puts_(o, "derivative(");
        describe(p->a, o, 0);
        snprintf(num, sizeof num, ", dim=%zu)", p->dim + 1);
        puts_(o, num);
        break;
    }
    if (paren)
        puts_(o, ")");
}

size_t gp_process_describe(const gp_process *p, char *buf, size_t cap)
{
    out o = {buf, cap, 0};
    if (cap > 0)
        buf[0] = '\0';
    describe(p, &o, 0);
    return o.len;
}
