/* gp_kernel_leaves.c: the table of leaf kernels, in the order gprior lists
 * them (each descriptor is defined beside its formulas: gp_kernel_impl.h
 * says where), and the C shorthands for the chapter's kernels. Everything
 * else (constructors, checks, describe, the Lua constructors gp.NAME{...},
 * Gram and diagonal evaluation, gradients, derivatives) is generated from
 * the descriptors, so a new kernel is one descriptor with its formulas, one
 * line here, its test and its README row. */
#include <math.h>
#include <stdlib.h>

#include "gp_kernel_impl.h"

const gp_kernel_desc *const gp_kernel_table[] = {
    &gp_kdesc_rbf,      &gp_kdesc_ou,       &gp_kdesc_exponential, &gp_kdesc_matern32,
    &gp_kdesc_matern52, &gp_kdesc_matern,   &gp_kdesc_rq,          &gp_kdesc_gammaexp,
    &gp_kdesc_periodic, &gp_kdesc_cosine,   &gp_kdesc_sm,          &gp_kdesc_wendland,
    &gp_kdesc_linear,   &gp_kdesc_polynomial, &gp_kdesc_nn,        &gp_kdesc_arccos,
    &gp_kdesc_nngp,     &gp_kdesc_ntk,      &gp_kdesc_brownian,    &gp_kdesc_iwiener,
    &gp_kdesc_fbm,      &gp_kdesc_gibbs,    &gp_kdesc_constant,    &gp_kdesc_white,
    NULL};

/* ---- C shorthands ---------------------------------------------------------------- */

#define NUM(pname, value) {pname, &(value), 1, 1, NULL}

/* An amplitude-lengthscale kernel, with one more number (extra) if xname. */
static gp_kernel *amp_ls(const char *name, double a, const double *ls, size_t nls,
                         const char *xname, double extra, gp_error *err)
{
    const gp_kernel_arg args[] = {NUM("amplitude", a), {"lengthscale", ls, nls, 1, NULL},
                                  NUM(xname, extra)};
    return gp_kernel_new_named(name, args, xname ? 3 : 2, err);
}

gp_kernel *gp_kernel_rbf(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return amp_ls("rbf", amplitude, ls, nls, NULL, 0, err);
}

gp_kernel *gp_kernel_ou(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return amp_ls("ou", amplitude, ls, nls, NULL, 0, err);
}

gp_kernel *gp_kernel_exponential(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return amp_ls("exponential", amplitude, ls, nls, NULL, 0, err);
}

gp_kernel *gp_kernel_matern32(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return amp_ls("matern32", amplitude, ls, nls, NULL, 0, err);
}

gp_kernel *gp_kernel_matern52(double amplitude, const double *ls, size_t nls, gp_error *err)
{
    return amp_ls("matern52", amplitude, ls, nls, NULL, 0, err);
}

gp_kernel *gp_kernel_rq(double amplitude, const double *ls, size_t nls, double alpha, gp_error *err)
{
    return amp_ls("rq", amplitude, ls, nls, "alpha", alpha, err);
}

gp_kernel *gp_kernel_periodic(double amplitude, double lengthscale, double period, gp_error *err)
{
    return amp_ls("periodic", amplitude, &lengthscale, 1, "period", period, err);
}

gp_kernel *gp_kernel_linear(double variance, double offset, gp_error *err)
{
    const gp_kernel_arg args[] = {NUM("variance", variance), NUM("offset", offset)};
    return gp_kernel_new_named("linear", args, 2, err);
}

gp_kernel *gp_kernel_polynomial(double variance, double offset, int degree, gp_error *err)
{
    const double deg = degree;
    const gp_kernel_arg args[] = {NUM("degree", deg), NUM("variance", variance),
                                  NUM("offset", offset)};
    return gp_kernel_new_named("polynomial", args, 3, err);
}

gp_kernel *gp_kernel_nn(const double *Sigma, size_t dim, double variance, double offset,
                        gp_error *err)
{
    if (!Sigma || dim < 2) { /* the C form takes the full matrix only */
        gp_error_set(err, GP_ERR_ARG,
                     "nn: Sigma must be at least 2 x 2 (bias and one input), got %zu x %zu", dim,
                     dim);
        return NULL;
    }
    const gp_kernel_arg args[] = {{"Sigma", Sigma, dim, dim, NULL}, NUM("variance", variance),
                                  NUM("offset", offset)};
    return gp_kernel_new_named("nn", args, 3, err);
}

gp_kernel *gp_kernel_brownian(double variance, gp_error *err)
{
    const gp_kernel_arg args[] = {NUM("variance", variance)};
    return gp_kernel_new_named("brownian", args, 1, err);
}

gp_kernel *gp_kernel_constant(double value, gp_error *err)
{
    const gp_kernel_arg args[] = {NUM("value", value)};
    return gp_kernel_new_named("constant", args, 1, err);
}

gp_kernel *gp_kernel_white(double variance, gp_error *err)
{
    const gp_kernel_arg args[] = {NUM("variance", variance)};
    return gp_kernel_new_named("white", args, 1, err);
}
