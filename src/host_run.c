/* host_run.c: run -e chunks, a script file or standard input, and the prompt,
 * as Lua's lua.c does: everything under lua_pcall with a traceback handler;
 * Ctrl-C sets a hook that raises "interrupted" at the next Lua instruction (a
 * second Ctrl-C ends the process at once); --timeout does the same from SIGALRM
 * and, if the script is stuck outside Lua, ends the process after a grace time.
 *
 * With --record the run owns its --out folder: its output (stdout and stderr)
 * goes to OUT/NAME.log, the script is copied to OUT/NAME.lua, and OUT/NAME.run.tsv
 * (batch_record.h) says what ran, with which parameters and seed, and how it
 * ended. Every write is checked: a log or record that could not be written
 * whole (a full disk) is exit status 3, reported on the original stderr. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lualib.h>

#include "batch_record.h"
#include "batch_util.h"
#include "gp_file.h"
#include "host.h"
#include "lgprior.h"

#define TIMEOUT_GRACE 2 /* seconds after --timeout before a script stuck outside Lua is ended */

/* ---- signals (lua.c's technique) ------------------------------------------------ */
static lua_State *globalL;
static volatile sig_atomic_t stop_reason; /* SIGINT or SIGALRM, once asked to stop */
static unsigned timeout_secs;

/* The hook that a signal sets: raise the error where the script is now
 * (luaL_where level 0: the running function, not its caller). */
static void lstop(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    luaL_where(L, 0);
    if (stop_reason == SIGALRM)
        lua_pushfstring(L, "timeout: stopped after --timeout %d s", (int)timeout_secs);
    else
        lua_pushliteral(L, "interrupted (Ctrl-C)");
    lua_concat(L, 2);
    lua_error(L);
}

/* A signal that ends the process: remove the temporary files of a save in
 * progress (gp_file_remove_temporaries is async-signal-safe), then die of the
 * signal with its default action, so the exit status says what happened. */
static void on_fatal_signal(int sig)
{
    gp_file_remove_temporaries();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Only async-signal-safe work here: a flag, lua_sethook (documented as safe),
 * alarm. A second signal (Ctrl-C again, or the alarm after the grace time)
 * ends the process at once. */
static void on_stop_signal(int sig)
{
    if (stop_reason) {
        on_fatal_signal(sig);
        return;
    }
    stop_reason = sig;
    if (globalL)
        lua_sethook(globalL, lstop, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
    if (sig == SIGALRM)
        alarm(TIMEOUT_GRACE);
}

/* on: the signal stops the script with a Lua error; off: it ends the process
 * (after removing temporaries). */
static void catch_signal(int sig, int on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on ? on_stop_signal : on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

void host_catch_fatal_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct sigaction old;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            catch_signal(sigs[i], 0); /* ignored at start (nohup): stays ignored */
}

/* ---- errors --------------------------------------------------------------------- */
static int msghandler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

void host_report(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "gprior: %s\n", msg ? msg : "(error object is not a string)");
    fflush(stderr);
    lua_pop(L, 1);
}

/* Call the function below nargs arguments under the traceback handler, with
 * Ctrl-C turned into a Lua error while it runs. */
static int docall(lua_State *L, int nargs, int nresults)
{
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    globalL = L;
    catch_signal(SIGINT, 1);
    int status = lua_pcall(L, nargs, nresults, base);
    catch_signal(SIGINT, 0);
    lua_remove(L, base);
    return status;
}

/* ---- the run record ---------------------------------------------------------------- */
typedef struct run_state {
    const host_opts *o;
    int active;          /* a record is kept (--record) */
    int plain;           /* a plain run: a record only if it saves a figure */
    int finished;
    char *name;          /* the script's name, without .lua */
    char *dir;           /* --out */
    char *record_path, *log_path, *figlog_path;
    int log_fd;          /* the log (also stdout and stderr), or -1 */
    int host_err;        /* the original stderr while the log replaces it, or -1 */
    double t0;
    run_record rec;
} run_state;

static run_state run = {.log_fd = -1, .host_err = -1};

/* A message for the user that must not be lost in a log that cannot be
 * written: on the original stderr. */
static void host_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void host_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdprintf(run.host_err >= 0 ? run.host_err : STDERR_FILENO, fmt, ap);
    va_end(ap);
}

static char *script_name(const char *path)
{
    const char *base = strrchr(path, '/');
    char *name = batch_strf("%s", base ? base + 1 : path);
    size_t n = strlen(name);
    if (n > 4 && strcmp(name + n - 4, ".lua") == 0)
        name[n - 4] = '\0';
    return name;
}

/* "cd CWD && /abs/gprior ARGS...": the command that repeats this run. */
static char *command_text(const host_opts *o)
{
    char cwd[PATH_MAX], self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    char *q = batch_shell_quote(getcwd(cwd, sizeof cwd) ? cwd : ".");
    char *s = batch_strf("cd %s &&", q);
    free(q);
    for (int i = 0; i < o->argc; i++) {
        q = batch_shell_quote(i == 0 && n > 0 ? self : o->argv[i]);
        char *t = batch_strf("%s %s", s, q);
        free(s);
        free(q);
        s = t;
    }
    return s;
}

static char *utc_now(void)
{
    char buf[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return batch_strf("%s", buf);
}

static int write_record(void)
{
    char err[600];
    run.rec.seconds = batch_now() - run.t0;
    if (run_record_write(&run.rec, run.record_path, err, sizeof err) != 0) {
        host_say("gprior: cannot write the run record: %s\n", err);
        return -1;
    }
    return 0;
}

/* Copy the script beside its outputs (unless it is that copy already). */
static int copy_source(const char *script, const char *copy)
{
    char *a = realpath(script, NULL), *b = realpath(copy, NULL);
    int same = a && b && strcmp(a, b) == 0;
    free(a);
    free(b);
    if (same)
        return 0;
    FILE *in = fopen(script, "rb");
    if (!in) {
        host_say("gprior: cannot open '%s': %s\n", script, strerror(errno));
        return HOST_EXIT_USAGE;
    }
    gp_file out;
    gp_error e;
    int rc = 0;
    if (gp_file_begin(&out, copy, &e) != GP_OK) {
        rc = HOST_EXIT_LOST;
    } else {
        char buf[8192];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, in)) > 0)
            fwrite(buf, 1, got, out.f);
        if (ferror(in)) {
            gp_file_abort(&out);
            snprintf(e.msg, sizeof e.msg, "cannot read '%s'", script);
            rc = HOST_EXIT_USAGE;
        } else if (gp_file_commit(&out, &e) != GP_OK) {
            rc = HOST_EXIT_LOST;
        }
    }
    fclose(in);
    if (rc)
        host_say("gprior: %s\n", e.msg);
    return rc;
}

/* The fields every record has, from the command line (the parameters are
 * replaced by the declared ones once the script has declared them). */
static void fill_record(const host_opts *o, const char *source)
{
    run_record *r = &run.rec;
    run_record_set(&r->script, run.name);
    r->part = run_record_part(o->script);
    run_record_set(&r->source, source);
    r->description = run_record_description(o->script);
    r->command = command_text(o);
    run_record_set(&r->seed, o->seed);
    for (int i = 0; i < o->nsets; i++) {
        const char *eq = strchr(o->sets[i], '=');
        char *name = batch_strf("%.*s", (int)(eq ? eq - o->sets[i] : 0), o->sets[i]);
        run_record_add_param(r, name, eq ? eq + 1 : "", "string", "set", "");
        free(name);
    }
    run_record_set(&r->status, "running");
    r->started = utc_now();
    run.record_path = batch_strf("%s/%s%s", run.dir, run.name, RECORD_SUFFIX);
}

/* A plain run of a script file keeps its record only if it saves a figure
 * (then OUT/NAME.run.tsv says which command made it); the figures are listed
 * in a private temporary file meanwhile. */
static void plain_record(const host_opts *o)
{
    if (!o->script || strcmp(o->script, "-") == 0 || o->list_params)
        return;
    const char *tmp = getenv("TMPDIR");
    char *path = batch_strf("%s/gprior-figures-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        free(path);
        return; /* no record: the run itself is not affected */
    }
    close(fd);
    run.plain = 1;
    run.t0 = batch_now();
    run.name = script_name(o->script);
    run.dir = batch_strf("%s", o->outdir);
    run.figlog_path = path;
    setenv("GPRIOR_FIGURE_LOG", path, 1);
    char *abs = realpath(o->script, NULL);
    fill_record(o, abs ? abs : o->script);
    free(abs);
}

/* --record: the folder, the log (which becomes stdout and stderr), the source
 * copy and the first record. Returns 0 or an exit status. */
static int open_record(const host_opts *o)
{
    if (!o->script || strcmp(o->script, "-") == 0) {
        fputs("gprior: --record needs a script file\n", stderr);
        return HOST_EXIT_USAGE;
    }
    if (access(o->script, R_OK) != 0) {
        fprintf(stderr, "gprior: cannot open %s: %s\n", o->script, strerror(errno));
        return HOST_EXIT_USAGE;
    }
    run.active = 1;
    run.t0 = batch_now();
    run.name = script_name(o->script);
    run.dir = batch_strf("%s", o->outdir);
    gp_error e;
    if (gp_file_make_dir(run.dir, &e) != GP_OK) {
        fprintf(stderr, "gprior: %s\n", e.msg);
        return HOST_EXIT_LOST;
    }
    run.log_path = batch_strf("%s/%s.log", run.dir, run.name);
    run.figlog_path = batch_strf("%s/.%s.figures", run.dir, run.name);
    char *copy = batch_strf("%s/%s.lua", run.dir, run.name);
    int rc = copy_source(o->script, copy);
    free(copy);
    if (rc)
        return rc;
    char *source = batch_strf("%s.lua", run.name);
    fill_record(o, source);
    free(source);
    run_record *r = &run.rec;
    char *log = batch_strf("%s.log", run.name);
    run_record_set(&r->log, log);
    free(log);
    r->own_folder = 1;

    unlink(run.figlog_path);
    setenv("GPRIOR_FIGURE_LOG", run.figlog_path, 1);
    run.log_fd = open(run.log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (run.log_fd < 0) {
        fprintf(stderr, "gprior: cannot write the log '%s': %s\n", run.log_path, strerror(errno));
        return HOST_EXIT_LOST;
    }
    fflush(stdout);
    fflush(stderr);
    run.host_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (run.host_err < 0 || dup2(run.log_fd, STDOUT_FILENO) < 0 ||
        dup2(run.log_fd, STDERR_FILENO) < 0) {
        fprintf(stderr, "gprior: cannot redirect output to '%s': %s\n", run.log_path,
                strerror(errno));
        return HOST_EXIT_LOST;
    }
    return write_record() == 0 ? 0 : HOST_EXIT_LOST;
}

/* The script's parameters are known (lgp_params_setup's on_ready): print them
 * in the log, record them; for --params list them and end the run here. */
static int params_ready(lua_State *L)
{
    const host_opts *o = run.o;
    lua_Integer n = luaL_len(L, 1);
    if (o->list_params) {
        if (n == 0)
            printf("%s declares no parameters\n", o->script ? o->script : "the script");
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, 1, i);
            lua_getfield(L, -1, "name");
            lua_getfield(L, -2, "type");
            lua_getfield(L, -3, "default");
            lua_getfield(L, -4, "doc");
            lua_getfield(L, -5, "origin");
            lua_getfield(L, -6, "value");
            int set = strcmp(lua_tostring(L, -2), "set") == 0;
            printf("%-16s %-8s %-12s %s%s%s%s\n", lua_tostring(L, -6), lua_tostring(L, -5),
                   lua_tostring(L, -4), lua_tostring(L, -3), set ? " (set to " : "",
                   set ? lua_tostring(L, -1) : "", set ? ")" : "");
            lua_pop(L, 7);
        }
        fflush(stdout);
        exit(ferror(stdout) ? HOST_EXIT_LOST : HOST_EXIT_OK);
    }
    if (n == 0)
        return 0;
    run_record *r = &run.rec;
    for (size_t i = 0; i < r->nparams; i++) {
        run_param *p = &r->params[i];
        free(p->name), free(p->value), free(p->type), free(p->origin), free(p->doc);
    }
    r->nparams = 0;
    fputs("gprior: parameters", stderr);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        lua_getfield(L, -1, "name");
        lua_getfield(L, -2, "value");
        lua_getfield(L, -3, "type");
        lua_getfield(L, -4, "origin");
        lua_getfield(L, -5, "doc");
        fprintf(stderr, "%s %s=%s%s", i > 1 ? "," : "", lua_tostring(L, -5), lua_tostring(L, -4),
                strcmp(lua_tostring(L, -2), "set") == 0 ? " (set)" : "");
        run_record_add_param(r, lua_tostring(L, -5), lua_tostring(L, -4), lua_tostring(L, -3),
                             lua_tostring(L, -2), lua_tostring(L, -1));
        lua_pop(L, 6);
    }
    fputc('\n', stderr);
    if (run.active)
        write_record();
    return 0;
}

/* Check that standard output and the log got every byte written to them. */
static int streams_ok(const char **what, int *err)
{
    *err = 0;
    if (fflush(stdout) != 0)
        *err = errno;
    int bad = ferror(stdout) || *err;
    if (!bad && fflush(stderr) != 0)
        *err = errno;
    bad = bad || ferror(stderr) || *err;
    if (!bad && run.log_fd >= 0 && fsync(run.log_fd) != 0 && errno != EINVAL) {
        *err = errno;
        bad = 1;
    }
    *what = run.log_fd >= 0 ? run.log_path : "standard output";
    return !bad;
}

/* The end of the run (normal, an error, or os.exit): complete and write the
 * record, check the output. Returns the exit status to use. */
static int finish_run(int code, const char *message)
{
    if (run.finished)
        return code;
    run.finished = 1;
    if (stop_reason == SIGINT)
        code = HOST_EXIT_INTERRUPT;
    else if (stop_reason == SIGALRM)
        code = HOST_EXIT_TIMEOUT;
    const char *what;
    int err;
    int lost = !streams_ok(&what, &err);
    if (lost) {
        host_say("gprior: output lost: '%s' could not be written whole (%s)\n", what,
                 err ? strerror(err) : "a write failed");
        if (message && run.log_fd >= 0)
            host_say("gprior: %s\n", message);
    }
    if (run.plain) {
        run_record_read_figures(&run.rec, run.figlog_path, run.dir);
        unlink(run.figlog_path);
        if (run.rec.nfigures > 0)
            run.active = 1;
    }
    if (run.active) {
        run_record *r = &run.rec;
        const char *status = code == HOST_EXIT_OK ? "ok"
                             : code == HOST_EXIT_INTERRUPT ? "interrupted"
                             : code == HOST_EXIT_TIMEOUT ? "timeout" : "failed";
        run_record_set(&r->status, lost ? "lost" : status);
        r->exit_code = lost ? HOST_EXIT_LOST : code;
        char *why = lost ? batch_strf("'%s' could not be written whole (%s)", what,
                                      err ? strerror(err) : "a write failed")
                         : NULL;
        run_record_set(&r->message, why ? why : message);
        free(why);
        run_record_read_checks(r, run.log_path);
        run_record_read_figures(r, run.figlog_path, run.dir);
        if (write_record() != 0)
            lost = 1;
        else
            unlink(run.figlog_path);
    }
    return lost ? HOST_EXIT_LOST : code;
}

static void free_run(void)
{
    run_record_free(&run.rec);
    free(run.name);
    free(run.dir);
    free(run.record_path);
    free(run.log_path);
    free(run.figlog_path);
    if (run.log_fd >= 0)
        close(run.log_fd);
    if (run.host_err >= 0)
        close(run.host_err);
}

/* os.exit, wrapped so that the record is completed first. */
static int l_exit(lua_State *L)
{
    int code = lua_isboolean(L, 1) ? (lua_toboolean(L, 1) ? EXIT_SUCCESS : EXIT_FAILURE)
                                   : (int)luaL_optinteger(L, 1, EXIT_SUCCESS);
    char *msg = code ? batch_strf("os.exit(%d)", code) : NULL;
    int final = finish_run(code, msg);
    free(msg);
    if (final != code) {
        lua_pushinteger(L, final);
        lua_replace(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 0);
    return 0;
}

static void wrap_exit(lua_State *L)
{
    lua_getglobal(L, "os");
    lua_getfield(L, -1, "exit");
    lua_pushcclosure(L, l_exit, 1);
    lua_setfield(L, -2, "exit");
    lua_pop(L, 1);
}

/* ---- running -------------------------------------------------------------------- */
/* The first line of the error on top of the stack (for the record); malloc'ed. */
static char *first_line(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    if (!msg)
        return batch_strf("(error object is not a string)");
    return batch_strf("%.*s", (int)strcspn(msg, "\n"), msg);
}

static int params_finish(lua_State *L)
{
    lgp_params_finish(L);
    return 0;
}

static int params_setup(lua_State *L)
{
    const host_opts *o = lua_touserdata(L, 1);
    lgp_params_setup(L, o->sets, o->nsets, params_ready);
    return 0;
}

/* Under lua_pcall: set up, run the chunks, the script and the prompt. Returns
 * the exit status (an integer) and the first line of the error or nil. */
static int pmain(lua_State *L)
{
    const host_opts *o = lua_touserdata(L, 1);
    luaL_openlibs(L);
    luaL_requiref(L, "gprior", luaopen_gprior, 0);
    lgp_set_seed(L, strtoull(o->seed, NULL, 10));
    lgp_set_outdir(L, o->outdir);
    if (o->nchunks || !o->script || o->interactive || strcmp(o->script, "-") == 0)
        lua_setglobal(L, "gp");
    else
        lua_pop(L, 1);
    wrap_exit(L);

    lua_createtable(L, o->nargs, 1); /* the global arg, as in lua.c */
    lua_pushstring(L, o->script ? o->script : o->nchunks ? "-e" : "gprior");
    lua_rawseti(L, -2, 0);
    for (int i = 0; i < o->nargs; i++) {
        lua_pushstring(L, o->args[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setglobal(L, "arg");
    lua_pushcfunction(L, params_setup);
    lua_pushlightuserdata(L, (void *)o);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) { /* a malformed --set */
        lua_pushinteger(L, HOST_EXIT_USAGE);
        lua_insert(L, -2);
        return 2;
    }

    int repl_only = o->interactive && !o->script && !o->nchunks;
    if (!repl_only && !o->list_params)
        fprintf(stderr, "gprior: seed %s\n", o->seed);
    timeout_secs = o->timeout;
    if (o->timeout) {
        globalL = L;
        catch_signal(SIGALRM, 1);
        alarm(o->timeout);
    }
    int status = LUA_OK;
    for (int i = 0; i < o->nchunks && status == LUA_OK; i++) {
        status = luaL_loadbuffer(L, o->chunks[i], strlen(o->chunks[i]), "=(command line)");
        const int nargs = o->script ? 0 : o->nargs; /* -e CODE -- ARGS: the chunk's ... */
        if (status == LUA_OK) {
            luaL_checkstack(L, nargs, "too many arguments");
            for (int a = 0; a < nargs; a++)
                lua_pushstring(L, o->args[a]);
            status = docall(L, nargs, 0);
        }
    }
    if (status == LUA_OK && o->script) {
        const char *file = strcmp(o->script, "-") == 0 ? NULL : o->script;
        status = luaL_loadfile(L, file);
        if (status == LUA_ERRFILE) {
            lua_pushinteger(L, HOST_EXIT_USAGE);
            lua_insert(L, -2);
            return 2;
        }
        if (status == LUA_OK) {
            luaL_checkstack(L, o->nargs, "too many script arguments");
            for (int i = 0; i < o->nargs; i++)
                lua_pushstring(L, o->args[i]);
            status = docall(L, o->nargs, 0);
        }
    }
    if (status == LUA_OK && !repl_only) {
        lua_pushcfunction(L, params_finish); /* an unknown --set in a script without gp calls */
        status = docall(L, 0, 0);
    }
    if (status != LUA_OK) {
        char *line = first_line(L);
        host_report(L);
        lua_pushinteger(L, HOST_EXIT_SCRIPT);
        lua_pushstring(L, line);
        free(line);
        return 2;
    }
    if (o->interactive) {
        printf("gprior %s (%s): gp is loaded, seed %s; expressions are printed; Ctrl-D quits\n",
               GPRIOR_VERSION, LUA_RELEASE, o->seed);
        host_repl(L, docall);
        stop_reason = 0; /* a Ctrl-C at the prompt stopped one line, not the session */
    }
    lua_pushinteger(L, HOST_EXIT_OK);
    lua_pushnil(L);
    return 2;
}

int host_run(const host_opts *o)
{
    run.o = o;
    if (o->record && !o->list_params) {
        int rc = open_record(o);
        if (rc)
            return rc;
    } else {
        plain_record(o);
    }
    lua_State *L = luaL_newstate();
    if (L == NULL) {
        fputs("gprior: cannot create a Lua state: not enough memory\n", stderr);
        return finish_run(HOST_EXIT_SCRIPT, "not enough memory");
    }
    lua_pushcfunction(L, pmain);
    lua_pushlightuserdata(L, (void *)o);
    int rc;
    char *message = NULL;
    if (lua_pcall(L, 1, 2, 0) != LUA_OK) {
        message = first_line(L);
        host_report(L);
        rc = HOST_EXIT_SCRIPT;
    } else {
        rc = (int)lua_tointeger(L, -2);
        if (rc == HOST_EXIT_USAGE) { /* the script could not be opened */
            fprintf(stderr, "gprior: %s\n", lua_tostring(L, -1));
            message = batch_strf("%s", lua_tostring(L, -1));
        } else if (lua_isstring(L, -1)) {
            message = batch_strf("%s", lua_tostring(L, -1));
        }
    }
    alarm(0);
    rc = finish_run(rc, message);
    free(message);
    lua_close(L);
    free_run();
    return rc;
}
