/* lstats.c: empirical moments for experiment checks.
 *
 *   m = gp.moments(S)   -- S: n points x N draws; m.mean, m.cov, m.se_mean, m.se_cov
 *   gp.kurtosis(v)      -- excess kurtosis of the values in v (0 for a Gaussian)
 */
#include "gp_stats.h"
#include "lgprior.h"

static int l_moments(lua_State *L)
{
    gp_matrix *S = lgp_checkmatrix(L, 1);
    size_t n = S->rows;
    lua_createtable(L, 0, 4);
    gp_matrix *mean = lgp_pushmatrix(L, n, 1);
    lua_setfield(L, -2, "mean");
    gp_matrix *se_mean = lgp_pushmatrix(L, n, 1);
    lua_setfield(L, -2, "se_mean");
    gp_matrix *cov = lgp_pushmatrix(L, n, n);
    lua_setfield(L, -2, "cov");
    gp_matrix *se_cov = lgp_pushmatrix(L, n, n);
    lua_setfield(L, -2, "se_cov");
    gp_error err;
    if (gp_stats_moments(S, mean->data, cov, se_mean->data, se_cov, &err))
        return lgp_raise(L, &err);
    return 1;
}

static int l_kurtosis(lua_State *L)
{
    gp_matrix *v = lgp_checkmatrix(L, 1);
    size_t n = v->rows * v->cols;
    luaL_argcheck(L, n >= 2, 1, "need at least 2 values");
    lua_pushnumber(L, gp_stats_excess_kurtosis(v->data, n));
    return 1;
}

void lgp_open_stats(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"moments", l_moments}, {"kurtosis", l_kurtosis}, {NULL, NULL}};
    luaL_setfuncs(L, functions, 0);
}
