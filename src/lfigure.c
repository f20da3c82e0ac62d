/* lfigure.c: the Lua figure type, a thin layer over gp_plot.h.
 *
 *   local fig = gp.figure{title=, xlabel=, ylabel=, size={w, h}, layout={rows, cols},
 *                         xrange={a, b}, yrange={a, b}, logx=, logy=, legend=, enhanced=}
 *   fig:lines(x, Y [, {title=, color=, width=, dash=, alpha=}])  m curves (Y is n x m)
 *   fig:line(x, y [, opts])            one curve, default thick black (a mean)
 *   fig:band(x, mean, sd [, k=2] [, {title=, color=, alpha=}])   mean -+ k sd, shaded
 *   fig:fill(x, lower, upper [, opts])  the area between two curves
 *   fig:points(x, y [, {title=, color=, size=, alpha=}])
 *   fig:heatmap(Z [, {x=, y=, title=, palette=}])
 *   fig:histogram(v [, {bins=30, density=true, title=, color=, alpha=}])
 *   fig:panel{title=, xlabel=, ylabel=, xrange=, yrange=, logx=, logy=, legend=}
 *   fig:save(name)                     image + .gp under the --out folder
 *   fig:preview([w, h])                the figure as text (gnuplot dumb terminal)
 * Every method but preview returns the figure, so calls chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp_plot.h"
#include "lgprior.h"

#define LGP_FIGURE "gprior.figure"

typedef struct lfigure {
    gp_figure *fig; /* NULL until built: __gc tolerates it */
} lfigure;

static gp_figure *check_figure(lua_State *L)
{
    lfigure *u = luaL_checkudata(L, 1, LGP_FIGURE);
    if (!u->fig)
        luaL_argerror(L, 1, "figure was not built");
    return u->fig;
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

/* A string option; embedded zero bytes are an error (C would cut the string). */
static const char *opt_text(lua_State *L, int idx, const char *fn, const char *key)
{
    if (lua_isnoneornil(L, idx))
        return NULL;
    lua_getfield(L, idx, key);
    size_t len = 0;
    const char *s = NULL;
    if (lua_type(L, -1) == LUA_TSTRING) {
        s = lua_tolstring(L, -1, &len); /* kept alive by the options table */
        if (strlen(s) != len)
            luaL_error(L, "%s: option '%s' contains a zero byte", fn, key);
    } else if (!lua_isnil(L, -1)) {
        luaL_error(L, "%s: bad option '%s' (string expected, got %s)", fn, key,
                   luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    return s;
}

/* -1 when absent, else 0 / 1 from a boolean. */
static int opt_flag(lua_State *L, int idx, const char *fn, const char *key)
{
    if (lua_isnoneornil(L, idx))
        return -1;
    int t = lua_getfield(L, idx, key), v = -1;
    if (t == LUA_TBOOLEAN)
        v = lua_toboolean(L, -1);
    else if (t != LUA_TNIL)
        luaL_error(L, "%s: bad option '%s' (boolean expected, got %s)", fn, key,
                   luaL_typename(L, -1));
    lua_pop(L, 1);
    return v;
}

/* A pair {a, b} of numbers; 0 when absent. */
static int opt_pair(lua_State *L, int idx, const char *fn, const char *key, double out[2])
{
    if (lua_isnoneornil(L, idx) || lua_getfield(L, idx, key) == LUA_TNIL) {
        if (!lua_isnoneornil(L, idx))
            lua_pop(L, 1);
        return 0;
    }
    int ok = lua_istable(L, -1) && luaL_len(L, -1) == 2;
    for (int i = 0; ok && i < 2; i++) {
        ok = lua_geti(L, -1, i + 1) == LUA_TNUMBER;
        out[i] = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    if (!ok)
        luaL_error(L, "%s: bad option '%s' (a table of two numbers {a, b} expected)", fn, key);
    lua_pop(L, 1);
    return 1;
}

static gp_legend opt_legend(lua_State *L, int idx, const char *fn)
{
    static const char *const names[] = {"auto", "off", "top left", "top right", "bottom left",
                                        "bottom right", "outside", "left", "right", NULL};
    static const gp_legend values[] = {GP_LEGEND_AUTO,         GP_LEGEND_OFF,
                                       GP_LEGEND_TOP_LEFT,     GP_LEGEND_TOP_RIGHT,
                                       GP_LEGEND_BOTTOM_LEFT,  GP_LEGEND_BOTTOM_RIGHT,
                                       GP_LEGEND_OUTSIDE,      GP_LEGEND_TOP_LEFT,
                                       GP_LEGEND_TOP_RIGHT};
    if (lua_isnoneornil(L, idx))
        return GP_LEGEND_INHERIT;
    int t = lua_getfield(L, idx, "legend");
    gp_legend v = GP_LEGEND_INHERIT;
    if (t == LUA_TBOOLEAN) {
        v = lua_toboolean(L, -1) ? GP_LEGEND_AUTO : GP_LEGEND_OFF;
    } else if (t == LUA_TSTRING) {
        const char *s = lua_tostring(L, -1);
        int i = 0;
        while (names[i] && strcmp(names[i], s) != 0)
            i++;
        if (!names[i])
            luaL_error(L, "%s: unknown legend '%s' (use 'top left', 'top right', 'bottom left', "
                       "'bottom right', 'outside', 'auto', or false to hide it)", fn, s);
        v = values[i];
    } else if (t != LUA_TNIL) {
        luaL_error(L, "%s: bad option 'legend' (string or boolean expected, got %s)", fn,
                   luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    return v;
}

/* Panel options at idx (figure defaults or a :panel). */
static void opt_panel(lua_State *L, int idx, const char *fn, gp_panel_opts *o, int with_title)
{
    double r[2];
    gp_panel_opts_init(o);
    if (with_title)
        o->title = opt_text(L, idx, fn, "title");
    o->xlabel = opt_text(L, idx, fn, "xlabel");
    o->ylabel = opt_text(L, idx, fn, "ylabel");
    if (opt_pair(L, idx, fn, "xrange", r))
        o->xmin = r[0], o->xmax = r[1];
    if (opt_pair(L, idx, fn, "yrange", r))
        o->ymin = r[0], o->ymax = r[1];
    o->logx = opt_flag(L, idx, fn, "logx");
    o->logy = opt_flag(L, idx, fn, "logy");
    o->legend = opt_legend(L, idx, fn);
}

/* Layer style at idx; width_key is "width" (lines) or "size" (points). */
static void opt_style(lua_State *L, int idx, const char *fn, gp_style *s, const char *width_key)
{
    static const char *const dashes[] = {"solid", "dashed", "dotted", "dashdot", "dashdotdot",
                                         NULL};
    gp_style_init(s);
    if (lua_isnoneornil(L, idx))
        return;
    s->title = opt_text(L, idx, fn, "title");
    s->color = opt_text(L, idx, fn, "color");
    if (width_key)
        s->width = lgp_optnumber(L, idx, width_key, 0);
    s->alpha = lgp_optnumber(L, idx, "alpha", s->alpha);
    int t = lua_getfield(L, idx, "dash");
    if (t == LUA_TSTRING) {
        const char *d = lua_tostring(L, -1);
        int i = 0;
        while (dashes[i] && strcmp(dashes[i], d) != 0)
            i++;
        if (!dashes[i])
            luaL_error(L, "%s: unknown dash '%s' (use solid, dashed, dotted, dashdot, "
                       "dashdotdot, or 0..4)", fn, d);
        s->dash = i;
    } else if (t == LUA_TNUMBER) {
        lua_Integer d = lua_tointeger(L, -1);
        s->dash = d < 0 || d > 4 ? -1 : (int)d; /* the core reports the range */
    } else if (t != LUA_TNIL) {
        luaL_error(L, "%s: bad option 'dash' (string or number expected, got %s)", fn,
                   luaL_typename(L, -1));
    }
    lua_pop(L, 1);
}

/* Check the options table at idx (nil allowed) against known keys. */
static void check_opts(lua_State *L, int idx, const char *fn, const char *const known[])
{
    if (!lua_isnoneornil(L, idx))
        luaL_checktype(L, idx, LUA_TTABLE);
    lgp_checkoptions(L, idx, fn, known);
}

/* ---- constructor and layers ------------------------------------------------- */

static int l_figure(lua_State *L)
{
    static const char *const known[] = {"title", "xlabel", "ylabel", "size", "layout", "xrange",
                                        "yrange", "logx", "logy", "legend", "enhanced", NULL};
    check_opts(L, 1, "figure", known);
    gp_figure_opts o;
    gp_figure_opts_init(&o);
    double pair[2];
    o.title = opt_text(L, 1, "figure", "title");
    opt_panel(L, 1, "figure", &o.panel, 0);
    if (opt_pair(L, 1, "figure", "size", pair)) {
        luaL_argcheck(L, pair[0] >= 1 && pair[0] <= 20000 && pair[1] >= 1 && pair[1] <= 20000, 1,
                      "size must be {width, height} in pixels, 1..20000");
        o.width = (int)pair[0], o.height = (int)pair[1];
    }
    if (opt_pair(L, 1, "figure", "layout", pair)) {
        luaL_argcheck(L, pair[0] >= 1 && pair[0] <= 100 && pair[1] >= 1 && pair[1] <= 100, 1,
                      "layout must be {rows, cols} with 1..100 each");
        o.rows = (int)pair[0], o.cols = (int)pair[1];
    }
    o.enhanced = opt_flag(L, 1, "figure", "enhanced") == 1;

    lfigure *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->fig = NULL;
    luaL_setmetatable(L, LGP_FIGURE);
    gp_error err;
    gp_error_clear(&err);
    u->fig = gp_figure_new(&o, &err);
    if (!u->fig)
        return lgp_raise(L, &err);
    return 1;
}

static const char *const style_keys[] = {"title", "color", "width", "dash", "alpha", NULL};

static int curves(lua_State *L, const char *fn, int one)
{
    gp_figure *fig = check_figure(L);
    gp_matrix *x = lgp_checkmatrix(L, 2), *y = lgp_checkmatrix(L, 3);
    check_opts(L, 4, fn, style_keys);
    gp_style s;
    opt_style(L, 4, fn, &s, "width");
    gp_error err;
    gp_code rc = one ? gp_figure_line(fig, x, y, &s, &err) : gp_figure_lines(fig, x, y, &s, &err);
    return done(L, rc, &err);
}

static int l_lines(lua_State *L) { return curves(L, "lines", 0); }
static int l_line(lua_State *L) { return curves(L, "line", 1); }

static const char *const area_keys[] = {"title", "color", "alpha", NULL};

/* fig:band(x, mean, sd [, k] [, opts]) */
static int l_band(lua_State *L)
{
    gp_figure *fig = check_figure(L);
    gp_matrix *x = lgp_checkmatrix(L, 2), *mean = lgp_checkmatrix(L, 3),
              *sd = lgp_checkmatrix(L, 4);
    int opts = 6;
    double k = 2;
    if (lua_istable(L, 5) && lua_isnone(L, 6))
        opts = 5;
    else
        k = luaL_optnumber(L, 5, 2);
    check_opts(L, opts, "band", area_keys);
    gp_style s;
    opt_style(L, opts, "band", &s, NULL);
    gp_error err;
    return done(L, gp_figure_band_sd(fig, x, mean, sd, k, &s, &err), &err);
}

static int l_fill(lua_State *L)
{
    gp_figure *fig = check_figure(L);
    gp_matrix *x = lgp_checkmatrix(L, 2), *lo = lgp_checkmatrix(L, 3), *hi = lgp_checkmatrix(L, 4);
    check_opts(L, 5, "fill", area_keys);
    gp_style s;
    opt_style(L, 5, "fill", &s, NULL);
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
    check_opts(L, 4, "points", known);
    gp_style s;
    opt_style(L, 4, "points", &s, "size");
    gp_error err;
    return done(L, gp_figure_points(fig, x, y, &s, &err), &err);
}

/* The matrix in option key of the table at idx, or NULL; converted in place
 * and left on the stack (so it stays alive). */
static gp_matrix *opt_matrix(lua_State *L, int idx, const char *fn, const char *key)
{
    if (lua_isnoneornil(L, idx) || lua_getfield(L, idx, key) == LUA_TNIL) {
        if (!lua_isnoneornil(L, idx))
            lua_pop(L, 1);
        return NULL;
    }
    if (!lua_istable(L, -1) && !lgp_testmatrix(L, -1))
        luaL_error(L, "%s: bad option '%s' (matrix or table of numbers expected, got %s)", fn,
                   key, luaL_typename(L, -1));
    return lgp_checkmatrix(L, lua_gettop(L));
}

static int l_heatmap(lua_State *L)
{
    static const char *const known[] = {"x", "y", "title", "palette", NULL};
    static const char *const palettes[] = {"viridis", "gray", "hot", "rdbu", NULL};
    gp_figure *fig = check_figure(L);
    gp_matrix *Z = lgp_checkmatrix(L, 2);
    check_opts(L, 3, "heatmap", known);
    const char *title = opt_text(L, 3, "heatmap", "title");
    const char *pal = opt_text(L, 3, "heatmap", "palette");
    int p = 0;
    while (pal && palettes[p] && strcmp(palettes[p], pal) != 0)
        p++;
    if (pal && !palettes[p])
        luaL_error(L, "heatmap: unknown palette '%s' (use viridis, gray, hot or rdbu)", pal);
    gp_matrix *x = opt_matrix(L, 3, "heatmap", "x");
    gp_matrix *y = opt_matrix(L, 3, "heatmap", "y");
    gp_error err;
    gp_code rc = gp_figure_heatmap(fig, Z, x, y, (gp_palette)p, title, &err);
    return done(L, rc, &err);
}

static int l_histogram(lua_State *L)
{
    static const char *const known[] = {"bins", "density", "title", "color", "alpha", NULL};
    gp_figure *fig = check_figure(L);
    gp_matrix *v = lgp_checkmatrix(L, 2);
    check_opts(L, 3, "histogram", known);
    lua_Integer bins = lgp_optinteger(L, 3, "bins", 30);
    int density = opt_flag(L, 3, "histogram", "density");
    gp_style s;
    opt_style(L, 3, "histogram", &s, NULL);
    gp_error err;
    gp_code rc = bins < 1 ? gp_error_set(&err, GP_ERR_ARG, "histogram: bins must be >= 1, got %lld",
                                         (long long)bins)
                          : gp_figure_histogram(fig, v, (size_t)bins, density != 0, &s, &err);
    return done(L, rc, &err);
}

static int l_panel(lua_State *L)
{
    static const char *const known[] = {"title", "xlabel", "ylabel", "xrange", "yrange",
                                        "logx", "logy", "legend", NULL};
    gp_figure *fig = check_figure(L);
    check_opts(L, 2, "panel", known);
    gp_panel_opts o;
    opt_panel(L, 2, "panel", &o, 1);
    gp_error err;
    return done(L, gp_figure_panel(fig, &o, &err), &err);
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

static int l_preview(lua_State *L)
{
    gp_figure *fig = check_figure(L);
    lua_Integer w = luaL_optinteger(L, 2, 100), h = luaL_optinteger(L, 3, 30);
    luaL_argcheck(L, w >= 20 && w <= 1000, 2, "width must be 20..1000 characters");
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
    lfigure *u = luaL_checkudata(L, 1, LGP_FIGURE);
    size_t p = gp_figure_panels(u->fig), n = gp_figure_layers(u->fig);
    lua_pushfstring(L, "figure(%d panel%s, %d layer%s)", (int)p, p == 1 ? "" : "s", (int)n,
                    n == 1 ? "" : "s");
    return 1;
}

static int l_gc(lua_State *L)
{
    lfigure *u = luaL_checkudata(L, 1, LGP_FIGURE);
    gp_figure_free(u->fig);
    u->fig = NULL;
    return 0;
}

void lgp_open_figure(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"lines", l_lines},     {"line", l_line},   {"band", l_band},
        {"fill", l_fill},       {"points", l_points}, {"heatmap", l_heatmap},
        {"histogram", l_histogram}, {"panel", l_panel}, {"save", l_save},
        {"preview", l_preview}, {NULL, NULL}};
    static const luaL_Reg meta[] = {{"__tostring", l_tostring}, {"__gc", l_gc}, {NULL, NULL}};
    if (luaL_newmetatable(L, LGP_FIGURE)) {
        luaL_setfuncs(L, meta, 0);
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, l_figure);
    lua_setfield(L, -2, "figure");
}
