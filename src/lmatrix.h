/* lmatrix.h: the parts of the matrix binding (lmatrix.c: the type, elements
 * and arithmetic; lmatrix_ops.c: computing; lmatrix_io.c: files), joined
 * into one type by lgp_open_matrix. */
#ifndef LMATRIX_H
#define LMATRIX_H

#include "lgprior.h"

/* The matrix at argument 1 (self of a method). */
gp_matrix *lgp_checkself(lua_State *L);

/* Push a copy of src (without its origin). */
gp_matrix *lgp_pushcopy(lua_State *L, const gp_matrix *src);

/* Make the type of the column names a matrix read with a header keeps. */
void lgp_open_matrix_io(lua_State *L);

extern const luaL_Reg lgp_matrix_ops_methods[], lgp_matrix_ops_functions[];
extern const luaL_Reg lgp_matrix_io_methods[], lgp_matrix_io_functions[];

#endif
