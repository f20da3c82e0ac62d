/* lmatrix_io.c: matrices to and from files (gp_table_io.h): m:write_tsv,
 * m:write_csv (written atomically under --out), gp.read_tsv, gp.read_csv
 * (read from the path as given), and the column names a matrix read with a
 * header keeps (m:names()). */
#include <string.h>

#include "gp_file.h"
#include "gp_table_io.h"
#include "lmatrix.h"

#define LGP_NAMES "gprior.names"

/* The string at arg without zero bytes (a path or a name C would cut short). */
static const char *check_text(lua_State *L, int arg, const char *what)
{
    size_t len;
    const char *s = luaL_checklstring(L, arg, &len);
    if (strlen(s) != len)
        lgp_argerror(L, arg, "%s contains a zero byte", what);
    return s;
}

/* Push the column names of the matrix at idx (its origin when it was read
 * with a header) and return 1, or push nothing and return 0. */
static int push_names(lua_State *L, int idx)
{
    lgp_matrix_origin(L, idx);
    if (lgp_istable_of(L, -1, LGP_NAMES))
        return 1;
    lua_pop(L, 1);
    return 0;
}

/* m:names(): a copy of the column names of a matrix read with a header, or nil. */
static int m_names(lua_State *L)
{
    lgp_checkself(L);
    if (!push_names(L, 1))
        return lua_pushnil(L), 1;
    lua_Integer n = luaL_len(L, -1);
    lua_createtable(L, (int)n, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, -2, i);
        lua_rawseti(L, -2, i);
    }
    return 1;
}

/* m:write_tsv(name [, {header = {...} | false}]) and m:write_csv(...): name
 * resolves like figure names (under --out); the header defaults to the names
 * the matrix was read with. Returns m. */
static int write_table(lua_State *L, gp_table_format fmt, const char *fname)
{
    static const char *const known[] = {"header", NULL};
    gp_matrix *m = lgp_checkself(L);
    const char *name = check_text(L, 2, "file name");
    lgp_options o;
    lgp_options_open(&o, L, 3, fname, known);
    lua_settop(L, 3);
    int t = lgp_opt_type(&o, "header");
    if (t == LUA_TNIL) {
        if (!push_names(L, 1))
            lua_pushboolean(L, 0);
    } else if (t == LUA_TBOOLEAN && !lgp_opt_boolean(&o, "header", 0)) {
        lua_pushboolean(L, 0);
    } else if (t == LUA_TTABLE) {
        lua_getfield(L, 3, "header");
    } else {
        return lgp_error(L, "%s: bad option 'header' (a list of column names or false expected, "
                            "got %s)",
                         fname, t == LUA_TBOOLEAN ? "true" : lua_typename(L, t));
    }
    const char **header = NULL; /* slot 4: the names (or false) */
    size_t n = 0;
    if (lua_istable(L, 4)) {
        lua_Integer len = luaL_len(L, 4);
        n = len > 0 ? (size_t)len : 0; /* the core checks that it is m's column count */
        header = lua_newuserdatauv(L, (n ? n : 1) * sizeof *header, 0);
        for (size_t j = 0; j < n; j++) {
            size_t l;
            if (lua_geti(L, 4, (lua_Integer)j + 1) != LUA_TSTRING)
                return lgp_error(L, "%s: header name %zu is a %s, not a string", fname, j + 1,
                                 luaL_typename(L, -1));
            header[j] = lua_tolstring(L, -1, &l); /* kept alive by the list */
            if (strlen(header[j]) != l)
                return lgp_error(L, "%s: header name %zu contains a zero byte", fname, j + 1);
            lua_pop(L, 1);
        }
    }
    const char *path = lgp_outpath(L, name);
    gp_error err;
    if (gp_file_make_parent(path, &err) || gp_table_write(m, path, fmt, header, n, &err))
        return lgp_raise(L, &err);
    lua_settop(L, 1);
    return 1;
}

static int m_write_tsv(lua_State *L) { return write_table(L, GP_TABLE_TSV, "write_tsv"); }
static int m_write_csv(lua_State *L) { return write_table(L, GP_TABLE_CSV, "write_csv"); }

/* Runs under lua_pcall (upvalue: the table read): push its matrix, with the
 * names as its origin. */
static int push_table(lua_State *L)
{
    const gp_table *t = lua_touserdata(L, 1);
    gp_matrix *m = lgp_pushmatrix(L, t->rows, t->cols);
    gp_table_to_matrix(t, m);
    if (t->names) {
        lua_createtable(L, (int)t->cols, 0);
        for (size_t j = 0; j < t->cols; j++) {
            lua_pushstring(L, t->names[j]);
            lua_rawseti(L, -2, (lua_Integer)j + 1);
        }
        luaL_setmetatable(L, LGP_NAMES);
        lgp_matrix_setorigin(L, -2);
    }
    return 1;
}

/* gp.read_tsv(path [, {header = true|false}]) and gp.read_csv(...): the
 * matrix of the file's numbers; a header row (by default: when the first row
 * is not all numbers) gives the names, m:names(). */
static int read_table(lua_State *L, gp_table_format fmt, const char *fname)
{
    static const char *const known[] = {"header", NULL};
    const char *path = check_text(L, 1, "path");
    lgp_options o;
    lgp_options_open(&o, L, 2, fname, known);
    gp_table_header header = GP_HEADER_AUTO;
    if (lgp_opt_has(&o, "header"))
        header = lgp_opt_boolean(&o, "header", 0) ? GP_HEADER_YES : GP_HEADER_NO;
    gp_table t;
    gp_error err;
    gp_code rc = gp_table_read(path, fmt, header, &t, &err);
    int status = LUA_OK;
    if (!rc) {
        lua_pushcfunction(L, push_table);
        lua_pushlightuserdata(L, &t);
        status = lua_pcall(L, 1, 1, 0);
    }
    gp_table_free(&t);
    if (rc)
        return lgp_raise(L, &err);
    return status == LUA_OK ? 1 : lua_error(L);
}

static int l_read_tsv(lua_State *L) { return read_table(L, GP_TABLE_TSV, "read_tsv"); }
static int l_read_csv(lua_State *L) { return read_table(L, GP_TABLE_CSV, "read_csv"); }

/* gp.outpath(name): where a relative name is saved (under --out), with its
 * folder created, so that io.open(gp.outpath "notes.txt", "w") works. */
static int l_outpath(lua_State *L)
{
    const char *path = lgp_outpath(L, check_text(L, 1, "name"));
    gp_error err;
    if (gp_file_make_parent(path, &err))
        return lgp_raise(L, &err);
    return 1;
}

const luaL_Reg lgp_matrix_io_methods[] = {
    {"write_tsv", m_write_tsv}, {"write_csv", m_write_csv}, {"names", m_names}, {NULL, NULL}};

const luaL_Reg lgp_matrix_io_functions[] = {
    {"read_tsv", l_read_tsv}, {"read_csv", l_read_csv}, {"outpath", l_outpath}, {NULL, NULL}};

void lgp_open_matrix_io(lua_State *L)
{
    luaL_newmetatable(L, LGP_NAMES);
    lua_pop(L, 1);
}
