/* lposterior.c: the process type's inference methods (f:condition,
 * f:log_marginal_likelihood, p:info, f:with) and gp.noise, joined into the
 * process type by lgp_open_process. The formulas and numerics: gp_posterior.h. */
#include "gp_posterior.h"
#include "lfunc.h"
#include "linfo.h"
#include "lkernel.h"
#include "lprocess.h"

/* The observations of f:condition(x, y [, {noise = s2, jitter = 0}]) and
 * f:log_marginal_likelihood(...) at arguments 2-4 (their matrices stay on the
 * stack). zero: storage for the default noise 0. */
static void read_observations(lua_State *L, const char *fname, gp_observations *obs,
                              const double *zero)
{
    static const char *const known[] = {"noise", "jitter", NULL};
    gp_matrix *X = lgp_checkpoints(L, 2);
    gp_matrix *y = lgp_checkmatrix(L, 3);
    if (y->rows != 1 && y->cols != 1)
        lgp_argerror(L, 3, "y must be a vector of observations, got a %zu x %zu matrix", y->rows,
                     y->cols);
    if (y->rows * y->cols != X->rows)
        lgp_argerror(L, 3, "y has %zu values for %zu points", y->rows * y->cols, X->rows);
    lgp_options o;
    lgp_options_open(&o, L, 4, fname, known);
    gp_matrix *s2 = lgp_opt_matrix(&o, "noise"); /* a number is 1 x 1 */
    if (s2 && s2->rows != 1 && s2->cols != 1)
        lgp_error(L, "%s: option 'noise' must be a variance or one per observation, got a %zu x "
                     "%zu matrix",
                  fname, s2->rows, s2->cols);
    *obs = (gp_observations){X, y->data, s2 ? s2->data : zero, s2 ? s2->rows * s2->cols : 1,
                             lgp_opt_number(&o, "jitter", 0.0)};
}

/* f:condition(x, y [, {noise = s2, jitter = 0}]) -> the posterior process of
 * f given y = f(x) + e, e ~ N(0, s2 I) (s2 a number or one per observation;
 * 0, the default, interpolates). */
static int p_condition(lua_State *L)
{
    static const double zero = 0.0;
    gp_process *f = lgp_checkprocess(L, 1);
    gp_observations obs;
    read_observations(L, "condition", &obs, &zero);
    void **box = lgp_newprocess(L);
    gp_error err;
    lua_State *saved = lgp_enter_core(L);
    gp_process *p = gp_process_condition(f, &obs, &err);
    lgp_leave_core(saved);
    return lgp_fillbox(L, box, p, &err);
}

/* f:log_marginal_likelihood(x, y [, {noise = s2, jitter = 0}]) -> log p(y | x),
 * {value =, data_fit =, complexity =, constant =, n =}. */
static int p_log_marginal_likelihood(lua_State *L)
{
    static const double zero = 0.0;
    gp_process *f = lgp_checkprocess(L, 1);
    gp_observations obs;
    read_observations(L, "log_marginal_likelihood", &obs, &zero);
    gp_lml lml;
    gp_error err;
    lua_State *saved = lgp_enter_core(L);
    gp_code rc = gp_process_lml(f, &obs, &lml, &err);
    lgp_leave_core(saved);
    if (rc)
        return lgp_raise(L, &err);
    lua_pushnumber(L, lml.value);
    lua_createtable(L, 0, 5);
    const struct {
        const char *key;
        double v;
    } terms[] = {{"value", lml.value},
                 {"data_fit", lml.data_fit},
                 {"complexity", lml.complexity},
                 {"constant", lml.constant}};
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
        lua_pushnumber(L, terms[i].v);
        lua_setfield(L, -2, terms[i].key);
    }
    lua_pushinteger(L, (lua_Integer)lml.n);
    lua_setfield(L, -2, "n");
    return 2;
}

/* p:info() -> the report of the conditioning of a posterior (A's factor). */
static int p_info(lua_State *L)
{
    const gp_posterior *post = gp_process_posterior(lgp_checkprocess(L, 1));
    if (!post)
        return lgp_error(L, "info: this process was not made by f:condition; a sampler's report "
                            "comes with its draws (S, info = f:sample(x))");
    gp_report r;
    gp_posterior_report(post, &r);
    lgp_push_report(L, &r);
    return 1;
}

/* f:with{name = value, ...} -> the GP f with new values of its kernel's free
 * parameters (k:with's rules), the same mean: a GP built with gp.GP only. */
static int p_with(lua_State *L)
{
    const gp_process *f = lgp_checkprocess(L, 1);
    const gp_kernel *k = gp_process_kernel(f);
    if (!k)
        return lgp_error(L, "with: this process is a %s; with works on one GP built with "
                            "gp.GP{kernel = k, mean = m}",
                         gp_process_posterior(f) ? "posterior" : "combination");
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    lgp_pushkernel(L, (gp_kernel *)k); /* k:with(values), by the kernel's own rules */
    lua_getfield(L, 3, "with");
    lua_insert(L, 3);
    lua_pushvalue(L, 2);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) { /* its message, at the script's line */
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
    gp_kernel *k2 = lgp_checkkernel(L, 3);
    void **box = lgp_newprocess(L);
    gp_error err;
    return lgp_fillbox(L, box, gp_process_new((gp_func *)gp_process_mean(f), k2, &err), &err);
}

/* gp.noise(s2) -> GP(0, white(s2)): independent N(0, s2) values at distinct
 * points (the same point is one value), e.g. new noisy observations f + noise. */
static int l_noise(lua_State *L)
{
    const double s2 = luaL_checknumber(L, 1);
    void **box = lgp_newprocess(L); /* before anything is allocated: it may raise */
    gp_error err;
    gp_kernel *k = gp_kernel_white(s2, &err);
    gp_func *zero = k ? gp_func_constant(0.0, &err) : NULL;
    gp_process *p = zero ? gp_process_new(zero, k, &err) : NULL;
    gp_func_release(zero);
    gp_kernel_release(k);
    return lgp_fillbox(L, box, p, &err);
}

const luaL_Reg lgp_posterior_methods[] = {{"condition", p_condition},
                                          {"log_marginal_likelihood", p_log_marginal_likelihood},
                                          {"lml", p_log_marginal_likelihood},
                                          {"info", p_info},
                                          {"with", p_with},
                                          {NULL, NULL}};

const luaL_Reg lgp_posterior_functions[] = {{"noise", l_noise}, {NULL, NULL}};
