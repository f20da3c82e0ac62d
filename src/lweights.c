/* lweights.c: the Lua type of weight-space models f(x) = w' phi(x),
 * w ~ N(u, S) (gp.weights, gp.bumps_model), and the bumps model's J -> inf
 * kernel (gp.bumps_limit). */
#include "gp_weights.h"
#include "lbasis.h"
#include "linfo.h"
#include "lkernel.h"

static const lgp_type weights_type;

static gp_weights *check_weights(lua_State *L, int arg)
{
    return lgp_checkbox(L, arg, &weights_type);
}

/* gp.weights{basis = b, mean = u, cov = S}: u a vector of J or a number for
 * every weight (default 0); S a J x J matrix or a number s for s I (default 1). */
static int l_weights(lua_State *L)
{
    static const char *const known[] = {"basis", "mean", "cov", NULL};
    lgp_options o;
    luaL_checktype(L, 1, LUA_TTABLE);
    lgp_options_open(&o, L, 1, "weights", known);
    lua_getfield(L, 1, "basis"); /* slot 2 */
    gp_basis *b = lgp_testbasis(L, 2);
    if (!b)
        return lgp_error(L, "weights: option 'basis' must be a basis (gp.basis.*), got %s",
                         lgp_typename(L, 2));
    size_t J = gp_basis_size(b);
    const double *u = NULL;
    if (lua_getfield(L, 1, "mean") == LUA_TNUMBER) { /* slot 3: c for every weight */
        double c = lgp_opt_number(&o, "mean", 0);
        gp_matrix *v = lgp_pushmatrix(L, J, 1);
        for (size_t k = 0; k < J; k++)
            v->data[k] = c;
        lua_replace(L, 3);
        u = v->data;
    } else if (!lua_isnil(L, 3)) {
        gp_matrix *v = lgp_checkmatrix_option(L, 3, &o, "mean");
        if (v->rows * v->cols != J || (v->rows != 1 && v->cols != 1))
            return lgp_error(L, "weights: mean is %zu x %zu but the basis has J = %zu features",
                             v->rows, v->cols, J);
        u = v->data;
    }
    lua_settop(L, 3);
    gp_matrix *S = NULL;
    double s = 1.0;
    if (lua_getfield(L, 1, "cov") == LUA_TNUMBER) /* slot 4 */
        s = lgp_opt_number(&o, "cov", 1.0);
    else if (!lua_isnil(L, 4))
        S = lgp_checkmatrix_option(L, 4, &o, "cov");
    gp_error err;
    void **box = lgp_newbox(L, &weights_type);
    return lgp_fillbox(L, box, gp_weights_new(b, u, S, s, &err), &err);
}

/* gp.bumps_model{J, lengthscale = 1, sigma = 1}: bumps, w ~ N(0, sigma^2 dc I). */
static int l_bumps_model(lua_State *L)
{
    static const char *const known[] = {"J", "lengthscale", "sigma", NULL};
    lgp_options o;
    lgp_options_open(&o, L, 1, "bumps_model", known);
    lgp_opt_require(&o, "J", "the number of features");
    lua_Integer J = lgp_opt_integer(&o, "J", 0);
    double l = lgp_opt_number(&o, "lengthscale", 1.0), sigma = lgp_opt_number(&o, "sigma", 1.0);
    gp_error err;
    void **box = lgp_newbox(L, &weights_type);
    return lgp_fillbox(L, box, gp_weights_bumps(J, l, sigma, &err), &err);
}

/* gp.bumps_limit{lengthscale = 1, sigma = 1}: the J -> inf kernel of the bumps model. */
static int l_bumps_limit(lua_State *L)
{
    static const char *const known[] = {"lengthscale", "sigma", NULL};
    lgp_options o;
    lgp_options_open(&o, L, 1, "bumps_limit", known);
    double l = lgp_opt_number(&o, "lengthscale", 1.0), sigma = lgp_opt_number(&o, "sigma", 1.0);
    gp_error err;
    void **box = lgp_newkernel(L);
    return lgp_fillbox(L, box, gp_bumps_limit(l, sigma, &err), &err);
}

/* A core call on m at X into out (n values): mean, var, sd. */
typedef gp_code (*moment_fn)(const gp_weights *, const gp_matrix *, double *, gp_error *);

static int push_moment(lua_State *L, moment_fn fn)
{
    gp_weights *m = check_weights(L, 1);
    gp_matrix *X = lgp_checkpoints(L, 2);
    gp_matrix *v = lgp_pushmatrix(L, X->rows, 1);
    gp_error err;
    return fn(m, X, v->data, &err) ? lgp_raise(L, &err) : 1;
}

static int w_mean(lua_State *L) { return push_moment(L, gp_weights_mean); }
static int w_var(lua_State *L) { return push_moment(L, gp_weights_var); }
static int w_sd(lua_State *L) { return push_moment(L, gp_weights_sd); }

static int w_cov(lua_State *L)
{
    gp_weights *m = check_weights(L, 1);
    gp_matrix *X = lgp_checkpoints(L, 2);
    gp_matrix *Y = lua_isnoneornil(L, 3) ? NULL : lgp_checkpoints(L, 3);
    gp_matrix *K = lgp_pushmatrix(L, X->rows, Y ? Y->rows : X->rows);
    gp_error err;
    return gp_weights_cov(m, X, Y, K, &err) ? lgp_raise(L, &err) : 1;
}

/* m:sample(x [, {n = 1, seed = s}]) -> F (points x n), W (J x n), info. */
static int w_sample(lua_State *L)
{
    static const char *const known[] = {LGP_DRAW_OPTIONS, NULL};
    gp_weights *m = check_weights(L, 1);
    gp_matrix *X = lgp_checkpoints(L, 2);
    lgp_options o;
    lgp_draws d;
    lgp_open_draws(&o, &d, L, 3, "sample", known);
    gp_matrix *F = lgp_pushdraws(L, X->rows, &d);
    gp_matrix *W = lgp_pushdraws(L, gp_weights_size(m), &d);
    gp_error err;
    if (gp_weights_sample(m, X, d.rng, F, W, &err))
        return lgp_raise(L, &err);
    gp_report r;
    gp_report_weights(&r, m, X->rows);
    lgp_push_report(L, &r);
    return lgp_return_draws(L, 2);
}

static int w_basis(lua_State *L)
{
    lgp_pushbasis(L, (gp_basis *)gp_weights_basis(check_weights(L, 1)));
    return 1;
}

static int w_size(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)gp_weights_size(check_weights(L, 1)));
    return 1;
}

LGP_BOX_ADAPTERS(weights)

static const luaL_Reg weights_methods[] = {
    {"mean", w_mean},     {"var", w_var},     {"sd", w_sd},     {"cov", w_cov},
    {"sample", w_sample}, {"basis", w_basis}, {"size", w_size}, {NULL, NULL}};

static const lgp_type weights_type = {"gprior.weights", "weights model", release_weights,
                                      describe_weights, weights_methods, NULL};

void lgp_open_weights(lua_State *L)
{
    static const luaL_Reg functions[] = {{"weights", l_weights},
                                         {"bumps_model", l_bumps_model},
                                         {"bumps_limit", l_bumps_limit},
                                         {NULL, NULL}};
    lgp_newtype(L, &weights_type);
    luaL_setfuncs(L, functions, 0);
}
