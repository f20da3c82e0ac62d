/* batch.c: `gprior batch [DIR | SCRIPT...] [-j N] [--seed N] [--out DIR]`.
 *
 * Runs each script as `SELF run SCRIPT --seed N --out OUTDIR` in its own
 * process group (fork + execv, stdin /dev/null, stdout+stderr to
 * OUTDIR/NAME.log through a temporary name), N at a time; shows progress,
 * prints a summary table and writes the gallery OUTDIR/index.html.
 * Each child gets GPRIOR_FIGURE_LOG=<file>; the figure code appends the path
 * of every image it saves there, which is how figures are attributed.
 * SIGINT/SIGTERM: the handler only sets a flag and writes to a self-pipe; the
 * loop then sends SIGTERM to every child's group, waits, and exits 130/143. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "batch_gallery.h"

#define EXIT_USAGE 2
#define KILL_GRACE 3.0 /* seconds between SIGTERM and SIGKILL when stopping */

static const char usage_text[] =
    "usage: gprior batch [DIR | SCRIPT...] [-j N] [--seed N] [--out DIR]\n"
    "\n"
    "Run many scripts, each as its own `gprior run` process, N at a time.\n"
    "\n"
    "  DIR          every *.lua in DIR, by name (default lua/chapter)\n"
    "  -j N         scripts run at once (default: the number of online cores)\n"
    "  --seed N     the same seed for every script (default 1)\n"
    "  --out DIR    figures, logs (NAME.log) and index.html (default plots)\n"
    "\n"
    "Exit status: 0 all ok, 1 a script failed, 2 bad command line,\n"
    "130/143 stopped by SIGINT/SIGTERM.\n";

typedef struct batch_opts {
    long jobs;
    const char *seed;  /* validated decimal text */
    const char *outdir;
    char **inputs;     /* DIR or SCRIPT arguments */
    int ninputs;
} batch_opts;

/* ---- signals: a flag and a self-pipe, nothing else in the handler ---------- */
static volatile sig_atomic_t stop_signal = 0;
static volatile sig_atomic_t stop_count = 0;
static int wake_fd[2] = {-1, -1};

static void on_signal(int sig)
{
    int saved = errno;
    if (sig != SIGCHLD) {
        if (!stop_signal)
            stop_signal = sig;
        stop_count = stop_count + 1;
    }
    ssize_t r = write(wake_fd[1], "x", 1); /* full pipe: a wake-up is pending anyway */
    (void)r;
    errno = saved;
}

static struct sigaction old_int, old_term, old_chld;

static int install_signals(void)
{
    if (pipe(wake_fd) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(wake_fd[i], F_SETFD, FD_CLOEXEC);
        fcntl(wake_fd[i], F_SETFL, O_NONBLOCK);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, &old_chld);
    return 0;
}

static void restore_signals(void)
{
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGCHLD, &old_chld, NULL);
    close(wake_fd[0]);
    close(wake_fd[1]);
    wake_fd[0] = wake_fd[1] = -1;
}

/* Sleep until a signal or child exit arrives, or ms milliseconds pass. */
static void wait_event(int ms)
{
    struct pollfd p = {.fd = wake_fd[0], .events = POLLIN, .revents = 0};
    if (poll(&p, 1, ms) > 0) {
        char buf[64];
        while (read(wake_fd[0], buf, sizeof buf) > 0) {
        }
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- command line ----------------------------------------------------------- */
static int usage_error(const char *problem, const char *what)
{
    fprintf(stderr, "gprior batch: %s%s%s%s (see 'gprior batch --help')\n", problem,
            what ? " '" : "", what ? what : "", what ? "'" : "");
    return EXIT_USAGE;
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Returns -1 when parsed, else the exit status (usage error, or 0 for --help). */
static int parse_args(int argc, char **argv, batch_opts *o)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cores > 0 ? cores : 1;
    o->seed = "1";
    o->outdir = "plots";
    o->ninputs = 0;
    int only_files = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
            o->inputs[o->ninputs++] = argv[i];
        } else if (strcmp(a, "--") == 0) {
            only_files = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            return 0;
        } else if (strncmp(a, "-j", 2) == 0 || strcmp(a, "--jobs") == 0 ||
                   strcmp(a, "--seed") == 0 || strcmp(a, "--out") == 0) {
            const char *v = NULL;
            if (strncmp(a, "-j", 2) == 0 && a[2]) {
                v = a + 2;
                a = "-j";
            } else if (i + 1 < argc) {
                v = argv[++i];
            } else {
                return usage_error("missing value for option", a);
            }
            if (strcmp(a, "--out") == 0) {
                if (!*v)
                    return usage_error("--out needs a folder name", NULL);
                o->outdir = v;
            } else if (strcmp(a, "--seed") == 0) {
                errno = 0;
                (void)strtoull(v, NULL, 10);
                if (!all_digits(v) || errno == ERANGE)
                    return usage_error("bad --seed (expected an integer 0..2^64-1):", v);
                o->seed = v;
            } else {
                errno = 0;
                long n = all_digits(v) ? strtol(v, NULL, 10) : 0;
                if (n < 1 || errno == ERANGE || n > 4096)
                    return usage_error("bad -j (expected a number of jobs 1..4096):", v);
                o->jobs = n;
            }
        } else {
            return usage_error("unknown option", a);
        }
    }
    return -1;
}

/* ---- the list of scripts ------------------------------------------------------ */
typedef struct script_list {
    batch_job *jobs;
    size_t n, cap;
} script_list;

static int ends_with_lua(const char *s)
{
    size_t n = strlen(s);
    return n > 4 && strcmp(s + n - 4, ".lua") == 0;
}

static void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (!p) {
        fputs("gprior batch: out of memory\n", stderr);
        exit(EXIT_FAILURE);
    }
    return p;
}

static void add_script(script_list *l, const char *dir, const char *file)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->jobs = xrealloc(l->jobs, l->cap * sizeof *l->jobs);
    }
    batch_job *j = &l->jobs[l->n++];
    memset(j, 0, sizeof *j);
    size_t d = dir ? strlen(dir) : 0;
    j->path = batch_strf("%s%s%s", dir ? dir : "", d && dir[d - 1] != '/' ? "/" : "", file);
    const char *base = strrchr(j->path, '/');
    j->name = batch_strf("%s", base ? base + 1 : j->path);
    if (ends_with_lua(j->name))
        j->name[strlen(j->name) - 4] = '\0';
    j->pid = -1;
}

static int lua_entry(const struct dirent *e)
{
    return ends_with_lua(e->d_name);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every *.lua file in dir (not recursive), sorted by name. */
static int add_dir(script_list *l, const char *dir)
{
    struct dirent **e;
    int n = scandir(dir, &e, lua_entry, by_name);
    if (n < 0) {
        fprintf(stderr, "gprior batch: cannot open folder '%s': %s\n", dir, strerror(errno));
        return -1;
    }
    size_t before = l->n;
    for (int i = 0; i < n; i++) {
        char *p = batch_strf("%s/%s", dir, e[i]->d_name);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
            add_script(l, dir, e[i]->d_name);
        free(p);
        free(e[i]);
    }
    free(e);
    if (l->n == before) {
        fprintf(stderr, "gprior batch: no *.lua scripts in folder '%s'\n", dir);
        return -1;
    }
    return 0;
}

static int collect(script_list *l, const batch_opts *o)
{
    static char def[] = "lua/chapter";
    char *defv[] = {def};
    char **in = o->ninputs ? o->inputs : defv;
    int nin = o->ninputs ? o->ninputs : 1;
    for (int i = 0; i < nin; i++) {
        struct stat st;
        if (stat(in[i], &st) != 0) {
            fprintf(stderr, "gprior batch: cannot open '%s': %s\n", in[i], strerror(errno));
            return -1;
        }
        if (S_ISDIR(st.st_mode)) {
            if (add_dir(l, in[i]) != 0)
                return -1;
        } else {
            add_script(l, NULL, in[i]);
        }
    }
    for (size_t i = 0; i < l->n; i++)
        for (size_t k = 0; k < i; k++)
            if (strcmp(l->jobs[i].name, l->jobs[k].name) == 0) {
                fprintf(stderr, "gprior batch: two scripts named '%s' ('%s' and '%s'): "
                        "their logs would clash\n", l->jobs[i].name, l->jobs[k].path,
                        l->jobs[i].path);
                return -1;
            }
    return 0;
}

/* mkdir -p; 0 when path is (now) a folder. */
static int make_dirs(const char *path)
{
    char *p = batch_strf("%s", path);
    for (char *c = p + 1; *c; c++)
        if (*c == '/') {
            *c = '\0';
            mkdir(p, 0777); /* errors show in the last step */
            *c = '/';
        }
    int rc = mkdir(p, 0777) == 0 || errno == EEXIST ? 0 : -1;
    free(p);
    struct stat st;
    if (rc == 0 && (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))) {
        errno = ENOTDIR;
        rc = -1;
    }
    return rc;
}

/* ---- running one child -------------------------------------------------------- */
typedef struct runner {
    const char *self, *seed, *outdir, *outdir_abs;
    size_t running, failed, done, total;
    int tty, namew;
    int progress_len;
    double t0;
} runner;

static int start_job(runner *r, batch_job *j)
{
    pid_t me = getpid();
    j->tmplog = batch_strf("%s/.%s.log.%ld.tmp", r->outdir_abs, j->name, (long)me);
    j->figlog = batch_strf("%s/.%s.figures.%ld.tmp", r->outdir_abs, j->name, (long)me);
    unlink(j->figlog);
    char *script = batch_strf("%s%s", j->path[0] == '-' ? "./" : "", j->path);
    char *argv[] = {(char *)r->self, "run", script, "--seed", (char *)r->seed, "--out",
                    (char *)r->outdir, NULL};
    j->t0 = now();
    j->state = BATCH_RUNNING;
    int fd = open(j->tmplog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    pid_t pid = fd < 0 ? -1 : fork();
    if (pid == 0) {
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(SIGINT, &dfl, NULL);
        sigaction(SIGTERM, &dfl, NULL);
        sigaction(SIGCHLD, &dfl, NULL);
        setpgid(0, 0);
        int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (in < 0 || dup2(in, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
            _exit(127);
        setenv("GPRIOR_FIGURE_LOG", j->figlog, 1);
        execv(r->self, argv);
        dprintf(2, "gprior batch: cannot run '%s': %s\n", r->self, strerror(errno));
        _exit(127);
    }
    free(script);
    if (pid < 0) {
        j->start_errno = errno ? errno : EAGAIN;
        if (fd >= 0) {
            close(fd);
            unlink(j->tmplog);
        }
        j->state = BATCH_DONE;
        j->secs = 0;
        return -1;
    }
    close(fd);
    setpgid(pid, pid); /* also here, so kill(-pid) works at once */
    j->pid = pid;
    r->running++;
    return 0;
}

/* The figure files the child listed in its GPRIOR_FIGURE_LOG, without repeats. */
static void read_figures(batch_job *j)
{
    FILE *f = fopen(j->figlog, "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0, n = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        int seen = 0;
        for (size_t i = 0; i < j->nfigs && !seen; i++)
            seen = strcmp(j->figs[i], line) == 0;
        if (seen)
            continue;
        if (j->nfigs == n) {
            n = n ? 2 * n : 8;
            j->figs = xrealloc(j->figs, n * sizeof *j->figs);
        }
        j->figs[j->nfigs++] = batch_strf("%s", line);
    }
    free(line);
    fclose(f);
}

/* Sums the "check summary: N passed, M failed" lines of the log. */
static void read_checks(batch_job *j)
{
    FILE *f = fopen(j->log, "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        int p, q;
        if (sscanf(line, "check summary: %d passed, %d failed", &p, &q) == 2) {
            j->checks_passed += p;
            j->checks_failed += q;
            j->has_checks = 1;
        }
    }
    free(line);
    fclose(f);
}

static void clear_progress(runner *r)
{
    if (r->tty && r->progress_len > 0) {
        fprintf(stderr, "\r%*s\r", r->progress_len, "");
        r->progress_len = 0;
    }
}

static void show_progress(runner *r)
{
    char buf[128];
    int n = snprintf(buf, sizeof buf, "[%zu/%zu] running %zu, failed %zu, %.1fs", r->done, r->total,
                     r->running, r->failed, now() - r->t0);
    int pad = r->progress_len > n ? r->progress_len - n : 0;
    fprintf(stderr, "\r%s%*s", buf, pad, "");
    fflush(stderr);
    r->progress_len = n;
}

/* Bookkeeping after a job ended (or failed to start): files, counts, its line. */
static void finish_job(runner *r, batch_job *j)
{
    if (j->pid > 0) {
        j->secs = now() - j->t0;
        r->running--;
        read_figures(j);
        if (rename(j->tmplog, j->log) != 0)
            unlink(j->tmplog);
        read_checks(j);
    }
    if (j->figlog)
        unlink(j->figlog);
    j->state = BATCH_DONE;
    r->done++;
    int ok = batch_job_ok(j);
    if (!ok)
        r->failed++;
    if (!r->tty) {
        char st[128];
        batch_status_text(j, st, sizeof st);
        const char *detail = strncmp(st, "FAIL ", 5) == 0 ? st + 5 : st;
        int paren = !ok && detail[0] != '(';
        fprintf(stderr, "%-4s %-*s  %.2fs%s%s%s%s\n", ok ? "ok" : "FAIL", r->namew, j->name,
                j->secs, ok ? "" : " ", paren ? "(" : "", ok ? "" : detail, paren ? ")" : "");
    }
}

/* Reap every child that has ended, without blocking. */
static void reap(runner *r, batch_job *jobs, size_t n)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (size_t i = 0; i < n; i++)
            if (jobs[i].state == BATCH_RUNNING && jobs[i].pid == pid) {
                jobs[i].status = status;
                finish_job(r, &jobs[i]);
                break;
            }
    }
}

/* Stop: SIGTERM to each running child's group, then SIGKILL after a grace
 * period (or at once on a second signal), and reap them all. */
static void stop_all(runner *r, batch_job *jobs, size_t n)
{
    clear_progress(r);
    fprintf(stderr, "gprior batch: %s: stopping %zu running script%s\n",
            stop_signal == SIGINT ? "interrupted" : "terminated", r->running,
            r->running == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++)
        if (jobs[i].state == BATCH_RUNNING)
            kill(-jobs[i].pid, SIGTERM);
    double deadline = now() + KILL_GRACE;
    int killed = 0;
    for (;;) {
        reap(r, jobs, n);
        if (r->running == 0)
            break;
        if (!killed && (now() > deadline || stop_count > 1)) {
            for (size_t i = 0; i < n; i++)
                if (jobs[i].state == BATCH_RUNNING)
                    kill(-jobs[i].pid, SIGKILL);
            killed = 1;
        }
        wait_event(50);
    }
}

/* ---- summary ----------------------------------------------------------------- */
static void print_summary(const runner *r, const batch_job *jobs, size_t n, double secs)
{
    int sw = 6;
    char st[128];
    for (size_t i = 0; i < n; i++) {
        int len = (int)strlen(batch_status_text(&jobs[i], st, sizeof st));
        if (len > sw)
            sw = len;
    }
    printf("\n%-*s  %-*s  %8s  %7s  %s\n", r->namew, "script", sw, "status", "time", "figures",
           "checks");
    size_t ok = 0;
    for (size_t i = 0; i < n; i++) {
        const batch_job *j = &jobs[i];
        char tm[32] = "-", ck[64] = "-";
        if (j->state == BATCH_DONE && !j->start_errno)
            snprintf(tm, sizeof tm, "%.2fs", j->secs);
        if (j->has_checks)
            snprintf(ck, sizeof ck, "%d/%d checks", j->checks_passed,
                     j->checks_passed + j->checks_failed);
        ok += (size_t)batch_job_ok(j);
        printf("%-*s  %-*s  %8s  %7zu  %s\n", r->namew, j->name, sw,
               batch_status_text(j, st, sizeof st), tm, j->nfigs, ck);
    }
    printf("\nbatch: %zu script%s, %zu ok, %zu failed, %.2fs; logs and index.html in %s\n", n, n == 1 ? "" : "s", ok,
           n - ok, secs, r->outdir);
    fflush(stdout);
}

static void free_jobs(batch_job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        batch_job *j = &jobs[i];
        for (size_t k = 0; k < j->nfigs; k++)
            free(j->figs[k]);
        free(j->figs);
        free(j->path);
        free(j->name);
        free(j->log);
        free(j->tmplog);
        free(j->figlog);
    }
    free(jobs);
}

/* ---- the command ---------------------------------------------------------------- */
int batch_main(int argc, char **argv, const char *self)
{
    batch_opts o;
    o.inputs = malloc(((size_t)argc + 1) * sizeof *o.inputs);
    if (!o.inputs)
        return EXIT_FAILURE;
    int rc = parse_args(argc, argv, &o);
    script_list l = {NULL, 0, 0};
    char *outdir_abs = NULL;
    if (rc >= 0)
        goto done;
    rc = EXIT_USAGE;
    if (!self || !*self) {
        fputs("gprior batch: cannot tell where the gprior program is\n", stderr);
        goto done;
    }
    if (collect(&l, &o) != 0)
        goto done;
    if (l.n == 0) {
        fputs("gprior batch: no scripts found\n", stderr);
        goto done;
    }
    errno = 0;
    if (make_dirs(o.outdir) != 0 || !(outdir_abs = realpath(o.outdir, NULL))) {
        fprintf(stderr, "gprior batch: cannot create folder '%s': %s\n", o.outdir,
                strerror(errno));
        goto done;
    }
    if (install_signals() != 0) {
        fprintf(stderr, "gprior batch: cannot create a pipe: %s\n", strerror(errno));
        rc = EXIT_FAILURE;
        goto done;
    }

    runner r;
    memset(&r, 0, sizeof r);
    r.self = self;
    r.seed = o.seed;
    r.outdir = o.outdir;
    r.outdir_abs = outdir_abs;
    r.total = l.n;
    r.tty = isatty(STDERR_FILENO);
    r.t0 = now();
    r.namew = 6;
    for (size_t i = 0; i < l.n; i++) {
        int w = (int)strlen(l.jobs[i].name);
        r.namew = w > r.namew ? w : r.namew;
        l.jobs[i].log = batch_strf("%s/%s.log", o.outdir, l.jobs[i].name);
    }

    size_t next = 0;
    while (!stop_signal && (next < l.n || r.running > 0)) {
        while (!stop_signal && r.running < (size_t)o.jobs && next < l.n) {
            batch_job *j = &l.jobs[next++];
            if (start_job(&r, j) != 0)
                finish_job(&r, j);
        }
        reap(&r, l.jobs, l.n);
        if (r.tty)
            show_progress(&r);
        if (!stop_signal && r.running > 0)
            wait_event(r.tty ? 100 : 1000);
    }
    if (stop_signal)
        stop_all(&r, l.jobs, l.n);
    if (r.tty)
        clear_progress(&r);
    double secs = now() - r.t0;
    print_summary(&r, l.jobs, l.n, secs);

    char err[512];
    if (batch_gallery_write(outdir_abs, l.jobs, l.n, o.seed, secs, err, sizeof err) != 0)
        fprintf(stderr, "gprior batch: %s\n", err);
    int sig = stop_signal;
    restore_signals();
    rc = sig ? 128 + sig : (r.failed > 0 ? 1 : 0);
done:
    free_jobs(l.jobs, l.n);
    free(outdir_abs);
    free(o.inputs);
    return rc;
}
