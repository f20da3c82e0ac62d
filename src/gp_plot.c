/* gp_plot.c: the figure model (panels of layers, all data copied), and saving
 * it: the script (written by gp_gnuplot.c) and the image through temporary
 * names, renamed into place only when gnuplot succeeded. */
#define _POSIX_C_SOURCE 200809L
#include "gp_plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gp_file.h"

#include "gp_gnuplot.h"

/* ---- options ------------------------------------------------------------ */

void gp_panel_opts_init(gp_panel_opts *o)
{
    o->title = o->xlabel = o->ylabel = NULL;
    o->xmin = o->xmax = o->ymin = o->ymax = NAN;
    o->logx = o->logy = -1;
    o->legend = GP_LEGEND_INHERIT;
}

void gp_figure_opts_init(gp_figure_opts *o)
{
    o->title = NULL;
    o->width = o->height = o->rows = o->cols = 0;
    o->enhanced = 0;
    gp_panel_opts_init(&o->panel);
}

void gp_style_init(gp_style *s)
{
    s->title = s->color = NULL;
    s->width = 0;
    s->dash = 0;
    s->alpha = NAN;
}

/* ---- figure and panels ---------------------------------------------------- */

static gp_code dup_text(const char *what, const char *s, char **out, gp_error *err)
{
    *out = NULL;
    if (!s)
        return GP_OK;
    gp_code rc = gp_gnuplot_check_text(what, s, err);
    if (rc)
        return rc;
    *out = strdup(s);
    return *out ? GP_OK : gp_error_set(err, GP_ERR_NOMEM, "out of memory");
}

static gp_code check_range(const char *what, double a, double b, int logscale, gp_error *err)
{
    if (isnan(a) && isnan(b))
        return GP_OK;
    if (!isfinite(a) || !isfinite(b) || !(a < b))
        return gp_error_set(err, GP_ERR_ARG, "%s must be two finite numbers min < max, got {%g, %g}",
                            what, a, b);
    if (logscale == 1 && a <= 0)
        return gp_error_set(err, GP_ERR_ARG, "%s {%g, %g} must be positive on a log scale", what,
                            a, b);
    return GP_OK;
}

static void panel_clear(plot_panel *p)
{
    free(p->title);
    free(p->xlabel);
    free(p->ylabel);
    for (size_t i = 0; i < p->nlayers; i++) {
        free(p->layers[i].data);
        free(p->layers[i].title);
    }
    free(p->layers);
    memset(p, 0, sizeof *p);
}

/* Fill p from o, taking inherited fields from def (which may be NULL). */
static gp_code panel_make(plot_panel *p, const gp_panel_opts *o, const plot_panel *def,
                          gp_error *err)
{
    gp_panel_opts d;
    gp_panel_opts_init(&d);
    if (def) {
        d.title = def->title;
        d.xlabel = def->xlabel;
        d.ylabel = def->ylabel;
        d.xmin = def->xr[0], d.xmax = def->xr[1];
        d.ymin = def->yr[0], d.ymax = def->yr[1];
        d.logx = def->logx, d.logy = def->logy;
        d.legend = def->legend;
    }
    if (o) {
        if (o->title) d.title = o->title;
        if (o->xlabel) d.xlabel = o->xlabel;
        if (o->ylabel) d.ylabel = o->ylabel;
        if (!isnan(o->xmin) || !isnan(o->xmax)) d.xmin = o->xmin, d.xmax = o->xmax;
        if (!isnan(o->ymin) || !isnan(o->ymax)) d.ymin = o->ymin, d.ymax = o->ymax;
        if (o->logx != -1) d.logx = o->logx;
        if (o->logy != -1) d.logy = o->logy;
        if (o->legend != GP_LEGEND_INHERIT) d.legend = o->legend;
    }
    memset(p, 0, sizeof *p);
    p->xr[0] = d.xmin, p->xr[1] = d.xmax, p->yr[0] = d.ymin, p->yr[1] = d.ymax;
    p->logx = d.logx == 1;
    p->logy = d.logy == 1;
    p->legend = d.legend == GP_LEGEND_INHERIT ? GP_LEGEND_AUTO : d.legend;
    gp_code rc;
    if ((rc = check_range("xrange", p->xr[0], p->xr[1], p->logx, err)) ||
        (rc = check_range("yrange", p->yr[0], p->yr[1], p->logy, err)) ||
        (rc = dup_text("title", d.title, &p->title, err)) ||
        (rc = dup_text("xlabel", d.xlabel, &p->xlabel, err)) ||
        (rc = dup_text("ylabel", d.ylabel, &p->ylabel, err))) {
        panel_clear(p);
        return rc;
    }
    return GP_OK;
}

gp_figure *gp_figure_new(const gp_figure_opts *opts, gp_error *err)
{
    gp_figure_opts o;
    if (opts)
        o = *opts;
    else
        gp_figure_opts_init(&o);
    if (o.width < 0 || o.height < 0 || o.width > 20000 || o.height > 20000 ||
        (o.width == 0) != (o.height == 0)) {
        gp_error_set(err, GP_ERR_ARG, "figure size must be two numbers 1..20000, got %d x %d",
                     o.width, o.height);
        return NULL;
    }
    if (o.rows < 0 || o.cols < 0 || (o.rows == 0) != (o.cols == 0) || o.rows > 100 ||
        o.cols > 100) {
        gp_error_set(err, GP_ERR_ARG, "figure layout must be {rows, cols} in 1..100, got %d x %d",
                     o.rows, o.cols);
        return NULL;
    }
    gp_figure *fig = calloc(1, sizeof *fig);
    if (!fig) {
        gp_error_set(err, GP_ERR_NOMEM, "out of memory");
        return NULL;
    }
    fig->width = o.width, fig->height = o.height;
    fig->rows = o.rows, fig->cols = o.cols;
    fig->enhanced = o.enhanced != 0;
    gp_panel_opts dflt = o.panel;
    dflt.legend = dflt.legend == GP_LEGEND_INHERIT ? GP_LEGEND_AUTO : dflt.legend;
    if (dup_text("figure title", o.title, &fig->title, err) ||
        panel_make(&fig->defaults, &dflt, NULL, err)) {
        gp_figure_free(fig);
        return NULL;
    }
    return fig;
}

void gp_figure_free(gp_figure *fig)
{
    if (!fig)
        return;
    for (size_t i = 0; i < fig->npanels; i++)
        panel_clear(&fig->panels[i]);
    free(fig->panels);
    panel_clear(&fig->defaults);
    free(fig->title);
    free(fig);
}

size_t gp_figure_panels(const gp_figure *fig) { return fig ? fig->npanels : 0; }

size_t gp_figure_layers(const gp_figure *fig)
{
    size_t n = 0;
    for (size_t i = 0; fig && i < fig->npanels; i++)
        n += fig->panels[i].nlayers;
    return n;
}

gp_code gp_figure_panel(gp_figure *fig, const gp_panel_opts *opts, gp_error *err)
{
    if (fig->rows && fig->npanels >= (size_t)fig->rows * (size_t)fig->cols)
        return gp_error_set(err, GP_ERR_DIM, "panel: the layout %d x %d has room for %d panels",
                            fig->rows, fig->cols, fig->rows * fig->cols);
    plot_panel p;
    gp_code rc = panel_make(&p, opts, &fig->defaults, err);
    if (rc)
        return rc;
    plot_panel *grown = realloc(fig->panels, (fig->npanels + 1) * sizeof *grown);
    if (!grown) {
        panel_clear(&p);
        return gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    }
    fig->panels = grown;
    fig->panels[fig->npanels++] = p;
    return GP_OK;
}

/* ---- layers ---------------------------------------------------------------- */

/* Length of the vector m (n x 1 or 1 x n), checking that it is a non-empty
 * vector of finite numbers; 0 after an error. */
static size_t vec_len(const char *fn, const char *name, const gp_matrix *m, gp_error *err)
{
    if (!m || !m->data || m->rows == 0 || m->cols == 0) {
        gp_error_set(err, GP_ERR_DIM, "%s: %s is empty", fn, name);
        return 0;
    }
    if (m->rows != 1 && m->cols != 1) {
        gp_error_set(err, GP_ERR_DIM, "%s: %s must be a vector (n x 1), got %zu x %zu", fn, name,
                     m->rows, m->cols);
        return 0;
    }
    size_t bad = gp_matrix_find_nonfinite(m);
    if (bad != (size_t)-1) {
        gp_error_set(err, GP_ERR_ARG, "%s: %s[%zu] is %g (values must be finite)", fn, name,
                     bad + 1, m->data[bad]);
        return 0;
    }
    return m->rows * m->cols;
}

static gp_code same_len(const char *fn, const char *name, size_t n, const char *xname, size_t nx,
                        gp_error *err)
{
    if (n == nx)
        return GP_OK;
    return gp_error_set(err, GP_ERR_DIM, "%s: %s has %zu values but %s has %zu", fn, name, n,
                        xname, nx);
}

static gp_code take_style(plot_layer *L, const char *fn, const gp_style *s, gp_error *err)
{
    char what[64];
    L->width = 0;
    L->alpha = NAN;
    if (!s)
        return GP_OK;
    snprintf(what, sizeof what, "%s: title", fn);
    gp_code rc = dup_text(what, s->title, &L->title, err);
    if (rc)
        return rc;
    if (s->color && (rc = gp_gnuplot_color(fn, s->color, L->color, err)))
        return rc;
    if (!isfinite(s->width) || s->width < 0 || s->width > 100)
        return gp_error_set(err, GP_ERR_ARG, "%s: width must be a number in [0, 100], got %g", fn,
                            s->width);
    if (s->dash < 0 || s->dash > 4)
        return gp_error_set(err, GP_ERR_ARG,
                            "%s: dash must be 0 (solid) .. 4 (dash-dot-dot), got %d", fn, s->dash);
    if (!isnan(s->alpha) && !(s->alpha > 0 && s->alpha <= 1))
        return gp_error_set(err, GP_ERR_ARG, "%s: alpha must be in (0, 1], got %g", fn, s->alpha);
    L->width = s->width;
    L->dash = s->dash;
    L->alpha = s->alpha;
    return GP_OK;
}

/* Start layer L: a rows x cols table, style from s. */
static gp_code layer_begin(plot_layer *L, int kind, const char *fn, size_t rows, size_t cols,
                           const gp_style *s, gp_error *err)
{
    memset(L, 0, sizeof *L);
    L->kind = kind;
    L->rows = rows;
    L->cols = cols;
    gp_code rc = take_style(L, fn, s, err);
    if (rc)
        return rc;
    if (rows > ((size_t)-1 / sizeof(double)) / cols)
        return gp_error_set(err, GP_ERR_NOMEM, "%s: too much data", fn);
    L->data = malloc(rows * cols * sizeof(double));
    return L->data ? GP_OK : gp_error_set(err, GP_ERR_NOMEM, "out of memory");
}

/* Append L to the current panel (making the first one if needed); frees L on failure. */
static gp_code layer_push(gp_figure *fig, plot_layer *L, gp_code rc, gp_error *err)
{
    if (!rc && fig->npanels == 0)
        rc = gp_figure_panel(fig, NULL, err);
    if (!rc) {
        plot_panel *p = &fig->panels[fig->npanels - 1];
        plot_layer *grown = realloc(p->layers, (p->nlayers + 1) * sizeof *grown);
        if (grown) {
            p->layers = grown;
            p->layers[p->nlayers++] = *L;
            return GP_OK;
        }
        rc = gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    }
    free(L->data);
    free(L->title);
    return rc;
}

static gp_code add_curves(gp_figure *fig, const char *fn, int kind, const gp_matrix *x,
                          const gp_matrix *Y, const gp_style *s, gp_error *err)
{
    plot_layer L;
    size_t n = vec_len(fn, "x", x, err);
    if (n == 0)
        return err ? err->code : GP_ERR_ARG;
    const char *yname = kind == LAYER_POINTS ? "y" : (strcmp(fn, "line") == 0 ? "y" : "Y");
    size_t rows = Y ? Y->rows : 0, m = Y ? Y->cols : 0;
    if (Y && (Y->rows == 1 || Y->cols == 1) && Y->rows * Y->cols == n)
        rows = n, m = 1; /* a vector either way round */
    if (!Y || rows == 0 || m == 0)
        return gp_error_set(err, GP_ERR_DIM, "%s: %s is empty", fn, yname);
    if (strcmp(fn, "line") == 0 && m != 1)
        return gp_error_set(err, GP_ERR_DIM, "%s: %s must be a vector, got %zu x %zu", fn, yname,
                            Y->rows, Y->cols);
    if (rows != n)
        return gp_error_set(err, GP_ERR_DIM, "%s: %s has %zu rows but x has %zu", fn, yname, rows,
                            n);
    size_t bad = gp_matrix_find_nonfinite(Y);
    if (bad != (size_t)-1 && m == 1)
        return gp_error_set(err, GP_ERR_ARG, "%s: %s[%zu] is %g (values must be finite)", fn,
                            yname, bad + 1, Y->data[bad]);
    if (bad != (size_t)-1)
        return gp_error_set(err, GP_ERR_ARG, "%s: %s(%zu, %zu) is %g (values must be finite)", fn,
                            yname, bad % Y->rows + 1, bad / Y->rows + 1, Y->data[bad]);
    gp_code rc = layer_begin(&L, kind, fn, n, m + 1, s, err);
    if (!rc) {
        memcpy(L.data, x->data, n * sizeof(double));
        memcpy(L.data + n, Y->data, n * m * sizeof(double));
    }
    return layer_push(fig, &L, rc, err);
}

gp_code gp_figure_lines(gp_figure *fig, const gp_matrix *x, const gp_matrix *Y,
                        const gp_style *style, gp_error *err)
{
    return add_curves(fig, "lines", LAYER_LINES, x, Y, style, err);
}

gp_code gp_figure_line(gp_figure *fig, const gp_matrix *x, const gp_matrix *y,
                       const gp_style *style, gp_error *err)
{
    gp_style s;
    if (style)
        s = *style;
    else
        gp_style_init(&s);
    if (!s.color)
        s.color = "black";
    if (s.width == 0)
        s.width = 3;
    return add_curves(fig, "line", LAYER_LINES, x, y, &s, err);
}

gp_code gp_figure_points(gp_figure *fig, const gp_matrix *x, const gp_matrix *y,
                         const gp_style *style, gp_error *err)
{
    return add_curves(fig, "points", LAYER_POINTS, x, y, style, err);
}

gp_code gp_figure_band(gp_figure *fig, const gp_matrix *x, const gp_matrix *lower,
                       const gp_matrix *upper, const gp_style *style, gp_error *err)
{
    plot_layer L;
    size_t n, nl, nu;
    gp_code rc;
    if (!(n = vec_len("band", "x", x, err)) || !(nl = vec_len("band", "lower", lower, err)) ||
        !(nu = vec_len("band", "upper", upper, err)))
        return err ? err->code : GP_ERR_ARG;
    if ((rc = same_len("band", "lower", nl, "x", n, err)) ||
        (rc = same_len("band", "upper", nu, "x", n, err)))
        return rc;
    for (size_t i = 0; i < n; i++)
        if (lower->data[i] > upper->data[i])
            return gp_error_set(err, GP_ERR_ARG, "band: lower[%zu] = %g is above upper[%zu] = %g",
                                i + 1, lower->data[i], i + 1, upper->data[i]);
    rc = layer_begin(&L, LAYER_BAND, "band", n, 3, style, err);
    if (!rc) {
        memcpy(L.data, x->data, n * sizeof(double));
        memcpy(L.data + n, lower->data, n * sizeof(double));
        memcpy(L.data + 2 * n, upper->data, n * sizeof(double));
    }
    return layer_push(fig, &L, rc, err);
}

gp_code gp_figure_band_sd(gp_figure *fig, const gp_matrix *x, const gp_matrix *mean,
                          const gp_matrix *sd, double k, const gp_style *style, gp_error *err)
{
    size_t n, nm, ns;
    gp_code rc;
    if (!(n = vec_len("band", "x", x, err)) || !(nm = vec_len("band", "mean", mean, err)) ||
        !(ns = vec_len("band", "sd", sd, err)))
        return err ? err->code : GP_ERR_ARG;
    if ((rc = same_len("band", "mean", nm, "x", n, err)) ||
        (rc = same_len("band", "sd", ns, "x", n, err)))
        return rc;
    if (!isfinite(k) || k < 0)
        return gp_error_set(err, GP_ERR_ARG, "band: k must be a finite number >= 0, got %g", k);
    for (size_t i = 0; i < n; i++)
        if (sd->data[i] < 0)
            return gp_error_set(err, GP_ERR_ARG, "band: sd[%zu] is negative (%g)", i + 1,
                                sd->data[i]);
    gp_matrix *lo = gp_matrix_alloc(n, 1), *hi = gp_matrix_alloc(n, 1);
    if (!lo || !hi) {
        rc = gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    } else {
        for (size_t i = 0; i < n; i++) {
            lo->data[i] = mean->data[i] - k * sd->data[i];
            hi->data[i] = mean->data[i] + k * sd->data[i];
        }
        rc = gp_figure_band(fig, x, lo, hi, style, err);
    }
    gp_matrix_free(lo);
    gp_matrix_free(hi);
    return rc;
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

gp_code gp_figure_heatmap(gp_figure *fig, const gp_matrix *Z, const gp_matrix *x,
                          const gp_matrix *y, gp_palette palette, const char *title,
                          gp_error *err)
{
    plot_layer L;
    gp_code rc;
    if (!Z || !Z->data || Z->rows < 2 || Z->cols < 2)
        return gp_error_set(err, GP_ERR_DIM, "heatmap: Z must be at least 2 x 2, got %zu x %zu",
                            Z ? Z->rows : 0, Z ? Z->cols : 0);
    size_t ny = Z->rows, nx = Z->cols, bad = gp_matrix_find_nonfinite(Z);
    if (bad != (size_t)-1)
        return gp_error_set(err, GP_ERR_ARG, "heatmap: Z(%zu, %zu) is %g (values must be finite)",
                            bad % ny + 1, bad / ny + 1, Z->data[bad]);
    const gp_matrix *c[2] = {x, y};
    const char *cname[2] = {"x", "y"};
    size_t want[2] = {nx, ny};
    for (int a = 0; a < 2; a++) {
        if (!c[a])
            continue;
        size_t len = vec_len("heatmap", cname[a], c[a], err);
        if (len == 0)
            return err ? err->code : GP_ERR_ARG;
        if (len != want[a])
            return gp_error_set(err, GP_ERR_DIM, "heatmap: %s has %zu values but Z has %zu %s",
                                cname[a], len, want[a], a == 0 ? "columns" : "rows");
        if (!evenly_spaced(c[a]->data, len))
            return gp_error_set(err, GP_ERR_ARG,
                                "heatmap: %s must be increasing and evenly spaced", cname[a]);
    }
    if ((unsigned)palette > GP_PAL_RDBU)
        return gp_error_set(err, GP_ERR_ARG, "heatmap: unknown palette %d", (int)palette);
    gp_style s;
    gp_style_init(&s);
    s.title = title;
    rc = layer_begin(&L, LAYER_HEATMAP, "heatmap", nx * ny, 3, &s, err);
    if (!rc) {
        size_t r = 0;
        for (size_t i = 0; i < ny; i++)
            for (size_t j = 0; j < nx; j++, r++) {
                L.data[r] = x ? x->data[j] : (double)(j + 1);
                L.data[nx * ny + r] = y ? y->data[i] : (double)(i + 1);
                L.data[2 * nx * ny + r] = GP_AT(Z, i, j);
            }
        L.block = nx;
        L.palette = palette;
        L.index_y = y == NULL;
    }
    return layer_push(fig, &L, rc, err);
}

gp_code gp_figure_histogram(gp_figure *fig, const gp_matrix *v, size_t bins, int density,
                            const gp_style *style, gp_error *err)
{
    plot_layer L;
    if (!v || !v->data || v->rows * v->cols == 0)
        return gp_error_set(err, GP_ERR_DIM, "histogram: v is empty");
    size_t n = v->rows * v->cols, bad = gp_matrix_find_nonfinite(v);
    if (bad != (size_t)-1)
        return gp_error_set(err, GP_ERR_ARG, "histogram: v[%zu] is %g (values must be finite)",
                            bad + 1, v->data[bad]);
    if (bins < 1 || bins > 100000)
        return gp_error_set(err, GP_ERR_ARG, "histogram: bins must be 1..100000, got %zu", bins);
    double lo = v->data[0], hi = v->data[0];
    for (size_t i = 1; i < n; i++) {
        lo = fmin(lo, v->data[i]);
        hi = fmax(hi, v->data[i]);
    }
    if (!(hi > lo))
        lo -= 0.5, hi += 0.5; /* all values equal: one unit around them */
    double w = (hi - lo) / (double)bins;
    gp_code rc = layer_begin(&L, LAYER_HIST, "histogram", bins, 3, style, err);
    if (!rc) {
        double *center = L.data, *height = L.data + bins, *width = L.data + 2 * bins;
        for (size_t b = 0; b < bins; b++) {
            center[b] = lo + ((double)b + 0.5) * w;
            height[b] = 0;
            width[b] = w;
        }
        for (size_t i = 0; i < n; i++) {
            double t = floor((v->data[i] - lo) / w);
            size_t b = t < 0 ? 0 : t >= (double)bins ? bins - 1 : (size_t)t;
            height[b] += 1;
        }
        if (density)
            for (size_t b = 0; b < bins; b++)
                height[b] /= (double)n * w;
    }
    return layer_push(fig, &L, rc, err);
}

/* ---- saving ---------------------------------------------------------------- */

static const char *const format_ext[] = {"png", "svg", "pdf", "txt"};

gp_code gp_format_from_path(const char *path, gp_format *out, gp_error *err)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    for (int i = 0; dot && dot != base && i < 4; i++)
        if (strcasecmp(dot + 1, format_ext[i]) == 0) {
            *out = (gp_format)i;
            return GP_OK;
        }
    if (!dot || dot == base)
        return gp_error_set(err, GP_ERR_ARG,
                            "cannot save '%s': the name has no extension (use .png, .svg, "
                            ".pdf or .txt)", path);
    return gp_error_set(err, GP_ERR_ARG,
                        "cannot save '%s': unsupported extension '%.20s' (use .png, .svg, "
                        ".pdf or .txt)", path, dot);
}

/* Check that the folder of path exists (creating it) and is a writable folder. */
static gp_code prepare_folder(const char *path, gp_error *err)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;
    if (len >= sizeof dir)
        return gp_error_set(err, GP_ERR_IO, "path too long: '%s'", path);
    memcpy(dir, slash ? path : ".", len);
    dir[len] = '\0';
    gp_code rc = gp_file_make_parent(path, err);
    if (rc)
        return rc;
    struct stat st;
    if (stat(dir, &st) != 0)
        return gp_error_set(err, GP_ERR_IO, "cannot write into folder '%s': %s", dir,
                            strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return gp_error_set(err, GP_ERR_IO, "cannot write into folder '%s': it is not a folder",
                            dir);
    if (access(dir, W_OK | X_OK) != 0)
        return gp_error_set(err, GP_ERR_IO, "cannot write into folder '%s': %s", dir,
                            strerror(errno));
    return GP_OK;
}

/* Check that the image gnuplot drew into f (flushed here) is whole: it starts
 * and ends as its format requires: PNG the signature ... the IEND chunk
 * (PNG spec, 5.2 and 11.2.5), PDF "%PDF-" ... "%%EOF" (ISO 32000-1, 7.5.5),
 * SVG "</svg>" last; text only non-empty. A file cut short (a killed or
 * failing gnuplot) fails here, naming what is missing. */
static gp_code check_image(FILE *f, gp_format fmt, gp_error *err)
{
    static const char png_sig[] = "\x89PNG\r\n\x1a\n", png_end[] = "\0\0\0\0IEND\xae\x42\x60\x82";
    static const struct {
        const char *head, *tail, *name;
        size_t head_len, tail_len;
    } want[] = {[GP_FMT_PNG] = {png_sig, png_end, "PNG", 8, 12},
                [GP_FMT_SVG] = {"", "</svg>", "SVG", 0, 6},
                [GP_FMT_PDF] = {"%PDF-", "%%EOF", "PDF", 5, 5},
                [GP_FMT_TXT] = {"", "", "text", 0, 0}};
    struct stat st;
    if (fflush(f) != 0 || fstat(fileno(f), &st) != 0)
        return gp_error_set(err, GP_ERR_IO, "cannot write the image: %s", strerror(errno));
    if (st.st_size == 0)
        return gp_error_set(err, GP_ERR_EXTERNAL, "gnuplot wrote no image");
    char head[8], tail[64];
    size_t size = (size_t)st.st_size, nh = size < sizeof head ? size : sizeof head;
    size_t nt = size < sizeof tail ? size : sizeof tail;
    if (pread(fileno(f), head, nh, 0) != (ssize_t)nh ||
        pread(fileno(f), tail, nt, (off_t)(size - nt)) != (ssize_t)nt)
        return gp_error_set(err, GP_ERR_IO, "cannot read the image back: %s", strerror(errno));
    if (fmt != GP_FMT_PNG) /* text formats may end with blank lines */
        while (nt > 0 && strchr(" \t\r\n", tail[nt - 1]))
            nt--;
    const char *missing = NULL;
    if (nh < want[fmt].head_len || memcmp(head, want[fmt].head, want[fmt].head_len) != 0)
        missing = "start";
    else if (nt < want[fmt].tail_len ||
             memcmp(tail + nt - want[fmt].tail_len, want[fmt].tail, want[fmt].tail_len) != 0)
        missing = "end";
    if (missing)
        return gp_error_set(err, GP_ERR_EXTERNAL,
                            "gnuplot wrote an incomplete %s image (%zu bytes, the %s of the "
                            "format is missing)",
                            want[fmt].name, size, missing);
    return GP_OK;
}

/* Prefix err's message with "cannot save 'path': " unless it already names it. */
static gp_code blame(gp_error *err, const char *path)
{
    if (!err)
        return GP_ERR_IO;
    char quoted[sizeof err->msg];
    snprintf(quoted, sizeof quoted, "'%s'", path); /* 'x.png', not the 'x.png.gp' beside it */
    if (strstr(err->msg, quoted))
        return err->code;
    char msg[sizeof err->msg];
    memcpy(msg, err->msg, sizeof msg);
    return gp_error_set(err, err->code, "cannot save '%s': %s", path, msg);
}

gp_code gp_figure_save(const gp_figure *fig, const char *path, gp_error *err)
{
    gp_format fmt;
    gp_code rc;
    if (!path || !*path)
        return gp_error_set(err, GP_ERR_ARG, "cannot save a figure to an empty file name");
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    /* Only the file's own name goes into the script (quoted); the folder
     * can be anything the file system accepts. One script per image
     * (x.png.gp, x.svg.gp): saving a name in several formats never leaves a
     * script that renders another format. */
    if ((rc = gp_gnuplot_check_text("file name", base, err)) ||
        (rc = gp_format_from_path(path, &fmt, err)))
        return rc;
    char gp_path[4096];
    if (strlen(path) + 4 > sizeof gp_path)
        return gp_error_set(err, GP_ERR_IO, "path too long: '%s'", path);
    snprintf(gp_path, sizeof gp_path, "%s.gp", path);

    char *script = NULL;
    if ((rc = gp_figure_script(fig, fmt, 0, 0, base, &script, err)))
        return blame(err, path);
    gp_file gp_out, image;
    if ((rc = prepare_folder(path, err)) || (rc = gp_file_begin(&gp_out, gp_path, err))) {
        free(script);
        return blame(err, path);
    }
    if ((rc = gp_file_begin(&image, path, err))) {
        gp_file_abort(&gp_out);
        free(script);
        return blame(err, path);
    }
    if (fputs(script, gp_out.f) < 0 || fflush(gp_out.f) != 0)
        rc = gp_error_set(err, GP_ERR_IO, "cannot write '%s': %s", gp_path, strerror(errno));
    else if (!(rc = gp_gnuplot_run(script, gp_path, image.f, err)))
        rc = check_image(image.f, fmt, err);
    free(script);
    gp_file *both[] = {&gp_out, &image}; /* both or neither */
    if (!rc)
        rc = gp_file_commit_all(both, 2, err);
    if (rc) {
        gp_file_abort(&image);
        gp_file_abort(&gp_out);
        return blame(err, path);
    }
    return GP_OK;
}

gp_code gp_figure_render_text(const gp_figure *fig, int width, int height, char **text,
                              gp_error *err)
{
    *text = NULL;
    if (width <= 0 || height <= 0)
        width = 100, height = 30;
    if (width < 20 || height < 10 || width > 1000 || height > 1000)
        return gp_error_set(err, GP_ERR_ARG, "preview size must be 20..1000 x 10..1000, got %d x %d",
                            width, height);
    char *script = NULL;
    gp_code rc = gp_figure_script(fig, GP_FMT_TXT, width, height, "preview.txt", &script, err);
    if (rc)
        return rc;
    size_t len = 0;
    FILE *mem = open_memstream(text, &len);
    if (!mem)
        rc = gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    else
        rc = gp_gnuplot_run(script, "the preview", mem, err);
    free(script);
    if (mem && fclose(mem) != 0 && !rc)
        rc = gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    if (!rc && len == 0)
        rc = gp_error_set(err, GP_ERR_EXTERNAL, "gnuplot wrote no preview");
    if (rc) {
        free(*text);
        *text = NULL;
    }
    return rc;
}
