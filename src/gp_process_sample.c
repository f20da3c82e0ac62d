/* gp_process_sample.c: joint draws of process expressions from shared leaf
 * draws, each leaf by the sampling path its options choose. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp_lowrank.h"
#include "gp_process_impl.h"

#define MAX_LEAVES 64

void gp_sample_options_default(gp_sample_options *opt)
{
    opt->method = GP_SAMPLE_AUTO;
    opt->jitter = 0.0;
    opt->tol = 0.0;
    opt->max_rank_fraction = 0.1;
    opt->lowrank_min_n = 512;
    opt->dense_limit = 0;
}

const char *gp_sample_method_name(gp_sample_method m)
{
    switch (m) {
    case GP_SAMPLE_AUTO:
        return "auto";
    case GP_SAMPLE_DENSE:
        return "dense";
    case GP_SAMPLE_LOWRANK:
        return "lowrank";
    }
    return "unknown";
}

static gp_code check_options(const gp_sample_options *opt, gp_error *err)
{
    if (opt->method != GP_SAMPLE_AUTO && opt->method != GP_SAMPLE_DENSE &&
        opt->method != GP_SAMPLE_LOWRANK)
        return gp_error_set(err, GP_ERR_ARG, "sample: unknown method %d", (int)opt->method);
    if (!(opt->jitter >= 0.0) || !isfinite(opt->jitter))
        return gp_error_set(err, GP_ERR_ARG,
                            "sample: jitter must be finite and >= 0 (relative to each variance), "
                            "got %g",
                            opt->jitter);
    if (!(opt->tol >= 0.0 && opt->tol < 1.0))
        return gp_error_set(err, GP_ERR_ARG,
                            "sample: tol must be in [0, 1) (0: n eps), got %g", opt->tol);
    if (!(opt->max_rank_fraction > 0.0 && opt->max_rank_fraction <= 1.0))
        return gp_error_set(err, GP_ERR_ARG,
                            "sample: max_rank_fraction must be in (0, 1], got %g",
                            opt->max_rank_fraction);
    if (opt->method == GP_SAMPLE_LOWRANK && opt->jitter > 0.0)
        return gp_error_set(err, GP_ERR_ARG,
                            "sample: jitter applies to the dense Cholesky; the low-rank path "
                            "factors K exactly at its numerical rank and takes none");
    return GP_OK;
}

/* *opt checked, or pointed at the defaults (in *defaults) if NULL. */
static gp_code resolve_options(const gp_sample_options **opt, gp_sample_options *defaults,
                               gp_error *err)
{
    if (!*opt) {
        gp_sample_options_default(defaults);
        *opt = defaults;
    }
    return check_options(*opt, err);
}

/* k(X, X) factored densely: F refers to *K (allocated here). */
static gp_code factor_dense(const gp_kernel *k, const gp_matrix *X, double jitter, gp_matrix **K,
                            gp_factor *F, gp_error *err)
{
    *K = gp_matrix_alloc(X->rows, X->rows);
    if (!*K)
        return gp_error_set(err, GP_ERR_NOMEM,
                            "sample: out of memory for a %zu x %zu covariance (%.3g GB)", X->rows,
                            X->rows, (double)X->rows * (double)X->rows * 8e-9);
    gp_code rc = gp_kernel_gram(k, X, NULL, *K, err);
    return rc ? rc : gp_mvn_factor_gram(*K, jitter, F, err);
}

gp_code gp_sample_factor(const gp_kernel *k, const gp_matrix *X, const gp_sample_options *opt,
                         gp_matrix **K, gp_factor *F, gp_error *err)
{
    gp_sample_options defaults;
    *K = NULL;
    gp_code rc = resolve_options(&opt, &defaults, err);
    if (rc)
        return rc;
    const size_t n = X->rows;
    const int lowrank = opt->method == GP_SAMPLE_LOWRANK ||
                        (opt->method == GP_SAMPLE_AUTO && opt->jitter == 0.0 &&
                         n >= opt->lowrank_min_n);
    char note[sizeof F->note] = ""; /* why the low-rank path gave up */
    if (lowrank) {
        gp_lowrank_options lo = {opt->tol, 0};
        if (opt->method == GP_SAMPLE_AUTO) {
            lo.max_rank = (size_t)(opt->max_rank_fraction * (double)n);
            lo.max_rank = lo.max_rank ? lo.max_rank : 1;
        }
        rc = gp_lowrank_factor(k, X, &lo, F, err);
        if (rc || F->L)
            return rc;
        memcpy(note, F->note, sizeof note);
    }
    if (opt->method == GP_SAMPLE_AUTO && opt->dense_limit && n > opt->dense_limit)
        return gp_error_set(err, GP_ERR_DIM,
                            "%s%sthe dense fallback would need an n x n matrix of %.3g GB (n = "
                            "%zu > %zu)",
                            note, *note ? ", and " : "", (double)n * (double)n * 8e-9, n,
                            opt->dense_limit);
    rc = factor_dense(k, X, opt->jitter, K, F, err);
    if (!rc && *note)
        snprintf(F->note, sizeof F->note, "dense: %s", note);
    return rc;
}

/* ns draws of the leaf GP(m, k) at X into out (n x ns). */
static gp_code sample_leaf(const gp_process *leaf, const gp_matrix *X,
                           const gp_sample_options *opt, gp_rng *rng, gp_matrix *out,
                           gp_factor *info, gp_error *err)
{
    if (leaf->post) /* pathwise conditioning (gp_posterior.h) */
        return gp_posterior_sample(leaf->post, X, opt, rng, out, info, NULL, err);
    double *mu = malloc(X->rows * sizeof *mu);
    gp_matrix *K = NULL;
    gp_factor F = {0};
    gp_code rc = GP_OK;
    if (!mu)
        rc = gp_error_set(err, GP_ERR_NOMEM, "sample: out of memory for %zu means", X->rows);
    if (!rc)
        rc = gp_func_eval_rows(leaf->mean, X, mu, err);
    if (!rc) {
        rc = gp_sample_factor(leaf->kernel, X, opt, &K, &F, err);
        if (rc == GP_ERR_NOT_PSD && err) { /* a kernel should never do this: say which */
            char what[256];
            gp_kernel_describe(leaf->kernel, what, sizeof what);
            gp_error inner = *err;
            gp_error_set(err, rc, "sample: the kernel %s is not a valid covariance on these "
                                  "inputs: %s",
                         what, inner.msg);
        }
    }
    if (!rc)
        rc = gp_mvn_draw(&F, mu, rng, out, err);
    gp_factor_free(&F);
    F.L = NULL; /* K is freed below */
    if (!rc && info)
        *info = F;
    gp_matrix_free(K);
    free(mu);
    return rc;
}

static gp_code evaluate(const gp_process *p, const gp_matrix *X, const gp_process *const *leaves,
                        gp_matrix *const *draws, gp_matrix *out, gp_error *err);

/* 1 if atom l is drawn with an earlier atom of list (a leaf and its derivatives). */
static int atom_drawn(const gp_process *const *list, size_t l)
{
    size_t i = 0;
    while (gp_process_base(list[i]) != gp_process_base(list[l]))
        i++;
    return i < l;
}

/* out = the sum (terms and offsets) or product of the terms of p, walked in
 * a loop, each term evaluated into tmp. */
static gp_code evaluate_terms(const gp_process *p, const gp_matrix *X,
                              const gp_process *const *leaves, gp_matrix *const *draws,
                              gp_matrix *out, gp_error *err)
{
    const size_t n = out->rows, ns = out->cols;
    const int product = p->type == PROC_PRODUCT;
    gp_matrix *tmp = gp_matrix_alloc(n, ns);
    if (!tmp)
        return gp_error_set(err, GP_ERR_NOMEM, "sample: out of memory");
    for (size_t k = 0; k < n * ns; k++)
        out->data[k] = product ? 1.0 : 0.0;
    proc_walk w;
    proc_walk_init(&w, p, product ? PROC_PRODUCT : PROC_SUM);
    const gp_process *term;
    const gp_func *offset;
    gp_code rc = GP_OK;
    while (!rc && proc_walk_next(&w, &term, &offset)) {
        if (term)
            rc = evaluate(term, X, leaves, draws, tmp, err);
        else /* an offset: a function of x, the same in every draw */
            rc = gp_func_eval_rows(offset, X, tmp->data, err);
        for (size_t j = 0; !rc && j < ns; j++)
            for (size_t i = 0; i < n; i++) {
                const double v = tmp->data[term ? j * n + i : i];
                double *u = &out->data[j * n + i];
                *u = product ? *u * v : *u + v;
            }
    }
    if (!rc && w.stack.failed)
        rc = gp_error_set(err, GP_ERR_NOMEM, "sample: out of memory");
    proc_walk_free(&w);
    gp_matrix_free(tmp);
    return rc;
}

/* Evaluate expression p at the leaf draws into out (n x ns). */
static gp_code evaluate(const gp_process *p, const gp_matrix *X, const gp_process *const *leaves,
                        gp_matrix *const *draws, gp_matrix *out, gp_error *err)
{
    size_t n = out->rows, ns = out->cols, size = n * ns;
    switch (p->type) {
    case PROC_LEAF:
    case PROC_DERIV: { /* an atom: its draws */
        size_t i = 0;
        while (leaves[i] != p && !(p->type == PROC_DERIV && leaves[i]->type == PROC_DERIV &&
                                   leaves[i]->a == p->a && leaves[i]->dim == p->dim))
            i++; /* every atom of p was collected */
        memcpy(out->data, draws[i]->data, size * sizeof *out->data);
        return GP_OK;
    }
    case PROC_SCALE: {
        gp_code rc = evaluate(p->a, X, leaves, draws, out, err);
        for (size_t k = 0; !rc && k < size; k++)
            out->data[k] *= p->c;
        return rc;
    }
    case PROC_WARP: { /* w(x) u(x) */
        double *wx = malloc(n * sizeof *wx);
        if (!wx)
            return gp_error_set(err, GP_ERR_NOMEM, "sample: out of memory");
        gp_code rc = evaluate(p->a, X, leaves, draws, out, err);
        if (!rc)
            rc = gp_func_eval_rows(p->fn, X, wx, err);
        for (size_t j = 0; !rc && j < ns; j++)
            for (size_t i = 0; i < n; i++)
                out->data[j * n + i] *= wx[i];
        free(wx);
        return rc;
    }
    case PROC_SUM:
    case PROC_OFFSET:
    case PROC_PRODUCT: /* the product of independent draws */
        return evaluate_terms(p, X, leaves, draws, out, err);
    }
    return GP_OK;
}

gp_code gp_process_sample_joint(gp_process *const *ps, size_t np, const gp_matrix *X,
                                double jitter_rel, gp_rng *rng, gp_matrix *const *outs,
                                gp_factor *infos, size_t max_infos, size_t *nleaves,
                                gp_error *err)
{
    gp_sample_options opt;
    gp_sample_options_default(&opt);
    opt.jitter = jitter_rel;
    return gp_process_sample_joint_opt(ps, np, X, &opt, rng, outs, infos, max_infos, nleaves,
                                       err);
}

gp_code gp_process_sample_joint_opt(gp_process *const *ps, size_t np, const gp_matrix *X,
                                    const gp_sample_options *opt, gp_rng *rng,
                                    gp_matrix *const *outs, gp_factor *infos, size_t max_infos,
                                    size_t *nleaves, gp_error *err)
{
    gp_sample_options defaults;
    gp_code rc = resolve_options(&opt, &defaults, err);
    if (rc)
        return rc;
    rc = gp_process_check_inputs("sample", X, NULL, err);
    if (rc)
        return rc;
    size_t ns = np ? outs[0]->cols : 0;
    for (size_t i = 0; i < np; i++)
        if (outs[i]->rows != X->rows || outs[i]->cols != ns)
            return gp_error_set(err, GP_ERR_DIM, "sample: output %zu is %zu x %zu, need %zu x %zu",
                                i + 1, outs[i]->rows, outs[i]->cols, X->rows, ns);
    const gp_process *leaves[MAX_LEAVES];
    size_t nl = 0;
    for (size_t i = 0; i < np; i++) /* leaves and derivatives of leaves */
        if (gp_process_collect_atoms(ps[i], leaves, &nl, MAX_LEAVES))
            return gp_error_set(err, GP_ERR_ARG, "sample: more than %d independent processes",
                                MAX_LEAVES);
    gp_matrix *draws[MAX_LEAVES] = {NULL};
    for (size_t l = 0; !rc && l < nl; l++)
        if (!(draws[l] = gp_matrix_alloc(X->rows, ns)))
            rc = gp_error_set(err, GP_ERR_NOMEM, "sample: out of memory");
    size_t parts = 0; /* independent parts: leaves, each with its derivatives */
    for (size_t l = 0; !rc && l < nl; l++) {
        if (atom_drawn(leaves, l))
            continue; /* drawn with the first atom of its group */
        gp_factor *info = infos && parts < max_infos ? &infos[parts] : NULL;
        parts++;
        if (!gp_process_atom_joint(leaves[l], leaves, nl))
            rc = sample_leaf(leaves[l], X, opt, rng, draws[l], info, err);
        else /* a leaf and its derivatives: all of them at once (dense) */
            rc = gp_process_sample_group(leaves, nl, l, X, opt->jitter, rng, draws, info, err);
    }
    for (size_t i = 0; !rc && i < np; i++) {
        rc = evaluate(ps[i], X, leaves, draws, outs[i], err);
        if (!rc)
            rc = gp_check_result("sample", "draw", outs[i]->data,
                                         outs[i]->rows * outs[i]->cols, err);
    }
    for (size_t l = 0; l < nl; l++)
        gp_matrix_free(draws[l]);
    if (nleaves)
        *nleaves = parts;
    return rc;
}
