/* batch_gallery.h: the record of one script's run in `gprior batch`, shared by
 * the runner (batch.c) and the HTML gallery writer (batch_gallery.c). */
#ifndef BATCH_GALLERY_H
#define BATCH_GALLERY_H

#include <stddef.h>
#include <sys/types.h>

typedef enum batch_state { BATCH_PENDING, BATCH_RUNNING, BATCH_DONE } batch_state;

typedef struct batch_job {
    char *path;          /* the script, as given (cwd-relative or absolute) */
    char *name;          /* basename without .lua: the log is OUTDIR/NAME.log */
    char *log;           /* OUTDIR/NAME.log */
    batch_state state;
    int status;          /* waitpid status, once done and started */
    int start_errno;     /* != 0: the child could not be started (errno) */
    double secs;         /* wall time of the child */
    char **figs;         /* figure files it saved, as the child named them */
    size_t nfigs;
    int checks_passed, checks_failed, has_checks; /* "check summary:" lines */
    /* runner-private */
    pid_t pid;
    double t0;
    char *tmplog;        /* OUTDIR/.NAME.log.PID.tmp while running */
    char *figlog;        /* GPRIOR_FIGURE_LOG of the child (absolute) */
} batch_job;

/* printf into a new malloc'ed string; exits the program when out of memory. */
char *batch_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 1 if the job ran and exited 0. */
int batch_job_ok(const batch_job *job);

/* The status column: "ok", "FAIL (exit 1)", "killed by signal 9",
 * "FAIL (cannot start: ...)", "not run". Writes into buf (size len). */
const char *batch_status_text(const batch_job *job, char *buf, size_t len);

/* Write OUTDIR/index.html (through a temporary name and a rename): one card
 * per job. outdir_abs is the canonical absolute path of OUTDIR. Returns 0, or
 * -1 with a message in err. */
int batch_gallery_write(const char *outdir_abs, const batch_job *jobs, size_t njobs,
                        const char *seed, double total_secs, char *err, size_t errlen);

#endif
