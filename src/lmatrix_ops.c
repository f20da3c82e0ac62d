/* lmatrix_ops.c: computing with matrices, Torch7's way (gp_matrix_ops.h):
 * m:t(), a:mm(b) and gp.mm, m:reshape, m:sum/mean/std/min/max([dim]),
 * gp.cat, m:narrow and m:sub, m:map, m:clone. Every result is a new matrix. */
#include "gp_matrix_ops.h"
#include "lfunc.h"
#include "lmatrix.h"

/* m:t(): the transpose. */
static int m_t(lua_State *L)
{
    gp_matrix *m = lgp_checkself(L);
    gp_matrix_transpose(m, lgp_pushmatrix(L, m->cols, m->rows));
    return 1;
}

/* a:mm(b) and gp.mm(a, b): the matrix product, by BLAS dgemm. */
static int m_mm(lua_State *L)
{
    gp_matrix *a = lgp_checkmatrix(L, 1), *b = lgp_checkmatrix(L, 2);
    size_t r, c;
    gp_error err;
    if (gp_matrix_mm_shape(a, b, &r, &c, &err))
        return lgp_raise(L, &err);
    if (gp_matrix_mm(a, b, lgp_pushmatrix(L, r, c), &err))
        return lgp_raise(L, &err);
    return 1;
}

/* m:reshape(rows, cols): the same elements in row-major order (as Torch). */
static int m_reshape(lua_State *L)
{
    gp_matrix *m = lgp_checkself(L);
    size_t r = lgp_checkcount(L, 2, "rows"), c = lgp_checkcount(L, 3, "columns");
    gp_error err;
    if (gp_matrix_reshape_check(m, r, c, &err))
        return lgp_raise(L, &err);
    gp_matrix_reshape(m, lgp_pushmatrix(L, r, c));
    return 1;
}

/* m:OP() -> a number; m:OP(dim) -> 1 x c (dim 1) or r x 1 (dim 2). */
static int reduce(lua_State *L, gp_reduce_op op)
{
    gp_matrix *m = lgp_checkself(L);
    int dim = 0;
    if (!lua_isnoneornil(L, 2)) {
        lua_Integer d = lgp_checkinteger(L, 2, "dimension");
        if (d != 1 && d != 2)
            return lgp_argerror(L, 2, "dimension must be 1 (down the columns) or 2 (along the "
                                      "rows), got %lld",
                                (long long)d);
        dim = (int)d;
    }
    size_t r, c;
    gp_error err;
    if (gp_matrix_reduce_shape(op, m, dim, &r, &c, &err))
        return lgp_raise(L, &err);
    if (dim == 0) {
        double v;
        gp_matrix one = {1, 1, &v};
        if (gp_matrix_reduce(op, m, 0, &one, &err))
            return lgp_raise(L, &err);
        lua_pushnumber(L, v);
        return 1;
    }
    if (gp_matrix_reduce(op, m, dim, lgp_pushmatrix(L, r, c), &err))
        return lgp_raise(L, &err);
    return 1;
}

static int m_sum(lua_State *L) { return reduce(L, GP_REDUCE_SUM); }
static int m_mean(lua_State *L) { return reduce(L, GP_REDUCE_MEAN); }
static int m_std(lua_State *L) { return reduce(L, GP_REDUCE_STD); }
static int m_min(lua_State *L) { return reduce(L, GP_REDUCE_MIN); }
static int m_max(lua_State *L) { return reduce(L, GP_REDUCE_MAX); }

/* gp.cat(a, b, ... [, dim]) or gp.cat({a, b, ...} [, dim]): the parts side by
 * side (dim 2, the default: gp.cat(x, S) puts x beside the draws) or stacked
 * (dim 1). Parts follow the one rule; a number last is the dimension. */
static int l_cat(lua_State *L)
{
    int top = lua_gettop(L), dim = 2;
    if (top >= 2 && lua_type(L, top) == LUA_TNUMBER) {
        lua_Integer d = lgp_checkinteger(L, top, "dimension");
        if (d != 1 && d != 2)
            return lgp_argerror(L, top, "dimension must be 1 (stack rows) or 2 (side by side), "
                                        "got %lld",
                                (long long)d);
        dim = (int)d;
        lua_settop(L, --top);
    }
    if (top == 1 && lua_istable(L, 1) && lua_geti(L, 1, 1) != LUA_TNIL &&
        lgp_testmatrix(L, -1)) { /* a list of parts */
        lua_pop(L, 1);
        lua_Integer n = luaL_len(L, 1);
        if (n < 1 || n > 100000)
            return lgp_argerror(L, 1, "a list of 1 to 100000 matrices expected, got %lld values",
                                (long long)n);
        luaL_checkstack(L, (int)n + 4, "too many parts");
        for (lua_Integer i = 1; i <= n; i++)
            lua_geti(L, 1, i);
        lua_remove(L, 1);
        top = (int)n;
    } else {
        lua_settop(L, top);
    }
    if (top < 1)
        return lgp_argerror(L, 1, "matrices to concatenate expected, got no value");
    const gp_matrix **parts = lua_newuserdatauv(L, (size_t)top * sizeof *parts, 0);
    for (int i = 0; i < top; i++)
        parts[i] = lgp_checkmatrix(L, i + 1);
    size_t r, c;
    gp_error err;
    if (gp_matrix_cat_shape(parts, (size_t)top, dim, &r, &c, &err))
        return lgp_raise(L, &err);
    gp_matrix_cat(parts, (size_t)top, dim, lgp_pushmatrix(L, r, c));
    return 1;
}

/* A block of self into a new matrix, checked by the core. */
static int push_block(lua_State *L, const char *fname, size_t r0, size_t nr, size_t c0, size_t nc)
{
    gp_matrix *m = lgp_checkself(L);
    gp_error err;
    if (gp_matrix_block_check(fname, m, r0, nr, c0, nc, &err))
        return lgp_raise(L, &err);
    gp_matrix_block(m, r0, c0, lgp_pushmatrix(L, nr, nc));
    return 1;
}

/* The 1-based position i of argument arg as a 0-based one; negative counts
 * from the end (-1 is the last, as Torch's sub); 0 and beyond -size are
 * passed on as out of range. */
static size_t position(lua_State *L, int arg, size_t size, const char *what)
{
    lua_Integer i = lgp_checkinteger(L, arg, what);
    if (i < 0)
        i += (lua_Integer)size + 1;
    return i >= 1 ? (size_t)i - 1 : (size_t)-1;
}

/* m:narrow(dim, i, n): rows (dim 1) or columns (dim 2) i .. i + n - 1. */
static int m_narrow(lua_State *L)
{
    gp_matrix *m = lgp_checkself(L);
    lua_Integer dim = lgp_checkinteger(L, 2, "dimension");
    if (dim != 1 && dim != 2)
        return lgp_argerror(L, 2, "dimension must be 1 (rows) or 2 (columns), got %lld",
                            (long long)dim);
    size_t size = dim == 1 ? m->rows : m->cols;
    size_t first = position(L, 3, size, "first index");
    lua_Integer n = lgp_checkinteger(L, 4, "length");
    if (n < 1)
        return lgp_argerror(L, 4, "length must be >= 1, got %lld", (long long)n);
    if (first == (size_t)-1)
        return lgp_argerror(L, 3, "first index %lld is outside 1..%zu",
                            (long long)lua_tointeger(L, 3), size);
    if (dim == 1)
        return push_block(L, "narrow", first, (size_t)n, 0, m->cols);
    return push_block(L, "narrow", 0, m->rows, first, (size_t)n);
}

/* The range a..b (inclusive, negatives from the end) of size as first and count. */
static void range(lua_State *L, int arg, size_t size, const char *what, size_t *first,
                  size_t *count)
{
    size_t a = position(L, arg, size, what), b = position(L, arg + 1, size, what);
    if (a == (size_t)-1 || b == (size_t)-1 || a >= size || b >= size)
        lgp_argerror(L, a == (size_t)-1 || a >= size ? arg : arg + 1,
                     "%s %lld is outside 1..%zu (or -%zu..-1 from the end)", what,
                     (long long)lua_tointeger(L, a == (size_t)-1 || a >= size ? arg : arg + 1),
                     size, size);
    if (b < a)
        lgp_argerror(L, arg + 1, "%s range %lld..%lld is empty", what,
                     (long long)lua_tointeger(L, arg), (long long)lua_tointeger(L, arg + 1));
    *first = a;
    *count = b - a + 1;
}

/* m:sub(r1, r2 [, c1, c2]): rows r1..r2 and columns c1..c2 (all by default). */
static int m_sub(lua_State *L)
{
    gp_matrix *m = lgp_checkself(L);
    size_t r0, nr, c0 = 0, nc = m->cols;
    range(L, 2, m->rows, "row", &r0, &nr);
    if (!lua_isnoneornil(L, 4) || !lua_isnoneornil(L, 5))
        range(L, 4, m->cols, "column", &c0, &nc);
    return push_block(L, "sub", r0, nr, c0, nc);
}

/* m:map(fn): fn(x) for every element x (fn a Lua function or gp.poly). */
static int m_map(lua_State *L)
{
    gp_matrix *m = lgp_checkself(L);
    gp_func *f = lgp_tofunc(L, 2, "map");
    gp_matrix *out = lgp_pushmatrix(L, m->rows, m->cols);
    gp_error err;
    lua_State *saved = lgp_enter_core(L);
    gp_code rc = gp_matrix_map(m, f, out, &err);
    lgp_leave_core(saved);
    return rc ? lgp_raise(L, &err) : 1;
}

/* m:clone(): a copy (without the origin: a clone of a draw is just numbers). */
static int m_clone(lua_State *L)
{
    lgp_pushcopy(L, lgp_checkself(L));
    return 1;
}

const luaL_Reg lgp_matrix_ops_methods[] = {
    {"t", m_t},       {"mm", m_mm},         {"reshape", m_reshape}, {"sum", m_sum},
    {"mean", m_mean}, {"std", m_std},       {"min", m_min},         {"max", m_max},
    {"narrow", m_narrow}, {"sub", m_sub},   {"map", m_map},         {"clone", m_clone},
    {NULL, NULL}};

const luaL_Reg lgp_matrix_ops_functions[] = {{"mm", m_mm}, {"cat", l_cat}, {NULL, NULL}};
