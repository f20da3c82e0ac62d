/* lgprior.c: the gprior Lua module: shared binding helpers, the program-wide
 * generator, the output folder, and luaopen_gprior. */
#define _POSIX_C_SOURCE 200809L
#include "lgprior.h"

#include "gp_blas.h"

#include <string.h>
#include <time.h>

#include <lualib.h>

#define LGP_RNG_KEY "gprior.rng"
#define LGP_SEED_KEY "gprior.seed"
#define LGP_OUTDIR_KEY "gprior.outdir"
#define LGP_DEFAULT_SEED 1ULL

int lgp_raise(lua_State *L, const gp_error *err)
{
    return luaL_error(L, "%s", err->msg[0] ? err->msg : "unknown error");
}

const char *lgp_typename(lua_State *L, int idx)
{
    if (luaL_getmetafield(L, idx, "__name") != LUA_TNIL) {
        const char *name = lua_tostring(L, -1); /* interned, held by the metatable */
        lua_pop(L, 1);
        if (name)
            return name;
    }
    return luaL_typename(L, idx);
}

/* ---- options tables ------------------------------------------------------------ */

static int push_field(lua_State *L, int idx, const char *key)
{
    return lua_getfield(L, idx, key);
}

/* The value on top of the stack is the wrong type for option key: say what
 * was expected and what came (the value itself when it is a number). */
static int bad_option(lua_State *L, const char *key, const char *expected)
{
    const char *got = lua_type(L, -1) == LUA_TNUMBER ? luaL_tolstring(L, -1, NULL)
                                                     : luaL_typename(L, -1);
    return luaL_error(L, "bad option '%s' (%s expected, got %s)", key, expected, got);
}

double lgp_optnumber(lua_State *L, int idx, const char *key, double def)
{
    if (lua_isnoneornil(L, idx))
        return def;
    idx = lua_absindex(L, idx);
    int t = push_field(L, idx, key);
    double v = def;
    if (t == LUA_TNUMBER)
        v = lua_tonumber(L, -1);
    else if (t != LUA_TNIL)
        return bad_option(L, key, "number");
    lua_pop(L, 1);
    return v;
}

lua_Integer lgp_optinteger(lua_State *L, int idx, const char *key, lua_Integer def)
{
    if (lua_isnoneornil(L, idx))
        return def;
    idx = lua_absindex(L, idx);
    int t = push_field(L, idx, key);
    lua_Integer v = def;
    if (t != LUA_TNIL) {
        int ok;
        v = lua_tointegerx(L, -1, &ok);
        if (!ok)
            return bad_option(L, key, "integer");
    }
    lua_pop(L, 1);
    return v;
}

const char *lgp_optstring(lua_State *L, int idx, const char *key, const char *def)
{
    if (lua_isnoneornil(L, idx))
        return def;
    idx = lua_absindex(L, idx);
    int t = push_field(L, idx, key);
    const char *v = def;
    if (t == LUA_TSTRING)
        v = lua_tostring(L, -1); /* stays alive: the options table holds it */
    else if (t != LUA_TNIL)
        return (bad_option(L, key, "string"), NULL);
    lua_pop(L, 1);
    return v;
}

void lgp_checkoptions(lua_State *L, int idx, const char *fname, const char *const known[])
{
    if (lua_isnoneornil(L, idx))
        return;
    idx = lua_absindex(L, idx);
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        int found = 0;
        if (lua_type(L, -1) == LUA_TSTRING) {
            const char *key = lua_tostring(L, -1);
            for (size_t i = 0; known[i] && !found; i++)
                found = strcmp(key, known[i]) == 0;
        }
        if (!found) {
            const char *key = luaL_tolstring(L, -1, NULL);
            luaL_Buffer b;
            luaL_buffinit(L, &b);
            for (size_t i = 0; known[i]; i++) {
                luaL_addstring(&b, i ? ", " : "");
                luaL_addstring(&b, known[i]);
            }
            luaL_pushresult(&b);
            luaL_error(L, "%s: unknown option '%s' (known: %s)", fname, key, lua_tostring(L, -1));
        }
    }
}

/* ---- the generator and the seed ------------------------------------------------ */

gp_rng *lgp_rng(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, LGP_RNG_KEY);
    gp_rng *rng = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return rng; /* created by luaopen_gprior, kept alive by the registry */
}

void lgp_set_seed(lua_State *L, unsigned long long seed)
{
    gp_rng_seed(lgp_rng(L), (uint64_t)seed);
    lua_pushinteger(L, (lua_Integer)seed);
    lua_setfield(L, LUA_REGISTRYINDEX, LGP_SEED_KEY);
}

/* gp.seed([n]): with n, restart the generator from seed n; returns the seed in use. */
static int l_seed(lua_State *L)
{
    if (!lua_isnoneornil(L, 1)) {
        lua_Integer s = luaL_checkinteger(L, 1);
        luaL_argcheck(L, s >= 0, 1, "seed must be >= 0");
        lgp_set_seed(L, (unsigned long long)s);
    }
    lua_getfield(L, LUA_REGISTRYINDEX, LGP_SEED_KEY);
    return 1;
}

/* gp.randn(n [, m]): an n x m matrix (m = 1 default) of standard normals. */
static int l_randn(lua_State *L)
{
    lua_Integer n = luaL_checkinteger(L, 1), m = luaL_optinteger(L, 2, 1);
    luaL_argcheck(L, n >= 1, 1, "rows must be >= 1");
    luaL_argcheck(L, m >= 1, 2, "columns must be >= 1");
    gp_matrix *z = lgp_pushmatrix(L, (size_t)n, (size_t)m);
    gp_rng_normals(lgp_rng(L), z->data, z->rows * z->cols);
    return 1;
}

/* gp.clock(): seconds on a monotonic wall clock (for timing; differences only). */
static int l_clock(lua_State *L)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec);
    return 1;
}

/* ---- the output folder ------------------------------------------------------------ */

void lgp_set_outdir(lua_State *L, const char *dir)
{
    lua_pushstring(L, dir);
    lua_setfield(L, LUA_REGISTRYINDEX, LGP_OUTDIR_KEY);
}

const char *lgp_outpath(lua_State *L, const char *name)
{
    if (name[0] == '/' || strncmp(name, "./", 2) == 0 || strncmp(name, "../", 3) == 0)
        return lua_pushstring(L, name);
    lua_getfield(L, LUA_REGISTRYINDEX, LGP_OUTDIR_KEY);
    const char *dir = lua_tostring(L, -1);
    const char *path = lua_pushfstring(L, "%s/%s", dir ? dir : "plots", name);
    lua_remove(L, -2);
    return path;
}

/* gp.outdir(): the folder relative figure names are saved under;
 * gp.outpath(name): where name would be saved. */
static int l_outdir(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, LGP_OUTDIR_KEY);
    return 1;
}

static int l_outpath(lua_State *L)
{
    lgp_outpath(L, luaL_checkstring(L, 1));
    return 1;
}

/* ---- the module ---------------------------------------------------------------------- */

static const struct {
    const char *name, *chunkname, *source;
} lua_library[] = {
#include "lualib.inc"
    {NULL, NULL, NULL}};

static int load_embedded(lua_State *L)
{
    size_t i = (size_t)lua_tointeger(L, lua_upvalueindex(1));
    if (luaL_loadbuffer(L, lua_library[i].source, strlen(lua_library[i].source),
                        lua_library[i].chunkname) != LUA_OK)
        return lua_error(L);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    return 1;
}

static void register_lua_library(lua_State *L)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    for (size_t i = 0; lua_library[i].name; i++) {
        lua_pushinteger(L, (lua_Integer)i);
        lua_pushcclosure(L, load_embedded, 1);
        lua_setfield(L, -2, lua_library[i].name);
    }
    lua_pop(L, 1);
}

static const luaL_Reg module_functions[] = {
    {"seed", l_seed},       {"randn", l_randn}, {"outdir", l_outdir},
    {"outpath", l_outpath}, {"clock", l_clock},
    {NULL, NULL}};

int luaopen_gprior(lua_State *L)
{
    gp_blas_use_best_kernels(); /* as the gprior command does; a no-op after it */
    gp_rng *rng = lua_newuserdatauv(L, sizeof *rng, 0);
    lua_setfield(L, LUA_REGISTRYINDEX, LGP_RNG_KEY);
    (void)rng;
    lgp_set_seed(L, LGP_DEFAULT_SEED);
    lua_getfield(L, LUA_REGISTRYINDEX, LGP_OUTDIR_KEY);
    int has_outdir = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (!has_outdir)
        lgp_set_outdir(L, "plots");
    register_lua_library(L);

    luaL_newlib(L, module_functions);
    lua_pushliteral(L, GPRIOR_VERSION);
    lua_setfield(L, -2, "version");
    lgp_open_matrix(L);
    lgp_open_kernel(L);
    lgp_open_process(L);
    lgp_open_grid(L);
    lgp_open_figure(L);
    lgp_open_stats(L);
    lgp_open_basis(L);
    lgp_open_param(L);
    return 1;
}
