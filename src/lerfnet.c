/* lerfnet.c: the Lua type of the random erf network (gp.erf_network), whose
 * covariance is the nn kernel at every width J. */
#include "gp_weights.h"
#include "linfo.h"
#include "lkernel.h"

static const lgp_type erfnet_type;

static gp_erfnet *check_erfnet(lua_State *L, int arg)
{
    return lgp_checkbox(L, arg, &erfnet_type);
}

/* gp.erf_network{J, Sigma = 1, variance = 1, offset = 0}; Sigma as in gp.nn. */
static int l_erf_network(lua_State *L)
{
    static const char *const known[] = {"J", "Sigma", "variance", "offset", NULL};
    lgp_options o;
    lgp_options_open(&o, L, 1, "erf_network", known);
    lgp_opt_require(&o, "J", "the number of hidden units");
    lua_Integer J = lgp_opt_integer(&o, "J", 0);
    double v = lgp_opt_number(&o, "variance", 1.0), c = lgp_opt_number(&o, "offset", 0.0);
    gp_matrix *S = lgp_opt_sigma(&o, "Sigma", 1.0);
    gp_error err;
    void **box = lgp_newbox(L, &erfnet_type);
    return lgp_fillbox(L, box, gp_erfnet_new(J, S, v, c, &err), &err);
}

/* net:sample(x [, {n = 1, seed = s}]) -> F (points x n), info: each column
 * a fresh network. */
static int n_sample(lua_State *L)
{
    static const char *const known[] = {LGP_DRAW_OPTIONS, NULL};
    gp_erfnet *net = check_erfnet(L, 1);
    gp_matrix *X = lgp_checkpoints(L, 2);
    lgp_options o;
    lgp_draws d;
    lgp_open_draws(&o, &d, L, 3, "sample", known);
    gp_matrix *F = lgp_pushdraws(L, X->rows, &d);
    gp_error err;
    if (gp_erfnet_sample(net, X, d.rng, F, &err))
        return lgp_raise(L, &err);
    gp_report r;
    gp_report_erfnet(&r, net, X->rows);
    lgp_push_report(L, &r);
    return lgp_return_draws(L, 1);
}

static int n_kernel(lua_State *L)
{
    gp_erfnet *net = check_erfnet(L, 1);
    gp_error err;
    void **box = lgp_newkernel(L);
    return lgp_fillbox(L, box, gp_erfnet_kernel(net, &err), &err);
}

static int n_size(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)gp_erfnet_size(check_erfnet(L, 1)));
    return 1;
}

static int n_dim(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)gp_erfnet_dim(check_erfnet(L, 1)));
    return 1;
}

LGP_BOX_ADAPTERS(erfnet)

static const luaL_Reg erfnet_methods[] = {
    {"sample", n_sample}, {"kernel", n_kernel}, {"size", n_size}, {"dim", n_dim}, {NULL, NULL}};

static const lgp_type erfnet_type = {"gprior.erf_network", "erf network", release_erfnet,
                                     describe_erfnet, erfnet_methods, NULL};

void lgp_open_erf_network(lua_State *L)
{
    lgp_newtype(L, &erfnet_type);
    lua_pushcfunction(L, l_erf_network);
    lua_setfield(L, -2, "erf_network");
}
