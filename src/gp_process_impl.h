/* gp_process_impl.h: the process tree, shared by gp_process*.c only. */
#ifndef GP_PROCESS_IMPL_H
#define GP_PROCESS_IMPL_H

#include "gp_process.h"

typedef enum proc_type {
    PROC_LEAF,
    PROC_SUM,
    PROC_SCALE,
    PROC_WARP,
    PROC_OFFSET,
    PROC_PRODUCT
} proc_type;

struct gp_process {
    unsigned refs;
    proc_type type;
    gp_func *mean;     /* leaf */
    gp_kernel *kernel; /* leaf */
    gp_process *a, *b; /* children (b for sum and product) */
    double c;          /* scale */
    gp_func *fn;       /* warp and offset */
    int gaussian;
};

/* Visit the distinct leaves of p (depth-first, first appearance) appending
 * them to list[*n] (capacity cap) unless already present. Returns 0, or -1
 * if cap is too small. */
int gp_process_collect_leaves(const gp_process *p, const gp_process **list, size_t *n, size_t cap);

/* 1 if a and b have a leaf in common. */
int gp_process_share_leaves(const gp_process *a, const gp_process *b);

/* The one input check of every process function: X (and Y, when given) has
 * points, finite coordinates, and the same dimension. fname names the caller. */
gp_code gp_process_check_inputs(const char *fname, const gp_matrix *X, const gp_matrix *Y,
                                gp_error *err);

#endif
