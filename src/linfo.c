/* linfo.c: the Lua type of sampling reports, gprior.sample_info, and how
 * draws carry them. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "linfo.h"

#define LGP_SAMPLE_INFO "gprior.sample_info"

/* Path fields printed after the common part, in this order, when present. */
static const char *const shown_fields[] = {"embedding", "mx",           "my",      "paddings",
                                           "clipped",   "clipped_max",  "features", "family",
                                           "weights",   "hidden",       "observations",
                                           "data_residual", NULL};

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

void lgp_push_report(lua_State *L, const gp_report *r)
{
    luaL_checkstack(L, 4, "too many values on the Lua stack");
    lua_createtable(L, 0, 7 + (int)r->nfields);
    set_string(L, "method", r->method);
    set_integer(L, "n", r->n);
    set_integer(L, "rank", r->rank);
    set_number(L, "residual", r->residual);
    set_number(L, "jitter", r->jitter);
    lua_pushboolean(L, r->approximate);
    lua_setfield(L, -2, "approximate");
    if (r->reason[0])
        set_string(L, "reason", r->reason);
    for (size_t i = 0; i < r->nfields; i++) {
        const gp_report_field *f = &r->field[i];
        if (f->text)
            set_string(L, f->key, f->text);
        else if (f->count)
            set_integer(L, f->key, (size_t)f->number);
        else
            set_number(L, f->key, f->number);
    }
    luaL_setmetatable(L, LGP_SAMPLE_INFO);
}

void lgp_push_parts_report(lua_State *L, const gp_report *parts, size_t nparts, size_t n)
{
    if (nparts == 1) {
        lgp_push_report(L, &parts[0]);
        return;
    }
    gp_report all;
    gp_report_combine(&all, parts, nparts, n);
    lgp_push_report_of_parts(L, &all, parts, nparts);
}

void lgp_push_report_of_parts(lua_State *L, const gp_report *all, const gp_report *parts,
                              size_t nparts)
{
    lgp_push_report(L, all);
    lua_createtable(L, (int)nparts, 0);
    for (size_t i = 0; i < nparts; i++) {
        lgp_push_report(L, &parts[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "parts");
}

int lgp_isreport(lua_State *L, int idx)
{
    return lgp_istable_of(L, idx, LGP_SAMPLE_INFO);
}

int lgp_return_draws(lua_State *L, int ndraws)
{
    int report = lua_gettop(L);
    for (int i = report - ndraws; i < report; i++) {
        lua_pushvalue(L, report);
        lgp_matrix_setorigin(L, i);
    }
    return ndraws + 1;
}

int lgp_is_draw_rest(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    if (lgp_isreport(L, idx))
        return 1;
    if (!lgp_testmatrix(L, idx))
        return 0;
    int found = 0;
    if (lgp_matrix_origin(L, idx) == LUA_TTABLE && lgp_isreport(L, -1)) {
        int origin = lua_gettop(L);
        for (int i = idx + 1; i < origin && !found; i++)
            found = lua_rawequal(L, i, origin);
    }
    lua_pop(L, 1);
    return found;
}

/* Append printf-formatted text to buf (cap bytes, len used so far). */
static size_t append(char *buf, size_t cap, size_t len, const char *fmt, ...) LGP_PRINTF(4, 5);

static size_t append(char *buf, size_t cap, size_t len, const char *fmt, ...)
{
    if (len >= cap)
        return len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
    return n < 0 ? len : len + (size_t)n;
}

/* The text of the report at idx (the stack is left as it was):
 *   "pivoted-cholesky, rank 2 of 50, jitter 0, residual 1.1e-15"
 *   "random-fourier-features (approximate), rank 14 of 50, jitter 0, residual 0 (features 7, family ou)"
 *   "cholesky, rank 12 of 12, ... (embedding 64, paddings 3, clipped 0): <reason>" */
static void report_text(lua_State *L, int idx, char *buf, size_t cap)
{
    idx = lua_absindex(L, idx);
    lua_getfield(L, idx, "method");
    lua_getfield(L, idx, "approximate");
    lua_getfield(L, idx, "rank");
    lua_getfield(L, idx, "n");
    lua_getfield(L, idx, "jitter");
    lua_getfield(L, idx, "residual");
    const char *method = lua_type(L, -6) == LUA_TSTRING ? lua_tostring(L, -6) : "?";
    size_t len = append(buf, cap, 0, "%s%s, rank %lld of %lld, jitter %g, residual %.3g", method,
                        lua_toboolean(L, -5) ? " (approximate)" : "",
                        (long long)lua_tointeger(L, -4), (long long)lua_tointeger(L, -3),
                        lua_tonumber(L, -2), lua_tonumber(L, -1));
    lua_pop(L, 6);
    const char *sep = " (";
    for (size_t i = 0; shown_fields[i]; i++) {
        int t = lua_getfield(L, idx, shown_fields[i]);
        if (t == LUA_TSTRING)
            len = append(buf, cap, len, "%s%s %s", sep, shown_fields[i], lua_tostring(L, -1));
        else if (lua_isinteger(L, -1))
            len = append(buf, cap, len, "%s%s %lld", sep, shown_fields[i],
                         (long long)lua_tointeger(L, -1));
        else if (t == LUA_TNUMBER)
            len = append(buf, cap, len, "%s%s %.3g", sep, shown_fields[i], lua_tonumber(L, -1));
        if (t == LUA_TSTRING || t == LUA_TNUMBER)
            sep = ", ";
        lua_pop(L, 1);
    }
    if (sep[0] == ',')
        len = append(buf, cap, len, ")");
    if (lua_getfield(L, idx, "reason") == LUA_TSTRING)
        append(buf, cap, len, ": %s", lua_tostring(L, -1));
    lua_pop(L, 1);
}

/* tostring(info): the report, then its parts: "...; part 1: ...; part 2: ...". */
static int info_tostring(lua_State *L)
{
    char text[1024];
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    report_text(L, 1, text, sizeof text);
    luaL_addstring(&b, text);
    lua_getfield(L, 1, "parts");
    lua_Integer n = lua_istable(L, -1) ? luaL_len(L, -1) : 0;
    lua_pop(L, 1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_getfield(L, 1, "parts");
        int t = lua_geti(L, -1, i);
        snprintf(text, sizeof text, "; part %lld: ", (long long)i);
        size_t len = strlen(text);
        if (t == LUA_TTABLE)
            report_text(L, -1, text + len, sizeof text - len);
        lua_pop(L, 2);
        luaL_addstring(&b, text);
    }
    luaL_pushresult(&b);
    return 1;
}

void lgp_open_sample_info(lua_State *L)
{
    luaL_newmetatable(L, LGP_SAMPLE_INFO);
    lua_pushcfunction(L, info_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
}
