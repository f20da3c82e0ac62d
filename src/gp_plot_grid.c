/* gp_plot_grid.c: the layers drawn from a grid of values: heat maps, contour
 * lines and surfaces. One orientation for all three (gp_plot.h): Z is ny x nx
 * with Z(i, j) at (x_j, y_i), or the nx ny values of gp_matrix_grid(x, y)
 * (x fastest). The layer stores one row (x, y, z) per grid point, a block of
 * nx points per y, the scan order gnuplot's image, contour and pm3d read. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gp_gnuplot.h"
#include "gp_plot_impl.h"

void gp_map_opts_init(gp_map_opts *o)
{
    memset(o, 0, sizeof *o);
    o->palette = GP_PAL_VIRIDIS;
    o->colorbar = 1;
    o->nlevels = 8;
    o->labels = 1;
    o->width = 1;
    o->view[0] = 60, o->view[1] = 30;
}

/* 1 if the n values in v are evenly spaced and increasing (n >= 2). */
static int evenly_spaced(const double *v, size_t n)
{
    double step = (v[n - 1] - v[0]) / (double)(n - 1);
    if (!(step > 0))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (fabs(v[i] - (v[0] + (double)i * step)) > 1e-6 * step)
            return 0;
    return 1;
}

static int increasing(const double *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (!(v[i] > v[i - 1]))
            return 0;
    return 1;
}

/* The coordinates of one axis: nx values of c, or 1..n when c is NULL.
 * Sets *n from c (or leaves the count from Z); checks the spacing. */
static gp_code check_axis(const char *fn, const char *name, const gp_matrix *c, int even,
                          size_t *n, gp_error *err)
{
    if (!c)
        return GP_OK;
    size_t len = plot_vec_len(fn, name, c, err);
    if (len == 0)
        return err ? err->code : GP_ERR_ARG;
    if (len < 2)
        return gp_error_set(err, GP_ERR_DIM, "%s: %s needs at least 2 values, got 1", fn, name);
    if (even && !evenly_spaced(c->data, len))
        return gp_error_set(err, GP_ERR_ARG, "%s: %s must be increasing and evenly spaced", fn,
                            name);
    if (!even && !increasing(c->data, len))
        return gp_error_set(err, GP_ERR_ARG, "%s: %s must be increasing", fn, name);
    *n = len;
    return GP_OK;
}

/* The grid's shape from x, y and Z; *in_grid_order = 1 when Z is the vector of
 * the nx ny values in grid order. */
static gp_code grid_shape(const char *fn, const gp_matrix *x, const gp_matrix *y,
                          const gp_matrix *Z, int even, size_t *nx, size_t *ny,
                          int *in_grid_order, gp_error *err)
{
    *in_grid_order = 0;
    if (!Z || !Z->data || Z->rows * Z->cols == 0)
        return gp_error_set(err, GP_ERR_DIM, "%s: Z is empty", fn);
    *nx = Z->cols, *ny = Z->rows;
    size_t gx = 0, gy = 0;
    gp_code rc;
    if ((rc = check_axis(fn, "x", x, even, &gx, err)) ||
        (rc = check_axis(fn, "y", y, even, &gy, err)))
        return rc;
    size_t bad = gp_matrix_find_nonfinite(Z);
    if (bad != (size_t)-1)
        return gp_error_set(err, GP_ERR_ARG, "%s: Z(%zu, %zu) is %g (values must be finite)", fn,
                            bad % Z->rows + 1, bad / Z->rows + 1, Z->data[bad]);
    int vector = Z->rows == 1 || Z->cols == 1;
    if (x && y && vector && Z->rows * Z->cols == gx * gy) {
        *nx = gx, *ny = gy, *in_grid_order = 1;
        return GP_OK;
    }
    if ((x && gx != Z->cols) || (y && gy != Z->rows)) {
        const char *hint = x && y && Z->rows == gx && Z->cols == gy
                               ? " (Z looks transposed: its rows follow y, its columns x)"
                               : "";
        if (x && y)
            return gp_error_set(err, GP_ERR_DIM,
                                "%s: Z is %zu x %zu but x has %zu values and y %zu: Z must be "
                                "ny x nx (%zu x %zu), or the %zu values of gp.grid(x, y) in "
                                "its order%s",
                                fn, Z->rows, Z->cols, gx, gy, gy, gx, gx * gy, hint);
        return gp_error_set(err, GP_ERR_DIM, "%s: %s has %zu values but Z has %zu %s", fn,
                            x && gx != Z->cols ? "x" : "y", x && gx != Z->cols ? gx : gy,
                            x && gx != Z->cols ? Z->cols : Z->rows,
                            x && gx != Z->cols ? "columns" : "rows");
    }
    if (Z->rows < 2 || Z->cols < 2)
        return gp_error_set(err, GP_ERR_DIM, "%s: Z must be at least 2 x 2, got %zu x %zu", fn,
                            Z->rows, Z->cols);
    return GP_OK;
}

/* The options every grid layer checks. */
static gp_code check_map_opts(const char *fn, const gp_map_opts *o, gp_error *err)
{
    if ((unsigned)o->palette > GP_PAL_RDBU)
        return gp_error_set(err, GP_ERR_ARG, "%s: unknown palette %d", fn, (int)o->palette);
    if (o->levels) {
        if (o->nlevels < 1 || o->nlevels > 100)
            return gp_error_set(err, GP_ERR_ARG, "%s: levels must list 1..100 values, got %d",
                                fn, o->nlevels);
        for (int i = 0; i < o->nlevels; i++) {
            if (!isfinite(o->levels[i]))
                return gp_error_set(err, GP_ERR_ARG, "%s: levels[%d] is %g (values must be "
                                                     "finite)", fn, i + 1, o->levels[i]);
            if (i > 0 && !(o->levels[i] > o->levels[i - 1]))
                return gp_error_set(err, GP_ERR_ARG,
                                    "%s: levels must be increasing, got %g after %g", fn,
                                    o->levels[i], o->levels[i - 1]);
        }
    } else if (o->nlevels < 1 || o->nlevels > 100) {
        return gp_error_set(err, GP_ERR_ARG, "%s: levels must be a count 1..100, got %d", fn,
                            o->nlevels);
    }
    if (!isfinite(o->width) || !(o->width > 0 && o->width <= 100))
        return gp_error_set(err, GP_ERR_ARG, "%s: width must be a number in (0, 100], got %g", fn,
                            o->width);
    if (!isfinite(o->view[0]) || !isfinite(o->view[1]) || o->view[0] < 0 ||
        o->view[0] > 180 || o->view[1] < 0 || o->view[1] >= 360)
        return gp_error_set(err, GP_ERR_ARG,
                            "%s: view must be {rotation about x in 0..180, about z in 0..360}, "
                            "got {%g, %g}",
                            fn, o->view[0], o->view[1]);
    return GP_OK;
}

static gp_code add_grid(gp_figure *fig, int kind, const char *fn, const gp_matrix *x,
                        const gp_matrix *y, const gp_matrix *Z, const gp_map_opts *opts,
                        gp_error *err)
{
    gp_map_opts o;
    if (opts)
        o = *opts;
    else
        gp_map_opts_init(&o);
    if (kind != LAYER_HEATMAP && (!x || !y))
        return gp_error_set(err, GP_ERR_ARG, "%s: x and y are required", fn);
    size_t nx = 0, ny = 0;
    int in_grid_order;
    gp_code rc = grid_shape(fn, x, y, Z, kind == LAYER_HEATMAP, &nx, &ny, &in_grid_order, err);
    if (!rc)
        rc = check_map_opts(fn, &o, err);
    if (rc)
        return rc;
    if (nx > ((size_t)-1 / 3 / sizeof(double)) / ny)
        return gp_error_set(err, GP_ERR_NOMEM, "%s: too much data", fn);
    gp_style s;
    gp_style_init(&s);
    s.title = o.title;
    if (kind == LAYER_CONTOUR) {
        s.color = o.color ? o.color : "black";
        s.width = o.width;
    }
    plot_layer L;
    char what[64];
    rc = plot_layer_begin(&L, kind, fn, nx * ny, 3, &s, err);
    snprintf(what, sizeof what, "%s: cblabel", fn);
    if (!rc)
        rc = plot_dup_text(what, o.cblabel, &L.cblabel, err);
    if (!rc && kind == LAYER_CONTOUR && o.levels) {
        L.levels = malloc((size_t)o.nlevels * sizeof(double));
        if (!L.levels)
            rc = gp_error_set(err, GP_ERR_NOMEM, "out of memory");
        else
            memcpy(L.levels, o.levels, (size_t)o.nlevels * sizeof(double));
    }
    if (!rc) {
        size_t r = 0;
        for (size_t i = 0; i < ny; i++)
            for (size_t j = 0; j < nx; j++, r++) {
                L.data[r] = x ? x->data[j] : (double)(j + 1);
                L.data[nx * ny + r] = y ? y->data[i] : (double)(i + 1);
                L.data[2 * nx * ny + r] = in_grid_order ? Z->data[i * nx + j] : GP_AT(Z, i, j);
            }
        L.block = nx;
        L.nx = nx, L.ny = ny;
        L.palette = o.palette;
        L.index_y = y == NULL;
        L.smooth = kind == LAYER_HEATMAP && o.smooth;
        L.colorbar = o.colorbar != 0;
        L.labels = o.labels != 0;
        L.nlevels = o.nlevels;
        L.view[0] = o.view[0], L.view[1] = o.view[1];
    }
    return plot_layer_push(fig, &L, rc, err);
}

gp_code gp_figure_heatmap(gp_figure *fig, const gp_matrix *x, const gp_matrix *y,
                          const gp_matrix *Z, const gp_map_opts *opts, gp_error *err)
{
    return add_grid(fig, LAYER_HEATMAP, "heatmap", x, y, Z, opts, err);
}

gp_code gp_figure_contour(gp_figure *fig, const gp_matrix *x, const gp_matrix *y,
                          const gp_matrix *Z, const gp_map_opts *opts, gp_error *err)
{
    return add_grid(fig, LAYER_CONTOUR, "contour", x, y, Z, opts, err);
}

gp_code gp_figure_surface(gp_figure *fig, const gp_matrix *x, const gp_matrix *y,
                          const gp_matrix *Z, const gp_map_opts *opts, gp_error *err)
{
    return add_grid(fig, LAYER_SURFACE, "surface", x, y, Z, opts, err);
}

void plot_layer_zrange(const plot_layer *L, double *lo, double *hi)
{
    const double *z = L->data + 2 * L->rows;
    *lo = *hi = z[0];
    for (size_t r = 1; r < L->rows; r++) {
        *lo = fmin(*lo, z[r]);
        *hi = fmax(*hi, z[r]);
    }
}

void plot_layer_cbrange(const plot_layer *L, double r[2])
{
    double lo, hi;
    plot_layer_zrange(L, &lo, &hi);
    if (L->palette == GP_PAL_RDBU) { /* white means 0 */
        hi = fmax(fabs(lo), fabs(hi));
        lo = -hi;
    }
    if (!(hi > lo))
        lo -= 0.5, hi += 0.5;
    double q = (hi - lo) / 1000;
    r[0] = q * floor(lo / q);
    r[1] = q * ceil(hi / q);
}

int plot_panel_is_3d(const plot_panel *p)
{
    for (size_t i = 0; i < p->nlayers; i++)
        if (p->layers[i].kind == LAYER_SURFACE)
            return 1;
    return 0;
}
