/* lgrid.c: fast samplers for stationary GPs, as methods of processes.
 *
 *   S, info = f:sample_grid(a, b, n [, {n = 1, seed = s, method = "auto"}])
 *       EXACT draws on gp.linspace(a, b, n) by circulant embedding (FFTW);
 *       method "auto" (circulant, dense fallback if the embedding stays
 *       indefinite), "circulant" (no fallback) or "dense".
 *   S, info = f:sample_rff(x [, {features = 2000, n = 1, seed = s}])
 *       APPROXIMATE draws by random Fourier features, fresh for every sample.
 * Both for processes built with gp.GP (leaves), not for combinations.
 */
#include <math.h>
#include <string.h>

#include "gp_grid.h"
#include "gp_process.h"
#include "gp_rff.h"
#include "lfunc.h"
#include "lgprior.h"

#define LGP_PROCESS "gprior.process"
#define LGP_GRID_INFO "gprior.grid_info"


/* The leaf process at argument 1 (combinations are an error). */
static const gp_process *check_leaf(lua_State *L, const char *fname)
{
    gp_process **box = luaL_checkudata(L, 1, LGP_PROCESS);
    if (!*box)
        luaL_argerror(L, 1, "process is empty");
    if (!gp_process_kernel(*box))
        luaL_error(L, "%s: this process is a combination of processes; %s works on one GP "
                      "built with gp.GP{kernel = k, mean = m} (add kernels instead: "
                      "gp.GP{kernel = k1 + k2}), or use f:sample",
                   fname, fname);
    return *box;
}

typedef struct draw_options {
    size_t n;
    gp_rng *rng;
    gp_rng own;
} draw_options;

/* n (samples, >= 1) and seed (own generator) of the options table at idx. */
static void read_draw_options(lua_State *L, int idx, const char *fname, draw_options *o)
{
    lua_Integer ns = lgp_optinteger(L, idx, "n", 1);
    if (ns < 1)
        luaL_error(L, "%s: option 'n' must be >= 1, got %I", fname, ns);
    o->n = (size_t)ns;
    o->rng = lgp_rng(L);
    if (!lua_isnoneornil(L, idx)) {
        int t = lua_getfield(L, idx, "seed");
        lua_pop(L, 1);
        if (t != LUA_TNIL) {
            lua_Integer seed = lgp_optinteger(L, idx, "seed", 0);
            if (seed < 0)
                luaL_error(L, "%s: option 'seed' must be >= 0, got %I", fname, seed);
            gp_rng_seed(&o->own, (uint64_t)seed);
            o->rng = &o->own;
        }
    }
}

static void set_number(lua_State *L, const char *key, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, key);
}

static void set_integer(lua_State *L, const char *key, size_t v)
{
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, key);
}

static void set_string(lua_State *L, const char *key, const char *v)
{
    lua_pushstring(L, v);
    lua_setfield(L, -2, key);
}

static void push_grid_info(lua_State *L, const gp_grid_info *g)
{
    lua_createtable(L, 0, 12);
    set_string(L, "method", gp_grid_method_name(g->method));
    set_integer(L, "n", g->n);
    set_integer(L, "embedding", g->m);
    set_integer(L, "paddings", g->paddings);
    set_number(L, "clipped", g->clipped);
    set_number(L, "lambda_min", g->lambda_min);
    set_number(L, "lambda_max", g->lambda_max);
    set_number(L, "tol", g->tol);
    if (g->reason[0])
        set_string(L, "reason", g->reason);
    if (g->method == GP_GRID_DENSE) {
        set_string(L, "factor", gp_factor_method_name(g->dense.method));
        set_integer(L, "rank", g->dense.rank);
        set_number(L, "jitter", g->dense.jitter);
    }
    luaL_setmetatable(L, LGP_GRID_INFO);
}

static void push_rff_info(lua_State *L, const gp_rff_info *r)
{
    lua_createtable(L, 0, 5);
    set_string(L, "method", GP_RFF_METHOD);
    set_integer(L, "features", r->features);
    set_string(L, "family", gp_spectral_family_name(r->family));
    set_integer(L, "dim", r->dim);
    set_number(L, "variance", r->variance);
    luaL_setmetatable(L, LGP_GRID_INFO);
}

/* "circulant embedding m = 2097152 (0 paddings), clipped 0";
 * "dense (cholesky, rank 50 of 50): <reason>";
 * "random-fourier-features (approximate): 2000 features per sample, matern32". */
static int info_tostring(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "method");
    const char *method = luaL_optstring(L, -1, "?");
    if (strcmp(method, "circulant") == 0) {
        lua_getfield(L, 1, "embedding");
        lua_getfield(L, 1, "paddings");
        lua_getfield(L, 1, "clipped");
        lua_pushfstring(L, "circulant embedding, m = %I (%I paddings), clipped %f",
                        lua_tointeger(L, -3), lua_tointeger(L, -2), lua_tonumber(L, -1));
    } else if (strcmp(method, "dense") == 0) {
        lua_getfield(L, 1, "factor");
        lua_getfield(L, 1, "rank");
        lua_getfield(L, 1, "n");
        lua_getfield(L, 1, "reason");
        lua_pushfstring(L, "dense (%s, rank %I of %I): %s", luaL_optstring(L, -4, "?"),
                        lua_tointeger(L, -3), lua_tointeger(L, -2), luaL_optstring(L, -1, ""));
    } else {
        lua_getfield(L, 1, "features");
        lua_getfield(L, 1, "family");
        lua_pushfstring(L, "%s: %I features per sample, %s spectral density", method,
                        lua_tointeger(L, -2), luaL_optstring(L, -1, "?"));
    }
    return 1;
}

/* f:sample_grid(a, b, n [, {n = 1, seed = s, method = "auto"}]) -> S (n x ns), info */
static int p_sample_grid(lua_State *L)
{
    static const char *const known[] = {"n", "seed", "method", NULL};
    static const char *const methods[] = {"auto", "circulant", "dense", NULL};
    static const gp_grid_method codes[] = {GP_GRID_AUTO, GP_GRID_CIRCULANT, GP_GRID_DENSE};
    const gp_process *p = check_leaf(L, "sample_grid");
    double a = luaL_checknumber(L, 2), b = luaL_checknumber(L, 3);
    lua_Integer n = luaL_checkinteger(L, 4);
    luaL_argcheck(L, isfinite(a), 2, "start must be finite");
    luaL_argcheck(L, isfinite(b), 3, "end must be finite");
    luaL_argcheck(L, n >= 1, 4, "number of grid points must be >= 1");
    if (n > 1 && !(b > a))
        return luaL_error(L, "sample_grid: need a < b for %I points, got a = %f, b = %f", n, a, b);
    lgp_checkoptions(L, 5, "sample_grid", known);
    draw_options o;
    read_draw_options(L, 5, "sample_grid", &o);
    const char *mname = lgp_optstring(L, 5, "method", "auto");
    gp_grid_options go;
    gp_grid_options_default(&go);
    size_t mi = 0;
    while (methods[mi] && strcmp(methods[mi], mname) != 0)
        mi++;
    if (!methods[mi])
        return luaL_error(L, "sample_grid: option 'method' must be \"auto\", \"circulant\" or "
                             "\"dense\", got \"%s\"",
                          mname);
    go.method = codes[mi];
    double h = n > 1 ? (b - a) / (double)(n - 1) : 1.0;
    gp_matrix *S = lgp_pushmatrix(L, (size_t)n, o.n);
    gp_grid_info info;
    gp_error err;
    lgp_enter_core(L);
    if (gp_grid_sample(gp_process_kernel(p), gp_process_mean(p), a, h, &go, o.rng, S, &info,
                       &err))
        return lgp_raise(L, &err);
    push_grid_info(L, &info);
    return 2;
}

/* f:sample_rff(x [, {features = 2000, n = 1, seed = s}]) -> S (points x ns), info */
static int p_sample_rff(lua_State *L)
{
    static const char *const known[] = {"features", "n", "seed", NULL};
    const gp_process *p = check_leaf(L, "sample_rff");
    gp_matrix *X = lgp_checkmatrix(L, 2);
    lgp_checkoptions(L, 3, "sample_rff", known);
    draw_options o;
    read_draw_options(L, 3, "sample_rff", &o);
    lua_Integer J = lgp_optinteger(L, 3, "features", 2000);
    if (J < 1)
        return luaL_error(L, "sample_rff: option 'features' must be >= 1, got %I", J);
    gp_matrix *S = lgp_pushmatrix(L, X->rows, o.n);
    gp_rff_info info;
    gp_error err;
    lgp_enter_core(L);
    if (gp_rff_sample(gp_process_kernel(p), gp_process_mean(p), X, (size_t)J, o.rng, S, &info,
                      &err))
        return lgp_raise(L, &err);
    push_rff_info(L, &info);
    return 2;
}

/* Add the methods to the process type made by lgp_open_process (called after it). */
void lgp_open_grid(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"sample_grid", p_sample_grid}, {"sample_rff", p_sample_rff}, {NULL, NULL}};
    if (luaL_getmetatable(L, LGP_PROCESS) != LUA_TTABLE ||
        lua_getfield(L, -1, "__index") != LUA_TTABLE)
        luaL_error(L, "lgp_open_grid: the process type is not registered (call lgp_open_process "
                      "first)");
    luaL_setfuncs(L, methods, 0);
    lua_pop(L, 2);
    luaL_newmetatable(L, LGP_GRID_INFO);
    lua_pushcfunction(L, info_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
}
