/* batch_exec.h: run the runs of a plan as child processes, N at a time.
 *
 * Each run is its `gprior run ... --record` command in a process group of its
 * own (stdin /dev/null; stdout and stderr into a pipe that carries whatever the
 * run says before its log takes over, such as "cannot write the log"). When a
 * run ends, its whole process group is killed (background processes it left
 * must not outlive it and write into its log), and its record is completed
 * when the run could not do so itself (timeout, stopped, crashed, no space).
 * --timeout: the run stops itself at T seconds (a Lua error with a traceback);
 * a run stuck outside Lua is killed at T + a grace time.
 * SIGINT/SIGTERM: every running group gets SIGINT (the run stops with a
 * traceback in its log), then SIGKILL after a grace time or at a second signal. */
#ifndef BATCH_EXEC_H
#define BATCH_EXEC_H

#include "batch_plan.h"

/* Run every run of plan. Returns 0, or the signal (SIGINT, SIGTERM) that stopped the batch. */
int batch_exec(batch_plan *plan);

/* The status column of a finished run: "ok", "FAIL (exit 1)", "timeout", ... into buf. */
const char *batch_status_text(const batch_run *run, char *buf, size_t len);

/* 1 if the run ended ok. */
int batch_run_ok(const batch_run *run);

#endif
