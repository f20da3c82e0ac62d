/* gp_plot.h: figures drawn by gnuplot.
 *
 * A figure is a grid of panels (one panel: an ordinary plot; several: a gnuplot
 * multiplot, rows x cols automatic or given); a panel is a list of layers
 * drawn in the order they were added. The model copies every array and string
 * it is given; the caller keeps ownership of its own.
 *
 * gp_figure_save writes the image and, beside it, a self-contained gnuplot
 * script <path>.gp (x.png.gp: one per image) holding all data inline (datablocks,
 * %.17g), so `gnuplot plots/x.png.gp`, run from any folder, re-renders
 * plots/x.png and can be restyled by hand. gnuplot never sees a file name
 * from gprior: it reads the script on stdin and prints the image on stdout
 * (gp_gnuplot_run), so no name can be taken for a pipe or an option.
 *
 * Themes: a figure is drawn for a medium (gp_theme): the size of the canvas,
 * the fonts and the line widths come from it, and look the same in every
 * format (PNG and SVG at the theme's pixels, PDF at pixels / dpi inches).
 *
 * Text: titles, labels and legend entries are drawn as written (UTF-8: ±, α,
 * σ² need nothing special), except between pairs of $: there the text is
 * mathematics (gp_plot_text.c): x^2, k_{J}, \alpha, \ell, \pm, ... become
 * superscripts, subscripts and symbols. With the figure's `enhanced` flag
 * whole strings are gnuplot enhanced-text markup instead. Every string goes
 * through gp_gnuplot_quote (gp_gnuplot.h): control characters are an error;
 * nothing a user writes is ever executed.
 *
 * Grids of values (heatmap, contour, surface) share one orientation: Z is
 * ny x nx and Z(i, j) is the value at (x_j, y_i), so a row of Z is a row of
 * the picture (y fixed) and a column is a column (x fixed). Z may also be a
 * vector of the nx ny values in the order of gp_matrix_grid(x, y) (x varying
 * fastest: value i nx + j at (x_j, y_i)), for example a sample drawn on that
 * grid. */
#ifndef GP_PLOT_H
#define GP_PLOT_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_matrix.h"

typedef struct gp_figure gp_figure;

typedef enum gp_legend {
    GP_LEGEND_INHERIT = 0, /* panel: as the figure; figure: automatic */
    GP_LEGEND_AUTO,        /* where it covers the data least, outside when no corner is free */
    GP_LEGEND_OFF,
    GP_LEGEND_TOP_LEFT,
    GP_LEGEND_TOP_RIGHT,
    GP_LEGEND_BOTTOM_LEFT,
    GP_LEGEND_BOTTOM_RIGHT,
    GP_LEGEND_OUTSIDE, /* right of the plot */
    GP_LEGEND_BELOW,   /* below the plot */
    GP_LEGEND_SHARED   /* figure only: one legend for all panels, below them */
} gp_legend;

/* Media the figure is drawn for. */
typedef enum gp_theme {
    GP_THEME_NOTEBOOK = 0, /* screens and web pages: 800 x 500 px, 11 pt (the default) */
    GP_THEME_PAPER,        /* print: 4.8 x 3 in (LaTeX's text width), 9 pt, PNG at 300 dpi */
    GP_THEME_SLIDES        /* a 16:9 slide: 1600 x 900 px whatever the grid, 20 pt, thick lines */
} gp_theme;

/* Panels that share an axis range: none, all, those in the same row, or in
 * the same column. Sharing is among panels of one kind (curves with curves,
 * maps with maps; surfaces never) whose range on that axis was not given. */
typedef enum gp_share { GP_SHARE_NONE = 0, GP_SHARE_ALL, GP_SHARE_ROW, GP_SHARE_COL } gp_share;

/* Panel settings. A field left at its "inherit" value (NULL strings, NaN
 * range ends, -1 flags, GP_LEGEND_INHERIT, NaN aspect) takes the figure's default. */
typedef struct gp_panel_opts {
    const char *title, *xlabel, *ylabel, *zlabel; /* zlabel: surfaces */
    double xmin, xmax, ymin, ymax; /* both ends given, or both NaN (automatic) */
    int logx, logy;                /* 1 = log scale, 0 = linear, -1 = inherit */
    gp_legend legend;
    double aspect; /* height / width of the plot area: > 0; -1 equal units on x and y;
                      0 free (the default); NaN inherit */
} gp_panel_opts;

void gp_panel_opts_init(gp_panel_opts *o);

typedef struct gp_figure_opts {
    const char *title;   /* figure title (above all panels) or NULL */
    int width, height;   /* pixels; 0 = the theme's */
    int rows, cols;      /* layout; 0, 0 = automatic */
    int enhanced;        /* 1 = gnuplot enhanced text markup in all strings */
    gp_theme theme;
    const char *font;    /* "Name,size", "Name" or ",size" (points); NULL = the theme's */
    double fontscale;    /* multiplies every font size, (0, 10]; 0 = 1 */
    gp_share sharex, sharey;
    gp_panel_opts panel; /* defaults for every panel */
} gp_figure_opts;

void gp_figure_opts_init(gp_figure_opts *o);

/* Layer style. */
typedef struct gp_style {
    const char *title; /* key entry, NULL = none */
    const char *color; /* name, C0..C9 or #rrggbb; NULL = default */
    double width;      /* line width (points: point size); 0 = default */
    int dash;          /* 0 solid, 1 dashed, 2 dotted, 3 dash-dot, 4 dash-dot-dot */
    double alpha;      /* opacity in (0, 1]; NaN = default */
} gp_style;

void gp_style_init(gp_style *s);

/* Palettes of heat maps and surfaces. */
typedef enum gp_palette {
    GP_PAL_VIRIDIS = 0, /* dark blue - green - yellow (default) */
    GP_PAL_GRAY,
    GP_PAL_HOT,  /* black - red - yellow - white */
    GP_PAL_RDBU  /* diverging blue - white - red, centred on 0 */
} gp_palette;

/* Options of the grid layers (heatmap, contour, surface); each reads its own. */
typedef struct gp_map_opts {
    const char *title;    /* key entry, NULL = none */
    gp_palette palette;   /* heatmap, surface */
    int smooth;           /* heatmap: 1 = interpolated (bilinear) instead of cells */
    int colorbar;         /* heatmap, surface: 1 = draw the colour bar (default), 0 = not */
    const char *cblabel;  /* its label, NULL = none */
    int nlevels;          /* contour: about this many levels at round values (default 8), */
    const double *levels; /* or exactly these nlevels levels (increasing) when not NULL */
    int labels;           /* contour: 1 = label the lines with their level (default) */
    const char *color;    /* contour: line colour (default black) */
    double width;         /* contour: line width (default 1) */
    double view[2];       /* surface: rotation about x and z in degrees (default 60, 30) */
} gp_map_opts;

void gp_map_opts_init(gp_map_opts *o);

/* New empty figure (NULL opts = defaults); NULL on error. Free with
 * gp_figure_free (NULL is fine). */
gp_figure *gp_figure_new(const gp_figure_opts *opts, gp_error *err);
void gp_figure_free(gp_figure *fig);

size_t gp_figure_panels(const gp_figure *fig);
size_t gp_figure_layers(const gp_figure *fig); /* over all panels */

/* Start a new panel; later layers go into it. Layers added before any panel
 * go into an implicit first panel with the figure's defaults. */
gp_code gp_figure_panel(gp_figure *fig, const gp_panel_opts *opts, gp_error *err);

/* Layers. Vectors are n x 1 or 1 x n matrices; lengths must agree and all
 * values be finite, else an error naming the argument.
 *   lines:     x (n), Y (n x m, or a vector of n): m curves y = Y(:, j);
 *              colors cycle through C0..C9 unless style->color; width 1.5.
 *   line:      one curve; default black, width 3 (for a mean).
 *   band:      x, lower, upper (n each), lower <= upper: a shaded area,
 *              default light blue at opacity 0.3, no border. Several bands
 *              in one panel are drawn so that the legend shows what is seen:
 *              nested bands opaque, widest first; overlapping ones outlined.
 *   band_sd:   the band mean -+ k sd (sd >= 0, k >= 0 finite).
 *   points:    x (n), y (n, or n x m: m point sets); style->width is the
 *              point size (default 0.8).
 *   histogram: all values of v in `bins` equal bins over [min, max];
 *              heights are counts, or densities (integrate to 1) if density.
 * Grid layers: Z as described at the top (ny x nx, or nx ny values in grid
 * order when x and y are given); x (nx) and y (ny) increasing, and for a
 * heat map evenly spaced; at least 2 x 2 values.
 *   heatmap:   Z as coloured cells (or interpolated: opts->smooth); x, y NULL:
 *              column / row numbers 1..nx, 1..ny with row 1 at the top (like a
 *              printed matrix).
 *   contour:   lines of equal Z (gnuplot's contouring at render time), on
 *              their own or over a heat map; x and y required.
 *   surface:   Z as a coloured surface seen from opts->view; a surface panel
 *              holds surfaces only (start a new panel for anything else). */
gp_code gp_figure_lines(gp_figure *fig, const gp_matrix *x, const gp_matrix *Y,
                        const gp_style *style, gp_error *err);
gp_code gp_figure_line(gp_figure *fig, const gp_matrix *x, const gp_matrix *y,
                       const gp_style *style, gp_error *err);
gp_code gp_figure_band(gp_figure *fig, const gp_matrix *x, const gp_matrix *lower,
                       const gp_matrix *upper, const gp_style *style, gp_error *err);
gp_code gp_figure_band_sd(gp_figure *fig, const gp_matrix *x, const gp_matrix *mean,
                          const gp_matrix *sd, double k, const gp_style *style, gp_error *err);
gp_code gp_figure_points(gp_figure *fig, const gp_matrix *x, const gp_matrix *y,
                         const gp_style *style, gp_error *err);
gp_code gp_figure_histogram(gp_figure *fig, const gp_matrix *v, size_t bins, int density,
                            const gp_style *style, gp_error *err);
gp_code gp_figure_heatmap(gp_figure *fig, const gp_matrix *x, const gp_matrix *y,
                          const gp_matrix *Z, const gp_map_opts *opts, gp_error *err);
gp_code gp_figure_contour(gp_figure *fig, const gp_matrix *x, const gp_matrix *y,
                          const gp_matrix *Z, const gp_map_opts *opts, gp_error *err);
gp_code gp_figure_surface(gp_figure *fig, const gp_matrix *x, const gp_matrix *y,
                          const gp_matrix *Z, const gp_map_opts *opts, gp_error *err);

/* Output formats, from a file extension. */
typedef enum gp_format { GP_FMT_PNG, GP_FMT_SVG, GP_FMT_PDF, GP_FMT_TXT } gp_format;
gp_code gp_format_from_path(const char *path, gp_format *out, gp_error *err);

/* The gnuplot script for fig (malloc'ed text in *script; caller frees).
 * image_name is the image's file name without folder: the script writes to
 * gprior_output if defined (gnuplot -e; '' = standard output, which is how
 * gprior runs it), else to image_name in the script's own folder (from ARG0);
 * a relative name is written as ./name, never a pipe or option.
 * width, height: pixels (characters for GP_FMT_TXT); 0 = default. */
gp_code gp_figure_script(const gp_figure *fig, gp_format fmt, int width, int height,
                         const char *image_name, char **script, gp_error *err);

/* Write path (.png, .svg, .pdf or .txt) and <path>.gp (x.png.gp), both
 * through temporary names renamed into place after gnuplot succeeded; on
 * failure neither file is created or changed. Creates the folder if needed. */
gp_code gp_figure_save(const gp_figure *fig, const char *path, gp_error *err);

/* Render with gnuplot's dumb terminal, width x height characters (0 = 100 x 30);
 * *text is malloc'ed (caller frees). Bands are drawn as their edges and heat
 * maps as characters of increasing density, so that text shows them. */
gp_code gp_figure_render_text(const gp_figure *fig, int width, int height, char **text,
                              gp_error *err);

/* The preview height in lines that keeps fig's proportions at width
 * characters (a character is about twice as tall as wide), within 10..max_height. */
int gp_figure_text_height(const gp_figure *fig, int width, int max_height);

#endif
