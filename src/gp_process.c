/* gp_process.c: building process expressions, their leaves, their description. */
#include <stdio.h>
#include <stdlib.h>

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

int gp_process_collect_leaves(const gp_process *p, const gp_process **list, size_t *n, size_t cap)
{
    if (p->type == PROC_LEAF) {
        for (size_t i = 0; i < *n; i++)
            if (list[i] == p)
                return 0;
        if (*n == cap)
            return -1;
        list[(*n)++] = p;
        return 0;
    }
    if (gp_process_collect_leaves(p->a, list, n, cap))
        return -1;
    return p->b ? gp_process_collect_leaves(p->b, list, n, cap) : 0;
}

static int has_leaf(const gp_process *p, const gp_process *leaf)
{
    if (p->type == PROC_LEAF)
        return p == leaf;
    return has_leaf(p->a, leaf) || (p->b && has_leaf(p->b, leaf));
}

int gp_process_share_leaves(const gp_process *a, const gp_process *b)
{
    if (a->type == PROC_LEAF)
        return has_leaf(b, a);
    return gp_process_share_leaves(a->a, b) || (a->b && gp_process_share_leaves(a->b, b));
}

/* Products in an expansion must not share leaves with any other atom (a leaf
 * or a different product): their joint moments would need more than means
 * and covariances. Checks every product atom of a against every atom of b. */
static int atoms_compatible(const gp_process *a, const gp_process *b);

static int atom_vs_tree(const gp_process *atom, const gp_process *t)
{
    switch (t->type) {
    case PROC_SUM:
        return atom_vs_tree(atom, t->a) && atom_vs_tree(atom, t->b);
    case PROC_SCALE:
    case PROC_WARP:
    case PROC_OFFSET:
        return atom_vs_tree(atom, t->a);
    default: /* t is an atom: fine if equal, or if neither is a product, or disjoint */
        if (atom == t || (atom->type == PROC_LEAF && t->type == PROC_LEAF))
            return 1;
        return !gp_process_share_leaves(atom, t);
    }
}

static int atoms_compatible(const gp_process *a, const gp_process *b)
{
    switch (a->type) {
    case PROC_SUM:
        return atoms_compatible(a->a, b) && atoms_compatible(a->b, b);
    case PROC_SCALE:
    case PROC_WARP:
    case PROC_OFFSET:
        return atoms_compatible(a->a, b);
    default:
        return atom_vs_tree(a, b);
    }
}

gp_process *gp_process_sum(gp_process *a, gp_process *b, gp_error *err)
{
    if (!atoms_compatible(a, b)) {
        gp_error_set(err, GP_ERR_ARG,
                     "process sum: a product term shares a process with another term; "
                     "only products of independent processes are supported");
        return NULL;
    }
    gp_process *p = node(PROC_SUM, err);
    if (p) {
        p->a = gp_process_retain(a);
        p->b = gp_process_retain(b);
        p->gaussian = a->gaussian && b->gaussian;
    }
    return p;
}

gp_process *gp_process_scale(double c, gp_process *a, gp_error *err)
{
    if (!(c - c == 0)) { /* NaN or infinite */
        gp_error_set(err, GP_ERR_ARG, "process scale: c must be finite, got %g", c);
        return NULL;
    }
    gp_process *p = node(PROC_SCALE, err);
    if (p) {
        p->c = c;
        p->a = gp_process_retain(a);
        p->gaussian = a->gaussian;
    }
    return p;
}

static gp_process *with_function(proc_type type, gp_process *a, gp_func *w, gp_error *err)
{
    gp_process *p = node(type, err);
    if (p) {
        p->fn = gp_func_retain(w);
        p->a = gp_process_retain(a);
        p->gaussian = a->gaussian;
    }
    return p;
}

gp_process *gp_process_warp(gp_func *w, gp_process *a, gp_error *err)
{
    return with_function(PROC_WARP, a, w, err);
}

gp_process *gp_process_offset(gp_process *a, gp_func *w, gp_error *err)
{
    return with_function(PROC_OFFSET, a, w, err);
}

gp_process *gp_process_product(gp_process *a, gp_process *b, gp_error *err)
{
    if (gp_process_share_leaves(a, b)) {
        gp_error_set(err, GP_ERR_ARG,
                     "process product: the factors share a process, so they are not "
                     "independent (f * f is not supported; its moments need E[f^4])");
        return NULL;
    }
    gp_process *p = node(PROC_PRODUCT, err);
    if (p) {
        p->a = gp_process_retain(a);
        p->b = gp_process_retain(b);
        p->gaussian = 0;
    }
    return p;
}

gp_process *gp_process_retain(gp_process *p)
{
    p->refs++;
    return p;
}

void gp_process_release(gp_process *p)
{
    if (p && --p->refs == 0) {
        gp_func_release(p->mean);
        gp_kernel_release(p->kernel);
        gp_func_release(p->fn);
        gp_process_release(p->a);
        gp_process_release(p->b);
        free(p);
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

static void describe(const gp_process *p, out *o, int parenthesise_sums)
{
    char num[64];
    int paren = parenthesise_sums && (p->type == PROC_SUM || p->type == PROC_OFFSET);
    if (paren)
        puts_(o, "(");
    switch (p->type) {
    case PROC_LEAF: {
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
        describe(p->a, o, 0);
        puts_(o, " + ");
        describe(p->b, o, 0);
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
    case PROC_OFFSET:
        describe(p->a, o, 0);
        puts_(o, " + [");
        put_func(o, p->fn);
        puts_(o, "]");
        break;
    case PROC_PRODUCT:
        describe(p->a, o, 1);
        puts_(o, " * ");
        describe(p->b, o, 1);
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
