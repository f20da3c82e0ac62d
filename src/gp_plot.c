/* gp_plot.c: the figure model: options, figures, panels and the 1-D layers
 * (lines, bands, points, histograms), all data copied. The grid layers are in
 * gp_plot_grid.c, the script in gp_plot_script.c, saving in gp_plot_save.c. */
#define _POSIX_C_SOURCE 200809L
#include "gp_plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp_gnuplot.h"
#include "gp_plot_impl.h"

/* ---- options ------------------------------------------------------------ */

void gp_panel_opts_init(gp_panel_opts *o)
{
    o->title = o->xlabel = o->ylabel = o->zlabel = NULL;
    o->xmin = o->xmax = o->ymin = o->ymax = NAN;
    o->logx = o->logy = -1;
    o->legend = GP_LEGEND_INHERIT;
    o->aspect = NAN;
}

void gp_figure_opts_init(gp_figure_opts *o)
{
    o->title = NULL;
    o->width = o->height = o->rows = o->cols = 0;
    o->enhanced = 0;
    o->theme = GP_THEME_NOTEBOOK;
    o->font = NULL;
    o->fontscale = NAN;
    o->sharex = o->sharey = GP_SHARE_NONE;
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

gp_code plot_dup_text(const char *what, const char *s, char **out, gp_error *err)
{
    *out = NULL;
    if (!s)
        return GP_OK;
    gp_code rc = gp_gnuplot_check_text(what, s, err);
    if (!rc)
        rc = plot_text_check(what, s, err);
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

/* aspect: NaN (inherit), 0 (free), -1 (equal units) or a ratio in (0, 100]. */
static gp_code check_aspect(double a, gp_error *err)
{
    if (isnan(a) || a == 0 || a == -1 || (a > 0 && a <= 100))
        return GP_OK;
    return gp_error_set(err, GP_ERR_ARG,
                        "aspect must be a ratio height / width in (0, 100], \"equal\" or "
                        "\"free\", got %g",
                        a);
}

void plot_layer_clear(plot_layer *L)
{
    free(L->data);
    free(L->title);
    free(L->cblabel);
    free(L->levels);
    memset(L, 0, sizeof *L);
}

static void panel_clear(plot_panel *p)
{
    free(p->title);
    free(p->xlabel);
    free(p->ylabel);
    free(p->zlabel);
    for (size_t i = 0; i < p->nlayers; i++)
        plot_layer_clear(&p->layers[i]);
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
        d.zlabel = def->zlabel;
        d.xmin = def->xr[0], d.xmax = def->xr[1];
        d.ymin = def->yr[0], d.ymax = def->yr[1];
        d.logx = def->logx, d.logy = def->logy;
        d.legend = def->legend;
        d.aspect = def->aspect;
    }
    if (o) {
        if (o->title) d.title = o->title;
        if (o->xlabel) d.xlabel = o->xlabel;
        if (o->ylabel) d.ylabel = o->ylabel;
        if (o->zlabel) d.zlabel = o->zlabel;
        if (!isnan(o->xmin) || !isnan(o->xmax)) d.xmin = o->xmin, d.xmax = o->xmax;
        if (!isnan(o->ymin) || !isnan(o->ymax)) d.ymin = o->ymin, d.ymax = o->ymax;
        if (o->logx != -1) d.logx = o->logx;
        if (o->logy != -1) d.logy = o->logy;
        if (o->legend != GP_LEGEND_INHERIT) d.legend = o->legend;
        if (!isnan(o->aspect)) d.aspect = o->aspect;
    }
    memset(p, 0, sizeof *p);
    p->xr[0] = d.xmin, p->xr[1] = d.xmax, p->yr[0] = d.ymin, p->yr[1] = d.ymax;
    p->logx = d.logx == 1;
    p->logy = d.logy == 1;
    p->legend = d.legend == GP_LEGEND_INHERIT ? GP_LEGEND_AUTO : d.legend;
    p->aspect = isnan(d.aspect) ? 0 : d.aspect;
    gp_code rc;
    if ((unsigned)p->legend > GP_LEGEND_SHARED)
        rc = gp_error_set(err, GP_ERR_ARG, "unknown legend position %d", (int)p->legend);
    else if (def && o && o->legend == GP_LEGEND_SHARED)
        rc = gp_error_set(err, GP_ERR_ARG,
                          "legend 'shared' is a figure option (one legend for all panels), "
                          "not a panel's");
    else if (!(rc = check_aspect(d.aspect, err)) &&
             !(rc = check_range("xrange", p->xr[0], p->xr[1], p->logx, err)) &&
             !(rc = check_range("yrange", p->yr[0], p->yr[1], p->logy, err)) &&
             !(rc = plot_dup_text("title", d.title, &p->title, err)) &&
             !(rc = plot_dup_text("xlabel", d.xlabel, &p->xlabel, err)) &&
             !(rc = plot_dup_text("ylabel", d.ylabel, &p->ylabel, err)))
        rc = plot_dup_text("zlabel", d.zlabel, &p->zlabel, err);
    if (rc)
        panel_clear(p);
    return rc;
}

/* font: "Name,size", "Name" or ",size" (size in points, 1..200). */
static gp_code take_font(gp_figure *fig, const char *font, gp_error *err)
{
    if (!font)
        return GP_OK;
    gp_code rc = gp_gnuplot_check_text("font", font, err);
    if (rc)
        return rc;
    const char *comma = strchr(font, ',');
    size_t name_len = comma ? (size_t)(comma - font) : strlen(font);
    if (comma) {
        char *end = NULL;
        errno = 0;
        double size = strtod(comma + 1, &end);
        if (end == comma + 1 || *end != '\0' || errno || !(size >= 1 && size <= 200))
            return gp_error_set(err, GP_ERR_ARG,
                                "font must be \"Name,size\" with a size in points 1..200, got "
                                "'%s'",
                                font);
        fig->font_size = size;
    }
    if (name_len == 0 && !comma)
        return gp_error_set(err, GP_ERR_ARG, "font must name a font or a size (\"Name,size\"), "
                                             "got ''");
    if (name_len > 0) {
        fig->font_name = strndup(font, name_len);
        if (!fig->font_name)
            return gp_error_set(err, GP_ERR_NOMEM, "out of memory");
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
    if ((unsigned)o.theme > GP_THEME_SLIDES) {
        gp_error_set(err, GP_ERR_ARG, "unknown theme %d", (int)o.theme);
        return NULL;
    }
    if (!isnan(o.fontscale) && !(o.fontscale > 0 && o.fontscale <= 10)) {
        gp_error_set(err, GP_ERR_ARG, "fontscale must be a number in (0, 10], got %g",
                     o.fontscale);
        return NULL;
    }
    if ((unsigned)o.sharex > GP_SHARE_COL || (unsigned)o.sharey > GP_SHARE_COL) {
        gp_error_set(err, GP_ERR_ARG, "unknown axis sharing %d", (int)((unsigned)o.sharex >
                     GP_SHARE_COL ? o.sharex : o.sharey));
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
    fig->theme = o.theme;
    fig->fontscale = isnan(o.fontscale) ? 1 : o.fontscale;
    fig->sharex = o.sharex, fig->sharey = o.sharey;
    gp_panel_opts dflt = o.panel;
    dflt.legend = dflt.legend == GP_LEGEND_INHERIT ? GP_LEGEND_AUTO : dflt.legend;
    if (take_font(fig, o.font, err) || plot_dup_text("figure title", o.title, &fig->title, err) ||
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
    free(fig->font_name);
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

plot_panel *plot_current_panel(gp_figure *fig, gp_error *err)
{
    if (fig->npanels == 0 && gp_figure_panel(fig, NULL, err))
        return NULL;
    return &fig->panels[fig->npanels - 1];
}

/* ---- layers ---------------------------------------------------------------- */

size_t plot_vec_len(const char *fn, const char *name, const gp_matrix *m, gp_error *err)
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
    gp_code rc = plot_dup_text(what, s->title, &L->title, err);
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

gp_code plot_layer_begin(plot_layer *L, int kind, const char *fn, size_t rows, size_t cols,
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

gp_code plot_layer_push(gp_figure *fig, plot_layer *L, gp_code rc, gp_error *err)
{
    static const char *const names[] = {"lines", "band", "points", "heatmap", "histogram",
                                        "contour", "surface"};
    plot_panel *p = rc ? NULL : plot_current_panel(fig, err);
    if (p && p->nlayers > 0 && plot_panel_is_3d(p) != (L->kind == LAYER_SURFACE)) {
        rc = gp_error_set(err, GP_ERR_ARG,
                          "%s: panel %zu holds %s; a surface needs a panel of its own (start "
                          "one with fig:panel{})",
                          names[L->kind], fig->npanels,
                          plot_panel_is_3d(p) ? "a surface" : "other layers");
        p = NULL;
    } else if (!p && !rc) {
        rc = err ? err->code : GP_ERR_NOMEM;
    }
    if (p) {
        plot_layer *grown = realloc(p->layers, (p->nlayers + 1) * sizeof *grown);
        if (grown) {
            p->layers = grown;
            p->layers[p->nlayers++] = *L;
            return GP_OK;
        }
        rc = gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    }
    plot_layer_clear(L);
    return rc;
}

static gp_code add_curves(gp_figure *fig, const char *fn, int kind, const gp_matrix *x,
                          const gp_matrix *Y, const gp_style *s, gp_error *err)
{
    plot_layer L;
    size_t n = plot_vec_len(fn, "x", x, err);
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
    gp_code rc = plot_layer_begin(&L, kind, fn, n, m + 1, s, err);
    if (!rc) {
        memcpy(L.data, x->data, n * sizeof(double));
        memcpy(L.data + n, Y->data, n * m * sizeof(double));
    }
    return plot_layer_push(fig, &L, rc, err);
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
    if (!(n = plot_vec_len("band", "x", x, err)) || !(nl = plot_vec_len("band", "lower", lower, err)) ||
        !(nu = plot_vec_len("band", "upper", upper, err)))
        return err ? err->code : GP_ERR_ARG;
    if ((rc = same_len("band", "lower", nl, "x", n, err)) ||
        (rc = same_len("band", "upper", nu, "x", n, err)))
        return rc;
    for (size_t i = 0; i < n; i++)
        if (lower->data[i] > upper->data[i])
            return gp_error_set(err, GP_ERR_ARG, "band: lower[%zu] = %g is above upper[%zu] = %g",
                                i + 1, lower->data[i], i + 1, upper->data[i]);
    rc = plot_layer_begin(&L, LAYER_BAND, "band", n, 3, style, err);
    if (!rc) {
        memcpy(L.data, x->data, n * sizeof(double));
        memcpy(L.data + n, lower->data, n * sizeof(double));
        memcpy(L.data + 2 * n, upper->data, n * sizeof(double));
    }
    return plot_layer_push(fig, &L, rc, err);
}

gp_code gp_figure_band_sd(gp_figure *fig, const gp_matrix *x, const gp_matrix *mean,
                          const gp_matrix *sd, double k, const gp_style *style, gp_error *err)
{
    size_t n, nm, ns;
    gp_code rc;
    if (!(n = plot_vec_len("band", "x", x, err)) || !(nm = plot_vec_len("band", "mean", mean, err)) ||
        !(ns = plot_vec_len("band", "sd", sd, err)))
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
    gp_code rc = plot_layer_begin(&L, LAYER_HIST, "histogram", bins, 3, style, err);
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
    return plot_layer_push(fig, &L, rc, err);
}

