/* main.c: the gprior command, modelled on Lua's lua.c.
 *
 *   gprior run SCRIPT [--seed N] [--out DIR] [-- ARGS...]
 *   gprior -e 'CODE' [--seed N] [--out DIR]
 *   gprior --help | --version
 *
 * Everything runs under lua_pcall with a traceback handler. Exit status:
 * 0 success, 1 the script failed (message with file:line and a traceback),
 * 2 bad command line or a script that cannot be opened. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lualib.h>

#include "batch.h"
#include "lgprior.h"

#define EXIT_SCRIPT 1
#define EXIT_USAGE 2

static const char *progname = "gprior";

static const char usage_text[] =
    "usage: gprior run SCRIPT [--seed N] [--out DIR] [-- ARGS...]\n"
    "       gprior -e CODE [--seed N] [--out DIR]\n"
    "       gprior batch [DIR|FILES...] [-j N] [--seed N] [--out DIR]\n"
    "       gprior --help | --version\n"
    "\n"
    "Build, sample and draw Gaussian-process priors from Lua 5.4 scripts.\n"
    "\n"
    "  run SCRIPT   run a Lua script; ARGS after -- are in the global 'arg'\n"
    "               table (arg[0] = SCRIPT) and in the script's '...'\n"
    "  -e CODE      run CODE; the module is also the global 'gp'\n"
    "  batch        run many scripts (default lua/chapter/*.lua), N at a time, each\n"
    "               in its own process with a log; a summary and OUT/index.html\n"
    "  --seed N     seed of the random generator (default 1; printed on stderr)\n"
    "  --out DIR    folder for relative figure and data names (default plots)\n"
    "  --help       this text\n"
    "  --version    the version\n"
    "\n"
    "Exit status: 0 ok, 1 the script failed, 2 bad command line or missing script.\n";

typedef struct options {
    const char *script; /* run: the script path */
    const char *code;   /* -e: the code */
    const char *outdir;
    unsigned long long seed;
    int nargs;          /* script arguments after -- */
    char **args;
} options;

static int usage_error(const char *problem, const char *what)
{
    fprintf(stderr, "%s: %s%s%s%s (see '%s --help')\n", progname, problem, what ? " '" : "",
            what ? what : "", what ? "'" : "", progname);
    return EXIT_USAGE;
}

/* Parse argv into o; returns 0, or an exit status after printing the problem. */
static int parse_args(int argc, char **argv, options *o)
{
    if (argc < 2)
        return usage_error("missing command: run SCRIPT or -e CODE", NULL);
    int i = 1;
    if (strcmp(argv[1], "run") == 0) {
        i = 2;
    } else if (strcmp(argv[1], "-e") == 0) {
        if (argc < 3)
            return usage_error("-e needs the code to run", NULL);
        o->code = argv[2];
        i = 3;
    } else if (argv[1][0] == '-') {
        return usage_error("unknown option", argv[1]);
    } else {
        return usage_error("unknown command", argv[1]);
    }
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            o->nargs = argc - i - 1;
            o->args = argv + i + 1;
            break;
        } else if (strcmp(a, "--seed") == 0 || strcmp(a, "--out") == 0) {
            if (i + 1 >= argc)
                return usage_error("missing value for option", a);
            const char *v = argv[++i];
            if (a[2] == 's' && !lgp_parse_seed(v, &o->seed))
                return usage_error("bad --seed (expected an integer 0..2^63-1):", v);
            if (a[2] == 'o') {
                if (v[0] == '\0')
                    return usage_error("--out needs a folder name", NULL);
                o->outdir = v;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option", a);
        } else if (!o->code && !o->script) {
            o->script = a;
        } else {
            return usage_error("unexpected argument (script arguments go after --):", a);
        }
    }
    if (!o->code && !o->script)
        return usage_error("run needs a script", NULL);
    return 0;
}

/* Message handler: add a traceback to the error (as lua.c's msghandler). */
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

/* Runs under lua_pcall: open the libraries, set up, load and call the chunk. */
static int pmain(lua_State *L)
{
    const options *o = lua_touserdata(L, 1);
    luaL_openlibs(L);
    luaL_requiref(L, "gprior", luaopen_gprior, 0);
    lgp_set_seed(L, o->seed);
    lgp_set_outdir(L, o->outdir);
    if (o->code) {
        lua_setglobal(L, "gp");
    } else {
        lua_pop(L, 1);
    }

    lua_createtable(L, o->nargs, 1); /* the global arg, as in lua.c */
    lua_pushstring(L, o->script ? o->script : "-e");
    lua_rawseti(L, -2, 0);
    for (int i = 0; i < o->nargs; i++) {
        lua_pushstring(L, o->args[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setglobal(L, "arg");

    fprintf(stderr, "%s: seed %llu\n", progname, o->seed);
    int status = o->code ? luaL_loadbuffer(L, o->code, strlen(o->code), "=(command line)")
                         : luaL_loadfile(L, o->script);
    if (status == LUA_ERRFILE) {
        lua_pushinteger(L, EXIT_USAGE);
        lua_insert(L, -2);
        return 2; /* exit status, message */
    }
    if (status != LUA_OK)
        return lua_error(L); /* a syntax error: file:line is in the message */

    lua_pushcfunction(L, msghandler);
    lua_insert(L, -2);
    int base = lua_gettop(L) - 1;
    luaL_checkstack(L, o->nargs, "too many script arguments");
    for (int i = 0; i < o->nargs; i++)
        lua_pushstring(L, o->args[i]);
    status = lua_pcall(L, o->nargs, 0, base);
    if (status != LUA_OK)
        return lua_error(L); /* already has its traceback */
    lua_pushinteger(L, EXIT_SUCCESS);
    lua_pushnil(L);
    return 2;
}

int main(int argc, char **argv)
{
    options o = {NULL, NULL, LGP_DEFAULT_OUTDIR, LGP_DEFAULT_SEED, 0, NULL};
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage_text, stdout);
        return EXIT_SUCCESS;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("gprior %s (%s)\n", GPRIOR_VERSION, LUA_RELEASE);
        return EXIT_SUCCESS;
    }
    if (argc >= 2 && strcmp(argv[1], "batch") == 0) {
        char self[4096];
        ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
        if (len <= 0) {
            fprintf(stderr, "%s: cannot find the gprior binary (/proc/self/exe)\n", progname);
            return EXIT_USAGE;
        }
        self[len] = '\0';
        return batch_main(argc - 2, argv + 2, self);
    }
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc;

    lua_State *L = luaL_newstate();
    if (L == NULL) {
        fprintf(stderr, "%s: cannot create a Lua state: not enough memory\n", progname);
        return EXIT_SCRIPT;
    }
    lua_pushcfunction(L, pmain);
    lua_pushlightuserdata(L, &o);
    int status = lua_pcall(L, 1, 2, 0);
    if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        fprintf(stderr, "%s: %s\n", progname, msg ? msg : "(error object is not a string)");
        rc = EXIT_SCRIPT;
    } else {
        rc = (int)lua_tointeger(L, -2);
        if (lua_isstring(L, -1)) /* the script could not be opened */
            fprintf(stderr, "%s: %s\n", progname, lua_tostring(L, -1));
    }
    lua_close(L);
    return rc;
}
