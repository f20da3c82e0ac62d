/* gp_report.c: sampling reports of one shape (gp_report.h). */
#include "gp_report.h"

#include <stdio.h>
#include <string.h>

static size_t at_most(size_t v, size_t cap)
{
    return v < cap ? v : cap;
}

void gp_report_init(gp_report *r, const char *method, size_t n, size_t rank)
{
    memset(r, 0, sizeof *r);
    snprintf(r->method, sizeof r->method, "%s", method);
    r->n = n;
    r->rank = at_most(rank, n);
}

static gp_report_field *add_field(gp_report *r, const char *key)
{
    if (r->nfields == GP_REPORT_FIELDS)
        return NULL;
    gp_report_field *f = &r->field[r->nfields++];
    memset(f, 0, sizeof *f);
    f->key = key;
    return f;
}

void gp_report_number(gp_report *r, const char *key, double v)
{
    gp_report_field *f = add_field(r, key);
    if (f)
        f->number = v;
}

void gp_report_count(gp_report *r, const char *key, size_t v)
{
    gp_report_field *f = add_field(r, key);
    if (f) {
        f->number = (double)v;
        f->count = 1;
    }
}

void gp_report_text(gp_report *r, const char *key, const char *text)
{
    gp_report_field *f = add_field(r, key);
    if (f)
        f->text = text;
}

void gp_report_factor(gp_report *r, const gp_factor *F)
{
    gp_report_init(r, gp_factor_method_name(F->method), F->n, F->rank);
    r->residual = F->residual;
    r->jitter = F->jitter;
    snprintf(r->reason, sizeof r->reason, "%s", F->note); /* why this path, if anything */
}

void gp_report_grid(gp_report *r, const gp_grid_info *g)
{
    if (g->method == GP_GRID_DENSE) {
        gp_report_factor(r, &g->dense);
        snprintf(r->reason, sizeof r->reason, "%s", g->reason);
    } else {
        gp_report_init(r, "circulant-embedding", g->n, g->n);
        r->residual = g->clipped;
    }
    if (g->my > 1) { /* a 2-D grid: the embedding along each axis */
        gp_report_count(r, "mx", g->mx);
        gp_report_count(r, "my", g->my);
    }
    gp_report_count(r, "embedding", g->m);
    gp_report_count(r, "paddings", g->paddings);
    gp_report_number(r, "clipped", g->clipped);
    gp_report_number(r, "lambda_min", g->lambda_min);
    gp_report_number(r, "lambda_max", g->lambda_max);
    gp_report_number(r, "tol", g->tol);
}

void gp_report_rff(gp_report *r, const gp_rff_info *info, size_t n)
{
    size_t twice = info->features > ((size_t)-1) / 2 ? (size_t)-1 : 2 * info->features;
    gp_report_init(r, "random-fourier-features", n, twice);
    r->approximate = 1;
    gp_report_count(r, "features", info->features);
    gp_report_text(r, "family", gp_spectral_family_name(info->family));
    gp_report_count(r, "dim", info->dim);
    gp_report_number(r, "variance", info->variance);
}

void gp_report_weights(gp_report *r, const gp_weights *m, size_t n)
{
    const gp_factor *F = gp_weights_cov_factor(m);
    size_t J = gp_weights_size(m);
    gp_report_init(r, "weight-space", n, F ? F->rank : gp_weights_cov_scale(m) > 0 ? J : 0);
    if (F)
        r->residual = F->residual;
    gp_report_count(r, "weights", J);
}

void gp_report_erfnet(gp_report *r, const gp_erfnet *net, size_t n)
{
    size_t J = gp_erfnet_size(net);
    gp_report_init(r, "erf-network", n, J == (size_t)-1 ? J : J + 1);
    gp_report_count(r, "hidden", J);
}

void gp_report_combine(gp_report *out, const gp_report *parts, size_t nparts, size_t n)
{
    gp_report_init(out, nparts ? "" : "none", n, 0);
    size_t rank = 0, len = 0;
    for (size_t p = 0; p < nparts; p++) {
        const gp_report *part = &parts[p];
        rank = part->rank > (size_t)-1 - rank ? (size_t)-1 : rank + part->rank;
        if (part->residual > out->residual)
            out->residual = part->residual;
        if (part->jitter > out->jitter)
            out->jitter = part->jitter;
        out->approximate |= part->approximate;
        int seen = 0;
        for (size_t q = 0; q < p && !seen; q++)
            seen = strcmp(parts[q].method, part->method) == 0;
        if (!seen && len < sizeof out->method)
            len += (size_t)snprintf(out->method + len, sizeof out->method - len, "%s%s",
                                    len ? " + " : "", part->method);
    }
    out->rank = at_most(rank, n);
}

void gp_report_kron(gp_report *out, const gp_report parts[2], size_t n)
{
    gp_report_combine(out, parts, 2, n);
    snprintf(out->method, sizeof out->method, "kronecker");
    const double rank = (double)parts[0].rank * (double)parts[1].rank;
    out->rank = rank < (double)n ? (size_t)rank : n;
}
