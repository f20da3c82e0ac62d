/* test_plot.c: figures, the gnuplot script, quoting of user strings, saving. */
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

/* ---- helpers ------------------------------------------------------------ */

/* The quoted form of s, or NULL (err filled) when it is rejected. */
static char *quoted(const char *s, gp_error *err)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&buf, &n);
    gp_code rc = gp_gnuplot_quote(mem, "title", s, err);
    fclose(mem);
    if (rc) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* ---- quoting -------------------------------------------------------------- */

static void test_quote_forms(void **state)
{
    (void)state;
    gp_error err;
    static const char *const cases[][2] = {
        {"abc", "'abc'"},
        {"", "''"},
        {"it's", "'it'.\"'\".'s'"},
        {"'", "\"'\""},
        {"''", "\"'\".\"'\""},
        {"'x'", "\"'\".'x'.\"'\""},
        {"`touch /tmp/x`", "'`touch /tmp/x`'"},
        {"a\\b \"c\" @m #d $e", "'a\\b \"c\" @m #d $e'"},
        {"f(x) ~ N(0, 1)", "'f(x) ~ N(0, 1)'"},
        {"\xc3\xa9 \xe2\x88\xbc", "'\xc3\xa9 \xe2\x88\xbc'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *q = quoted(cases[i][0], &err);
        assert_non_null(q);
        assert_string_equal(q, cases[i][1]);
        free(q);
    }
}

static void test_quote_rejects_control_characters(void **state)
{
    (void)state;
    static const struct {
        const char *s, *word;
    } cases[] = {{"two\nlines", "newline"}, {"cr\r", "carriage return"}, {"a\tb", "tab"},
                 {"bell\a", "control character"}, {"del\x7f", "control character"},
                 {"bad \xff utf8", "not valid UTF-8"}, {"overlong \xc0\xaf", "not valid UTF-8"},
                 {"cut \xe2\x88", "not valid UTF-8"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gp_error err;
        gp_error_clear(&err);
        assert_null(quoted(cases[i].s, &err));
        assert_int_equal(err.code, GP_ERR_ARG);
        if (!strstr(err.msg, cases[i].word) || !strstr(err.msg, "title"))
            fail_msg("message for case %zu: %s", i, err.msg);
    }
}

/* Round trip through a real gnuplot: `print` writes each quoted string to
 * gnuplot's standard output; it must come back byte for byte, and nothing may
 * run. */
static void test_quote_round_trip_in_gnuplot(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char marker[256];
    snprintf(marker, sizeof marker, "%s/pwned", dir);
    char evil[3][1024];
    snprintf(evil[0], sizeof evil[0], "`touch %s`", marker);
    snprintf(evil[1], sizeof evil[1], "'; system(\"touch %s\"); '", marker);
    snprintf(evil[2], sizeof evil[2], "''`touch %s`''\"`touch %s`\"", marker, marker);
    const char *cases[] = {"plain",   "it's",  "'",      "''",  "'''a", "a''''b", "x'",
                           "@m and \\", "# not a comment", "{ } ; ,", "\xc3\xa9t\xc3\xa9",
                           evil[0], evil[1], evil[2]};
    size_t ncases = sizeof cases / sizeof cases[0];
    char *script = NULL, *text = NULL;
    size_t len = 0, text_len = 0;
    FILE *f = open_memstream(&script, &len);
    fputs("m = 'MACRO'\nset print '-'\n", f);
    gp_error err;
    for (size_t i = 0; i < ncases; i++) {
        fputs("print ", f);
        assert_int_equal(gp_gnuplot_quote(f, "case", cases[i], &err), GP_OK);
        fputc('\n', f);
    }
    fputs("unset print\n", f);
    fclose(f);
    FILE *out = open_memstream(&text, &text_len);
    gp_code rc = gp_gnuplot_run(script, "round trip", out, &err);
    fclose(out);
    if (rc)
        fail_msg("gnuplot: %s", err.msg);
    char *line = text;
    for (size_t i = 0; i < ncases; i++) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = '\0';
        assert_string_equal(line, cases[i]);
        line = nl + 1;
    }
    free(text);
    free(script);
    assert_false(test_exists(marker));
    test_remove_tree(dir);
    free(dir);
}

static void test_colors(void **state)
{
    (void)state;
    char rgb[8];
    gp_error err;
    assert_int_equal(gp_gnuplot_color("lines", "black", rgb, &err), GP_OK);
    assert_string_equal(rgb, "#000000");
    assert_int_equal(gp_gnuplot_color("lines", "LightBlue", rgb, &err), GP_OK);
    assert_string_equal(rgb, "#9ecae1");
    assert_int_equal(gp_gnuplot_color("lines", "#AbCdEf", rgb, &err), GP_OK);
    assert_string_equal(rgb, "#abcdef");
    assert_int_equal(gp_gnuplot_color("lines", "C3", rgb, &err), GP_OK);
    assert_string_equal(rgb, gp_gnuplot_palette[3]);
    const char *bad[] = {"reddish", "#12345", "#1234567", "#ggg000", "red' ; system('x')", "", "C"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(gp_gnuplot_color("lines", bad[i], rgb, &err), GP_ERR_ARG);
        assert_non_null(strstr(err.msg, "unknown color"));
    }
}

/* ---- the model ------------------------------------------------------------ */

static void test_model_errors(void **state)
{
    (void)state;
    gp_error err;
    gp_figure *fig = gp_figure_new(NULL, &err);
    gp_matrix *x = gp_matrix_alloc(50, 1), *Y = gp_matrix_alloc(40, 3), *y = gp_matrix_alloc(50, 1);
    gp_matrix_linspace(x, 0, 1);
    assert_int_equal(gp_figure_lines(fig, x, Y, NULL, &err), GP_ERR_DIM);
    assert_string_equal(err.msg, "lines: Y has 40 rows but x has 50");
    y->data[7] = NAN;
    assert_int_equal(gp_figure_line(fig, x, y, NULL, &err), GP_ERR_ARG);
    assert_string_equal(err.msg, "line: y[8] is nan (values must be finite)");
    y->data[7] = 0;
    x->data[2] = INFINITY;
    assert_int_equal(gp_figure_points(fig, x, y, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "points: x[3] is inf"));
    x->data[2] = 0.5;
    y->data[3] = -1;
    assert_int_equal(gp_figure_band_sd(fig, x, x, y, 2, NULL, &err), GP_ERR_ARG);
    assert_string_equal(err.msg, "band: sd[4] is negative (-1)");
    assert_int_equal(gp_figure_band(fig, x, x, y, NULL, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "band: lower[2]"));
    gp_style s;
    gp_style_init(&s);
    s.title = "two\nlines";
    assert_int_equal(gp_figure_lines(fig, x, x, &s, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "lines: title contains a newline"));
    gp_style_init(&s);
    s.color = "rouge";
    assert_int_equal(gp_figure_lines(fig, x, x, &s, &err), GP_ERR_ARG);
    gp_style_init(&s);
    s.alpha = 1.5;
    assert_int_equal(gp_figure_lines(fig, x, x, &s, &err), GP_ERR_ARG);
    assert_int_equal(gp_figure_layers(fig), 0); /* nothing half-added */
    char *text = NULL;
    assert_int_equal(gp_figure_script(fig, GP_FMT_PNG, 0, 0, "a.png", &text, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "nothing to draw"));
    gp_panel_opts p;
    gp_panel_opts_init(&p);
    p.xmin = 2, p.xmax = 1;
    assert_int_equal(gp_figure_panel(fig, &p, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "xrange"));
    gp_panel_opts_init(&p);
    assert_int_equal(gp_figure_panel(fig, &p, &err), GP_OK);
    assert_int_equal(gp_figure_script(fig, GP_FMT_PNG, 0, 0, "a.png", &text, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "panel 1 of the figure has nothing to draw"));
    /* heatmap coordinates */
    gp_matrix *Z = gp_matrix_alloc(3, 50), *yc = gp_matrix_alloc(3, 1);
    gp_matrix_linspace(x, 0, 1);
    gp_map_opts mo;
    gp_map_opts_init(&mo);
    assert_int_equal(gp_figure_heatmap(fig, x, x, Z, &mo, &err), GP_ERR_DIM);
    assert_string_equal(err.msg, "heatmap: Z is 3 x 50 but x has 50 values and y 50: Z must be ny "
                                 "x nx (50 x 50), or the 2500 values of gp.grid(x, y) in its order");
    assert_int_equal(gp_figure_heatmap(fig, NULL, x, Z, &mo, &err), GP_ERR_DIM);
    assert_string_equal(err.msg, "heatmap: y has 50 values but Z has 3 rows");
    yc->data[0] = 0, yc->data[1] = 1, yc->data[2] = 5;
    assert_int_equal(gp_figure_heatmap(fig, x, yc, Z, &mo, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "evenly spaced"));
    mo.palette = GP_PAL_RDBU;
    mo.title = "K";
    assert_int_equal(gp_figure_heatmap(fig, NULL, NULL, Z, &mo, &err), GP_OK);
    assert_int_equal(gp_figure_layers(fig), 1);
    gp_figure_free(fig);
    gp_figure_free(NULL);
    gp_matrix_free(x), gp_matrix_free(Y), gp_matrix_free(y), gp_matrix_free(Z), gp_matrix_free(yc);
}

static void test_model_copies_and_layout(void **state)
{
    (void)state;
    gp_error err;
    gp_figure_opts o;
    gp_figure_opts_init(&o);
    o.rows = 1, o.cols = 2;
    gp_figure *fig = gp_figure_new(&o, &err);
    gp_matrix *x = gp_matrix_alloc(4, 1);
    gp_matrix_linspace(x, 0, 3);
    assert_int_equal(gp_figure_lines(fig, x, x, NULL, &err), GP_OK); /* implicit panel 1 */
    x->data[0] = 99;                                                 /* the figure has a copy */
    assert_close(fig->panels[0].layers[0].data[0], 0, 0);
    assert_int_equal(gp_figure_panel(fig, NULL, &err), GP_OK);
    assert_int_equal(gp_figure_panel(fig, NULL, &err), GP_ERR_DIM);
    assert_non_null(strstr(err.msg, "room for 2 panels"));
    assert_int_equal(gp_figure_panels(fig), 2);
    gp_figure_free(fig);
    gp_matrix_free(x);
}

static void test_histogram_density(void **state)
{
    (void)state;
    gp_error err;
    gp_figure *fig = gp_figure_new(NULL, &err);
    gp_matrix *v = gp_matrix_alloc(1000, 1);
    for (int i = 0; i < 1000; i++)
        v->data[i] = sin(i * 1.7) * 3;
    assert_int_equal(gp_figure_histogram(fig, v, 25, 1, NULL, &err), GP_OK);
    assert_int_equal(gp_figure_histogram(fig, v, 25, 0, NULL, &err), GP_OK);
    const plot_layer *d = &fig->panels[0].layers[0], *c = &fig->panels[0].layers[1];
    double area = 0, count = 0;
    for (size_t b = 0; b < 25; b++) {
        area += d->data[25 + b] * d->data[50 + b];
        count += c->data[25 + b];
    }
    assert_close(area, 1, 1e-12);
    assert_close(count, 1000, 0);
    assert_int_equal(gp_figure_histogram(fig, v, 0, 1, NULL, &err), GP_ERR_ARG);
    gp_figure_free(fig);
    gp_matrix_free(v);
}

/* ---- the script ----------------------------------------------------------- */

static void test_script_text(void **state)
{
    (void)state;
    gp_error err;
    gp_figure *fig = test_small_figure("it's");
    /* the notebook theme: 800 x 500 px at 96 dpi (PDF 8.33 x 5.21 in), 11 pt */
    static const char *const terms[] = {
        "set terminal pngcairo size 800,500 enhanced font 'sans,11' fontscale 1 linewidth 1",
        "set terminal svg size 800,500 enhanced font 'sans,11' fontscale 1.333 linewidth 1",
        "set terminal pdfcairo size 8.333in,5.208in enhanced font 'sans,11' linewidth 1.5",
        "set terminal dumb size 100,31 noenhanced"};
    for (int f = 0; f < 4; f++) {
        char *text = NULL;
        assert_int_equal(gp_figure_script(fig, (gp_format)f, 0, 0, "x.png", &text, &err), GP_OK);
        if (!strstr(text, terms[f]))
            fail_msg("format %d: no \"%s\" in\n%s", f, terms[f], text);
        assert_non_null(strstr(text, "$d1 << EOD\n0 -1 0.5\n0.10000000000000001 -0.5 1\n"
                                     "0.33333333333333331 0 1.5\nEOD\n"));
        assert_non_null(strstr(text, "$d2 << EOD\n"));
        assert_non_null(strstr(text, "set title 'it'.\"'\".'s' noenhanced"));
        assert_non_null(strstr(text, "gprior_default = gprior_dir . '/' . 'x.png'"));
        assert_non_null(strstr(text, "set output gprior_output"));
        assert_non_null(strstr(text, "title 'samples' noenhanced"));
        assert_null(strstr(text, "`"));
        free(text);
    }
    gp_format fmt;
    assert_int_equal(gp_format_from_path("a/b.SVG", &fmt, &err), GP_OK);
    assert_int_equal(fmt, GP_FMT_SVG);
    assert_int_equal(gp_format_from_path("plots/a.jpg", &fmt, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "'.jpg'"));
    assert_non_null(strstr(err.msg, ".png, .svg, .pdf or .txt"));
    assert_int_equal(gp_format_from_path("plots.d/noext", &fmt, &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "no extension"));
    gp_figure_free(fig);
}

/* ---- saving --------------------------------------------------------------- */

static void test_save_all_formats(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    gp_figure *fig = test_small_figure("formats");
    static const char *const ext[] = {"png", "svg", "pdf", "txt"};
    static const char *const magic[] = {"\x89PNG", "<?xml", "%PDF", ""};
    char path[4200], gp[4200], names[1024];
    gp_error err;
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/sub/fig%d.%s", dir, i, ext[i]);
        snprintf(gp, sizeof gp, "%s/sub/fig%d.%s.gp", dir, i, ext[i]);
        gp_code rc = gp_figure_save(fig, path, &err);
        if (rc)
            fail_msg("save %s: %s", path, err.msg);
        size_t len = 0;
        char *img = test_read_file(path, &len);
        assert_non_null(img);
        assert_true(len > 100);
        assert_memory_equal(img, magic[i], strlen(magic[i]));
        if (i == 3)
            assert_non_null(strstr(img, "formats"));
        free(img);
        assert_true(test_exists(gp));
    }
    snprintf(path, sizeof path, "%s/sub", dir);
    assert_int_equal(test_count_files(path, names, sizeof names), 8); /* no temporary files */
    test_remove_tree(dir);
    free(dir);
    gp_figure_free(fig);
}

static void test_script_rerenders_from_any_folder(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    gp_figure *fig = test_small_figure("again");
    char path[4200], gp[4200];
    gp_error err;
    snprintf(path, sizeof path, "%s/plots/again.png", dir);
    snprintf(gp, sizeof gp, "%s/plots/again.png.gp", dir);
    assert_int_equal(gp_figure_save(fig, path, &err), GP_OK);
    size_t len0 = 0, len1 = 0;
    char *first = test_read_file(path, &len0);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(test_gnuplot_in("/", gp), 0); /* absolute script path, cwd / */
    char *second = test_read_file(path, &len1);
    assert_non_null(second);
    assert_int_equal(len0, len1);
    assert_memory_equal(first, second, len0);
    free(second);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(test_gnuplot_in(dir, "plots/again.png.gp"), 0); /* relative script path */
    assert_true(test_exists(path));
    free(first);
    test_remove_tree(dir);
    free(dir);
    gp_figure_free(fig);
}

static void test_malicious_strings_are_drawn_not_run(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char marker[256], evil[3][1024], path[4200];
    snprintf(marker, sizeof marker, "%s/pwned", dir);
    snprintf(evil[0], sizeof evil[0], "`touch %s`", marker);
    snprintf(evil[1], sizeof evil[1], "system(\"touch %s\")", marker);
    snprintf(evil[2], sizeof evil[2], "'; system(\"touch %s\"); '", marker);
    gp_error err;
    for (int enhanced = 0; enhanced < 2; enhanced++) {
        gp_figure_opts o;
        gp_figure_opts_init(&o);
        o.title = evil[0];
        o.enhanced = enhanced;
        o.panel.xlabel = evil[1];
        o.panel.ylabel = evil[2];
        gp_figure *fig = gp_figure_new(&o, &err);
        assert_non_null(fig);
        gp_panel_opts p;
        gp_panel_opts_init(&p);
        p.title = evil[2];
        assert_int_equal(gp_figure_panel(fig, &p, &err), GP_OK);
        gp_matrix *x = gp_matrix_alloc(5, 1);
        gp_matrix_linspace(x, 0, 1);
        gp_style s;
        gp_style_init(&s);
        s.title = evil[1];
        assert_int_equal(gp_figure_lines(fig, x, x, &s, &err), GP_OK);
        s.title = evil[0];
        assert_int_equal(gp_figure_points(fig, x, x, &s, &err), GP_OK);
        snprintf(path, sizeof path, "%s/evil'%d`x`.svg", dir, enhanced);
        gp_code rc = gp_figure_save(fig, path, &err);
        if (test_exists(marker))
            fail_msg("a title was executed by gnuplot: %s exists", marker);
        if (rc)
            fail_msg("save: %s", err.msg);
        assert_true(test_exists(path));
        char *svg = test_read_file(path, NULL);
        assert_non_null(strstr(svg, "touch")); /* drawn as text */
        free(svg);
        char *text = NULL;
        assert_int_equal(gp_figure_render_text(fig, 120, 30, &text, &err), GP_OK);
        free(text);
        gp_figure_free(fig);
        gp_matrix_free(x);
    }
    assert_false(test_exists(marker));
    test_remove_tree(dir);
    free(dir);
}

static void test_missing_gnuplot(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    gp_figure *fig = test_small_figure(NULL);
    char path[4200];
    gp_error err;
    snprintf(path, sizeof path, "%s/out/x.png", dir);
    setenv("GPRIOR_GNUPLOT", "/nonexistent/gnuplot", 1);
    assert_int_equal(gp_figure_save(fig, path, &err), GP_ERR_EXTERNAL);
    assert_non_null(strstr(err.msg, "gnuplot not found"));
    assert_non_null(strstr(err.msg, "apt-get install gnuplot-nox"));
    assert_non_null(strstr(err.msg, "/nonexistent/gnuplot"));
    unsetenv("GPRIOR_GNUPLOT");
    char *old_path = strdup(getenv("PATH") ? getenv("PATH") : "");
    setenv("PATH", dir, 1);
    assert_int_equal(gp_figure_save(fig, path, &err), GP_ERR_EXTERNAL);
    assert_non_null(strstr(err.msg, "gnuplot not found on PATH: install it with 'apt-get install "
                                    "gnuplot-nox' (or run 'make deps')"));
    char *text = NULL;
    assert_int_equal(gp_figure_render_text(fig, 0, 0, &text, &err), GP_ERR_EXTERNAL);
    assert_null(text);
    setenv("PATH", old_path, 1);
    free(old_path);
    snprintf(path, sizeof path, "%s/out", dir);
    assert_true(test_count_files(path, NULL, 0) <= 0); /* nothing written */
    test_remove_tree(dir);
    free(dir);
    gp_figure_free(fig);
}

static void test_gnuplot_failure_leaves_nothing(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    gp_figure *fig = test_small_figure(NULL);
    char fake[4200], path[4200], names[1024];
    snprintf(fake, sizeof fake, "%s/fake-gnuplot", dir);
    FILE *f = fopen(fake, "w");
    fputs("#!/bin/sh\necho 'line 1: boom, something broke' >&2\nexit 3\n", f);
    fclose(f);
    chmod(fake, 0755);
    setenv("GPRIOR_GNUPLOT", fake, 1);
    gp_error err;
    snprintf(path, sizeof path, "%s/out/x.png", dir);
    assert_int_equal(gp_figure_save(fig, path, &err), GP_ERR_EXTERNAL);
    assert_non_null(strstr(err.msg, "exit status 3"));
    assert_non_null(strstr(err.msg, "boom, something broke"));
    assert_non_null(strstr(err.msg, path));
    snprintf(path, sizeof path, "%s/out", dir);
    assert_int_equal(test_count_files(path, names, sizeof names), 0);
    setenv("GPRIOR_GNUPLOT", "/bin/true", 1); /* "succeeds" but draws nothing */
    snprintf(path, sizeof path, "%s/out/x.png", dir);
    assert_int_equal(gp_figure_save(fig, path, &err), GP_ERR_EXTERNAL);
    assert_non_null(strstr(err.msg, "no image"));
    snprintf(path, sizeof path, "%s/out", dir);
    assert_int_equal(test_count_files(path, names, sizeof names), 0);
    unsetenv("GPRIOR_GNUPLOT");
    test_remove_tree(dir);
    free(dir);
    gp_figure_free(fig);
}

/* gnuplot's output cut short (as when it is killed, or its writes fail)
 * while it still exits 0: each format's trailer is checked, nothing is saved. */
static void test_truncated_image_is_refused(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    gp_figure *fig = test_small_figure("cut");
    char fake[4200], path[4200], names[1024];
    snprintf(fake, sizeof fake, "%s/cut-gnuplot", dir);
    FILE *f = fopen(fake, "w");
    fputs("#!/bin/sh\ngnuplot \"$@\" | head -c 300\n", f); /* the status is head's: 0 */
    fclose(f);
    chmod(fake, 0755);
    static const char *const ext[] = {"png", "svg", "pdf"}, *const name[] = {"PNG", "SVG", "PDF"};
    gp_error err;
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/out/x%d.%s", dir, i, ext[i]);
        setenv("GPRIOR_GNUPLOT", fake, 1);
        gp_code rc = gp_figure_save(fig, path, &err);
        unsetenv("GPRIOR_GNUPLOT");
        assert_int_equal(rc, GP_ERR_EXTERNAL);
        assert_non_null(strstr(err.msg, path));
        assert_non_null(strstr(err.msg, "incomplete"));
        assert_non_null(strstr(err.msg, name[i]));
        assert_non_null(strstr(err.msg, "300 bytes"));
        snprintf(path, sizeof path, "%s/out", dir);
        assert_int_equal(test_count_files(path, names, sizeof names), 2 * i); /* only the good saves before */
        snprintf(path, sizeof path, "%s/out/x%d.%s", dir, i, ext[i]); /* the real gnuplot: fine */
        assert_int_equal(gp_figure_save(fig, path, &err), GP_OK);
    }
    test_remove_tree(dir);
    free(dir);
    gp_figure_free(fig);
}

static void test_unwritable_folder(void **state)
{
    (void)state;
    gp_figure *fig = test_small_figure(NULL);
    gp_error err;
    /* A folder that is a regular file (root ignores permission bits). */
    assert_int_equal(gp_figure_save(fig, "/etc/passwd/x.png", &err), GP_ERR_IO);
    assert_non_null(strstr(err.msg, "'/etc/passwd'"));
    assert_non_null(strstr(err.msg, "not a folder"));
    assert_int_equal(gp_figure_save(fig, "/etc/passwd/sub/x.png", &err), GP_ERR_IO);
    assert_non_null(strstr(err.msg, "/etc/passwd"));
    assert_int_not_equal(gp_figure_save(fig, "/proc/gprior-test.png", &err), GP_OK);
    assert_non_null(strstr(err.msg, "/proc"));
    assert_false(test_exists("/proc/gprior-test.png"));
    assert_int_equal(gp_figure_save(fig, "x.jpeg", &err), GP_ERR_ARG);
    assert_non_null(strstr(err.msg, "'.jpeg'"));
    assert_false(test_exists("x.gp"));
    assert_false(test_exists("x.jpeg.gp"));
    gp_figure_free(fig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote_forms),
        cmocka_unit_test(test_quote_rejects_control_characters),
        cmocka_unit_test(test_quote_round_trip_in_gnuplot),
        cmocka_unit_test(test_colors),
        cmocka_unit_test(test_model_errors),
        cmocka_unit_test(test_model_copies_and_layout),
        cmocka_unit_test(test_histogram_density),
        cmocka_unit_test(test_script_text),
        cmocka_unit_test(test_save_all_formats),
        cmocka_unit_test(test_script_rerenders_from_any_folder),
        cmocka_unit_test(test_malicious_strings_are_drawn_not_run),
        cmocka_unit_test(test_missing_gnuplot),
        cmocka_unit_test(test_gnuplot_failure_leaves_nothing),
        cmocka_unit_test(test_truncated_image_is_refused),
        cmocka_unit_test(test_unwritable_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
