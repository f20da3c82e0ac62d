/* linfo.h: sampling reports (the last value every sampler returns) as Lua
 * tables of one type, gprior.sample_info, in the one shape of gp_report.h:
 *   {method =, n =, rank =, residual =, jitter =, approximate =,
 *    [reason =,] [parts = {report, ...},] path fields ...}
 * printed the same way for every path:
 *   "pivoted-cholesky, rank 2 of 50, jitter 0, residual 1.1e-15". */
#ifndef LINFO_H
#define LINFO_H

#include "gp_report.h"
#include "lgprior.h"

/* Push the report r. */
void lgp_push_report(lua_State *L, const gp_report *r);

/* Push the report of a draw made of nparts independent parts at n points:
 * one part's report as it is, several combined (gp_report_combine) with their
 * own reports in the list `parts`. */
void lgp_push_parts_report(lua_State *L, const gp_report *parts, size_t nparts, size_t n);

/* Push the report all, with parts[0..nparts-1] under its field parts. */
void lgp_push_report_of_parts(lua_State *L, const gp_report *all, const gp_report *parts,
                              size_t nparts);

/* A sampler's return: the ndraws matrices just below the report on top of
 * the stack remember that report (m:info()); returns ndraws + 1, the number of
 * results (draws first, the report last). */
int lgp_return_draws(lua_State *L, int ndraws);

#endif
