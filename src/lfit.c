/* lfit.c: gp.fit, hyperparameters by the log marginal likelihood (gp_fit.h),
 * and its report, gprior.fit_report. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gp_fit.h"
#include "lfunc.h"
#include "lkernel.h"
#include "lprocess.h"

#define LGP_FIT_REPORT "gprior.fit_report"
#define MAX_FIT_PARAMS 64

/* Default bounds of a parameter whose start is v: for a positive one
 * [min(1e-5, v / 10), max(1e5, 10 v)] (scikit-learn's default box, widened
 * to hold the start); otherwise its allowed range where finite, else
 * v -+ 10 max(1, |v|). */
static void default_bounds(const gp_kernel_param *kp, double v, double *lo, double *hi)
{
    if (!kp || kp->positive) {
        *lo = fmin(1e-5, v / 10);
        *hi = fmax(1e5, 10 * v);
        return;
    }
    const double w = 10 * fmax(1.0, fabs(v));
    *lo = isfinite(kp->lo) ? kp->lo : v - w;
    *hi = isfinite(kp->hi) ? kp->hi : v + w;
}

/* The parameters named in the list at idx (absent: every free parameter of
 * the kernel and the noise) into ps, with their bounds (option bounds at
 * bidx, 0 for none); names[j] points at each name. Returns their number. */
static size_t read_params(lua_State *L, int idx, int bidx, const gp_kernel_param *kp, size_t nk,
                          double s2, gp_fit_param *ps, const char **names)
{
    size_t np = 0;
    const size_t listed = idx ? (size_t)luaL_len(L, idx) : nk + 1;
    if (listed > MAX_FIT_PARAMS)
        lgp_error(L, "fit: at most %d parameters, got %zu", MAX_FIT_PARAMS, listed);
    for (size_t j = 0; j < listed; j++) {
        const char *name = j < nk ? kp[j].name : "noise";
        if (idx) {
            lua_geti(L, idx, (lua_Integer)j + 1);
            name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
            lua_pop(L, 1); /* the list keeps the string alive */
            if (!name)
                lgp_error(L, "fit: option 'params' must list parameter names (strings), entry %zu "
                             "is not",
                          j + 1);
        }
        size_t k = 0;
        while (k < nk && strcmp(kp[k].name, name) != 0)
            k++;
        const int noise = strcmp(name, "noise") == 0;
        if (!noise && k == nk) {
            char known[1024] = "";
            for (size_t i = 0, len = 0; i < nk && len < sizeof known; i++)
                len += (size_t)snprintf(known + len, sizeof known - len, "%s, ", kp[i].name);
            lgp_error(L, "fit: the process has no parameter '%s' (its parameters: %snoise)", name,
                      known);
        }
        for (size_t i = 0; i < np; i++)
            if (strcmp(names[i], name) == 0)
                lgp_error(L, "fit: parameter '%s' is listed twice", name);
        const gp_kernel_param *spec = noise ? NULL : &kp[k];
        gp_fit_param *p = &ps[np];
        *p = (gp_fit_param){noise, k, 0, 0, noise || spec->positive};
        default_bounds(spec, noise ? s2 : spec->value, &p->lo, &p->hi);
        if (bidx && lua_getfield(L, bidx, name) != LUA_TNIL) {
            int ok1 = 0, ok2 = 0;
            if (lua_istable(L, -1)) {
                lua_geti(L, -1, 1);
                lua_geti(L, -2, 2);
                p->lo = lua_tonumberx(L, -2, &ok1);
                p->hi = lua_tonumberx(L, -1, &ok2);
                lua_pop(L, 2);
            }
            if (!ok1 || !ok2)
                lgp_error(L, "fit: bounds of '%s' must be {lower, upper}, got %s", name,
                          lgp_typename(L, -1));
        }
        if (bidx)
            lua_pop(L, 1);
        names[np++] = name;
    }
    return np;
}

/* The report: value, evaluations, gradient_norm, status, starts, best_start,
 * start_values, params (name -> fitted value), initial (name -> start),
 * names (their order), noise. */
static void push_report(lua_State *L, const gp_fit_result *res, const char **names, size_t np,
                        const double *values, const double *initial, double noise)
{
    lua_createtable(L, 0, 11);
    lua_pushnumber(L, res->value);
    lua_setfield(L, -2, "value");
    lua_pushinteger(L, (lua_Integer)res->evaluations);
    lua_setfield(L, -2, "evaluations");
    lua_pushnumber(L, res->grad_norm);
    lua_setfield(L, -2, "gradient_norm");
    lua_pushstring(L, res->message);
    lua_setfield(L, -2, "status");
    lua_pushinteger(L, (lua_Integer)res->starts);
    lua_setfield(L, -2, "starts");
    lua_pushinteger(L, (lua_Integer)res->best_start + 1);
    lua_setfield(L, -2, "best_start");
    lua_pushnumber(L, noise);
    lua_setfield(L, -2, "noise");
    lua_createtable(L, (int)res->starts, 0);
    for (size_t s = 0; s < res->starts; s++) {
        lua_pushnumber(L, res->start_value[s]);
        lua_rawseti(L, -2, (lua_Integer)s + 1);
    }
    lua_setfield(L, -2, "start_values");
    const char *const tables[] = {"names", "params", "initial"};
    for (int t = 0; t < 3; t++) {
        lua_createtable(L, t == 0 ? (int)np : 0, t == 0 ? 0 : (int)np);
        for (size_t j = 0; j < np; j++) {
            if (t == 0) {
                lua_pushstring(L, names[j]);
                lua_rawseti(L, -2, (lua_Integer)j + 1);
            } else {
                lua_pushnumber(L, t == 1 ? values[j] : initial[j]);
                lua_setfield(L, -2, names[j]);
            }
        }
        lua_setfield(L, -2, tables[t]);
    }
    luaL_setmetatable(L, LGP_FIT_REPORT);
}

/* gp.fit{process = f, X = x, y = y [, params = {names}, noise = s2, bounds = {name = {lo, hi}},
 * restarts = 4, max_evals = 1000, seed = s]} -> the fitted process, the report. */
static int l_fit(lua_State *L)
{
    static const char *const known[] = {"process", "X",        "y",         "params", "noise",
                                        "bounds",  "restarts", "max_evals", "seed",   NULL};
    if (!lua_istable(L, 1))
        return lgp_argerror(L, 1, "a table of options expected, got %s: write gp.fit{process = "
                                  "f, X = x, y = y}",
                            lua_isnone(L, 1) ? "no value" : lgp_typename(L, 1));
    lua_settop(L, 1);
    lgp_options o;
    lgp_draws d;
    lgp_options_open(&o, L, 1, "fit", known);
    lgp_opt_require(&o, "process", "the GP to fit");
    lgp_opt_require(&o, "X", "the observations' points");
    lgp_opt_require(&o, "y", "the observations");
    lua_getfield(L, 1, "process");
    const gp_process *f = lgp_testprocess(L, -1);
    if (!f)
        return lgp_error(L, "fit: option 'process' must be a GP (gp.GP{kernel = k}), got %s",
                         lgp_typename(L, -1));
    const gp_kernel *k = gp_process_kernel(f);
    if (!k)
        return lgp_error(L, "fit: option 'process' must be one GP built with gp.GP{kernel = k, "
                            "mean = m} (a combination or a posterior has no kernel of its own to "
                            "fit)");
    gp_matrix *X = lgp_opt_matrix(&o, "X"), *y = lgp_opt_matrix(&o, "y");
    if (X->rows == 1 && X->cols > 1)
        return lgp_error(L, "fit: option 'X' is a 1 x %zu row; points are the rows of a matrix: "
                            "for %zu 1-D points give a column (x:t())",
                         X->cols, X->cols);
    if ((y->rows != 1 && y->cols != 1) || y->rows * y->cols != X->rows)
        return lgp_error(L, "fit: option 'y' must be a vector of %zu observations, got %zu x %zu",
                         X->rows, y->rows, y->cols);
    gp_matrix *s2 = lgp_opt_matrix(&o, "noise");
    if (s2 && s2->rows != 1 && s2->cols != 1)
        return lgp_error(L, "fit: option 'noise' must be a variance or one per observation");
    const lua_Integer restarts = lgp_opt_integer(&o, "restarts", 4);
    const lua_Integer max_evals = lgp_opt_integer(&o, "max_evals", 1000);
    lgp_opt_draws(&o, &d);
    gp_error err;
    size_t nk;
    if (gp_kernel_params(k, NULL, 0, &nk, &err))
        return lgp_raise(L, &err);
    gp_kernel_param *kp = lua_newuserdatauv(L, (nk ? nk : 1) * sizeof *kp, 0);
    if (gp_kernel_params(k, kp, nk, &nk, &err))
        return lgp_raise(L, &err);
    const int pidx = lgp_opt_has(&o, "params") ? (lua_getfield(L, 1, "params"), lua_gettop(L)) : 0;
    if (pidx && !lua_istable(L, pidx))
        return lgp_error(L, "fit: option 'params' must be a list of names, got %s",
                         lgp_typename(L, pidx));
    const int bidx = lgp_opt_type(&o, "bounds") == LUA_TTABLE
                         ? (lua_getfield(L, 1, "bounds"), lua_gettop(L))
                         : 0;
    if (!bidx && lgp_opt_has(&o, "bounds"))
        return lgp_error(L, "fit: option 'bounds' must be a table {name = {lower, upper}}");
    gp_fit_param ps[MAX_FIT_PARAMS];
    const char *names[MAX_FIT_PARAMS];
    /* the noise: as given; else, when fitted, from gp_fit_default_noise; else 0 */
    const double noise_start = s2 ? s2->data[0] : gp_fit_default_noise(y->data, X->rows);
    const size_t np = read_params(L, pidx, bidx, kp, nk, noise_start, ps, names);
    int fit_noise = 0;
    for (size_t j = 0; j < np; j++)
        fit_noise |= ps[j].noise;
    double noise0 = s2 || fit_noise ? noise_start : 0.0;
    if (restarts < 0 || max_evals < 1)
        return lgp_error(L, "fit: restarts must be >= 0 and max_evals >= 1, got %lld and %lld",
                         (long long)restarts, (long long)max_evals);
    gp_fit_options fo;
    gp_fit_options_default(&fo);
    fo.restarts = (size_t)restarts;
    fo.max_evals = (size_t)max_evals;
    double *values = lua_newuserdatauv(L, 2 * (np ? np : 1) * sizeof *values, 0),
           *initial = values + np;
    for (size_t j = 0; j < np; j++)
        initial[j] = ps[j].noise ? noise0 : kp[ps[j].kernel_index].value;
    gp_fit_problem pb = {k, gp_process_mean(f), X, y->data, s2 ? s2->data : &noise0,
                         s2 ? s2->rows * s2->cols : 1, ps, np};
    void **box = lgp_newprocess(L);
    gp_fit_result res;
    gp_kernel *fitted = NULL;
    double noise = noise0;
    lua_State *saved = lgp_enter_core(L);
    gp_code rc = gp_fit_lml(&pb, &fo, d.rng, values, &fitted, &noise, &res, &err);
    lgp_leave_core(saved);
    gp_process *g = rc ? NULL : gp_process_new((gp_func *)gp_process_mean(f), fitted, &err);
    gp_kernel_release(fitted);
    lgp_fillbox(L, box, g, &err); /* raises the fit's error, or the constructor's */
    push_report(L, &res, names, np, values, initial, noise);
    return 2;
}

/* tostring(report): "log p(y | X) = -26.6 after 123 evaluations (5 starts, the best from
 * start 2, FTOL_REACHED), gradient norm 1.2e-06: rbf.lengthscale = 0.53 (from 1), ..." */
static int report_tostring(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    lua_getfield(L, 1, "value");
    lua_getfield(L, 1, "evaluations");
    lua_getfield(L, 1, "starts");
    lua_getfield(L, 1, "best_start");
    lua_getfield(L, 1, "status");
    lua_getfield(L, 1, "gradient_norm");
    char text[512];
    snprintf(text, sizeof text,
             "log p(y | X) = %.10g after %lld evaluations (%lld starts, the best from start %lld, "
             "%s), gradient norm %.3g:",
             lua_tonumber(L, -6), (long long)lua_tointeger(L, -5), (long long)lua_tointeger(L, -4),
             (long long)lua_tointeger(L, -3), lua_isstring(L, -2) ? lua_tostring(L, -2) : "?",
             lua_tonumber(L, -1));
    lua_pop(L, 6);
    luaL_addstring(&b, text);
    lua_getfield(L, 1, "names");
    lua_getfield(L, 1, "params");
    lua_getfield(L, 1, "initial");
    const lua_Integer n = lua_istable(L, -3) ? luaL_len(L, -3) : 0;
    for (lua_Integer j = 1; j <= n; j++) {
        lua_geti(L, -3, j);
        const char *name = lua_isstring(L, -1) ? lua_tostring(L, -1) : "?";
        lua_getfield(L, -3, name);
        lua_getfield(L, -3, name);
        snprintf(text, sizeof text, "%s %s = %.6g (from %.6g)", j > 1 ? "," : "", name,
                 lua_tonumber(L, -2), lua_tonumber(L, -1));
        lua_pop(L, 3);
        luaL_addstring(&b, text);
    }
    lua_pop(L, 3);
    luaL_pushresult(&b);
    return 1;
}

void lgp_open_fit(lua_State *L)
{
    luaL_newmetatable(L, LGP_FIT_REPORT);
    lua_pushcfunction(L, report_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_fit);
    lua_setfield(L, -2, "fit");
}
