/* lfigure.c: the Lua figure type, a thin layer over gp_plot.h. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "gp_plot.h"
#include "lgprior.h"

static const lgp_type figure_type;

static gp_figure *check_figure(lua_State *L)
{
    return lgp_checkbox(L, 1, &figure_type);
}

/* Return self; raise err if rc says so (no malloc'ed memory is held here). */
static int done(lua_State *L, gp_code rc, const gp_error *err)
{
    if (rc)
        return lgp_raise(L, err);
    lua_settop(L, 1);
    return 1;
}

/* ---- options ------------------------------------------------------------- */

/* legend: a name, or a boolean (true: automatic, false: off). */
static gp_legend opt_legend(const lgp_options *o)
{
    static const char *const names[] = {"auto", "off", "top left", "top right", "bottom left",
                                        "bottom right", "outside", "left", "right", "below",
                                        "shared", NULL};
    static const gp_legend values[] = {GP_LEGEND_AUTO,         GP_LEGEND_OFF,
                                       GP_LEGEND_TOP_LEFT,     GP_LEGEND_TOP_RIGHT,
                                       GP_LEGEND_BOTTOM_LEFT,  GP_LEGEND_BOTTOM_RIGHT,
                                       GP_LEGEND_OUTSIDE,      GP_LEGEND_TOP_LEFT,
                                       GP_LEGEND_TOP_RIGHT,    GP_LEGEND_BELOW,
                                       GP_LEGEND_SHARED};
    int t = lgp_opt_type(o, "legend");
    if (t == LUA_TNIL)
        return GP_LEGEND_INHERIT;
    if (t == LUA_TBOOLEAN)
        return lgp_opt_boolean(o, "legend", 1) ? GP_LEGEND_AUTO : GP_LEGEND_OFF;
    return values[lgp_opt_choice(o, "legend", 0, names)];
}

/* aspect: "equal" (the same units on x and y), "free", or a number (the
 * plot's height / width, checked by the core with the value given). */
static double opt_aspect(const lgp_options *o)
{
    static const char *const names[] = {"free", "equal", NULL};
    if (lgp_opt_type(o, "aspect") == LUA_TNUMBER)
        return lgp_opt_number(o, "aspect", 0);
    int c = lgp_opt_choice(o, "aspect", -1, names);
    return c < 0 ? NAN : c == 0 ? 0 : -1;
}

/* sharex, sharey: a boolean (true: all panels) or "all", "row", "col". */
static gp_share opt_share(const lgp_options *o, const char *key)
{
    static const char *const names[] = {"none", "all", "row", "col", NULL};
    if (lgp_opt_type(o, key) == LUA_TBOOLEAN)
        return lgp_opt_boolean(o, key, 0) ? GP_SHARE_ALL : GP_SHARE_NONE;
    return (gp_share)lgp_opt_choice(o, key, GP_SHARE_NONE, names);
}

/* Panel options (figure defaults or a :panel). */
static void opt_panel(const lgp_options *o, gp_panel_opts *p, int with_title)
{
    double r[2];
    gp_panel_opts_init(p);
    if (with_title)
        p->title = lgp_opt_string(o, "title", NULL);
    p->xlabel = lgp_opt_string(o, "xlabel", NULL);
    p->ylabel = lgp_opt_string(o, "ylabel", NULL);
    p->zlabel = lgp_opt_string(o, "zlabel", NULL);
    p->aspect = opt_aspect(o);
    if (lgp_opt_numbers(o, "xrange", r, 2, 2))
        p->xmin = r[0], p->xmax = r[1];
    if (lgp_opt_numbers(o, "yrange", r, 2, 2))
        p->ymin = r[0], p->ymax = r[1];
    p->logx = lgp_opt_boolean(o, "logx", -1);
    p->logy = lgp_opt_boolean(o, "logy", -1);
    p->legend = opt_legend(o);
}

/* Layer style; width_key is "width" (lines), "size" (points) or NULL (areas).
 * dash is a name or its number 0..4 (checked by the core with the value given). */
static void opt_style(const lgp_options *o, gp_style *s, const char *width_key)
{
    static const char *const dashes[] = {"solid", "dashed", "dotted", "dashdot", "dashdotdot",
                                         NULL};
    gp_style_init(s);
    s->title = lgp_opt_string(o, "title", NULL);
    s->color = lgp_opt_string(o, "color", NULL);
    if (width_key)
        s->width = lgp_opt_number(o, width_key, 0);
    s->alpha = lgp_opt_number(o, "alpha", s->alpha);
    if (lgp_opt_type(o, "dash") == LUA_TNUMBER)
        s->dash = lgp_opt_int(o, "dash", 0);
    else
        s->dash = lgp_opt_choice(o, "dash", s->dash, dashes);
}

/* ---- constructor and layers ------------------------------------------------- */

static int l_figure(lua_State *L)
{
    static const char *const known[] = {"title", "xlabel", "ylabel", "zlabel", "size", "layout",
                                        "xrange", "yrange", "logx", "logy", "legend", "enhanced",
                                        "theme", "font", "fontscale", "sharex", "sharey",
                                        "aspect", NULL};
    static const char *const themes[] = {"notebook", "paper", "slides", NULL};
    lgp_options o;
    lgp_options_open(&o, L, 1, "figure", known);
    gp_figure_opts fo;
    gp_figure_opts_init(&fo);
    int pair[2];
    fo.title = lgp_opt_string(&o, "title", NULL);
    opt_panel(&o, &fo.panel, 0);
    if (lgp_opt_ints(&o, "size", pair, 2, 2))
        fo.width = pair[0], fo.height = pair[1];
    if (lgp_opt_ints(&o, "layout", pair, 2, 2))
        fo.rows = pair[0], fo.cols = pair[1];
    fo.enhanced = lgp_opt_boolean(&o, "enhanced", 0);
    fo.theme = (gp_theme)lgp_opt_choice(&o, "theme", GP_THEME_NOTEBOOK, themes);
    fo.font = lgp_opt_string(&o, "font", NULL);
    fo.fontscale = lgp_opt_number(&o, "fontscale", NAN);
    fo.sharex = opt_share(&o, "sharex");
    fo.sharey = opt_share(&o, "sharey");
    gp_error err;
    void **box = lgp_newbox(L, &figure_type);
    return lgp_fillbox(L, box, gp_figure_new(&fo, &err), &err);
}

static const char *const style_keys[] = {"title", "color", "width", "dash", "alpha", NULL};

static int curves(lua_State *L, const char *fn, int one)
{
    gp_figure *fig = check_figure(L);
    gp_matrix *x = lgp_checkmatrix(L, 2), *y = lgp_checkmatrix(L, 3);
    lgp_options o;
    lgp_options_open(&o, L, 4, fn, style_keys);
    gp_style s;
    opt_style(&o, &s, "width");
    gp_error err;
    gp_code rc = one ? gp_figure_line(fig, x, y, &s, &err) : gp_figure_lines(fig, x, y, &s, &err);
    return done(L, rc, &err);
}

static int l_lines(lua_State *L) { return curves(L, "lines", 0); }
static int l_line(lua_State *L) { return curves(L, "line", 1); }

static const char *const area_keys[] = {"title", "color", "alpha", NULL};

/* fig:band(x, mean, sd [, k] [, opts]), fig:band(x, f [, k] [, opts]),
 * fig:band(x, f:band(x) [, opts]): the forms of lgp_checkband. */
static int l_band(lua_State *L)
{
    gp_figure *fig = check_figure(L);
    gp_matrix *x = lgp_checkmatrix(L, 2);
    lgp_band b;
    int opts = lgp_checkband(L, 3, 2, &b);
    lgp_options o;
    lgp_options_open(&o, L, opts, "band", area_keys);
    gp_style s;
    opt_style(&o, &s, NULL);
    gp_error err;
    gp_code rc = b.lower ? gp_figure_band(fig, x, b.lower, b.upper, &s, &err)
                         : gp_figure_band_sd(fig, x, b.mean, b.sd, b.k, &s, &err);
    return done(L, rc, &err);
}

static int l_fill(lua_State *L)
{
    gp_figure *fig = check_figure(L);
    gp_matrix *x = lgp_checkmatrix(L, 2), *lo = lgp_checkmatrix(L, 3), *hi = lgp_checkmatrix(L, 4);
    lgp_options o;
    lgp_options_open(&o, L, 5, "fill", area_keys);
    gp_style s;
    opt_style(&o, &s, NULL);
    gp_error err;
    gp_code rc = gp_figure_band(fig, x, lo, hi, &s, &err);
    if (rc && strncmp(err.msg, "band:", 5) == 0) /* the core names the band */
        memcpy(err.msg, "fill:", 5);
    return done(L, rc, &err);
}

static int l_points(lua_State *L)
{
    static const char *const known[] = {"title", "color", "size", "alpha", NULL};
    gp_figure *fig = check_figure(L);
    gp_matrix *x = lgp_checkmatrix(L, 2), *y = lgp_checkmatrix(L, 3);
    lgp_options o;
    lgp_options_open(&o, L, 4, "points", known);
    gp_style s;
    opt_style(&o, &s, "size");
    gp_error err;
    return done(L, gp_figure_points(fig, x, y, &s, &err), &err);
}

/* colorbar: true (default), false, or a string: its label. */
static void opt_colorbar(const lgp_options *o, gp_map_opts *m)
{
    int t = lgp_opt_type(o, "colorbar");
    if (t == LUA_TSTRING) {
        m->cblabel = lgp_opt_string(o, "colorbar", NULL);
        m->colorbar = 1;
    } else if (t == LUA_TNIL || t == LUA_TBOOLEAN) {
        m->colorbar = lgp_opt_boolean(o, "colorbar", 1);
    } else {
        lgp_error(o->L, "%s: bad option 'colorbar' (boolean or string (its label) expected, got %s)",
                  o->fname, lua_typename(o->L, t));
    }
}

static const char *const palettes[] = {"viridis", "gray", "hot", "rdbu", NULL};

/* The grid layers: fig:heatmap(Z [, opts]) or (x, y, Z [, opts]);
 * fig:contour(x, y, Z [, opts]); fig:surface(x, y, Z [, opts]). */
static int grid_layer(lua_State *L, const char *fn, const char *const known[],
                      gp_code (*add)(gp_figure *, const gp_matrix *, const gp_matrix *,
                                     const gp_matrix *, const gp_map_opts *, gp_error *))
{
    gp_figure *fig = check_figure(L);
    int heat = add == gp_figure_heatmap;
    int three = !heat || lgp_ismatrix(L, 4); /* heatmap(Z [, opts]) has no 4th argument */
    double levels[100];
    gp_matrix *x = NULL, *y = NULL, *Z;
    if (three) {
        x = lgp_checkmatrix(L, 2);
        y = lgp_checkmatrix(L, 3);
        Z = lgp_checkmatrix(L, 4);
    } else {
        Z = lgp_checkmatrix(L, 2);
    }
    lgp_options o;
    lgp_options_open(&o, L, three ? 5 : 3, fn, known);
    gp_map_opts m;
    gp_map_opts_init(&m);
    m.title = lgp_opt_string(&o, "title", NULL);
    if (heat) {
        m.palette = (gp_palette)lgp_opt_choice(&o, "palette", 0, palettes);
        m.smooth = lgp_opt_boolean(&o, "smooth", 0);
        opt_colorbar(&o, &m);
        if (!three) {
            x = lgp_opt_matrix(&o, "x");
            y = lgp_opt_matrix(&o, "y");
        }
    } else if (add == gp_figure_contour) {
        if (lgp_opt_type(&o, "levels") == LUA_TTABLE) {
            m.nlevels = (int)lgp_opt_numbers(&o, "levels", levels, 1, 100);
            m.levels = levels;
        } else {
            m.nlevels = lgp_opt_int(&o, "levels", m.nlevels);
        }
        m.labels = lgp_opt_boolean(&o, "labels", 1);
        m.color = lgp_opt_string(&o, "color", NULL);
        m.width = lgp_opt_number(&o, "width", m.width);
    } else {
        m.palette = (gp_palette)lgp_opt_choice(&o, "palette", 0, palettes);
        opt_colorbar(&o, &m);
        lgp_opt_numbers(&o, "view", m.view, 2, 2);
    }
    gp_error err;
    return done(L, add(fig, x, y, Z, &m, &err), &err);
}

static int l_heatmap(lua_State *L)
{
    static const char *const known[] = {"x", "y", "title", "palette", "smooth", "colorbar", NULL};
    return grid_layer(L, "heatmap", known, gp_figure_heatmap);
}

static int l_contour(lua_State *L)
{
    static const char *const known[] = {"levels", "labels", "color", "width", "title", NULL};
    return grid_layer(L, "contour", known, gp_figure_contour);
}

static int l_surface(lua_State *L)
{
    static const char *const known[] = {"view", "palette", "colorbar", "title", NULL};
    return grid_layer(L, "surface", known, gp_figure_surface);
}

static int l_histogram(lua_State *L)
{
    static const char *const known[] = {"bins", "density", "title", "color", "alpha", NULL};
    gp_figure *fig = check_figure(L);
    gp_matrix *v = lgp_checkmatrix(L, 2);
    lgp_options o;
    lgp_options_open(&o, L, 3, "histogram", known);
    lua_Integer bins = lgp_opt_integer(&o, "bins", 30);
    int density = lgp_opt_boolean(&o, "density", 1);
    gp_style s;
    opt_style(&o, &s, NULL);
    if (bins < 1) /* not a count: the core takes size_t and checks the rest */
        return lgp_error(L, "histogram: bins must be >= 1, got %lld", (long long)bins);
    gp_error err;
    return done(L, gp_figure_histogram(fig, v, (size_t)bins, density, &s, &err), &err);
}

static int l_panel(lua_State *L)
{
    static const char *const known[] = {"title", "xlabel", "ylabel", "zlabel", "xrange",
                                        "yrange", "logx", "logy", "legend", "aspect", NULL};
    gp_figure *fig = check_figure(L);
    lgp_options o;
    lgp_options_open(&o, L, 2, "panel", known);
    gp_panel_opts po;
    opt_panel(&o, &po, 1);
    gp_error err;
    return done(L, gp_figure_panel(fig, &po, &err), &err);
}

/* ---- output -------------------------------------------------------------------- */

/* For `gprior batch`: append the saved image's path to the file named by
 * GPRIOR_FIGURE_LOG, if set (best effort: the figure itself is saved). */
static void log_figure(const char *path)
{
    const char *log = getenv("GPRIOR_FIGURE_LOG");
    FILE *f = log && log[0] ? fopen(log, "a") : NULL;
    if (f) {
        fprintf(f, "%s\n", path);
        fclose(f);
    }
}

static int l_save(lua_State *L)
{
    gp_figure *fig = check_figure(L);
    size_t len;
    const char *name = luaL_checklstring(L, 2, &len);
    luaL_argcheck(L, strlen(name) == len, 2, "file name contains a zero byte");
    const char *path = lgp_outpath(L, name);
    gp_error err;
    gp_code rc = gp_figure_save(fig, path, &err);
    if (!rc)
        log_figure(path);
    return done(L, rc, &err);
}

static int push_text(lua_State *L)
{
    lua_pushstring(L, (const char *)lua_touserdata(L, 1));
    return 1;
}

/* The terminal's width in characters: COLUMNS if set, else the terminal on
 * standard output, else 100. */
static int terminal_columns(int *lines)
{
    const char *env = getenv("COLUMNS"), *env_lines = getenv("LINES");
    int cols = env ? atoi(env) : 0;
    *lines = env_lines ? atoi(env_lines) : 0;
    struct winsize ws;
    if ((cols <= 0 || *lines <= 0) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
        cols = cols > 0 ? cols : ws.ws_col;
        *lines = *lines > 0 ? *lines : ws.ws_row;
    }
    if (cols < 20 || cols > 1000)
        cols = 100;
    return cols;
}

/* fig:preview([w [, h]]): w defaults to the terminal's width, h to what
 * keeps the figure's proportions (within the terminal's height). */
static int l_preview(lua_State *L)
{
    gp_figure *fig = check_figure(L);
    int lines;
    lua_Integer w = luaL_optinteger(L, 2, terminal_columns(&lines));
    luaL_argcheck(L, w >= 20 && w <= 1000, 2, "width must be 20..1000 characters");
    lua_Integer h = lua_isnoneornil(L, 3)
                        ? gp_figure_text_height(fig, (int)w, lines > 12 ? lines - 2 : 60)
                        : luaL_checkinteger(L, 3);
    luaL_argcheck(L, h >= 10 && h <= 1000, 3, "height must be 10..1000 lines");
    char *text = NULL;
    gp_error err;
    gp_code rc = gp_figure_render_text(fig, (int)w, (int)h, &text, &err);
    if (rc)
        return lgp_raise(L, &err);
    /* Push under pcall so that a memory error cannot leak text. */
    lua_pushcfunction(L, push_text);
    lua_pushlightuserdata(L, text);
    int status = lua_pcall(L, 1, 1, 0);
    free(text);
    if (status != LUA_OK)
        return lua_error(L);
    return 1;
}

static int l_tostring(lua_State *L)
{
    gp_figure *fig = check_figure(L);
    size_t p = gp_figure_panels(fig), n = gp_figure_layers(fig);
    lua_pushfstring(L, "figure(%I panel%s, %I layer%s)", (lua_Integer)p, p == 1 ? "" : "s",
                    (lua_Integer)n, n == 1 ? "" : "s");
    return 1;
}

static void release_figure(void *fig)
{
    gp_figure_free(fig);
}

static const luaL_Reg figure_methods[] = {
    {"lines", l_lines},         {"line", l_line},     {"band", l_band},
    {"fill", l_fill},           {"points", l_points}, {"heatmap", l_heatmap},
    {"histogram", l_histogram}, {"panel", l_panel},   {"save", l_save},
    {"preview", l_preview},     {"contour", l_contour}, {"surface", l_surface},
    {NULL, NULL}};

static const luaL_Reg figure_meta[] = {{"__tostring", l_tostring}, {NULL, NULL}};

static const lgp_type figure_type = {"gprior.figure", "figure", release_figure, NULL,
                                     figure_methods, figure_meta};

void lgp_open_figure(lua_State *L)
{
    lgp_newtype(L, &figure_type);
    lua_pushcfunction(L, l_figure);
    lua_setfield(L, -2, "figure");
}
