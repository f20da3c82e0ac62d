/* gp_plot_impl.h: the figure's internal layout, shared by the files that make
 * up the figure module and nothing else:
 *   gp_plot.c         the model: figures, panels, the 1-D layers
 *   gp_plot_grid.c    the grid layers: heatmap, contour, surface (Z orientation)
 *   gp_plot_text.c    text: $maths$ to gnuplot's enhanced text or plain UTF-8
 *   gp_plot_layout.c  themes, canvas and panel positions, axis ranges (shared
 *                     axes), legend placement, how bands are drawn
 *   gp_plot_script.c  the gnuplot script
 *   gp_plot_save.c    formats, saving, the text preview
 * Everything else uses gp_plot.h. */
#ifndef GP_PLOT_IMPL_H
#define GP_PLOT_IMPL_H

#include "gp_plot.h"

/* A layer is a table of rows x cols doubles (column-major), written as one
 * datablock; grid layers put a blank line after every `block` rows. */
enum { LAYER_LINES, LAYER_BAND, LAYER_POINTS, LAYER_HEATMAP, LAYER_HIST, LAYER_CONTOUR,
       LAYER_SURFACE };

typedef struct plot_layer {
    int kind;
    size_t rows, cols, block;
    double *data;
    char *title;   /* key entry or NULL */
    char color[8]; /* "#rrggbb" or "" for the default */
    double width, alpha;
    int dash, index_y;
    /* grid layers (nx x ny values, rows = nx ny, columns x y z) */
    size_t nx, ny;
    gp_palette palette;
    int smooth, colorbar, labels;
    char *cblabel;
    double *levels; /* contour: explicit levels (nlevels of them) or NULL: about nlevels */
    int nlevels;
    double view[2];
} plot_layer;

typedef struct plot_panel {
    char *title, *xlabel, *ylabel, *zlabel;
    double xr[2], yr[2]; /* NaN = automatic */
    int logx, logy;
    gp_legend legend;
    double aspect; /* 0 free, -1 equal, > 0 ratio */
    plot_layer *layers;
    size_t nlayers;
} plot_panel;

struct gp_figure {
    char *title;
    int width, height, rows, cols, enhanced;
    gp_theme theme;
    char *font_name; /* NULL: the theme's */
    double font_size; /* points; 0: the theme's */
    double fontscale;
    gp_share sharex, sharey;
    plot_panel defaults; /* settings inherited by every panel (no layers) */
    plot_panel *panels;
    size_t npanels;
};

/* ---- gp_plot.c ------------------------------------------------------------ */

/* The panel new layers go into (the implicit first one made if needed), or
 * NULL with err set. */
plot_panel *plot_current_panel(gp_figure *fig, gp_error *err);

/* Check a string for the figure (gnuplot-safe, valid maths) and copy it into
 * *out (NULL stays NULL). */
gp_code plot_dup_text(const char *what, const char *s, char **out, gp_error *err);

/* Length of the vector m (n x 1 or 1 x n) with finite values, or 0 with err set. */
size_t plot_vec_len(const char *fn, const char *name, const gp_matrix *m, gp_error *err);

/* Start layer L of kind: a rows x cols table (allocated, not filled), style
 * from s (NULL: defaults); fn names the function in errors. */
gp_code plot_layer_begin(plot_layer *L, int kind, const char *fn, size_t rows, size_t cols,
                         const gp_style *s, gp_error *err);

/* Append L to the current panel (making the first one if needed) unless rc
 * is an error; frees L on failure. A 3-D panel (surfaces) takes no other
 * layers, and the reverse. Returns rc or the error of appending. */
gp_code plot_layer_push(gp_figure *fig, plot_layer *L, gp_code rc, gp_error *err);

/* Free what a layer owns. */
void plot_layer_clear(plot_layer *L);

/* ---- gp_plot_text.c --------------------------------------------------------- */

/* Check the maths in s (the parts between pairs of $): every \command known,
 * braces balanced, ^ and _ followed by something. what names the string. */
gp_code plot_text_check(const char *what, const char *s, gp_error *err);

/* s as the script draws it, in *out (malloc'ed): for gnuplot's graphical
 * terminals (plain = 0) text without maths unchanged (*enhanced = 0), or, with
 * maths, enhanced-text markup whose plain parts are escaped (*enhanced = 1);
 * with enhanced_all the string is markup as it is. For the dumb terminal
 * (plain = 1) always plain UTF-8: superscript and subscript digits where
 * Unicode has them, x^(n+1) where it does not. */
gp_code plot_text_render(const char *what, const char *s, int enhanced_all, int plain,
                         char **out, int *enhanced, gp_error *err);

/* The width of s as drawn, in characters (code points of its plain form). */
size_t plot_text_width(const char *s);

/* ---- gp_plot_layout.c --------------------------------------------------------- */

typedef struct plot_theme {
    const char *name;
    double dpi;             /* pixels per inch of PNG and SVG; PDF is pixels / dpi inches */
    int width, height;      /* one panel, pixels */
    int cell_w, cell_h;     /* one panel of a grid */
    int max_w;              /* widest grid before its cells shrink (0: no limit) */
    int fixed;              /* 1: the canvas is width x height for any grid */
    const char *font;
    double font_pt;
    double lw;              /* multiplies every line width */
} plot_theme;

const plot_theme *plot_theme_get(gp_theme theme);

/* How the bands of a panel are drawn. */
enum { BANDS_TRANSLUCENT, BANDS_NESTED, BANDS_OUTLINED };

typedef struct plot_frame {
    double x0, y0, w, h;  /* the panel's area, fractions of the canvas */
    double xr[2], yr[2];  /* ranges to write; NaN: gnuplot's autoscaling */
    gp_legend legend;     /* resolved: a corner, OUTSIDE, BELOW or OFF */
    int decades_x, decades_y; /* a log axis over a decade or more: 10^k labels */
    double tics[2];       /* x and y tic steps for a small panel; 0: gnuplot's */
    double margin[4];     /* left, right, bottom, top in characters; NaN: gnuplot's */
    int bands;            /* BANDS_* */
    size_t *band_order;   /* BANDS_NESTED: the band layers, widest first */
    size_t nbands;
} plot_frame;

typedef struct plot_layout {
    int width, height;    /* the canvas, pixels */
    double dpi;
    const char *font;     /* font name */
    double font_pt;       /* base font size, fontscale applied */
    double lw;            /* line width factor */
    int rows, cols;
    double top, bottom;   /* canvas fractions kept for the figure title, the shared legend */
    int shared_legend;
    int multi;            /* a multiplot */
    plot_frame *frames;   /* one per panel */
    size_t nframes;
} plot_layout;

/* The layout of fig (width, height: the canvas in pixels, 0 = the theme's).
 * Errors: an empty figure or panel, a layout too small, a log axis with
 * values <= 0. Free with plot_layout_free. */
gp_code plot_layout_make(const gp_figure *fig, int width, int height, plot_layout *out,
                         gp_error *err);
void plot_layout_free(plot_layout *l);

/* 1 if the panel is drawn in 3-D (it holds surfaces). */
int plot_panel_is_3d(const plot_panel *p);

/* The extent of Z (column 3) of a grid layer. */
void plot_layer_zrange(const plot_layer *L, double *lo, double *hi);

/* The colour range of a heat map or surface: Z's extent rounded outward to a
 * thousandth of it (so that gnuplot labels the colour bar 0.1, not 0.100000),
 * symmetric around 0 for the diverging palette. */
void plot_layer_cbrange(const plot_layer *L, double r[2]);

/* Characters of the longest tic label gnuplot writes for the range r. */
double plot_tic_chars(const double r[2], int logscale);

#endif
