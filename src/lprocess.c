/* lprocess.c: Gaussian processes and their combinations for Lua.
 *
 *   f = gp.GP{kernel = k, mean = 0 | number | function | gp.poly}
 *   f + g, f - g, c * f, a * f (a a function or gp.poly), f + a, f * g, -f
 *   f:mean(x)  f:var(x)  f:sd(x)  f:cov(x [, x2])  f:band(x [, k])  f:pdf(x, y)
 *   S, info = f:sample(x, {n = 5, seed = 7, jitter = 0})
 *   F, G, U, info = gp.sample_joint({f, g, u}, x, {n = 5})
 *   S, info = gp.mvn_sample(mu, K, {n = 5})
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gp_process.h"
#include "lfunc.h"
#include "lkernel.h"

#define LGP_PROCESS "gprior.process"
#define LGP_SAMPLE_INFO "gprior.sample_info"
#define MAX_JOINT 16
#define MAX_INFOS 64

static gp_process *test_process(lua_State *L, int arg)
{
    gp_process **box = luaL_testudata(L, arg, LGP_PROCESS);
    return box ? *box : NULL;
}

static gp_process *check_process(lua_State *L, int arg)
{
    gp_process **box = luaL_checkudata(L, arg, LGP_PROCESS);
    if (!*box)
        luaL_argerror(L, arg, "process is empty");
    return *box;
}

static gp_process **new_box(lua_State *L)
{
    gp_process **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL; /* valid and empty until the core object exists */
    luaL_setmetatable(L, LGP_PROCESS);
    return box;
}

static int push_process(lua_State *L, gp_process **box, gp_process *p, const gp_error *err)
{
    if (!p)
        return lgp_raise(L, err);
    *box = p;
    return 1;
}

static int l_GP(lua_State *L)
{
    static const char *const known[] = {"kernel", "mean", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    lgp_checkoptions(L, 1, "GP", known);
    lua_getfield(L, 1, "kernel");
    gp_kernel *k = lgp_testkernel(L, -1);
    if (!k)
        return luaL_error(L, "GP: option 'kernel' must be a kernel, got %s", lgp_typename(L, -1));
    if (lua_getfield(L, 1, "mean") == LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushnumber(L, 0.0);
    }
    if (!lgp_isfunc(L, -1) && lua_type(L, -1) != LUA_TNUMBER)
        return luaL_error(L, "GP: option 'mean' must be a number, a function or gp.poly, got %s",
                          lgp_typename(L, -1));
    gp_func *m = lgp_tofunc(L, -1, "mean");
    gp_error err;
    gp_process **box = new_box(L);
    return push_process(L, box, gp_process_new(m, k, &err), &err);
}

/* ---- algebra ------------------------------------------------------------------------ */

static int not_combinable(lua_State *L, const char *op, int other)
{
    if (lgp_testkernel(L, other))
        return luaL_error(L, "cannot %s a process and a kernel: add kernels before building the "
                             "GP (gp.GP{kernel = k1 + k2}), or combine two GPs",
                          op);
    return luaL_error(L, "cannot %s a process and a %s (use a process, a number, a function of x "
                         "or gp.poly)",
                      op, lgp_typename(L, other));
}

/* f + g, f + c, f + a(x), and the same with the operands swapped. */
static int p_add(lua_State *L)
{
    int parg = test_process(L, 1) ? 1 : 2, other = 3 - parg;
    gp_process *p = check_process(L, parg);
    gp_error err;
    gp_process *q = test_process(L, other);
    if (q) {
        gp_process **box = new_box(L);
        return push_process(L, box, gp_process_sum(p, q, &err), &err);
    }
    if (lua_type(L, other) == LUA_TNUMBER || lgp_isfunc(L, other)) {
        gp_func *w = lgp_tofunc(L, other, "offset");
        gp_process **box = new_box(L);
        return push_process(L, box, gp_process_offset(p, w, &err), &err);
    }
    return not_combinable(L, "add", other);
}

static int p_unm(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    gp_error err;
    gp_process **box = new_box(L);
    return push_process(L, box, gp_process_scale(-1.0, p, &err), &err);
}

/* a - b = a + (-1) b, for processes and the things they add to. */
static int p_sub(lua_State *L)
{
    lua_settop(L, 2);
    if (test_process(L, 2)) {
        lua_pushcfunction(L, p_unm);
        lua_pushvalue(L, 2);
        lua_call(L, 1, 1);
    } else if (lua_type(L, 2) == LUA_TNUMBER) {
        lua_pushnumber(L, -lua_tonumber(L, 2));
    } else {
        return not_combinable(L, "subtract", 2);
    }
    lua_replace(L, 2);
    return p_add(L);
}

/* c * f, a(x) * f, f * g (independent: not a GP), with either operand order. */
static int p_mul(lua_State *L)
{
    int parg = test_process(L, 1) ? 1 : 2, other = 3 - parg;
    gp_process *p = check_process(L, parg);
    gp_error err;
    gp_process *q = test_process(L, other);
    if (q) {
        gp_process **box = new_box(L);
        return push_process(L, box, gp_process_product(test_process(L, 1), test_process(L, 2), &err),
                            &err);
    }
    if (lua_type(L, other) == LUA_TNUMBER) {
        double c = lua_tonumber(L, other);
        gp_process **box = new_box(L);
        return push_process(L, box, gp_process_scale(c, p, &err), &err);
    }
    if (lgp_isfunc(L, other)) {
        gp_func *w = lgp_tofunc(L, other, "warp");
        gp_process **box = new_box(L);
        return push_process(L, box, gp_process_warp(w, p, &err), &err);
    }
    return not_combinable(L, "multiply", other);
}

/* ---- moments ---------------------------------------------------------------------- */

static int p_mean(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    gp_matrix *X = lgp_checkmatrix(L, 2);
    gp_matrix *mu = lgp_pushmatrix(L, X->rows, 1);
    gp_error err;
    lgp_enter_core(L);
    if (gp_process_mean_at(p, X, mu->data, &err))
        return lgp_raise(L, &err);
    return 1;
}

static gp_matrix *push_var(lua_State *L, gp_process *p, gp_matrix *X)
{
    gp_matrix *v = lgp_pushmatrix(L, X->rows, 1);
    gp_error err;
    lgp_enter_core(L);
    if (gp_process_var_at(p, X, v->data, &err))
        lgp_raise(L, &err);
    return v;
}

static int p_var(lua_State *L)
{
    push_var(L, check_process(L, 1), lgp_checkmatrix(L, 2));
    return 1;
}

static int p_sd(lua_State *L)
{
    gp_matrix *v = push_var(L, check_process(L, 1), lgp_checkmatrix(L, 2));
    for (size_t i = 0; i < v->rows; i++)
        v->data[i] = sqrt(v->data[i] > 0 ? v->data[i] : 0.0);
    return 1;
}

static int p_cov(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    gp_matrix *X = lgp_checkmatrix(L, 2);
    gp_matrix *Y = lua_isnoneornil(L, 3) ? NULL : lgp_checkmatrix(L, 3);
    gp_matrix *K = lgp_pushmatrix(L, X->rows, Y ? Y->rows : X->rows);
    gp_error err;
    lgp_enter_core(L);
    if (gp_process_cov(p, X, Y, K, &err))
        return lgp_raise(L, &err);
    return 1;
}

static void check_gaussian(lua_State *L, gp_process *p, const char *what)
{
    if (!gp_process_is_gaussian(p))
        luaL_error(L, "%s: this process is a product of independent processes, which is not "
                      "Gaussian (its values are products of Gaussians, heavy-tailed), so it has "
                      "no Gaussian %s; its mean, var, sd and cov are exact",
                   what, strcmp(what, "band") == 0 ? "band" : "density");
}

/* f:band(x [, k = 2]) -> lower, upper: mean -+ k sd (Gaussian processes only). */
static int p_band(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    gp_matrix *X = lgp_checkmatrix(L, 2);
    double k = luaL_optnumber(L, 3, 2.0);
    luaL_argcheck(L, k >= 0 && isfinite(k), 3, "band width must be finite and >= 0");
    check_gaussian(L, p, "band");
    gp_matrix *v = push_var(L, p, X);
    gp_matrix *lo = lgp_pushmatrix(L, X->rows, 1), *hi = lgp_pushmatrix(L, X->rows, 1);
    gp_error err;
    if (gp_process_mean_at(p, X, lo->data, &err))
        return lgp_raise(L, &err);
    for (size_t i = 0; i < X->rows; i++) {
        double s = k * sqrt(v->data[i] > 0 ? v->data[i] : 0.0);
        hi->data[i] = lo->data[i] + s;
        lo->data[i] -= s;
    }
    return 2;
}

/* f:pdf(x, y): the marginal Gaussian density of f(x_i) at y_i (or at the
 * number y for every x_i), as a vector (Gaussian processes only). */
static int p_pdf(lua_State *L)
{
    const double inv_sqrt_2pi = 0.39894228040143267794;
    gp_process *p = check_process(L, 1);
    gp_matrix *X = lgp_checkmatrix(L, 2);
    double y0 = lua_type(L, 3) == LUA_TNUMBER ? lua_tonumber(L, 3) : 0.0;
    gp_matrix *y = lua_type(L, 3) == LUA_TNUMBER ? NULL : lgp_checkmatrix(L, 3);
    if (y && y->rows * y->cols != X->rows)
        return luaL_error(L, "pdf: y has %I values for %I points", (lua_Integer)(y->rows * y->cols),
                          (lua_Integer)X->rows);
    check_gaussian(L, p, "pdf");
    gp_matrix *v = push_var(L, p, X);
    gp_matrix *d = lgp_pushmatrix(L, X->rows, 1);
    gp_error err;
    if (gp_process_mean_at(p, X, d->data, &err))
        return lgp_raise(L, &err);
    for (size_t i = 0; i < X->rows; i++) {
        double z = (y ? y->data[i] : y0) - d->data[i], s2 = v->data[i];
        if (!(s2 > 0))
            return luaL_error(L, "pdf: the variance at point %I is 0: no density", (lua_Integer)i + 1);
        d->data[i] = inv_sqrt_2pi / sqrt(s2) * exp(-0.5 * z * z / s2);
    }
    return 1;
}

static int p_is_gaussian(lua_State *L)
{
    lua_pushboolean(L, gp_process_is_gaussian(check_process(L, 1)));
    return 1;
}

/* f:kernel(): the kernel of a GP built with gp.GP (not of a combination). */
static int p_kernel(lua_State *L)
{
    const gp_kernel *k = gp_process_kernel(check_process(L, 1));
    if (!k)
        return luaL_error(L, "kernel: this process is a combination; use its cov(x) for the "
                             "covariance");
    lgp_pushkernel(L, (gp_kernel *)k);
    return 1;
}

/* ---- sampling ---------------------------------------------------------------------- */

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
    lua_Integer seed = lgp_optinteger(L, idx, "seed", -1);
    o->jitter = lgp_optnumber(L, idx, "jitter", 0.0);
    if (ns < 1)
        luaL_error(L, "%s: option 'n' must be >= 1, got %I", fname, ns);
    if (!(o->jitter >= 0) || !isfinite(o->jitter))
        luaL_error(L, "%s: option 'jitter' must be finite and >= 0, got %f", fname, o->jitter);
    o->n = (size_t)ns;
    o->rng = lgp_rng(L);
    if (!lua_isnoneornil(L, idx) && lua_getfield(L, idx, "seed") != LUA_TNIL) {
        if (seed < 0)
            luaL_error(L, "%s: option 'seed' must be >= 0, got %I", fname, seed);
        gp_rng_seed(&o->own, (uint64_t)seed);
        o->rng = &o->own;
    }
    lua_settop(L, idx > 0 ? idx : lua_gettop(L));
}

static void push_one_info(lua_State *L, const gp_factor *F)
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

/* One leaf: its info. Several: {method = "joint", parts = {info per leaf}}. */
static void push_info(lua_State *L, const gp_factor *infos, size_t n)
{
    if (n == 1) {
        push_one_info(L, &infos[0]);
        return;
    }
    lua_createtable(L, 0, 2);
    lua_pushliteral(L, "joint");
    lua_setfield(L, -2, "method");
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n && i < MAX_INFOS; i++) {
        push_one_info(L, &infos[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "parts");
    luaL_setmetatable(L, LGP_SAMPLE_INFO);
}

static int info_tostring(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    if (lua_getfield(L, 1, "parts") == LUA_TTABLE) {
        luaL_Buffer b;
        lua_Integer n = luaL_len(L, 2);
        luaL_buffinit(L, &b);
        lua_pushfstring(L, "joint draw of %I independent processes: ", n);
        luaL_addvalue(&b);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_geti(L, 2, i);
            luaL_tolstring(L, -1, NULL);
            lua_remove(L, -2);
            luaL_addvalue(&b);
            if (i < n)
                luaL_addstring(&b, "; ");
        }
        luaL_pushresult(&b);
        return 1;
    }
    lua_getfield(L, 1, "method");
    lua_getfield(L, 1, "rank");
    lua_getfield(L, 1, "n");
    lua_getfield(L, 1, "jitter");
    char jitter[32];
    snprintf(jitter, sizeof jitter, "%g", lua_tonumber(L, 6));
    lua_pushfstring(L, "%s, rank %s of %s, jitter %s", lua_tostring(L, 3), lua_tostring(L, 4),
                    lua_tostring(L, 5), jitter);
    return 1;
}

/* Draw the processes ps[0..np-1] jointly at X; pushes np matrices and the info. */
static int sample_processes(lua_State *L, gp_process **ps, size_t np, gp_matrix *X,
                            sample_options *o)
{
    gp_matrix *outs[MAX_JOINT];
    for (size_t i = 0; i < np; i++)
        outs[i] = lgp_pushmatrix(L, X->rows, o->n);
    gp_factor *infos = lua_newuserdatauv(L, MAX_INFOS * sizeof *infos, 0);
    size_t nleaves = 0;
    gp_error err;
    lgp_enter_core(L);
    if (gp_process_sample_joint(ps, np, X, o->jitter, o->rng, outs, infos, MAX_INFOS, &nleaves,
                                &err))
        return lgp_raise(L, &err);
    push_info(L, infos, nleaves);
    lua_remove(L, -2); /* the infos buffer */
    return (int)np + 1;
}

/* f:sample(x [, {n = 1, seed = s, jitter = 0}]) -> S (n_points x n), info. */
static int p_sample(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    gp_matrix *X = lgp_checkmatrix(L, 2);
    sample_options o;
    check_sample_options(L, 3, "sample", &o);
    return sample_processes(L, &p, 1, X, &o);
}

/* gp.sample_joint({f, g, u}, x [, options]) -> F, G, U, info: the processes
 * drawn from the same underlying draws of their independent parts. */
static int l_sample_joint(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    gp_matrix *X = lgp_checkmatrix(L, 2);
    sample_options o;
    check_sample_options(L, 3, "sample_joint", &o);
    lua_Integer n = luaL_len(L, 1);
    if (n < 1 || n > MAX_JOINT)
        return luaL_argerror(L, 1, "expected a list of 1 to 16 processes");
    gp_process *ps[MAX_JOINT];
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 1, i);
        ps[i - 1] = test_process(L, -1);
        if (!ps[i - 1])
            return luaL_argerror(L, 1, lua_pushfstring(L, "element %I is a %s, not a process", i,
                                                       lgp_typename(L, -1)));
        lua_pop(L, 1); /* the list keeps it alive */
    }
    return sample_processes(L, ps, (size_t)n, X, &o);
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
    push_one_info(L, &F);
    return 2;
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
        {"cov", p_cov},       {"band", p_band},     {"pdf", p_pdf},
        {"sample", p_sample}, {"kernel", p_kernel}, {"is_gaussian", p_is_gaussian},
        {NULL, NULL}};
    static const luaL_Reg meta[] = {{"__add", p_add}, {"__sub", p_sub}, {"__mul", p_mul},
                                    {"__unm", p_unm}, {"__tostring", p_tostring},
                                    {"__gc", p_gc},   {NULL, NULL}};
    static const luaL_Reg functions[] = {
        {"GP", l_GP}, {"sample_joint", l_sample_joint}, {"mvn_sample", l_mvn_sample}, {NULL, NULL}};
    luaL_newmetatable(L, LGP_PROCESS);
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, LGP_SAMPLE_INFO);
    lua_pushcfunction(L, info_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    luaL_setfuncs(L, functions, 0);
}
