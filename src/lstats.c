/* lstats.c: empirical moments for experiment checks (module functions, no type). */
#include "gp_stats.h"
#include "lgprior.h"

/* gp.moments(S): S points x draws; {mean, cov, se_mean, se_cov}. */
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

/* gp.kurtosis(v): the excess kurtosis of the values of v. */
static int l_kurtosis(lua_State *L)
{
    gp_matrix *v = lgp_checkmatrix(L, 1);
    double k;
    gp_error err;
    if (gp_stats_excess_kurtosis(v->data, v->rows * v->cols, &k, &err))
        return lgp_raise(L, &err);
    lua_pushnumber(L, k);
    return 1;
}

void lgp_open_stats(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"moments", l_moments}, {"kurtosis", l_kurtosis}, {NULL, NULL}};
    luaL_setfuncs(L, functions, 0);
}
