/* gp_blas.h: run OpenBLAS on the CPU's own kernels.
 *
 * A DYNAMIC_ARCH OpenBLAS (Debian's) picks its kernels in a library
 * constructor, before main, from a table of CPU models. On a CPU newer than
 * that table it falls back to generic kernels ("Prescott": SSE3), which run
 * dgemm/dpotrf several times slower than the AVX2 or AVX-512 kernels the same
 * library carries. gp_blas_use_best_kernels re-runs OpenBLAS's own kernel
 * selection with OPENBLAS_CORETYPE set to the best kernel family the CPU
 * supports, in this process, before any BLAS call; the variable is also left
 * in the environment, so child processes start on those kernels directly. */
#ifndef GP_BLAS_H
#define GP_BLAS_H

#include <stddef.h>

typedef enum gp_blas_choice {
    GP_BLAS_KEPT,     /* the library's own choice was already the best (or nothing better exists) */
    GP_BLAS_USER,     /* OPENBLAS_CORETYPE was set (even empty): never overridden */
    GP_BLAS_SWITCHED, /* generic kernels replaced by the CPU's own */
    GP_BLAS_UNSUPPORTED /* not a DYNAMIC_ARCH OpenBLAS, or not x86-64: left as it is */
} gp_blas_choice;

/* Call once, at start-up, before any BLAS call and before other threads use
 * BLAS. Returns what was done; never fails. */
gp_blas_choice gp_blas_use_best_kernels(void);

/* The kernel family in use (OpenBLAS's name, e.g. "SkylakeX"), and a one-line
 * description of how it was chosen ("SkylakeX (chosen by gprior: OpenBLAS
 * fell back to Prescott)"), written to buf (snprintf semantics). */
const char *gp_blas_core(void);
size_t gp_blas_describe(gp_blas_choice choice, char *buf, size_t cap);

#endif
