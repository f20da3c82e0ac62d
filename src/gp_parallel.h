/* gp_parallel.h: the one column-parallel loop of the core (C11 threads), used
 * by the Gram matrices (gp_kernel_eval.c, gp_kernel_leaf.c) and by the random
 * erf network (gp_weights.c). Defined in gp_kernel_eval.c. */
#ifndef GP_PARALLEL_H
#define GP_PARALLEL_H

#include <stddef.h>

/* Columns j0..j1-1 of some n x m matrix. */
typedef void (*gp_colfn)(void *ctx, size_t j0, size_t j1);

/* Run fn over the columns 0..m-1 of an n x m matrix (triangular: column j
 * holds j + 1 computed entries; the longest are handed out first), in chunks
 * of chunk columns (0: automatic) shared among openblas_get_num_threads()
 * threads (C11 threads, dynamic scheduling) when there are at least 2^17
 * entries, else in the calling thread. n is the work per column in entries
 * (the rows, for a matrix whose entries cost the same). fn must write
 * disjoint columns and must not fail (a failure is recorded in ctx). Which
 * thread runs a column is not determined: fn must compute each column from
 * its index alone, so that the result is the same whatever the thread count. */
void gp_kernel_parallel_cols(size_t n, size_t m, int triangular, size_t chunk, gp_colfn fn,
                             void *ctx);

#endif
