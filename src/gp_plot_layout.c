/* gp_plot_layout.c: where things go before any gnuplot is written: the theme's
 * canvas and fonts, each panel's area on the canvas, the axis ranges of
 * panels that share an axis, how a panel's bands are drawn, and where its
 * legend covers the data least.
 *
 * Axis ranges follow gnuplot's own autoscaling (axis.c: the tic step is
 * quantize_normal_tics(range, 20) and an autoscaled end is rounded outward to
 * a multiple of it; log axes to whole decades), so that a shared range looks
 * like one gnuplot would have chosen, and the legend estimate sees the frame
 * gnuplot will draw. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp_plot_impl.h"

/* ---- themes ------------------------------------------------------------------ */

static const plot_theme themes[] = {
    /* name     dpi   one panel   grid cell   max_w fixed font    pt   lw */
    {"notebook", 96, 800, 500, 560, 400, 0, 0, "sans", 11, 1},
    /* 4.8 x 3 in (LaTeX's default text width); a grid fits 6.5 in */
    {"paper", 300, 1440, 900, 960, 720, 1950, 0, "sans", 9, 0.8},
    /* a 16:9 slide, 13.33 x 7.5 in, whatever the grid */
    {"slides", 120, 1600, 900, 0, 0, 0, 1, "sans", 20, 2.5},
};

const plot_theme *plot_theme_get(gp_theme theme)
{
    return &themes[(unsigned)theme <= GP_THEME_SLIDES ? theme : 0];
}

/* ---- axis ranges -------------------------------------------------------------- */

/* gnuplot's tic step for a range of length r (axis.c, quantize_normal_tics). */
static double tic_step(double r, int guide)
{
    double power = pow(10.0, floor(log10(r)));
    double xnorm = r / power, posns = guide / xnorm, tics;
    if (posns > 40)
        tics = 0.05;
    else if (posns > 20)
        tics = 0.1;
    else if (posns > 10)
        tics = 0.2;
    else if (posns > 4)
        tics = 0.5;
    else if (posns > 2)
        tics = 1;
    else if (posns > 0.5)
        tics = 2;
    else
        tics = ceil(xnorm);
    return tics * power;
}

/* The range gnuplot's autoscaling gives data in [lo, hi]: exact (fix), or
 * rounded outward to tics (whole decades on a log axis). */
static void autoscale(double lo, double hi, int logscale, int fix, double out[2])
{
    if (logscale) {
        lo = log10(lo), hi = log10(hi);
    }
    if (!(hi > lo)) { /* gnuplot widens an empty range */
        double d = lo == 0 ? 1 : fabs(lo) * 0.01;
        lo -= d, hi += d;
    }
    if (!fix) {
        double tic = tic_step(hi - lo, 20);
        if (logscale && tic < 1)
            tic = 1;
        lo = tic * floor(lo / tic + 1e-9);
        hi = tic * ceil(hi / tic - 1e-9);
    }
    out[0] = logscale ? pow(10, lo) : lo;
    out[1] = logscale ? pow(10, hi) : hi;
}

enum { KIND_CURVES, KIND_MAP, KIND_3D };

static int panel_kind(const plot_panel *p)
{
    int map = 0;
    for (size_t i = 0; i < p->nlayers; i++) {
        int k = p->layers[i].kind;
        if (k == LAYER_SURFACE)
            return KIND_3D;
        map |= k == LAYER_HEATMAP || k == LAYER_CONTOUR;
    }
    return map ? KIND_MAP : KIND_CURVES;
}

/* The data's extent on axis (0 x, 1 y) in panel p: [lo, hi] of the values a
 * log axis can show (> 0) when logscale. 0 when there is nothing. */
static int data_extent(const plot_panel *p, int axis, int logscale, double ext[2])
{
    ext[0] = INFINITY, ext[1] = -INFINITY;
    for (size_t i = 0; i < p->nlayers; i++) {
        const plot_layer *L = &p->layers[i];
        const double *d = L->data;
        size_t n = L->rows, first = axis, last = axis;
        double pad = 0;
        if (axis == 1 && (L->kind == LAYER_LINES || L->kind == LAYER_POINTS ||
                          L->kind == LAYER_BAND))
            last = L->cols - 1;
        if (L->kind == LAYER_HIST) {
            if (axis == 0) {
                for (size_t r = 0; r < n; r++) {
                    ext[0] = fmin(ext[0], d[r] - d[2 * n + r] / 2);
                    ext[1] = fmax(ext[1], d[r] + d[2 * n + r] / 2);
                }
                continue;
            }
            ext[0] = fmin(ext[0], 0); /* boxes stand on 0 */
        }
        if (L->kind == LAYER_HEATMAP && !L->smooth) { /* cells are centred on the points */
            size_t cells = axis == 0 ? L->nx : L->ny;
            pad = (d[axis * n + n - 1] - d[axis * n]) / (double)(cells - 1) / 2;
        }
        for (size_t c = first; c <= last; c++)
            for (size_t r = 0; r < n; r++) {
                double v = d[c * n + r];
                if (logscale && !(v > 0))
                    continue;
                ext[0] = fmin(ext[0], v - pad);
                ext[1] = fmax(ext[1], v + pad);
            }
    }
    return ext[0] <= ext[1];
}

/* The range gnuplot draws on axis of p, from the data: x exact for curves
 * (histograms rounded to tics), y rounded to tics; maps exact on both. */
static int estimated_range(const plot_panel *p, int axis, double out[2])
{
    const double *given = axis == 0 ? p->xr : p->yr;
    int logscale = axis == 0 ? p->logx : p->logy;
    if (!isnan(given[0])) {
        out[0] = given[0], out[1] = given[1];
        return 1;
    }
    double ext[2];
    if (!data_extent(p, axis, logscale, ext))
        return 0;
    int hist = 0;
    for (size_t i = 0; i < p->nlayers; i++)
        hist |= p->layers[i].kind == LAYER_HIST;
    int fix = panel_kind(p) == KIND_MAP || (axis == 0 && !hist);
    autoscale(ext[0], ext[1], logscale, fix, out);
    return 1;
}

/* What axis of p shows: the range given, else the data's extent. */
static int shown_extent(const plot_panel *p, int axis, double out[2])
{
    const double *given = axis == 0 ? p->xr : p->yr;
    if (!isnan(given[0])) {
        out[0] = given[0], out[1] = given[1];
        return 1;
    }
    return data_extent(p, axis, axis == 0 ? p->logx : p->logy, out);
}

/* Panels sharing an axis (sharex, sharey): within each group (all, a row or
 * a column) of one kind, those whose range was not given get the range of
 * all their data together. */
static void share_axis(const gp_figure *fig, plot_layout *l, int axis, gp_share share)
{
    if (share == GP_SHARE_NONE)
        return;
    size_t n = fig->npanels;
    for (size_t a = 0; a < n; a++) {
        const plot_panel *pa = &fig->panels[a];
        int kind = panel_kind(pa);
        const double *given = axis == 0 ? pa->xr : pa->yr;
        if (kind == KIND_3D || !isnan(given[0]))
            continue;
        double all[2] = {INFINITY, -INFINITY}, ext[2];
        int logscale = axis == 0 ? pa->logx : pa->logy, hist = 0;
        for (size_t b = 0; b < n; b++) {
            const plot_panel *pb = &fig->panels[b];
            int same = share == GP_SHARE_ALL ||
                       (share == GP_SHARE_ROW && (int)(a / (size_t)l->cols) == (int)(b / (size_t)l->cols)) ||
                       (share == GP_SHARE_COL && (int)(a % (size_t)l->cols) == (int)(b % (size_t)l->cols));
            const double *gb = axis == 0 ? pb->xr : pb->yr;
            if (!same || panel_kind(pb) != kind || !isnan(gb[0]) ||
                (axis == 0 ? pb->logx : pb->logy) != logscale ||
                !data_extent(pb, axis, logscale, ext))
                continue;
            all[0] = fmin(all[0], ext[0]), all[1] = fmax(all[1], ext[1]);
            for (size_t i = 0; i < pb->nlayers; i++)
                hist |= pb->layers[i].kind == LAYER_HIST;
        }
        if (all[0] > all[1])
            continue;
        double *out = axis == 0 ? l->frames[a].xr : l->frames[a].yr;
        autoscale(all[0], all[1], logscale, kind == KIND_MAP || (axis == 0 && !hist), out);
    }
}

/* ---- bands ------------------------------------------------------------------------- */

/* 1 if band b lies within band a at every x (same x values). */
static int inside(const plot_layer *a, const plot_layer *b)
{
    size_t n = a->rows;
    if (b->rows != n || memcmp(a->data, b->data, n * sizeof(double)) != 0)
        return 0;
    for (size_t r = 0; r < n; r++)
        if (b->data[n + r] < a->data[n + r] || b->data[2 * n + r] > a->data[2 * n + r])
            return 0;
    return 1;
}

static double band_area(const plot_layer *b)
{
    double s = 0;
    size_t n = b->rows;
    for (size_t r = 0; r < n; r++)
        s += b->data[2 * n + r] - b->data[n + r];
    return s;
}

/* Several translucent bands blend into colours their legend swatches do not
 * show. Nested bands are drawn opaque, widest first, so each visible ring is
 * its swatch's colour; bands that cross keep their translucency and get an
 * outline in their own colour, which the swatch shows too. */
static gp_code plan_bands(const plot_panel *p, plot_frame *fr, gp_error *err)
{
    size_t nb = 0;
    for (size_t i = 0; i < p->nlayers; i++)
        nb += p->layers[i].kind == LAYER_BAND;
    fr->bands = BANDS_TRANSLUCENT;
    if (nb < 2)
        return GP_OK;
    fr->band_order = malloc(nb * sizeof *fr->band_order);
    if (!fr->band_order)
        return gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    fr->nbands = 0;
    for (size_t i = 0; i < p->nlayers; i++)
        if (p->layers[i].kind == LAYER_BAND)
            fr->band_order[fr->nbands++] = i;
    int nested = 1;
    for (size_t a = 0; a < nb && nested; a++)
        for (size_t b = a + 1; b < nb && nested; b++) {
            const plot_layer *A = &p->layers[fr->band_order[a]], *B = &p->layers[fr->band_order[b]];
            nested = inside(A, B) || inside(B, A);
        }
    fr->bands = nested ? BANDS_NESTED : BANDS_OUTLINED;
    for (size_t a = 1; a < nb && nested; a++) /* insertion sort, widest first */
        for (size_t b = a; b > 0 && band_area(&p->layers[fr->band_order[b]]) >
                                        band_area(&p->layers[fr->band_order[b - 1]]);
             b--) {
            size_t t = fr->band_order[b];
            fr->band_order[b] = fr->band_order[b - 1];
            fr->band_order[b - 1] = t;
        }
    return GP_OK;
}

/* ---- the legend ------------------------------------------------------------------------ */

/* A coarse picture of where the data are in the plot area: weights per cell
 * (curves and points 1, histogram boxes 0.1, band fills 0.02, maps 1): a legend
 * over a band hides less than one over a curve. */
enum { GW = 96, GH = 64 };

typedef struct raster {
    float w[GH][GW];
    int stamp[GH][GW];
    int curve;
    double xr[2], yr[2];
    int logx, logy;
} raster;

static double to_unit(double v, const double r[2], int logscale)
{
    if (logscale)
        return v > 0 ? (log10(v) - log10(r[0])) / (log10(r[1]) - log10(r[0])) : -1;
    return (v - r[0]) / (r[1] - r[0]);
}

/* Mark the cell at unit coordinates (u, v) for the current curve (once). */
static void mark(raster *g, double u, double v, float weight)
{
    if (!(u >= 0 && u <= 1 && v >= 0 && v <= 1))
        return;
    int i = (int)(v * (GH - 1) + 0.5), j = (int)(u * (GW - 1) + 0.5);
    if (g->stamp[i][j] != g->curve) {
        g->stamp[i][j] = g->curve;
        g->w[i][j] += weight;
    }
}

static void mark_segment(raster *g, double u0, double v0, double u1, double v1, float weight)
{
    double du = (u1 - u0) * GW, dv = (v1 - v0) * GH;
    int steps = (int)fmin(4 * (GW + GH), ceil(2 * fmax(fabs(du), fabs(dv)))) + 1;
    for (int s = 0; s <= steps; s++) {
        double t = (double)s / steps;
        mark(g, u0 + t * (u1 - u0), v0 + t * (v1 - v0), weight);
    }
}

static void mark_column(raster *g, double u, double v0, double v1, float weight)
{
    double lo = fmax(0, fmin(v0, v1)), hi = fmin(1, fmax(v0, v1));
    for (double v = lo; v <= hi; v += 0.5 / GH)
        mark(g, u, v, weight);
}

static void rasterize(raster *g, const plot_panel *p)
{
    for (size_t i = 0; i < p->nlayers; i++) {
        const plot_layer *L = &p->layers[i];
        const double *d = L->data;
        size_t n = L->rows;
        if (L->kind == LAYER_HEATMAP || L->kind == LAYER_CONTOUR) {
            g->curve++;
            for (int a = 0; a < GH; a++)
                for (int b = 0; b < GW; b++)
                    mark(g, (double)b / (GW - 1), (double)a / (GH - 1), L->kind == LAYER_HEATMAP ? 1.0f : 0.5f);
            continue;
        }
        if (L->kind == LAYER_BAND || L->kind == LAYER_HIST) {
            g->curve++;
            for (size_t r = 0; r < n; r++) {
                double half = L->kind == LAYER_HIST ? d[2 * n + r] / 2 : 0;
                double lo = L->kind == LAYER_HIST ? 0 : d[n + r], hi = L->kind == LAYER_HIST ? d[n + r] : d[2 * n + r];
                double x0 = d[r] - half, x1 = L->kind == LAYER_HIST ? d[r] + half : (r + 1 < n ? d[r + 1] : d[r]);
                for (int s = 0; s <= 8; s++) {
                    double x = x0 + (x1 - x0) * s / 8.0;
                    mark_column(g, to_unit(x, g->xr, g->logx), to_unit(lo, g->yr, g->logy),
                                to_unit(hi, g->yr, g->logy), L->kind == LAYER_HIST ? 0.1f : 0.02f);
                }
            }
            continue;
        }
        for (size_t c = 1; c < L->cols; c++) { /* lines and points */
            g->curve++;
            for (size_t r = 0; r < n; r++) {
                double u = to_unit(d[r], g->xr, g->logx), v = to_unit(d[c * n + r], g->yr, g->logy);
                if (L->kind == LAYER_POINTS || r + 1 == n)
                    mark(g, u, v, 1);
                else
                    mark_segment(g, u, v, to_unit(d[r + 1], g->xr, g->logx),
                                 to_unit(d[c * n + r + 1], g->yr, g->logy), 1);
            }
        }
    }
}

/* Titled entries of p and the widest title, in characters. */
static size_t key_entries(const plot_panel *p, size_t *widest)
{
    size_t n = 0;
    *widest = 0;
    for (size_t i = 0; i < p->nlayers; i++)
        if (p->layers[i].title) {
            n++;
            size_t w = plot_text_width(p->layers[i].title);
            *widest = w > *widest ? w : *widest;
        }
    return n;
}

double plot_tic_chars(const double r[2], int logscale)
{
    if (logscale)
        return 4;
    double step = tic_step(r[1] - r[0], 20), longest = 1;
    for (double v = ceil(r[0] / step) * step; v <= r[1] + step / 2; v += step) {
        char buf[32];
        double shown = fabs(v) < step * 1e-9 ? 0 : v;
        longest = fmax(longest, (double)snprintf(buf, sizeof buf, "%g", shown));
    }
    return longest;
}

/* Where the legend of panel p covers least; OUTSIDE or BELOW when every
 * corner covers a lot. w, h: the panel's area in pixels; font_px the font. */
static gp_legend place_legend(const plot_panel *p, double w, double h, double font_px,
                              int titled_plot)
{
    size_t widest, entries = key_entries(p, &widest);
    if (entries == 0)
        return GP_LEGEND_OFF;
    raster *g = calloc(1, sizeof *g);
    if (!g || !estimated_range(p, 0, g->xr) || !estimated_range(p, 1, g->yr)) {
        free(g);
        return GP_LEGEND_TOP_LEFT;
    }
    g->logx = p->logx, g->logy = p->logy;
    rasterize(g, p);
    double lh = 1.25 * font_px, cw = 0.6 * font_px;
    double left = (plot_tic_chars(g->yr, p->logy) + 2) * cw + (p->ylabel ? 1.6 * lh : 0);
    double bottom = 2 * lh + (p->xlabel ? 1.2 * lh : 0), top = titled_plot ? 2.2 * lh : 0.8 * lh;
    double pw = fmax(w - left - 2 * cw, 10), ph = fmax(h - bottom - top, 10);
    double kw = (double)(widest + 5) * cw, kh = ((double)entries + 0.6) * lh;
    int bw = (int)ceil(kw / pw * GW), bh = (int)ceil(kh / ph * GH);
    gp_legend best = GP_LEGEND_TOP_LEFT;
    if (bw < GW && bh < GH) {
        /* corners in order of preference on ties, and the box's cell origin */
        static const gp_legend order[] = {GP_LEGEND_TOP_LEFT, GP_LEGEND_TOP_RIGHT,
                                          GP_LEGEND_BOTTOM_LEFT, GP_LEGEND_BOTTOM_RIGHT};
        int origin[4][2] = {{0, GH - bh}, {GW - bw, GH - bh}, {0, 0}, {GW - bw, 0}};
        double best_score = INFINITY;
        for (int c = 0; c < 4; c++) {
            double s = 0;
            for (int i = origin[c][1]; i < origin[c][1] + bh; i++)
                for (int j = origin[c][0]; j < origin[c][0] + bw; j++)
                    s += g->w[i][j];
            if (s < best_score - 1e-9)
                best_score = s, best = order[c];
        }
        if (best_score <= 0.25 * bw * bh) {
            free(g);
            return best;
        }
    }
    free(g);
    return kw > 0.3 * pw ? GP_LEGEND_BELOW : GP_LEGEND_OUTSIDE;
}

/* ---- margins and tics ---------------------------------------------------------------- */

/* A panel of a grid gets margins from what it shows (in characters of the
 * font): tic labels, axis labels, its title, a colour bar. gnuplot's own are
 * generous and differ from panel to panel; these are tight and equal across
 * panels that show the same, so their plots line up. Surfaces keep gnuplot's. */
static void plan_margins(const plot_panel *p, plot_frame *fr)
{
    double *out = fr->margin;
    for (int i = 0; i < 4; i++)
        out[i] = NAN;
    if (panel_kind(p) == KIND_3D || fr->legend == GP_LEGEND_OUTSIDE || fr->legend == GP_LEGEND_BELOW)
        return;
    double yr[2] = {0, 1};
    plot_panel shown = *p;
    if (!isnan(fr->yr[0]))
        shown.yr[0] = fr->yr[0], shown.yr[1] = fr->yr[1];
    estimated_range(&shown, 1, yr);
    const plot_layer *map = NULL;
    for (size_t i = 0; i < p->nlayers && !map; i++)
        if (p->layers[i].kind == LAYER_HEATMAP && p->layers[i].colorbar)
            map = &p->layers[i];
    out[0] = plot_tic_chars(yr, p->logy) + 2.5 + (p->ylabel ? 2 : 0);
    out[1] = 2;
    if (map) {
        double cb[2];
        plot_layer_cbrange(map, cb);
        out[1] = plot_tic_chars(cb, 0) + 6 + (map->cblabel ? 2.5 : 0);
    }
    out[2] = 2 + (p->xlabel ? 1.5 : 0);
    out[3] = p->title ? 2.4 : 1;
}

/* A tic step for a range shown on len pixels, if gnuplot's (about 20 per
 * decade of the range) would crowd it: at most one tic per `room` pixels. */
static double tic_for(const double r[2], int logscale, double len, double room)
{
    if (logscale || !(r[1] > r[0]))
        return 0;
    double most = fmax(2, len / room);
    for (int guide = 20; guide >= 1; guide--) {
        double step = tic_step(r[1] - r[0], guide);
        if ((r[1] - r[0]) / step <= most)
            return guide == 20 ? 0 : step;
    }
    return tic_step(r[1] - r[0], 1);
}

static void plan_tics(const plot_panel *p, plot_frame *fr, double w, double h, double font_px)
{
    double xr[2], yr[2];
    plot_panel shown = *p;
    if (!isnan(fr->xr[0]))
        shown.xr[0] = fr->xr[0], shown.xr[1] = fr->xr[1];
    if (!isnan(fr->yr[0]))
        shown.yr[0] = fr->yr[0], shown.yr[1] = fr->yr[1];
    fr->tics[0] = fr->tics[1] = 0;
    if (panel_kind(p) == KIND_3D || !estimated_range(&shown, 0, xr) ||
        !estimated_range(&shown, 1, yr))
        return;
    double cw = 0.6 * font_px, lh = 1.2 * font_px;
    double left = isnan(fr->margin[0]) ? 8 : fr->margin[0] + fr->margin[1];
    double tall = isnan(fr->margin[2]) ? 5 : fr->margin[2] + fr->margin[3];
    double pw = w - left * cw, ph = h - tall * lh;
    fr->tics[0] = tic_for(xr, p->logx, pw, (plot_tic_chars(xr, p->logx) + 3) * cw);
    fr->tics[1] = tic_for(yr, p->logy, ph, 1.5 * lh);
}

/* ---- the layout ---------------------------------------------------------------------- */

static void grid_shape(const gp_figure *fig, int *rows, int *cols)
{
    int n = (int)fig->npanels;
    if (fig->rows) {
        *rows = fig->rows, *cols = fig->cols;
    } else if (n <= 3) {
        *rows = 1, *cols = n;
    } else {
        *cols = (int)ceil(sqrt((double)n));
        *rows = (n + *cols - 1) / *cols;
    }
}

/* A log axis cannot show values <= 0 (gnuplot would silently drop them). */
static gp_code check_log_axes(const plot_panel *p, size_t k, gp_error *err)
{
    static const char *const names[] = {"lines", "band", "points", "heatmap", "histogram",
                                        "contour", "surface"};
    for (size_t i = 0; i < p->nlayers; i++) {
        const plot_layer *L = &p->layers[i];
        size_t ylast = L->kind == LAYER_HIST ? 0
                       : L->kind == LAYER_HEATMAP || L->kind == LAYER_CONTOUR ||
                               L->kind == LAYER_SURFACE
                           ? 1
                           : L->cols - 1;
        for (size_t c = 0; c <= ylast; c++) {
            if (!(c == 0 ? p->logx : p->logy))
                continue;
            for (size_t r = 0; r < L->rows; r++)
                if (L->data[c * L->rows + r] <= 0)
                    return gp_error_set(err, GP_ERR_ARG,
                                        "panel %zu: %s has %c = %g, which a log scale cannot show",
                                        k, names[L->kind], c == 0 ? 'x' : 'y',
                                        L->data[c * L->rows + r]);
        }
    }
    return GP_OK;
}

/* Rows of a shared legend across width px: entries of titles w chars. */
static int shared_rows(const gp_figure *fig, double width, double font_px, size_t *count)
{
    size_t n = 0, widest = 0;
    for (size_t i = 0; i < fig->npanels; i++) {
        const plot_panel *p = &fig->panels[i];
        if (p->legend != GP_LEGEND_SHARED)
            continue;
        for (size_t j = 0; j < p->nlayers; j++) {
            const char *t = p->layers[j].title;
            int seen = 0;
            for (size_t a = 0; t && a <= i && !seen; a++)
                for (size_t b = 0; b < (a == i ? j : fig->panels[a].nlayers) && !seen; b++)
                    seen = fig->panels[a].legend == GP_LEGEND_SHARED &&
                           fig->panels[a].layers[b].title &&
                           strcmp(fig->panels[a].layers[b].title, t) == 0;
            if (t && !seen) {
                n++;
                size_t w = plot_text_width(t);
                widest = w > widest ? w : widest;
            }
        }
    }
    *count = n;
    if (n == 0)
        return 0;
    double entry = ((double)widest + 6) * 0.6 * font_px;
    size_t per_row = (size_t)fmax(1, floor(0.95 * width / entry));
    return (int)((n + per_row - 1) / per_row);
}

gp_code plot_layout_make(const gp_figure *fig, int width, int height, plot_layout *l,
                         gp_error *err)
{
    memset(l, 0, sizeof *l);
    if (fig->npanels == 0)
        return gp_error_set(err, GP_ERR_ARG,
                            "the figure has nothing to draw (add lines, a band, points, a heatmap, "
                            "a contour, a surface or a histogram)");
    grid_shape(fig, &l->rows, &l->cols);
    if ((size_t)l->rows * (size_t)l->cols < fig->npanels)
        return gp_error_set(err, GP_ERR_DIM, "the layout %d x %d has room for %d panels, not %zu",
                            l->rows, l->cols, l->rows * l->cols, fig->npanels);
    for (size_t i = 0; i < fig->npanels; i++) {
        gp_code rc = fig->panels[i].nlayers == 0
                         ? gp_error_set(err, GP_ERR_ARG,
                                        "panel %zu of the figure has nothing to draw", i + 1)
                         : check_log_axes(&fig->panels[i], i + 1, err);
        if (rc)
            return rc;
    }
    const plot_theme *t = plot_theme_get(fig->theme);
    l->dpi = t->dpi;
    l->font = fig->font_name ? fig->font_name : t->font;
    l->font_pt = (fig->font_size > 0 ? fig->font_size : t->font_pt) * fig->fontscale;
    l->lw = t->lw;
    double font_px = l->font_pt * t->dpi / 72;

    /* the canvas: given, the theme's, or grown from the theme's cells */
    int given = width > 0 && height > 0;
    if (!given && fig->width)
        width = fig->width, height = fig->height, given = 1;
    double W = width, H = height;
    if (!given) {
        if (t->fixed || (l->rows == 1 && l->cols == 1)) {
            W = t->width, H = t->height;
        } else {
            double cw = t->cell_w, ch = t->cell_h;
            if (t->max_w && l->cols * cw > t->max_w)
                ch *= t->max_w / (l->cols * cw), cw = t->max_w / (double)l->cols;
            W = l->cols * cw, H = l->rows * ch;
        }
    }
    l->multi = fig->npanels > 1 || (fig->title && fig->panels[0].title);
    size_t nshared = 0;
    int krows = fig->npanels > 1 ? shared_rows(fig, W, font_px, &nshared) : 0;
    double top_px = l->multi && fig->title ? 2.8 * font_px : 0;
    double bottom_px = krows ? (krows + 0.8) * 1.4 * font_px : 0;
    if (!given && !t->fixed)
        H += top_px + bottom_px; /* the strips do not shrink the panels */
    l->width = (int)lround(W), l->height = (int)lround(H);
    l->top = top_px / H, l->bottom = bottom_px / H;
    l->shared_legend = krows > 0;

    l->frames = calloc(fig->npanels, sizeof *l->frames);
    if (!l->frames)
        return gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    l->nframes = fig->npanels;
    double area = 1 - l->top - l->bottom;
    for (size_t i = 0; i < fig->npanels; i++) {
        plot_frame *fr = &l->frames[i];
        int r = (int)(i / (size_t)l->cols), c = (int)(i % (size_t)l->cols);
        fr->w = 1.0 / l->cols, fr->h = area / l->rows;
        fr->x0 = c * fr->w, fr->y0 = l->bottom + (l->rows - 1 - r) * fr->h;
        if (!l->multi)
            fr->x0 = 0, fr->y0 = 0, fr->w = 1, fr->h = 1;
        fr->xr[0] = fr->xr[1] = fr->yr[0] = fr->yr[1] = NAN;
    }
    share_axis(fig, l, 0, fig->sharex);
    share_axis(fig, l, 1, fig->sharey);
    /* Maps get their ranges written: contour lines and smooth heat maps are
     * drawn from gnuplot's own tables and samples, not from the grid. */
    for (size_t i = 0; i < fig->npanels; i++) {
        plot_frame *fr = &l->frames[i];
        if (panel_kind(&fig->panels[i]) != KIND_MAP)
            continue;
        if (isnan(fr->xr[0]) && isnan(fig->panels[i].xr[0]))
            estimated_range(&fig->panels[i], 0, fr->xr);
        if (isnan(fr->yr[0]) && isnan(fig->panels[i].yr[0]))
            estimated_range(&fig->panels[i], 1, fr->yr);
    }
    for (size_t i = 0; i < fig->npanels; i++) {
        const plot_panel *p = &fig->panels[i];
        plot_frame *fr = &l->frames[i];
        gp_code rc = plan_bands(p, fr, err);
        if (rc) {
            plot_layout_free(l);
            return rc;
        }
        /* the legend estimate sees the shared ranges */
        plot_panel shown = *p;
        if (!isnan(fr->xr[0]))
            shown.xr[0] = fr->xr[0], shown.xr[1] = fr->xr[1];
        if (!isnan(fr->yr[0]))
            shown.yr[0] = fr->yr[0], shown.yr[1] = fr->yr[1];
        gp_legend g = p->legend;
        if (g == GP_LEGEND_SHARED && !l->shared_legend)
            g = GP_LEGEND_AUTO;
        if (g == GP_LEGEND_SHARED)
            g = GP_LEGEND_OFF; /* its entries go to the shared legend */
        else if (g == GP_LEGEND_AUTO && panel_kind(p) == KIND_3D)
            g = GP_LEGEND_TOP_RIGHT;
        else if (g == GP_LEGEND_AUTO)
            g = place_legend(&shown, fr->w * W, fr->h * H, font_px,
                             p->title != NULL || (!l->multi && fig->title != NULL));
        if (g != GP_LEGEND_OFF) {
            size_t widest;
            if (key_entries(p, &widest) == 0)
                g = GP_LEGEND_OFF;
        }
        fr->legend = g;
        double r[2];
        fr->decades_x = p->logx && shown_extent(&shown, 0, r) && r[1] >= 10 * r[0];
        fr->decades_y = p->logy && shown_extent(&shown, 1, r) && r[1] >= 10 * r[0];
        if (l->multi)
            plan_margins(p, fr);
        else
            for (int m = 0; m < 4; m++)
                fr->margin[m] = NAN;
        plan_tics(p, fr, fr->w * W, fr->h * H, font_px);
    }
    return GP_OK;
}

void plot_layout_free(plot_layout *l)
{
    if (!l || !l->frames)
        return;
    for (size_t i = 0; i < l->nframes; i++)
        free(l->frames[i].band_order);
    free(l->frames);
    l->frames = NULL;
}
