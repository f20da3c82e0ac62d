/* lprocess.c: Gaussian processes for Lua.
 *
 *   f = gp.GP{kernel = k, mean = 0 | number | function | gp.poly}
 *   f:mean(x)  f:var(x)  f:sd(x)  f:cov(x [, x2])
 *   S, info = f:sample(x, {n = 5, seed = 7, jitter = 0})
 */
#include <math.h>
#include <string.h>

#include "gp_process.h"
#include "lfunc.h"
#include "lkernel.h"

#define LGP_PROCESS "gprior.process"
#define LGP_SAMPLE_INFO "gprior.sample_info"

static gp_process *check_process(lua_State *L, int arg)
{
    gp_process **box = luaL_checkudata(L, arg, LGP_PROCESS);
    if (!*box)
        luaL_argerror(L, arg, "process is empty");
    return *box;
}

static int l_GP(lua_State *L)
{
    static const char *const known[] = {"kernel", "mean", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    lgp_checkoptions(L, 1, "GP", known);
    lua_getfield(L, 1, "kernel");
    if (!lgp_testkernel(L, -1))
        return luaL_error(L, "GP: option 'kernel' must be a kernel, got %s", lgp_typename(L, -1));
    gp_kernel *k = lgp_testkernel(L, -1);
    if (lua_getfield(L, 1, "mean") == LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushnumber(L, 0.0);
    }
    if (!lgp_isfunc(L, -1) && lua_type(L, -1) != LUA_TNUMBER)
        return luaL_error(L, "GP: option 'mean' must be a number, a function or gp.poly, got %s",
                          lgp_typename(L, -1));
    lgp_enter_core(L);
    gp_func *m = lgp_tofunc(L, -1, "mean");
    gp_process **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, LGP_PROCESS);
    gp_error err;
    *box = gp_process_new(m, k, &err);
    if (!*box)
        return lgp_raise(L, &err);
    return 1;
}

/* The inputs at arg as a matrix (tables are converted). */
static gp_matrix *check_inputs(lua_State *L, int arg)
{
    return lgp_checkmatrix(L, arg);
}

static int p_mean(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    gp_matrix *X = check_inputs(L, 2);
    gp_matrix *mu = lgp_pushmatrix(L, X->rows, 1);
    gp_error err;
    lgp_enter_core(L);
    if (gp_process_mean_at(p, X, mu->data, &err))
        return lgp_raise(L, &err);
    return 1;
}

static int variance(lua_State *L, int take_sqrt)
{
    gp_process *p = check_process(L, 1);
    gp_matrix *X = check_inputs(L, 2);
    gp_matrix *v = lgp_pushmatrix(L, X->rows, 1);
    gp_error err;
    lgp_enter_core(L);
    if (gp_process_var_at(p, X, v->data, &err))
        return lgp_raise(L, &err);
    if (take_sqrt)
        for (size_t i = 0; i < v->rows; i++)
            v->data[i] = sqrt(v->data[i] > 0 ? v->data[i] : 0.0);
    return 1;
}

static int p_var(lua_State *L) { return variance(L, 0); }
static int p_sd(lua_State *L) { return variance(L, 1); }

static int p_cov(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    gp_matrix *X = check_inputs(L, 2);
    gp_matrix *Y = lua_isnoneornil(L, 3) ? NULL : check_inputs(L, 3);
    gp_matrix *K = lgp_pushmatrix(L, X->rows, Y ? Y->rows : X->rows);
    gp_error err;
    lgp_enter_core(L);
    if (gp_kernel_gram(gp_process_kernel(p), X, Y, K, &err))
        return lgp_raise(L, &err);
    return 1;
}

static void push_info(lua_State *L, const gp_factor *F)
{
    lua_createtable(L, 0, 5);
    lua_pushstring(L, gp_factor_method_name(F->method));
    lua_setfield(L, -2, "method");
    lua_pushnumber(L, F->jitter);
    lua_setfield(L, -2, "jitter");
    lua_pushinteger(L, (lua_Integer)F->rank);
    lua_setfield(L, -2, "rank");
    lua_pushinteger(L, (lua_Integer)F->n);
    lua_setfield(L, -2, "n");
    lua_pushnumber(L, F->residual);
    lua_setfield(L, -2, "residual");
    luaL_setmetatable(L, LGP_SAMPLE_INFO);
}

static int info_tostring(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "method");
    lua_getfield(L, 1, "rank");
    lua_getfield(L, 1, "n");
    lua_getfield(L, 1, "jitter");
    lua_pushfstring(L, "%s, rank %s of %s, jitter %s", lua_tostring(L, 2), lua_tostring(L, 3),
                    lua_tostring(L, 4), lua_tostring(L, 5));
    return 1;
}

typedef struct sample_options {
    size_t n;
    double jitter;
    gp_rng *rng; /* the program's generator, or own when a seed is given */
    gp_rng own;
} sample_options;

/* Read {n = 1, seed = s, jitter = 0} at idx. */
static void check_sample_options(lua_State *L, int idx, const char *fname, sample_options *o)
{
    static const char *const known[] = {"n", "seed", "jitter", NULL};
    lgp_checkoptions(L, idx, fname, known);
    lua_Integer ns = lgp_optinteger(L, idx, "n", 1);
    o->jitter = lgp_optnumber(L, idx, "jitter", 0.0);
    if (ns < 1)
        luaL_error(L, "%s: option 'n' must be >= 1, got %I", fname, ns);
    if (!(o->jitter >= 0) || !isfinite(o->jitter))
        luaL_error(L, "%s: option 'jitter' must be finite and >= 0, got %f", fname, o->jitter);
    o->n = (size_t)ns;
    o->rng = lgp_rng(L);
    lua_Integer seed = lgp_optinteger(L, idx, "seed", -1);
    if (!lua_isnoneornil(L, idx) && lua_getfield(L, idx, "seed") != LUA_TNIL) {
        if (seed < 0)
            luaL_error(L, "%s: option 'seed' must be >= 0, got %I", fname, seed);
        gp_rng_seed(&o->own, (uint64_t)seed);
        o->rng = &o->own;
    }
}

/* f:sample(x [, {n = 1, seed = s, jitter = 0}]) -> S (n_points x n), info. */
static int p_sample(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    gp_matrix *X = check_inputs(L, 2);
    sample_options o;
    check_sample_options(L, 3, "sample", &o);
    gp_matrix *S = lgp_pushmatrix(L, X->rows, o.n);
    gp_factor info;
    gp_error err;
    lgp_enter_core(L);
    if (gp_process_sample(p, X, o.jitter, o.rng, S, &info, &err))
        return lgp_raise(L, &err);
    push_info(L, &info);
    return 2;
}

/* gp.mvn_sample(mu, K [, {n, seed, jitter}]) -> S, info: draws from N(mu, K)
 * for a covariance matrix the script built itself. */
static int l_mvn_sample(lua_State *L)
{
    gp_matrix *mu = lgp_checkmatrix(L, 1);
    gp_matrix *K = lgp_checkmatrix(L, 2);
    sample_options o;
    check_sample_options(L, 3, "mvn_sample", &o);
    luaL_argcheck(L, mu->cols == 1, 1, "mean must be a vector (n x 1)");
    if (K->rows != mu->rows || K->cols != mu->rows)
        return luaL_error(L, "mvn_sample: covariance is %I x %I but the mean has %I entries",
                          (lua_Integer)K->rows, (lua_Integer)K->cols, (lua_Integer)mu->rows);
    gp_matrix *work = lgp_pushmatrix(L, K->rows, K->cols); /* factored in place */
    memcpy(work->data, K->data, K->rows * K->cols * sizeof(double));
    gp_matrix *S = lgp_pushmatrix(L, mu->rows, o.n);
    gp_factor F = {0};
    gp_error err;
    gp_code rc = gp_mvn_factor(work, o.jitter, &F, &err);
    if (!rc)
        rc = gp_mvn_draw(&F, mu->data, o.rng, S, &err);
    gp_factor_free(&F);
    if (rc)
        return lgp_raise(L, &err);
    push_info(L, &F);
    return 2;
}

static int p_kernel(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    lgp_pushkernel(L, (gp_kernel *)gp_process_kernel(p));
    return 1;
}

static int p_tostring(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    size_t len = gp_process_describe(p, NULL, 0);
    luaL_Buffer b;
    char *s = luaL_buffinitsize(L, &b, len + 1);
    gp_process_describe(p, s, len + 1);
    luaL_pushresultsize(&b, len);
    return 1;
}

static int p_gc(lua_State *L)
{
    gp_process **box = luaL_checkudata(L, 1, LGP_PROCESS);
    gp_process_release(*box);
    *box = NULL;
    return 0;
}

void lgp_open_process(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"mean", p_mean},     {"var", p_var},       {"sd", p_sd},
        {"cov", p_cov},       {"sample", p_sample}, {"kernel", p_kernel},
        {NULL, NULL}};
    static const luaL_Reg meta[] = {{"__tostring", p_tostring}, {"__gc", p_gc}, {NULL, NULL}};
    luaL_newmetatable(L, LGP_PROCESS);
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, LGP_SAMPLE_INFO);
    lua_pushcfunction(L, info_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_GP);
    lua_setfield(L, -2, "GP");
    lua_pushcfunction(L, l_mvn_sample);
    lua_setfield(L, -2, "mvn_sample");
}
