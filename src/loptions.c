/* loptions.c: the toolkit's options-table readers (declared in lgprior.h):
 * one message format, and every value checked for its kind with the value it
 * got in the message. */
#include <math.h>
#include <string.h>

#include "lgprior.h"

/* A sampler's results spread into the options slot (fig:lines(x,
 * f:sample(x))) read as no options: lgp_is_draw_rest. */
void lgp_options_open(lgp_options *o, lua_State *L, int idx, const char *fname,
                      const char *const known[])
{
    o->L = L;
    o->fname = fname;
    o->idx = lua_isnoneornil(L, idx) || lgp_is_draw_rest(L, idx) ? 0 : lua_absindex(L, idx);
    if (!o->idx)
        return;
    if (!lua_istable(L, o->idx)) {
        int n_known = 0;
        for (size_t i = 0; known[i] && !n_known; i++)
            n_known = strcmp(known[i], "n") == 0;
        if (n_known && lua_type(L, idx) == LUA_TNUMBER)
            lgp_argerror(L, idx, "table of options expected, got number %s (for that many draws: "
                                 "{n = %s})",
                         luaL_tolstring(L, idx, NULL), lua_tostring(L, -1));
        lgp_argerror(L, idx, "table of options expected, got %s", lgp_typename(L, idx));
    }
    lua_pushnil(L);
    while (lua_next(L, o->idx)) {
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
            lgp_error(L, "%s: unknown option '%s' (known: %s)", fname, key, lua_tostring(L, -1));
        }
    }
}

/* Push option key; returns its Lua type (LUA_TNIL when absent or no options). */
static int push_option(const lgp_options *o, const char *key)
{
    if (!o->idx) {
        lua_pushnil(o->L);
        return LUA_TNIL;
    }
    return lua_getfield(o->L, o->idx, key);
}

/* Raise "fname: bad option 'key' (EXPECTED expected, got TYPE)" about the
 * value on top of the stack, which has the wrong type. */
static int bad_option(const lgp_options *o, const char *key, const char *expected)
{
    return lgp_error(o->L, "%s: bad option '%s' (%s expected, got %s)", o->fname, key, expected,
                     lgp_typename(o->L, -1));
}

/* The same for a value of the right type but not of the right kind (a number
 * that is not an integer, not finite, out of range): the message shows it. */
static int bad_value(const lgp_options *o, const char *key, const char *expected)
{
    const char *got = luaL_tolstring(o->L, -1, NULL);
    return lgp_error(o->L, "%s: bad option '%s' (%s expected, got %s)", o->fname, key, expected,
                     got);
}

int lgp_opt_type(const lgp_options *o, const char *key)
{
    int t = push_option(o, key);
    lua_pop(o->L, 1);
    return t;
}

int lgp_opt_has(const lgp_options *o, const char *key)
{
    return lgp_opt_type(o, key) != LUA_TNIL;
}

void lgp_opt_require(const lgp_options *o, const char *key, const char *what)
{
    if (!lgp_opt_has(o, key))
        lgp_error(o->L, "%s: option '%s' (%s) is required", o->fname, key, what);
}

/* The number on top of the stack, finite, for option key. */
static double top_number(const lgp_options *o, const char *key)
{
    if (lua_type(o->L, -1) != LUA_TNUMBER)
        bad_option(o, key, "number");
    double v = lua_tonumber(o->L, -1);
    if (!isfinite(v))
        bad_value(o, key, "finite number");
    return v;
}

/* The exact integer on top of the stack for option key. */
static lua_Integer top_integer(const lgp_options *o, const char *key)
{
    if (lua_type(o->L, -1) != LUA_TNUMBER)
        bad_option(o, key, "integer");
    int ok;
    lua_Integer v = lua_tointegerx(o->L, -1, &ok);
    if (!ok)
        bad_value(o, key, "integer");
    return v;
}

static int in_int_range(lua_Integer v)
{
    return v >= -2147483647 - 1 && v <= 2147483647;
}

double lgp_opt_number(const lgp_options *o, const char *key, double def)
{
    double v = push_option(o, key) == LUA_TNIL ? def : top_number(o, key);
    lua_pop(o->L, 1);
    return v;
}

lua_Integer lgp_opt_integer(const lgp_options *o, const char *key, lua_Integer def)
{
    lua_Integer v = push_option(o, key) == LUA_TNIL ? def : top_integer(o, key);
    lua_pop(o->L, 1);
    return v;
}

int lgp_opt_int(const lgp_options *o, const char *key, int def)
{
    lua_Integer v = def;
    if (push_option(o, key) != LUA_TNIL) {
        v = top_integer(o, key);
        if (!in_int_range(v))
            bad_value(o, key, "integer within -2^31..2^31-1");
    }
    lua_pop(o->L, 1);
    return (int)v;
}

/* The string on top of the stack for option key: no zero bytes (C would cut it). */
static const char *top_string(const lgp_options *o, const char *key, size_t *len)
{
    const char *v = lua_tolstring(o->L, -1, len);
    if (strlen(v) != *len)
        lgp_error(o->L, "%s: bad option '%s' (a string without zero bytes expected, got one with "
                        "a zero byte at position %zu)",
                  o->fname, key, strlen(v) + 1);
    return v;
}

const char *lgp_opt_string(const lgp_options *o, const char *key, const char *def)
{
    int t = push_option(o, key);
    const char *v = def;
    size_t len;
    if (t == LUA_TSTRING)
        v = top_string(o, key, &len); /* stays alive: the options table holds it */
    else if (t != LUA_TNIL)
        bad_option(o, key, "string");
    lua_pop(o->L, 1);
    return v;
}

int lgp_opt_boolean(const lgp_options *o, const char *key, int def)
{
    int t = push_option(o, key), v = def;
    if (t == LUA_TBOOLEAN)
        v = lua_toboolean(o->L, -1);
    else if (t != LUA_TNIL)
        bad_option(o, key, "boolean");
    lua_pop(o->L, 1);
    return v;
}

int lgp_opt_choice(const lgp_options *o, const char *key, int def, const char *const names[])
{
    int t = push_option(o, key), v = def;
    if (t == LUA_TSTRING) {
        size_t len;
        const char *s = top_string(o, key, &len);
        for (v = 0; names[v] && !(strlen(names[v]) == len && memcmp(names[v], s, len) == 0); v++)
            ;
        if (!names[v]) {
            luaL_Buffer b;
            luaL_buffinit(o->L, &b);
            for (size_t i = 0; names[i]; i++) {
                luaL_addstring(&b, i ? ", '" : "'");
                luaL_addstring(&b, names[i]);
                luaL_addchar(&b, '\'');
            }
            luaL_pushresult(&b);
            lgp_error(o->L, "%s: unknown %s '%s' (option '%s' must be one of %s)", o->fname, key,
                      s, key, lua_tostring(o->L, -1));
        }
    } else if (t != LUA_TNIL) {
        bad_option(o, key, "string");
    }
    lua_pop(o->L, 1);
    return v;
}

/* The list on top of the stack (a table) for option key: its length, checked
 * to be in min..max. */
static size_t list_length(const lgp_options *o, const char *key, size_t min, size_t max,
                          const char *what)
{
    lua_Integer len = luaL_len(o->L, -1);
    if (len < (lua_Integer)min || len > (lua_Integer)max) {
        char expected[96];
        if (min == max)
            snprintf(expected, sizeof expected, "a list of %zu %s", min, what);
        else
            snprintf(expected, sizeof expected, "a list of %zu to %zu %s", min, max, what);
        lgp_error(o->L, "%s: bad option '%s' (%s expected, got a table of %lld values)", o->fname,
                  key, expected, (long long)len);
    }
    return (size_t)len;
}

size_t lgp_opt_numbers(const lgp_options *o, const char *key, double *out, size_t min,
                       size_t max)
{
    lua_State *L = o->L;
    int t = push_option(o, key);
    size_t n = 0;
    if (t == LUA_TNUMBER && min <= 1) {
        out[0] = top_number(o, key);
        n = 1;
    } else if (t == LUA_TTABLE) {
        n = list_length(o, key, min, max, "numbers");
        for (size_t i = 0; i < n; i++) {
            lua_geti(L, -1, (lua_Integer)i + 1);
            out[i] = top_number(o, key);
            lua_pop(L, 1);
        }
    } else if (t != LUA_TNIL) {
        bad_option(o, key, min <= 1 ? "a number or a list of numbers" : "a list of numbers");
    }
    lua_pop(L, 1);
    return n;
}

size_t lgp_opt_ints(const lgp_options *o, const char *key, int *out, size_t min, size_t max)
{
    lua_State *L = o->L;
    int t = push_option(o, key);
    size_t n = 0;
    if (t == LUA_TTABLE) {
        n = list_length(o, key, min, max, "integers");
        for (size_t i = 0; i < n; i++) {
            lua_geti(L, -1, (lua_Integer)i + 1);
            lua_Integer v = top_integer(o, key);
            if (!in_int_range(v))
                bad_value(o, key, "integer within -2^31..2^31-1");
            out[i] = (int)v;
            lua_pop(L, 1);
        }
    } else if (t != LUA_TNIL) {
        bad_option(o, key, "a list of integers");
    }
    lua_pop(L, 1);
    return n;
}

gp_matrix *lgp_opt_matrix(const lgp_options *o, const char *key)
{
    int t = push_option(o, key);
    if (t == LUA_TNIL) {
        lua_pop(o->L, 1);
        return NULL;
    }
    return lgp_checkmatrix_option(o->L, -1, o, key);
}

gp_matrix *lgp_opt_sigma(const lgp_options *o, const char *key, double def)
{
    lua_State *L = o->L;
    int t = push_option(o, key);
    if (t == LUA_TNIL || t == LUA_TNUMBER) { /* s I for 1-D inputs */
        double s = t == LUA_TNIL ? def : top_number(o, key);
        lua_pop(L, 1);
        gp_matrix *S = lgp_pushmatrix(L, 2, 2);
        GP_AT(S, 0, 0) = GP_AT(S, 1, 1) = s;
        return S;
    }
    gp_matrix *given = lgp_checkmatrix_option(L, -1, o, key);
    if (given->cols != 1) {
        if (given->rows != given->cols)
            lgp_error(L, "%s: %s must be square, got %zu x %zu", o->fname, key, given->rows,
                      given->cols);
        return given;
    }
    gp_matrix *S = lgp_pushmatrix(L, given->rows, given->rows); /* the diagonal */
    for (size_t i = 0; i < given->rows; i++)
        GP_AT(S, i, i) = given->data[i];
    lua_remove(L, -2);
    return S;
}

/* ---- sampling options ------------------------------------------------------------------ */

void lgp_opt_draws(const lgp_options *o, lgp_draws *d)
{
    lua_Integer n = lgp_opt_integer(o, "n", 1);
    if (n < 1)
        lgp_error(o->L, "%s: option 'n' must be >= 1, got %lld", o->fname, (long long)n);
    d->n = (size_t)n;
    d->jitter = lgp_opt_number(o, "jitter", 0.0);
    if (lgp_opt_has(o, "seed")) {
        lua_Integer seed = lgp_opt_integer(o, "seed", 0);
        if (seed < 0)
            lgp_error(o->L, "%s: option 'seed' must be >= 0, got %lld", o->fname,
                      (long long)seed);
        gp_rng_seed(&d->own, (uint64_t)seed);
        d->rng = &d->own;
        lua_pushnil(o->L); /* one value pushed either way */
    } else {
        d->rng = lgp_rng(o->L);
    }
}

void lgp_open_draws(lgp_options *o, lgp_draws *d, lua_State *L, int idx, const char *fname,
                    const char *const known[])
{
    lgp_options_open(o, L, idx, fname, known);
    lgp_opt_draws(o, d);
}

gp_matrix *lgp_pushdraws(lua_State *L, size_t rows, const lgp_draws *d)
{
    return lgp_pushmatrix_by(L, rows, d->n, "option 'n'");
}
