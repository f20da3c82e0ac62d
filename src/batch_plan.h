/* batch_plan.h: what `gprior batch` will run. The command line names scripts
 * and folders, each optionally followed by its sweep options; the plan expands
 * them into runs (script x parameter combinations x seeds), each with its own
 * output folder OUT/SCRIPT[/NAME=VALUE,...] and the one `gprior run` command
 * that performs it. The same commands are run by the batch itself, printed by
 * --print-jobs and put in the --slurm array script. */
#ifndef BATCH_PLAN_H
#define BATCH_PLAN_H

#include <stddef.h>
#include <sys/types.h>

#include "batch_record.h"

typedef struct batch_run {
    char *script;    /* the script, absolute */
    char *name;      /* the script's name (file name without .lua) */
    char *label;     /* "a=1,b=2,seed=3", "" for a plain run */
    char *rel;       /* the run's folder relative to OUT: NAME or NAME/LABEL */
    char *dir;       /* the run's folder, absolute */
    char *seed;
    char **argv;     /* the `gprior run ... --record` command, NULL-terminated */
    char *command;   /* the same as one shell line, with cd to the batch's folder */

    /* filled in while running (batch_exec.c) */
    int started, done;
    pid_t pid;
    int wait_status;      /* waitpid status */
    int start_errno;      /* the child could not be started */
    int timed_out, stopped;
    double t0, secs;
    int err_fd;           /* the child's stderr before its log took over */
    char msg[1024];       /* what came through err_fd */
    size_t msglen;
    run_record rec;       /* its record once done */
} batch_run;

typedef struct batch_plan {
    batch_run *runs;
    size_t n, cap;
    char *outdir;         /* OUT, absolute */
    const char *outdir_arg;
    long jobs;
    unsigned timeout;     /* seconds, 0 = none */
    int print_jobs;
    const char *slurm;    /* --slurm FILE */
    char **slurm_opts;    /* --slurm-opt lines */
    size_t nslurm_opts;
} batch_plan;

/* Parse the arguments after "batch" into plan (runs expanded, folders not yet
 * created). self is the gprior binary. Returns -1 when there is work to do,
 * else an exit status (0 after --help; 2 after a message on stderr). */
int batch_plan_parse(batch_plan *plan, int argc, char **argv, const char *self);

void batch_plan_free(batch_plan *plan);

extern const char batch_usage_text[];

#endif
