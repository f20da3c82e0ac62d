/* lgprior.h: the toolkit every Lua binding (src/l*.c) is built from, and the
 * narrow header between the bindings and the host (src/main.c). The core
 * (src/gp_*.c) never includes this.
 *
 * Conventions (those of Lua's own libraries, Lua 5.4 reference manual §4-5):
 * - one metatable per type, made once (lgp_newtype); a check function on
 *   luaL_checkudata; argument errors name the argument;
 * - misuse raises; a core error becomes a Lua error through lgp_raise;
 * - never raise while holding malloc'ed memory: free first, then raise;
 * - every error message is formatted by C's printf (lgp_error, lgp_argerror):
 *   lua_pushfstring and luaL_error know only %s %d %I %f %p %c %U. */
#ifndef LGPRIOR_H
#define LGPRIOR_H

#include <lauxlib.h>
#include <lua.h>

#include "gp_error.h"
#include "gp_matrix.h"
#include "gp_rng.h"

#if defined(__GNUC__)
#define LGP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LGP_PRINTF(f, a)
#endif

/* ---- the program's defaults (the one definition) ----------------------------------- */

#define LGP_DEFAULT_SEED_VALUE 1      /* --seed, gp.seed() before any gp.seed(n) */
#define LGP_DEFAULT_SEED ((unsigned long long)LGP_DEFAULT_SEED_VALUE)
#define LGP_STRINGIFY_(x) #x
#define LGP_STRINGIFY(x) LGP_STRINGIFY_(x)
#define LGP_DEFAULT_SEED_TEXT LGP_STRINGIFY(LGP_DEFAULT_SEED_VALUE) /* the same, as text */
#define LGP_DEFAULT_OUTDIR "plots"    /* --out: the folder relative names are saved under */
#define LGP_SEED_MAX 0x7fffffffffffffffULL /* seeds are 0 .. 2^63 - 1: each is a Lua integer */

/* ---- errors --------------------------------------------------------------------------- */

/* Raise err's message as a Lua error, prefixed with the script position. */
int lgp_raise(lua_State *L, const gp_error *err);

/* luaL_error, with the message formatted by vsnprintf (every printf format). */
int lgp_error(lua_State *L, const char *fmt, ...) LGP_PRINTF(2, 3);

/* luaL_argerror with a printf-formatted reason:
 * "bad argument #2 to 'linspace' (stop must be finite, got inf)". */
int lgp_argerror(lua_State *L, int arg, const char *fmt, ...) LGP_PRINTF(3, 4);

/* The name the running C function was called under ("sample" for
 * f:sample(...)), as luaL_argerror finds it; "?" when there is none. */
const char *lgp_fname(lua_State *L);

/* 1 if the value at idx is a table whose metatable is the one named tname
 * (gprior's table types: sampling reports, bands, column names). */
int lgp_istable_of(lua_State *L, int idx, const char *tname);

/* The gprior type name of the value at idx ("gprior.kernel") or its Lua type. */
const char *lgp_typename(lua_State *L, int idx);

/* ---- the userdata box: a userdata holding one pointer to a core object ------------------ */

typedef struct lgp_type {
    const char *name;              /* metatable name and __name: "gprior.process" */
    const char *what;              /* in messages: "process expected, got table" */
    void (*release)(void *object); /* drops the box's reference (the core's _release) */
    /* the core's _describe (snprintf semantics), for tostring; NULL: none */
    size_t (*describe)(const void *object, char *buf, size_t cap);
    const luaL_Reg *methods;       /* the __index table; NULL: the caller sets __index */
    const luaL_Reg *meta;          /* metamethods other than __gc and __tostring, or NULL */
} lgp_type;

/* Make type's metatable (once; type must have static storage): __name, the
 * metamethods, __index = methods, __tostring from describe, and a __gc that
 * releases a built object and does nothing for a box left empty by a failed
 * construction. A binding file declares its type first (static const lgp_type
 * T;), uses it in its functions, and defines it after them with the tables. */
void lgp_newtype(lua_State *L, const lgp_type *type);

/* Define release_T and describe_T, the lgp_type adapters for a core type with
 * gp_T_release and gp_T_describe (the core's functions take a typed pointer). */
#define LGP_BOX_ADAPTERS(T)                                                                    \
    static void release_##T(void *object) { gp_##T##_release(object); }                       \
    static size_t describe_##T(const void *object, char *buf, size_t cap)                      \
    {                                                                                          \
        return gp_##T##_describe(object, buf, cap);                                            \
    }

/* Push a new box of type, valid and empty (NULL), before the core object
 * exists: construct into it with lgp_fillbox, so nothing can leak. */
void **lgp_newbox(lua_State *L, const lgp_type *type);

/* Put object (a new reference) into box and return 1 (the box is on top);
 * object NULL: raise err (the constructor's error). */
int lgp_fillbox(lua_State *L, void **box, void *object, const gp_error *err);

/* The object in the box at arg: an argument error if arg is not of type
 * ("process expected, got table") or its box is empty. */
void *lgp_checkbox(lua_State *L, int arg, const lgp_type *type);

/* The type error for the value at arg, where what was expected; for the
 * first argument of a function not called as a method (f.sample(x)), it
 * says that a method is called with a colon. */
int lgp_selferror(lua_State *L, int arg, const char *what);

/* The object in the box at arg, or NULL if arg is not a built box of type. */
void *lgp_testbox(lua_State *L, int arg, const lgp_type *type);

/* ---- matrices: one coercion rule everywhere ------------------------------------------ */

#define LGP_MATRIX "gprior.matrix"

/* The matrix for the value at arg, by the one rule used wherever a matrix is
 * expected: a matrix is itself; a number x is the 1 x 1 matrix {{x}}; a table
 * of numbers {a, b, ...} is a column (n x 1); a table of equal-length row
 * tables is n x d. A converted value replaces the stack slot (and stays alive
 * there). Anything else is an argument error. */
gp_matrix *lgp_checkmatrix(lua_State *L, int arg);

/* The matrix userdata at arg, or NULL (no conversion). */
gp_matrix *lgp_testmatrix(lua_State *L, int arg);

/* 1 if the value at arg converts to a matrix by the rule above (by its type:
 * a matrix, a number or a table). */
int lgp_ismatrix(lua_State *L, int arg);

/* Push a new zeroed rows x cols matrix. The shape is checked before anything
 * is allocated (gp_matrix_check_size: overflow, this machine's memory), and an
 * allocation Lua cannot make is caught: either way the error names the
 * function, the shape and its size in bytes, and sizedby (what asked for that
 * size: "argument #1", "option 'n'"; NULL when it follows from the inputs). */
gp_matrix *lgp_pushmatrix_by(lua_State *L, size_t rows, size_t cols, const char *sizedby);
gp_matrix *lgp_pushmatrix(lua_State *L, size_t rows, size_t cols); /* sizedby NULL */

/* The points at arg: the inputs X of processes, models, bases and networks,
 * a matrix by the one rule whose rows are the points. A matrix of one row
 * and several columns is refused, with the fix in the message, unless it was
 * made as points (gp.points, gp.grid): points are rows, so it would be one
 * d-dimensional point, and it is almost always a row vector of 1-D points
 * (gp.matrix{{0, 0.5, 1}}) meant as a column. */
gp_matrix *lgp_checkpoints(lua_State *L, int arg);

/* What a matrix remembers about where it came from (nil for most): the
 * sampling report of a draw, the band of f:band's bounds, a mark that its
 * rows are points. setorigin pops the value on top into the matrix at idx;
 * origin pushes it and returns its Lua type. */
void lgp_matrix_setorigin(lua_State *L, int idx);
int lgp_matrix_origin(lua_State *L, int idx);

/* The integer at argument arg, else an argument error naming what:
 * "number of points must be an integer, got 0.5" (or "..., got no value"). */
lua_Integer lgp_checkinteger(lua_State *L, int arg, const char *what);

/* The count at argument arg: an integer >= 1, else an argument error naming
 * what ("number of points must be >= 1, got 0"). */
size_t lgp_checkcount(lua_State *L, int arg, const char *what);

/* ---- sampling reports and bands ------------------------------------------------------- */

/* 1 if the value at idx is a sampling report (gprior.sample_info, linfo.c). */
int lgp_isreport(lua_State *L, int idx);

/* 1 if the value at idx is the rest of a sampler's results spread into an
 * argument list, as in fig:lines(x, f:sample(x)): a sampling report, or a
 * draw matrix whose own report follows it on the stack (F, W, info of a
 * weight-space draw; F, G, info of a joint draw). lgp_options_open reads
 * such a value as no options. */
int lgp_is_draw_rest(lua_State *L, int idx);

/* Mark the matrices at lower and upper as the bounds of one band (f:band). */
void lgp_mark_band(lua_State *L, int lower, int upper);

/* The band argued at arg and after (fig:band), in one of three forms:
 *   f [, k]            a process or model: mean -+ k sd (k = 2), by its
 *                      mean and sd methods at the points x (at xarg);
 *   lower, upper       the bounds returned by f:band (marked by lgp_mark_band);
 *   mean, sd [, k]     mean -+ k sd.
 * Fills b (lower/upper, or mean/sd/k; matrices kept alive on the stack) and
 * returns the index of the argument after the band (the options). A bound of
 * f:band given as a mean or an sd, or the two bounds of different bands or
 * in the wrong order, is an error that says what to write instead. */
typedef struct lgp_band {
    gp_matrix *lower, *upper; /* bounds, or NULL */
    gp_matrix *mean, *sd;     /* or mean -+ k sd */
    double k;
} lgp_band;
int lgp_checkband(lua_State *L, int arg, int xarg, lgp_band *b);

/* ---- methods -------------------------------------------------------------------------- */

/* Raise "kernel has no method 'sampel' (its methods: diag, gram, ...)" for
 * key, missing from the methods table at index methods; with the
 * fix where a hint is known ("a kernel is not a process: wrap it in one,
 * gp.GP{kernel = k}:sample(x)"). Every gprior type's __index ends here. */
int lgp_nomethod(lua_State *L, const char *what, int methods, const char *key);

/* Make a missing method of the type named tname (whose __index is a table of
 * methods) raise lgp_nomethod instead of giving nil. */
void lgp_strict_methods(lua_State *L, const char *tname, const char *what);

/* ---- options tables ----------------------------------------------------------------- */

/* An options table being read. Every message has one format naming the
 * function: "rbf: bad option 'lengthscale' (number expected, got string)",
 * "rbf: unknown option 'lengthscal' (known: amplitude, lengthscale)". */
typedef struct lgp_options {
    lua_State *L;
    int idx;           /* absolute stack index of the table; 0 when none was given */
    const char *fname; /* the function, for messages */
} lgp_options;

/* Open the options at idx (nil or none: no options, every reader returns its
 * default): raise if it is neither nil nor a table, or if it has a key that is
 * not in known (NULL-terminated). */
void lgp_options_open(lgp_options *o, lua_State *L, int idx, const char *fname,
                      const char *const known[]);

/* 1 if option key is present (not nil); the Lua type of its value. */
int lgp_opt_has(const lgp_options *o, const char *key);
int lgp_opt_type(const lgp_options *o, const char *key);

/* Raise "fname: option 'key' (what) is required" unless key is present. */
void lgp_opt_require(const lgp_options *o, const char *key, const char *what);

/* The value of option key, or def when absent. A present value must be of the
 * reader's kind, else "bad option" with the type it got ("string expected,
 * got number") or, for a number of the wrong kind, the value ("integer
 * expected, got 2.5"):
 *   number   a finite number
 *   integer  an exact integer (2.5, 2^70, NaN are refused; 2.0 is 2)
 *   int      an exact integer within C's int
 *   string   a string without zero bytes (kept alive by the options table)
 *   boolean  true or false
 *   choice   one of names (NULL-terminated), compared in full; returns its
 *            index: "unknown dash 'wavy' (option 'dash' must be one of: ...)" */
double lgp_opt_number(const lgp_options *o, const char *key, double def);
lua_Integer lgp_opt_integer(const lgp_options *o, const char *key, lua_Integer def);
int lgp_opt_int(const lgp_options *o, const char *key, int def);
const char *lgp_opt_string(const lgp_options *o, const char *key, const char *def);
int lgp_opt_boolean(const lgp_options *o, const char *key, int def);
int lgp_opt_choice(const lgp_options *o, const char *key, int def, const char *const names[]);

/* Option key as one number (when min <= 1) or a list of min..max finite
 * numbers, into out; returns the count, 0 when absent. */
size_t lgp_opt_numbers(const lgp_options *o, const char *key, double *out, size_t min,
                       size_t max);

/* Option key as a list of min..max exact integers within C's int; the count. */
size_t lgp_opt_ints(const lgp_options *o, const char *key, int *out, size_t min, size_t max);

/* Option key as a matrix by the one coercion rule, pushed on the stack (so it
 * stays alive); NULL when absent. */
gp_matrix *lgp_opt_matrix(const lgp_options *o, const char *key);

/* lgp_checkmatrix for the value at idx that is option key of o: its errors
 * name the option instead of an argument. */
gp_matrix *lgp_checkmatrix_option(lua_State *L, int idx, const lgp_options *o, const char *key);

/* A covariance option in the form gp.nn and gp.erf_network take: absent, def
 * (a number); a number s: s I, 2 x 2 (so for 1-D inputs only); a vector: the
 * diagonal; a matrix: itself, which must be square. Pushed on the stack. */
gp_matrix *lgp_opt_sigma(const lgp_options *o, const char *key, double def);

/* ---- sampling options --------------------------------------------------------------- */

/* Every sampler reads n, seed (and jitter where the known keys allow it):
 *   n       draws (columns of the result), an integer >= 1 (default 1);
 *   seed    a private generator seeded so, 0 .. LGP_SEED_MAX; without it the
 *           program's generator, which the draws then advance;
 *   jitter  a finite number, the sampler's relative jitter (default 0).
 * Put LGP_DRAW_OPTIONS in the known keys. */
#define LGP_DRAW_OPTIONS "n", "seed"

typedef struct lgp_draws {
    size_t n;
    double jitter;
    gp_rng *rng; /* &own, or the program's generator */
    gp_rng own;
} lgp_draws;

/* Read the sampling options of o into d (which must not be copied: d->rng may
 * point into it). May push one value (the program generator's owner, which
 * stays alive on the stack for the call). */
void lgp_opt_draws(const lgp_options *o, lgp_draws *d);

/* lgp_options_open and lgp_opt_draws in one: a sampler's options at idx. */
void lgp_open_draws(lgp_options *o, lgp_draws *d, lua_State *L, int idx, const char *fname,
                    const char *const known[]);

/* A new rows x d->n matrix for the draws (lgp_pushmatrix_by, sized by "option 'n'"). */
gp_matrix *lgp_pushdraws(lua_State *L, size_t rows, const lgp_draws *d);

/* ---- the program state: generator, seed, output folder ------------------------------- */

/* The program-wide generator (seeded by --seed or gp.seed). Pushes its owner,
 * which stays alive on the stack for the call. The state is kept in the
 * registry and checked on every use: removed or replaced, it is an error. */
gp_rng *lgp_rng(lua_State *L);

/* The seed rule, from the command line to gp.seed: a decimal integer
 * 0 .. LGP_SEED_MAX and nothing else. Returns 1 and sets *seed, or 0. */
int lgp_parse_seed(const char *text, unsigned long long *seed);

/* Resolve a figure/output path: absolute paths and paths starting with "./"
 * or "../" are kept; others are put under the output folder (--out). Pushes
 * the resolved path and returns it. */
const char *lgp_outpath(lua_State *L, const char *name);

/* Host settings, called by main.c after luaopen_gprior, before scripts run.
 * The seed must follow lgp_parse_seed's rule. */
void lgp_set_seed(lua_State *L, unsigned long long seed);
void lgp_set_outdir(lua_State *L, const char *dir);

/* ---- the module --------------------------------------------------------------------- */

/* Each binding file adds its functions to the module table on top of the stack. */
void lgp_open_matrix(lua_State *L);
void lgp_open_kernel(lua_State *L);
void lgp_open_process(lua_State *L);
void lgp_open_sample_info(lua_State *L);
void lgp_open_figure(lua_State *L);
void lgp_open_stats(lua_State *L);
void lgp_open_basis(lua_State *L);
void lgp_open_weights(lua_State *L);
void lgp_open_erf_network(lua_State *L);
void lgp_open_param(lua_State *L);
void lgp_open_fit(lua_State *L);

/* The module: the table of all the above plus the Lua library parts
 * (the files lua/gprior/NAME.lua) registered in package.preload. */
int luaopen_gprior(lua_State *L);

/* Script parameters (lparam.c): sets are the --set "NAME=VALUE" texts; from now
 * on the script's declaration phase is open, and it ends at its first gprior
 * call other than gp.param (or at lgp_params_finish, called after the script):
 * then every --set name must be declared (else a Lua error), and on_ready, if
 * not NULL, is called with the list {{name=, value=, type=, origin=, default=,
 * doc=}, ...}. Both raise Lua errors (call them under lua_pcall). */
void lgp_params_setup(lua_State *L, const char *const *sets, int nsets, lua_CFunction on_ready);
void lgp_params_finish(lua_State *L);
/* 1 if s is a valid parameter name: a letter or _, then letters, digits, _. */
int lgp_param_name_ok(const char *s);

#endif
