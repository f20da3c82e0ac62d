/* gp_blas.c: OpenBLAS kernel selection (see gp_blas.h).
 *
 * OpenBLAS's DYNAMIC_ARCH builds export gotoblas_dynamic_quit/_init, the pair
 * its own constructor uses: _init reads OPENBLAS_CORETYPE and points the
 * kernel table at that family. They are looked up with dlsym, so a BLAS
 * without them (a single-target OpenBLAS, another BLAS) is simply left alone. */
#define _GNU_SOURCE
#include "gp_blas.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

/* Kernel families by the instruction set they need, best last. Only names
 * OpenBLAS's x86-64 DYNAMIC_ARCH build knows. */
typedef struct family {
    const char *name; /* OPENBLAS_CORETYPE value and openblas_get_corename() */
    int level;        /* 1 SSE only, 2 AVX, 3 AVX2 + FMA, 4 AVX-512 */
} family;

static const family families[] = {
    {"Prescott", 1},    {"Core2", 1},       {"Penryn", 1},      {"Dunnington", 1},
    {"Nehalem", 1},     {"Atom", 1},        {"Barcelona", 1},   {"Opteron", 1},
    {"Sandybridge", 2}, {"Bulldozer", 2},   {"Piledriver", 2},  {"Steamroller", 2},
    {"Excavator", 3},   {"Haswell", 3},     {"Zen", 3},         {"SkylakeX", 4},
    {"Cooperlake", 4},  {"SapphireRapids", 4},
};

static int level_of(const char *corename)
{
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (corename && strcasecmp(corename, families[i].name) == 0)
            return families[i].level;
    return 0; /* unknown to us: leave it */
}

/* The best level this CPU runs, and the family that serves it. */
static int cpu_level(const char **name)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) {
        *name = "SkylakeX";
        return 4;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        *name = "Haswell";
        return 3;
    }
    if (__builtin_cpu_supports("avx")) {
        *name = "Sandybridge";
        return 2;
    }
#endif
    *name = NULL;
    return 0;
}

static char fallback[32]; /* the generic family OpenBLAS picked, when replaced */

const char *gp_blas_core(void)
{
    const char *name = openblas_get_corename();
    return name ? name : "unknown";
}

gp_blas_choice gp_blas_use_best_kernels(void)
{
    if (getenv("OPENBLAS_CORETYPE"))
        return GP_BLAS_USER;
    void (*quit)(void), (*init)(void);
    /* POSIX's way to take a function from dlsym (ISO C has no object-to-function cast) */
    *(void **)&quit = dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit");
    *(void **)&init = dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init");
    const char *best;
    const int have = level_of(gp_blas_core()), can = cpu_level(&best);
    if (!quit || !init || have == 0 || can == 0)
        return GP_BLAS_UNSUPPORTED;
    if (have >= can)
        return GP_BLAS_KEPT;
    snprintf(fallback, sizeof fallback, "%s", gp_blas_core());
    if (setenv("OPENBLAS_CORETYPE", best, 1) != 0)
        return GP_BLAS_UNSUPPORTED;
    quit();
    init();
    return GP_BLAS_SWITCHED;
}

size_t gp_blas_describe(gp_blas_choice choice, char *buf, size_t cap)
{
    const char *core = gp_blas_core();
    int n;
    switch (choice) {
    case GP_BLAS_SWITCHED:
        n = snprintf(buf, cap, "%s (chosen by gprior: OpenBLAS fell back to %s on this CPU)",
                     core, fallback);
        break;
    case GP_BLAS_USER:
        n = snprintf(buf, cap, "%s (OPENBLAS_CORETYPE is set: left as it is)", core);
        break;
    case GP_BLAS_KEPT:
        n = snprintf(buf, cap, "%s (OpenBLAS's own choice)", core);
        break;
    default:
        n = snprintf(buf, cap, "%s (not switched: no DYNAMIC_ARCH OpenBLAS or unknown CPU)", core);
        break;
    }
    return n < 0 ? 0 : (size_t)n;
}
