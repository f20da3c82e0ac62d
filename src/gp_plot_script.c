/* gp_plot_script.c: the gnuplot script of a figure, the one place where
 * gnuplot commands are composed. Every user string goes through
 * gp_gnuplot_quote; colours are validated "#rrggbb" written by us; numbers
 * are printed by us. The plan (canvas, panel areas, ranges, legends, bands)
 * comes from gp_plot_layout.c.
 *
 * The script: a header that finds where to write the image, the terminal for
 * the format (sized and scaled by the theme so that PNG, SVG and PDF look
 * alike), every layer's data as a datablock, the tables gnuplot computes from
 * them (contour lines, the values of smooth heat maps), then each panel at its
 * place on the canvas, and a shared legend last. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp_gnuplot.h"
#include "gp_plot_impl.h"

/* The writer's state. */
typedef struct writer {
    FILE *f;
    const gp_figure *fig;
    const plot_layout *l;
    gp_format fmt;
    int plain;            /* the dumb terminal: plain text, bands as edges, maps as characters */
    int chars_w, chars_h; /* its size in characters */
    gp_error *err;
    /* the shared legend: one key entry per distinct title */
    char *keys;
    size_t keys_len;
    FILE *keys_f;
    const char **titles;
    size_t ntitles;
} writer;

#define TRY(call)                                                                               \
    do {                                                                                        \
        gp_code rc_ = (call);                                                                   \
        if (rc_)                                                                                \
            return rc_;                                                                         \
    } while (0)

/* A user string as the script draws it: quoted, then enhanced or not. */
static gp_code put_string(writer *w, FILE *f, const char *what, const char *s)
{
    char *text = NULL;
    int enhanced = 0;
    gp_code rc = plot_text_render(what, s, w->fig->enhanced, w->plain, &text, &enhanced, w->err);
    if (!rc)
        rc = gp_gnuplot_quote(f, what, text, w->err);
    free(text);
    if (!rc)
        fputs(enhanced ? " enhanced" : " noenhanced", f);
    return rc;
}

/* A font of the figure's family at scale times the base size: 'Name,12.1'. */
static gp_code put_font(writer *w, double scale)
{
    char spec[256];
    snprintf(spec, sizeof spec, "%s,%.3g", w->l->font, w->l->font_pt * scale);
    return gp_gnuplot_quote(w->f, "font", spec, w->err);
}

static gp_code put_text_setting(writer *w, const char *name, const char *s, double font)
{
    if (!s) {
        fprintf(w->f, "unset %s\n", name);
        return GP_OK;
    }
    fprintf(w->f, "set %s ", name);
    TRY(put_string(w, w->f, name, s));
    if (font > 0 && !w->plain) {
        fputs(" font ", w->f);
        TRY(put_font(w, font));
    }
    fputc('\n', w->f);
    return GP_OK;
}

/* Write a color with opacity alpha: '#rrggbb' or '#aarrggbb' (aa = transparency). */
static void put_color(FILE *f, const char *rgb, double alpha)
{
    if (isnan(alpha) || alpha >= 1)
        fprintf(f, "'%s'", rgb);
    else
        fprintf(f, "'#%02x%s'", (unsigned)lround((1 - alpha) * 255), rgb + 1);
}

/* ---- the terminal ---------------------------------------------------------------- */

static gp_code put_terminal(writer *w)
{
    FILE *f = w->f;
    const plot_layout *l = w->l;
    double px = l->dpi / 96; /* pngcairo: 1 pt of font is 1/72 in at 96 dpi, lw 1 is 1 px */
    switch (w->fmt) {
    case GP_FMT_PNG:
        fprintf(f, "set terminal pngcairo size %d,%d enhanced font ", l->width, l->height);
        TRY(put_font(w, 1));
        fprintf(f, " fontscale %.4g linewidth %.4g pointscale %.4g background '#ffffff'\n", px,
                px * l->lw, px * l->lw);
        break;
    case GP_FMT_SVG: /* font sizes in px: pt * dpi / 72 */
        fprintf(f, "set terminal svg size %d,%d enhanced font ", l->width, l->height);
        TRY(put_font(w, 1));
        fprintf(f, " fontscale %.4g linewidth %.4g background '#ffffff'\n", l->dpi / 72,
                px * l->lw);
        break;
    case GP_FMT_PDF: /* lw 1 is 0.5 pt here, 0.75 pt (1 px at 96 dpi) elsewhere */
        fprintf(f, "set terminal pdfcairo size %.4gin,%.4gin enhanced font ", l->width / l->dpi,
                l->height / l->dpi);
        TRY(put_font(w, 1));
        fprintf(f, " linewidth %.4g pointscale %.4g\n", 1.5 * l->lw, 1.5 * l->lw);
        break;
    default:
        fprintf(f, "set terminal dumb size %d,%d noenhanced\n", w->chars_w, w->chars_h);
    }
    return GP_OK;
}

/* Point sizes: the svg terminal has no pointscale; its points are 1.48 times
 * pngcairo's at the same ps. */
static double point_size(const writer *w, double ps)
{
    return w->fmt == GP_FMT_SVG ? ps * w->l->dpi / 96 * w->l->lw / 1.48 : ps;
}

/* ---- layers ------------------------------------------------------------------------- */

/* The style of a filled band: translucent, opaque (nested bands: the colour
 * the translucent stack shows on white), or translucent with its outline. */
static void put_band_style(FILE *f, const char *rgb, double alpha, int mode, const double under[3])
{
    if (mode == BANDS_NESTED) {
        unsigned c[3];
        for (int k = 0; k < 3; k++) {
            unsigned v;
            sscanf(rgb + 1 + 2 * k, "%2x", &v);
            c[k] = (unsigned)lround(alpha * v + (1 - alpha) * under[k]);
        }
        fprintf(f, "with filledcurves fc rgb '#%02x%02x%02x' fs solid 1 noborder", c[0], c[1], c[2]);
    } else {
        fprintf(f, "with filledcurves fc rgb '%s' fs transparent solid %g ", rgb, alpha);
        if (mode == BANDS_OUTLINED)
            fprintf(f, "border lc rgb '%s' lw 1", rgb);
        else
            fputs("noborder", f);
    }
}

/* The style of curve j of layer L (lines, points, histogram). */
static void put_curve_style(writer *w, FILE *f, const plot_layer *L, const char *rgb)
{
    switch (L->kind) {
    case LAYER_LINES:
        fprintf(f, "with lines lw %g dt %d lc rgb ", L->width > 0 ? L->width : 1.5, L->dash + 1);
        put_color(f, rgb, L->alpha);
        break;
    case LAYER_POINTS:
        fprintf(f, "with points pt 7 ps %.4g lc rgb ", point_size(w, L->width > 0 ? L->width : 0.8));
        put_color(f, rgb, L->alpha);
        break;
    default: /* histogram */
        fprintf(f, "with boxes fc rgb '%s' fs transparent solid %g border lc rgb '%s'", rgb,
                isnan(L->alpha) ? 0.6 : L->alpha, rgb);
    }
}

/* The title of a clause: its own key entry, or notitle (when the panel's
 * legend is shared, the entry goes to the shared legend instead). */
static gp_code put_title(writer *w, const plot_panel *p, const char *title, const char *style)
{
    if (!title) {
        fputs(" notitle", w->f);
        return GP_OK;
    }
    if (p->legend == GP_LEGEND_SHARED && w->l->shared_legend) {
        fputs(" notitle", w->f);
        for (size_t i = 0; i < w->ntitles; i++)
            if (strcmp(w->titles[i], title) == 0)
                return GP_OK;
        w->titles[w->ntitles++] = title;
        fprintf(w->keys_f, ", \\\n    keyentry %s title ", style);
        return put_string(w, w->keys_f, "title", title);
    }
    fputs(" title ", w->f);
    return put_string(w, w->f, "title", title);
}

/* One clause: "$dID USING STYLE title ...", the style kept for a shared legend. */
static gp_code put_clause(writer *w, const plot_panel *p, int *first, int id, const char *using,
                          const char *style, const char *title)
{
    fprintf(w->f, "%s    $d%d %s %s", *first ? "" : ", \\\n", id, using, style);
    *first = 0;
    return put_title(w, p, title, style);
}

/* A style written into a string (caller frees). */
typedef void (*style_fn)(writer *w, FILE *f, const plot_layer *L, const char *rgb);

static char *style_text(writer *w, const plot_layer *L, const char *rgb, style_fn fn)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f)
        return NULL;
    fn(w, f, L, rgb);
    if (fclose(f) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

static gp_code nomem(writer *w)
{
    return gp_error_set(w->err, GP_ERR_NOMEM, "out of memory");
}

/* The bands of a panel drawn opaque, widest first, at the first band's place. */
static gp_code put_nested_bands(writer *w, const plot_panel *p, const plot_frame *fr, int base,
                                int *first)
{
    double under[3] = {255, 255, 255};
    for (size_t b = 0; b < fr->nbands; b++) {
        const plot_layer *L = &p->layers[fr->band_order[b]];
        const char *rgb = L->color[0] ? L->color : gp_gnuplot_palette[0];
        double alpha = isnan(L->alpha) ? 0.3 : L->alpha;
        char *style = NULL;
        size_t n = 0;
        FILE *s = open_memstream(&style, &n);
        if (!s)
            return nomem(w);
        put_band_style(s, rgb, alpha, BANDS_NESTED, under);
        fclose(s);
        gp_code rc = style ? put_clause(w, p, first, base + (int)fr->band_order[b], "using 1:2:3",
                                        style, L->title)
                           : nomem(w);
        free(style);
        TRY(rc);
        for (int k = 0; k < 3; k++) { /* the next ring is drawn over this one */
            unsigned v;
            sscanf(rgb + 1 + 2 * k, "%2x", &v);
            under[k] = alpha * v + (1 - alpha) * under[k];
        }
    }
    return GP_OK;
}

/* The clauses of layer L (datablock $d<id>); *next is the next palette colour. */
static gp_code put_layer(writer *w, const plot_panel *p, const plot_frame *fr, size_t index,
                         int id, int *first, int *next)
{
    const plot_layer *L = &p->layers[index];
    FILE *f = w->f;
    char using[64], *style;
    gp_code rc = GP_OK;
    switch (L->kind) {
    case LAYER_BAND: { /* (nested bands are drawn by put_nested_bands) */
        const char *rgb = L->color[0] ? L->color : gp_gnuplot_palette[0];
        if (w->plain) { /* text: the two edges, so that curves inside stay visible */
            TRY(put_clause(w, p, first, id, "using 1:2", "with lines dt 3 lc rgb '#000000'",
                           L->title));
            return put_clause(w, p, first, id, "using 1:3", "with lines dt 3 lc rgb '#000000'",
                              NULL);
        }
        double white[3] = {255, 255, 255};
        size_t n = 0;
        style = NULL;
        FILE *s = open_memstream(&style, &n);
        if (!s)
            return nomem(w);
        put_band_style(s, rgb, isnan(L->alpha) ? 0.3 : L->alpha, fr->bands, white);
        fclose(s);
        rc = style ? put_clause(w, p, first, id, "using 1:2:3", style, L->title) : nomem(w);
        free(style);
        return rc;
    }
    case LAYER_LINES:
    case LAYER_POINTS:
    case LAYER_HIST: {
        size_t curves = L->kind == LAYER_HIST ? 1 : L->cols - 1;
        for (size_t j = 0; j < curves && !rc; j++) {
            const char *rgb = L->color[0] ? L->color
                                          : gp_gnuplot_palette[(*next)++ % GP_GNUPLOT_NPALETTE];
            if (L->kind == LAYER_HIST)
                snprintf(using, sizeof using, "using 1:2:3");
            else
                snprintf(using, sizeof using, "using 1:%zu", j + 2);
            style = style_text(w, L, rgb, put_curve_style);
            rc = style ? put_clause(w, p, first, id, using, style, j == 0 ? L->title : NULL)
                       : nomem(w);
            free(style);
        }
        return rc;
    }
    case LAYER_HEATMAP: {
        if (!w->plain) /* (smooth heat maps are drawn by put_panel) */
            return put_clause(w, p, first, id, "using 1:2:3", "with image", L->title);
        /* text: one character of increasing density per character cell, from the
         * values interpolated there ('++' samples the panel, put_panel sets how often) */
        double lo, hi;
        plot_layer_zrange(L, &lo, &hi);
        fprintf(f, "%s    '++' using 1:2:(gprior_ramp(gprior_smooth%d($1, $2), %.17g, %.17g)) "
                   "with labels title ",
                *first ? "" : ", \\\n", id, lo, hi > lo ? hi : lo + 1);
        *first = 0;
        char *shown = NULL, *key = NULL;
        int enhanced;
        size_t n = 0;
        if (L->title)
            TRY(plot_text_render("title", L->title, 0, 1, &shown, &enhanced, w->err));
        FILE *k = open_memstream(&key, &n);
        if (k) {
            fprintf(k, "%s%s'.' = %.3g .. '@' = %.3g", shown ? shown : "", shown ? ": " : "", lo,
                    hi);
            fclose(k);
        }
        free(shown);
        rc = key ? gp_gnuplot_quote(f, "title", key, w->err) : nomem(w);
        free(key);
        if (!rc)
            fputs(" noenhanced", f);
        return rc;
    }
    case LAYER_CONTOUR: {
        char line[96];
        snprintf(line, sizeof line, "with lines lw %g dt %d lc rgb '%s'", L->width, L->dash + 1,
                 L->color);
        fprintf(f, "%s    $c%d using 1:2 %s", *first ? "" : ", \\\n", id, line);
        *first = 0;
        TRY(put_title(w, p, L->title, line));
        if (L->labels) {
            size_t every = (L->nx + L->ny) / 2 > 4 ? (L->nx + L->ny) / 2 : 4;
            fprintf(f, ", \\\n    $c%d using 1:2:(sprintf('%%.3g', $3)) every %zu::%zu with labels "
                       "%sfont ",
                    id, every, every / 2, w->plain ? "" : "boxed ");
            TRY(put_font(w, 0.75));
            fputs(" notitle", f);
        }
        return GP_OK;
    }
    default: /* surface */
        return put_clause(w, p, first, id, "using 1:2:3",
                          w->plain ? "with lines lc rgb '#000000'" : "with pm3d", L->title);
    }
}

/* ---- panels ------------------------------------------------------------------------ */

static void put_range(FILE *f, char axis, const double given[2], const double shared[2],
                      int logscale, int fix, int reverse)
{
    const double *r = !isnan(given[0]) ? given : shared;
    fprintf(f, "%s logscale %c\nset autoscale %c\n", logscale ? "set" : "unset", axis, axis);
    if (fix)
        fprintf(f, "set autoscale %cfix\n", axis);
    if (isnan(r[0]))
        fprintf(f, "set %crange [*:*] %sreverse\n", axis, reverse ? "" : "no");
    else if (reverse)
        fprintf(f, "set %crange [%.17g:%.17g] noreverse\n", axis, r[1], r[0]);
    else
        fprintf(f, "set %crange [%.17g:%.17g] noreverse\n", axis, r[0], r[1]);
}

static void put_palette(FILE *f, const plot_layer *L)
{
    static const char *const defs[] = {
        "set palette defined (0 '#440154', 1 '#482878', 2 '#3e4989', 3 '#31688e', "
        "4 '#26828e', 5 '#1f9e89', 6 '#35b779', 7 '#6ece58', 8 '#b5de2b', 9 '#fde725')",
        "set palette gray",
        "set palette rgbformulae 21,22,23",
        "set palette defined (0 '#2166ac', 1 '#67a9cf', 2 '#d1e5f0', 3 '#f7f7f7', "
        "4 '#fddbc7', 5 '#ef8a62', 6 '#b2182b')"};
    fprintf(f, "%s\n", defs[L->palette]);
    double r[2];
    plot_layer_cbrange(L, r);
    fprintf(f, "set cbrange [%.17g:%.17g]\n", r[0], r[1]);
}

static const char *const key_places[] = {
    [GP_LEGEND_TOP_LEFT] = "top left",       [GP_LEGEND_TOP_RIGHT] = "top right",
    [GP_LEGEND_BOTTOM_LEFT] = "bottom left", [GP_LEGEND_BOTTOM_RIGHT] = "bottom right",
    [GP_LEGEND_OUTSIDE] = "outside right top", [GP_LEGEND_BELOW] = "below center horizontal"};

static gp_code put_panel(writer *w, size_t k, int base)
{
    FILE *f = w->f;
    const gp_figure *fig = w->fig;
    const plot_panel *p = &fig->panels[k];
    const plot_frame *fr = &w->l->frames[k];
    int three_d = plot_panel_is_3d(p);
    const plot_layer *map = NULL, *smooth = NULL;
    int hist = 0;
    for (size_t i = 0; i < p->nlayers; i++) {
        int kind = p->layers[i].kind;
        if ((kind == LAYER_HEATMAP || kind == LAYER_SURFACE) && !map)
            map = &p->layers[i];
        if (kind == LAYER_HEATMAP && (p->layers[i].smooth || w->plain) && !smooth)
            smooth = &p->layers[i];
        hist |= kind == LAYER_HIST;
    }
    fprintf(f, "\n# ---- panel %zu\n", k + 1);
    const char *ratio = p->aspect == 0 ? "noratio" : NULL;
    char ratio_buf[32];
    if (!ratio) {
        snprintf(ratio_buf, sizeof ratio_buf, "ratio %.6g", p->aspect);
        ratio = ratio_buf;
    }
    if (w->l->multi)
        fprintf(f, "set origin %.6g,%.6g\nset size %s %.6g,%.6g\n", fr->x0, fr->y0, ratio, fr->w,
                fr->h);
    else
        fprintf(f, "set size %s\n", ratio);
    const char *title = p->title || w->l->multi ? p->title : fig->title;
    TRY(put_text_setting(w, "title", title, 1.1));
    TRY(put_text_setting(w, "xlabel", p->xlabel, 0));
    TRY(put_text_setting(w, "ylabel", p->ylabel, 0));
    TRY(put_text_setting(w, "zlabel", three_d ? p->zlabel : NULL, 0));
    int reverse = map && map->kind == LAYER_HEATMAP && map->index_y;
    put_range(f, 'x', p->xr, fr->xr, p->logx, !hist || three_d, 0);
    put_range(f, 'y', p->yr, fr->yr, p->logy, map != NULL || three_d, reverse);
    static const char *const sides[] = {"l", "r", "b", "t"};
    for (int m = 0; m < 4; m++)
        if (isnan(fr->margin[m]) || w->plain)
            fprintf(f, "set %smargin -1\n", sides[m]);
        else
            fprintf(f, "set %smargin %.3g\n", sides[m], fr->margin[m]);
    for (int a = 0; a < 2; a++)
        if (fr->tics[a] > 0 && !w->plain)
            fprintf(f, "set %ctics %.17g\n", "xy"[a], fr->tics[a]);
        else
            fprintf(f, "set %ctics autofreq\n", "xy"[a]);
    fprintf(f, "set format x %s\nset format y %s\n",
            fr->decades_x ? (w->plain ? "'10^%L'" : "'10^{%L}'") : "'% h'",
            fr->decades_y ? (w->plain ? "'10^%L'" : "'10^{%L}'") : "'% h'");
    if (fr->legend == GP_LEGEND_OFF || fr->legend == GP_LEGEND_SHARED) {
        fputs("unset key\n", f);
    } else {
        int outside = fr->legend == GP_LEGEND_OUTSIDE || fr->legend == GP_LEGEND_BELOW;
        fprintf(f, "set key %s reverse Left %s samplen 2\n", key_places[fr->legend],
                outside ? "noopaque nobox"
                        : "opaque fc rgb '#33ffffff' box lc rgb '#cccccc'");
    }
    if (map) {
        put_palette(f, map);
        if (map->colorbar && !w->plain)
            fputs("set colorbox\n", f);
        else
            fputs("unset colorbox\n", f);
        TRY(put_text_setting(w, "cblabel", map->colorbar ? map->cblabel : NULL, 0));
        double r[2]; /* gnuplot leaves room for about 2 characters of tic labels */
        plot_layer_cbrange(map, r);
        fprintf(f, "set cblabel offset %.3g,0\n", fmax(0, plot_tic_chars(r, 0) - 1));
    } else {
        fputs("unset colorbox\nunset cblabel\n", f);
    }
    if (three_d)
        fprintf(f, "set view %.6g,%.6g\nset xyplane relative 0\nset pm3d depthorder\n"
                   "set border 895 back lc rgb '#404040'\nunset grid\n",
                map->view[0], map->view[1]);
    else if (!w->plain)
        fputs("set border 3 back lc rgb '#404040'\nset grid back lc rgb '#dddddd' lw 1 dt 1\n", f);
    if (smooth) { /* '++' samples 200 times across (more on a finer grid), or 1.5 per character */
        int sx = (int)fmin(1000, fmax(2.0 * smooth->nx, 200));
        int sy = (int)fmin(1000, fmax(2.0 * smooth->ny, 200));
        if (w->plain)
            sx = (int)fmax(2, 1.5 * (w->chars_w * fr->w - 12)),
            sy = (int)fmax(2, 1.5 * (w->chars_h * fr->h - 5));
        /* '++' samples urange x vrange: the panel's ranges (maps always have them) */
        const double *xr = isnan(p->xr[0]) ? fr->xr : p->xr, *yr = isnan(p->yr[0]) ? fr->yr : p->yr;
        fprintf(f, "set samples %d\nset isosamples %d\nset urange [%.17g:%.17g]\n"
                   "set vrange [%.17g:%.17g]\n",
                sx, sy, xr[0], xr[1], yr[0], yr[1]);
    }
    fputs(three_d ? "splot \\\n" : "plot \\\n", f);
    int first = 1, next = 0;
    for (size_t i = 0; i < p->nlayers; i++) {
        const plot_layer *L = &p->layers[i];
        if (L->kind == LAYER_BAND && fr->bands == BANDS_NESTED && !w->plain) {
            size_t first_band = p->nlayers; /* all are drawn at the first one's place */
            for (size_t b = 0; b < fr->nbands; b++)
                first_band = fr->band_order[b] < first_band ? fr->band_order[b] : first_band;
            if (i == first_band)
                TRY(put_nested_bands(w, p, fr, base, &first));
            continue;
        }
        if (L->kind == LAYER_HEATMAP && L->smooth && !w->plain) {
            fprintf(f, "%s    '++' using 1:2:(gprior_smooth%d($1, $2)) with image",
                    first ? "" : ", \\\n", base + (int)i);
            first = 0;
            TRY(put_title(w, p, L->title, "with image"));
            continue;
        }
        TRY(put_layer(w, p, fr, i, base + (int)i, &first, &next));
    }
    fputs("\n", f);
    if (smooth)
        fputs("set samples 100\nset isosamples 10\n", f);
    return GP_OK;
}

/* ---- data and the tables gnuplot derives from it ---------------------------------------- */

static void put_data(FILE *f, const plot_layer *L, int id)
{
    fprintf(f, "$d%d << EOD\n", id);
    for (size_t r = 0; r < L->rows; r++) {
        for (size_t c = 0; c < L->cols; c++)
            fprintf(f, c ? " %.17g" : "%.17g", L->data[c * L->rows + r]);
        fputc('\n', f);
        if (L->block && (r + 1) % L->block == 0 && r + 1 < L->rows)
            fputc('\n', f);
    }
    fputs("EOD\n", f);
}

/* Contour lines of $d<id> into $c<id> (gnuplot's contouring, at render time). */
static void put_contour_table(FILE *f, const plot_layer *L, int id)
{
    fputs("set contour base\nunset surface\n", f);
    if (L->levels) {
        fputs("set cntrparam levels discrete ", f);
        for (int i = 0; i < L->nlevels; i++)
            fprintf(f, i ? ",%.17g" : "%.17g", L->levels[i]);
        fputc('\n', f);
    } else {
        fprintf(f, "set cntrparam levels auto %d\n", L->nlevels);
    }
    fprintf(f, "set table $c%d\nsplot $d%d using 1:2:3\nunset table\nunset contour\nset surface\n",
            id, id);
}

/* A smooth heat map: gprior_smooth<id>(x, y) interpolates $d<id> bilinearly
 * (the grid is even: cell (i, j) from the spacing). Written with function
 * arguments only: gnuplot looks a global variable up by name at every use,
 * which made the 40000 evaluations of a heat map cost more than the rest of
 * a figure. u, v: grid coordinates clamped to the grid; i, j: the cell. */
static void put_smooth_function(FILE *f, const plot_layer *L, int id)
{
    size_t nx = L->nx, ny = L->ny, n = L->rows;
    const double *x = L->data, *y = L->data + n;
    double dx = (x[nx - 1] - x[0]) / (double)(nx - 1), dy = (y[n - 1] - y[0]) / (double)(ny - 1);
    fprintf(f,
            "# heat map %d, smooth: bilinear interpolation between its %zu x %zu values\n"
            "array gprior_z%d[%zu]\n"
            "gprior_k = 0\n"
            "stats $d%d using (gprior_k = gprior_k + 1, gprior_z%d[gprior_k] = $3, 0) nooutput\n"
            "gprior_at%d(i, j) = gprior_z%d[j * %zu + i + 1]\n",
            id, nx, ny, id, n, id, id, id, id, nx);
    const char axis[2] = {'u', 'v'};
    const size_t last[2] = {nx - 1, ny - 1};
    for (int a = 0; a < 2; a++)
        fprintf(f,
                "gprior_c%c%d(t) = t < 0 ? 0 : t > %zu ? %zu : t\n"
                "gprior_f%c%d(t) = t < 0 ? 0 : t > %zu ? %zu : floor(t)\n",
                axis[a], id, last[a], last[a], axis[a], id, last[a] - 1, last[a] - 1);
    fprintf(f,
            "gprior_bl%d(u, v, i, j) = (1 - (u - i)) * (1 - (v - j)) * gprior_at%d(i, j) + "
            "(u - i) * (1 - (v - j)) * gprior_at%d(i + 1, j) + "
            "(1 - (u - i)) * (v - j) * gprior_at%d(i, j + 1) + "
            "(u - i) * (v - j) * gprior_at%d(i + 1, j + 1)\n"
            "gprior_uv%d(u, v) = gprior_bl%d(gprior_cu%d(u), gprior_cv%d(v), gprior_fu%d(u), "
            "gprior_fv%d(v))\n"
            "gprior_smooth%d(x, y) = gprior_uv%d((x - %.17g) / %.17g, (y - %.17g) / %.17g)\n",
            id, id, id, id, id, id, id, id, id, id, id, id, id, x[0], dx, y[0], dy);
}

/* ---- the shared legend -------------------------------------------------------------- */

static gp_code put_shared_legend(writer *w)
{
    FILE *f = w->f;
    if (fclose(w->keys_f) != 0) {
        w->keys_f = NULL;
        return nomem(w);
    }
    w->keys_f = NULL;
    fprintf(f, "\n# ---- the shared legend\nset origin 0,0\nset size noratio 1,%.6g\n"
               "unset border\nunset tics\nunset grid\nunset title\nunset xlabel\nunset ylabel\n"
               "unset colorbox\nunset logscale\n"
               "set key center center horizontal reverse Left noopaque nobox samplen 2\n"
               "plot [0:1][0:1] NaN notitle%s\n",
            w->l->bottom, w->keys ? w->keys : "");
    return GP_OK;
}

/* ---- the script ---------------------------------------------------------------------- */

static gp_code put_script(writer *w, const char *image_name)
{
    FILE *f = w->f;
    const gp_figure *fig = w->fig;
    fputs("# Figure written by gprior. Re-render it with:  gnuplot <this file>\n"
          "# from any folder: the image is written beside this script (or to\n"
          "# gprior_output if set: gnuplot -e \"gprior_output='x.png'\" <this file>;\n"
          "# gprior_output='' writes to standard output).\n"
          "# All data are inline below; edit the settings freely.\n"
          "set encoding utf8\n"
          "gprior_arg0 = exists(\"ARG0\") ? ARG0 : ''\n"
          "gprior_i = strlen(gprior_arg0)\n"
          "while (gprior_i > 0 && gprior_arg0[gprior_i:gprior_i] ne '/') { gprior_i = gprior_i - 1 }\n"
          "gprior_dir = gprior_i > 0 ? gprior_arg0[1:gprior_i - 1] : '.'\n"
          "gprior_default = gprior_dir . '/' . ", f);
    TRY(gp_gnuplot_quote(f, "file name", image_name, w->err));
    fputs("\ngprior_output = exists(\"gprior_output\") ? gprior_output : gprior_default\n"
          "# A relative name gets a leading ./ so that gnuplot never takes it for a\n"
          "# pipe ('|command') or a home folder ('~').\n"
          "if (gprior_output ne '' && gprior_output[1:1] ne '/') { gprior_output = './' . gprior_output }\n",
          f);
    fprintf(f, "# theme: %s\n", plot_theme_get(fig->theme)->name);
    TRY(put_terminal(w));
    fputs("if (gprior_output eq '') { set output } else { set output gprior_output }\n", f);
    if (!w->plain)
        fputs("set grid back lc rgb '#dddddd' lw 1 dt 1\n", f);
    fputs("set border 3 back lc rgb '#404040'\n"
          "set tics nomirror out scale 0.5\n"
          "set style textbox opaque noborder\n", f);
    if (w->plain) /* heat maps as characters of increasing density */
        fputs("gprior_ramp(z, lo, hi) = (gprior_q = int((z - lo) / (hi - lo) * 8.999) + 1, "
              "'.:-=+*#%@'[gprior_q:gprior_q])\n", f);
    fputc('\n', f);
    int id = 1;
    for (size_t i = 0; i < fig->npanels; i++)
        for (size_t j = 0; j < fig->panels[i].nlayers; j++, id++) {
            const plot_layer *L = &fig->panels[i].layers[j];
            put_data(f, L, id);
            if (L->kind == LAYER_CONTOUR)
                put_contour_table(f, L, id);
            if (L->kind == LAYER_HEATMAP && (L->smooth || w->plain))
                put_smooth_function(f, L, id);
        }
    if (w->l->multi) {
        fputs("\nset multiplot", f);
        if (fig->title) {
            fputs(" title ", f);
            TRY(put_string(w, f, "figure title", fig->title));
            if (!w->plain) {
                fputs(" font ", f);
                TRY(put_font(w, 1.25));
            }
        }
        fputc('\n', f);
    }
    id = 1;
    for (size_t i = 0; i < fig->npanels; i++) {
        TRY(put_panel(w, i, id));
        id += (int)fig->panels[i].nlayers;
    }
    if (w->l->shared_legend)
        TRY(put_shared_legend(w));
    if (w->l->multi)
        fputs("unset multiplot\n", f);
    fputs("unset output\n", f);
    return GP_OK;
}

gp_code gp_figure_script(const gp_figure *fig, gp_format fmt, int width, int height,
                         const char *image_name, char **script, gp_error *err)
{
    size_t len = 0;
    *script = NULL;
    plot_layout layout;
    int px = fmt == GP_FMT_TXT ? 0 : width;
    gp_code rc = plot_layout_make(fig, px, fmt == GP_FMT_TXT ? 0 : height, &layout, err);
    if (rc)
        return rc;
    writer w = {.fig = fig, .l = &layout, .fmt = fmt, .plain = fmt == GP_FMT_TXT, .err = err};
    if (fmt == GP_FMT_TXT) {
        w.chars_w = width > 0 ? width : layout.width / 8 > 20 ? layout.width / 8 : 20;
        w.chars_h = height > 0 ? height : layout.height / 16 > 10 ? layout.height / 16 : 10;
    }
    w.titles = calloc(gp_figure_layers(fig) + 1, sizeof *w.titles);
    w.keys_f = open_memstream(&w.keys, &w.keys_len);
    w.f = open_memstream(script, &len);
    if (!w.titles || !w.keys_f || !w.f)
        rc = gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    else
        rc = put_script(&w, image_name);
    if (w.f && fclose(w.f) != 0 && !rc)
        rc = gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    if (w.keys_f)
        fclose(w.keys_f);
    free(w.keys);
    free(w.titles);
    plot_layout_free(&layout);
    if (rc) {
        free(*script);
        *script = NULL;
    }
    return rc;
}
