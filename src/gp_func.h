/* gp_func.h: deterministic functions a: R^d -> R, used as means m(x) and as
 * output warps a(x) a(x') k(x, x').
 *
 * A gp_func is immutable and reference-counted. Built-ins are evaluated in C;
 * an external function (a Lua function, in the bindings) is evaluated through
 * a callback that returns an error code instead of unwinding, so the core can
 * free what it holds before the error reaches the caller. */
#ifndef GP_FUNC_H
#define GP_FUNC_H

#include <stddef.h>

#include "gp_error.h"
#include "gp_matrix.h"

typedef struct gp_func gp_func;

/* Evaluate the external function at one point x (d values); store the value
 * in *out. Return GP_OK, or an error code with err filled in. */
typedef gp_code (*gp_func_callback)(void *ctx, const double *x, size_t d, double *out,
                                    gp_error *err);

/* The constant function c (c finite). */
gp_func *gp_func_constant(double c, gp_error *err);

/* The 1-D polynomial coef[0] + coef[1] x + ... + coef[n-1] x^(n-1)
 * (Horner; coefficients finite, n >= 1). Inputs must be 1-D. */
gp_func *gp_func_polynomial(const double *coef, size_t n, gp_error *err);

/* A function evaluated by callback. release(ctx) is called when the last
 * reference goes (may be NULL). name is used by gp_func_describe. */
gp_func *gp_func_external(gp_func_callback eval, void *ctx, void (*release)(void *ctx),
                          const char *name, gp_error *err);

gp_func *gp_func_retain(gp_func *f);
void gp_func_release(gp_func *f); /* NULL is fine */

/* 1 if f is the constant 0 (lets callers skip work), else 0. */
int gp_func_is_zero(const gp_func *f);

/* out[i] = f(row i of X) for the n x d matrix X. A non-finite value is an
 * error naming the point. */
gp_code gp_func_eval_rows(const gp_func *f, const gp_matrix *X, double *out, gp_error *err);

/* The function df/dx_dim (dim 0-based): 0 for a constant, p' for a 1-D
 * polynomial (dim 0); an error for an external function. */
gp_func *gp_func_derivative(const gp_func *f, size_t dim, gp_error *err);

/* 1 if gp_func_eval_deriv works for f: constants and polynomials (not
 * external functions, whose derivative is not known). */
int gp_func_has_derivative(const gp_func *f);

/* out[i] = D_u f(x_i) = sum_c u_c df/dx_c at the rows of X (u: X->cols
 * values): 0 for a constant, u_1 p'(x) for a 1-D polynomial; an error for
 * an external function. */
gp_code gp_func_eval_deriv(const gp_func *f, const gp_matrix *X, const double *u, double *out,
                           gp_error *err);

/* Write a human-readable description ("0", "2.5", "poly(0, 0, 1)", "<name>")
 * into buf (snprintf semantics; returns the length it needed). */
size_t gp_func_describe(const gp_func *f, char *buf, size_t cap);

#endif
