/* lkernel.h: kernels as Lua values, for the process binding. */
#ifndef LKERNEL_H
#define LKERNEL_H

#include "gp_kernel.h"
#include "lgprior.h"

gp_kernel *lgp_checkkernel(lua_State *L, int arg);
gp_kernel *lgp_testkernel(lua_State *L, int arg); /* NULL if not a kernel */

/* Push a new, empty Lua kernel and return its box: fill it with lgp_fillbox
 * (the Lua value then owns the kernel and releases it when collected). */
void **lgp_newkernel(lua_State *L);

/* Push a new Lua kernel value holding a new reference to k. */
void lgp_pushkernel(lua_State *L, gp_kernel *k);

/* gp.mlp_network (lmlp.c), opened with the kernels it stands beside. */
void lgp_open_mlp_network(lua_State *L);

#endif
