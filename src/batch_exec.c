/* batch_exec.c: the child processes of `gprior batch` (see batch_exec.h).
 * Signals only set a flag and write to a self-pipe; the loop does the rest. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "batch_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch_util.h"

#define STOP_GRACE 3.0    /* seconds between SIGTERM and SIGKILL when the batch is stopped */
#define TIMEOUT_GRACE 3.0 /* after --timeout: the run's own grace (2 s, host_run.c) and 1 s */

/* ---- signals: a flag and a self-pipe -------------------------------------------- */
static volatile sig_atomic_t stop_signal = 0;
static volatile sig_atomic_t stop_count = 0;
static int wake_fd[2] = {-1, -1};
static struct sigaction old_int, old_term, old_chld;

static void on_signal(int sig)
{
    int saved = errno;
    if (sig != SIGCHLD) {
        if (!stop_signal)
            stop_signal = sig;
        stop_count = stop_count + 1;
    }
    ssize_t r = write(wake_fd[1], "x", 1); /* a full pipe: a wake-up is pending anyway */
    (void)r;
    errno = saved;
}

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

/* ---- status ---------------------------------------------------------------------- */
int batch_run_ok(const batch_run *run)
{
    return run->done && run_record_ok(&run->rec);
}

const char *batch_status_text(const batch_run *run, char *buf, size_t len)
{
    if (!run->done)
        snprintf(buf, len, "not run");
    else if (run->start_errno)
        snprintf(buf, len, "FAIL (cannot start: %s)", strerror(run->start_errno));
    else
        run_record_status_text(&run->rec, buf, len);
    return buf;
}

/* ---- one child ---------------------------------------------------------------------- */
static int start_run(batch_run *r)
{
    int p[2];
    r->started = 1;
    r->t0 = batch_now();
    if (pipe(p) != 0) {
        r->start_errno = errno;
        return -1;
    }
    fcntl(p[0], F_SETFD, FD_CLOEXEC);
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
    pid_t pid = fork();
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
        if (in < 0 || dup2(in, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
            _exit(127);
        execv(r->argv[0], r->argv);
        dprintf(2, "gprior batch: cannot run '%s': %s\n", r->argv[0], strerror(errno));
        _exit(127);
    }
    int e = errno;
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        r->start_errno = e ? e : EAGAIN;
        return -1;
    }
    setpgid(pid, pid); /* also here, so that kill(-pid) works at once */
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    r->err_fd = p[0];
    r->pid = pid;
    return 0;
}

/* Keep the first bytes the child wrote to its stderr (before its log took over). */
static void drain(batch_run *r)
{
    char buf[512];
    ssize_t got;
    while (r->err_fd >= 0 && (got = read(r->err_fd, buf, sizeof buf)) != 0) {
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return; /* EAGAIN: nothing more now */
        }
        size_t room = sizeof r->msg - 1 - r->msglen;
        size_t take = (size_t)got < room ? (size_t)got : room;
        memcpy(r->msg + r->msglen, buf, take);
        r->msglen += take;
        r->msg[r->msglen] = '\0';
    }
    if (r->err_fd >= 0) { /* end of file: every writer is gone */
        close(r->err_fd);
        r->err_fd = -1;
    }
}

/* The first line of what the child said, without a "gprior: " prefix. */
static char *child_message(const batch_run *r)
{
    const char *m = r->msg;
    while (*m == '\n')
        m++;
    if (strncmp(m, "gprior: ", 8) == 0)
        m += 8;
    return *m ? batch_strf("%.*s", (int)strcspn(m, "\n"), m) : NULL;
}

/* The run has ended: complete its record when it could not (killed, no
 * record, still "running"), and write it back. */
static void conclude(batch_plan *plan, batch_run *r)
{
    r->done = 1;
    r->secs = batch_now() - r->t0;
    run_record *rec = &r->rec;
    char *path = batch_strf("%s/%s%s", r->dir, r->name, RECORD_SUFFIX);
    char *figlog = batch_strf("%s/.%s.figures", r->dir, r->name);
    char *log = batch_strf("%s/%s.log", r->dir, r->name);
    char err[600];
    int have = !r->start_errno && run_record_read(rec, path, err, sizeof err) == 0;
    int sig = !r->start_errno && WIFSIGNALED(r->wait_status) ? WTERMSIG(r->wait_status) : 0;
    int code = r->start_errno ? 127 : sig ? 128 + sig : WEXITSTATUS(r->wait_status);
    int final = have && rec->status && strcmp(rec->status, "running") != 0;
    char *said = child_message(r);
    const char *status = NULL;
    char *message = NULL;
    if (r->start_errno) {
        status = "failed";
        message = batch_strf("cannot start: %s", strerror(r->start_errno));
    } else if (sig || r->timed_out || r->stopped) {
        /* SIGALRM: the run's own hard stop after its --timeout grace */
        r->timed_out |= sig == SIGALRM && plan->timeout;
        status = r->timed_out ? "timeout" : r->stopped ? "stopped" : "killed";
        message = r->timed_out ? batch_strf("killed after --timeout %u s and %.0f s of grace",
                                            plan->timeout, TIMEOUT_GRACE)
                  : r->stopped ? (have && rec->message && *rec->message
                                      ? batch_strf("stopped by the batch: %s", rec->message)
                                      : batch_strf("stopped: the batch was interrupted"))
                               : batch_strf("killed by signal %d", sig);
    } else if (!final || rec->exit_code != code) {
        status = code == 0 ? "ok" : code == 3 ? "lost" : code == 124 ? "timeout" : "failed";
        message = said ? batch_strf("%s", said) : code ? batch_strf("exit %d", code) : NULL;
    }
    if (status) {
        if (!have) { /* the run wrote nothing: say what we know */
            run_record_set(&rec->script, r->name);
            run_record_set(&rec->command, r->command);
            run_record_set(&rec->seed, r->seed);
            for (char **a = r->argv; *a; a++)
                if (strcmp(*a, "--set") == 0 && a[1]) {
                    char *name = batch_strf("%.*s", (int)strcspn(a[1], "="), a[1]);
                    run_record_add_param(rec, name, a[1] + strlen(name) + 1, "string", "set", "");
                    free(name);
                }
            rec->own_folder = 1;
        }
        run_record_set(&rec->status, status);
        run_record_set(&rec->message, message);
        rec->exit_code = code;
        rec->seconds = r->secs;
        if (access(log, F_OK) == 0) {
            char *name = batch_strf("%s.log", r->name);
            run_record_set(&rec->log, name);
            free(name);
        }
        run_record_read_checks(rec, log);
        run_record_read_figures(rec, figlog, r->dir);
        if (run_record_write(rec, path, err, sizeof err) != 0) {
            fprintf(stderr, "gprior batch: %s: cannot write its record: %s\n", r->rel, err);
            if (strcmp(status, "ok") == 0)
                run_record_set(&rec->status, "lost");
        }
    }
    if (said && (!rec->message || !*rec->message))
        run_record_set(&rec->message, said);
    unlink(figlog);
    free(said);
    free(message);
    free(path);
    free(figlog);
    free(log);
}

/* ---- the loop ------------------------------------------------------------------------ */
typedef struct runner {
    batch_plan *plan;
    size_t running, failed, done;
    int tty, namew, progress_len;
    double t0;
} runner;

static void plain_line(runner *x, batch_run *r)
{
    char st[160];
    batch_status_text(r, st, sizeof st);
    int ok = batch_run_ok(r);
    const char *detail = strncmp(st, "FAIL ", 5) == 0 ? st + 5 : st;
    fprintf(stderr, "%-4s %-*s  %.2fs", ok ? "ok" : "FAIL", x->namew, r->rel, r->secs);
    if (!ok) {
        int paren = detail[0] != '(';
        fprintf(stderr, " %s%s%s", paren ? "(" : "", detail, paren ? ")" : "");
        if (r->rec.message && *r->rec.message)
            fprintf(stderr, ": %.300s", r->rec.message);
    }
    fputc('\n', stderr);
}

static void clear_progress(runner *x)
{
    if (x->tty && x->progress_len > 0) {
        fprintf(stderr, "\r%*s\r", x->progress_len, "");
        x->progress_len = 0;
    }
}

/* The live line: counts, elapsed time and the runs in progress, cut to the terminal's width. */
static void show_progress(runner *x)
{
    struct winsize ws;
    int width = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col - 1 : 79;
    char *line = batch_strf("[%zu/%zu] %.1fs, %zu failed; running:", x->done, x->plan->n,
                            batch_now() - x->t0, x->failed);
    for (size_t i = 0; i < x->plan->n && (int)strlen(line) < width; i++) {
        batch_run *r = &x->plan->runs[i];
        if (r->started && !r->done) {
            char *t = batch_strf("%s %s", line, r->rel);
            free(line);
            line = t;
        }
    }
    int n = (int)strlen(line);
    if (n > width) {
        n = width;
        memcpy(line + width - 3, "...", 3);
    }
    int pad = x->progress_len > n ? x->progress_len - n : 0;
    fprintf(stderr, "\r%.*s%*s", n, line, pad, "");
    fflush(stderr);
    x->progress_len = n;
    free(line);
}

static batch_run *find_pid(batch_plan *plan, pid_t pid)
{
    for (size_t i = 0; i < plan->n; i++)
        if (plan->runs[i].pid == pid && plan->runs[i].started && !plan->runs[i].done)
            return &plan->runs[i];
    return NULL;
}

static void ended(runner *x, batch_run *r)
{
    conclude(x->plan, r);
    x->done++;
    if (!batch_run_ok(r))
        x->failed++;
    if (x->tty)
        clear_progress(x);
    if (!x->tty || !batch_run_ok(r))
        plain_line(x, r);
}

/* Reap every child that has ended. Its process group is killed first, while
 * the unreaped child still holds the group's id (so it cannot be reused). */
static void reap(runner *x)
{
    for (;;) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid == 0)
            return;
        pid_t pid = si.si_pid;
        kill(-pid, SIGKILL);
        int status;
        if (waitpid(pid, &status, 0) != pid)
            return;
        batch_run *r = find_pid(x->plan, pid);
        if (!r)
            continue;
        r->wait_status = status;
        drain(r);
        if (r->err_fd >= 0) { /* a survivor outside the group still holds the pipe */
            close(r->err_fd);
            r->err_fd = -1;
        }
        x->running--;
        ended(x, r);
    }
}

/* Wait for a signal, a child's exit or output, or ms milliseconds. */
static void wait_event(runner *x, int ms)
{
    struct pollfd *p = batch_realloc(NULL, (x->running + 1) * sizeof *p);
    batch_run **who = batch_realloc(NULL, (x->running + 1) * sizeof *who);
    size_t n = 0;
    p[n].fd = wake_fd[0];
    p[n].events = POLLIN;
    who[n++] = NULL;
    for (size_t i = 0; i < x->plan->n && n < x->running + 1; i++) {
        batch_run *r = &x->plan->runs[i];
        if (r->started && !r->done && r->err_fd >= 0) {
            p[n].fd = r->err_fd;
            p[n].events = POLLIN;
            who[n++] = r;
        }
    }
    if (poll(p, n, ms) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (!p[i].revents)
                continue;
            if (who[i]) {
                drain(who[i]);
            } else {
                char buf[64];
                while (read(wake_fd[0], buf, sizeof buf) > 0) {
                }
            }
        }
    }
    free(p);
    free(who);
}

static void check_timeouts(runner *x)
{
    if (!x->plan->timeout)
        return;
    double now = batch_now();
    for (size_t i = 0; i < x->plan->n; i++) {
        batch_run *r = &x->plan->runs[i];
        if (r->started && !r->done && !r->timed_out && r->pid > 0 &&
            now - r->t0 > x->plan->timeout + TIMEOUT_GRACE) {
            r->timed_out = 1;
            kill(-r->pid, SIGKILL);
        }
    }
}

/* Stop: SIGINT to every running group (a run stops with an error and a
 * traceback in its log, as at Ctrl-C), SIGKILL after a grace time or at a
 * second signal; reaping kills each group whatever its leader did. */
static void stop_all(runner *x)
{
    clear_progress(x);
    fprintf(stderr, "gprior batch: %s: stopping %zu running run%s\n",
            stop_signal == SIGINT ? "interrupted" : "terminated", x->running,
            x->running == 1 ? "" : "s");
    for (size_t i = 0; i < x->plan->n; i++) {
        batch_run *r = &x->plan->runs[i];
        if (r->started && !r->done && r->pid > 0) {
            r->stopped = 1;
            kill(-r->pid, SIGINT);
        }
    }
    double deadline = batch_now() + STOP_GRACE;
    int killed = 0;
    for (;;) {
        reap(x);
        if (x->running == 0)
            break;
        if (!killed && (batch_now() > deadline || stop_count > 1)) {
            for (size_t i = 0; i < x->plan->n; i++) {
                batch_run *r = &x->plan->runs[i];
                if (r->started && !r->done && r->pid > 0)
                    kill(-r->pid, SIGKILL);
            }
            killed = 1;
        }
        wait_event(x, 50);
    }
}

int batch_exec(batch_plan *plan)
{
    runner x;
    memset(&x, 0, sizeof x);
    x.plan = plan;
    x.tty = isatty(STDERR_FILENO);
    x.t0 = batch_now();
    x.namew = 6;
    for (size_t i = 0; i < plan->n; i++) {
        int w = (int)strlen(plan->runs[i].rel);
        x.namew = w > x.namew && w < 60 ? w : x.namew;
    }
    if (install_signals() != 0) {
        fprintf(stderr, "gprior batch: cannot create a pipe: %s\n", strerror(errno));
        return SIGTERM;
    }
    size_t next = 0;
    while (!stop_signal && (next < plan->n || x.running > 0)) {
        while (!stop_signal && x.running < (size_t)plan->jobs && next < plan->n) {
            batch_run *r = &plan->runs[next++];
            if (start_run(r) == 0)
                x.running++;
            else
                ended(&x, r);
        }
        reap(&x);
        check_timeouts(&x);
        if (x.tty)
            show_progress(&x);
        if (!stop_signal && x.running > 0)
            wait_event(&x, x.tty ? 100 : 1000);
    }
    if (stop_signal)
        stop_all(&x);
    clear_progress(&x);
    int sig = stop_signal;
    restore_signals();
    return sig;
}
