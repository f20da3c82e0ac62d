/* batch_record.c: write, read and complete run records (format in batch_record.h). */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* realpath */

#include "batch_record.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch_util.h"
#include "gp_file.h"

#define MAX_RECORD_LINE (1u << 20) /* a longer field is cut (a description, a message) */
#define MAX_FIGURE_LINE 8192

void run_record_set(char **field, const char *value)
{
    char *copy = value ? batch_strf("%s", value) : NULL;
    free(*field);
    *field = copy;
}

void run_record_add_param(run_record *r, const char *name, const char *value, const char *type,
                          const char *origin, const char *doc)
{
    run_param p = {NULL, NULL, NULL, NULL, NULL};
    run_record_set(&p.name, name);
    run_record_set(&p.value, value ? value : "");
    run_record_set(&p.type, type ? type : "string");
    run_record_set(&p.origin, origin ? origin : "set");
    run_record_set(&p.doc, doc ? doc : "");
    BATCH_PUSH(r->params, r->nparams, r->params_cap, p);
}

void run_record_add_figure(run_record *r, const char *file)
{
    for (size_t i = 0; i < r->nfigures; i++)
        if (strcmp(r->figures[i], file) == 0)
            return;
    BATCH_PUSH(r->figures, r->nfigures, r->figures_cap, batch_strf("%s", file));
}

void run_record_free(run_record *r)
{
    char **fields[] = {&r->script, &r->part,    &r->source,  &r->description, &r->command,
                       &r->seed,   &r->status,  &r->message, &r->started,     &r->log};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        free(*fields[i]);
    for (size_t i = 0; i < r->nparams; i++) {
        run_param *p = &r->params[i];
        free(p->name);
        free(p->value);
        free(p->type);
        free(p->origin);
        free(p->doc);
    }
    free(r->params);
    for (size_t i = 0; i < r->nfigures; i++)
        free(r->figures[i]);
    free(r->figures);
    memset(r, 0, sizeof *r);
}

/* ---- writing ------------------------------------------------------------------ */
static void put_value(FILE *f, const char *s)
{
    fputc('\t', f);
    for (; s && *s; s++) {
        switch (*s) {
        case '\\': fputs("\\\\", f); break;
        case '\t': fputs("\\t", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        default: fputc(*s, f);
        }
    }
}

static void put_field(FILE *f, const char *key, const char *value)
{
    if (!value)
        return;
    fputs(key, f);
    put_value(f, value);
    fputc('\n', f);
}

int run_record_write(const run_record *r, const char *path, char *err, size_t errlen)
{
    gp_file file;
    gp_error e;
    /* the output folder may not exist yet: a run that saved its figures
     * elsewhere (absolute names) still keeps its record under --out */
    if (gp_file_make_parent(path, &e) != GP_OK || gp_file_begin(&file, path, &e) != GP_OK) {
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    FILE *f = file.f;
    fputs("gprior-run\t1\n", f);
    put_field(f, "script", r->script);
    put_field(f, "part", r->part);
    put_field(f, "source", r->source);
    put_field(f, "description", r->description);
    put_field(f, "command", r->command);
    put_field(f, "seed", r->seed);
    for (size_t i = 0; i < r->nparams; i++) {
        const run_param *p = &r->params[i];
        fputs("param", f);
        put_value(f, p->name);
        put_value(f, p->value);
        put_value(f, p->type);
        put_value(f, p->origin);
        put_value(f, p->doc);
        fputc('\n', f);
    }
    put_field(f, "status", r->status ? r->status : "running");
    fprintf(f, "exit\t%d\n", r->exit_code);
    put_field(f, "message", r->message);
    put_field(f, "started", r->started);
    fprintf(f, "seconds\t%.3f\n", r->seconds);
    if (r->has_checks)
        fprintf(f, "checks\t%lld\t%lld\n", r->checks_passed, r->checks_failed);
    for (size_t i = 0; i < r->nfigures; i++)
        put_field(f, "figure", r->figures[i]);
    put_field(f, "log", r->log);
    fprintf(f, "folder\t%s\n", r->own_folder ? "own" : "shared");
    if (gp_file_commit(&file, &e) != GP_OK) {
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    return 0;
}

/* ---- reading ------------------------------------------------------------------ */
/* Split line (modified in place) at tabs into at most max unescaped fields. */
static size_t split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *o = p;
        for (; *p && *p != '\t'; p++) {
            if (*p == '\\' && p[1]) {
                p++;
                *o++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
            } else {
                *o++ = *p;
            }
        }
        int more = *p == '\t';
        *o = '\0';
        if (!more)
            break;
        p++;
    }
    return n;
}

int run_record_read(run_record *r, const char *path, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    int cut, first = 1, rc = 0;
    while (batch_read_line(f, &line, &cap, MAX_RECORD_LINE, &cut) >= 0) {
        char *v[6] = {NULL};
        size_t n = split_fields(line, v, 6);
        if (first) {
            first = 0;
            if (strcmp(v[0], "gprior-run") != 0) {
                snprintf(err, errlen, "'%s' is not a gprior run record", path);
                rc = -1;
                break;
            }
            continue;
        }
        const char *val = n > 1 ? v[1] : "";
        const char *key = v[0];
        if (strcmp(key, "script") == 0) run_record_set(&r->script, val);
        else if (strcmp(key, "part") == 0) run_record_set(&r->part, val);
        else if (strcmp(key, "source") == 0) run_record_set(&r->source, val);
        else if (strcmp(key, "description") == 0) run_record_set(&r->description, val);
        else if (strcmp(key, "command") == 0) run_record_set(&r->command, val);
        else if (strcmp(key, "seed") == 0) run_record_set(&r->seed, val);
        else if (strcmp(key, "status") == 0) run_record_set(&r->status, val);
        else if (strcmp(key, "message") == 0) run_record_set(&r->message, val);
        else if (strcmp(key, "started") == 0) run_record_set(&r->started, val);
        else if (strcmp(key, "log") == 0) run_record_set(&r->log, val);
        else if (strcmp(key, "figure") == 0) run_record_add_figure(r, val);
        else if (strcmp(key, "folder") == 0) r->own_folder = strcmp(val, "own") == 0;
        else if (strcmp(key, "exit") == 0) r->exit_code = atoi(val);
        else if (strcmp(key, "seconds") == 0) r->seconds = strtod(val, NULL);
        else if (strcmp(key, "checks") == 0 && n > 2) {
            r->has_checks = 1;
            r->checks_passed = batch_parse_count(v[1], NULL);
            r->checks_failed = batch_parse_count(v[2], NULL);
        } else if (strcmp(key, "param") == 0 && n > 1) {
            run_record_add_param(r, v[1], n > 2 ? v[2] : "", n > 3 ? v[3] : NULL,
                                 n > 4 ? v[4] : NULL, n > 5 ? v[5] : NULL);
        }
    }
    if (first && rc == 0) {
        snprintf(err, errlen, "'%s' is empty", path);
        rc = -1;
    }
    if (rc == 0 && !r->script) {
        snprintf(err, errlen, "'%s' names no script", path);
        rc = -1;
    }
    free(line);
    fclose(f);
    if (rc != 0)
        run_record_free(r);
    return rc;
}

/* ---- completing a record from the run's files --------------------------------- */
void run_record_read_checks(run_record *r, const char *log_path)
{
    FILE *f = log_path ? fopen(log_path, "r") : NULL;
    if (!f)
        return;
    static const char head[] = "check summary: ";
    char *line = NULL;
    size_t cap = 0;
    int cut;
    r->checks_passed = r->checks_failed = 0;
    r->has_checks = 0;
    while (batch_read_line(f, &line, &cap, 256, &cut) >= 0) {
        if (strncmp(line, head, sizeof head - 1) != 0)
            continue;
        const char *p = line + sizeof head - 1;
        long long pass = batch_parse_count(p, &p), fail = -1;
        if (pass >= 0 && strncmp(p, " passed, ", 9) == 0)
            fail = batch_parse_count(p + 9, &p);
        if (fail < 0 || strncmp(p, " failed", 7) != 0)
            continue;
        r->has_checks = 1;
        r->checks_passed = pass > LLONG_MAX - r->checks_passed ? LLONG_MAX : r->checks_passed + pass;
        r->checks_failed = fail > LLONG_MAX - r->checks_failed ? LLONG_MAX : r->checks_failed + fail;
    }
    free(line);
    fclose(f);
}

long long run_record_checks_total(const run_record *r)
{
    return r->checks_failed > LLONG_MAX - r->checks_passed ? LLONG_MAX
                                                             : r->checks_passed + r->checks_failed;
}

void run_record_read_figures(run_record *r, const char *figure_log, const char *dir)
{
    FILE *f = fopen(figure_log, "r");
    if (!f)
        return;
    size_t dl = strlen(dir);
    char *line = NULL;
    size_t cap = 0;
    int cut;
    while (batch_read_line(f, &line, &cap, MAX_FIGURE_LINE, &cut) >= 0) {
        if (!line[0] || cut)
            continue;
        const char *rel = line;
        if (strncmp(line, dir, dl) == 0 && line[dl] == '/')
            rel = line + dl + 1;
        while (strncmp(rel, "./", 2) == 0)
            rel += 2;
        run_record_add_figure(r, rel);
    }
    free(line);
    fclose(f);
}

const char *run_record_status_text(const run_record *r, char *buf, size_t len)
{
    const char *s = r->status ? r->status : "running";
    if (strcmp(s, "ok") == 0 || strcmp(s, "timeout") == 0 || strcmp(s, "stopped") == 0 ||
        strcmp(s, "interrupted") == 0)
        snprintf(buf, len, "%s", s);
    else if (strcmp(s, "running") == 0)
        snprintf(buf, len, "did not finish");
    else if (strcmp(s, "killed") == 0)
        snprintf(buf, len, "killed by signal %d", r->exit_code - 128);
    else if (strcmp(s, "lost") == 0)
        snprintf(buf, len, "FAIL (output lost)");
    else
        snprintf(buf, len, "FAIL (exit %d)", r->exit_code);
    return buf;
}

int run_record_ok(const run_record *r)
{
    return r->status && strcmp(r->status, "ok") == 0;
}

char *run_record_part(const char *script_path)
{
    char *abs = realpath(script_path, NULL);
    if (!abs)
        return NULL;
    char *slash = strrchr(abs, '/');
    *slash = '\0'; /* the folder */
    slash = strrchr(abs, '/');
    char *part = slash && slash[1] ? batch_strf("%s", slash + 1) : NULL;
    free(abs);
    return part;
}

char *run_record_description(const char *script_path)
{
    FILE *f = fopen(script_path, "r");
    if (!f)
        return NULL;
    char *line = NULL, *desc = NULL;
    size_t cap = 0;
    int cut, first = 1;
    while (!desc && batch_read_line(f, &line, &cap, 400, &cut) >= 0) {
        const char *p = line;
        if (first && p[0] == '#') { /* a #! line */
            first = 0;
            continue;
        }
        first = 0;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            continue;
        if (strncmp(p, "--", 2) != 0)
            break; /* code before any comment: no description */
        while (*p == '-')
            p++;
        if (*p == '[') /* a block comment --[[ or --[==[ */
            p += strspn(p, "[=");
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p)
            desc = batch_strf("%s%s", p, cut ? "..." : "");
    }
    free(line);
    fclose(f);
    return desc;
}
