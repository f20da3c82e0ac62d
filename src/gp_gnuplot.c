/* gp_gnuplot.c: quoting user strings for gnuplot, colors, finding and running
 * gnuplot. See gp_gnuplot.h for the rules and why they are what they are. */
#define _POSIX_C_SOURCE 200809L
#include "gp_gnuplot.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>


extern char **environ;

#define INSTALL_HINT "install it with 'apt-get install gnuplot-nox' (or run 'make deps')"

/* ---- text --------------------------------------------------------------- */

/* A short printable rendering of s for error messages: control characters as
 * \n, \r, \t or \xNN, cut after about 40 bytes. */
static void preview(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 8 < cap; p++) {
        if (p - (const unsigned char *)s >= 40) {
            memcpy(out + k, "...", 3);
            k += 3;
            break;
        }
        unsigned c = *p;
        if (c == '\n' || c == '\r' || c == '\t') {
            out[k++] = '\\';
            out[k++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        } else if (c < 0x20 || c == 0x7f) {
            k += (size_t)snprintf(out + k, cap - k, "\\x%02x", c);
        } else {
            out[k++] = (char)c;
        }
    }
    out[k] = '\0';
}

static const char *control_name(unsigned c)
{
    switch (c) {
    case '\n': return "a newline";
    case '\r': return "a carriage return";
    case '\t': return "a tab";
    default: return "a control character";
    }
}

/* Length of the valid UTF-8 sequence at p, or 0 if it is not valid
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    size_t n;
    unsigned cp, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

gp_code gp_gnuplot_check_text(const char *what, const char *s, gp_error *err)
{
    char shown[64];
    if (s == NULL)
        return gp_error_set(err, GP_ERR_ARG, "%s is missing", what);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x20 || *p == 0x7f) {
            preview(s, shown, sizeof shown);
            return gp_error_set(err, GP_ERR_ARG,
                                "%s contains %s (byte %zu): '%s'; gnuplot text must be one "
                                "line without control characters",
                                what, control_name(*p), (size_t)(p - (const unsigned char *)s) + 1,
                                shown);
        }
        size_t n = utf8_len(p);
        if (n == 0) {
            preview(s, shown, sizeof shown);
            return gp_error_set(err, GP_ERR_ARG, "%s is not valid UTF-8 (byte %zu is 0x%02x): '%s'",
                                what, (size_t)(p - (const unsigned char *)s) + 1, *p, shown);
        }
        p += n;
    }
    return GP_OK;
}

gp_code gp_gnuplot_quote(FILE *out, const char *what, const char *s, gp_error *err)
{
    gp_code rc = gp_gnuplot_check_text(what, s, err);
    if (rc)
        return rc;
    if (*s == '\0') {
        fputs("''", out);
        return GP_OK;
    }
    /* Pieces without quotes go in single quotes; each quote is "'"; all are
     * joined with the string concatenation operator '.'. */
    int first = 1;
    while (*s) {
        if (!first)
            fputc('.', out);
        first = 0;
        if (*s == '\'') {
            fputs("\"'\"", out);
            s++;
            continue;
        }
        size_t n = strcspn(s, "'");
        fputc('\'', out);
        fwrite(s, 1, n, out);
        fputc('\'', out);
        s += n;
    }
    return GP_OK;
}

/* ---- colors ------------------------------------------------------------- */

const char *const gp_gnuplot_palette[GP_GNUPLOT_NPALETTE] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
};

static const struct {
    const char *name, *rgb;
} color_names[] = {
    {"black", "#000000"},     {"white", "#ffffff"},     {"gray", "#808080"},
    {"grey", "#808080"},      {"lightgray", "#d3d3d3"}, {"lightgrey", "#d3d3d3"},
    {"darkgray", "#505050"},  {"darkgrey", "#505050"},  {"red", "#d62728"},
    {"darkred", "#8b0000"},   {"green", "#2ca02c"},     {"darkgreen", "#006400"},
    {"blue", "#1f77b4"},      {"darkblue", "#00008b"},  {"lightblue", "#9ecae1"},
    {"skyblue", "#87ceeb"},   {"steelblue", "#4682b4"}, {"navy", "#000080"},
    {"orange", "#ff7f0e"},    {"purple", "#9467bd"},    {"brown", "#8c564b"},
    {"pink", "#e377c2"},      {"olive", "#bcbd22"},     {"cyan", "#17becf"},
    {"teal", "#008080"},      {"magenta", "#ff00ff"},   {"yellow", "#ffd700"},
    {"gold", "#ffd700"},      {"maroon", "#800000"},
};

gp_code gp_gnuplot_color(const char *what, const char *name, char out[8], gp_error *err)
{
    if (name && name[0] == '#' && strlen(name) == 7) {
        int ok = 1;
        for (int i = 1; i < 7; i++)
            ok &= isxdigit((unsigned char)name[i]) != 0;
        if (ok) {
            for (int i = 0; i < 7; i++)
                out[i] = (char)tolower((unsigned char)name[i]);
            out[7] = '\0';
            return GP_OK;
        }
    }
    if (name && (name[0] == 'C' || name[0] == 'c') && name[1] >= '0' && name[1] <= '9' &&
        name[2] == '\0') {
        memcpy(out, gp_gnuplot_palette[name[1] - '0'], 8);
        return GP_OK;
    }
    for (size_t i = 0; name && i < sizeof color_names / sizeof color_names[0]; i++) {
        if (strcasecmp(name, color_names[i].name) == 0) {
            memcpy(out, color_names[i].rgb, 8);
            return GP_OK;
        }
    }
    char shown[64];
    preview(name ? name : "(null)", shown, sizeof shown);
    return gp_error_set(err, GP_ERR_ARG,
                        "%s: unknown color '%s' (use #rrggbb, C0..C9, or one of black, white, "
                        "gray, lightgray, darkgray, red, darkred, green, darkgreen, blue, "
                        "darkblue, lightblue, skyblue, steelblue, navy, orange, purple, brown, "
                        "pink, olive, cyan, teal, magenta, yellow, gold, maroon)",
                        what, shown);
}

/* ---- finding gnuplot ---------------------------------------------------- */

static int is_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Search PATH for name; 1 if found (path filled). */
static int search_path(const char *name, char *path, size_t cap)
{
    const char *dirs = getenv("PATH");
    if (!dirs || !*dirs)
        dirs = "/usr/local/bin:/usr/bin:/bin";
    while (1) {
        size_t len = strcspn(dirs, ":");
        int n = len ? snprintf(path, cap, "%.*s/%s", (int)len, dirs, name)
                    : snprintf(path, cap, "./%s", name);
        if (n > 0 && (size_t)n < cap && is_executable(path))
            return 1;
        if (dirs[len] == '\0')
            return 0;
        dirs += len + 1;
    }
}

gp_code gp_gnuplot_find(char *path, size_t cap, gp_error *err)
{
    const char *env = getenv("GPRIOR_GNUPLOT");
    if (env && *env) {
        if (strchr(env, '/')) {
            if (strlen(env) < cap && is_executable(env)) {
                strcpy(path, env);
                return GP_OK;
            }
        } else if (search_path(env, path, cap)) {
            return GP_OK;
        }
        char shown[64];
        preview(env, shown, sizeof shown);
        return gp_error_set(err, GP_ERR_EXTERNAL,
                            "gnuplot not found: GPRIOR_GNUPLOT is '%s', which is not an "
                            "executable file; unset it, or %s",
                            shown, INSTALL_HINT);
    }
    if (search_path("gnuplot", path, cap))
        return GP_OK;
    return gp_error_set(err, GP_ERR_EXTERNAL, "gnuplot not found on PATH: %s", INSTALL_HINT);
}

/* ---- running gnuplot ---------------------------------------------------- */

/* Condense gnuplot's stderr into one line: non-blank lines that are not just
 * the ^ marker, joined with " | ", at most cap - 1 bytes. */
static void summarize(const char *text, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = '\0';
    for (const char *line = text; *line && k + 4 < cap;) {
        size_t len = strcspn(line, "\n");
        size_t span = strspn(line, " \t^");
        if (span < len) {
            if (k > 0) {
                memcpy(out + k, " | ", 3);
                k += 3;
            }
            size_t take = len - span;
            if (take > cap - 1 - k)
                take = cap - 1 - k;
            for (size_t i = 0; i < take; i++) {
                char c = line[span + i];
                out[k++] = (c == '\t' || c == '\r') ? ' ' : c;
            }
            out[k] = '\0';
        }
        line += len;
        if (*line == '\n')
            line++;
    }
}

static int set_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    return flags < 0 ? -1 : fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* gnuplot's three standard streams, our ends: [0] a socket we write the
 * script into (send with MSG_NOSIGNAL: if gnuplot stops reading we get EPIPE,
 * never SIGPIPE), [1] its stdout and [2] its stderr, pipes we read. */
typedef struct child_io {
    int fd[3];
    const char *script; /* what is left to send */
    size_t left;
    FILE *out;
    int out_errno;      /* first error writing to out */
    char said[2048];    /* the start of stderr */
    size_t said_len;
} child_io;

/* One step of the exchange for the streams poll marked ready. */
static void pump(child_io *io, const struct pollfd *p)
{
    if (p[0].revents) {
        ssize_t w = io->left ? send(io->fd[0], io->script, io->left, MSG_NOSIGNAL | MSG_DONTWAIT)
                             : 0;
        if (w > 0)
            io->script += w, io->left -= (size_t)w;
        if (io->left == 0 || (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            close_fd(&io->fd[0]); /* all sent (gnuplot sees the end), or gnuplot has gone */
    }
    char chunk[16384];
    for (int k = 1; k < 3; k++) {
        if (!p[k].revents)
            continue;
        ssize_t got = read(io->fd[k], chunk, sizeof chunk);
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (got <= 0) {
            close_fd(&io->fd[k]);
        } else if (k == 1) {
            errno = 0;
            if (fwrite(chunk, 1, (size_t)got, io->out) != (size_t)got) {
                io->out_errno = errno ? errno : EIO;
                close_fd(&io->fd[1]); /* gnuplot stops on SIGPIPE */
            }
        } else {
            size_t take = (size_t)got;
            if (take > sizeof io->said - 1 - io->said_len)
                take = sizeof io->said - 1 - io->said_len;
            memcpy(io->said + io->said_len, chunk, take);
            io->said_len += take;
        }
    }
}

gp_code gp_gnuplot_run(const char *script, const char *what, FILE *out, gp_error *err)
{
    char exe[4096];
    gp_code rc = gp_gnuplot_find(exe, sizeof exe, err);
    if (rc)
        return rc;
    child_io io = {.fd = {-1, -1, -1}, .script = script, .left = strlen(script), .out = out};
    int theirs[3] = {-1, -1, -1}, pair[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
    int ok = socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0 && pipe(out_pipe) == 0 &&
             pipe(err_pipe) == 0;
    int e = errno;
    io.fd[0] = pair[0], theirs[0] = pair[1];
    theirs[1] = out_pipe[1], io.fd[1] = out_pipe[0];
    theirs[2] = err_pipe[1], io.fd[2] = err_pipe[0];
    pid_t pid = -1;
    if (ok) {
        for (int k = 0; k < 3; k++)
            set_cloexec(io.fd[k]), set_cloexec(theirs[k]);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        for (int k = 0; k < 3; k++)
            posix_spawn_file_actions_adddup2(&fa, theirs[k], k);
        char opt_e[] = "-e", assign[] = "gprior_output=''", from_stdin[] = "-";
        char *argv[] = {exe, opt_e, assign, from_stdin, NULL};
        e = posix_spawn(&pid, exe, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        ok = e == 0;
    }
    for (int k = 0; k < 3; k++)
        close_fd(&theirs[k]);
    if (!ok) {
        for (int k = 0; k < 3; k++)
            close_fd(&io.fd[k]);
        return gp_error_set(err, GP_ERR_EXTERNAL, "cannot run gnuplot '%s': %s", exe, strerror(e));
    }

    while (io.fd[0] >= 0 || io.fd[1] >= 0 || io.fd[2] >= 0) {
        struct pollfd p[3]; /* poll skips the negative (closed) ones */
        for (int k = 0; k < 3; k++)
            p[k] = (struct pollfd){.fd = io.fd[k], .events = k ? POLLIN : POLLOUT};
        if (poll(p, 3, -1) < 0 && errno != EINTR) {
            e = errno;
            for (int k = 0; k < 3; k++) /* gnuplot sees EOF / EPIPE and ends */
                close_fd(&io.fd[k]);
            io.out_errno = io.out_errno ? io.out_errno : e;
            break;
        }
        pump(&io, p);
    }
    if (!io.out_errno && fflush(out) != 0)
        io.out_errno = errno ? errno : EIO;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return gp_error_set(err, GP_ERR_EXTERNAL, "gnuplot on '%s': waitpid: %s", what,
                                strerror(errno));
    }
    if (io.out_errno)
        return gp_error_set(err, GP_ERR_IO, "cannot write the image: %s", strerror(io.out_errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return GP_OK;

    char said[320];
    io.said[io.said_len] = '\0';
    summarize(io.said, said, sizeof said);
    if (WIFSIGNALED(status))
        return gp_error_set(err, GP_ERR_EXTERNAL, "gnuplot was killed by signal %d on '%s': %s",
                            WTERMSIG(status), what, said[0] ? said : "(no message)");
    return gp_error_set(err, GP_ERR_EXTERNAL, "gnuplot failed (exit status %d) on '%s': %s",
                        WIFEXITED(status) ? WEXITSTATUS(status) : -1, what,
                        said[0] ? said : "(no message)");
}
