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
 * Text: titles and labels are drawn literally (gnuplot "noenhanced") unless
 * the figure asks for enhanced text, where ^ _ { } @ & ~ are markup
 * (x^2, x_{i}). Every string goes through gp_gnuplot_quote (gp_gnuplot.h):
 * control characters are an error; nothing a user writes is ever executed. */
#ifndef GP_PLOT_H
#define GP_PLOT_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_matrix.h"

typedef struct gp_figure gp_figure;

typedef enum gp_legend {
    GP_LEGEND_INHERIT = 0, /* panel: as the figure; figure: automatic */
    GP_LEGEND_AUTO,        /* top left if some layer has a title, else off */
    GP_LEGEND_OFF,
    GP_LEGEND_TOP_LEFT,
    GP_LEGEND_TOP_RIGHT,
    GP_LEGEND_BOTTOM_LEFT,
    GP_LEGEND_BOTTOM_RIGHT,
    GP_LEGEND_OUTSIDE /* right of the plot */
} gp_legend;

/* Panel settings. A field left at its "inherit" value (NULL strings, NaN
 * range ends, -1 flags, GP_LEGEND_INHERIT) takes the figure's default. */
typedef struct gp_panel_opts {
    const char *title, *xlabel, *ylabel;
    double xmin, xmax, ymin, ymax; /* both ends given, or both NaN (automatic) */
    int logx, logy;                /* 1 = log scale, 0 = linear, -1 = inherit */
    gp_legend legend;
} gp_panel_opts;

void gp_panel_opts_init(gp_panel_opts *o);

typedef struct gp_figure_opts {
    const char *title;   /* figure title (above all panels) or NULL */
    int width, height;   /* pixels; 0 = automatic (800 x 500 for one panel) */
    int rows, cols;      /* layout; 0, 0 = automatic */
    int enhanced;        /* 1 = gnuplot enhanced text markup in all strings */
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

/* Heatmap palettes. */
typedef enum gp_palette {
    GP_PAL_VIRIDIS = 0, /* dark blue - green - yellow (default) */
    GP_PAL_GRAY,
    GP_PAL_HOT,  /* black - red - yellow - white */
    GP_PAL_RDBU  /* diverging blue - white - red, centred on 0 */
} gp_palette;

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
 *              default light blue at opacity 0.3, no border.
 *   band_sd:   the band mean -+ k sd (sd >= 0, k >= 0 finite).
 *   points:    x (n), y (n, or n x m: m point sets); style->width is the
 *              point size (default 0.8).
 *   heatmap:   Z (ny x nx), Z(i, j) drawn at (x_j, y_i); x (nx) and y (ny)
 *              evenly spaced coordinates, or NULL for column / row numbers
 *              1..nx, 1..ny with row 1 at the top (like a printed matrix).
 *   histogram: all values of v in `bins` equal bins over [min, max];
 *              heights are counts, or densities (integrate to 1) if density. */
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
gp_code gp_figure_heatmap(gp_figure *fig, const gp_matrix *Z, const gp_matrix *x,
                          const gp_matrix *y, gp_palette palette, const char *title,
                          gp_error *err);
gp_code gp_figure_histogram(gp_figure *fig, const gp_matrix *v, size_t bins, int density,
                            const gp_style *style, gp_error *err);

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
 * *text is malloc'ed (caller frees). */
gp_code gp_figure_render_text(const gp_figure *fig, int width, int height, char **text,
                              gp_error *err);

/* ---- internal layout, shared by gp_plot.c (the model) and gp_gnuplot.c (the
 * script writer); everything else uses the functions above. ---------------- */

/* A layer is a table of rows x cols doubles (column-major), written as one
 * datablock; heatmaps put a blank line after every `block` rows. */
enum { LAYER_LINES, LAYER_BAND, LAYER_POINTS, LAYER_HEATMAP, LAYER_HIST };

typedef struct plot_layer {
    int kind;
    size_t rows, cols, block;
    double *data;
    char *title;   /* key entry or NULL */
    char color[8]; /* "#rrggbb" or "" for the default */
    double width, alpha;
    int dash, index_y;
    gp_palette palette;
} plot_layer;

typedef struct plot_panel {
    char *title, *xlabel, *ylabel;
    double xr[2], yr[2]; /* NaN = automatic */
    int logx, logy;
    gp_legend legend;
    plot_layer *layers;
    size_t nlayers;
} plot_panel;

struct gp_figure {
    char *title;
    int width, height, rows, cols, enhanced;
    plot_panel defaults; /* settings inherited by every panel (no layers) */
    plot_panel *panels;
    size_t npanels;
};

#endif
