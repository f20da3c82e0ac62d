/* lmatrix.c: the Lua matrix type: dense column-major n x d doubles.
 *
 * A matrix userdata holds its gp_matrix header and data in one block, so it
 * needs no __gc. Vectors are n x 1 matrices. */
#include <math.h>
#include <string.h>

#include "gp_file.h"
#include "lgprior.h"

gp_matrix *lgp_testmatrix(lua_State *L, int arg)
{
    return luaL_testudata(L, arg, LGP_MATRIX);
}

gp_matrix *lgp_pushmatrix(lua_State *L, size_t rows, size_t cols)
{
    size_t bytes = gp_matrix_bytes(rows, cols);
    if (bytes == 0)
        luaL_error(L, "matrix of %zu x %zu is too large", rows, cols);
    gp_matrix *m = gp_matrix_init(lua_newuserdatauv(L, bytes, 0), rows, cols);
    luaL_setmetatable(L, LGP_MATRIX);
    return m;
}

/* Convert the table at arg (numbers, or rows of numbers) to a new matrix that
 * replaces it on the stack. */
static gp_matrix *matrix_from_table(lua_State *L, int arg)
{
    arg = lua_absindex(L, arg);
    lua_Integer n = luaL_len(L, arg);
    if (n < 1)
        luaL_argerror(L, arg, "empty table (a matrix needs at least one row)");
    int first = lua_geti(L, arg, 1);
    lua_Integer d = 1;
    int rows_given = first == LUA_TTABLE;
    if (rows_given) {
        d = luaL_len(L, -1);
        if (d < 1)
            luaL_argerror(L, arg, "row 1 is empty");
    }
    lua_pop(L, 1);
    gp_matrix *m = lgp_pushmatrix(L, (size_t)n, (size_t)d);
    for (lua_Integer i = 1; i <= n; i++) {
        int t = lua_geti(L, arg, i);
        if (!rows_given) {
            int ok;
            double v = lua_tonumberx(L, -1, &ok);
            if (!ok || t == LUA_TSTRING)
                luaL_argerror(L, arg, lua_pushfstring(L, "element %I is a %s, not a number", i,
                                                      luaL_typename(L, -1)));
            GP_AT(m, i - 1, 0) = v;
        } else {
            if (t != LUA_TTABLE || luaL_len(L, -1) != d)
                luaL_argerror(L, arg,
                              lua_pushfstring(L, "row %I is not a table of %I numbers", i, d));
            for (lua_Integer j = 1; j <= d; j++) {
                int ok;
                int tj = lua_geti(L, -1, j);
                double v = lua_tonumberx(L, -1, &ok);
                if (!ok || tj == LUA_TSTRING)
                    luaL_argerror(L, arg, lua_pushfstring(L, "element [%I][%I] is a %s, not a number",
                                                          i, j, luaL_typename(L, -1)));
                GP_AT(m, i - 1, j - 1) = v;
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }
    lua_replace(L, arg);
    return m;
}

gp_matrix *lgp_checkmatrix(lua_State *L, int arg)
{
    gp_matrix *m = lgp_testmatrix(L, arg);
    if (m)
        return m;
    if (lua_type(L, arg) == LUA_TTABLE)
        return matrix_from_table(L, arg);
    luaL_typeerror(L, arg, "matrix or table of numbers");
    return NULL;
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
    lua_Integer r = luaL_checkinteger(L, 1), c = luaL_checkinteger(L, 2);
    double v = luaL_optnumber(L, 3, 0.0);
    luaL_argcheck(L, r >= 1, 1, "rows must be >= 1");
    luaL_argcheck(L, c >= 1, 2, "columns must be >= 1");
    gp_matrix *m = lgp_pushmatrix(L, (size_t)r, (size_t)c);
    for (size_t i = 0; i < m->rows * m->cols; i++)
        m->data[i] = v;
    return 1;
}

/* gp.linspace(a, b, n): n evenly spaced points from a to b inclusive (n x 1). */
static int l_linspace(lua_State *L)
{
    double a = luaL_checknumber(L, 1), b = luaL_checknumber(L, 2);
    lua_Integer n = luaL_checkinteger(L, 3);
    luaL_argcheck(L, isfinite(a), 1, "start must be finite");
    luaL_argcheck(L, isfinite(b), 2, "stop must be finite");
    luaL_argcheck(L, n >= 1, 3, "number of points must be >= 1");
    gp_matrix_linspace(lgp_pushmatrix(L, (size_t)n, 1), a, b);
    return 1;
}

/* gp.grid(xs, ys): the (nx * ny) x 2 matrix of all pairs (x varies fastest). */
static int l_grid(lua_State *L)
{
    gp_matrix *xs = lgp_checkmatrix(L, 1), *ys = lgp_checkmatrix(L, 2);
    luaL_argcheck(L, xs->cols == 1, 1, "x coordinates must be a vector (n x 1)");
    luaL_argcheck(L, ys->cols == 1, 2, "y coordinates must be a vector (n x 1)");
    gp_matrix *g = lgp_pushmatrix(L, xs->rows * ys->rows, 2);
    for (size_t j = 0; j < ys->rows; j++)
        for (size_t i = 0; i < xs->rows; i++) {
            GP_AT(g, j * xs->rows + i, 0) = xs->data[i];
            GP_AT(g, j * xs->rows + i, 1) = ys->data[j];
        }
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

static int m_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_self(L)->rows);
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

/* Element-wise arithmetic: matrix op matrix (same shape) or matrix op number. */
typedef double (*binop)(double, double);
static double op_add(double a, double b) { return a + b; }
static double op_sub(double a, double b) { return a - b; }
static double op_mul(double a, double b) { return a * b; }
static double op_div(double a, double b) { return a / b; }

static int arith(lua_State *L, binop op, const char *name)
{
    gp_matrix *a = lgp_testmatrix(L, 1), *b = lgp_testmatrix(L, 2);
    if (a && b && (a->rows != b->rows || a->cols != b->cols))
        return luaL_error(L, "%s: shapes differ (%I x %I and %I x %I)", name,
                          (lua_Integer)a->rows, (lua_Integer)a->cols, (lua_Integer)b->rows,
                          (lua_Integer)b->cols);
    gp_matrix *shape = a ? a : b;
    double sa = a ? 0 : luaL_checknumber(L, 1), sb = b ? 0 : luaL_checknumber(L, 2);
    gp_matrix *r = lgp_pushmatrix(L, shape->rows, shape->cols);
    for (size_t i = 0; i < r->rows * r->cols; i++)
        r->data[i] = op(a ? a->data[i] : sa, b ? b->data[i] : sb);
    return 1;
}

static int m_add(lua_State *L) { return arith(L, op_add, "+"); }
static int m_sub(lua_State *L) { return arith(L, op_sub, "-"); }
static int m_mul(lua_State *L) { return arith(L, op_mul, "*"); }
static int m_div(lua_State *L) { return arith(L, op_div, "/"); }

static int m_unm(lua_State *L)
{
    gp_matrix *a = check_self(L);
    gp_matrix *r = lgp_pushmatrix(L, a->rows, a->cols);
    for (size_t i = 0; i < r->rows * r->cols; i++)
        r->data[i] = -a->data[i];
    return 1;
}

static const luaL_Reg methods[] = {
    {"rows", m_rows}, {"cols", m_cols},   {"size", m_size},       {"get", m_get},
    {"set", m_set},   {"col", m_col},     {"row", m_row},         {"totable", m_totable},
    {"write_tsv", m_write_tsv}, {NULL, NULL}};

static const luaL_Reg metamethods[] = {
    {"__index", m_index}, {"__newindex", m_newindex}, {"__len", m_len},
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
