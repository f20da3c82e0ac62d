/* lmatrix.c: the Lua matrix type (dense column-major doubles, vectors n x 1),
 * and the toolkit's one rule for turning Lua values into matrices.
 *
 * A matrix userdata holds its gp_matrix header and data in one block, so it
 * needs no __gc. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gp_file.h"
#include "lgprior.h"

gp_matrix *lgp_testmatrix(lua_State *L, int arg)
{
    return luaL_testudata(L, arg, LGP_MATRIX);
}

int lgp_ismatrix(lua_State *L, int arg)
{
    int t = lua_type(L, arg);
    return t == LUA_TNUMBER || t == LUA_TTABLE || lgp_testmatrix(L, arg) != NULL;
}

/* Runs under lua_pcall: the userdata block (upvalues: its size in bytes). */
static int new_block(lua_State *L)
{
    lua_newuserdatauv(L, (size_t)lua_tointeger(L, lua_upvalueindex(1)), 0);
    return 1;
}

gp_matrix *lgp_pushmatrix_by(lua_State *L, size_t rows, size_t cols, const char *sizedby)
{
    luaL_checkstack(L, 3, "too many values on the Lua stack");
    gp_error err;
    if (!gp_matrix_check_size(rows, cols, &err)) {
        size_t bytes = gp_matrix_bytes(rows, cols);
        lua_pushinteger(L, (lua_Integer)bytes);
        lua_pushcclosure(L, new_block, 1);
        int status = lua_pcall(L, 0, 1, 0);
        if (status == LUA_OK) {
            gp_matrix *m = gp_matrix_init(lua_touserdata(L, -1), rows, cols);
            luaL_setmetatable(L, LGP_MATRIX);
            return m;
        }
        if (status != LUA_ERRMEM)
            lua_error(L);
        lua_pop(L, 1);
        gp_error_set(&err, GP_ERR_NOMEM, "a %zu x %zu matrix needs %zu bytes: not enough memory",
                     rows, cols, bytes);
    }
    if (sizedby)
        return lgp_error(L, "%s: %s (the size comes from %s)", lgp_fname(L), err.msg,
                         sizedby),
               NULL;
    return lgp_error(L, "%s: %s", lgp_fname(L), err.msg), NULL;
}

gp_matrix *lgp_pushmatrix(lua_State *L, size_t rows, size_t cols)
{
    return lgp_pushmatrix_by(L, rows, cols, NULL);
}

size_t lgp_checkcount(lua_State *L, int arg, const char *what)
{
    lua_Integer n = luaL_checkinteger(L, arg);
    if (n < 1)
        lgp_argerror(L, arg, "%s must be >= 1, got %lld", what, (long long)n);
    return (size_t)n;
}

/* A conversion error about the value at idx: an argument error, or, for a
 * value from an options table, an error naming the option. */
static int convert_error(lua_State *L, int idx, const lgp_options *o, const char *key,
                         const char *fmt, ...) LGP_PRINTF(5, 6);

static int convert_error(lua_State *L, int idx, const lgp_options *o, const char *key,
                         const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (o)
        return lgp_error(L, "%s: bad option '%s' (%s)", o->fname, key, msg);
    return lgp_argerror(L, idx, "%s", msg);
}

/* The number at the top of the stack as a matrix element. */
static double element(lua_State *L, int idx, const lgp_options *o, const char *key,
                      lua_Integer i, lua_Integer j, int rows_given)
{
    if (lua_type(L, -1) != LUA_TNUMBER) {
        if (rows_given)
            convert_error(L, idx, o, key, "element [%lld][%lld] is a %s, not a number",
                          (long long)i, (long long)j, luaL_typename(L, -1));
        convert_error(L, idx, o, key, "element %lld is a %s, not a number", (long long)i,
                      luaL_typename(L, -1));
    }
    return lua_tonumber(L, -1);
}

/* Convert the table at idx (numbers, or rows of numbers) to a new matrix that
 * replaces it on the stack. */
static gp_matrix *matrix_from_table(lua_State *L, int idx, const lgp_options *o, const char *key)
{
    lua_Integer n = luaL_len(L, idx);
    if (n < 1)
        convert_error(L, idx, o, key, "empty table (a matrix needs at least one row)");
    int rows_given = lua_geti(L, idx, 1) == LUA_TTABLE;
    lua_Integer d = rows_given ? luaL_len(L, -1) : 1;
    lua_pop(L, 1);
    if (d < 1)
        convert_error(L, idx, o, key, "row 1 is empty");
    gp_matrix *m = lgp_pushmatrix(L, (size_t)n, (size_t)d);
    for (lua_Integer i = 1; i <= n; i++) {
        int t = lua_geti(L, idx, i);
        if (!rows_given) {
            GP_AT(m, i - 1, 0) = element(L, idx, o, key, i, 1, 0);
        } else {
            if (t != LUA_TTABLE || luaL_len(L, -1) != d)
                convert_error(L, idx, o, key, "row %lld is not a table of %lld numbers",
                              (long long)i, (long long)d);
            for (lua_Integer j = 1; j <= d; j++) {
                lua_geti(L, -1, j);
                GP_AT(m, i - 1, j - 1) = element(L, idx, o, key, i, j, 1);
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }
    lua_replace(L, idx);
    return m;
}

/* The one rule (lgprior.h), for an argument (o NULL) or an option. */
static gp_matrix *to_matrix(lua_State *L, int idx, const lgp_options *o, const char *key)
{
    idx = lua_absindex(L, idx);
    gp_matrix *m = lgp_testmatrix(L, idx);
    if (m)
        return m;
    if (lua_type(L, idx) == LUA_TNUMBER) {
        m = lgp_pushmatrix(L, 1, 1);
        m->data[0] = lua_tonumber(L, idx);
        lua_replace(L, idx);
        return m;
    }
    if (lua_type(L, idx) == LUA_TTABLE)
        return matrix_from_table(L, idx, o, key);
    if (o)
        convert_error(L, idx, o, key, "matrix, number or table of numbers expected, got %s",
                      lgp_typename(L, idx));
    luaL_typeerror(L, idx, "matrix or table of numbers (or a number)");
    return NULL;
}

gp_matrix *lgp_checkmatrix(lua_State *L, int arg)
{
    return to_matrix(L, arg, NULL, NULL);
}

gp_matrix *lgp_checkmatrix_option(lua_State *L, int idx, const lgp_options *o, const char *key)
{
    return to_matrix(L, idx, o, key);
}

static size_t check_index(lua_State *L, int arg, size_t size, const char *what)
{
    lua_Integer i = luaL_checkinteger(L, arg);
    if (i < 1 || (size_t)i > size)
        luaL_argerror(L, arg, lua_pushfstring(L, "%s %I out of range 1..%I", what, i,
                                              (lua_Integer)size));
    return (size_t)i - 1;
}

/* gp.matrix(t) from a table; gp.matrix(rows, cols [, value]) filled with value (0). */
static int l_matrix(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TTABLE || lgp_testmatrix(L, 1)) {
        gp_matrix *src = lgp_checkmatrix(L, 1);
        gp_matrix *m = lgp_pushmatrix(L, src->rows, src->cols);
        memcpy(m->data, src->data, src->rows * src->cols * sizeof(double));
        return 1;
    }
    size_t r = lgp_checkcount(L, 1, "rows"), c = lgp_checkcount(L, 2, "columns");
    double v = luaL_optnumber(L, 3, 0.0);
    gp_matrix *m = lgp_pushmatrix_by(L, r, c, c == 1 ? "argument #1" : "arguments #1 and #2");
    for (size_t i = 0; i < m->rows * m->cols; i++)
        m->data[i] = v;
    return 1;
}

/* gp.linspace(a, b, n): n evenly spaced points from a to b inclusive (n x 1). */
static int l_linspace(lua_State *L)
{
    double a = luaL_checknumber(L, 1), b = luaL_checknumber(L, 2), h;
    size_t n = lgp_checkcount(L, 3, "number of points");
    gp_error err;
    if (gp_linspace_step("linspace", a, b, n, 0, &h, &err))
        return lgp_raise(L, &err);
    gp_matrix_linspace(lgp_pushmatrix_by(L, n, 1, "argument #3"), a, b);
    return 1;
}

/* gp.grid(xs, ys): the (nx * ny) x 2 matrix of all pairs (x varies fastest). */
static int l_grid(lua_State *L)
{
    gp_matrix *xs = lgp_checkmatrix(L, 1), *ys = lgp_checkmatrix(L, 2);
    gp_matrix *g = lgp_pushmatrix(L, xs->rows * ys->rows, 2);
    gp_error err;
    if (gp_matrix_grid(xs, ys, g, &err))
        return lgp_raise(L, &err);
    return 1;
}

static gp_matrix *check_self(lua_State *L)
{
    return luaL_checkudata(L, 1, LGP_MATRIX);
}

static int m_rows(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_self(L)->rows);
    return 1;
}

static int m_cols(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_self(L)->cols);
    return 1;
}

static int m_size(lua_State *L)
{
    gp_matrix *m = check_self(L);
    lua_pushinteger(L, (lua_Integer)m->rows);
    lua_pushinteger(L, (lua_Integer)m->cols);
    return 2;
}

static int m_get(lua_State *L)
{
    gp_matrix *m = check_self(L);
    size_t i = check_index(L, 2, m->rows, "row");
    size_t j = lua_isnoneornil(L, 3) && m->cols == 1 ? 0 : check_index(L, 3, m->cols, "column");
    lua_pushnumber(L, GP_AT(m, i, j));
    return 1;
}

static int m_set(lua_State *L)
{
    gp_matrix *m = check_self(L);
    size_t i = check_index(L, 2, m->rows, "row");
    size_t j = check_index(L, 3, m->cols, "column");
    GP_AT(m, i, j) = luaL_checknumber(L, 4);
    lua_settop(L, 1);
    return 1;
}

/* m:col(j) and m:row(i): copies as n x 1 matrices. */
static int m_col(lua_State *L)
{
    gp_matrix *m = check_self(L);
    size_t j = check_index(L, 2, m->cols, "column");
    gp_matrix *c = lgp_pushmatrix(L, m->rows, 1);
    memcpy(c->data, &GP_AT(m, 0, j), m->rows * sizeof(double));
    return 1;
}

static int m_row(lua_State *L)
{
    gp_matrix *m = check_self(L);
    size_t i = check_index(L, 2, m->rows, "row");
    gp_matrix *r = lgp_pushmatrix(L, m->cols, 1);
    for (size_t j = 0; j < m->cols; j++)
        r->data[j] = GP_AT(m, i, j);
    return 1;
}

/* m:totable(): a vector gives {x1, ..., xn}; a matrix gives rows {{...}, ...}. */
static int m_totable(lua_State *L)
{
    gp_matrix *m = check_self(L);
    lua_createtable(L, (int)m->rows, 0);
    for (size_t i = 0; i < m->rows; i++) {
        if (m->cols == 1) {
            lua_pushnumber(L, m->data[i]);
        } else {
            lua_createtable(L, (int)m->cols, 0);
            for (size_t j = 0; j < m->cols; j++) {
                lua_pushnumber(L, GP_AT(m, i, j));
                lua_rawseti(L, -2, (lua_Integer)j + 1);
            }
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* m:write_tsv(name): tab-separated, %.17g; name resolves like figure names. */
static int m_write_tsv(lua_State *L)
{
    gp_matrix *m = check_self(L);
    const char *path = lgp_outpath(L, luaL_checkstring(L, 2));
    gp_error err;
    if (gp_file_make_parent(path, &err) || gp_matrix_write_tsv(m, path, &err))
        return lgp_raise(L, &err);
    lua_settop(L, 1);
    return 1;
}

static int m_tostring(lua_State *L)
{
    gp_matrix *m = check_self(L);
    const size_t show = 6;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    lua_pushfstring(L, "matrix %I x %I {", (lua_Integer)m->rows, (lua_Integer)m->cols);
    luaL_addvalue(&b);
    for (size_t i = 0; i < m->rows && i < show; i++) {
        luaL_addstring(&b, i ? ", " : "");
        if (m->cols > 1)
            luaL_addchar(&b, '{');
        for (size_t j = 0; j < m->cols && j < show; j++) {
            char num[32];
            snprintf(num, sizeof num, "%s%.6g", j ? ", " : "", GP_AT(m, i, j));
            luaL_addstring(&b, num);
        }
        if (m->cols > show)
            luaL_addstring(&b, ", ...");
        if (m->cols > 1)
            luaL_addchar(&b, '}');
    }
    if (m->rows > show)
        luaL_addstring(&b, ", ...");
    luaL_addchar(&b, '}');
    luaL_pushresult(&b);
    return 1;
}

/* v[i] for vectors (n x 1 or 1 x n); method names otherwise. */
static int m_index(lua_State *L)
{
    gp_matrix *m = check_self(L);
    if (lua_type(L, 2) == LUA_TSTRING) {
        luaL_getmetatable(L, LGP_MATRIX);
        lua_getfield(L, -1, "methods");
        lua_getfield(L, -1, lua_tostring(L, 2));
        return 1;
    }
    if (m->rows != 1 && m->cols != 1)
        return luaL_error(L, "m[i] needs a vector; this is a %I x %I matrix: use m:get(i, j)",
                          (lua_Integer)m->rows, (lua_Integer)m->cols);
    size_t i = check_index(L, 2, m->rows * m->cols, "index");
    lua_pushnumber(L, m->data[i]);
    return 1;
}

static int m_newindex(lua_State *L)
{
    gp_matrix *m = check_self(L);
    if (m->rows != 1 && m->cols != 1)
        return luaL_error(L, "m[i] = v needs a vector; use m:set(i, j, v)");
    size_t i = check_index(L, 2, m->rows * m->cols, "index");
    m->data[i] = luaL_checknumber(L, 3);
    return 0;
}

/* Element-wise arithmetic (gp_matrix_elementwise): matrix op matrix of one
 * shape, or matrix op number in either order. */
static int arith(lua_State *L, gp_matrix_op op)
{
    gp_matrix *a = lgp_testmatrix(L, 1), *b = lgp_testmatrix(L, 2);
    double sa = a ? 0 : luaL_checknumber(L, 1), sb = b ? 0 : luaL_checknumber(L, 2);
    gp_matrix *shape = a ? a : b;
    gp_matrix *r = lgp_pushmatrix(L, shape->rows, shape->cols);
    gp_error err;
    if (gp_matrix_elementwise(op, a, sa, b, sb, r, &err))
        return lgp_raise(L, &err);
    return 1;
}

static int m_add(lua_State *L) { return arith(L, GP_MATRIX_ADD); }
static int m_sub(lua_State *L) { return arith(L, GP_MATRIX_SUB); }
static int m_mul(lua_State *L) { return arith(L, GP_MATRIX_MUL); }
static int m_div(lua_State *L) { return arith(L, GP_MATRIX_DIV); }

/* -a is (-1) * a (exactly the negation). */
static int m_unm(lua_State *L)
{
    check_self(L);
    lua_settop(L, 1);
    lua_pushnumber(L, -1.0);
    lua_insert(L, 1);
    return arith(L, GP_MATRIX_MUL);
}

static const luaL_Reg methods[] = {
    {"rows", m_rows}, {"cols", m_cols},   {"size", m_size},       {"get", m_get},
    {"set", m_set},   {"col", m_col},     {"row", m_row},         {"totable", m_totable},
    {"write_tsv", m_write_tsv}, {NULL, NULL}};

static const luaL_Reg metamethods[] = {
    {"__index", m_index}, {"__newindex", m_newindex}, {"__len", m_rows},
    {"__tostring", m_tostring}, {"__add", m_add}, {"__sub", m_sub},
    {"__mul", m_mul}, {"__div", m_div}, {"__unm", m_unm}, {NULL, NULL}};

static const luaL_Reg functions[] = {
    {"matrix", l_matrix}, {"linspace", l_linspace}, {"grid", l_grid}, {NULL, NULL}};

void lgp_open_matrix(lua_State *L)
{
    luaL_newmetatable(L, LGP_MATRIX);
    luaL_setfuncs(L, metamethods, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "methods");
    lua_pushliteral(L, "gprior.matrix");
    lua_setfield(L, -2, "__name");
    lua_pop(L, 1);
    luaL_setfuncs(L, functions, 0);
}
