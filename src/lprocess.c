/* lprocess.c: the Lua type of processes (gp.GP and what processes combine
 * into), their moments and samplers (dense, grid, random features), and the
 * samplers of several processes or of a given N(mu, K). */
#include <string.h>

#include "gp_grid.h"
#include "gp_posterior.h"
#include "gp_process.h"
#include "gp_rff.h"
#include "lfunc.h"
#include "linfo.h"
#include "lkernel.h"
#include "lprocess.h"

#define MAX_JOINT 16 /* processes drawn together */
#define MAX_PARTS 64 /* independent parts reported */

static const lgp_type process_type;

static gp_process *check_process(lua_State *L, int arg)
{
    return lgp_checkbox(L, arg, &process_type);
}

static gp_process *test_process(lua_State *L, int arg)
{
    return lgp_testbox(L, arg, &process_type);
}

gp_process *lgp_checkprocess(lua_State *L, int arg)
{
    return check_process(L, arg);
}

gp_process *lgp_testprocess(lua_State *L, int arg)
{
    return test_process(L, arg);
}

void **lgp_newprocess(lua_State *L)
{
    return lgp_newbox(L, &process_type);
}

static int l_GP(lua_State *L)
{
    static const char *const known[] = {"kernel", "mean", NULL};
    lgp_options o;
    if (!lua_istable(L, 1))
        return lgp_argerror(L, 1, "a table of options expected, got %s: write gp.GP{kernel = k "
                                  "[, mean = m]}",
                            lua_isnone(L, 1) ? "no value" : lgp_typename(L, 1));
    lgp_options_open(&o, L, 1, "GP", known);
    lua_getfield(L, 1, "kernel");
    gp_kernel *k = lgp_testkernel(L, -1);
    if (!k)
        return lgp_error(L, "GP: option 'kernel' must be a kernel, got %s%s", lgp_typename(L, -1),
                         lua_isfunction(L, -1) ? " (a constructor? call it: gp.rbf{...})" : "");
    if (lua_getfield(L, 1, "mean") == LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushnumber(L, 0.0);
    }
    if (!lgp_isfunc(L, -1) && lua_type(L, -1) != LUA_TNUMBER)
        return lgp_error(L, "GP: option 'mean' must be a number, a function or gp.poly, got %s",
                         lgp_typename(L, -1));
    gp_func *m = lgp_tofunc(L, -1, "mean");
    gp_error err;
    void **box = lgp_newbox(L, &process_type);
    return lgp_fillbox(L, box, gp_process_new(m, k, &err), &err);
}

/* ---- algebra ------------------------------------------------------------------------ */

static int not_combinable(lua_State *L, const char *op, int other)
{
    if (lgp_testkernel(L, other))
        return lgp_error(L, "cannot %s a process and a kernel: add kernels before building the "
                            "GP (gp.GP{kernel = k1 + k2}), or combine two GPs",
                         op);
    return lgp_error(L, "cannot %s a process and a %s (use a process, a number, a function of x "
                        "or gp.poly)",
                     op, lgp_typename(L, other));
}

/* f + g, f + c, f + a(x), and the same with the operands swapped. */
static int p_add(lua_State *L)
{
    int parg = test_process(L, 1) ? 1 : 2, other = 3 - parg;
    gp_process *p = check_process(L, parg);
    gp_error err;
    gp_process *q = test_process(L, other);
    if (q) {
        void **box = lgp_newbox(L, &process_type);
        return lgp_fillbox(L, box, gp_process_sum(p, q, &err), &err);
    }
    if (lua_type(L, other) == LUA_TNUMBER || lgp_isfunc(L, other)) {
        gp_func *w = lgp_tofunc(L, other, "offset");
        void **box = lgp_newbox(L, &process_type);
        return lgp_fillbox(L, box, gp_process_offset(p, w, &err), &err);
    }
    return not_combinable(L, "add", other);
}

static int p_unm(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    gp_error err;
    void **box = lgp_newbox(L, &process_type);
    return lgp_fillbox(L, box, gp_process_scale(-1.0, p, &err), &err);
}

/* a - b = a + (-1) b, for processes and the things they add to. */
static int p_sub(lua_State *L)
{
    lua_settop(L, 2);
    if (test_process(L, 2)) {
        lua_pushcfunction(L, p_unm);
        lua_pushvalue(L, 2);
        lua_call(L, 1, 1);
    } else if (lua_type(L, 2) == LUA_TNUMBER) {
        lua_pushnumber(L, -lua_tonumber(L, 2));
    } else {
        return not_combinable(L, "subtract", 2);
    }
    lua_replace(L, 2);
    return p_add(L);
}

/* c * f, a(x) * f, f * g (independent: not a GP), with either operand order. */
static int p_mul(lua_State *L)
{
    int parg = test_process(L, 1) ? 1 : 2, other = 3 - parg;
    gp_process *p = check_process(L, parg);
    gp_error err;
    if (test_process(L, other)) {
        void **box = lgp_newbox(L, &process_type);
        return lgp_fillbox(L, box, gp_process_product(test_process(L, 1), test_process(L, 2), &err),
                           &err);
    }
    if (lua_type(L, other) == LUA_TNUMBER) {
        double c = lua_tonumber(L, other);
        void **box = lgp_newbox(L, &process_type);
        return lgp_fillbox(L, box, gp_process_scale(c, p, &err), &err);
    }
    if (lgp_isfunc(L, other)) {
        gp_func *w = lgp_tofunc(L, other, "warp");
        void **box = lgp_newbox(L, &process_type);
        return lgp_fillbox(L, box, gp_process_warp(w, p, &err), &err);
    }
    return not_combinable(L, "multiply", other);
}

/* f:derivative([dim = 1]): the derivative process df/dx_dim, drawn jointly
 * with f by gp.sample_joint. */
static int p_derivative(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    const lua_Integer dim = luaL_optinteger(L, 2, 1);
    if (dim < 1)
        return lgp_argerror(L, 2, "dimension must be >= 1 (inputs count from 1), got %lld",
                            (long long)dim);
    gp_error err;
    void **box = lgp_newbox(L, &process_type);
    return lgp_fillbox(L, box, gp_process_derivative(p, (size_t)dim - 1, &err), &err);
}

/* ---- moments ---------------------------------------------------------------------- */

/* A core call on p at X into out (n values): mean, var, sd. */
typedef gp_code (*moment_fn)(const gp_process *, const gp_matrix *, double *, gp_error *);

static int push_moment(lua_State *L, moment_fn fn)
{
    gp_process *p = check_process(L, 1);
    gp_matrix *X = lgp_checkpoints(L, 2);
    gp_matrix *v = lgp_pushmatrix(L, X->rows, 1);
    gp_error err;
    lua_State *saved = lgp_enter_core(L);
    gp_code rc = fn(p, X, v->data, &err);
    lgp_leave_core(saved);
    return rc ? lgp_raise(L, &err) : 1;
}

static int p_mean(lua_State *L) { return push_moment(L, gp_process_mean_at); }
static int p_var(lua_State *L) { return push_moment(L, gp_process_var_at); }
static int p_sd(lua_State *L) { return push_moment(L, gp_process_sd_at); }

/* f:cov(x [, x2]): Cov(f(x), f(x2)). */
static int p_cov(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    gp_matrix *X = lgp_checkpoints(L, 2);
    gp_matrix *Y = lua_isnoneornil(L, 3) ? NULL : lgp_checkpoints(L, 3);
    gp_matrix *K = lgp_pushmatrix(L, X->rows, Y ? Y->rows : X->rows);
    gp_error err;
    lua_State *saved = lgp_enter_core(L);
    gp_code rc = gp_process_cov(p, X, Y, K, &err);
    lgp_leave_core(saved);
    return rc ? lgp_raise(L, &err) : 1;
}

/* f:band(x [, k = 2]) -> lower, upper: mean -+ k sd (Gaussian processes
 * only), marked as one band: fig:band(x, f:band(x)) draws it. */
static int p_band(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    gp_matrix *X = lgp_checkpoints(L, 2);
    double k = luaL_optnumber(L, 3, 2.0);
    gp_matrix *lo = lgp_pushmatrix(L, X->rows, 1), *hi = lgp_pushmatrix(L, X->rows, 1);
    gp_error err;
    lua_State *saved = lgp_enter_core(L);
    gp_code rc = gp_process_band(p, X, k, lo->data, hi->data, &err);
    lgp_leave_core(saved);
    if (rc)
        return lgp_raise(L, &err);
    lgp_mark_band(L, -2, -1);
    return 2;
}

/* f:pdf(x, y): the marginal density of f(x_i) at y_i (y a number: the same at every x_i). */
static int p_pdf(lua_State *L)
{
    gp_process *p = check_process(L, 1);
    gp_matrix *X = lgp_checkpoints(L, 2);
    gp_matrix *y = lgp_checkmatrix(L, 3);
    gp_matrix *d = lgp_pushmatrix(L, X->rows, 1);
    gp_error err;
    lua_State *saved = lgp_enter_core(L);
    gp_code rc = gp_process_pdf(p, X, y->data, y->rows * y->cols, d->data, &err);
    lgp_leave_core(saved);
    return rc ? lgp_raise(L, &err) : 1;
}

static int p_is_gaussian(lua_State *L)
{
    lua_pushboolean(L, gp_process_is_gaussian(check_process(L, 1)));
    return 1;
}

/* f:kernel(): the kernel of a GP built with gp.GP (not of a combination). */
static int p_kernel(lua_State *L)
{
    const gp_kernel *k = gp_process_kernel(check_process(L, 1));
    if (!k)
        return lgp_error(L, "kernel: this process is a %s; use its cov(x) for the covariance",
                         gp_process_posterior(check_process(L, 1)) ? "posterior" : "combination");
    lgp_pushkernel(L, (gp_kernel *)k);
    return 1;
}

/* ---- sampling ---------------------------------------------------------------------- */

/* The options of the process samplers beyond n and seed: jitter, and the
 * path, method = "auto" | "dense" | "lowrank" (gp_process.h). */
#define SAMPLE_OPTIONS LGP_DRAW_OPTIONS, "jitter", "method"

static void opt_sample(const lgp_options *o, const lgp_draws *d, gp_sample_options *so)
{
    static const char *const methods[] = {"auto", "dense", "lowrank", NULL};
    static const gp_sample_method codes[] = {GP_SAMPLE_AUTO, GP_SAMPLE_DENSE, GP_SAMPLE_LOWRANK};
    gp_sample_options_default(so);
    so->jitter = d->jitter;
    so->method = codes[lgp_opt_choice(o, "method", 0, methods)];
}

/* Draw the processes ps[0..np-1] jointly at X; pushes np matrices and the
 * report, which they carry (lgp_return_draws). */
static int sample_processes(lua_State *L, gp_process **ps, size_t np, gp_matrix *X,
                            const lgp_draws *d, const gp_sample_options *so)
{
    gp_matrix *outs[MAX_JOINT];
    luaL_checkstack(L, (int)np + 6, "too many processes");
    gp_report *reports = lua_newuserdatauv(L, MAX_PARTS * sizeof *reports, 0);
    for (size_t i = 0; i < np; i++)
        outs[i] = lgp_pushdraws(L, X->rows, d);
    gp_factor parts[MAX_PARTS];
    size_t nparts = 0;
    gp_error err;
    lua_State *saved = lgp_enter_core(L);
    gp_code rc = gp_process_sample_joint_opt(ps, np, X, so, d->rng, outs, parts, MAX_PARTS,
                                             &nparts, &err);
    lgp_leave_core(saved);
    if (rc)
        return lgp_raise(L, &err);
    nparts = nparts < MAX_PARTS ? nparts : MAX_PARTS;
    for (size_t i = 0; i < nparts; i++)
        gp_report_factor(&reports[i], &parts[i]);
    lgp_push_parts_report(L, reports, nparts, X->rows);
    return lgp_return_draws(L, (int)np);
}

/* f:sample(x [, {n = 1, seed = s, jitter = 0, method = "auto"}]) -> S (points x n), info. */
static int p_sample(lua_State *L)
{
    static const char *const known[] = {SAMPLE_OPTIONS, NULL};
    gp_process *p = check_process(L, 1);
    gp_matrix *X = lgp_checkpoints(L, 2);
    lgp_options o;
    lgp_draws d;
    gp_sample_options so;
    lgp_open_draws(&o, &d, L, 3, "sample", known);
    opt_sample(&o, &d, &so);
    return sample_processes(L, &p, 1, X, &d, &so);
}

/* gp.sample_joint({f, g, u}, x [, options]) -> F, G, U, info: the processes
 * drawn from the same underlying draws of their independent parts. */
static int l_sample_joint(lua_State *L)
{
    static const char *const known[] = {SAMPLE_OPTIONS, NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    gp_matrix *X = lgp_checkpoints(L, 2);
    lgp_options o;
    lgp_draws d;
    gp_sample_options so;
    lgp_open_draws(&o, &d, L, 3, "sample_joint", known);
    opt_sample(&o, &d, &so);
    lua_Integer n = luaL_len(L, 1);
    if (n < 1 || n > MAX_JOINT)
        return lgp_argerror(L, 1, "expected a list of 1 to %d processes, got %lld", MAX_JOINT,
                            (long long)n);
    gp_process *ps[MAX_JOINT];
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 1, i);
        ps[i - 1] = test_process(L, -1);
        if (!ps[i - 1])
            return lgp_argerror(L, 1, "element %lld is a %s, not a process", (long long)i,
                                lgp_typename(L, -1));
        lua_pop(L, 1); /* the list keeps it alive */
    }
    return sample_processes(L, ps, (size_t)n, X, &d, &so);
}

/* gp.mvn_sample(mu, K [, {n, seed, jitter}]) -> S, info: draws from N(mu, K)
 * for a covariance matrix the script built itself. */
static int l_mvn_sample(lua_State *L)
{
    static const char *const known[] = {LGP_DRAW_OPTIONS, "jitter", NULL};
    gp_matrix *mu = lgp_checkmatrix(L, 1);
    gp_matrix *K = lgp_checkmatrix(L, 2);
    lgp_options o;
    lgp_draws d;
    lgp_open_draws(&o, &d, L, 3, "mvn_sample", known);
    if (mu->cols != 1 && mu->rows != 1)
        return lgp_argerror(L, 1, "mean must be a vector, got %zu x %zu", mu->rows, mu->cols);
    size_t n = mu->rows * mu->cols;
    if (K->rows != n || K->cols != n)
        return lgp_error(L, "mvn_sample: covariance is %zu x %zu but the mean has %zu entries",
                         K->rows, K->cols, n);
    gp_matrix *work = lgp_pushmatrix(L, K->rows, K->cols); /* factored in place */
    memcpy(work->data, K->data, K->rows * K->cols * sizeof(double));
    gp_matrix *S = lgp_pushdraws(L, n, &d);
    gp_factor F = {0};
    gp_error err;
    gp_code rc = gp_mvn_factor(work, d.jitter, &F, &err);
    if (!rc)
        rc = gp_mvn_draw(&F, mu->data, d.rng, S, &err);
    gp_factor_free(&F);
    if (rc)
        return lgp_raise(L, &err);
    gp_report r;
    gp_report_factor(&r, &F);
    lgp_push_report(L, &r);
    return lgp_return_draws(L, 1);
}

/* The leaf process at argument 1: the grid and random-feature samplers need
 * one GP's kernel and mean (a combination is an error that says what to do). */
static const gp_process *check_leaf(lua_State *L, const char *fname)
{
    const gp_process *p = check_process(L, 1);
    if (gp_process_posterior(p))
        lgp_error(L, "%s: this process is a posterior; draw it with p:sample(x) or, on a grid, "
                     "p:sample_grid(a, b, n) (pathwise conditioning)",
                  fname);
    if (!gp_process_kernel(p))
        lgp_error(L, "%s: this process is a combination of processes; %s works on one GP built "
                     "with gp.GP{kernel = k, mean = m} (add kernels instead: gp.GP{kernel = k1 + "
                     "k2}), or use f:sample",
                  fname, fname);
    return p;
}

/* One axis of a grid from a, b and the point count (1-D: numbers; 2-D: entry
 * i of tables of two). */
static gp_grid_axis grid_axis(lua_State *L, int i, const char *name)
{
    double a, b;
    lua_Integer n;
    if (i == 0) {
        a = luaL_checknumber(L, 2);
        b = luaL_checknumber(L, 3);
        n = (lua_Integer)lgp_checkcount(L, 4, "number of grid points");
    } else {
        int ok[3];
        lua_geti(L, 2, i);
        lua_geti(L, 3, i);
        lua_geti(L, 4, i);
        a = lua_tonumberx(L, -3, &ok[0]);
        b = lua_tonumberx(L, -2, &ok[1]);
        n = lua_tointegerx(L, -1, &ok[2]);
        lua_pop(L, 3);
        if (!ok[0] || !ok[1] || !ok[2] || n < 1)
            lgp_error(L, "sample_grid: a 2-D grid is sample_grid({ax, ay}, {bx, by}, {nx, ny} "
                         "[, options]) with numbers and counts >= 1; entry %d (%s) is not",
                      i, name);
    }
    gp_grid_axis ax = {a, 0.0, (size_t)n};
    gp_error err;
    if (gp_linspace_step("sample_grid", a, b, (size_t)n, 1, &ax.h, &err))
        lgp_raise(L, &err);
    return ax;
}

/* f:sample_grid(a, b, n [, {n = 1, seed = s, method = "auto"}]) -> S (n x ns), info:
 * exact draws on gp.linspace(a, b, n) by circulant embedding;
 * f:sample_grid({ax, ay}, {bx, by}, {nx, ny} [, options]): the same on the
 * nx x ny grid of a 2-D input, in the order of gp.grid(xs, ys) (x fastest). */
static int p_sample_grid(lua_State *L)
{
    static const char *const known[] = {LGP_DRAW_OPTIONS, "method", NULL};
    static const char *const methods[] = {"auto", "circulant", "dense", NULL};
    static const gp_grid_method codes[] = {GP_GRID_AUTO, GP_GRID_CIRCULANT, GP_GRID_DENSE};
    const gp_process *p = check_process(L, 1);
    const gp_posterior *post = gp_process_posterior(p); /* drawn pathwise (gp_posterior.h) */
    if (!post)
        check_leaf(L, "sample_grid");
    const int two_d = lua_istable(L, 2);
    const gp_grid_axis x = grid_axis(L, two_d ? 1 : 0, "x"),
                       y = two_d ? grid_axis(L, 2, "y") : (gp_grid_axis){0.0, 0.0, 1};
    if (two_d && lua_rawlen(L, 2) != 2)
        return lgp_argerror(L, 2, "a 2-D grid needs two lower ends {ax, ay}, got %zu",
                            (size_t)lua_rawlen(L, 2));
    if (x.n > SIZE_MAX / y.n)
        return lgp_error(L, "sample_grid: %zu x %zu grid points overflow", x.n, y.n);
    lgp_options o;
    lgp_draws d;
    lgp_open_draws(&o, &d, L, 5, "sample_grid", known);
    gp_grid_options go;
    gp_grid_options_default(&go);
    go.method = codes[lgp_opt_choice(&o, "method", 0, methods)];
    gp_matrix *S = lgp_pushdraws(L, x.n * y.n, &d);
    gp_grid_info info;
    gp_report r, parts[2];
    gp_error err;
    lua_State *saved = lgp_enter_core(L);
    gp_code rc = post    ? gp_posterior_sample_grid(post, &x, two_d ? &y : NULL, &go, d.rng, S, &r,
                                                    parts, &err)
                 : two_d ? gp_grid2d_sample(gp_process_kernel(p), gp_process_mean(p), &x, &y, &go,
                                          d.rng, S, &info, &err)
                       : gp_grid_sample(gp_process_kernel(p), gp_process_mean(p), x.a, x.h, &go,
                                        d.rng, S, &info, &err);
    lgp_leave_core(saved);
    if (rc)
        return lgp_raise(L, &err);
    if (post) {
        lgp_push_report_of_parts(L, &r, parts, 2);
    } else {
        gp_report_grid(&r, &info);
        lgp_push_report(L, &r);
    }
    return lgp_return_draws(L, 1);
}

/* gp.sample_kron(kx, ky, xs, ys [, {n = 1, seed = s, mean = m}]) -> S, info:
 * exact draws of the GP with kernel kx(x, x') ky(y, y') on the tensor grid
 * of the points xs and ys, in the order of gp.grid(xs, ys) (x fastest). */
static int l_sample_kron(lua_State *L)
{
    static const char *const known[] = {LGP_DRAW_OPTIONS, "mean", NULL};
    const gp_kernel *kx = lgp_checkkernel(L, 1), *ky = lgp_checkkernel(L, 2);
    gp_matrix *xs = lgp_checkpoints(L, 3), *ys = lgp_checkpoints(L, 4);
    if (xs->rows > SIZE_MAX / ys->rows)
        return lgp_error(L, "sample_kron: %zu x %zu grid points overflow", xs->rows, ys->rows);
    lgp_options o;
    lgp_draws d;
    lgp_open_draws(&o, &d, L, 5, "sample_kron", known);
    gp_func *mean = NULL;
    if (lgp_opt_has(&o, "mean")) {
        lua_getfield(L, 5, "mean");
        if (!lgp_isfunc(L, -1) && lua_type(L, -1) != LUA_TNUMBER)
            return lgp_error(L, "sample_kron: option 'mean' must be a number, a function or "
                                "gp.poly, got %s",
                             lgp_typename(L, -1));
        mean = lgp_tofunc(L, -1, "mean"); /* owned by the value left on the stack */
    }
    gp_matrix *S = lgp_pushdraws(L, xs->rows * ys->rows, &d);
    gp_factor parts[2];
    gp_error err;
    lua_State *saved = lgp_enter_core(L);
    gp_code rc = gp_grid_kron_sample(kx, ky, mean, xs, ys, d.rng, S, parts, &err);
    lgp_leave_core(saved);
    if (rc)
        return lgp_raise(L, &err);
    gp_report r[2], all;
    gp_report_factor(&r[0], &parts[0]);
    gp_report_factor(&r[1], &parts[1]);
    gp_report_kron(&all, r, S->rows);
    lgp_push_report_of_parts(L, &all, r, 2);
    return lgp_return_draws(L, 1);
}

/* f:sample_rff(x [, {features = 2000, n = 1, seed = s}]) -> S (points x ns), info:
 * approximate draws by random Fourier features. */
static int p_sample_rff(lua_State *L)
{
    static const char *const known[] = {LGP_DRAW_OPTIONS, "features", NULL};
    const gp_process *p = check_leaf(L, "sample_rff");
    gp_matrix *X = lgp_checkpoints(L, 2);
    lgp_options o;
    lgp_draws d;
    lgp_open_draws(&o, &d, L, 3, "sample_rff", known);
    lua_Integer J = lgp_opt_integer(&o, "features", 2000);
    if (J < 1)
        return lgp_error(L, "sample_rff: option 'features' must be >= 1, got %lld", (long long)J);
    gp_matrix *S = lgp_pushdraws(L, X->rows, &d);
    gp_rff_info info;
    gp_error err;
    lua_State *saved = lgp_enter_core(L);
    gp_code rc = gp_rff_sample(gp_process_kernel(p), gp_process_mean(p), X, (size_t)J, d.rng, S,
                               &info, &err);
    lgp_leave_core(saved);
    if (rc)
        return lgp_raise(L, &err);
    gp_report r;
    gp_report_rff(&r, &info, X->rows);
    lgp_push_report(L, &r);
    return lgp_return_draws(L, 1);
}

LGP_BOX_ADAPTERS(process)

static const luaL_Reg process_methods[] = {
    {"mean", p_mean},     {"var", p_var},       {"sd", p_sd},
    {"cov", p_cov},       {"band", p_band},     {"pdf", p_pdf},
    {"sample", p_sample}, {"sample_grid", p_sample_grid}, {"sample_rff", p_sample_rff},
    {"kernel", p_kernel}, {"is_gaussian", p_is_gaussian}, {"derivative", p_derivative},
    {NULL, NULL}};

static const luaL_Reg process_meta[] = {
    {"__add", p_add}, {"__sub", p_sub}, {"__mul", p_mul}, {"__unm", p_unm}, {NULL, NULL}};

static const lgp_type process_type = {"gprior.process", "process", release_process,
                                      describe_process, process_methods, process_meta};

void lgp_open_process(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"GP", l_GP},           {"sample_joint", l_sample_joint}, {"mvn_sample", l_mvn_sample},
        {"sample_kron", l_sample_kron}, {NULL, NULL}};
    lgp_newtype(L, &process_type);
    luaL_getmetatable(L, process_type.name); /* the inference methods join the others */
    lua_getfield(L, -1, "__index");
    luaL_setfuncs(L, lgp_posterior_methods, 0);
    lua_pop(L, 2);
    luaL_setfuncs(L, functions, 0);
    luaL_setfuncs(L, lgp_posterior_functions, 0);
}
