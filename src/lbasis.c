/* lbasis.c: weight-space models and the random erf network for Lua.
 *
 *   b = gp.basis.polynomial{degree = 1}              -- (1, x, ..., x^p), 1-D
 *   b = gp.basis.bumps{J = 100, lengthscale = 1}     -- exp(-(x-c)^2/(2 l^2)), J >= 2 centres at
 *                                                    -- the midpoints of J cells of [-log J, log J]
 *   b = gp.basis.fourier{J = 500, lengthscale = 1, amplitude = 1, dim = 1, seed = s}
 *                                                    -- a sqrt(2/J) cos(omega.x + b): random
 *                                                    -- features approximating rbf (seed optional)
 *   b:eval(x) -> Phi (n x J)   b.J, b:size()   b.dc, b:spacing() (bumps; 0 otherwise)   b:dim()
 *   (b.dc is a field, so there is no method b:dc(): b:dc() would call the number)
 *
 *   m = gp.weights{basis = b, mean = u, cov = S}     -- w ~ N(u, S); u a vector/table or a
 *                                                    -- number (default 0); S a J x J matrix or a
 *                                                    -- number s for s I (default 1)
 *   m = gp.bumps_model{J = 100, lengthscale = 1, sigma = 1}   -- bumps, w ~ N(0, sigma^2 dc I)
 *   k = gp.bumps_limit{lengthscale = 1, sigma = 1}   -- its J -> inf kernel, a gp.rbf with
 *                                                    -- amplitude^2 = sqrt(pi) l sigma^2, lengthscale sqrt(2) l
 *   m:mean(x)  m:var(x)  m:sd(x)  m:cov(x [, x2])    -- exact implied moments
 *   F, W = m:sample(x, {n = 1, seed = s})            -- F n x ns function values, W J x ns weights
 *   m:basis()  m:size()  tostring(m)
 *
 *   net = gp.erf_network{J = 100, Sigma = 1, variance = 1, offset = 0}
 *                                                    -- f(x) = b + sum_i v_i erf(u_i . (1, x)),
 *                                                    -- b ~ N(0, offset), v_i ~ N(0, variance/J),
 *                                                    -- u_i ~ N(0, Sigma); Sigma as in gp.nn
 *   F = net:sample(x, {n = 1, seed = s})             -- each column a fresh network
 *   net:kernel()                                     -- gp.nn{Sigma, variance, offset}: the
 *                                                    -- covariance at every J, the GP as J -> inf
 *   net:size()  tostring(net)
 */
#include <math.h>
#include <string.h>

#include "gp_weights.h"
#include "lkernel.h"

#define LGP_BASIS "gprior.basis"
#define LGP_WEIGHTS "gprior.weights"
#define LGP_ERFNET "gprior.erf_network"
#define LGP_PI 3.14159265358979323846

/* ---- boxes: valid and empty (NULL) until the core object exists ------------------ */

static void **new_box(lua_State *L, const char *tname)
{
    void **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, tname);
    return box;
}

static void *check_box(lua_State *L, int arg, const char *tname, const char *what)
{
    void **box = luaL_checkudata(L, arg, tname);
    if (!*box)
        luaL_argerror(L, arg, lua_pushfstring(L, "%s is empty", what));
    return *box;
}

static gp_basis *check_basis(lua_State *L, int arg) { return check_box(L, arg, LGP_BASIS, "basis"); }
static gp_weights *check_weights(lua_State *L, int arg)
{
    return check_box(L, arg, LGP_WEIGHTS, "weights model");
}
static gp_erfnet *check_erfnet(lua_State *L, int arg)
{
    return check_box(L, arg, LGP_ERFNET, "erf network");
}

/* Hand a kernel made here to Lua: the empty Lua kernel is pushed first
 * (lgp_newkernel, which may raise), so the new kernel is owned from birth. */
static int push_new_kernel(lua_State *L, gp_kernel **box, gp_kernel *k, const gp_error *err)
{
    if (!k)
        return lgp_raise(L, err);
    *box = k;
    return 1;
}

/* ---- options ---------------------------------------------------------------------- */

static void check_opts(lua_State *L, const char *fname, const char *const known[])
{
    if (!lua_isnoneornil(L, 1))
        luaL_checktype(L, 1, LUA_TTABLE);
    lgp_checkoptions(L, 1, fname, known);
}

static int has_opt(lua_State *L, const char *key)
{
    if (lua_isnoneornil(L, 1))
        return 0;
    int t = lua_getfield(L, 1, key);
    lua_pop(L, 1);
    return t != LUA_TNIL;
}

/* The required integer option J (the message format of the core's checks). */
static size_t opt_J(lua_State *L, const char *fname, lua_Integer min)
{
    if (!has_opt(L, "J"))
        luaL_error(L, "%s: option 'J' (the number of %s) is required", fname,
                   strcmp(fname, "erf_network") == 0 ? "hidden units" : "features");
    lua_Integer J = lgp_optinteger(L, 1, "J", 0);
    if (J < min)
        luaL_error(L, "%s: J must be >= %I, got %I", fname, min, J);
    return (size_t)J;
}

typedef struct draw_options {
    size_t n;
    gp_rng *rng; /* the program's generator, or own when a seed is given */
    gp_rng own;
} draw_options;

/* {n = 1, seed = s} at idx (may be absent). */
static void check_draw_options(lua_State *L, int idx, const char *fname, draw_options *o)
{
    static const char *const known[] = {"n", "seed", NULL};
    lgp_checkoptions(L, idx, fname, known);
    lua_Integer n = lgp_optinteger(L, idx, "n", 1);
    if (n < 1)
        luaL_error(L, "%s: option 'n' must be >= 1, got %I", fname, n);
    o->n = (size_t)n;
    o->rng = lgp_rng(L);
    if (!lua_isnoneornil(L, idx)) {
        lua_Integer seed = lgp_optinteger(L, idx, "seed", -1);
        lua_getfield(L, idx, "seed");
        int given = !lua_isnil(L, -1);
        lua_pop(L, 1);
        if (given) {
            if (seed < 0)
                luaL_error(L, "%s: option 'seed' must be >= 0, got %I", fname, seed);
            gp_rng_seed(&o->own, (uint64_t)seed);
            o->rng = &o->own;
        }
    }
}

/* ---- bases -------------------------------------------------------------------------- */

static int push_basis(lua_State *L, void **box, gp_basis *b, const gp_error *err)
{
    if (!b)
        return lgp_raise(L, err);
    *box = b;
    return 1;
}

static int l_polynomial(lua_State *L)
{
    static const char *const known[] = {"degree", NULL};
    check_opts(L, "basis.polynomial", known);
    lua_Integer p = lgp_optinteger(L, 1, "degree", 1);
    if (p < 0 || p > GP_BASIS_MAX_DEGREE)
        return luaL_error(L, "polynomial basis: degree must be in 0..%d, got %I",
                          GP_BASIS_MAX_DEGREE, p);
    gp_error err;
    void **box = new_box(L, LGP_BASIS);
    return push_basis(L, box, gp_basis_polynomial((int)p, &err), &err);
}

static int l_bumps(lua_State *L)
{
    static const char *const known[] = {"J", "lengthscale", NULL};
    check_opts(L, "bumps", known);
    size_t J = opt_J(L, "bumps", 2);
    double l = lgp_optnumber(L, 1, "lengthscale", 1.0);
    gp_error err;
    void **box = new_box(L, LGP_BASIS);
    return push_basis(L, box, gp_basis_bumps(J, l, &err), &err);
}

static int l_fourier(lua_State *L)
{
    static const char *const known[] = {"J", "lengthscale", "amplitude", "dim", "seed", NULL};
    check_opts(L, "fourier", known);
    size_t J = opt_J(L, "fourier", 1);
    double l = lgp_optnumber(L, 1, "lengthscale", 1.0), a = lgp_optnumber(L, 1, "amplitude", 1.0);
    lua_Integer d = lgp_optinteger(L, 1, "dim", 1);
    if (d < 1)
        return luaL_error(L, "fourier: dim must be >= 1, got %I", d);
    gp_rng own, *rng = lgp_rng(L);
    if (has_opt(L, "seed")) {
        lua_Integer seed = lgp_optinteger(L, 1, "seed", 0);
        if (seed < 0)
            return luaL_error(L, "fourier: option 'seed' must be >= 0, got %I", seed);
        gp_rng_seed(&own, (uint64_t)seed);
        rng = &own;
    }
    gp_error err;
    void **box = new_box(L, LGP_BASIS);
    return push_basis(L, box, gp_basis_fourier(J, (size_t)d, l, a, rng, &err), &err);
}

static int b_eval(lua_State *L)
{
    gp_basis *b = check_basis(L, 1);
    gp_matrix *X = lgp_checkmatrix(L, 2);
    gp_matrix *Phi = lgp_pushmatrix(L, X->rows, gp_basis_size(b));
    gp_error err;
    if (gp_basis_eval(b, X, Phi, &err))
        return lgp_raise(L, &err);
    return 1;
}

static int b_size(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)gp_basis_size(check_basis(L, 1)));
    return 1;
}

static int b_dc(lua_State *L)
{
    lua_pushnumber(L, gp_basis_spacing(check_basis(L, 1)));
    return 1;
}

static int b_dim(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)gp_basis_dim(check_basis(L, 1)));
    return 1;
}

/* b.J and b.dc read as fields; everything else from the methods table (upvalue). */
static int b_index(lua_State *L)
{
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
    if (key && strcmp(key, "J") == 0)
        return b_size(L);
    if (key && strcmp(key, "dc") == 0)
        return b_dc(L);
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

static int b_tostring(lua_State *L)
{
    gp_basis *b = check_basis(L, 1);
    char buf[512];
    gp_basis_describe(b, buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

static int b_gc(lua_State *L)
{
    void **box = luaL_checkudata(L, 1, LGP_BASIS);
    gp_basis_release(*box);
    *box = NULL;
    return 0;
}

/* ---- weight-space models ----------------------------------------------------------------- */

static int push_weights(lua_State *L, void **box, gp_weights *m, const gp_error *err)
{
    if (!m)
        return lgp_raise(L, err);
    *box = m;
    return 1;
}

static int l_weights(lua_State *L)
{
    static const char *const known[] = {"basis", "mean", "cov", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    lgp_checkoptions(L, 1, "weights", known);
    lua_getfield(L, 1, "basis"); /* slot 2 */
    if (!luaL_testudata(L, 2, LGP_BASIS))
        return luaL_error(L, "weights: option 'basis' must be a basis (gp.basis.*), got %s",
                          lgp_typename(L, 2));
    gp_basis *b = check_basis(L, 2);
    size_t J = gp_basis_size(b);
    const double *u = NULL;
    int t = lua_getfield(L, 1, "mean"); /* slot 3 */
    if (t == LUA_TNUMBER) {
        double c = lua_tonumber(L, 3);
        gp_matrix *v = lgp_pushmatrix(L, J, 1);
        for (size_t k = 0; k < J; k++)
            v->data[k] = c;
        lua_replace(L, 3); /* keep it alive in slot 3 */
        u = v->data;
    } else if (t != LUA_TNIL) {
        if (!lgp_testmatrix(L, 3) && t != LUA_TTABLE)
            return luaL_error(L, "weights: option 'mean' must be a vector, a table or a number, "
                                 "got %s", lgp_typename(L, 3));
        gp_matrix *v = lgp_checkmatrix(L, 3);
        if (v->rows * v->cols != J || (v->rows != 1 && v->cols != 1))
            return luaL_error(L, "weights: mean is %I x %I but the basis has J = %I features",
                              (lua_Integer)v->rows, (lua_Integer)v->cols, (lua_Integer)J);
        u = v->data;
    }
    lua_settop(L, 3);
    gp_matrix *S = NULL;
    double s = 1.0;
    t = lua_getfield(L, 1, "cov"); /* slot 4 */
    if (t == LUA_TNUMBER) {
        s = lua_tonumber(L, 4);
    } else if (t != LUA_TNIL) {
        if (!lgp_testmatrix(L, 4) && t != LUA_TTABLE)
            return luaL_error(L, "weights: option 'cov' must be a matrix or a number, got %s",
                              lgp_typename(L, 4));
        S = lgp_checkmatrix(L, 4);
    }
    gp_error err;
    void **box = new_box(L, LGP_WEIGHTS);
    return push_weights(L, box, gp_weights_new(b, u, S, s, &err), &err);
}

static int l_bumps_model(lua_State *L)
{
    static const char *const known[] = {"J", "lengthscale", "sigma", NULL};
    check_opts(L, "bumps_model", known);
    size_t J = opt_J(L, "bumps_model", 2);
    double l = lgp_optnumber(L, 1, "lengthscale", 1.0), sigma = lgp_optnumber(L, 1, "sigma", 1.0);
    gp_error err;
    void **box = new_box(L, LGP_WEIGHTS);
    return push_weights(L, box, gp_weights_bumps(J, l, sigma, &err), &err);
}

static int l_bumps_limit(lua_State *L)
{
    static const char *const known[] = {"lengthscale", "sigma", NULL};
    check_opts(L, "bumps_limit", known);
    double l = lgp_optnumber(L, 1, "lengthscale", 1.0), sigma = lgp_optnumber(L, 1, "sigma", 1.0);
    if (!(isfinite(l) && l > 0))
        return luaL_error(L, "bumps_limit: lengthscale must be finite and > 0, got %f", l);
    if (!(isfinite(sigma) && sigma >= 0))
        return luaL_error(L, "bumps_limit: sigma must be finite and >= 0, got %f", sigma);
    /* sqrt(pi) l sigma^2 exp(-r^2 / (4 l^2)) = rbf(a^2 = sqrt(pi) l sigma^2, l' = sqrt(2) l) */
    double amp = sqrt(sqrt(LGP_PI) * l) * sigma, ls = sqrt(2.0) * l;
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_new_kernel(L, box, gp_kernel_rbf(amp, &ls, 1, &err), &err);
}

static int w_mean(lua_State *L)
{
    gp_weights *m = check_weights(L, 1);
    gp_matrix *X = lgp_checkmatrix(L, 2);
    gp_matrix *mu = lgp_pushmatrix(L, X->rows, 1);
    gp_error err;
    if (gp_weights_mean(m, X, mu->data, &err))
        return lgp_raise(L, &err);
    return 1;
}

static int variance(lua_State *L, int take_sqrt)
{
    gp_weights *m = check_weights(L, 1);
    gp_matrix *X = lgp_checkmatrix(L, 2);
    gp_matrix *v = lgp_pushmatrix(L, X->rows, 1);
    gp_error err;
    if (gp_weights_var(m, X, v->data, &err))
        return lgp_raise(L, &err);
    if (take_sqrt)
        for (size_t i = 0; i < v->rows; i++)
            v->data[i] = sqrt(v->data[i]);
    return 1;
}

static int w_var(lua_State *L) { return variance(L, 0); }
static int w_sd(lua_State *L) { return variance(L, 1); }

static int w_cov(lua_State *L)
{
    gp_weights *m = check_weights(L, 1);
    gp_matrix *X = lgp_checkmatrix(L, 2);
    gp_matrix *Y = lua_isnoneornil(L, 3) ? NULL : lgp_checkmatrix(L, 3);
    gp_matrix *K = lgp_pushmatrix(L, X->rows, Y ? Y->rows : X->rows);
    gp_error err;
    if (gp_weights_cov(m, X, Y, K, &err))
        return lgp_raise(L, &err);
    return 1;
}

static int w_sample(lua_State *L)
{
    gp_weights *m = check_weights(L, 1);
    gp_matrix *X = lgp_checkmatrix(L, 2);
    draw_options o;
    check_draw_options(L, 3, "sample", &o);
    gp_matrix *F = lgp_pushmatrix(L, X->rows, o.n);
    gp_matrix *W = lgp_pushmatrix(L, gp_weights_size(m), o.n);
    gp_error err;
    if (gp_weights_sample(m, X, o.rng, F, W, &err))
        return lgp_raise(L, &err);
    return 2;
}

static int w_basis(lua_State *L)
{
    gp_weights *m = check_weights(L, 1);
    void **box = new_box(L, LGP_BASIS);
    *box = gp_basis_retain((gp_basis *)gp_weights_basis(m));
    return 1;
}

static int w_size(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)gp_weights_size(check_weights(L, 1)));
    return 1;
}

static int w_tostring(lua_State *L)
{
    gp_weights *m = check_weights(L, 1);
    char buf[1024];
    gp_weights_describe(m, buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

static int w_gc(lua_State *L)
{
    void **box = luaL_checkudata(L, 1, LGP_WEIGHTS);
    gp_weights_release(*box);
    *box = NULL;
    return 0;
}

/* ---- the erf network ------------------------------------------------------------------------ */

static int l_erf_network(lua_State *L)
{
    static const char *const known[] = {"J", "Sigma", "variance", "offset", NULL};
    check_opts(L, "erf_network", known);
    size_t J = opt_J(L, "erf_network", 1);
    double v = lgp_optnumber(L, 1, "variance", 1.0), c = lgp_optnumber(L, 1, "offset", 0.0);
    lua_settop(L, 1);
    int t = lua_getfield(L, 1, "Sigma"); /* slot 2 */
    gp_matrix *S;
    if (t == LUA_TNIL || t == LUA_TNUMBER) { /* s I for 1-D inputs, as gp.nn */
        double s = t == LUA_TNUMBER ? lua_tonumber(L, 2) : 1.0;
        S = lgp_pushmatrix(L, 2, 2);
        GP_AT(S, 0, 0) = GP_AT(S, 1, 1) = s;
    } else {
        if (!lgp_testmatrix(L, 2) && t != LUA_TTABLE)
            return luaL_error(L, "erf_network: option 'Sigma' must be a matrix, a list of its "
                                 "diagonal or a number, got %s", lgp_typename(L, 2));
        gp_matrix *given = lgp_checkmatrix(L, 2);
        if (given->cols == 1) { /* the diagonal */
            S = lgp_pushmatrix(L, given->rows, given->rows);
            for (size_t i = 0; i < given->rows; i++)
                GP_AT(S, i, i) = given->data[i];
        } else {
            S = given;
        }
    }
    if (S->rows != S->cols)
        return luaL_error(L, "erf_network: Sigma must be square, got %I x %I",
                          (lua_Integer)S->rows, (lua_Integer)S->cols);
    gp_error err;
    void **box = new_box(L, LGP_ERFNET);
    gp_erfnet *net = gp_erfnet_new(J, S, v, c, &err);
    if (!net)
        return lgp_raise(L, &err);
    *box = net;
    return 1;
}

static int n_sample(lua_State *L)
{
    gp_erfnet *net = check_erfnet(L, 1);
    gp_matrix *X = lgp_checkmatrix(L, 2);
    draw_options o;
    check_draw_options(L, 3, "sample", &o);
    gp_matrix *F = lgp_pushmatrix(L, X->rows, o.n);
    gp_error err;
    if (gp_erfnet_sample(net, X, o.rng, F, &err))
        return lgp_raise(L, &err);
    return 1;
}

static int n_kernel(lua_State *L)
{
    gp_erfnet *net = check_erfnet(L, 1);
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_new_kernel(L, box, gp_erfnet_kernel(net, &err), &err);
}

static int n_size(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)gp_erfnet_size(check_erfnet(L, 1)));
    return 1;
}

static int n_tostring(lua_State *L)
{
    gp_erfnet *net = check_erfnet(L, 1);
    char buf[1024];
    gp_erfnet_describe(net, buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

static int n_gc(lua_State *L)
{
    void **box = luaL_checkudata(L, 1, LGP_ERFNET);
    gp_erfnet_release(*box);
    *box = NULL;
    return 0;
}

/* ---- registration ---------------------------------------------------------------------------- */

static void new_type(lua_State *L, const char *tname, const luaL_Reg *meta, const luaL_Reg *methods)
{
    luaL_newmetatable(L, tname);
    luaL_setfuncs(L, meta, 0);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

void lgp_open_basis(lua_State *L)
{
    static const luaL_Reg basis_methods[] = {
        {"eval", b_eval}, {"size", b_size}, {"spacing", b_dc}, {"dim", b_dim}, {NULL, NULL}};
    static const luaL_Reg weights_meta[] = {{"__tostring", w_tostring}, {"__gc", w_gc},
                                            {NULL, NULL}};
    static const luaL_Reg weights_methods[] = {
        {"mean", w_mean},     {"var", w_var},     {"sd", w_sd},     {"cov", w_cov},
        {"sample", w_sample}, {"basis", w_basis}, {"size", w_size}, {NULL, NULL}};
    static const luaL_Reg net_meta[] = {{"__tostring", n_tostring}, {"__gc", n_gc},
                                        {NULL, NULL}};
    static const luaL_Reg net_methods[] = {
        {"sample", n_sample}, {"kernel", n_kernel}, {"size", n_size}, {NULL, NULL}};
    static const luaL_Reg bases[] = {
        {"polynomial", l_polynomial}, {"bumps", l_bumps}, {"fourier", l_fourier}, {NULL, NULL}};
    static const luaL_Reg functions[] = {{"weights", l_weights},
                                         {"bumps_model", l_bumps_model},
                                         {"bumps_limit", l_bumps_limit},
                                         {"erf_network", l_erf_network},
                                         {NULL, NULL}};

    luaL_newmetatable(L, LGP_BASIS); /* __index is a function: fields J, dc, then methods */
    lua_pushcfunction(L, b_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, b_gc);
    lua_setfield(L, -2, "__gc");
    luaL_newlib(L, basis_methods);
    lua_pushcclosure(L, b_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    new_type(L, LGP_WEIGHTS, weights_meta, weights_methods);
    new_type(L, LGP_ERFNET, net_meta, net_methods);

    luaL_newlib(L, bases);
    lua_setfield(L, -2, "basis");
    luaL_setfuncs(L, functions, 0);
}
