/* linfo.h: sampling reports (the second value every sampler returns) as Lua
 * tables of one type, gprior.sample_info, whose tostring says what was done. */
#ifndef LINFO_H
#define LINFO_H

#include "gp_grid.h"
#include "gp_rff.h"
#include "gp_sampler.h"
#include "lgprior.h"

/* {method, rank, n, jitter, residual} of one factorisation. */
void lgp_push_factor_info(lua_State *L, const gp_factor *F);

/* One part: its factor info; several: {method = "joint", parts = {...}}. */
void lgp_push_joint_info(lua_State *L, const gp_factor *parts, size_t n);

/* {method = "circulant" | "dense", n, embedding, paddings, clipped, lambda_min,
 * lambda_max, tol [, reason] [, factor, rank, jitter]}. */
void lgp_push_grid_info(lua_State *L, const gp_grid_info *g);

/* {method = "random-fourier-features (approximate)", features, family, dim, variance}. */
void lgp_push_rff_info(lua_State *L, const gp_rff_info *r);

#endif
