/* lgprior.h: the narrow header between the Lua bindings (src/l*.c) and the
 * rest of the program. The core (src/gp_*.c) never includes this.
 *
 * Conventions (after Lua's liolib.c / lauxlib.c):
 * - one metatable per type, made once in its lgp_open_*; check_x() on
 *   luaL_checkudata; luaL_argerror names the argument;
 * - misuse raises; a core error becomes a Lua error through lgp_raise;
 * - never raise while holding malloc'ed memory: free first, then lgp_raise. */
#ifndef LGPRIOR_H
#define LGPRIOR_H

#include <lauxlib.h>
#include <lua.h>

#include "gp_error.h"
#include "gp_matrix.h"
#include "gp_rng.h"

#define LGP_MATRIX "gprior.matrix"

/* Raise err's message as a Lua error, prefixed with the script position
 * (luaL_where level 1). Never returns. */
int lgp_raise(lua_State *L, const gp_error *err);

/* The gprior type name of the value at idx ("gprior.kernel") or its Lua type. */
const char *lgp_typename(lua_State *L, int idx);

/* Matrices. lgp_checkmatrix accepts a matrix, or converts in place (replacing
 * the stack slot) a table of numbers (an n x 1 column) or a table of equal-length
 * row tables (n x d); anything else is an argument error. */
gp_matrix *lgp_checkmatrix(lua_State *L, int arg);
gp_matrix *lgp_testmatrix(lua_State *L, int arg);          /* NULL if not a matrix */
gp_matrix *lgp_pushmatrix(lua_State *L, size_t rows, size_t cols); /* new, zeroed */

/* Options tables: the field key of the table at idx, or def when absent (nil).
 * A field of the wrong type raises "bad option 'key' (number expected, got string)". */
double lgp_optnumber(lua_State *L, int idx, const char *key, double def);
lua_Integer lgp_optinteger(lua_State *L, int idx, const char *key, lua_Integer def);
const char *lgp_optstring(lua_State *L, int idx, const char *key, const char *def);
/* Raise if the table at idx has a key not in the NULL-terminated list `known`
 * (catches typos such as {lengthscal = 1}); fname names the function. */
void lgp_checkoptions(lua_State *L, int idx, const char *fname, const char *const known[]);

/* The program-wide generator (seeded by the host's --seed, default 1). */
gp_rng *lgp_rng(lua_State *L);

/* Resolve a figure/output path: absolute paths and paths starting with "./"
 * or "../" are kept; others are put under the output folder (--out, default
 * "plots"). Pushes the resolved path and returns it. */
const char *lgp_outpath(lua_State *L, const char *name);

/* Each binding file adds its functions to the module table on top of the stack. */
void lgp_open_matrix(lua_State *L);
void lgp_open_kernel(lua_State *L);
void lgp_open_process(lua_State *L);
void lgp_open_figure(lua_State *L);
void lgp_open_stats(lua_State *L);
void lgp_open_basis(lua_State *L);
void lgp_open_grid(lua_State *L);
void lgp_open_param(lua_State *L);

/* The module: the table of all the above plus the Lua library parts
 * (the files lua/gprior/NAME.lua) registered in package.preload. */
int luaopen_gprior(lua_State *L);

/* Host settings, called by main.c before scripts run. */
void lgp_set_seed(lua_State *L, unsigned long long seed);
void lgp_set_outdir(lua_State *L, const char *dir);
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
