/* lparam.c: script parameters.
 *
 *   local l = gp.param("lengthscale", 1.0, "RBF length-scale")
 *
 * returns the default, or the value the command line set (`--set
 * lengthscale=0.5`), parsed to the default's type: number, integer, string or
 * boolean. A value that does not parse is an error naming the parameter.
 *
 * Declare-then-run: a script declares its parameters before its first other
 * gprior call. That first call ends the declaration phase (seen by a call hook
 * that runs only while the phase is open): then every --set name must have been
 * declared (else an error lists the declared ones), and the host is told the
 * parameters (to print and record them, or for --params to list them and stop
 * before the experiment's work). A gp.param after that point is an error. */
#include <math.h>
#include <string.h>

#include "lgprior.h"

#define PARAMS_KEY "gprior.params"

/* The state table in the registry: {sets = {name = text}, declared = {name = true},
 * setorder = {name, ...}, list = {{name=, value=, type=, origin=, default=, doc=}, ...},
 * gpfuncs = {[f] = true},
 * open = bool, active = bool, pending = message, onready = function}. */
static void push_state(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, PARAMS_KEY) == LUA_TTABLE)
        return;
    lua_pop(L, 1);
    lua_createtable(L, 0, 8);
    static const char *const tables[] = {"sets", "setorder", "declared", "list", "gpfuncs"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        lua_newtable(L);
        lua_setfield(L, -2, tables[i]);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, PARAMS_KEY);
}

static int get_flag(lua_State *L, int state, const char *key)
{
    lua_getfield(L, state, key);
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

int lgp_param_name_ok(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return 0;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

static void declare_hook(lua_State *L, lua_Debug *ar);

/* Push the strings of the array at idx joined by ", ", each in quotes. */
static void push_joined(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_Integer n = luaL_len(L, idx);
    lua_pushliteral(L, "");
    for (lua_Integer i = 1; i <= n; i++) {
        lua_pushstring(L, i > 1 ? ", '" : "'");
        lua_rawgeti(L, idx, i);
        lua_pushliteral(L, "'");
        lua_concat(L, 4);
    }
}

/* End of the declaration phase: check the --set names, tell the host. */
static void end_phase(lua_State *L)
{
    push_state(L);
    int state = lua_gettop(L);
    if (lua_gethook(L) == declare_hook)
        lua_sethook(L, NULL, 0, 0);
    if (!get_flag(L, state, "open")) {
        lua_getfield(L, state, "pending");
        if (lua_isstring(L, -1))
            lua_error(L); /* an unknown --set that a pcall in the script swallowed */
        lua_pop(L, 2);
        return;
    }
    lua_pushboolean(L, 0);
    lua_setfield(L, state, "open");

    lua_newtable(L); /* the unknown names, in command-line order */
    int unknown = lua_gettop(L);
    lua_getfield(L, state, "setorder");
    lua_getfield(L, state, "declared");
    lua_Integer nsets = luaL_len(L, -2);
    for (lua_Integer i = 1; i <= nsets; i++) {
        lua_rawgeti(L, -2, i);
        if (lua_rawget(L, -2) == LUA_TNIL) {
            lua_rawgeti(L, -3, i);
            lua_rawseti(L, unknown, luaL_len(L, unknown) + 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
    if (luaL_len(L, unknown) > 0) {
        lua_newtable(L); /* the declared names */
        lua_getfield(L, state, "list");
        lua_Integer n = luaL_len(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, i);
            lua_getfield(L, -1, "name");
            lua_rawseti(L, -4, i);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        push_joined(L, unknown);
        push_joined(L, -2);
        lua_pushfstring(L, "unknown parameter%s %s set on the command line (--set); the script "
                        "declares %s%s", luaL_len(L, unknown) > 1 ? "s" : "", lua_tostring(L, -2),
                        n ? "" : "no parameters", lua_tostring(L, -1));
        lua_pushvalue(L, -1);
        lua_setfield(L, state, "pending");
        lua_error(L);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, state, "onready") == LUA_TFUNCTION) {
        lua_getfield(L, state, "list");
        lua_call(L, 1, 0);
    } else {
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* While the phase is open: the first call of a gprior function other than gp.param ends it. */
static void declare_hook(lua_State *L, lua_Debug *ar)
{
    if (ar->event != LUA_HOOKCALL && ar->event != LUA_HOOKTAILCALL)
        return;
    if (!lua_getinfo(L, "f", ar))
        return;
    push_state(L);
    lua_getfield(L, -1, "gpfuncs");
    lua_pushvalue(L, -3);
    int is_gp = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 4);
    if (is_gp)
        end_phase(L);
}

/* The text of v (a --set value) as the type of the default at index def;
 * pushes the value or raises naming the parameter. */
static void push_parsed(lua_State *L, const char *name, const char *text, int def)
{
    switch (lua_type(L, def)) {
    case LUA_TNUMBER:
        if (lua_stringtonumber(L, text) == 0)
            luaL_error(L, "parameter '%s': expected a number, got '%s'", name, text);
        if (lua_isinteger(L, def)) {
            int ok;
            lua_Integer i = lua_tointegerx(L, -1, &ok);
            if (!ok)
                luaL_error(L, "parameter '%s': expected an integer, got '%s'", name, text);
            lua_pop(L, 1);
            lua_pushinteger(L, i);
        } else {
            lua_Number x = lua_tonumber(L, -1);
            if (!isfinite(x))
                luaL_error(L, "parameter '%s': expected a finite number, got '%s'", name, text);
            lua_pop(L, 1);
            lua_pushnumber(L, x);
        }
        return;
    case LUA_TBOOLEAN: {
        static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};
        for (int i = 0; i < 4; i++) {
            if (strcmp(text, yes[i]) == 0) {
                lua_pushboolean(L, 1);
                return;
            }
            if (strcmp(text, no[i]) == 0) {
                lua_pushboolean(L, 0);
                return;
            }
        }
        luaL_error(L, "parameter '%s': expected true or false, got '%s'", name, text);
        return;
    }
    default:
        lua_pushstring(L, text);
    }
}

static const char *type_name(lua_State *L, int idx)
{
    if (lua_type(L, idx) == LUA_TNUMBER)
        return lua_isinteger(L, idx) ? "integer" : "number";
    return lua_type(L, idx) == LUA_TBOOLEAN ? "boolean" : "string";
}

/* gp.param(name, default [, doc]) */
static int l_param(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    luaL_argcheck(L, lgp_param_name_ok(name), 1, "a parameter name is a letter or _ then letters, digits, _");
    int t = lua_type(L, 2);
    if (t != LUA_TNUMBER && t != LUA_TSTRING && t != LUA_TBOOLEAN)
        return luaL_argerror(L, 2, lua_pushfstring(L, "the default of '%s' must be a number, "
                                                   "integer, string or boolean, got %s",
                                                   name, luaL_typename(L, 2)));
    if (t == LUA_TNUMBER && !isfinite(lua_tonumber(L, 2)))
        return luaL_argerror(L, 2, "the default must be a finite number");
    const char *doc = luaL_optstring(L, 3, "");
    lua_settop(L, 3);
    push_state(L); /* 4 */
    int active = get_flag(L, 4, "active");
    if (active && !get_flag(L, 4, "open"))
        return luaL_error(L, "gp.param('%s') after the experiment started: declare parameters "
                          "before any other gprior call, so that --params can list them", name);
    lua_getfield(L, 4, "declared"); /* 5 */
    if (lua_getfield(L, 5, name) != LUA_TNIL)
        return luaL_error(L, "gp.param: parameter '%s' declared twice", name);
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
    lua_setfield(L, 5, name);

    lua_getfield(L, 4, "sets");
    int set = lua_getfield(L, -1, name) == LUA_TSTRING;
    const char *text = set ? lua_tostring(L, -1) : NULL; /* held by the sets table */
    lua_pop(L, 2);
    if (set)
        push_parsed(L, name, text, 2); /* 6 */
    else
        lua_pushvalue(L, 2);

    lua_getfield(L, 4, "list");
    lua_createtable(L, 0, 5);
    lua_pushstring(L, name);
    lua_setfield(L, -2, "name");
    if (set)
        lua_pushstring(L, text);
    else
        luaL_tolstring(L, 2, NULL);
    lua_setfield(L, -2, "value");
    lua_pushstring(L, type_name(L, 2));
    lua_setfield(L, -2, "type");
    lua_pushstring(L, set ? "set" : "default");
    lua_setfield(L, -2, "origin");
    luaL_tolstring(L, 2, NULL);
    lua_setfield(L, -2, "default");
    lua_pushstring(L, doc);
    lua_setfield(L, -2, "doc");
    lua_rawseti(L, -2, luaL_len(L, -2) + 1);
    lua_pop(L, 1);
    return 1;
}

void lgp_params_setup(lua_State *L, const char *const *sets, int nsets, lua_CFunction on_ready)
{
    push_state(L);
    int state = lua_gettop(L);
    lua_getfield(L, state, "sets");
    for (int i = 0; i < nsets; i++) {
        const char *eq = strchr(sets[i], '=');
        lua_pushlstring(L, sets[i], eq ? (size_t)(eq - sets[i]) : strlen(sets[i]));
        const char *name = lua_tostring(L, -1);
        if (!eq || !lgp_param_name_ok(name))
            luaL_error(L, "bad --set '%s' (expected NAME=VALUE; a name is a letter or _ then "
                       "letters, digits, _)", sets[i]);
        if (lua_getfield(L, -2, name) != LUA_TNIL)
            luaL_error(L, "--set '%s' given twice", name);
        lua_pop(L, 1);
        lua_pushstring(L, eq + 1);
        lua_setfield(L, -3, name);
        lua_getfield(L, state, "setorder");
        lua_insert(L, -2);
        lua_rawseti(L, -2, luaL_len(L, -2) + 1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    /* the module's functions, whose first call ends the declaration phase */
    lua_getfield(L, state, "gpfuncs");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, -1, "gprior");
    if (lua_istable(L, -1)) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            if (lua_type(L, -1) == LUA_TFUNCTION && lua_tocfunction(L, -1) != l_param) {
                lua_pushboolean(L, 1);
                lua_rawset(L, -6);
            } else {
                lua_pop(L, 1);
            }
        }
    }
    lua_pop(L, 3);
    if (on_ready)
        lua_pushcfunction(L, on_ready);
    else
        lua_pushnil(L);
    lua_setfield(L, state, "onready");
    lua_pushboolean(L, 1);
    lua_setfield(L, state, "active");
    lua_pushboolean(L, 1);
    lua_setfield(L, state, "open");
    lua_pop(L, 1);
    lua_sethook(L, declare_hook, LUA_MASKCALL, 0);
}

void lgp_params_finish(lua_State *L)
{
    end_phase(L);
}

void lgp_open_param(lua_State *L)
{
    lua_pushcfunction(L, l_param);
    lua_setfield(L, -2, "param");
}
