/* batch_plan.c: the command line of `gprior batch`, expanded into runs (see
 * batch_plan.h). Sweep options after a script or folder apply to it; before
 * the first one they apply to every script (and a script's own option for the
 * same parameter wins). */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "batch_plan.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch_util.h"
#include "gp_file.h"
#include "lgprior.h"
#include "lgprior.h"

#define EXIT_USAGE 2
#define MAX_RUNS 1000000
#define MAX_LABEL 240 /* bytes of a folder name NAME=VALUE,... (file systems allow 255) */

const char batch_usage_text[] =
    "usage: gprior batch [SCRIPT|DIR [SWEEP OPTIONS]]... [OPTIONS]\n"
    "\n"
    "Run scripts, parameter sweeps and seeds, each run as its own `gprior run`\n"
    "process in its own folder OUT/SCRIPT[/NAME=VALUE,...], N at a time; print a\n"
    "summary and rebuild the gallery OUT/index.html from every run in OUT.\n"
    "\n"
    "  SCRIPT | DIR         a script, or every *.lua in DIR (default lua/chapter)\n"
    "sweep options (after a SCRIPT or DIR: for it; before the first: for all):\n"
    "  --sweep NAME=V1,V2   one run per value; several --sweep: the cross product\n"
    "  --sweep-file FILE    one run per line 'NAME=VALUE NAME=VALUE ...' (# comments)\n"
    "  --seeds A..B | S,S   repeat every run with each seed\n"
    "  --set NAME=VALUE     a parameter for every run\n"
    "options:\n"
    "  -j N                 runs at once (default: the number of online cores)\n"
    "  --seed N             the seed of runs without --seeds (default 1)\n"
    "  --out DIR            the output folder (default plots)\n"
    "  --timeout S          stop a run after S seconds (status timeout)\n"
    "  --print-jobs         print one shell command per run and run nothing\n"
    "                       (for GNU parallel; then: gprior gallery OUT)\n"
    "  --slurm FILE         write a Slurm array job script running every run\n"
    "  --slurm-opt OPT      an #SBATCH option for it, e.g. --slurm-opt=--mem=2G\n"
    "\n"
    "Exit status: 0 all ok, 1 a run failed or timed out, 2 bad command line,\n"
    "130/143 stopped by SIGINT/SIGTERM.\n";

/* ---- sweep specifications --------------------------------------------------- */
typedef struct axis {
    char *name;
    char **values;
    size_t n, cap;
} axis;

typedef struct spec {
    axis *axes;
    size_t naxes, axes_cap;
    char **sets; /* "NAME=VALUE" */
    size_t nsets, sets_cap;
    char ***rows; /* from a sweep file: NULL-terminated lists of "NAME=VALUE" */
    size_t nrows, rows_cap;
    int has_rows;
    char **seeds;
    size_t nseeds, seeds_cap;
    int has_seeds;
} spec;

typedef struct input {
    const char *path;
    spec s;
} input;

static int usage_error(const char *problem, const char *what)
{
    fprintf(stderr, "gprior batch: %s%s%s%s (see 'gprior batch --help')\n", problem,
            what ? " '" : "", what ? what : "", what ? "'" : "");
    return EXIT_USAGE;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void free_spec(spec *s)
{
    for (size_t i = 0; i < s->naxes; i++) {
        free(s->axes[i].name);
        free_list(s->axes[i].values, s->axes[i].n);
    }
    free(s->axes);
    free_list(s->sets, s->nsets);
    for (size_t i = 0; i < s->nrows; i++) {
        for (char **p = s->rows[i]; *p; p++)
            free(*p);
        free(s->rows[i]);
    }
    free(s->rows);
    free_list(s->seeds, s->nseeds);
}

/* "NAME=VALUE" with a valid name; *name_len is the length of NAME. */
static int split_assignment(const char *a, size_t *name_len)
{
    const char *eq = strchr(a, '=');
    if (!eq)
        return -1;
    char *name = batch_strf("%.*s", (int)(eq - a), a);
    int ok = lgp_param_name_ok(name);
    free(name);
    *name_len = (size_t)(eq - a);
    return ok ? 0 : -1;
}

static int names_equal(const char *a, const char *b)
{
    size_t la = strcspn(a, "="), lb = strcspn(b, "=");
    return la == lb && strncmp(a, b, la) == 0;
}

/* --sweep NAME=V1,V2,... */
static int add_sweep(spec *s, const char *a)
{
    size_t nl;
    if (split_assignment(a, &nl) != 0)
        return usage_error("bad --sweep (expected NAME=V1,V2,...):", a);
    for (size_t i = 0; i < s->naxes; i++)
        if (names_equal(s->axes[i].name, a))
            return usage_error("--sweep of one parameter given twice:", a);
    axis ax = {batch_strf("%.*s", (int)nl, a), NULL, 0, 0};
    const char *p = a + nl + 1;
    for (;;) {
        size_t len = strcspn(p, ",");
        BATCH_PUSH(ax.values, ax.n, ax.cap, batch_strf("%.*s", (int)len, p));
        if (!p[len])
            break;
        p += len + 1;
    }
    BATCH_PUSH(s->axes, s->naxes, s->axes_cap, ax);
    return 0;
}

static int add_set(spec *s, const char *a)
{
    size_t nl;
    if (split_assignment(a, &nl) != 0)
        return usage_error("bad --set (expected NAME=VALUE; a name is a letter or _, then "
                           "letters, digits, _):", a);
    for (size_t i = 0; i < s->nsets; i++)
        if (names_equal(s->sets[i], a))
            return usage_error("--set of one parameter given twice:", a);
    BATCH_PUSH(s->sets, s->nsets, s->sets_cap, batch_strf("%s", a));
    return 0;
}

/* --seeds A..B or S,S,... */
static int add_seeds(spec *s, const char *a)
{
    free_list(s->seeds, s->nseeds);
    s->seeds = NULL;
    s->nseeds = s->seeds_cap = 0;
    s->has_seeds = 1;
    const char *dots = strstr(a, "..");
    if (dots) {
        char *lo = batch_strf("%.*s", (int)(dots - a), a);
        const char *hi = dots + 2;
        int ok = batch_seed_ok(lo) && batch_seed_ok(hi);
        unsigned long long l = ok ? strtoull(lo, NULL, 10) : 0, h = ok ? strtoull(hi, NULL, 10) : 0;
        free(lo);
        if (!ok || l > h)
            return usage_error("bad --seeds (expected A..B with A <= B, or a list S,S,...):", a);
        if (h - l >= MAX_RUNS)
            return usage_error("--seeds: too many seeds (at most 1000000):", a);
        for (unsigned long long k = l;; k++) {
            BATCH_PUSH(s->seeds, s->nseeds, s->seeds_cap, batch_strf("%llu", k));
            if (k == h)
                break;
        }
        return 0;
    }
    for (const char *p = a;;) {
        size_t len = strcspn(p, ",");
        char *seed = batch_strf("%.*s", (int)len, p);
        if (!batch_seed_ok(seed)) {
            free(seed);
            return usage_error("bad --seeds (expected A..B, or a list S,S,... of integers "
                               "0..2^63-1):", a);
        }
        BATCH_PUSH(s->seeds, s->nseeds, s->seeds_cap, seed);
        if (!p[len])
            break;
        p += len + 1;
    }
    return 0;
}

/* --sweep-file FILE: one run per non-empty, non-comment line of NAME=VALUE words. */
static int add_sweep_file(spec *s, const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "gprior batch: cannot open sweep file '%s': %s\n", file, strerror(errno));
        return EXIT_USAGE;
    }
    s->has_rows = 1;
    char *line = NULL;
    size_t cap = 0;
    int cut, rc = 0;
    long lineno = 0;
    while (rc == 0 && batch_read_line(f, &line, &cap, 65536, &cut) >= 0) {
        lineno++;
        char *p = line + strspn(line, " \t");
        if (!*p || *p == '#')
            continue;
        if (cut) {
            fprintf(stderr, "gprior batch: %s:%ld: line longer than 65536 bytes\n", file, lineno);
            rc = EXIT_USAGE;
            break;
        }
        char **row = NULL;
        size_t n = 0, rcap = 0;
        for (char *tok = strtok(p, " \t"); tok; tok = strtok(NULL, " \t")) {
            size_t nl;
            int dup = 0;
            for (size_t i = 0; i < n && !dup; i++)
                dup = names_equal(row[i], tok);
            if (split_assignment(tok, &nl) != 0 || dup) {
                fprintf(stderr, "gprior batch: %s:%ld: %s '%s' (expected NAME=VALUE words, each "
                        "name once)\n", file, lineno, dup ? "repeated parameter" : "bad word", tok);
                rc = EXIT_USAGE;
                break;
            }
            BATCH_PUSH(row, n, rcap, batch_strf("%s", tok));
        }
        BATCH_PUSH(row, n, rcap, NULL);
        BATCH_PUSH(s->rows, s->nrows, s->rows_cap, row);
    }
    int read_error = ferror(f);
    free(line);
    fclose(f);
    if (rc == 0 && read_error) {
        fprintf(stderr, "gprior batch: cannot read sweep file '%s'\n", file);
        rc = EXIT_USAGE;
    }
    if (rc == 0 && s->nrows == 0) {
        fprintf(stderr, "gprior batch: sweep file '%s' has no runs\n", file);
        rc = EXIT_USAGE;
    }
    return rc;
}

/* ---- the scripts -------------------------------------------------------------- */
static int ends_with_lua(const char *s)
{
    size_t n = strlen(s);
    return n > 4 && strcmp(s + n - 4, ".lua") == 0;
}

static int lua_entry(const struct dirent *e)
{
    return ends_with_lua(e->d_name) && e->d_name[0] != '.';
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* The scripts of one input: itself, or every *.lua file in the folder, sorted.
 * Absolute paths into *list. Returns 0 or an exit status. */
static int input_scripts(const char *path, char ***list, size_t *n)
{
    size_t cap = 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "gprior batch: cannot open '%s': %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    if (!S_ISDIR(st.st_mode)) {
        char *abs = realpath(path, NULL);
        if (!abs) {
            fprintf(stderr, "gprior batch: cannot open '%s': %s\n", path, strerror(errno));
            return EXIT_USAGE;
        }
        BATCH_PUSH(*list, *n, cap, abs);
        return 0;
    }
    struct dirent **e;
    int k = scandir(path, &e, lua_entry, by_name);
    if (k < 0) {
        fprintf(stderr, "gprior batch: cannot open folder '%s': %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    for (int i = 0; i < k; i++) {
        char *p = batch_strf("%s/%s", path, e[i]->d_name);
        char *abs = stat(p, &st) == 0 && S_ISREG(st.st_mode) ? realpath(p, NULL) : NULL;
        if (abs)
            BATCH_PUSH(*list, *n, cap, abs);
        free(p);
        free(e[i]);
    }
    free(e);
    if (*n == 0) {
        fprintf(stderr, "gprior batch: no *.lua scripts in folder '%s'\n", path);
        return EXIT_USAGE;
    }
    return 0;
}

/* ---- expanding into runs ---------------------------------------------------------- */
/* A parameter value in a folder name: bytes other than [A-Za-z0-9._+-] as %XX. */
static void append_encoded(char **label, const char *v)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t old = strlen(*label), n = strlen(v);
    *label = batch_realloc(*label, old + 3 * n + 1);
    char *o = *label + old;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("._+-", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
}

static void append_param(char **label, const char *assignment)
{
    size_t nl = strcspn(assignment, "=");
    char *head = batch_strf("%s%s%.*s=", *label, **label ? "," : "", (int)nl, assignment);
    free(*label);
    *label = head;
    append_encoded(label, assignment + nl + 1);
}

typedef struct expander {
    batch_plan *plan;
    const char *self, *cwd, *seed;
} expander;

static int add_run(expander *x, const char *script, char **params, size_t np, const char *seed,
                   int seed_in_label)
{
    batch_plan *plan = x->plan;
    if (plan->n >= MAX_RUNS)
        return usage_error("too many runs (at most 1000000)", NULL);
    for (size_t i = 0; i < np; i++)
        for (size_t k = 0; k < i; k++)
            if (names_equal(params[i], params[k])) {
                size_t nl = strcspn(params[i], "=");
                char *name = batch_strf("%.*s", (int)nl, params[i]);
                int rc = usage_error("a parameter is given twice (by --set, --sweep or a sweep "
                                     "file):", name);
                free(name);
                return rc;
            }
    batch_run r;
    memset(&r, 0, sizeof r);
    r.script = batch_strf("%s", script);
    const char *base = strrchr(script, '/');
    r.name = batch_strf("%s", base ? base + 1 : script);
    if (ends_with_lua(r.name))
        r.name[strlen(r.name) - 4] = '\0';
    r.label = batch_strf("%s", "");
    for (size_t i = 0; i < np; i++)
        append_param(&r.label, params[i]);
    if (seed_in_label) {
        char *s = batch_strf("seed=%s", seed);
        append_param(&r.label, s);
        free(s);
    }
    r.seed = batch_strf("%s", seed);
    r.rel = *r.label ? batch_strf("%s/%s", r.name, r.label) : batch_strf("%s", r.name);
    r.dir = batch_strf("%s/%s", plan->outdir, r.rel);
    r.pid = -1;
    r.err_fd = -1;
    size_t argc = 0, acap = 0;
    char **argv = NULL;
    const char *head[] = {x->self, "run", r.script, "--out", r.dir, "--seed", r.seed};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        BATCH_PUSH(argv, argc, acap, batch_strf("%s", head[i]));
    for (size_t i = 0; i < np; i++) {
        BATCH_PUSH(argv, argc, acap, batch_strf("--set"));
        BATCH_PUSH(argv, argc, acap, batch_strf("%s", params[i]));
    }
    BATCH_PUSH(argv, argc, acap, batch_strf("--record"));
    if (plan->timeout) {
        BATCH_PUSH(argv, argc, acap, batch_strf("--timeout"));
        BATCH_PUSH(argv, argc, acap, batch_strf("%u", plan->timeout));
    }
    BATCH_PUSH(argv, argc, acap, NULL);
    r.argv = argv;
    char *q = batch_shell_quote(x->cwd);
    r.command = batch_strf("cd %s &&", q);
    free(q);
    for (size_t i = 0; argv[i]; i++) {
        q = batch_shell_quote(argv[i]);
        char *t = batch_strf("%s %s", r.command, q);
        free(r.command);
        free(q);
        r.command = t;
    }
    BATCH_PUSH(plan->runs, plan->n, plan->cap, r);
    if (strlen(r.label) > MAX_LABEL) {
        fprintf(stderr, "gprior batch: the folder name of a run is longer than %d bytes: '%s' "
                "(use shorter values, or a sweep file with short names)\n", MAX_LABEL, r.label);
        return EXIT_USAGE;
    }
    return 0;
}

/* Every run of one script: rows x axes (odometer) x seeds. */
static int expand_script(expander *x, const char *script, const spec *g, const spec *l)
{
    /* the merged specification: the script's own entries win over the global ones */
    const axis **axes = batch_realloc(NULL, (g->naxes + l->naxes + 1) * sizeof *axes);
    char **sets = batch_realloc(NULL, (g->nsets + l->nsets + 1) * sizeof *sets);
    size_t na = 0, ns = 0;
    for (size_t i = 0; i < g->naxes; i++) {
        int mine = 0;
        for (size_t k = 0; k < l->naxes; k++)
            mine |= names_equal(g->axes[i].name, l->axes[k].name);
        for (size_t k = 0; k < l->nsets; k++)
            mine |= names_equal(g->axes[i].name, l->sets[k]);
        if (!mine)
            axes[na++] = &g->axes[i];
    }
    for (size_t i = 0; i < g->nsets; i++) {
        int mine = 0;
        for (size_t k = 0; k < l->naxes; k++)
            mine |= names_equal(g->sets[i], l->axes[k].name);
        for (size_t k = 0; k < l->nsets; k++)
            mine |= names_equal(g->sets[i], l->sets[k]);
        if (!mine)
            sets[ns++] = g->sets[i];
    }
    for (size_t i = 0; i < l->nsets; i++)
        sets[ns++] = l->sets[i];
    for (size_t i = 0; i < l->naxes; i++)
        axes[na++] = &l->axes[i];
    const spec *rows = l->has_rows ? l : g->has_rows ? g : NULL;
    const spec *seeds = l->has_seeds ? l : g->has_seeds ? g : NULL;
    size_t nrows = rows ? rows->nrows : 1, nseeds = seeds ? seeds->nseeds : 1;

    size_t *at = calloc(na + 1, sizeof *at);
    size_t maxp = ns + na + 1;
    for (size_t r = 0; r < nrows; r++) {
        size_t rowlen = 0;
        if (rows)
            while (rows->rows[r][rowlen])
                rowlen++;
        if (rowlen + ns + na + 1 > maxp)
            maxp = rowlen + ns + na + 1;
    }
    char **params = batch_realloc(NULL, maxp * sizeof *params);
    int rc = 0;
    for (size_t r = 0; r < nrows && rc == 0; r++) {
        memset(at, 0, (na + 1) * sizeof *at);
        for (;;) {
            size_t np = 0;
            char **owned = batch_realloc(NULL, (na + 1) * sizeof *owned);
            for (size_t i = 0; i < ns; i++)
                params[np++] = sets[i];
            for (char **p = rows ? rows->rows[r] : NULL; p && *p; p++)
                params[np++] = *p;
            for (size_t i = 0; i < na; i++) {
                owned[i] = batch_strf("%s=%s", axes[i]->name, axes[i]->values[at[i]]);
                params[np++] = owned[i];
            }
            for (size_t s = 0; s < nseeds && rc == 0; s++)
                rc = add_run(x, script, params, np, seeds ? seeds->seeds[s] : x->seed, seeds != NULL);
            for (size_t i = 0; i < na; i++)
                free(owned[i]);
            free(owned);
            if (rc)
                break;
            size_t k = na; /* the odometer: the last axis turns fastest */
            while (k > 0 && ++at[k - 1] == axes[k - 1]->n)
                at[--k] = 0;
            if (k == 0)
                break;
        }
    }
    free(params);
    free(at);
    free(axes);
    free(sets);
    return rc;
}

static int by_rel(const void *a, const void *b)
{
    const batch_run *const *x = a, *const *y = b;
    return strcmp((*x)->rel, (*y)->rel);
}

/* Two runs must never share a folder (same script name, same parameters). */
static int check_folders(const batch_plan *plan)
{
    const batch_run **v = batch_realloc(NULL, plan->n * sizeof *v);
    for (size_t i = 0; i < plan->n; i++)
        v[i] = &plan->runs[i];
    qsort(v, plan->n, sizeof *v, by_rel);
    int rc = 0;
    for (size_t i = 1; i < plan->n && !rc; i++)
        if (strcmp(v[i]->rel, v[i - 1]->rel) == 0) {
            if (strcmp(v[i]->script, v[i - 1]->script) != 0)
                fprintf(stderr, "gprior batch: two scripts named '%s' ('%s' and '%s'): their "
                        "runs would share the folder '%s'\n", v[i]->name, v[i - 1]->script,
                        v[i]->script, v[i]->rel);
            else
                fprintf(stderr, "gprior batch: the run '%s' is asked for twice\n", v[i]->rel);
            rc = EXIT_USAGE;
        }
    free(v);
    return rc;
}

/* ---- the command line ------------------------------------------------------------------ */
static const char *const valued[] = {"--sweep-file", "--sweep", "--seeds", "--set", "--seed",
                                     "--out", "--timeout", "--slurm-opt", "--slurm", "--jobs",
                                     "-j", NULL};

/* If argv[*i] is one of the options taking a value, return its name and set *v
 * to the value ("--name=V", "--name V", "-jN"), or NULL when it is missing. */
static const char *valued_option(int argc, char **argv, int *i, const char **v)
{
    const char *a = argv[*i];
    for (int k = 0; valued[k]; k++) {
        size_t n = strlen(valued[k]);
        if (strncmp(a, valued[k], n) != 0)
            continue;
        if (a[n] == '=' || (k == 10 && a[n])) {
            *v = a + n + (a[n] == '=');
            return valued[k];
        }
        if (a[n] == '\0') {
            *v = *i + 1 < argc ? argv[++*i] : NULL;
            return valued[k];
        }
    }
    return NULL;
}

static int parse_valued(batch_plan *plan, spec *cur, const char *name, const char *v,
                        const char **seed, size_t *slurm_cap)
{
    if (strcmp(name, "--sweep-file") == 0)
        return add_sweep_file(cur, v);
    if (strcmp(name, "--sweep") == 0)
        return add_sweep(cur, v);
    if (strcmp(name, "--seeds") == 0)
        return add_seeds(cur, v);
    if (strcmp(name, "--set") == 0)
        return add_set(cur, v);
    if (strcmp(name, "--seed") == 0) {
        *seed = v;
        return batch_seed_ok(v) ? 0 : usage_error("bad --seed (expected an integer 0..2^63-1):", v);
    }
    if (strcmp(name, "--out") == 0) {
        plan->outdir_arg = v;
        return *v ? 0 : usage_error("--out needs a folder name", NULL);
    }
    if (strcmp(name, "--timeout") == 0)
        return batch_parse_seconds(v, &plan->timeout) == 0
                   ? 0 : usage_error("bad --timeout (expected seconds, 1..2678400):", v);
    if (strcmp(name, "--slurm-opt") == 0) {
        if (strchr(v, '\n') || *v != '-')
            return usage_error("bad --slurm-opt (expected one sbatch option such as --mem=2G):", v);
        BATCH_PUSH(plan->slurm_opts, plan->nslurm_opts, *slurm_cap, batch_strf("%s", v));
        return 0;
    }
    if (strcmp(name, "--slurm") == 0) {
        plan->slurm = v;
        return *v ? 0 : usage_error("--slurm needs a file name", NULL);
    }
    char *end;
    errno = 0;
    long n = *v >= '0' && *v <= '9' ? strtol(v, &end, 10) : 0;
    if (n < 1 || errno || *end || n > 4096)
        return usage_error("bad -j (expected a number of jobs 1..4096):", v);
    plan->jobs = n;
    return 0;
}

int batch_plan_parse(batch_plan *plan, int argc, char **argv, const char *self)
{
    memset(plan, 0, sizeof *plan);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    plan->jobs = cores > 0 ? cores : 1;
    plan->outdir_arg = LGP_DEFAULT_OUTDIR;
    const char *seed = LGP_DEFAULT_SEED_TEXT;
    spec global;
    memset(&global, 0, sizeof global);
    input *inputs = batch_realloc(NULL, ((size_t)argc + 1) * sizeof *inputs);
    size_t ninputs = 0, slurm_cap = 0;
    int rc = -1;
    int only_files = 0;
    for (int i = 0; i < argc && rc < 0; i++) {
        const char *a = argv[i], *v, *name;
        spec *cur = ninputs ? &inputs[ninputs - 1].s : &global;
        if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
            inputs[ninputs].path = a;
            memset(&inputs[ninputs].s, 0, sizeof inputs[ninputs].s);
            ninputs++;
        } else if (strcmp(a, "--") == 0) {
            only_files = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(batch_usage_text, stdout);
            rc = 0;
        } else if (strcmp(a, "--print-jobs") == 0) {
            plan->print_jobs = 1;
        } else if ((name = valued_option(argc, argv, &i, &v)) != NULL) {
            if (!v)
                rc = usage_error("missing value for option", name);
            else if (parse_valued(plan, cur, name, v, &seed, &slurm_cap) != 0)
                rc = EXIT_USAGE;
        } else {
            rc = usage_error("unknown option", a);
        }
    }
    gp_error dir_err;
    if (rc < 0 && gp_file_make_dir(plan->outdir_arg, &dir_err) != GP_OK) {
        fprintf(stderr, "gprior batch: %s\n", dir_err.msg);
        rc = EXIT_USAGE;
    }
    if (rc < 0 && !(plan->outdir = realpath(plan->outdir_arg, NULL))) {
        fprintf(stderr, "gprior batch: cannot find folder '%s': %s\n", plan->outdir_arg,
                strerror(errno));
        rc = EXIT_USAGE;
    }
    char cwd[PATH_MAX];
    if (rc < 0 && !getcwd(cwd, sizeof cwd)) {
        fprintf(stderr, "gprior batch: cannot tell the current folder: %s\n", strerror(errno));
        rc = EXIT_USAGE;
    }
    static char default_dir[] = "lua/chapter";
    if (rc < 0 && ninputs == 0) {
        inputs[0].path = default_dir;
        inputs[0].s = global;
        memset(&global, 0, sizeof global);
        ninputs = 1;
    }
    expander x = {plan, self, cwd, seed};
    for (size_t i = 0; i < ninputs && rc < 0; i++) {
        char **scripts = NULL;
        size_t n = 0;
        int e = input_scripts(inputs[i].path, &scripts, &n);
        if (e)
            rc = e;
        for (size_t k = 0; k < n && rc < 0; k++) {
            e = expand_script(&x, scripts[k], &global, &inputs[i].s);
            if (e)
                rc = e;
        }
        free_list(scripts, n);
    }
    if (rc < 0 && check_folders(plan) != 0)
        rc = EXIT_USAGE;
    free_spec(&global);
    for (size_t i = 0; i < ninputs; i++)
        free_spec(&inputs[i].s);
    free(inputs);
    return rc;
}

void batch_plan_free(batch_plan *plan)
{
    for (size_t i = 0; i < plan->n; i++) {
        batch_run *r = &plan->runs[i];
        free(r->script);
        free(r->name);
        free(r->label);
        free(r->rel);
        free(r->dir);
        free(r->seed);
        for (char **p = r->argv; p && *p; p++)
            free(*p);
        free(r->argv);
        free(r->command);
        run_record_free(&r->rec);
    }
    free(plan->runs);
    free(plan->outdir);
    free_list(plan->slurm_opts, plan->nslurm_opts);
}
