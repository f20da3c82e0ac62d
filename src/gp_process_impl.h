/* gp_process_impl.h: the process tree, shared by gp_process*.c only. */
#ifndef GP_PROCESS_IMPL_H
#define GP_PROCESS_IMPL_H

#include "gp_posterior.h"
#include "gp_process.h"
#include "gp_stack.h"

typedef enum proc_type {
    PROC_LEAF,
    PROC_SUM,
    PROC_SCALE,
    PROC_WARP,
    PROC_OFFSET,
    PROC_PRODUCT,
    PROC_DERIV /* df/dx_dim of the leaf a; fn: the derivative of its mean */
} proc_type;

/* size: nodes when written out as a tree (a shared sub-expression counted
 * each time it appears); depth: nesting levels that need recursion (sums and
 * offsets in sums, products in products are walked in a loop); next: the
 * release worklist. */
struct gp_process {
    unsigned refs;
    proc_type type;
    gp_func *mean;     /* leaf */
    gp_kernel *kernel; /* leaf */
    gp_posterior *post; /* a posterior leaf (gp_posterior.h): mean and kernel are NULL */
    gp_process *a, *b; /* children (b for sum and product) */
    double c;          /* scale */
    gp_func *fn;       /* warp and offset; deriv: the mean's derivative */
    size_t dim;        /* deriv: the input dimension (0-based) */
    int gaussian;
    size_t size, depth;
    gp_process *next;
};

/* Limits on expressions, checked when they are built: nodes written out,
 * nesting (as in gp_kernel.h), and distinct processes in an expression that
 * involves a product (the joint sampler's limit; it also bounds the checks
 * that a product's factors are independent). */
#define GP_PROCESS_MAX_SIZE ((size_t)1 << 21)
#define GP_PROCESS_MAX_DEPTH 1000
#define GP_PROCESS_MAX_LEAVES 64

/* Walks the terms of the n-ary sum (sums and offsets: family PROC_SUM) or
 * product (PROC_PRODUCT) at p, left to right, each as often as it appears:
 * *term is a process, or NULL with *offset the function an offset adds.
 * Iterative (gp_stack.h):
 *   proc_walk w; proc_walk_init(&w, p, PROC_SUM);
 *   while (proc_walk_next(&w, &term, &offset)) ...
 *   if (w.stack.failed) out of memory; proc_walk_free(&w); */
typedef struct proc_walk_item {
    const gp_process *p;
    int offset; /* p is an offset node whose function comes next */
} proc_walk_item;

typedef struct proc_walk {
    proc_type family;
    gp_stack stack; /* of proc_walk_item */
} proc_walk;

void proc_walk_init(proc_walk *w, const gp_process *p, proc_type family);
int proc_walk_next(proc_walk *w, const gp_process **term, const gp_func **offset);
void proc_walk_free(proc_walk *w);

/* A leaf holding a new reference to post (gp_process_condition); NULL on error. */
gp_process *gp_process_posterior_leaf(gp_posterior *post, gp_error *err);

/* Call visit(ctx, q) for every node q of p, depth first and left to right,
 * each as often as it appears; visit returns 1 to descend into q's
 * children, 0 not to, -1 to stop. Returns -1 if stopped or out of memory.
 * Iterative. */
int gp_process_visit(const gp_process *p, int (*visit)(void *ctx, const gp_process *q), void *ctx);

/* Append the distinct leaves of p (first appearance, left to right) to
 * list[*n] (capacity cap). Returns 0, or -1 if cap is too small or memory
 * ran out. Iterative. */
int gp_process_collect_leaves(const gp_process *p, const gp_process **list, size_t *n, size_t cap);

/* ---- derivative processes (gp_process_deriv.c) ---- */

/* The leaf a process atom draws from: the leaf itself, or the leaf of a
 * derivative. */
static inline const gp_process *gp_process_base(const gp_process *atom)
{
    return atom->type == PROC_DERIV ? atom->a : atom;
}

/* Cov(A(X), B(Y)) for two atoms that are leaves or derivatives of the same
 * leaf (n x m into out; diag: the n values Cov(A(x_i), B(x_i)), Y unused). */
gp_code gp_process_atom_cov(const gp_process *A, const gp_process *B, const gp_matrix *X,
                            const gp_matrix *Y, int diag, double *out, gp_error *err);

/* Append the distinct atoms the draws of p are made from (leaves and
 * derivatives of leaves, first appearance, left to right) to list[*n]
 * (capacity cap); 0, or -1 if cap is too small or memory ran out. */
int gp_process_collect_atoms(const gp_process *p, const gp_process **list, size_t *n, size_t cap);

/* 1 if atom needs a joint draw with other atoms of list[0..n) (a derivative,
 * or a leaf whose derivative is in the list). */
int gp_process_atom_joint(const gp_process *atom, const gp_process *const *list, size_t n);

/* Joint draws of the atoms of list[0..n) that share the base leaf of
 * list[first] (which is the first of them), into draws[i] (X->rows x ns,
 * preallocated) for each such i: one factorisation of their joint
 * covariance (blocks D_u D'_w k(X, X)); info (may be NULL) receives it. */
gp_code gp_process_sample_group(const gp_process *const *list, size_t n, size_t first,
                                const gp_matrix *X, double jitter_rel, gp_rng *rng,
                                gp_matrix *const *draws, gp_factor *info, gp_error *err);

/* The one input check of every process function: X (and Y, when given) has
 * points, finite coordinates, and the same dimension. fname names the caller. */
gp_code gp_process_check_inputs(const char *fname, const gp_matrix *X, const gp_matrix *Y,
                                gp_error *err);

#endif
