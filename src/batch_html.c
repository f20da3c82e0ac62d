/* batch_html.c: the gallery page (model in batch_html.h). Every piece of text
 * is HTML-escaped; every link is a percent-encoded path relative to OUT. What
 * a card embeds from a log is capped (lines and bytes) and says so: a script
 * that prints megabytes must not make a page that no browser opens. */
#define _POSIX_C_SOURCE 200809L

#include "batch_html.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "batch_util.h"

#define LINE_CAP 400          /* characters of one log line shown */
#define MAX_REPORT_LINES 400  /* PASS/FAIL lines shown per card */
#define TAIL_LINES 25         /* log lines shown for a failed run */
#define CARD_BYTES (64 * 1024) /* bytes of log text embedded per card */
#define MAX_PREVIEW 65536     /* bytes of a .txt figure shown */
#define WIDE_RATIO 1.8        /* a figure this much wider than high takes the full width */

static const char *const format_name[FMT_COUNT] = {"png", "svg", "pdf", "txt"};

int g_run_ok(const g_run *run)
{
    return run_record_ok(&run->rec);
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
        default: fputc(c < 0x20 && c != '\n' && c != '\t' ? '?' : c, f);
        }
    }
}

static void put_esc(FILE *f, const char *s)
{
    put_esc_n(f, s, strlen(s));
}

/* A relative path as an href value: every byte but [A-Za-z0-9-._~/] is
 * percent-encoded, so '&', '#', '?', '%', quotes and spaces are all safe. */
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

static void put_link(FILE *f, const char *href, const char *text)
{
    fputs("<a href=\"", f);
    put_href(f, href);
    fputs("\">", f);
    put_esc(f, text);
    fputs("</a>", f);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* ---- parameters -------------------------------------------------------------------- */
/* The value of parameter name in run r ("seed": its seed), or NULL. */
static const char *param_value(const g_run *r, const char *name)
{
    if (strcmp(name, "seed") == 0)
        return r->rec.seed;
    for (size_t i = 0; i < r->rec.nparams; i++)
        if (strcmp(r->rec.params[i].name, name) == 0)
            return r->rec.params[i].value;
    return NULL;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The parameters (and "seed") whose values differ between the runs of s. */
static size_t varying(const g_section *s, const char ***out)
{
    const char **names = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k <= s->runs[i]->rec.nparams; k++) {
            const char *name = k < s->runs[i]->rec.nparams ? s->runs[i]->rec.params[k].name : "seed";
            int known = 0;
            for (size_t j = 0; j < n && !known; j++)
                known = strcmp(names[j], name) == 0;
            if (known)
                continue;
            int differs = 0;
            for (size_t j = 1; j < s->n && !differs; j++)
                differs = !same(param_value(s->runs[j], name), param_value(s->runs[0], name));
            if (differs)
                BATCH_PUSH(names, n, cap, name);
        }
    /* seed last: rows and columns from the parameters first */
    for (size_t j = 0; j + 1 < n; j++)
        if (strcmp(names[j], "seed") == 0) {
            memmove(names + j, names + j + 1, (n - j - 1) * sizeof *names);
            names[n - 1] = "seed";
            break;
        }
    *out = names;
    return n;
}

/* "a=1, b=2" for the names[from..n) of run r; numbers in one spelling
 * (a default 1.0 and a --set 1 share a row). */
static char *label_of(const g_run *r, const char **names, size_t from, size_t n)
{
    char *s = batch_strf("%s", "");
    for (size_t i = from; i < n; i++) {
        const char *v = param_value(r, names[i]);
        char *end, num[32];
        double x = v && *v ? strtod(v, &end) : 0;
        if (v && *v && !*end && strcmp(names[i], "seed") != 0) {
            snprintf(num, sizeof num, "%.15g", x);
            v = num;
        }
        char *t = batch_strf("%s%s%s=%s", s, i > from ? ", " : "", names[i], v ? v : "-");
        free(s);
        s = t;
    }
    return s;
}

/* The card's title: the parameters set on the command line, and the seed when it varies. */
static char *card_title(const g_run *r, int seed_varies)
{
    char *s = batch_strf("%s", "");
    for (size_t i = 0; i < r->rec.nparams; i++) {
        const run_param *p = &r->rec.params[i];
        if (strcmp(p->origin, "set") != 0)
            continue;
        char *t = batch_strf("%s%s%s=%s", s, *s ? ", " : "", p->name, p->value);
        free(s);
        s = t;
    }
    if (seed_varies && r->rec.seed) {
        char *t = batch_strf("%s%sseed=%s", s, *s ? ", " : "", r->rec.seed);
        free(s);
        s = t;
    }
    if (!*s) {
        free(s);
        s = batch_strf("%s", r->rec.script);
    }
    return s;
}

/* ---- pieces of a card ---------------------------------------------------------------- */
static int figure_wide(const g_figure *fig)
{
    return fig->width > 0 && fig->height > 0 && fig->width >= WIDE_RATIO * fig->height;
}

/* Up to MAX_PREVIEW bytes of a text figure in a <pre>. */
static void put_preview(FILE *f, const g_gallery *g, const char *rel)
{
    char *path = batch_strf("%s/%s", g->outdir, rel);
    FILE *in = fopen(path, "r");
    free(path);
    if (!in)
        return;
    char *buf = batch_realloc(NULL, MAX_PREVIEW);
    size_t n = fread(buf, 1, MAX_PREVIEW, in);
    int more = fgetc(in) != EOF;
    fclose(in);
    fputs("<pre class=\"preview\">", f);
    put_esc_n(f, buf, n);
    if (more)
        fputs("\n[... cut: the text figure is longer than 64 KB; open the file]", f);
    fputs("</pre>", f);
    free(buf);
}

static const char *shown_file(const g_figure *fig)
{
    return fig->file[FMT_PNG] ? fig->file[FMT_PNG] : fig->file[FMT_SVG];
}

/* One figure: the image (PNG, else SVG, else a text rendering) linking to the
 * full-size file, then every format and its gnuplot script. */
static void put_figure(FILE *f, const g_gallery *g, const g_figure *fig, int show)
{
    const char *img = shown_file(fig);
    fprintf(f, "<figure%s>", figure_wide(fig) ? " class=\"wide\"" : "");
    if (show && img) {
        fputs("<a href=\"", f);
        put_href(f, img);
        fputs("\"><img loading=\"lazy\" src=\"", f);
        put_href(f, img);
        fputs("\" alt=\"", f);
        put_esc(f, base_name(fig->stem));
        fputs("\"", f);
        if (fig->width && fig->height)
            fprintf(f, " width=\"%d\" height=\"%d\"", fig->width, fig->height);
        fputs("></a>", f);
    } else if (show && fig->file[FMT_TXT]) {
        put_preview(f, g, fig->file[FMT_TXT]);
    }
    fputs("<figcaption><b>", f);
    put_esc(f, base_name(fig->stem));
    fputs("</b>", f);
    for (int k = 0; k < FMT_COUNT; k++) {
        if (!fig->file[k])
            continue;
        fputs(" &middot; ", f);
        put_link(f, fig->file[k], format_name[k]);
        if (fig->script[k] && (k == 0 || !fig->script[k - 1] || strcmp(fig->script[k], fig->script[k - 1]) != 0)) {
            fputs(" (", f);
            put_link(f, fig->script[k], base_name(fig->script[k]));
            fputs(")", f);
        }
    }
    if (fig->clash)
        fputs("<br><span class=\"warn\">another run's record names this file too: both "
              "saved it into one folder, and the file is the last one written</span>", f);
    fputs("</figcaption></figure>\n", f);
}

/* A log line into the card, cut at LINE_CAP characters. Returns bytes used. */
static size_t put_log_line(FILE *f, const char *line, long long len, const char *cls)
{
    if (cls)
        fprintf(f, "<span class=\"%s\">", cls);
    size_t shown = len > LINE_CAP ? LINE_CAP : (size_t)len;
    put_esc_n(f, line, shown);
    if (len > LINE_CAP)
        fprintf(f, " [... %lld more characters: see the log]", len - LINE_CAP);
    fputs(cls ? "</span>\n" : "\n", f);
    return shown + 40;
}

/* The PASS/FAIL/check-summary lines of the log and, for a failed run, its last
 * lines (the error and the traceback); capped, saying what was left out. */
static void put_log_report(FILE *f, const g_gallery *g, const g_run *r, int failed)
{
    if (!r->log)
        return;
    char *path = batch_strf("%s/%s", g->outdir, r->log);
    FILE *in = fopen(path, "r");
    free(path);
    if (!in)
        return;
    char *tail[TAIL_LINES] = {NULL};
    long long tail_len[TAIL_LINES] = {0};
    size_t ntail = 0, shown = 0, skipped = 0, bytes = 0, cap = 0;
    char *line = NULL;
    long long len;
    int cut, open_pre = 0;
    while ((len = batch_read_line(in, &line, &cap, LINE_CAP, &cut)) >= 0) {
        int pass = strncmp(line, "PASS ", 5) == 0, fail = strncmp(line, "FAIL ", 5) == 0;
        if (pass || fail || strncmp(line, "check summary:", 14) == 0) {
            if (shown < MAX_REPORT_LINES && bytes < CARD_BYTES / 2) {
                if (!open_pre)
                    fputs("<pre class=\"checks\">", f);
                open_pre = 1;
                bytes += put_log_line(f, line, len, pass ? "pass" : fail ? "failed" : "sum");
                shown++;
            } else {
                skipped++;
            }
        }
        if (failed) {
            size_t k = ntail % TAIL_LINES;
            free(tail[k]);
            tail[k] = batch_strf("%s", line);
            tail_len[k] = len;
            ntail++;
        }
    }
    if (open_pre) {
        if (skipped)
            fprintf(f, "<span class=\"note\">[%zu more check lines: see the log]</span>\n", skipped);
        fputs("</pre>\n", f);
    }
    if (failed && ntail) {
        fputs("<details open><summary>end of the log</summary><pre class=\"tail\">", f);
        size_t first = ntail > TAIL_LINES ? ntail - TAIL_LINES : 0;
        for (size_t i = first; i < ntail && bytes < CARD_BYTES; i++)
            bytes += put_log_line(f, tail[i % TAIL_LINES], tail_len[i % TAIL_LINES], NULL);
        fputs("</pre></details>\n", f);
    }
    for (size_t i = 0; i < TAIL_LINES; i++)
        free(tail[i]);
    free(line);
    fclose(in);
}

static void put_params(FILE *f, const g_run *r)
{
    fputs("<p class=\"params\">", f);
    if (r->rec.seed) {
        fputs("<span class=\"p\">seed <code>", f);
        put_esc(f, r->rec.seed);
        fputs("</code></span>", f);
    }
    for (size_t i = 0; i < r->rec.nparams; i++) {
        const run_param *p = &r->rec.params[i];
        int dflt = strcmp(p->origin, "set") != 0;
        fprintf(f, " <span class=\"p%s\"", dflt ? " dflt" : "");
        if (p->doc && *p->doc) {
            fputs(" title=\"", f);
            put_esc(f, p->doc);
            fputs("\"", f);
        }
        fputs(">", f);
        put_esc(f, p->name);
        fputs(" <code>", f);
        put_esc(f, p->value);
        fputs("</code></span>", f);
    }
    fputs("</p>\n", f);
}

static void put_card(FILE *f, const g_gallery *g, const g_run *r, int show_figures, int seed_varies)
{
    char st[160];
    run_record_status_text(&r->rec, st, sizeof st);
    int ok = g_run_ok(r), wide = 0;
    for (size_t i = 0; i < r->nfigs && show_figures; i++)
        wide |= figure_wide(&r->figs[i]);
    const char *cls = ok ? "ok" : r->rec.status && strcmp(r->rec.status, "running") == 0 ? "skip" : "fail";
    fprintf(f, "<article class=\"card %s%s\" id=\"r%d\">\n<h3>", cls, wide ? " wide" : "", r->id);
    char *title = card_title(r, seed_varies);
    put_esc(f, title);
    free(title);
    fputs(" <span class=\"badge\">", f);
    put_esc(f, st);
    fprintf(f, "</span> <span class=\"time\">%.2fs</span>", r->rec.seconds);
    if (r->rec.has_checks)
        fprintf(f, " <span class=\"checkcount\">%lld/%lld checks</span>", r->rec.checks_passed,
                run_record_checks_total(&r->rec));
    fputs("</h3>\n", f);
    put_params(f, r);
    if (!ok && r->rec.message && *r->rec.message) {
        fputs("<p class=\"msg\">", f);
        size_t n = strlen(r->rec.message);
        put_esc_n(f, r->rec.message, n > LINE_CAP ? LINE_CAP : n);
        fputs(n > LINE_CAP ? " [...]</p>\n" : "</p>\n", f);
    }
    if (r->nfigs) {
        fputs("<div class=\"figs\">\n", f);
        for (size_t i = 0; i < r->nfigs; i++)
            put_figure(f, g, &r->figs[i], show_figures);
        fputs("</div>\n", f);
    }
    if (r->nmissing) {
        fputs("<p class=\"warn\">named in the record but not in the folder:", f);
        for (size_t i = 0; i < r->nmissing; i++) {
            fputs(" ", f);
            put_esc(f, r->missing[i]);
        }
        fputs("</p>\n", f);
    }
    if (r->ndata) {
        fputs("<p class=\"data\">data:", f);
        for (size_t i = 0; i < r->ndata; i++) {
            fputs(" ", f);
            put_link(f, r->data[i], base_name(r->data[i]));
        }
        fputs("</p>\n", f);
    }
    put_log_report(f, g, r, !ok);
    fputs("<p class=\"links\">", f);
    if (r->source)
        put_link(f, r->source, base_name(r->source));
    else if (r->rec.source)
        put_esc(f, r->rec.source);
    if (r->log) {
        fputs(" &middot; ", f);
        put_link(f, r->log, "log");
    }
    fputs(" &middot; ", f);
    put_link(f, r->record, "record");
    fputs("</p>\n</article>\n", f);
}

/* ---- a sweep: one grid of thumbnails per figure --------------------------------------- */
static const g_figure *find_figure(const g_run *r, const char *stem)
{
    for (size_t i = 0; i < r->nfigs; i++)
        if (strcmp(r->figs[i].stem, stem) == 0)
            return &r->figs[i];
    return NULL;
}

/* The distinct strings of v[0..n), in order, into *out; returns the count. */
static size_t distinct(char **v, size_t n, char ***out)
{
    char **d = NULL;
    size_t k = 0, cap = 0;
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t j = 0; j < k && !seen; j++)
            seen = strcmp(d[j], v[i]) == 0;
        if (!seen)
            BATCH_PUSH(d, k, cap, v[i]);
    }
    *out = d;
    return k;
}

static void put_grid(FILE *f, const g_section *s, const char *stem, const char **vary, size_t nv)
{
    char **rowkey = batch_realloc(NULL, s->n * sizeof *rowkey);
    char **colkey = batch_realloc(NULL, s->n * sizeof *colkey);
    int one_row = nv == 1;
    for (size_t i = 0; i < s->n; i++) {
        rowkey[i] = one_row ? batch_strf("%s", "") : label_of(s->runs[i], vary, 0, 1);
        colkey[i] = label_of(s->runs[i], vary, one_row ? 0 : 1, nv);
    }
    char **rows, **cols;
    size_t nr = distinct(rowkey, s->n, &rows), nc = distinct(colkey, s->n, &cols);
    fputs("<div class=\"sweep\"><table>\n<caption>", f);
    put_esc(f, base_name(stem));
    fputs("</caption>\n<tr><th></th>", f);
    for (size_t c = 0; c < nc; c++) {
        fputs("<th>", f);
        put_esc(f, cols[c]);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    for (size_t r = 0; r < nr; r++) {
        fputs("<tr><th>", f);
        put_esc(f, rows[r]);
        fputs("</th>", f);
        for (size_t c = 0; c < nc; c++) {
            fputs("<td>", f);
            for (size_t i = 0; i < s->n; i++) {
                if (strcmp(rowkey[i], rows[r]) != 0 || strcmp(colkey[i], cols[c]) != 0)
                    continue;
                const g_run *run = s->runs[i];
                const g_figure *fig = find_figure(run, stem);
                const char *img = fig ? shown_file(fig) : NULL;
                if (img) {
                    fputs("<a href=\"", f);
                    put_href(f, img);
                    fputs("\"><img class=\"thumb\" loading=\"lazy\" src=\"", f);
                    put_href(f, img);
                    fputs("\" alt=\"", f);
                    put_esc(f, colkey[i]);
                    fputs("\"></a>", f);
                }
                if (!g_run_ok(run) || !img) {
                    char st[160];
                    fprintf(f, "<a class=\"cell %s\" href=\"#r%d\">", g_run_ok(run) ? "ok" : "fail", run->id);
                    put_esc(f, g_run_ok(run) ? "no figure" : run_record_status_text(&run->rec, st, sizeof st));
                    fputs("</a>", f);
                }
            }
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table></div>\n", f);
    for (size_t i = 0; i < s->n; i++) {
        free(rowkey[i]);
        free(colkey[i]);
    }
    free(rowkey);
    free(colkey);
    free(rows);
    free(cols);
}

static void put_sweep(FILE *f, const g_section *s, const char **vary, size_t nv)
{
    char **stems = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < s->runs[i]->nfigs; k++) {
            const g_figure *fig = &s->runs[i]->figs[k];
            int seen = 0;
            for (size_t j = 0; j < n && !seen; j++)
                seen = strcmp(stems[j], fig->stem) == 0;
            if (!seen && shown_file(fig))
                BATCH_PUSH(stems, n, cap, fig->stem);
        }
    for (size_t i = 0; i < n; i++)
        put_grid(f, s, stems[i], vary, nv);
    free(stems);
}

/* ---- the page -------------------------------------------------------------------------- */
static const char css[] =
    ":root{color-scheme:light dark;--bg:#f5f6f8;--card:#fff;--fg:#1d2330;--mute:#667085;"
    "--line:#e2e5e9;--ok:#1a7f37;--fail:#cf222e;--skip:#8c959f;--link:#0969da;--warn:#9a6700}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#0f1115;--card:#181b21;--fg:#e6e8eb;"
    "--mute:#9aa3ae;--line:#2a2f37;--link:#58a6ff;--warn:#d29922}}\n"
    "body{margin:0;padding:24px;background:var(--bg);color:var(--fg);"
    "font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif}\n"
    "h1{margin:0 0 4px;font-size:22px}h2{font-size:21px;margin:36px 0 0;padding-bottom:4px;"
    "border-bottom:1px solid var(--line)}\n"
    "h3{font-size:19px;margin:28px 0 4px;word-break:break-all}\n"
    ".toc h2{font-size:15px;margin:10px 0 4px;border:0}\n"
    ".meta,.desc{color:var(--mute);margin:0 0 12px}\n"
    ".toc ol{margin:0 0 8px;padding-left:22px;columns:3 260px}.toc li{break-inside:avoid}\n"
    ".toc .n{color:var(--mute);font-size:13px}.toc .bad{color:var(--fail)}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,440px),1fr));gap:18px}\n"
    ".card{background:var(--card);border:1px solid var(--line);border-top:4px solid var(--ok);"
    "border-radius:10px;padding:14px 16px;display:flex;flex-direction:column;gap:10px;min-width:0}\n"
    ".card.wide{grid-column:1/-1}\n"
    ".card.fail{border-top-color:var(--fail)}.card.skip{border-top-color:var(--skip)}\n"
    ".card h3{font-size:16px;margin:0;display:flex;gap:8px;align-items:baseline;flex-wrap:wrap;"
    "word-break:break-all}\n"
    ".badge{font-size:12px;font-weight:600;padding:1px 8px;border-radius:99px;color:#fff;"
    "background:var(--ok)}\n"
    ".fail .badge{background:var(--fail)}.skip .badge{background:var(--skip)}\n"
    ".time,.checkcount{color:var(--mute);font-size:13px;font-weight:normal}\n"
    ".params{margin:0;font-size:13px;display:flex;flex-wrap:wrap;gap:4px 12px}"
    ".params .dflt{color:var(--mute)}code{font-size:12px}\n"
    ".msg{margin:0;color:var(--fail);font-size:13px;overflow-wrap:anywhere}\n"
    ".warn{color:var(--warn);font-size:13px}\n"
    ".figs{display:flex;flex-direction:column;gap:10px}figure{margin:0}\n"
    "img{max-width:100%;height:auto;display:block;border:1px solid var(--line);border-radius:6px;"
    "background:#fff}\n"
    "figcaption,.links,.data{font-size:13px;color:var(--mute);margin:4px 0 0;overflow-wrap:anywhere}\n"
    "pre{margin:0;padding:8px 10px;background:var(--bg);border-radius:6px;overflow:auto;"
    "max-height:320px;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\n"
    "pre.checks,pre.tail{white-space:pre-wrap;overflow-wrap:anywhere}\n"
    "summary{font-size:13px;color:var(--mute);cursor:pointer}\n"
    ".pass{color:var(--ok)}.failed{color:var(--fail)}.sum{font-weight:600}.note{color:var(--mute)}\n"
    ".sweep{overflow-x:auto;margin:8px 0 18px}.sweep table{border-collapse:collapse}\n"
    ".sweep caption{text-align:left;font-weight:600;padding:4px 0}\n"
    ".sweep th{font-size:12px;font-weight:600;color:var(--mute);padding:4px 8px;white-space:nowrap}\n"
    ".sweep td{padding:4px;vertical-align:top}\n"
    "img.thumb{width:220px;max-width:none}\n"
    ".cell{display:inline-block;font-size:12px;padding:2px 6px;border-radius:6px}"
    ".cell.fail{color:#fff;background:var(--fail)}\n"
    "a{color:var(--link)}\n";

/* 1 if section i starts a part: the scripts of one folder (lua/chapter,
 * lua/inference) are shown together under its name. */
static int new_part(const g_gallery *g, size_t i)
{
    return i == 0 || strcmp(g->sections[i].part, g->sections[i - 1].part) != 0;
}

int batch_html_write(FILE *f, const g_gallery *g)
{
    size_t ok = 0;
    for (size_t i = 0; i < g->nruns; i++)
        ok += (size_t)g_run_ok(&g->runs[i]);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>gprior gallery</title>\n<style>\n", f);
    fputs(css, f);
    fputs("</style>\n</head>\n<body>\n<header>\n<h1>gprior gallery</h1>\n<p class=\"meta\">", f);
    fprintf(f, "%zu run%s of %zu script%s: %zu ok, %zu not ok", g->nruns, g->nruns == 1 ? "" : "s",
            g->nsections, g->nsections == 1 ? "" : "s", ok, g->nruns - ok);
    if (g->unreadable)
        fprintf(f, " &middot; %zu unreadable run record%s left out", g->unreadable,
                g->unreadable == 1 ? "" : "s");
    fputs("</p>\n<nav class=\"toc\">\n", f);
    for (size_t i = 0; i < g->nsections; i++) {
        const g_section *s = &g->sections[i];
        if (new_part(g, i)) {
            if (i)
                fputs("</ol>\n", f);
            if (*s->part) {
                fputs("<h2>", f);
                put_esc(f, s->part);
                fputs("</h2>\n", f);
            }
            fprintf(f, "<ol start=\"%zu\">\n", i + 1);
        }
        size_t bad = 0;
        for (size_t k = 0; k < s->n; k++)
            bad += !g_run_ok(s->runs[k]);
        fprintf(f, "<li><a href=\"#s%zu\">", i + 1);
        put_esc(f, s->script);
        fprintf(f, "</a> <span class=\"n\">%zu run%s</span>", s->n, s->n == 1 ? "" : "s");
        if (bad)
            fprintf(f, " <span class=\"n bad\">%zu not ok</span>", bad);
        fputs("</li>\n", f);
    }
    fputs("</ol></nav>\n</header>\n<main>\n", f);
    for (size_t i = 0; i < g->nsections; i++) {
        const g_section *s = &g->sections[i];
        if (new_part(g, i) && *s->part) {
            fprintf(f, "<h2 class=\"part\" id=\"p%zu\">", i + 1);
            put_esc(f, s->part);
            fputs("</h2>\n", f);
        }
        fprintf(f, "<section id=\"s%zu\">\n<h3>", i + 1);
        put_esc(f, s->script);
        fputs("</h3>\n", f);
        const char *desc = s->runs[0]->rec.description;
        if (desc && *desc) {
            fputs("<p class=\"desc\">", f);
            put_esc(f, desc);
            fputs("</p>\n", f);
        }
        const char **vary = NULL;
        size_t nv = s->n > 1 ? varying(s, &vary) : 0;
        int seed_varies = 0;
        for (size_t k = 0; k < nv; k++)
            seed_varies |= strcmp(vary[k], "seed") == 0;
        if (nv)
            put_sweep(f, s, vary, nv);
        fputs("<div class=\"grid\">\n", f);
        for (size_t k = 0; k < s->n; k++)
            put_card(f, g, s->runs[k], s->n == 1 || nv == 0, seed_varies);
        fputs("</div>\n</section>\n", f);
        free(vary);
    }
    fputs("</main>\n</body>\n</html>\n", f);
    if (fflush(f) != 0 || ferror(f)) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}
