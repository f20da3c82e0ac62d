/* lgprior.c: the toolkit's errors and userdata boxes, the program state
 * (generator, seed, output folder) and the gprior module (luaopen_gprior). */
#define _POSIX_C_SOURCE 200809L
#include "lgprior.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lualib.h>

#include "gp_blas.h"

/* ---- errors --------------------------------------------------------------------------- */

int lgp_raise(lua_State *L, const gp_error *err)
{
    return luaL_error(L, "%s", err->msg[0] ? err->msg : "unknown error");
}

int lgp_error(lua_State *L, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return luaL_error(L, "%s", msg);
}

int lgp_argerror(lua_State *L, int arg, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return luaL_argerror(L, arg, lua_pushstring(L, msg));
}

const char *lgp_fname(lua_State *L)
{
    lua_Debug ar;
    if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) && ar.name)
        return ar.name;
    return "?";
}

int lgp_istable_of(lua_State *L, int idx, const char *tname)
{
    if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx))
        return 0;
    luaL_getmetatable(L, tname);
    int is = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return is;
}

const char *lgp_typename(lua_State *L, int idx)
{
    if (luaL_getmetafield(L, idx, "__name") != LUA_TNIL) {
        const char *name = lua_tostring(L, -1); /* interned, held by the metatable */
        lua_pop(L, 1);
        if (name)
            return name;
    }
    return luaL_typename(L, idx);
}

/* ---- the userdata box ------------------------------------------------------------------ */

/* __gc of every box: upvalue 1 is its lgp_type. Tolerates an empty box (a
 * construction that failed after lgp_newbox). */
static int box_gc(lua_State *L)
{
    const lgp_type *type = lua_touserdata(L, lua_upvalueindex(1));
    void **box = lua_touserdata(L, 1);
    if (box && *box) {
        type->release(*box);
        *box = NULL;
    }
    return 0;
}

/* __tostring of a box with a describe: upvalue 1 is its lgp_type. */
static int box_tostring(lua_State *L)
{
    const lgp_type *type = lua_touserdata(L, lua_upvalueindex(1));
    const void *object = lgp_checkbox(L, 1, type);
    size_t len = type->describe(object, NULL, 0);
    luaL_Buffer b;
    char *text = luaL_buffinitsize(L, &b, len + 1);
    type->describe(object, text, len + 1);
    luaL_pushresultsize(&b, len);
    return 1;
}

/* Set metamethod name of the table on top to fn with upvalue type. */
static void set_typed(lua_State *L, const lgp_type *type, const char *name, lua_CFunction fn)
{
    lua_pushlightuserdata(L, (void *)type);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, name);
}

void lgp_newtype(lua_State *L, const lgp_type *type)
{
    luaL_newmetatable(L, type->name); /* sets __name */
    if (type->meta)
        luaL_setfuncs(L, type->meta, 0);
    if (type->release)
        set_typed(L, type, "__gc", box_gc);
    if (type->describe)
        set_typed(L, type, "__tostring", box_tostring);
    if (type->methods) {
        lua_newtable(L);
        luaL_setfuncs(L, type->methods, 0);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
}

void **lgp_newbox(lua_State *L, const lgp_type *type)
{
    void **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, type->name);
    return box;
}

int lgp_fillbox(lua_State *L, void **box, void *object, const gp_error *err)
{
    if (!object)
        return lgp_raise(L, err);
    *box = object;
    return 1;
}

void *lgp_testbox(lua_State *L, int arg, const lgp_type *type)
{
    void **box = luaL_testudata(L, arg, type->name);
    return box ? *box : NULL;
}

int lgp_selferror(lua_State *L, int arg, const char *what)
{
    lua_Debug ar;
    if (arg == 1 && lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) && ar.name &&
        strcmp(ar.namewhat, "method") != 0)
        return lgp_argerror(L, 1, "%s expected, got %s: a method is called with a colon, "
                                  "obj:%s(...)",
                            what, lua_isnone(L, 1) ? "no value" : lgp_typename(L, 1), ar.name);
    return luaL_typeerror(L, arg, what);
}

void *lgp_checkbox(lua_State *L, int arg, const lgp_type *type)
{
    void **box = luaL_testudata(L, arg, type->name);
    if (!box)
        lgp_selferror(L, arg, type->what);
    if (!*box)
        lgp_argerror(L, arg, "%s is empty", type->what);
    return *box;
}

/* ---- methods ------------------------------------------------------------------------ */

/* The fix for a method a user reaches for on the wrong type, or under the
 * name another library gives it. */
static const struct {
    const char *what, *key, *hint;
} method_hints[] = {
    {"kernel", "sample", "a kernel is not a process: wrap it in one, gp.GP{kernel = k}:sample(x)"},
    {"kernel", "sample_grid", "a kernel is not a process: gp.GP{kernel = k}:sample_grid(a, b, n)"},
    {"kernel", "sample_rff", "a kernel is not a process: gp.GP{kernel = k}:sample_rff(x)"},
    {"kernel", "mean", "a kernel is not a process: gp.GP{kernel = k, mean = m}:mean(x)"},
    {"kernel", "var", "the variances of a kernel are k:diag(x)"},
    {"kernel", "sd", "a kernel is not a process: gp.GP{kernel = k}:sd(x)"},
    {"kernel", "band", "a kernel is not a process: gp.GP{kernel = k}:band(x)"},
    {"kernel", "cov", "the covariance matrix of a kernel is k:gram(x [, y])"},
    {"kernel", "eval", "k(x, y) evaluates at two points, k:gram(X [, Y]) at all pairs of rows"},
    {"process", "gram", "the covariance matrix of a process is f:cov(x [, x2])"},
    {"process", "diag", "the variances of a process are f:var(x)"},
    {"process", "kernel_matrix", "f:cov(x [, x2])"},
    {"matrix", "transpose", "the transpose is m:t()"},
    {"matrix", "T", "the transpose is m:t()"},
    {"matrix", "shape", "the shape is m:size() (rows, columns)"},
    {"matrix", "nElement", "the number of elements is m:rows() * m:cols() (#v for a vector)"},
    {"matrix", "numel", "the number of elements is m:rows() * m:cols() (#v for a vector)"},
    {"matrix", "dot", "the matrix product is a:mm(b) (a row times a column for a dot product)"},
    {"matrix", "matmul", "the matrix product is a:mm(b)"},
    {"matrix", "copy", "a copy is m:clone()"},
    {"matrix", "view", "m:reshape(rows, cols) (a copy)"},
    {"matrix", "select", "a column is m:col(j), a row m:row(i); blocks m:narrow(dim, i, n), m:sub(...)"},
    {"matrix", "save", "files are written by m:write_tsv(name) or m:write_csv(name)"},
    {"matrix", "apply", "m:map(fn) returns fn(x) for every element"},
    {"figure", "plot", "curves are fig:lines(x, Y) (the columns of Y) or fig:line(x, y)"},
    {"figure", "show", "fig:save(name) writes the figure; print(fig:preview()) shows it here"},
    {"figure", "savefig", "the figure is written by fig:save(name)"},
    {NULL, NULL, NULL}};

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int lgp_nomethod(lua_State *L, const char *what, int methods, const char *key)
{
    for (size_t i = 0; method_hints[i].what; i++)
        if (strcmp(method_hints[i].what, what) == 0 && strcmp(method_hints[i].key, key) == 0)
            return lgp_error(L, "%s has no method '%s': %s", what, key, method_hints[i].hint);
    const char *names[64];
    size_t n = 0;
    methods = lua_absindex(L, methods);
    lua_pushnil(L);
    while (lua_next(L, methods)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING && n < sizeof names / sizeof names[0])
            names[n++] = lua_tostring(L, -1); /* held by the methods table */
    }
    qsort(names, n, sizeof names[0], compare_names);
    char list[1024];
    size_t len = 0;
    for (size_t i = 0; i < n && len < sizeof list; i++) {
        int w = snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", names[i]);
        len += w > 0 ? (size_t)w : 0;
    }
    return lgp_error(L, "%s has no method '%s' (its methods: %s)", what, key, n ? list : "none");
}

/* __index of a methods table (upvalue 1: what the type is called): a missing
 * method is an error; other keys (k[1]) are nil. */
static int strict_index(lua_State *L)
{
    if (lua_type(L, 2) != LUA_TSTRING) {
        lua_pushnil(L);
        return 1;
    }
    return lgp_nomethod(L, lua_tostring(L, lua_upvalueindex(1)), 1, lua_tostring(L, 2));
}

void lgp_strict_methods(lua_State *L, const char *tname, const char *what)
{
    luaL_getmetatable(L, tname);
    if (lua_getfield(L, -1, "__index") == LUA_TTABLE) {
        lua_createtable(L, 0, 1);
        lua_pushstring(L, what);
        lua_pushcclosure(L, strict_index, 1);
        lua_setfield(L, -2, "__index");
        lua_setmetatable(L, -2);
    }
    lua_pop(L, 2);
}

/* ---- the program state ------------------------------------------------------------------- */

/* One userdata in the registry (under the address of state_key, not a name)
 * holds the generator and the seed; its user value is the output folder.
 * Every use checks it: a script can reach the registry through the debug
 * library, and a removed or replaced state is an error, never a crash. */
#define LGP_STATE "gprior.state"

typedef struct lgp_state {
    gp_rng rng;
    unsigned long long seed;
} lgp_state;

static const char state_key = 0;

/* Push the state and return it; raise if it is missing or not ours. */
static lgp_state *push_state(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &state_key);
    lgp_state *s = luaL_testudata(L, -1, LGP_STATE);
    if (!s)
        luaL_error(L, "gprior: its internal state (generator, seed, output folder) was removed "
                      "from the Lua registry or replaced; restart the script");
    return s;
}

gp_rng *lgp_rng(lua_State *L)
{
    return &push_state(L)->rng;
}

int lgp_parse_seed(const char *text, unsigned long long *seed)
{
    if (text[0] < '0' || text[0] > '9')
        return 0; /* no sign, no space, not empty */
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end != '\0' || v > LGP_SEED_MAX)
        return 0;
    *seed = v;
    return 1;
}

void lgp_set_seed(lua_State *L, unsigned long long seed)
{
    lgp_state *s = push_state(L);
    if (seed > LGP_SEED_MAX)
        lgp_error(L, "gprior: seed %llu is out of range 0..%llu", seed, LGP_SEED_MAX);
    gp_rng_seed(&s->rng, (uint64_t)seed);
    s->seed = seed;
    lua_pop(L, 1);
}

void lgp_set_outdir(lua_State *L, const char *dir)
{
    push_state(L);
    lua_pushstring(L, dir);
    lua_setiuservalue(L, -2, 1);
    lua_pop(L, 1);
}

/* Push the output folder. */
static const char *push_outdir(lua_State *L)
{
    push_state(L);
    const char *dir = lua_getiuservalue(L, -1, 1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    if (!dir)
        luaL_error(L, "gprior: the output folder in its internal state was replaced");
    lua_remove(L, -2);
    return dir;
}

const char *lgp_outpath(lua_State *L, const char *name)
{
    if (name[0] == '/' || strncmp(name, "./", 2) == 0 || strncmp(name, "../", 3) == 0)
        return lua_pushstring(L, name);
    const char *dir = push_outdir(L);
    const char *path = lua_pushfstring(L, "%s/%s", dir, name);
    lua_remove(L, -2);
    return path;
}

/* Make the state (once per Lua state): the default seed and folder. */
static void open_state(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &state_key);
    int exists = luaL_testudata(L, -1, LGP_STATE) != NULL;
    lua_pop(L, 1);
    if (exists)
        return;
    lgp_state *s = lua_newuserdatauv(L, sizeof *s, 1);
    memset(s, 0, sizeof *s);
    luaL_newmetatable(L, LGP_STATE);
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &state_key);
    lgp_set_seed(L, LGP_DEFAULT_SEED);
    lgp_set_outdir(L, LGP_DEFAULT_OUTDIR);
}

/* gp.seed([n]): with n, restart the generator from seed n; returns the seed in use. */
static int l_seed(lua_State *L)
{
    if (!lua_isnoneornil(L, 1)) {
        lua_Integer s = lgp_checkinteger(L, 1, "seed");
        if (s < 0)
            lgp_argerror(L, 1, "seed must be an integer 0..%llu, got %lld", LGP_SEED_MAX,
                         (long long)s);
        lgp_set_seed(L, (unsigned long long)s);
    }
    lua_pushinteger(L, (lua_Integer)push_state(L)->seed);
    return 1;
}

/* gp.randn(n [, m]): an n x m matrix (m = 1 default) of standard normals. */
static int l_randn(lua_State *L)
{
    size_t n = lgp_checkcount(L, 1, "rows");
    size_t m = lua_isnoneornil(L, 2) ? 1 : lgp_checkcount(L, 2, "columns");
    gp_matrix *z = lgp_pushmatrix_by(L, n, m, m == 1 ? "argument #1" : "arguments #1 and #2");
    gp_rng_normals(lgp_rng(L), z->data, z->rows * z->cols);
    lua_pop(L, 1); /* the generator's owner */
    return 1;
}

/* gp.clock(): seconds on a monotonic wall clock (for timing; differences only). */
static int l_clock(lua_State *L)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec);
    return 1;
}

/* gp.outdir(): the folder relative figure and data names are saved under. */
static int l_outdir(lua_State *L)
{
    push_outdir(L);
    return 1;
}

/* ---- the module ---------------------------------------------------------------------- */

static const struct {
    const char *name, *chunkname, *source;
} lua_library[] = {
#include "lualib.inc"
    {NULL, NULL, NULL}};

static int load_embedded(lua_State *L)
{
    size_t i = (size_t)lua_tointeger(L, lua_upvalueindex(1));
    if (luaL_loadbuffer(L, lua_library[i].source, strlen(lua_library[i].source),
                        lua_library[i].chunkname) != LUA_OK)
        return lua_error(L);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    return 1;
}

static void register_lua_library(lua_State *L)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    for (size_t i = 0; lua_library[i].name; i++) {
        lua_pushinteger(L, (lua_Integer)i);
        lua_pushcclosure(L, load_embedded, 1);
        lua_setfield(L, -2, lua_library[i].name);
    }
    lua_pop(L, 1);
}

static const luaL_Reg module_functions[] = {
    {"seed", l_seed}, {"randn", l_randn}, {"outdir", l_outdir}, {"clock", l_clock}, {NULL, NULL}};

int luaopen_gprior(lua_State *L)
{
    gp_blas_use_best_kernels(); /* as the gprior command does; a no-op after it */
    open_state(L);
    register_lua_library(L);

    luaL_newlib(L, module_functions);
    lua_pushliteral(L, GPRIOR_VERSION);
    lua_setfield(L, -2, "version");
    lgp_open_matrix(L);
    lgp_open_kernel(L);
    lgp_open_sample_info(L);
    lgp_open_process(L);
    lgp_open_figure(L);
    lgp_open_stats(L);
    lgp_open_basis(L);
    lgp_open_weights(L);
    lgp_open_erf_network(L);
    lgp_open_param(L);
    lgp_open_fit(L);
    static const char *const strict[][2] = {{"gprior.kernel", "kernel"},
                                            {"gprior.process", "process"},
                                            {"gprior.weights", "weights model"},
                                            {"gprior.erf_network", "erf network"},
                                            {"gprior.figure", "figure"}};
    for (size_t i = 0; i < sizeof strict / sizeof strict[0]; i++)
        lgp_strict_methods(L, strict[i][0], strict[i][1]);
    return 1;
}
