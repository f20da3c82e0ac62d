/* lbasis.c: the Lua type of feature maps phi(x) (gp.basis.polynomial, .bumps,
 * .fourier). */
#include <string.h>

#include "lbasis.h"

static const lgp_type basis_type;

gp_basis *lgp_testbasis(lua_State *L, int arg)
{
    return lgp_testbox(L, arg, &basis_type);
}

void lgp_pushbasis(lua_State *L, gp_basis *b)
{
    *lgp_newbox(L, &basis_type) = gp_basis_retain(b);
}

static gp_basis *check_basis(lua_State *L, int arg)
{
    return lgp_checkbox(L, arg, &basis_type);
}

static int l_polynomial(lua_State *L)
{
    static const char *const known[] = {"degree", NULL};
    lgp_options o;
    lgp_options_open(&o, L, 1, "basis.polynomial", known);
    lua_Integer p = lgp_opt_integer(&o, "degree", 1);
    gp_error err;
    void **box = lgp_newbox(L, &basis_type);
    return lgp_fillbox(L, box, gp_basis_polynomial(p, &err), &err);
}

static int l_bumps(lua_State *L)
{
    static const char *const known[] = {"J", "lengthscale", NULL};
    lgp_options o;
    lgp_options_open(&o, L, 1, "bumps", known);
    lgp_opt_require(&o, "J", "the number of features");
    lua_Integer J = lgp_opt_integer(&o, "J", 0);
    double l = lgp_opt_number(&o, "lengthscale", 1.0);
    gp_error err;
    void **box = lgp_newbox(L, &basis_type);
    return lgp_fillbox(L, box, gp_basis_bumps(J, l, &err), &err);
}

static int l_fourier(lua_State *L)
{
    static const char *const known[] = {"J", "lengthscale", "amplitude", "dim", "seed", NULL};
    lgp_options o;
    lgp_draws d;
    lgp_open_draws(&o, &d, L, 1, "fourier", known); /* the seed */
    lgp_opt_require(&o, "J", "the number of features");
    lua_Integer J = lgp_opt_integer(&o, "J", 0), dim = lgp_opt_integer(&o, "dim", 1);
    double l = lgp_opt_number(&o, "lengthscale", 1.0), a = lgp_opt_number(&o, "amplitude", 1.0);
    gp_error err;
    void **box = lgp_newbox(L, &basis_type);
    return lgp_fillbox(L, box, gp_basis_fourier(J, dim, l, a, d.rng, &err), &err);
}

/* b:eval(x) -> Phi (n x J). */
static int b_eval(lua_State *L)
{
    gp_basis *b = check_basis(L, 1);
    gp_matrix *X = lgp_checkpoints(L, 2);
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

static int b_spacing(lua_State *L)
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
        return b_spacing(L);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TNIL && key)
        return lgp_nomethod(L, "basis", lua_upvalueindex(1), key);
    return 1;
}

LGP_BOX_ADAPTERS(basis)

/* __index is set by lgp_open_basis: the fields J and dc, then the methods. */
static const lgp_type basis_type = {"gprior.basis", "basis", release_basis, describe_basis, NULL,
                                    NULL};

void lgp_open_basis(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"eval", b_eval}, {"size", b_size}, {"spacing", b_spacing}, {"dim", b_dim}, {NULL, NULL}};
    static const luaL_Reg constructors[] = {
        {"polynomial", l_polynomial}, {"bumps", l_bumps}, {"fourier", l_fourier}, {NULL, NULL}};
    lgp_newtype(L, &basis_type);
    luaL_getmetatable(L, basis_type.name);
    luaL_newlib(L, methods);
    lua_pushcclosure(L, b_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newlib(L, constructors);
    lua_setfield(L, -2, "basis");
}
