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

/* A small figure: x = (0, 0.1, 1/3), two curves, a band, labelled. */
static gp_figure *small_figure(const char *title)
{
    gp_error err;
    gp_matrix *x = gp_matrix_alloc(3, 1), *Y = gp_matrix_alloc(3, 2);
    x->data[0] = 0, x->data[1] = 0.1, x->data[2] = 1.0 / 3;
    for (int i = 0; i < 6; i++)
        Y->data[i] = i * 0.5 - 1;
    gp_figure_opts o;
    gp_figure_opts_init(&o);
    o.title = title;
    o.panel.xlabel = "x";
    gp_figure *fig = gp_figure_new(&o, &err);
    assert_non_null(fig);
    gp_style s;
    gp_style_init(&s);
    s.title = "samples";
    assert_int_equal(gp_figure_lines(fig, x, Y, &s, &err), GP_OK);
    assert_int_equal(gp_figure_line(fig, x, x, NULL, &err), GP_OK);
    gp_matrix_free(x);
    gp_matrix_free(Y);
    return fig;
}

/* Run `gnuplot script` with cwd as working directory; its exit status. */
static int gnuplot_in(const char *cwd, const char *script)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(cwd) != 0)
            _exit(126);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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
    gp_figure *fig = small_figure("it's");
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
    gp_figure *fig = small_figure("formats");
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
    gp_figure *fig = small_figure("again");
    char path[4200], gp[4200];
    gp_error err;
    snprintf(path, sizeof path, "%s/plots/again.png", dir);
    snprintf(gp, sizeof gp, "%s/plots/again.png.gp", dir);
    assert_int_equal(gp_figure_save(fig, path, &err), GP_OK);
    size_t len0 = 0, len1 = 0;
    char *first = test_read_file(path, &len0);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(gnuplot_in("/", gp), 0); /* absolute script path, cwd / */
    char *second = test_read_file(path, &len1);
    assert_non_null(second);
    assert_int_equal(len0, len1);
    assert_memory_equal(first, second, len0);
    free(second);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(gnuplot_in(dir, "plots/again.png.gp"), 0); /* relative script path */
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
    gp_figure *fig = small_figure(NULL);
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
    gp_figure *fig = small_figure(NULL);
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
    gp_figure *fig = small_figure("cut");
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
    gp_figure *fig = small_figure(NULL);
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

static void test_render_text(void **state)
{
    (void)state;
    gp_figure *fig = small_figure("preview here");
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
        assert_int_equal(gnuplot_in("/", gp), 0);
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
