/* gp_gnuplot.c: quoting user strings for gnuplot, colors, finding and running
 * gnuplot, and writing a figure's script. See gp_gnuplot.h for the rules and
 * why they are what they are. */
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

#include "gp_plot.h"

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

/* ---- the gnuplot script ---------------------------------------------------- */

static void grid_shape(const gp_figure *fig, int *rows, int *cols)
{
    int n = (int)fig->npanels;
    if (fig->rows) {
        *rows = fig->rows, *cols = fig->cols;
    } else if (n <= 3) {
        *rows = 1, *cols = n;
    } else {
        *cols = (int)ceil(sqrt((double)n));
        *rows = (n + *cols - 1) / *cols;
    }
}

/* Write a color with opacity alpha: '#rrggbb' or '#aarrggbb' (aa = transparency). */
static void put_color(FILE *f, const char *rgb, double alpha)
{
    if (isnan(alpha) || alpha >= 1)
        fprintf(f, "'%s'", rgb);
    else
        fprintf(f, "'#%02x%s'", (unsigned)lround((1 - alpha) * 255), rgb + 1);
}

#define QUOTE(f, what, s)                                                                       \
    do {                                                                                        \
        gp_code rc_ = gp_gnuplot_quote((f), (what), (s), err);                                  \
        if (rc_)                                                                                \
            return rc_;                                                                         \
    } while (0)

static gp_code put_text_setting(FILE *f, const char *name, const char *s, gp_error *err)
{
    if (!s) {
        fprintf(f, "unset %s\n", name);
        return GP_OK;
    }
    fprintf(f, "set %s ", name);
    QUOTE(f, name, s);
    fputc('\n', f);
    return GP_OK;
}

static void put_axis(FILE *f, char axis, const double r[2], int logscale, int fix, int reverse)
{
    fprintf(f, "%s logscale %c\nset autoscale %c\n", logscale ? "set" : "unset", axis, axis);
    if (fix)
        fprintf(f, "set autoscale %cfix\n", axis);
    if (isnan(r[0]))
        fprintf(f, "set %crange [*:*] %sreverse\n", axis, reverse ? "" : "no");
    else
        fprintf(f, "set %crange [%.17g:%.17g] noreverse\n", axis, r[0], r[1]);
}

static void put_palette(FILE *f, const plot_layer *L)
{
    static const char *const defs[] = {
        "set palette defined (0 '#440154', 1 '#482878', 2 '#3e4989', 3 '#31688e', "
        "4 '#26828e', 5 '#1f9e89', 6 '#35b779', 7 '#6ece58', 8 '#b5de2b', 9 '#fde725')",
        "set palette gray",
        "set palette rgbformulae 21,22,23",
        "set palette defined (0 '#2166ac', 1 '#67a9cf', 2 '#d1e5f0', 3 '#f7f7f7', "
        "4 '#fddbc7', 5 '#ef8a62', 6 '#b2182b')"};
    fprintf(f, "%s\n", defs[L->palette]);
    if (L->palette == GP_PAL_RDBU) { /* symmetric around 0 so white means 0 */
        double m = 0;
        for (size_t r = 0; r < L->rows; r++)
            m = fmax(m, fabs(L->data[2 * L->rows + r]));
        fprintf(f, "set cbrange [%.17g:%.17g]\n", -(m > 0 ? m : 1), m > 0 ? m : 1);
    } else {
        fputs("set cbrange [*:*]\n", f);
    }
}

/* One plot clause per curve of layer L (datablock $d<id>); *next is the next
 * palette color. */
static gp_code put_clauses(FILE *f, const plot_layer *L, int id, int *first, int *next,
                           gp_error *err)
{
    size_t curves = L->kind == LAYER_LINES || L->kind == LAYER_POINTS ? L->cols - 1 : 1;
    for (size_t j = 0; j < curves; j++) {
        const char *rgb = L->color[0] ? L->color
                          : L->kind == LAYER_BAND ? gp_gnuplot_palette[0]
                                                  : gp_gnuplot_palette[(*next)++ % GP_GNUPLOT_NPALETTE];
        fprintf(f, "%s    $d%d ", *first ? "" : ", \\\n", id);
        *first = 0;
        switch (L->kind) {
        case LAYER_LINES:
            fprintf(f, "using 1:%zu with lines lw %g dt %d lc rgb ", j + 2,
                    L->width > 0 ? L->width : 1.5, L->dash + 1);
            put_color(f, rgb, L->alpha);
            break;
        case LAYER_POINTS:
            fprintf(f, "using 1:%zu with points pt 7 ps %g lc rgb ", j + 2,
                    L->width > 0 ? L->width : 0.8);
            put_color(f, rgb, L->alpha);
            break;
        case LAYER_BAND:
            fprintf(f, "using 1:2:3 with filledcurves fc rgb '%s' fs transparent solid %g noborder",
                    rgb, isnan(L->alpha) ? 0.3 : L->alpha);
            break;
        case LAYER_HIST:
            fprintf(f, "using 1:2:3 with boxes fc rgb '%s' fs transparent solid %g border lc rgb '%s'",
                    rgb, isnan(L->alpha) ? 0.6 : L->alpha, rgb);
            break;
        default:
            fputs("using 1:2:3 with image", f);
        }
        if (j == 0 && L->title) {
            fputs(" title ", f);
            QUOTE(f, "title", L->title);
        } else {
            fputs(" notitle", f);
        }
    }
    return GP_OK;
}

static gp_code put_panel(FILE *f, const plot_panel *p, const char *title, int *id, gp_error *err)
{
    int heat = 0, hist = 0, titled = 0;
    const plot_layer *heatmap = NULL;
    for (size_t i = 0; i < p->nlayers; i++) {
        int k = p->layers[i].kind;
        if (k == LAYER_HEATMAP && !heatmap)
            heatmap = &p->layers[i], heat = 1;
        hist |= k == LAYER_HIST;
        titled |= p->layers[i].title != NULL;
    }
    gp_code rc;
    if ((rc = put_text_setting(f, "title", title, err)) ||
        (rc = put_text_setting(f, "xlabel", p->xlabel, err)) ||
        (rc = put_text_setting(f, "ylabel", p->ylabel, err)))
        return rc;
    put_axis(f, 'x', p->xr, p->logx, !hist, 0);
    put_axis(f, 'y', p->yr, p->logy, heat, heatmap && heatmap->index_y);
    static const char *const keys[] = {
        [GP_LEGEND_TOP_LEFT] = "top left",       [GP_LEGEND_TOP_RIGHT] = "top right",
        [GP_LEGEND_BOTTOM_LEFT] = "bottom left", [GP_LEGEND_BOTTOM_RIGHT] = "bottom right",
        [GP_LEGEND_OUTSIDE] = "outside right top"};
    gp_legend legend = p->legend;
    if (legend == GP_LEGEND_AUTO || legend == GP_LEGEND_INHERIT)
        legend = titled ? GP_LEGEND_TOP_LEFT : GP_LEGEND_OFF;
    if (legend == GP_LEGEND_OFF)
        fputs("unset key\n", f);
    else
        fprintf(f, "set key %s reverse Left opaque box lc rgb '#cccccc' samplen 2\n", keys[legend]);
    if (heatmap)
        put_palette(f, heatmap);
    fputs("plot \\\n", f);
    int first = 1, next = 0;
    for (size_t i = 0; i < p->nlayers; i++)
        if ((rc = put_clauses(f, &p->layers[i], (*id)++, &first, &next, err)))
            return rc;
    fputs("\n", f);
    return GP_OK;
}

static void put_data(FILE *f, const plot_layer *L, int id)
{
    fprintf(f, "$d%d << EOD\n", id);
    for (size_t r = 0; r < L->rows; r++) {
        for (size_t c = 0; c < L->cols; c++)
            fprintf(f, c ? " %.17g" : "%.17g", L->data[c * L->rows + r]);
        fputc('\n', f);
        if (L->block && (r + 1) % L->block == 0 && r + 1 < L->rows)
            fputc('\n', f);
    }
    fputs("EOD\n", f);
}

/* A log axis cannot show values <= 0 (gnuplot would silently drop them). */
static gp_code check_log_axes(const plot_panel *p, size_t k, gp_error *err)
{
    static const char *const names[] = {"lines", "band", "points", "heatmap", "histogram"};
    for (size_t i = 0; i < p->nlayers; i++) {
        const plot_layer *L = &p->layers[i];
        size_t ylast = L->kind == LAYER_HIST ? 0 : L->kind == LAYER_HEATMAP ? 1 : L->cols - 1;
        for (size_t c = 0; c <= ylast; c++) {
            if (!(c == 0 ? p->logx : p->logy))
                continue;
            for (size_t r = 0; r < L->rows; r++)
                if (L->data[c * L->rows + r] <= 0)
                    return gp_error_set(err, GP_ERR_ARG,
                                        "panel %zu: %s has %c = %g, which a log scale cannot show",
                                        k, names[L->kind], c == 0 ? 'x' : 'y',
                                        L->data[c * L->rows + r]);
        }
    }
    return GP_OK;
}

static gp_code put_script(FILE *f, const gp_figure *fig, gp_format fmt, int width, int height,
                          const char *image_name, gp_error *err)
{
    int rows, cols;
    grid_shape(fig, &rows, &cols);
    if (fig->npanels == 0)
        return gp_error_set(err, GP_ERR_ARG,
                            "the figure has nothing to draw (add lines, a band, points, a heatmap "
                            "or a histogram)");
    if ((size_t)rows * (size_t)cols < fig->npanels)
        return gp_error_set(err, GP_ERR_DIM, "the layout %d x %d has room for %d panels, not %zu",
                            rows, cols, rows * cols, fig->npanels);
    for (size_t i = 0; i < fig->npanels; i++) {
        gp_code rc = fig->panels[i].nlayers == 0
                         ? gp_error_set(err, GP_ERR_ARG,
                                        "panel %zu of the figure has nothing to draw", i + 1)
                         : check_log_axes(&fig->panels[i], i + 1, err);
        if (rc)
            return rc;
    }
    if (width <= 0 || height <= 0) {
        width = fig->width ? fig->width : cols == 1 ? 800 : 560 * cols;
        height = fig->height ? fig->height : rows == 1 ? 500 : 400 * rows;
        if (fmt == GP_FMT_TXT)
            width = width / 8 > 20 ? width / 8 : 20, height = height / 16 > 10 ? height / 16 : 10;
    }
    const char *enh = fig->enhanced ? "enhanced" : "noenhanced";
    fputs("# Figure written by gprior. Re-render it with:  gnuplot <this file>\n"
          "# from any folder: the image is written beside this script (or to\n"
          "# gprior_output if set: gnuplot -e \"gprior_output='x.png'\" <this file>;\n"
          "# gprior_output='' writes to standard output).\n"
          "# All data are inline below; edit the settings freely.\n"
          "set encoding utf8\n"
          "gprior_arg0 = exists(\"ARG0\") ? ARG0 : ''\n"
          "gprior_i = strlen(gprior_arg0)\n"
          "while (gprior_i > 0 && gprior_arg0[gprior_i:gprior_i] ne '/') { gprior_i = gprior_i - 1 }\n"
          "gprior_dir = gprior_i > 0 ? gprior_arg0[1:gprior_i - 1] : '.'\n"
          "gprior_default = gprior_dir . '/' . ", f);
    QUOTE(f, "file name", image_name);
    fputs("\ngprior_output = exists(\"gprior_output\") ? gprior_output : gprior_default\n"
          "# A relative name gets a leading ./ so that gnuplot never takes it for a\n"
          "# pipe ('|command') or a home folder ('~').\n"
          "if (gprior_output ne '' && gprior_output[1:1] ne '/') { gprior_output = './' . gprior_output }\n",
          f);
    switch (fmt) {
    case GP_FMT_PNG:
        fprintf(f, "set terminal pngcairo size %d,%d font 'sans,11' %s background '#ffffff'\n",
                width, height, enh);
        break;
    case GP_FMT_SVG:
        fprintf(f, "set terminal svg size %d,%d font 'sans,11' %s background '#ffffff'\n", width,
                height, enh);
        break;
    case GP_FMT_PDF:
        fprintf(f, "set terminal pdfcairo size %gin,%gin font 'sans,11' %s\n", width / 160.0,
                height / 160.0, enh); /* 800 x 500 px -> 5 x 3.125 in */
        break;
    default:
        fprintf(f, "set terminal dumb size %d,%d %s\n", width, height, enh);
    }
    fputs("if (gprior_output eq '') { set output } else { set output gprior_output }\n", f);
    if (fmt != GP_FMT_TXT)
        fputs("set grid back lc rgb '#dddddd' lw 1 dt 1\n", f);
    fputs("set border 3 back lc rgb '#404040'\n"
          "set tics nomirror out scale 0.5\n\n", f);
    int id = 1;
    for (size_t i = 0; i < fig->npanels; i++)
        for (size_t j = 0; j < fig->panels[i].nlayers; j++)
            put_data(f, &fig->panels[i].layers[j], id++);
    int multi = fig->npanels > 1 || (fig->title && fig->panels[0].title);
    if (multi) {
        fprintf(f, "\nset multiplot layout %d,%d", rows, cols);
        if (fig->title) {
            fputs(" title ", f);
            QUOTE(f, "figure title", fig->title);
        }
        fputc('\n', f);
    }
    id = 1;
    for (size_t i = 0; i < fig->npanels; i++) {
        const plot_panel *p = &fig->panels[i];
        fprintf(f, "\n# ---- panel %zu\n", i + 1);
        gp_code rc = put_panel(f, p, p->title || multi ? p->title : fig->title, &id, err);
        if (rc)
            return rc;
    }
    if (multi)
        fputs("unset multiplot\n", f);
    fputs("unset output\n", f);
    return GP_OK;
}

gp_code gp_figure_script(const gp_figure *fig, gp_format fmt, int width, int height,
                         const char *image_name, char **script, gp_error *err)
{
    size_t len = 0;
    *script = NULL;
    FILE *f = open_memstream(script, &len);
    if (!f)
        return gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    gp_code rc = put_script(f, fig, fmt, width, height, image_name, err);
    if (fclose(f) != 0 && !rc)
        rc = gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    if (rc) {
        free(*script);
        *script = NULL;
    }
    return rc;
}
