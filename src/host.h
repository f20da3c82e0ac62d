/* host.h: the `gprior` command's own parts (main.c parses the command line;
 * host_run.c runs chunks and scripts; host_repl.c is the interactive prompt). */
#ifndef HOST_H
#define HOST_H

#include <lua.h>

/* Exit statuses of `gprior` (and of each run under `gprior batch`). */
enum {
    HOST_EXIT_OK = 0,
    HOST_EXIT_SCRIPT = 1,     /* the script failed: message with file:line + traceback */
    HOST_EXIT_USAGE = 2,      /* bad command line, or a script that cannot be opened */
    HOST_EXIT_LOST = 3,       /* the run's log or record could not be written (disk full?) */
    HOST_EXIT_TIMEOUT = 124,  /* stopped by --timeout (as timeout(1)) */
    HOST_EXIT_INTERRUPT = 130 /* stopped by Ctrl-C (SIGINT) */
};

typedef struct host_opts {
    const char **chunks;  /* -e CODE, in order */
    int nchunks;
    const char *script;   /* a file, "-" for standard input, or NULL */
    int interactive;      /* a prompt after the chunks and script (-i, or no script on a terminal) */
    const char *outdir;   /* --out (default "plots") */
    const char *seed;     /* --seed as validated decimal text (default "1") */
    const char **sets;    /* --set NAME=VALUE */
    int nsets;
    int list_params;      /* --params: list the script's parameters, run nothing else */
    int record;           /* --record: log, record and source copy in --out, which the run owns */
    unsigned timeout;     /* --timeout seconds, 0 = none */
    int nargs;            /* script arguments */
    char **args;
    int argc;             /* the whole command line, for the record */
    char **argv;
} host_opts;

/* SIGINT, SIGTERM, SIGHUP, SIGQUIT (unless ignored at start) remove the
 * temporary files of a save in progress before the process dies of them.
 * While a chunk runs, SIGINT instead stops it with a Lua error (host_run). */
void host_catch_fatal_signals(void);

/* Run what o asks for; returns the exit status. */
int host_run(const host_opts *o);

/* The interactive prompt on state L (gp loaded, global): like `lua -i`, with
 * line editing and history; expressions are printed. Returns when the input
 * ends. docall runs the function on top of the stack with nargs arguments
 * under a traceback handler and Ctrl-C handling; it returns a LUA_* status. */
typedef int (*host_docall)(lua_State *L, int nargs, int nresults);
void host_repl(lua_State *L, host_docall docall);

/* Print a Lua error message (the value on top of the stack) on stderr as
 * "gprior: MESSAGE", and pop it. */
void host_report(lua_State *L);

#endif
