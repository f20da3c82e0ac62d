/* lbasis.h: feature maps (gp.basis.*) as Lua values, for the weights binding. */
#ifndef LBASIS_H
#define LBASIS_H

#include "gp_basis.h"
#include "lgprior.h"

/* The basis at arg, or NULL if arg is not one. */
gp_basis *lgp_testbasis(lua_State *L, int arg);

/* Push a new Lua basis holding a new reference to b. */
void lgp_pushbasis(lua_State *L, gp_basis *b);

#endif
