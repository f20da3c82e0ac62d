/* lprocess.h: the parts of the process binding (lprocess.c: the type, its
 * algebra, moments and samplers; lposterior.c: conditioning on data and the
 * marginal likelihood), joined into one type by lgp_open_process. */
#ifndef LPROCESS_H
#define LPROCESS_H

#include "gp_process.h"
#include "lgprior.h"

/* The process at argument arg (an argument error otherwise). */
gp_process *lgp_checkprocess(lua_State *L, int arg);

/* The process at arg, or NULL if it is not one. */
gp_process *lgp_testprocess(lua_State *L, int arg);

/* Push a new, empty process box: fill it with lgp_fillbox. */
void **lgp_newprocess(lua_State *L);

extern const luaL_Reg lgp_posterior_methods[], lgp_posterior_functions[];

#endif
