/* lmatrix.c: the Lua matrix type (dense column-major doubles, vectors n x 1
 * or 1 x n), the toolkit's one rule for turning Lua values into matrices, and
 * elements, shapes and arithmetic. Computing (lmatrix_ops.c) and files
 * (lmatrix_io.c) add their methods to the same type.
 *
 * A matrix userdata holds its gp_matrix header and data in one block, so it
 * needs no __gc; its one user value is its origin (lgp_matrix_setorigin). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lmatrix.h"

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
    lua_newuserdatauv(L, (size_t)lua_tointeger(L, lua_upvalueindex(1)), 1);
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

lua_Integer lgp_checkinteger(lua_State *L, int arg, const char *what)
{
    int ok;
    lua_Integer v = lua_tointegerx(L, arg, &ok);
    if (!ok) {
        if (lua_type(L, arg) == LUA_TNUMBER)
            lgp_argerror(L, arg, "%s must be an integer, got %s", what,
                         luaL_tolstring(L, arg, NULL));
        lgp_argerror(L, arg, "%s must be an integer, got %s", what,
                     lua_isnone(L, arg) ? "no value" : lgp_typename(L, arg));
    }
    return v;
}

size_t lgp_checkcount(lua_State *L, int arg, const char *what)
{
    lua_Integer n = lgp_checkinteger(L, arg, what);
    if (n < 1)
        lgp_argerror(L, arg, "%s must be >= 1, got %lld", what, (long long)n);
    return (size_t)n;
}

/* ---- origins ------------------------------------------------------------------------- */

/* The origin of matrices made as points (gp.points, gp.grid). */
static const char points_mark = 0;

void lgp_matrix_setorigin(lua_State *L, int idx)
{
    lua_setiuservalue(L, idx, 1);
}

int lgp_matrix_origin(lua_State *L, int idx)
{
    return lua_getiuservalue(L, idx, 1);
}

static int is_points(lua_State *L, int idx)
{
    lgp_matrix_origin(L, idx);
    int is = lua_touserdata(L, -1) == &points_mark;
    lua_pop(L, 1);
    return is;
}

static void mark_points(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_pushlightuserdata(L, (void *)&points_mark);
    lgp_matrix_setorigin(L, idx);
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

/* The table at idx, which has no list part: its first keys, for a message
 * about an options table where a matrix was expected ("n, seed"). */
static const char *named_keys(lua_State *L, int idx)
{
    char keys[128] = "";
    size_t len = 0;
    int shown = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (shown == 3) {
            lua_pop(L, 1);
            snprintf(keys + len, sizeof keys - len, ", ...");
            break;
        }
        if (lua_type(L, -1) == LUA_TSTRING && len < sizeof keys) {
            int n = snprintf(keys + len, sizeof keys - len, "%s%.30s", shown++ ? ", " : "",
                             lua_tostring(L, -1));
            len = n < 0 ? len : len + (size_t)n;
            len = len < sizeof keys ? len : sizeof keys;
        }
    }
    return lua_pushstring(L, keys);
}

/* Convert the table at idx (numbers, or rows of numbers) to a new matrix that
 * replaces it on the stack. */
static gp_matrix *matrix_from_table(lua_State *L, int idx, const lgp_options *o, const char *key)
{
    if (luaL_getmetafield(L, idx, "__name") != LUA_TNIL) { /* a gprior table type */
        const char *name = lua_tostring(L, -1);
        convert_error(L, idx, o, key, "matrix expected, got %s%s", name ? name : "?",
                      lgp_isreport(L, idx) ? " (a sampler's report: the draws are its first "
                                             "result)"
                                           : "");
    }
    lua_Integer n = luaL_len(L, idx);
    if (n < 1) {
        lua_pushnil(L);
        if (lua_next(L, idx)) {
            lua_pop(L, 2);
            convert_error(L, idx, o, key,
                          "matrix expected, got a table of named fields (%s): an options table? "
                          "Options come last; are the arguments swapped?",
                          named_keys(L, idx));
        }
        convert_error(L, idx, o, key, "empty table (a matrix needs at least one row)");
    }
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

/* What to do with a gprior value that is not a matrix, for the message. */
static const char *conversion_hint(lua_State *L, int idx)
{
    const char *name = lgp_typename(L, idx);
    if (strcmp(name, "gprior.process") == 0 || strcmp(name, "gprior.weights") == 0)
        return " (a process is not a matrix: use its values, f:sample(x) or f:mean(x))";
    if (strcmp(name, "gprior.kernel") == 0)
        return " (a kernel is not a matrix: use its values, k:gram(x))";
    return "";
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
    convert_error(L, idx, o, key, "matrix or table of numbers (or a number) expected, got %s%s",
                  lua_isnone(L, idx) ? "no value" : lgp_typename(L, idx),
                  conversion_hint(L, idx));
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

gp_matrix *lgp_checkpoints(lua_State *L, int arg)
{
    gp_matrix *X = to_matrix(L, arg, NULL, NULL);
    if (X->rows == 1 && X->cols > 1 && !is_points(L, arg))
        lgp_argerror(L, arg,
                     "points are the rows of a matrix, and this is a 1 x %zu row, so one "
                     "%zu-D point: for %zu points of 1-D input give a column (x:t(), or "
                     "gp.matrix{a, b, ...}); for one %zu-D point, gp.points{{...}}",
                     X->cols, X->cols, X->cols, X->cols);
    return X;
}

static size_t check_index(lua_State *L, int arg, size_t size, const char *what)
{
    lua_Integer i = lgp_checkinteger(L, arg, what);
    if (i < 1 || (size_t)i > size)
        lgp_argerror(L, arg, "%s %lld out of range 1..%zu", what, (long long)i, size);
    return (size_t)i - 1;
}

gp_matrix *lgp_pushcopy(lua_State *L, const gp_matrix *src)
{
    gp_matrix *m = lgp_pushmatrix(L, src->rows, src->cols);
    memcpy(m->data, src->data, src->rows * src->cols * sizeof(double));
    return m;
}

/* gp.matrix(t) from a table; gp.matrix(rows, cols [, value]) filled with value (0). */
static int l_matrix(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TTABLE || lgp_testmatrix(L, 1)) {
        lgp_pushcopy(L, lgp_checkmatrix(L, 1));
        return 1;
    }
    size_t r = lgp_checkcount(L, 1, "rows"), c = lgp_checkcount(L, 2, "columns");
    double v = luaL_optnumber(L, 3, 0.0);
    gp_matrix *m = lgp_pushmatrix_by(L, r, c, c == 1 ? "argument #1" : "arguments #1 and #2");
    for (size_t i = 0; i < m->rows * m->cols; i++)
        m->data[i] = v;
    return 1;
}

/* gp.points(X): a copy of X (by the one rule) whose rows are points, even a
 * single row: gp.points{{0.5, 0.5}} is one 2-D point. */
static int l_points(lua_State *L)
{
    lgp_pushcopy(L, lgp_checkmatrix(L, 1));
    mark_points(L, -1);
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

/* gp.grid(xs, ys): the (nx * ny) x 2 matrix of all pairs (x varies fastest), as points. */
static int l_grid(lua_State *L)
{
    gp_matrix *xs = lgp_checkmatrix(L, 1), *ys = lgp_checkmatrix(L, 2);
    gp_matrix *g = lgp_pushmatrix(L, xs->rows * xs->cols * ys->rows * ys->cols, 2);
    gp_error err;
    if (gp_matrix_grid(xs, ys, g, &err))
        return lgp_raise(L, &err);
    mark_points(L, -1);
    return 1;
}

gp_matrix *lgp_checkself(lua_State *L)
{
    gp_matrix *m = lgp_testmatrix(L, 1);
    return m ? m : (lgp_selferror(L, 1, "matrix"), NULL);
}

static int is_vector(const gp_matrix *m)
{
    return m->rows == 1 || m->cols == 1;
}

static int m_rows(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)lgp_checkself(L)->rows);
    return 1;
}

static int m_cols(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)lgp_checkself(L)->cols);
    return 1;
}

static int m_size(lua_State *L)
{
    gp_matrix *m = lgp_checkself(L);
    lua_pushinteger(L, (lua_Integer)m->rows);
    lua_pushinteger(L, (lua_Integer)m->cols);
    return 2;
}

/* #m: the number of elements of a vector (either orientation), else the rows. */
static int m_len(lua_State *L)
{
    gp_matrix *m = lgp_checkself(L);
    lua_pushinteger(L, (lua_Integer)(is_vector(m) ? m->rows * m->cols : m->rows));
    return 1;
}

/* The element at arguments arg (and arg + 1): (i, j), or i alone for a
 * vector; *next is the argument after the index. */
static double *element_at(lua_State *L, gp_matrix *m, int arg, int single, int *next)
{
    if (single) {
        if (!is_vector(m))
            lgp_error(L, "%s: one index needs a vector; this is a %zu x %zu matrix: give the row "
                         "and the column",
                      lgp_fname(L), m->rows, m->cols);
        *next = arg + 1;
        return &m->data[check_index(L, arg, m->rows * m->cols, "index")];
    }
    size_t i = check_index(L, arg, m->rows, "row"), j = check_index(L, arg + 1, m->cols, "column");
    *next = arg + 2;
    return &GP_AT(m, i, j);
}

/* m:get(i, j); v:get(i) for a vector of either orientation. */
static int m_get(lua_State *L)
{
    gp_matrix *m = lgp_checkself(L);
    int next;
    lua_pushnumber(L, *element_at(L, m, 2, lua_isnoneornil(L, 3), &next));
    return 1;
}

/* m:set(i, j, x); v:set(i, x) for a vector. Returns m. */
static int m_set(lua_State *L)
{
    gp_matrix *m = lgp_checkself(L);
    int next;
    double *e = element_at(L, m, 2, lua_gettop(L) <= 3, &next);
    *e = luaL_checknumber(L, next);
    lua_settop(L, 1);
    return 1;
}

/* m:col(j) and m:row(i): copies as n x 1 matrices. */
static int m_col(lua_State *L)
{
    gp_matrix *m = lgp_checkself(L);
    size_t j = check_index(L, 2, m->cols, "column");
    gp_matrix *c = lgp_pushmatrix(L, m->rows, 1);
    memcpy(c->data, &GP_AT(m, 0, j), m->rows * sizeof(double));
    return 1;
}

static int m_row(lua_State *L)
{
    gp_matrix *m = lgp_checkself(L);
    size_t i = check_index(L, 2, m->rows, "row");
    gp_matrix *r = lgp_pushmatrix(L, m->cols, 1);
    for (size_t j = 0; j < m->cols; j++)
        r->data[j] = GP_AT(m, i, j);
    return 1;
}

/* m:totable(): a column gives {x1, ..., xn}; anything else gives rows {{...}, ...}. */
static int m_totable(lua_State *L)
{
    gp_matrix *m = lgp_checkself(L);
    luaL_checkstack(L, 3, "too many values on the Lua stack");
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

/* m:info(): the sampling report of a draw (nil for other matrices). */
static int m_info(lua_State *L)
{
    lgp_checkself(L);
    if (lgp_matrix_origin(L, 1) != LUA_TTABLE || !lgp_isreport(L, -1))
        lua_pushnil(L);
    return 1;
}

static int m_tostring(lua_State *L)
{
    gp_matrix *m = lgp_checkself(L);
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
    gp_matrix *m = lgp_checkself(L);
    if (lua_type(L, 2) == LUA_TSTRING) {
        luaL_getmetatable(L, LGP_MATRIX);
        lua_getfield(L, -1, "methods");
        if (lua_getfield(L, -1, lua_tostring(L, 2)) == LUA_TNIL)
            return lgp_nomethod(L, "matrix", lua_gettop(L) - 1, lua_tostring(L, 2));
        return 1;
    }
    if (!is_vector(m))
        return lgp_error(L, "m[i] needs a vector; this is a %zu x %zu matrix: use m:get(i, j)",
                         m->rows, m->cols);
    size_t i = check_index(L, 2, m->rows * m->cols, "index");
    lua_pushnumber(L, m->data[i]);
    return 1;
}

static int m_newindex(lua_State *L)
{
    gp_matrix *m = lgp_checkself(L);
    if (!is_vector(m))
        return lgp_error(L, "m[i] = v needs a vector; this is a %zu x %zu matrix: use m:set(i, "
                            "j, v)",
                         m->rows, m->cols);
    size_t i = check_index(L, 2, m->rows * m->cols, "index");
    m->data[i] = luaL_checknumber(L, 3);
    return 0;
}

/* Element-wise arithmetic (gp_matrix_elementwise): matrix op matrix of one
 * shape, or matrix op number in either order. */
static int arith(lua_State *L, gp_matrix_op op)
{
    gp_matrix *a = lgp_testmatrix(L, 1), *b = lgp_testmatrix(L, 2);
    if (!a && !b) /* only when the metamethod is called directly */
        return luaL_typeerror(L, 1, "matrix");
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
    lgp_checkself(L);
    lua_settop(L, 1);
    lua_pushnumber(L, -1.0);
    lua_insert(L, 1);
    return arith(L, GP_MATRIX_MUL);
}

static const luaL_Reg methods[] = {
    {"rows", m_rows}, {"cols", m_cols}, {"size", m_size},       {"get", m_get},
    {"set", m_set},   {"col", m_col},   {"row", m_row},         {"totable", m_totable},
    {"info", m_info}, {NULL, NULL}};

static const luaL_Reg metamethods[] = {
    {"__index", m_index}, {"__newindex", m_newindex}, {"__len", m_len},
    {"__tostring", m_tostring}, {"__add", m_add}, {"__sub", m_sub},
    {"__mul", m_mul}, {"__div", m_div}, {"__unm", m_unm}, {NULL, NULL}};

static const luaL_Reg functions[] = {{"matrix", l_matrix},
                                     {"points", l_points},
                                     {"linspace", l_linspace},
                                     {"grid", l_grid},
                                     {NULL, NULL}};

void lgp_open_matrix(lua_State *L)
{
    lgp_open_matrix_io(L);
    luaL_newmetatable(L, LGP_MATRIX);
    luaL_setfuncs(L, metamethods, 0);
    luaL_newlib(L, methods);
    luaL_setfuncs(L, lgp_matrix_ops_methods, 0);
    luaL_setfuncs(L, lgp_matrix_io_methods, 0);
    lua_setfield(L, -2, "methods");
    lua_pushliteral(L, "gprior.matrix");
    lua_setfield(L, -2, "__name");
    lua_pop(L, 1);
    luaL_setfuncs(L, functions, 0);
    luaL_setfuncs(L, lgp_matrix_ops_functions, 0);
    luaL_setfuncs(L, lgp_matrix_io_functions, 0);
}
