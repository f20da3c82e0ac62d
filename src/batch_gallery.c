/* batch_gallery.c: find the runs in OUT and build the gallery's model
 * (batch_html.h), then write OUT/index.html through a temporary file. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "batch_gallery.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "batch_html.h"
#include "batch_util.h"
#include "gp_file.h"

#define MAX_DEPTH 8 /* folders below OUT searched for records */

static const char *const format_ext[FMT_COUNT] = {"png", "svg", "pdf", "txt"};

static char *join(const char *dir, const char *name)
{
    return *dir ? batch_strf("%s/%s", dir, name) : batch_strf("%s", name);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* rel (relative to OUT) is a regular file. */
static int is_file(const g_gallery *g, const char *rel)
{
    char *p = batch_strf("%s/%s", g->outdir, rel);
    struct stat st;
    int ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
    free(p);
    return ok;
}

/* ---- image sizes (to give wide figures the full width) ------------------------- */
static unsigned be32(const unsigned char *p)
{
    return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

static void image_size(const g_gallery *g, const char *rel, int fmt, int *w, int *h)
{
    char *p = batch_strf("%s/%s", g->outdir, rel);
    FILE *f = fopen(p, "rb");
    free(p);
    if (!f)
        return;
    char buf[2048];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (fmt == FMT_PNG && n >= 24 && memcmp(buf + 12, "IHDR", 4) == 0) {
        unsigned pw = be32((unsigned char *)buf + 16), ph = be32((unsigned char *)buf + 20);
        if (pw < 100000 && ph < 100000)
            *w = (int)pw, *h = (int)ph;
    } else if (fmt == FMT_SVG) {
        const char *svg = strstr(buf, "<svg");
        const char *ws = svg ? strstr(svg, " width=\"") : NULL, *hs = svg ? strstr(svg, " height=\"") : NULL;
        if (ws && hs) {
            double dw = strtod(ws + 8, NULL), dh = strtod(hs + 9, NULL);
            if (dw > 0 && dh > 0 && dw < 1e5 && dh < 1e5)
                *w = (int)dw, *h = (int)dh;
        }
    }
}

/* ---- one run ---------------------------------------------------------------------- */
static int format_of(const char *path, char **stem)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return -1;
    for (int k = 0; k < FMT_COUNT; k++)
        if (strcasecmp(dot + 1, format_ext[k]) == 0) {
            *stem = batch_strf("%.*s", (int)(dot - path), path);
            return k;
        }
    return -1;
}

static void add_figure(const g_gallery *g, g_run *run, const char *fig)
{
    char *rel = join(run->dir, fig);
    char *stem = NULL;
    int fmt = format_of(fig, &stem);
    if (fmt < 0 || !is_file(g, rel)) {
        BATCH_PUSH(run->missing, run->nmissing, run->missing_cap, batch_strf("%s", fig));
        free(rel);
        free(stem);
        return;
    }
    g_figure *f = NULL;
    for (size_t i = 0; i < run->nfigs && !f; i++)
        if (strcmp(run->figs[i].stem, stem) == 0)
            f = &run->figs[i];
    if (!f) {
        g_figure blank;
        memset(&blank, 0, sizeof blank);
        blank.stem = stem;
        stem = NULL;
        BATCH_PUSH(run->figs, run->nfigs, run->figs_cap, blank);
        f = &run->figs[run->nfigs - 1];
    }
    free(stem);
    free(f->file[fmt]);
    f->file[fmt] = rel;
    /* its gnuplot script: one per image (x.png.gp), or the older one per name (x.gp) */
    char *per_image = batch_strf("%s.gp", rel);
    char *stem_rel = join(run->dir, f->stem);
    char *per_name = batch_strf("%s.gp", stem_rel);
    free(stem_rel);
    if (is_file(g, per_image)) {
        f->script[fmt] = per_image;
        free(per_name);
    } else {
        free(per_image);
        if (is_file(g, per_name))
            f->script[fmt] = per_name;
        else
            free(per_name);
    }
    if ((fmt == FMT_PNG || (fmt == FMT_SVG && !f->width)))
        image_size(g, rel, fmt, &f->width, &f->height);
}

/* 1 if the folder abs holds a run record (it is another run's folder). */
static int holds_record(const char *abs)
{
    DIR *d = opendir(abs);
    int found = 0;
    struct dirent *e;
    while (d && !found && (e = readdir(d)) != NULL)
        found = ends_with(e->d_name, RECORD_SUFFIX);
    if (d)
        closedir(d);
    return found;
}

/* The .tsv and .csv files of a run that owns its folder (not the records, and
 * not in the folders of other runs below it: a plain run's OUT/SCRIPT holds
 * the folders of that script's sweep). */
static void scan_data(g_run *run, const char *abs, const char *rel, int depth)
{
    struct dirent **e;
    int n = scandir(abs, &e, NULL, alphasort);
    if (n < 0)
        return;
    for (int i = 0; i < n; i++) {
        const char *name = e[i]->d_name;
        char *a = batch_strf("%s/%s", abs, name);
        char *r = join(rel, name);
        struct stat st;
        if (name[0] == '.' || lstat(a, &st) != 0) {
        } else if (S_ISREG(st.st_mode) && !ends_with(name, RECORD_SUFFIX) &&
                   (ends_with(name, ".tsv") || ends_with(name, ".csv"))) {
            BATCH_PUSH(run->data, run->ndata, run->data_cap, r);
            r = NULL;
        } else if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH && !holds_record(a)) {
            scan_data(run, a, r, depth + 1);
        }
        free(a);
        free(r);
        free(e[i]);
    }
    free(e);
}

static void load_run(g_gallery *g, const char *rel_record)
{
    g_run run;
    memset(&run, 0, sizeof run);
    char *abs = batch_strf("%s/%s", g->outdir, rel_record);
    char err[600];
    if (run_record_read(&run.rec, abs, err, sizeof err) != 0) {
        g->unreadable++;
        free(abs);
        return;
    }
    free(abs);
    const char *slash = strrchr(rel_record, '/');
    run.dir = slash ? batch_strf("%.*s", (int)(slash - rel_record), rel_record) : batch_strf("%s", "");
    run.record = batch_strf("%s", rel_record);
    if (run.rec.log && *run.rec.log) {
        char *log = join(run.dir, run.rec.log);
        if (is_file(g, log))
            run.log = log;
        else
            free(log);
    }
    if (run.rec.source && *run.rec.source && run.rec.source[0] != '/') {
        char *src = join(run.dir, run.rec.source);
        if (is_file(g, src))
            run.source = src;
        else
            free(src);
    }
    for (size_t i = 0; i < run.rec.nfigures; i++)
        add_figure(g, &run, run.rec.figures[i]);
    if (run.rec.own_folder) {
        char *dabs = *run.dir ? batch_strf("%s/%s", g->outdir, run.dir) : batch_strf("%s", g->outdir);
        scan_data(&run, dabs, run.dir, 0);
        free(dabs);
    }
    BATCH_PUSH(g->runs, g->nruns, g->runs_cap, run);
}

/* Every *.run.tsv below OUT (not following links, not in hidden folders). */
static void find_records(g_gallery *g, const char *abs, const char *rel, int depth)
{
    struct dirent **e;
    int n = scandir(abs, &e, NULL, alphasort);
    if (n < 0)
        return;
    for (int i = 0; i < n; i++) {
        const char *name = e[i]->d_name;
        if (name[0] != '.') {
            char *a = batch_strf("%s/%s", abs, name);
            char *r = join(rel, name);
            struct stat st;
            if (lstat(a, &st) == 0) {
                if (S_ISREG(st.st_mode) && ends_with(name, RECORD_SUFFIX))
                    load_run(g, r);
                else if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH)
                    find_records(g, a, r, depth + 1);
            }
            free(a);
            free(r);
        }
        free(e[i]);
    }
    free(e);
}

/* ---- order and sections ------------------------------------------------------------- */
/* Numbers compare as numbers, anything else as text. */
static int compare_values(const char *a, const char *b)
{
    char *ea, *eb;
    double x = strtod(a, &ea), y = strtod(b, &eb);
    if (*a && *b && !*ea && !*eb && x != y)
        return x < y ? -1 : 1;
    return strcmp(a, b);
}

static const char *part_of(const g_run *r)
{
    return r->rec.part ? r->rec.part : "";
}

/* By part (the script's folder), script, parameters, seed, folder. */
static int by_run(const void *pa, const void *pb)
{
    const g_run *a = pa, *b = pb;
    int c = strcmp(part_of(a), part_of(b));
    if (c || (c = strcmp(a->rec.script, b->rec.script)))
        return c;
    size_t n = a->rec.nparams < b->rec.nparams ? a->rec.nparams : b->rec.nparams;
    for (size_t i = 0; i < n; i++) {
        const run_param *p = &a->rec.params[i], *q = &b->rec.params[i];
        if ((c = strcmp(p->name, q->name)) || (c = compare_values(p->value, q->value)))
            return c;
    }
    if (a->rec.nparams != b->rec.nparams)
        return a->rec.nparams < b->rec.nparams ? -1 : 1;
    if ((c = compare_values(a->rec.seed ? a->rec.seed : "", b->rec.seed ? b->rec.seed : "")))
        return c;
    return strcmp(a->dir, b->dir);
}

typedef struct claim {
    const char *file;
    g_figure *fig;
} claim;

static int by_claim(const void *a, const void *b)
{
    return strcmp(((const claim *)a)->file, ((const claim *)b)->file);
}

/* Two runs whose records name the same image (runs that shared a folder and
 * overwrote each other's figures): mark both. */
static void mark_clashes(g_gallery *g)
{
    claim *c = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < g->nruns; i++)
        for (size_t k = 0; k < g->runs[i].nfigs; k++)
            for (int f = 0; f < FMT_COUNT; f++)
                if (g->runs[i].figs[k].file[f]) {
                    claim x = {g->runs[i].figs[k].file[f], &g->runs[i].figs[k]};
                    BATCH_PUSH(c, n, cap, x);
                }
    if (n > 1)
        qsort(c, n, sizeof *c, by_claim);
    for (size_t i = 1; i < n; i++)
        if (strcmp(c[i].file, c[i - 1].file) == 0 && c[i].fig != c[i - 1].fig)
            c[i].fig->clash = c[i - 1].fig->clash = 1;
    free(c);
}

static void make_sections(g_gallery *g)
{
    if (g->nruns > 1)
        qsort(g->runs, g->nruns, sizeof *g->runs, by_run);
    for (size_t i = 0; i < g->nruns; i++) {
        g_run *r = &g->runs[i];
        r->id = (int)i + 1;
        const g_section *last = g->nsections ? &g->sections[g->nsections - 1] : NULL;
        if (!last || strcmp(last->script, r->rec.script) != 0 ||
            strcmp(last->part, part_of(r)) != 0) {
            g_section s = {part_of(r), r->rec.script, NULL, 0, 0};
            BATCH_PUSH(g->sections, g->nsections, g->sections_cap, s);
        }
        g_section *s = &g->sections[g->nsections - 1];
        BATCH_PUSH(s->runs, s->n, s->cap, r);
    }
}

static void free_gallery(g_gallery *g)
{
    for (size_t i = 0; i < g->nruns; i++) {
        g_run *r = &g->runs[i];
        run_record_free(&r->rec);
        free(r->dir);
        free(r->record);
        free(r->log);
        free(r->source);
        for (size_t k = 0; k < r->nfigs; k++) {
            free(r->figs[k].stem);
            for (int f = 0; f < FMT_COUNT; f++) {
                free(r->figs[k].file[f]);
                free(r->figs[k].script[f]);
            }
        }
        free(r->figs);
        for (size_t k = 0; k < r->nmissing; k++)
            free(r->missing[k]);
        free(r->missing);
        for (size_t k = 0; k < r->ndata; k++)
            free(r->data[k]);
        free(r->data);
    }
    free(g->runs);
    for (size_t i = 0; i < g->nsections; i++)
        free(g->sections[i].runs);
    free(g->sections);
}

int batch_gallery_build(const char *outdir_abs, size_t *nruns, char *err, size_t errlen)
{
    g_gallery g;
    memset(&g, 0, sizeof g);
    g.outdir = outdir_abs;
    find_records(&g, outdir_abs, "", 0);
    make_sections(&g);
    mark_clashes(&g);
    if (nruns)
        *nruns = g.nruns;
    char *path = batch_strf("%s/index.html", outdir_abs);
    gp_file file;
    gp_error e;
    int rc = -1;
    if (gp_file_begin(&file, path, &e) != GP_OK) {
        snprintf(err, errlen, "%s", e.msg);
    } else if (batch_html_write(file.f, &g) != 0) {
        int saved = errno;
        gp_file_abort(&file);
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(saved));
    } else if (gp_file_commit(&file, &e) != GP_OK) {
        snprintf(err, errlen, "%s", e.msg);
    } else {
        rc = 0;
    }
    free(path);
    free_gallery(&g);
    return rc;
}
