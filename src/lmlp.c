/* lmlp.c: the Lua type of finite fully connected networks at random
 * initialisation (gp.mlp_network), beside their infinite-width kernels. */
#include "gp_mlp.h"
#include "lkernel.h"

static const lgp_type mlp_type;

static gp_mlp *check_mlp(lua_State *L, int arg)
{
    return lgp_checkbox(L, arg, &mlp_type);
}

/* The values of list option key (a number or a list), pushed; def if absent. */
static const double *opt_list(const lgp_options *o, const char *key, double *def, size_t *n)
{
    gp_matrix *m = lgp_opt_matrix(o, key);
    if (!m) {
        *n = 1;
        return def;
    }
    if (m->rows != 1 && m->cols != 1)
        lgp_error(o->L, "%s: bad option '%s' (a number or a list expected, got a %zu x %zu matrix)",
                  o->fname, key, m->rows, m->cols);
    *n = m->rows * m->cols;
    return m->data;
}

/* gp.mlp_network{depth = 1, width = n, activation = "relu" | "erf",
 * weight_var = 1, bias_var = 1}: widths, variances one number or one per layer. */
static int l_mlp_network(lua_State *L)
{
    static const char *const known[] = {"depth", "width", "activation", "weight_var", "bias_var",
                                        NULL};
    static const char *const acts[] = {"relu", "erf", NULL};
    lgp_options o;
    lgp_options_open(&o, L, 1, "mlp_network", known);
    lgp_opt_require(&o, "width", "the number of units per hidden layer");
    const int depth = lgp_opt_int(&o, "depth", 1);
    const int act = lgp_opt_choice(&o, "activation", 0, acts);
    double one = 1, wdef = 1, bdef = 1;
    size_t nw, nwv, nbv;
    const double *width = opt_list(&o, "width", &one, &nw);
    const double *wv = opt_list(&o, "weight_var", &wdef, &nwv);
    const double *bv = opt_list(&o, "bias_var", &bdef, &nbv);
    gp_error err;
    void **box = lgp_newbox(L, &mlp_type);
    return lgp_fillbox(L, box, gp_mlp_new(depth, width, nw, act, wv, nwv, bv, nbv, &err), &err);
}

/* The network at 1, the points at 2 and the draws' options at 3 of a
 * method fname that samples networks (n required when need_n). */
static gp_mlp *draw_args(lua_State *L, const char *fname, int need_n, gp_matrix **X,
                         lgp_options *o, lgp_draws *d)
{
    static const char *const known[] = {LGP_DRAW_OPTIONS, NULL};
    gp_mlp *net = check_mlp(L, 1);
    *X = lgp_checkpoints(L, 2);
    lgp_options_open(o, L, 3, fname, known);
    if (need_n)
        lgp_opt_require(o, "n", "the number of networks");
    lgp_opt_draws(o, d);
    return net;
}

/* net:sample(x [, {n = 1, seed = s}]) -> F (points x n), each column a fresh network. */
static int m_sample(lua_State *L)
{
    gp_matrix *X;
    lgp_options o;
    lgp_draws d;
    const gp_mlp *net = draw_args(L, "sample", 0, &X, &o, &d);
    gp_matrix *F = lgp_pushdraws(L, X->rows, &d);
    gp_error err;
    return gp_mlp_sample(net, X, d.rng, F, &err) ? lgp_raise(L, &err) : 1;
}

/* net:empirical_kernel(x, {n = networks [, seed = s]}) -> K, SE: the finite
 * network's covariance from n networks (Rao-Blackwellised in the readout)
 * and its standard errors. */
static int m_empirical_kernel(lua_State *L)
{
    gp_matrix *X;
    lgp_options o;
    lgp_draws d;
    const gp_mlp *net = draw_args(L, "empirical_kernel", 1, &X, &o, &d);
    gp_matrix *K = lgp_pushmatrix(L, X->rows, X->rows), *SE = lgp_pushmatrix(L, X->rows, X->rows);
    gp_error err;
    return gp_mlp_empirical_kernel(net, X, d.n, d.rng, K, SE, &err) ? lgp_raise(L, &err) : 2;
}

static int push_kernel(lua_State *L, int ntk)
{
    gp_mlp *net = check_mlp(L, 1);
    gp_error err;
    void **box = lgp_newkernel(L);
    return lgp_fillbox(L, box, gp_mlp_kernel(net, ntk, &err), &err);
}

static int m_kernel(lua_State *L) { return push_kernel(L, 0); }
static int m_ntk(lua_State *L) { return push_kernel(L, 1); }

static int m_depth(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)gp_mlp_depth(check_mlp(L, 1)));
    return 1;
}

/* net:width([layer = 1]) */
static int m_width(lua_State *L)
{
    gp_mlp *net = check_mlp(L, 1);
    const lua_Integer l = luaL_optinteger(L, 2, 1);
    if (l < 1 || (size_t)l > gp_mlp_depth(net))
        return lgp_argerror(L, 2, "layer must be 1..%zu, got %lld", gp_mlp_depth(net),
                            (long long)l);
    lua_pushinteger(L, (lua_Integer)gp_mlp_width(net, (size_t)l));
    return 1;
}

LGP_BOX_ADAPTERS(mlp)

static const luaL_Reg mlp_methods[] = {
    {"sample", m_sample}, {"empirical_kernel", m_empirical_kernel},
    {"kernel", m_kernel}, {"ntk", m_ntk},
    {"depth", m_depth},   {"width", m_width},
    {NULL, NULL}};

static const lgp_type mlp_type = {"gprior.mlp_network", "mlp network", release_mlp, describe_mlp,
                                  mlp_methods, NULL};

void lgp_open_mlp_network(lua_State *L)
{
    lgp_newtype(L, &mlp_type);
    lua_pushcfunction(L, l_mlp_network);
    lua_setfield(L, -2, "mlp_network");
}
