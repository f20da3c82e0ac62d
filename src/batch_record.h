/* batch_record.h: the run record, a small machine-readable sidecar that every
 * recorded run of a script leaves beside its outputs (OUT/NAME.run.tsv), so any
 * figure can be traced to the exact command, parameters and seed that made it.
 *
 * Written by the run itself (`gprior run SCRIPT --record`, or a plain run that
 * saved a figure): at the start (status "running"), when its parameters are
 * known, and at the end. `gprior batch` completes it when it had to stop a run
 * (timeout, Ctrl-C); the gallery (`gprior gallery OUT`) is built from these
 * records alone.
 *
 * Format: UTF-8 text, one field per line, "key<TAB>value[<TAB>value...]";
 * in values a backslash, tab, newline and carriage return are written \\ \t \n \r.
 * Unknown keys are ignored when read (newer writers stay readable). Keys:
 *   gprior-run  1                       format version (first line)
 *   script      NAME                    the script's name (file name without .lua)
 *   part        NAME                    the folder the script came from (lua/inference/x.lua:
 *                                       "inference"): the gallery groups runs by it
 *   source      FILE                    the script, relative to the record's folder
 *                                       when copied there, else absolute
 *   description TEXT                    the script's first comment line
 *   command     TEXT                    the shell command that repeats the run
 *   seed        N
 *   param       NAME VALUE TYPE ORIGIN DOC   one per parameter (ORIGIN: set|default)
 *   status      running|ok|failed|timeout|interrupted|stopped|killed|lost
 *   exit        N                       exit status (or 128 + signal)
 *   message     TEXT                    why it failed (first line of the error)
 *   started     YYYY-MM-DDTHH:MM:SSZ
 *   seconds     S
 *   checks      PASSED FAILED           sums of the log's "check summary:" lines
 *   figure      FILE                    each image saved, relative to the record's folder
 *   log         FILE                    the run's log, relative to the record's folder
 *   folder      own|shared              own: the folder belongs to this run alone */
#ifndef BATCH_RECORD_H
#define BATCH_RECORD_H

#include <stddef.h>

#define RECORD_SUFFIX ".run.tsv"

typedef struct run_param {
    char *name, *value, *type, *origin, *doc;
} run_param;

typedef struct run_record {
    char *script, *part, *source, *description, *command, *seed, *status, *message, *started, *log;
    int own_folder;
    int exit_code;
    double seconds;
    int has_checks;
    long long checks_passed, checks_failed;
    run_param *params;
    size_t nparams, params_cap;
    char **figures;
    size_t nfigures, figures_cap;
} run_record;

/* Set *field to a malloc'ed copy of value (NULL allowed), freeing the old one. */
void run_record_set(char **field, const char *value);

void run_record_add_param(run_record *r, const char *name, const char *value, const char *type,
                          const char *origin, const char *doc);
/* Adds a figure unless it is listed already. */
void run_record_add_figure(run_record *r, const char *file);

/* Write r to path whole or not at all (temporary file + rename). Returns 0, or
 * -1 with a message naming the file in err. */
int run_record_write(const run_record *r, const char *path, char *err, size_t errlen);

/* Read path into r (zeroed first). Returns 0, or -1 with a message in err. */
int run_record_read(run_record *r, const char *path, char *err, size_t errlen);

void run_record_free(run_record *r);

/* Sum the "check summary: N passed, M failed" lines of the log at path into
 * r's checks (counts too large for a long long saturate). */
void run_record_read_checks(run_record *r, const char *log_path);

/* passed + failed, saturated at LLONG_MAX. */
long long run_record_checks_total(const run_record *r);

/* Add the images listed in a figure log (one path per line, as lfigure.c's
 * GPRIOR_FIGURE_LOG writes them), made relative to folder dir when inside it. */
void run_record_read_figures(run_record *r, const char *figure_log, const char *dir);

/* The status as a short text: "ok", "FAIL (exit 1)", "FAIL (output lost)",
 * "timeout", "stopped", "interrupted", "killed by signal 9", "did not finish". */
const char *run_record_status_text(const run_record *r, char *buf, size_t len);

/* 1 if the run ended ok. */
int run_record_ok(const run_record *r);

/* The name of the folder that holds the script ("inference" for
 * lua/inference/x.lua, the current folder's for x.lua), malloc'ed, or NULL
 * when it cannot be resolved. */
char *run_record_part(const char *script_path);

/* The first comment line of a Lua script (after a #! line), without the
 * leading dashes and spaces; NULL when there is none. malloc'ed. */
char *run_record_description(const char *script_path);

#endif
