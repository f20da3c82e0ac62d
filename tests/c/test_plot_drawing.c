/* test_plot_drawing.c: what a figure looks like: text, themes, maths, legends, axes, 2-D grids. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gp_gnuplot.h"
#include "gp_plot.h"
#include "gp_plot_impl.h"
#include "test_util.h"

static void test_render_text(void **state)
{
    (void)state;
    gp_figure *fig = test_small_figure("preview here");
    gp_error err;
    char *text = NULL;
    assert_int_equal(gp_figure_render_text(fig, 60, 20, &text, &err), GP_OK);
    assert_non_null(strstr(text, "preview here"));
    assert_true(strlen(text) >= 60 * 20);
    free(text);
    assert_int_equal(gp_figure_render_text(fig, 5, 5, &text, &err), GP_ERR_ARG);
    gp_figure_free(fig);
}

/* ---- themes, fonts and text ------------------------------------------------- */

/* The script of fig for fmt (caller frees); fails the test on an error. */
static char *script_of(const gp_figure *fig, gp_format fmt)
{
    gp_error err;
    char *text = NULL;
    if (gp_figure_script(fig, fmt, 0, 0, "x.png", &text, &err) != GP_OK)
        fail_msg("script: %s", err.msg);
    return text;
}

/* A figure of the given theme with rows x cols panels of one curve each. */
static gp_figure *themed_figure(gp_theme theme, int rows, int cols, const char *font,
                                double fontscale)
{
    gp_error err;
    gp_figure_opts o;
    gp_figure_opts_init(&o);
    o.theme = theme;
    o.font = font;
    o.fontscale = fontscale;
    gp_figure *fig = gp_figure_new(&o, &err);
    assert_non_null(fig);
    gp_matrix *x = gp_matrix_alloc(3, 1);
    gp_matrix_linspace(x, 0, 1);
    for (int i = 0; i < rows * cols; i++) {
        if (i > 0)
            assert_int_equal(gp_figure_panel(fig, NULL, &err), GP_OK);
        assert_int_equal(gp_figure_lines(fig, x, x, NULL, &err), GP_OK);
    }
    gp_matrix_free(x);
    return fig;
}

static void test_themes_size_the_canvas_and_fonts(void **state)
{
    (void)state;
    static const struct {
        gp_theme theme;
        int rows, cols;
        const char *font;
        double scale;
        const char *png, *pdf;
    } cases[] = {
        {GP_THEME_NOTEBOOK, 1, 1, NULL, NAN,
         "pngcairo size 800,500 enhanced font 'sans,11' fontscale 1 linewidth 1",
         "pdfcairo size 8.333in,5.208in"},
        {GP_THEME_NOTEBOOK, 1, 3, NULL, NAN, "pngcairo size 1680,400", NULL},
        /* 300 dpi: 4.8 x 3 in; fonts and lines scaled by 300 / 96 */
        {GP_THEME_PAPER, 1, 1, NULL, NAN,
         "pngcairo size 1440,900 enhanced font 'sans,9' fontscale 3.125 linewidth 2.5",
         "pdfcairo size 4.8in,3in enhanced font 'sans,9' linewidth 1.2"},
        /* a grid in a paper is at most 6.5 in wide */
        {GP_THEME_PAPER, 1, 3, NULL, NAN, "pngcairo size 1950,488", "pdfcairo size 6.5in,1.627in"},
        /* a slide is 1600 x 900 whatever its grid */
        {GP_THEME_SLIDES, 2, 2, NULL, NAN,
         "pngcairo size 1600,900 enhanced font 'sans,20' fontscale 1.25 linewidth 3.125",
         "pdfcairo size 13.33in,7.5in"},
        {GP_THEME_NOTEBOOK, 1, 1, "DejaVu Serif,14", 1.5, "font 'DejaVu Serif,21'", NULL},
        {GP_THEME_SLIDES, 1, 1, ",30", NAN, "font 'sans,30'", NULL},
        {GP_THEME_PAPER, 1, 1, "Times", 2, "font 'Times,18'", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gp_figure *fig = themed_figure(cases[i].theme, cases[i].rows, cases[i].cols,
                                       cases[i].font, cases[i].scale);
        char *png = script_of(fig, GP_FMT_PNG), *pdf = script_of(fig, GP_FMT_PDF);
        if (!strstr(png, cases[i].png))
            fail_msg("case %zu: no \"%s\" in the PNG script", i, cases[i].png);
        if (cases[i].pdf && !strstr(pdf, cases[i].pdf))
            fail_msg("case %zu: no \"%s\" in the PDF script", i, cases[i].pdf);
        free(png);
        free(pdf);
        gp_figure_free(fig);
    }
}

static void test_theme_and_font_errors_show_the_value(void **state)
{
    (void)state;
    static const struct {
        const char *font;
        double scale;
        int theme;
        const char *msg;
    } cases[] = {
        {NULL, 0, 0, "fontscale must be a number in (0, 10], got 0"},
        {NULL, 11, 0, "fontscale must be a number in (0, 10], got 11"},
        {NULL, -1, 0, "fontscale must be a number in (0, 10], got -1"},
        {NULL, NAN, 7, "unknown theme 7"},
        {"Sans,abc", NAN, 0, "font must be \"Name,size\" with a size in points 1..200, got 'Sans,abc'"},
        {",500", NAN, 0, "got ',500'"},
        {"Sans,12,3", NAN, 0, "got 'Sans,12,3'"},
        {"", NAN, 0, "font must name a font or a size"},
        {"Sans\n", NAN, 0, "font contains a newline"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gp_error err;
        gp_figure_opts o;
        gp_figure_opts_init(&o);
        o.font = cases[i].font;
        o.fontscale = cases[i].scale;
        o.theme = (gp_theme)cases[i].theme;
        gp_error_clear(&err);
        assert_null(gp_figure_new(&o, &err));
        if (!strstr(err.msg, cases[i].msg))
            fail_msg("case %zu: \"%s\" has no \"%s\"", i, err.msg, cases[i].msg);
    }
}

/* The text of s as the script draws it (caller frees). */
static char *rendered(const char *s, int plain, int *enhanced, gp_error *err)
{
    char *out = NULL;
    return plot_text_render("title", s, 0, plain, &out, enhanced, err) ? NULL : out;
}

static void test_maths_text(void **state)
{
    (void)state;
    static const char *const cases[][3] = {
        /* string, gnuplot enhanced text, plain text */
        {"$x^2$", "{/:Italic x}^{2}", "x²"},
        {"$k_J$", "{/:Italic k}_{{/:Italic J}}", "k_J"},
        {"$x^{n+1}$", "{/:Italic x}^{{/:Italic n}+1}", "xⁿ⁺¹"},
        {"$x_{i,j}$", "{/:Italic x}_{{/:Italic i},{/:Italic j}}", "x_(i,j)"},
        {"$\\sigma^2 \\pm \\ell$", "σ^{2} ± ℓ", "σ² ± ℓ"},
        {"$k(x, x') = \\exp(-r)$", "{/:Italic k}({/:Italic x}, {/:Italic x}′) = exp(−{/:Italic r})",
         "k(x, x′) = exp(−r)"},
        {"$\\sqrt{1 + x^2}$", "√(1 + {/:Italic x}^{2})", "√(1 + x²)"},
        {"$\\frac{a}{b}$", "{/:Italic a}/{/:Italic b}", "a/b"},
        {"$\\mathbb{R}^n$", "ℝ^{{/:Italic n}}", "ℝⁿ"},
        {"$\\text{per}_i$", "per_{{/:Italic i}}", "perᵢ"},
        /* the plain parts of a string with maths are escaped */
        {"f_1 @ 5 & $x$", "f\\_1 \\@ 5 \\& {/:Italic x}", "f_1 @ 5 & x"},
        {"costs \\$5, $n$", "costs $5, {/:Italic n}", "costs $5, n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gp_error err;
        int enhanced = -1;
        char *e = rendered(cases[i][0], 0, &enhanced, &err);
        if (!e)
            fail_msg("case %zu: %s", i, err.msg);
        assert_string_equal(e, cases[i][1]);
        assert_int_equal(enhanced, 1);
        free(e);
        char *p = rendered(cases[i][0], 1, &enhanced, &err);
        assert_non_null(p);
        assert_string_equal(p, cases[i][2]);
        assert_int_equal(enhanced, 0);
        free(p);
    }
    /* no maths: as written, never markup (one $, or none) */
    static const char *const literal[] = {"a_b^c {x} @ & ~ \\", "costs $5", "x'"};
    for (size_t i = 0; i < sizeof literal / sizeof literal[0]; i++) {
        gp_error err;
        int enhanced = -1;
        char *e = rendered(literal[i], 0, &enhanced, &err);
        assert_string_equal(e, literal[i]);
        assert_int_equal(enhanced, 0);
        free(e);
    }
    static const char *const bad[][2] = {
        {"$\\foo$", "unknown command '\\foo'"},       {"${x$", "a { without its }"},
        {"$x}$", "a } without its {"},                 {"$x^$", "'^' needs something after it"},
        {"$\\mathbb{W}$", "\\mathbb{W} is not one of"}, {"$\\text{x$", "a { without its }"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gp_error err;
        gp_error_clear(&err);
        assert_int_equal(plot_text_check("title", bad[i][0], &err), GP_ERR_ARG);
        if (!strstr(err.msg, bad[i][1]) || !strstr(err.msg, bad[i][0]))
            fail_msg("case %zu: \"%s\" has no \"%s\"", i, err.msg, bad[i][1]);
    }
}

/* gnuplot draws the maths: the SVG has the italic x, the raised 2, and the
 * plain text's markup characters as they are. */
static void test_maths_drawn_by_gnuplot(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char path[4200];
    snprintf(path, sizeof path, "%s/m.svg", dir);
    gp_error err;
    gp_figure_opts o;
    gp_figure_opts_init(&o);
    o.title = "$x^2 + \\alpha$ and k_J @ & ~";
    gp_figure *fig = gp_figure_new(&o, &err);
    gp_matrix *x = gp_matrix_alloc(3, 1);
    gp_matrix_linspace(x, 0, 1);
    assert_int_equal(gp_figure_lines(fig, x, x, NULL, &err), GP_OK);
    if (gp_figure_save(fig, path, &err))
        fail_msg("save: %s", err.msg);
    char *svg = test_read_file(path, NULL);
    assert_non_null(strstr(svg, "font-style=\"italic\" >x</tspan>"));
    assert_non_null(strstr(svg, "dy=\"-"));
    assert_non_null(strstr(svg, ">2</tspan>"));
    assert_non_null(strstr(svg, " + α and k_J @ &amp; ~</tspan>"));
    free(svg);
    gp_matrix_free(x);
    gp_figure_free(fig);
    test_remove_tree(dir);
    free(dir);
}

/* ---- layout: legends, bands, axes ------------------------------------------ */

/* A figure of one panel holding the curve (x_i, y_i) titled "curve". */
static gp_figure *curve_figure(const double *xv, const double *yv, size_t n, int curves)
{
    gp_error err;
    gp_figure *fig = gp_figure_new(NULL, &err);
    gp_matrix *x = gp_matrix_alloc(n, 1), *y = gp_matrix_alloc(n, 1);
    memcpy(x->data, xv, n * sizeof(double));
    for (int c = 0; c < curves; c++) {
        for (size_t i = 0; i < n; i++)
            y->data[i] = yv[i] + c * 0.5;
        gp_style s;
        gp_style_init(&s);
        s.title = c == 0 ? "curve" : NULL;
        assert_int_equal(gp_figure_lines(fig, x, y, &s, &err), GP_OK);
    }
    gp_matrix_free(x);
    gp_matrix_free(y);
    return fig;
}

static gp_legend legend_of(const gp_figure *fig, size_t panel)
{
    plot_layout l;
    gp_error err;
    assert_int_equal(plot_layout_make(fig, 0, 0, &l, &err), GP_OK);
    gp_legend g = l.frames[panel].legend;
    plot_layout_free(&l);
    return g;
}

static void test_legend_goes_where_it_covers_least(void **state)
{
    (void)state;
    double x[11], down[11], up[11], flat[11];
    for (int i = 0; i <= 10; i++) {
        x[i] = i;
        down[i] = 10 - i; /* top left to bottom right */
        up[i] = i;        /* bottom left to top right */
        flat[i] = 0;      /* 21 lines 0, 0.5, ..., 10: every corner busy */
    }
    gp_figure *a = curve_figure(x, down, 11, 1), *b = curve_figure(x, up, 11, 1),
              *c = curve_figure(x, flat, 11, 21);
    assert_int_equal(legend_of(a, 0), GP_LEGEND_TOP_RIGHT);
    assert_int_equal(legend_of(b, 0), GP_LEGEND_TOP_LEFT);
    gp_legend busy = legend_of(c, 0);
    assert_true(busy == GP_LEGEND_OUTSIDE || busy == GP_LEGEND_BELOW);
    char *text = script_of(a, GP_FMT_PNG);
    assert_non_null(strstr(text, "set key top right reverse Left opaque fc rgb '#33ffffff'"));
    free(text);
    gp_figure_free(a);
    gp_figure_free(b);
    gp_figure_free(c);
}

/* A band layer x = 0..1 (3 points), lower lo, upper hi, opacity 0.5. */
static void add_band(gp_figure *fig, double lo, double hi, const char *color, const char *title)
{
    gp_error err;
    gp_matrix *x = gp_matrix_alloc(3, 1), *l = gp_matrix_alloc(3, 1), *u = gp_matrix_alloc(3, 1);
    gp_matrix_linspace(x, 0, 1);
    for (int i = 0; i < 3; i++)
        l->data[i] = lo + 0.1 * i, u->data[i] = hi;
    gp_style s;
    gp_style_init(&s);
    s.color = color;
    s.title = title;
    s.alpha = 0.5;
    assert_int_equal(gp_figure_band(fig, x, l, u, &s, &err), GP_OK);
    gp_matrix_free(x), gp_matrix_free(l), gp_matrix_free(u);
}

static void test_bands_are_drawn_as_their_legend_shows(void **state)
{
    (void)state;
    gp_error err;
    /* nested: opaque, widest first; each ring the colour the stack shows on white */
    gp_figure *fig = gp_figure_new(NULL, &err);
    add_band(fig, -1, 1, "#0000ff", "narrow");
    add_band(fig, -2, 2, "#ff0000", "wide");
    char *text = script_of(fig, GP_FMT_PNG);
    char *wide = strstr(text, "fc rgb '#ff8080' fs solid 1 noborder title 'wide'");
    char *narrow = strstr(text, "fc rgb '#8040bf' fs solid 1 noborder title 'narrow'");
    assert_non_null(wide);
    assert_non_null(narrow);
    assert_true(wide < narrow);
    free(text);
    gp_figure_free(fig);
    /* crossing: translucent, outlined in their own colour */
    fig = gp_figure_new(NULL, &err);
    add_band(fig, -1, 1, "#0000ff", "a");
    add_band(fig, 0, 3, "#ff0000", "b");
    text = script_of(fig, GP_FMT_PNG);
    assert_non_null(strstr(text, "fc rgb '#0000ff' fs transparent solid 0.5 border lc rgb '#0000ff'"));
    assert_non_null(strstr(text, "fc rgb '#ff0000' fs transparent solid 0.5 border lc rgb '#ff0000'"));
    free(text);
    /* text: a band is its two edges, so that curves inside show */
    text = script_of(fig, GP_FMT_TXT);
    assert_null(strstr(text, "filledcurves"));
    assert_non_null(strstr(text, "using 1:2 with lines dt 3"));
    assert_non_null(strstr(text, "using 1:3 with lines dt 3"));
    free(text);
    gp_figure_free(fig);
}

static void test_log_axes_label_powers_of_ten(void **state)
{
    (void)state;
    double x[4] = {10, 100, 1000, 10000}, wide[4] = {1, 1e-2, 1e-5, 1e-8}, narrow[4] = {1, 2, 3, 5};
    for (int k = 0; k < 2; k++) {
        gp_error err;
        gp_figure_opts o;
        gp_figure_opts_init(&o);
        o.panel.logx = o.panel.logy = 1;
        gp_figure *fig = gp_figure_new(&o, &err);
        gp_matrix *xm = gp_matrix_alloc(4, 1), *ym = gp_matrix_alloc(4, 1);
        memcpy(xm->data, x, sizeof x);
        memcpy(ym->data, k ? narrow : wide, sizeof x);
        assert_int_equal(gp_figure_lines(fig, xm, ym, NULL, &err), GP_OK);
        char *text = script_of(fig, GP_FMT_PNG), *txt = script_of(fig, GP_FMT_TXT);
        assert_non_null(strstr(text, "set format x '10^{%L}'"));
        assert_non_null(strstr(text, k ? "set format y '% h'" : "set format y '10^{%L}'"));
        assert_non_null(strstr(txt, "set format x '10^%L'")); /* the dumb terminal: no markup */
        free(text);
        free(txt);
        gp_matrix_free(xm), gp_matrix_free(ym);
        gp_figure_free(fig);
    }
}

static void test_shared_axes_and_legend(void **state)
{
    (void)state;
    gp_error err;
    gp_figure_opts o;
    gp_figure_opts_init(&o);
    o.sharey = GP_SHARE_ALL;
    o.panel.legend = GP_LEGEND_SHARED;
    gp_figure *fig = gp_figure_new(&o, &err);
    gp_matrix *x = gp_matrix_alloc(3, 1), *y = gp_matrix_alloc(3, 1);
    gp_matrix_linspace(x, 0, 1);
    gp_style s;
    gp_style_init(&s);
    s.title = "mean";
    for (int p = 0; p < 2; p++) {
        y->data[0] = 0, y->data[1] = p ? 7 : 1, y->data[2] = 0.5; /* 0..1 and 0..7 */
        assert_int_equal(gp_figure_panel(fig, NULL, &err), GP_OK);
        assert_int_equal(gp_figure_line(fig, x, y, &s, &err), GP_OK);
    }
    char *text = script_of(fig, GP_FMT_PNG);
    /* both panels draw y on gnuplot's autoscaled range of all the data: [0, 7] */
    char *first = strstr(text, "set yrange [0:7] noreverse"), *second = NULL;
    assert_non_null(first);
    second = strstr(first + 1, "set yrange [0:7] noreverse");
    assert_non_null(second);
    /* one legend, one entry for the two "mean" lines, below the panels */
    char *key = strstr(text, "# ---- the shared legend");
    assert_non_null(key);
    char *entry = strstr(key, "keyentry with lines lw 3 dt 1 lc rgb '#000000' title 'mean'");
    assert_non_null(entry);
    assert_null(strstr(entry + 1, "keyentry"));
    assert_non_null(strstr(text, "$d1 using 1:2 with lines lw 3 dt 1 lc rgb '#000000' notitle"));
    free(text);
    gp_figure_free(fig);
    gp_matrix_free(x), gp_matrix_free(y);
    /* a panel cannot ask for the shared legend */
    fig = gp_figure_new(NULL, &err);
    gp_panel_opts p;
    gp_panel_opts_init(&p);
    p.legend = GP_LEGEND_SHARED;
    assert_int_equal(gp_figure_panel(fig, &p, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "a figure option"));
    p.legend = GP_LEGEND_INHERIT;
    p.aspect = -2;
    assert_int_equal(gp_figure_panel(fig, &p, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "got -2"));
    gp_figure_free(fig);
}

/* ---- grid layers ---------------------------------------------------------- */

/* x (nx), y (ny), Z (ny x nx) with Z(i, j) = x_j + 10 y_i, and the same values
 * as the vector of gp_matrix_grid(x, y)'s order. */
typedef struct grid_case {
    gp_matrix *x, *y, *Z, *v;
} grid_case;

static grid_case grid_make(size_t nx, size_t ny)
{
    grid_case g = {gp_matrix_alloc(nx, 1), gp_matrix_alloc(ny, 1), gp_matrix_alloc(ny, nx),
                   gp_matrix_alloc(nx * ny, 1)};
    gp_matrix_linspace(g.x, 0, 1);
    gp_matrix_linspace(g.y, -1, 1);
    for (size_t i = 0; i < ny; i++)
        for (size_t j = 0; j < nx; j++)
            GP_AT(g.Z, i, j) = g.v->data[i * nx + j] = g.x->data[j] + 10 * g.y->data[i];
    return g;
}

static void grid_free(grid_case *g)
{
    gp_matrix_free(g->x), gp_matrix_free(g->y), gp_matrix_free(g->Z), gp_matrix_free(g->v);
}

static void test_grid_orientation(void **state)
{
    (void)state;
    grid_case g = grid_make(4, 3);
    gp_error err;
    gp_figure *fig = gp_figure_new(NULL, &err);
    assert_int_equal(gp_figure_heatmap(fig, g.x, g.y, g.Z, NULL, &err), GP_OK);
    assert_int_equal(gp_figure_heatmap(fig, g.x, g.y, g.v, NULL, &err), GP_OK);
    /* the grid's points, x fastest: (x_j, y_i, Z(i, j)) */
    gp_matrix *P = gp_matrix_alloc(12, 2);
    assert_int_equal(gp_matrix_grid(g.x, g.y, P, &err), GP_OK);
    const plot_layer *a = &fig->panels[0].layers[0], *b = &fig->panels[0].layers[1];
    for (size_t r = 0; r < 12; r++) {
        assert_close(a->data[r], GP_AT(P, r, 0), 0);
        assert_close(a->data[12 + r], GP_AT(P, r, 1), 0);
        assert_close(a->data[24 + r], GP_AT(P, r, 0) + 10 * GP_AT(P, r, 1), 1e-15);
    }
    assert_memory_equal(a->data, b->data, 36 * sizeof(double));
    /* Z given the other way round */
    gp_matrix *T = gp_matrix_alloc(4, 3);
    assert_int_equal(gp_figure_contour(fig, g.x, g.y, T, NULL, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "contour: Z is 4 x 3 but x has 4 values and y 3"));
    assert_non_null(strstr(err.msg, "Z looks transposed"));
    gp_matrix_free(T);
    gp_matrix_free(P);
    gp_figure_free(fig);
    grid_free(&g);
}

static void test_grid_layer_errors(void **state)
{
    (void)state;
    grid_case g = grid_make(4, 3);
    gp_error err;
    gp_figure *fig = gp_figure_new(NULL, &err);
    gp_map_opts o;
    double bad_levels[3] = {1, 0, 2}, nan_levels[2] = {0, NAN};
    static const char *const msgs[] = {
        "contour: levels must be a count 1..100, got 0", "contour: levels must be a count 1..100, got 101",
        "contour: levels must be increasing, got 0 after 1", "contour: levels[2] is nan",
        "contour: width must be a number in (0, 100], got -1",
        "surface: view must be {rotation about x in 0..180, about z in 0..360}, got {200, 30}"};
    for (int k = 0; k < 6; k++) {
        gp_map_opts_init(&o);
        if (k == 0) o.nlevels = 0;
        if (k == 1) o.nlevels = 101;
        if (k == 2) o.levels = bad_levels, o.nlevels = 3;
        if (k == 3) o.levels = nan_levels, o.nlevels = 2;
        if (k == 4) o.width = -1;
        if (k == 5) o.view[0] = 200;
        gp_code rc = k < 5 ? gp_figure_contour(fig, g.x, g.y, g.Z, &o, &err)
                           : gp_figure_surface(fig, g.x, g.y, g.Z, &o, &err);
        assert_int_equal(rc, GP_ERR_ARG);
        if (!strstr(err.msg, msgs[k]))
            fail_msg("case %d: \"%s\" has no \"%s\"", k, err.msg, msgs[k]);
    }
    assert_int_equal(gp_figure_contour(fig, NULL, g.y, g.Z, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "contour: x and y are required"));
    g.y->data[1] = g.y->data[0];
    assert_int_equal(gp_figure_surface(fig, g.x, g.y, g.Z, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "surface: y must be increasing"));
    gp_matrix_linspace(g.y, -1, 1);
    /* a surface has a panel of its own */
    assert_int_equal(gp_figure_surface(fig, g.x, g.y, g.Z, NULL, &err), GP_OK);
    assert_int_equal(gp_figure_lines(fig, g.x, g.x, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "lines: panel 1 holds a surface"));
    assert_int_equal(gp_figure_panel(fig, NULL, &err), GP_OK);
    assert_int_equal(gp_figure_lines(fig, g.x, g.x, NULL, &err), GP_OK);
    assert_int_equal(gp_figure_surface(fig, g.x, g.y, g.Z, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "surface: panel 2 holds other layers"));
    assert_int_equal(gp_figure_layers(fig), 2);
    gp_figure_free(fig);
    grid_free(&g);
}

/* Each 2-D figure type saved, its image removed and re-rendered by gnuplot
 * from its .gp (from another folder): the same bytes. */
static void test_grid_figures_rerender(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    grid_case g = grid_make(12, 9);
    gp_error err;
    for (int k = 0; k < 4; k++) {
        gp_figure_opts fo;
        gp_figure_opts_init(&fo);
        fo.panel.aspect = k == 0 ? -1 : 0;
        gp_figure *fig = gp_figure_new(&fo, &err);
        gp_map_opts o;
        gp_map_opts_init(&o);
        o.cblabel = "$f(x)$";
        o.smooth = k == 1;
        gp_code rc = k < 2 ? gp_figure_heatmap(fig, g.x, g.y, g.Z, &o, &err)
                     : k == 2 ? gp_figure_contour(fig, g.x, g.y, g.v, &o, &err)
                              : gp_figure_surface(fig, g.x, g.y, g.Z, &o, &err);
        if (!rc && k == 1)
            rc = gp_figure_contour(fig, g.x, g.y, g.Z, &o, &err);
        if (rc)
            fail_msg("case %d: %s", k, err.msg);
        char path[4200], gp[4200];
        snprintf(path, sizeof path, "%s/grid%d.png", dir, k);
        snprintf(gp, sizeof gp, "%s/grid%d.png.gp", dir, k);
        if (gp_figure_save(fig, path, &err))
            fail_msg("case %d: %s", k, err.msg);
        size_t len0 = 0, len1 = 0;
        char *first = test_read_file(path, &len0);
        assert_int_equal(unlink(path), 0);
        assert_int_equal(test_gnuplot_in("/", gp), 0);
        char *second = test_read_file(path, &len1);
        assert_non_null(second);
        assert_int_equal(len0, len1);
        assert_memory_equal(first, second, len0);
        free(first);
        free(second);
        char *text = NULL; /* and the text preview is not a blank frame */
        assert_int_equal(gp_figure_render_text(fig, 80, 24, &text, &err), GP_OK);
        if (k < 2 && !(strchr(text, '@') && strchr(text, '.')))
            fail_msg("case %d: the heat map's preview has no shading:\n%s", k, text);
        free(text);
        gp_figure_free(fig);
    }
    grid_free(&g);
    test_remove_tree(dir);
    free(dir);
}

/* Smooth heat maps and previews sample the panel with '++', which follows
 * gnuplot's urange and vrange (default [-5:5]), not the axes: a grid far from
 * the origin is drawn only if they are set. */
static void test_heatmap_far_from_the_origin(void **state)
{
    (void)state;
    grid_case g = grid_make(6, 5);
    gp_matrix_linspace(g.x, 100, 101);
    gp_matrix_linspace(g.y, 1000, 1002);
    gp_error err;
    gp_figure *fig = gp_figure_new(NULL, &err);
    assert_int_equal(gp_figure_heatmap(fig, g.x, g.y, g.Z, NULL, &err), GP_OK);
    char *text = NULL;
    assert_int_equal(gp_figure_render_text(fig, 80, 24, &text, &err), GP_OK);
    if (!(strchr(text, '@') && strchr(text, '.')))
        fail_msg("the heat map's preview has no shading:\n%s", text);
    free(text);
    char *script = script_of(fig, GP_FMT_TXT);
    assert_non_null(strstr(script, "set urange [99.900000000000006:101.09999999999999]"));
    assert_non_null(strstr(script, "set vrange [999.75:1002.25]"));
    free(script);
    gp_figure_free(fig);
    grid_free(&g);
}

static void test_text_height_keeps_proportions(void **state)
{
    (void)state;
    gp_figure *fig = themed_figure(GP_THEME_NOTEBOOK, 1, 1, NULL, NAN);
    assert_int_equal(gp_figure_text_height(fig, 100, 60), 31); /* 800 x 500 */
    assert_int_equal(gp_figure_text_height(fig, 100, 20), 20);
    gp_figure_free(fig);
    fig = themed_figure(GP_THEME_SLIDES, 2, 2, NULL, NAN);
    assert_int_equal(gp_figure_text_height(fig, 160, 60), 45); /* 1600 x 900 */
    gp_figure_free(fig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_text),
        cmocka_unit_test(test_themes_size_the_canvas_and_fonts),
        cmocka_unit_test(test_theme_and_font_errors_show_the_value),
        cmocka_unit_test(test_maths_text),
        cmocka_unit_test(test_maths_drawn_by_gnuplot),
        cmocka_unit_test(test_legend_goes_where_it_covers_least),
        cmocka_unit_test(test_bands_are_drawn_as_their_legend_shows),
        cmocka_unit_test(test_log_axes_label_powers_of_ten),
        cmocka_unit_test(test_shared_axes_and_legend),
        cmocka_unit_test(test_grid_orientation),
        cmocka_unit_test(test_grid_layer_errors),
        cmocka_unit_test(test_grid_figures_rerender),
        cmocka_unit_test(test_heatmap_far_from_the_origin),
        cmocka_unit_test(test_text_height_keeps_proportions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
