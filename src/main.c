/* main.c: the gprior command, modelled on Lua's lua.c.
 *
 *   gprior [OPTIONS] [SCRIPT [ARGS...]]     a script (or - for standard input);
 *                                           no script: the prompt on a terminal,
 *                                           else the script on standard input
 *   gprior run SCRIPT [OPTIONS] [-- ARGS...]
 *   gprior batch ...  |  gprior gallery OUT  |  gprior --help | --version
 *
 * This file only reads the command line; host_run.c runs things. Exit status:
 * 0 success, 1 the script failed, 2 bad command line or a script that cannot be
 * opened, 3 output lost (a log or record that could not be written), 124 timeout,
 * 130 interrupted (host.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>
#include <lua.h>

#include "batch.h"
#include "batch_util.h"
#include "gp_blas.h"
#include "host.h"
#include "lgprior.h"

static const char usage_text[] =
    "usage: gprior [OPTIONS] [SCRIPT [ARGS...]]\n"
    "       gprior run SCRIPT [OPTIONS] [-- ARGS...]\n"
    "       gprior batch [SCRIPT|DIR [SWEEP OPTIONS]]... [OPTIONS]   (see gprior batch --help)\n"
    "       gprior gallery OUT\n"
    "       gprior --help | --version\n"
    "\n"
    "Build, sample and draw Gaussian-process priors from Lua 5.4 scripts.\n"
    "\n"
    "  SCRIPT         run a Lua script (- : standard input); ARGS are in the global\n"
    "                 'arg' (arg[0] = SCRIPT) and in the script's '...'. Without a\n"
    "                 script: a prompt on a terminal (like lua -i), else standard input\n"
    "  run SCRIPT     the same; options may follow the script, ARGS go after --\n"
    "  -e CODE        run CODE (repeatable, in order; before SCRIPT); gp is a global\n"
    "  -i             the prompt after the script or the -e code\n"
    "  --seed N       seed of the random generator (default 1; printed on stderr)\n"
    "  --out DIR      folder for relative figure and data names (default plots)\n"
    "  --set NAME=V   set the script parameter NAME (gp.param) to V (repeatable)\n"
    "  --params       list the script's parameters (name, type, default, doc); run nothing else\n"
    "  --record       the run owns --out: its output goes to OUT/NAME.log, the script is\n"
    "                 copied to OUT/NAME.lua, and OUT/NAME.run.tsv records the run\n"
    "  --timeout S    stop the script after S seconds (exit status 124)\n"
    "  batch          run many scripts, sweeps and seeds, N at a time, into OUT/index.html\n"
    "  gallery OUT    rebuild OUT/index.html from the run records in OUT\n"
    "  --help         this text\n"
    "  --version      the version\n"
    "  (options also take the form --seed=N, --out=DIR, --set=NAME=V, --timeout=S)\n"
    "\n"
    "Exit status: 0 ok, 1 the script failed, 2 bad command line or missing script,\n"
    "3 its output could not be written (disk full?), 124 timeout, 130 interrupted.\n";

static int usage_error(const char *problem, const char *what)
{
    fprintf(stderr, "gprior: %s%s%s%s (see 'gprior --help')\n", problem, what ? " '" : "",
            what ? what : "", what ? "'" : "");
    return HOST_EXIT_USAGE;
}

/* Options taking a value: "--seed N" or "--seed=N". Returns the option's
 * canonical name and sets *value (NULL if missing), or NULL if a is not one. */
static const char *valued_option(int argc, char **argv, int *i, const char **value)
{
    static const char *const names[] = {"--seed", "--out", "--set", "--timeout", "-e", NULL};
    const char *a = argv[*i];
    for (int k = 0; names[k]; k++) {
        size_t n = strlen(names[k]);
        if (strncmp(a, names[k], n) != 0)
            continue;
        if (a[n] == '=' && k < 4) {
            *value = a + n + 1;
            return names[k];
        }
        if (a[n] == '\0') {
            *value = *i + 1 < argc ? argv[++*i] : NULL;
            return names[k];
        }
    }
    return NULL;
}

/* One option at argv[*i] into o. Returns 0, 1 if a is not an option, or an exit status. */
static int parse_option(int argc, char **argv, int *i, host_opts *o)
{
    const char *a = argv[*i], *v = NULL;
    const char *name = valued_option(argc, argv, i, &v);
    if (name) {
        if (!v)
            return usage_error("missing value for option", name);
        if (strcmp(name, "--seed") == 0) {
            if (!batch_seed_ok(v))
                return usage_error("bad --seed (expected an integer 0..2^63-1):", v);
            o->seed = v;
        } else if (strcmp(name, "--out") == 0) {
            if (!*v)
                return usage_error("--out needs a folder name", NULL);
            o->outdir = v;
        } else if (strcmp(name, "--set") == 0) {
            o->sets[o->nsets++] = v;
        } else if (strcmp(name, "--timeout") == 0) {
            if (batch_parse_seconds(v, &o->timeout) != 0)
                return usage_error("bad --timeout (expected seconds, 1..2678400):", v);
        } else {
            o->chunks[o->nchunks++] = v;
        }
        return 0;
    }
    if (strcmp(a, "--params") == 0)
        o->list_params = 1;
    else if (strcmp(a, "--record") == 0)
        o->record = 1;
    else if (strcmp(a, "-i") == 0)
        o->interactive = 1;
    else if (a[0] == '-' && a[1] != '\0' && strcmp(a, "--") != 0)
        return usage_error("unknown option", a);
    else
        return 1;
    return 0;
}

/* `gprior run SCRIPT [OPTIONS] [-- ARGS]`: options anywhere, arguments after --. */
static int parse_run(int argc, char **argv, host_opts *o)
{
    for (int i = 2; i < argc; i++) {
        int rc = parse_option(argc, argv, &i, o);
        if (rc == 0)
            continue;
        if (rc != 1)
            return rc;
        if (strcmp(argv[i], "--") == 0) {
            o->nargs = argc - i - 1;
            o->args = argv + i + 1;
            break;
        }
        if (o->script)
            return usage_error("unexpected argument (script arguments go after --):", argv[i]);
        o->script = argv[i];
    }
    if (!o->script)
        return usage_error("run needs a script", NULL);
    return 0;
}

/* `gprior [OPTIONS] [SCRIPT [ARGS]]` (lua.c style): the first non-option is
 * the script; everything after it belongs to the script. After -e chunks,
 * `-- ARGS` are the chunks' arguments (arg and ...), as they always were. */
static int parse_plain(int argc, char **argv, host_opts *o)
{
    int i = 1;
    for (; i < argc; i++) {
        int rc = parse_option(argc, argv, &i, o);
        if (rc == 0)
            continue;
        if (rc != 1)
            return rc;
        if (strcmp(argv[i], "--") == 0) {
            i++;
            if (o->nchunks > 0) { /* gprior -e CODE -- ARGS: arguments for the chunks */
                o->nargs = argc - i;
                o->args = argv + i;
                return 0;
            }
        }
        break;
    }
    if (i < argc) {
        const char *s = argv[i];
        size_t n = strlen(s);
        if (strcmp(s, "-") != 0 && access(s, F_OK) != 0 && !(n > 4 && strcmp(s + n - 4, ".lua") == 0) &&
            !strchr(s, '/'))
        {
            fprintf(stderr, "gprior: unknown command '%s' (commands: run, batch, gallery; or a "
                    "script file; see 'gprior --help')\n", s);
            return HOST_EXIT_USAGE;
        }
        o->script = s;
        o->nargs = argc - i - 1;
        o->args = argv + i + 1;
    } else if (o->nchunks == 0) {
        if (isatty(STDIN_FILENO))
            o->interactive = 1;
        else
            o->script = "-";
    }
    return 0;
}

static char *self_path(void)
{
    static char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0)
        return NULL;
    self[len] = '\0';
    return self;
}

int main(int argc, char **argv)
{
    const gp_blas_choice blas = gp_blas_use_best_kernels(); /* before any BLAS call */
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage_text, stdout);
        return HOST_EXIT_OK;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        char core[160];
        gp_blas_describe(blas, core, sizeof core);
        printf("gprior %s (%s)\nBLAS: %s; %d threads; kernels %s\n", GPRIOR_VERSION,
               LUA_RELEASE, openblas_get_config(), openblas_get_num_threads(), core);
        return HOST_EXIT_OK;
    }
    if (argc >= 2 && (strcmp(argv[1], "batch") == 0 || strcmp(argv[1], "gallery") == 0)) {
        const char *self = self_path();
        if (!self) {
            fputs("gprior: cannot find the gprior binary (/proc/self/exe)\n", stderr);
            return HOST_EXIT_USAGE;
        }
        if (argv[1][0] == 'g')
            return gallery_main(argc - 2, argv + 2);
        return batch_main(argc - 2, argv + 2, self);
    }
    host_catch_fatal_signals();
    const char **list = malloc(2 * (size_t)argc * sizeof *list);
    if (!list) {
        fputs("gprior: out of memory\n", stderr);
        return HOST_EXIT_SCRIPT;
    }
    host_opts o;
    memset(&o, 0, sizeof o);
    o.outdir = LGP_DEFAULT_OUTDIR;
    o.seed = LGP_DEFAULT_SEED_TEXT;
    o.chunks = list;
    o.sets = list + argc;
    o.argc = argc;
    o.argv = argv;
    int rc = argc >= 2 && strcmp(argv[1], "run") == 0 ? parse_run(argc, argv, &o)
                                                      : parse_plain(argc, argv, &o);
    if (rc == 0) {
        if (o.list_params && !o.script)
            rc = usage_error("--params needs a script", NULL);
        else
            rc = host_run(&o);
    }
    free(list);
    return rc;
}
