/* gp_process_deriv.c: derivative processes (gp_process.h,
 * gp_process_derivative). The derivative is pushed down to the leaves when
 * the expression is built (d(a + b) = da + db, d(c a) = c da, d(a + w) = da
 * + w', d(w a) = w' a + w da), where it becomes an atom PROC_DERIV over the
 * leaf: a process that shares the leaf's randomness. Atoms of one leaf are
 * correlated (Rasmussen & Williams 2006, section 9.4):
 *   Cov(f(x), f(y)) = k,  Cov(df/dx_a (x), f(y)) = dk/dx_a,
 *   Cov(df/dx_a (x), df/dx_b (y)) = d^2k / dx_a dy_b,
 * so they are drawn together from one factorisation of their joint
 * covariance, and the moments add their cross-covariances. */
#include <stdlib.h>
#include <string.h>

#include "gp_process_impl.h"

/* ---- building ------------------------------------------------------------------------------ */

static gp_process *deriv_leaf(gp_process *leaf, size_t dim, gp_error *err)
{
    if (leaf->post) {
        gp_error_set(err, GP_ERR_ARG, "derivative: the derivative of a posterior (f:condition) "
                                      "is not supported");
        return NULL;
    }
    gp_code rc = gp_kernel_check_differentiable(leaf->kernel, err);
    if (rc)
        return NULL;
    gp_func *dm = gp_func_derivative(leaf->mean, dim, err);
    if (!dm) {
        gp_error inner = *err;
        gp_error_set(err, inner.code, "derivative of the mean: %s", inner.msg);
        return NULL;
    }
    gp_process *p = calloc(1, sizeof *p);
    if (!p) {
        gp_func_release(dm);
        gp_error_set(err, GP_ERR_NOMEM, "derivative: out of memory");
        return NULL;
    }
    p->refs = 1;
    p->type = PROC_DERIV;
    p->a = gp_process_retain(leaf);
    p->fn = dm;
    p->dim = dim;
    p->gaussian = 1;
    p->size = 2;
    p->depth = 2;
    return p;
}

/* d(w a) = w' a + w da */
static gp_process *deriv_warp(gp_process *p, size_t dim, gp_error *err)
{
    gp_process *da = gp_process_derivative(p->a, dim, err), *t1 = NULL, *t2 = NULL, *out = NULL;
    gp_func *dw = da ? gp_func_derivative(p->fn, dim, err) : NULL;
    if (dw && !gp_func_is_zero(dw))
        t1 = gp_process_warp(dw, p->a, err);
    if (dw && (t1 || gp_func_is_zero(dw)))
        t2 = gp_process_warp(p->fn, da, err);
    if (t2)
        out = t1 ? gp_process_sum(t1, t2, err) : gp_process_retain(t2);
    gp_process_release(t1);
    gp_process_release(t2);
    gp_func_release(dw);
    gp_process_release(da);
    return out;
}

/* the terms of a sum (and its offsets), each differentiated, summed left to right */
static gp_process *deriv_sum(gp_process *p, size_t dim, gp_error *err)
{
    proc_walk w;
    proc_walk_init(&w, p, PROC_SUM);
    const gp_process *term;
    const gp_func *offset;
    gp_process *acc = NULL;
    int failed = 0;
    while (!failed && proc_walk_next(&w, &term, &offset)) {
        gp_process *d = NULL;
        if (term) {
            d = gp_process_derivative((gp_process *)term, dim, err);
            failed = !d;
        } else {
            gp_func *dw = gp_func_derivative(offset, dim, err);
            failed = !dw;
            if (dw && !gp_func_is_zero(dw)) { /* an offset adds to the mean only */
                if (acc) {
                    gp_process *next = gp_process_offset(acc, dw, err);
                    failed = !next;
                    gp_process_release(acc);
                    acc = next;
                } else { /* (an offset first: kept until a term arrives) */
                    gp_func_release(dw);
                    failed = 1;
                    gp_error_set(err, GP_ERR_ARG, "derivative: an offset before any process");
                    continue;
                }
            }
            gp_func_release(dw);
            continue;
        }
        if (d) {
            gp_process *next = acc ? gp_process_sum(acc, d, err) : gp_process_retain(d);
            failed = !next;
            gp_process_release(acc);
            gp_process_release(d);
            acc = next;
        }
    }
    if (!failed && w.stack.failed) {
        failed = 1;
        gp_error_set(err, GP_ERR_NOMEM, "derivative: out of memory");
    }
    proc_walk_free(&w);
    if (failed) {
        gp_process_release(acc);
        return NULL;
    }
    return acc;
}

gp_process *gp_process_derivative(gp_process *p, size_t dim, gp_error *err)
{
    if (!p) {
        gp_error_set(err, GP_ERR_ARG, "derivative: process is NULL");
        return NULL;
    }
    switch (p->type) {
    case PROC_LEAF:
        return deriv_leaf(p, dim, err);
    case PROC_SUM:
    case PROC_OFFSET:
        return deriv_sum(p, dim, err);
    case PROC_SCALE: {
        gp_process *d = gp_process_derivative(p->a, dim, err);
        gp_process *out = d ? gp_process_scale(p->c, d, err) : NULL;
        gp_process_release(d);
        return out;
    }
    case PROC_WARP:
        return deriv_warp(p, dim, err);
    case PROC_PRODUCT:
        gp_error_set(err, GP_ERR_ARG,
                     "derivative: a product of processes is not a Gaussian process; its "
                     "derivative is not supported");
        return NULL;
    case PROC_DERIV:
        gp_error_set(err, GP_ERR_ARG,
                     "derivative: second derivatives are not supported (they need fourth "
                     "derivatives of the kernel)");
        return NULL;
    }
    gp_error_set(err, GP_ERR_ARG, "derivative: unknown process type");
    return NULL;
}

/* ---- covariances between the atoms of one leaf ----------------------------------------------- */

/* e_dim for an atom's derivative into u (d values), or NULL for the leaf itself;
 * an error if dim is not an input dimension. */
static gp_code atom_dir(const gp_process *atom, size_t d, double *u, const double **out,
                        gp_error *err)
{
    *out = NULL;
    if (atom->type != PROC_DERIV)
        return GP_OK;
    if (atom->dim >= d)
        return gp_error_set(err, GP_ERR_DIM,
                            "derivative: d/dx_%zu is out of range for %zu-D input", atom->dim + 1,
                            d);
    memset(u, 0, d * sizeof *u);
    u[atom->dim] = 1.0;
    *out = u;
    return GP_OK;
}

gp_code gp_process_atom_cov(const gp_process *A, const gp_process *B, const gp_matrix *X,
                            const gp_matrix *Y, int diag, double *out, gp_error *err)
{
    const gp_kernel *k = gp_process_base(A)->kernel;
    const size_t d = X->cols;
    double *dirs = malloc(2 * d * sizeof *dirs);
    if (!dirs)
        return gp_error_set(err, GP_ERR_NOMEM, "derivative: out of memory");
    const double *u, *w;
    gp_code rc = atom_dir(A, d, dirs, &u, err);
    if (!rc)
        rc = atom_dir(B, d, dirs + d, &w, err);
    if (!rc && diag)
        rc = u || w ? gp_kernel_diag_deriv(k, X, u, w, out, err) : gp_kernel_diag(k, X, out, err);
    else if (!rc) {
        gp_matrix K = {X->rows, Y ? Y->rows : X->rows, out};
        rc = u || w ? gp_kernel_gram_deriv(k, X, Y, u, w, &K, err)
                    : gp_kernel_gram(k, X, Y, &K, err);
    }
    free(dirs);
    return rc;
}

/* ---- atoms and joint draws ----------------------------------------------------------------- */

/* The same draw: the same leaf, or derivatives of the same leaf in the same dimension. */
static int same_atom(const gp_process *a, const gp_process *b)
{
    return a == b || (a->type == PROC_DERIV && b->type == PROC_DERIV && a->a == b->a &&
                      a->dim == b->dim);
}

typedef struct atom_list {
    const gp_process **list;
    size_t *n, cap;
} atom_list;

static int add_atom(void *ctx, const gp_process *q)
{
    atom_list *l = ctx;
    if (q->type != PROC_LEAF && q->type != PROC_DERIV)
        return 1; /* look inside */
    size_t i = 0;
    while (i < *l->n && !same_atom(l->list[i], q))
        i++;
    if (i < *l->n)
        return 0;
    if (*l->n == l->cap)
        return -1;
    l->list[(*l->n)++] = q;
    return 0;
}

int gp_process_collect_atoms(const gp_process *p, const gp_process **list, size_t *n, size_t cap)
{
    atom_list l = {list, n, cap};
    return gp_process_visit(p, add_atom, &l);
}

int gp_process_atom_joint(const gp_process *atom, const gp_process *const *list, size_t n)
{
    if (atom->type == PROC_DERIV)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (list[i] != atom && gp_process_base(list[i]) == atom)
            return 1;
    return 0;
}

gp_code gp_process_sample_group(const gp_process *const *list, size_t n, size_t first,
                                const gp_matrix *X, double jitter_rel, gp_rng *rng,
                                gp_matrix *const *draws, gp_factor *info, gp_error *err)
{
    const gp_process *base = gp_process_base(list[first]);
    const size_t nx = X->rows, ns = draws[first]->cols;
    size_t member[64], g = 0;
    for (size_t i = first; i < n && g < 64; i++)
        if (gp_process_base(list[i]) == base)
            member[g++] = i;
    const size_t N = g * nx;
    gp_matrix *K = gp_matrix_alloc(N, N), *S = gp_matrix_alloc(N, ns);
    gp_matrix *B = gp_matrix_alloc(nx, nx);
    double *mu = malloc(N * sizeof *mu);
    gp_factor F = {0};
    gp_code rc = K && S && B && mu ? GP_OK
                                  : gp_error_set(err, GP_ERR_NOMEM,
                                                 "sample: out of memory for a %zu x %zu joint "
                                                 "covariance of a process and its derivatives",
                                                 N, N);
    for (size_t p = 0; !rc && p < g; p++) {
        const gp_process *A = list[member[p]];
        rc = gp_func_eval_rows(A->type == PROC_DERIV ? A->fn : A->mean, X, mu + p * nx, err);
        for (size_t q = p; !rc && q < g; q++) { /* block (p, q) and its transpose (q, p) */
            rc = gp_process_atom_cov(A, list[member[q]], X, NULL, 0, B->data, err);
            for (size_t j = 0; !rc && j < nx; j++)
                for (size_t i = 0; i < nx; i++) {
                    GP_AT(K, p * nx + i, q * nx + j) = GP_AT(B, i, j);
                    GP_AT(K, q * nx + j, p * nx + i) = GP_AT(B, i, j);
                }
        }
    }
    if (!rc)
        rc = gp_mvn_factor_gram(K, jitter_rel, &F, err);
    if (!rc)
        rc = gp_mvn_draw(&F, mu, rng, S, err);
    for (size_t p = 0; !rc && p < g; p++)
        for (size_t j = 0; j < ns; j++)
            memcpy(&GP_AT(draws[member[p]], 0, j), &GP_AT(S, p * nx, j), nx * sizeof(double));
    gp_factor_free(&F);
    F.L = NULL; /* K is freed below */
    if (!rc && info)
        *info = F;
    gp_matrix_free(K);
    gp_matrix_free(S);
    gp_matrix_free(B);
    free(mu);
    return rc;
}
