/* batch_gallery.c: OUTDIR/index.html for `gprior batch`, a static page that
 * opens from the file system (inline CSS, no scripts, no external resources):
 * one card per script with its status, time, figures, check report, and
 * links to its source, each figure's .gp file and its log. Every piece of
 * text is HTML-escaped; every link is a percent-encoded path relative to
 * OUTDIR. Also the small helpers the runner shares (batch_gallery.h). */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch_gallery.h"

#define MAX_REPORT_LINES 400  /* PASS/FAIL lines shown per card */
#define TAIL_LINES 25         /* log lines shown for a failed script */
#define MAX_PREVIEW 65536     /* bytes of a .txt figure shown */

/* ---- shared helpers --------------------------------------------------------- */
char *batch_strf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!s) {
        fputs("gprior batch: out of memory\n", stderr);
        exit(EXIT_FAILURE);
    }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

int batch_job_ok(const batch_job *job)
{
    return job->state == BATCH_DONE && !job->start_errno && job->pid > 0 &&
           WIFEXITED(job->status) && WEXITSTATUS(job->status) == 0;
}

const char *batch_status_text(const batch_job *job, char *buf, size_t len)
{
    if (job->state != BATCH_DONE)
        snprintf(buf, len, "not run");
    else if (job->start_errno)
        snprintf(buf, len, "FAIL (cannot start: %s)", strerror(job->start_errno));
    else if (WIFSIGNALED(job->status))
        snprintf(buf, len, "killed by signal %d", WTERMSIG(job->status));
    else if (WIFEXITED(job->status) && WEXITSTATUS(job->status) == 0)
        snprintf(buf, len, "ok");
    else
        snprintf(buf, len, "FAIL (exit %d)", WIFEXITED(job->status) ? WEXITSTATUS(job->status) : -1);
    return buf;
}

/* ---- escaping ------------------------------------------------------------------ */
/* n bytes of s as HTML text; control characters other than tab and newline
 * (terminal colours, stray bytes) become '?'. */
static void put_esc_n(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            fputc(c < 0x20 && c != '\n' && c != '\t' ? '?' : c, f);
        }
    }
}

static void put_esc(FILE *f, const char *s)
{
    put_esc_n(f, s, strlen(s));
}

/* A relative path as an href value: every byte but [A-Za-z0-9-._~/] is
 * percent-encoded, so '&', '#', '?', quotes and spaces are all safe. */
static void put_href(FILE *f, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
            fputc(c, f);
        else
            fprintf(f, "%%%c%c", hex[c >> 4], hex[c & 15]);
    }
}

/* ---- paths -------------------------------------------------------------------- */
/* The path of `to` relative to the folder `from`; both absolute and canonical. */
static char *rel_path(const char *from, const char *to)
{
    size_t i = 0, common = 0;
    while (from[i] && from[i] == to[i]) {
        i++;
        if (from[i - 1] == '/')
            common = i;
    }
    if (!from[i] && !to[i])
        return batch_strf(".");
    size_t ups = 0;
    if (!from[i] && to[i] == '/') {
        common = i + 1; /* to lies inside from */
    } else if (from[common]) {
        ups = 1;
        for (const char *p = from + common; *p; p++)
            ups += *p == '/';
    }
    char *s = malloc(3 * ups + strlen(to + common) + 1);
    if (!s) {
        fputs("gprior batch: out of memory\n", stderr);
        exit(EXIT_FAILURE);
    }
    s[0] = '\0';
    for (size_t k = 0; k < ups; k++)
        strcat(s, "../");
    strcat(s, to + common);
    return s;
}

/* path (cwd-relative or absolute) relative to OUTDIR, or NULL if it is missing. */
static char *rel_to_out(const char *outdir_abs, const char *path)
{
    char *abs = realpath(path, NULL);
    if (!abs)
        return NULL;
    char *r = rel_path(outdir_abs, abs);
    free(abs);
    return r;
}

static const char *extension(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* ---- card contents --------------------------------------------------------------- */
static void put_link(FILE *f, const char *href, const char *text)
{
    fputs("<a href=\"", f);
    put_href(f, href);
    fputs("\">", f);
    put_esc(f, text);
    fputs("</a>", f);
}

/* Up to MAX_PREVIEW bytes of a text figure in a <pre>. */
static void put_preview(FILE *f, const char *path)
{
    FILE *in = fopen(path, "r");
    if (!in)
        return;
    char *buf = malloc(MAX_PREVIEW);
    size_t n = buf ? fread(buf, 1, MAX_PREVIEW, in) : 0;
    fclose(in);
    fputs("<pre class=\"preview\">", f);
    put_esc_n(f, buf ? buf : "", n);
    fputs("</pre>", f);
    free(buf);
}

static void put_figure(FILE *f, const char *outdir_abs, const char *fig)
{
    char *rel = rel_to_out(outdir_abs, fig);
    if (!rel)
        return;
    const char *ext = extension(fig);
    fputs("<figure>", f);
    if (strcasecmp(ext, "png") == 0 || strcasecmp(ext, "svg") == 0) {
        fputs("<img loading=\"lazy\" src=\"", f);
        put_href(f, rel);
        fputs("\" alt=\"", f);
        put_esc(f, base_name(fig));
        fputs("\">", f);
    } else if (strcasecmp(ext, "txt") == 0) {
        put_preview(f, fig);
    }
    fputs("<figcaption>", f);
    put_link(f, rel, base_name(fig));
    /* its gnuplot script: the same path with .gp for the extension */
    size_t stem = strlen(fig) - (*ext ? strlen(ext) + 1 : 0);
    char *gp = batch_strf("%.*s.gp", (int)stem, fig);
    char *gprel = rel_to_out(outdir_abs, gp);
    if (gprel) {
        fputs(" &middot; ", f);
        put_link(f, gprel, base_name(gp));
    }
    fputs("</figcaption></figure>\n", f);
    free(gprel);
    free(gp);
    free(rel);
}

/* The PASS/FAIL/check-summary lines of the log, and for a failed script the
 * last lines of the log (its error and traceback). */
static void put_log_report(FILE *f, const batch_job *job, int failed)
{
    FILE *in = fopen(job->log, "r");
    if (!in)
        return;
    char *tail[TAIL_LINES] = {NULL};
    size_t ntail = 0, shown = 0, cap = 0;
    char *line = NULL;
    ssize_t len;
    int open_pre = 0;
    while ((len = getline(&line, &cap, in)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        int pass = strncmp(line, "PASS ", 5) == 0, fail = strncmp(line, "FAIL ", 5) == 0;
        if ((pass || fail || strncmp(line, "check summary:", 14) == 0) && shown < MAX_REPORT_LINES) {
            if (!open_pre)
                fputs("<pre class=\"checks\">", f);
            open_pre = 1;
            fprintf(f, "<span class=\"%s\">", pass ? "pass" : fail ? "failed" : "sum");
            put_esc_n(f, line, (size_t)len);
            fputs("</span>\n", f);
            shown++;
        }
        if (failed) {
            free(tail[ntail % TAIL_LINES]);
            tail[ntail % TAIL_LINES] = batch_strf("%s", line);
            ntail++;
        }
    }
    if (open_pre)
        fputs("</pre>\n", f);
    if (failed && ntail) {
        fputs("<details open><summary>end of the log</summary><pre class=\"tail\">", f);
        size_t first = ntail > TAIL_LINES ? ntail - TAIL_LINES : 0;
        for (size_t i = first; i < ntail; i++) {
            put_esc(f, tail[i % TAIL_LINES]);
            fputc('\n', f);
        }
        fputs("</pre></details>\n", f);
    }
    for (size_t i = 0; i < TAIL_LINES; i++)
        free(tail[i]);
    free(line);
    fclose(in);
}

static void put_card(FILE *f, const char *outdir_abs, const batch_job *job)
{
    char st[128];
    batch_status_text(job, st, sizeof st);
    int ok = batch_job_ok(job);
    const char *cls = ok ? "ok" : job->state != BATCH_DONE ? "skip" : "fail";
    fprintf(f, "<section class=\"card %s\">\n<h2>", cls);
    put_esc(f, job->name);
    fprintf(f, " <span class=\"badge\">");
    put_esc(f, st);
    fputs("</span>", f);
    if (job->state == BATCH_DONE && !job->start_errno)
        fprintf(f, " <span class=\"time\">%.2fs</span>", job->secs);
    if (job->has_checks)
        fprintf(f, " <span class=\"time\">%d/%d checks</span>", job->checks_passed,
                job->checks_passed + job->checks_failed);
    fputs("</h2>\n", f);
    if (job->nfigs) {
        fputs("<div class=\"figs\">\n", f);
        for (size_t i = 0; i < job->nfigs; i++)
            put_figure(f, outdir_abs, job->figs[i]);
        fputs("</div>\n", f);
    }
    if (job->state == BATCH_DONE)
        put_log_report(f, job, !ok);
    fputs("<p class=\"links\">", f);
    char *src = rel_to_out(outdir_abs, job->path);
    if (src)
        put_link(f, src, base_name(job->path));
    else
        put_esc(f, job->path);
    free(src);
    if (job->state == BATCH_DONE && access(job->log, R_OK) == 0) {
        char *log = batch_strf("%s.log", job->name);
        fputs(" &middot; ", f);
        put_link(f, log, "log");
        free(log);
    }
    fputs("</p>\n</section>\n", f);
}

static const char css[] =
    ":root{color-scheme:light dark;--bg:#f5f6f8;--card:#fff;--fg:#1d2330;--mute:#667085;"
    "--line:#e2e5e9;--ok:#1a7f37;--fail:#cf222e;--skip:#8c959f;--link:#0969da}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#0f1115;--card:#181b21;--fg:#e6e8eb;"
    "--mute:#9aa3ae;--line:#2a2f37;--link:#58a6ff}}\n"
    "body{margin:0;padding:24px;background:var(--bg);color:var(--fg);"
    "font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif}\n"
    "h1{margin:0 0 4px;font-size:22px}\n"
    ".meta{color:var(--mute);margin:0 0 20px}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,440px),1fr));gap:18px}\n"
    ".card{background:var(--card);border:1px solid var(--line);border-top:4px solid var(--ok);"
    "border-radius:10px;padding:14px 16px;display:flex;flex-direction:column;gap:10px;min-width:0}\n"
    ".card.fail{border-top-color:var(--fail)}.card.skip{border-top-color:var(--skip)}\n"
    ".card h2{font-size:17px;margin:0;display:flex;gap:8px;align-items:baseline;flex-wrap:wrap;"
    "word-break:break-all}\n"
    ".badge{font-size:12px;font-weight:600;padding:1px 8px;border-radius:99px;color:#fff;"
    "background:var(--ok)}\n"
    ".fail .badge{background:var(--fail)}.skip .badge{background:var(--skip)}\n"
    ".time{color:var(--mute);font-size:13px;font-weight:normal}\n"
    ".figs{display:flex;flex-direction:column;gap:10px}figure{margin:0}\n"
    "img{max-width:100%;height:auto;display:block;border:1px solid var(--line);border-radius:6px;"
    "background:#fff}\n"
    "figcaption,.links{font-size:13px;color:var(--mute);margin:4px 0 0}\n"
    "pre{margin:0;padding:8px 10px;background:var(--bg);border-radius:6px;overflow:auto;"
    "max-height:320px;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\n"
    "summary{font-size:13px;color:var(--mute);cursor:pointer}\n"
    ".pass{color:var(--ok)}.failed{color:var(--fail)}.sum{font-weight:600}\n"
    "a{color:var(--link)}\n";

static int write_page(FILE *f, const char *outdir_abs, const batch_job *jobs, size_t n,
                      const char *seed, double secs)
{
    size_t ok = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        ok += (size_t)batch_job_ok(&jobs[i]);
        run += jobs[i].state == BATCH_DONE;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>gprior figures</title>\n<style>\n", f);
    fputs(css, f);
    fputs("</style>\n</head>\n<body>\n<h1>gprior figures</h1>\n<p class=\"meta\">", f);
    fprintf(f, "%zu scripts: %zu ok, %zu failed", n, ok, run - ok);
    if (run < n)
        fprintf(f, ", %zu not run", n - run);
    fputs(" &middot; seed ", f);
    put_esc(f, seed);
    fprintf(f, " &middot; %.1fs</p>\n<main class=\"grid\">\n", secs);
    for (size_t i = 0; i < n; i++)
        put_card(f, outdir_abs, &jobs[i]);
    fputs("</main>\n</body>\n</html>\n", f);
    return ferror(f) ? -1 : 0;
}

int batch_gallery_write(const char *outdir_abs, const batch_job *jobs, size_t njobs,
                        const char *seed, double total_secs, char *err, size_t errlen)
{
    char *tmp = batch_strf("%s/.index.html.%ld.tmp", outdir_abs, (long)getpid());
    char *dst = batch_strf("%s/index.html", outdir_abs);
    int rc = -1;
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
    } else {
        int bad = write_page(f, outdir_abs, jobs, njobs, seed, total_secs);
        int e = errno;
        if (fclose(f) != 0 || bad) {
            snprintf(err, errlen, "cannot write '%s': %s", tmp, strerror(bad ? e : errno));
        } else if (rename(tmp, dst) != 0) {
            snprintf(err, errlen, "cannot rename '%s' to '%s': %s", tmp, dst, strerror(errno));
        } else {
            rc = 0;
        }
        if (rc != 0)
            unlink(tmp);
    }
    free(tmp);
    free(dst);
    return rc;
}
