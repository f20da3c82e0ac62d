/* batch.c: `gprior batch` and `gprior gallery`: plan the runs (batch_plan.c),
 * then print them (--print-jobs), write a Slurm array script (--slurm), or run
 * them (batch_exec.c); print a summary; rebuild OUT/index.html from every run
 * record in OUT (batch_gallery.c). */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "batch.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch_exec.h"
#include "batch_gallery.h"
#include "batch_plan.h"
#include "batch_util.h"
#include "gp_file.h"

#define EXIT_USAGE 2

static void print_summary(const batch_plan *plan, double secs)
{
    int nw = 3, sw = 6;
    char st[160];
    for (size_t i = 0; i < plan->n; i++) {
        int w = (int)strlen(plan->runs[i].rel);
        nw = w > nw ? w : nw;
        w = (int)strlen(batch_status_text(&plan->runs[i], st, sizeof st));
        sw = w > sw ? w : sw;
    }
    printf("\n%-*s  %-*s  %8s  %7s  %s\n", nw, "run", sw, "status", "time", "figures", "checks");
    size_t ok = 0;
    for (size_t i = 0; i < plan->n; i++) {
        const batch_run *r = &plan->runs[i];
        char tm[32] = "-", ck[64] = "-";
        if (r->done && !r->start_errno)
            snprintf(tm, sizeof tm, "%.2fs", r->secs);
        if (r->rec.has_checks)
            snprintf(ck, sizeof ck, "%lld/%lld checks", r->rec.checks_passed,
                     run_record_checks_total(&r->rec));
        ok += (size_t)batch_run_ok(r);
        printf("%-*s  %-*s  %8s  %7zu  %s\n", nw, r->rel, sw, batch_status_text(r, st, sizeof st),
               tm, r->rec.nfigures, ck);
    }
    printf("\nbatch: %zu run%s, %zu ok, %zu failed, %.2fs; each run's folder is %s/RUN "
           "(log, record, figures)\n", plan->n, plan->n == 1 ? "" : "s", ok, plan->n - ok, secs,
           plan->outdir_arg);
}

static int print_jobs(const batch_plan *plan)
{
    for (size_t i = 0; i < plan->n; i++)
        printf("%s\n", plan->runs[i].command);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "gprior batch: cannot write the job list: %s\n", strerror(errno));
        return EXIT_FAILURE;
    }
    return 0;
}

/* --slurm FILE: an sbatch script with one array task per run. */
static int write_slurm(const batch_plan *plan)
{
    gp_file out;
    gp_error e;
    if (gp_file_begin(&out, plan->slurm, &e) != GP_OK) {
        fprintf(stderr, "gprior batch: %s\n", e.msg);
        return EXIT_FAILURE;
    }
    FILE *f = out.f;
    char *logs = batch_shell_quote(plan->outdir);
    fprintf(f, "#!/bin/sh\n"
               "# gprior: %zu run%s as a Slurm job array. Submit, then build the gallery:\n"
               "#   sbatch %s\n"
               "#   gprior gallery %s\n"
               "# (or chain it: sbatch --dependency=afterany:JOBID --wrap 'gprior gallery %s')\n"
               "#SBATCH --job-name=gprior\n"
               "#SBATCH --array=1-%zu\n"
               "#SBATCH --output=%s/.slurm-%%A_%%a.out\n",
            plan->n, plan->n == 1 ? "" : "s", plan->slurm, logs, logs, plan->n, plan->outdir);
    if (plan->timeout)
        fprintf(f, "#SBATCH --time=%u\n", (plan->timeout + 59) / 60 + 1);
    for (size_t i = 0; i < plan->nslurm_opts; i++)
        fprintf(f, "#SBATCH %s\n", plan->slurm_opts[i]);
    fputs("case \"$SLURM_ARRAY_TASK_ID\" in\n", f);
    for (size_t i = 0; i < plan->n; i++)
        fprintf(f, "%zu) %s ;;\n", i + 1, plan->runs[i].command);
    fputs("*) echo \"gprior: no run $SLURM_ARRAY_TASK_ID in this job\" >&2; exit 2 ;;\nesac\n", f);
    free(logs);
    if (gp_file_commit(&out, &e) != GP_OK) {
        fprintf(stderr, "gprior batch: %s\n", e.msg);
        return EXIT_FAILURE;
    }
    fprintf(stderr, "gprior batch: wrote %s (%zu array task%s); submit it with: sbatch %s\n",
            plan->slurm, plan->n, plan->n == 1 ? "" : "s", plan->slurm);
    return 0;
}

int batch_main(int argc, char **argv, const char *self)
{
    batch_plan plan;
    int rc = batch_plan_parse(&plan, argc, argv, self);
    if (rc >= 0) {
        batch_plan_free(&plan);
        return rc;
    }
    if (plan.print_jobs || plan.slurm) {
        rc = plan.print_jobs ? print_jobs(&plan) : 0;
        if (rc == 0 && plan.slurm)
            rc = write_slurm(&plan);
        batch_plan_free(&plan);
        return rc;
    }
    double t0 = batch_now();
    int sig = batch_exec(&plan);
    double secs = batch_now() - t0;
    print_summary(&plan, secs);
    size_t failed = 0;
    for (size_t i = 0; i < plan.n; i++)
        failed += !batch_run_ok(&plan.runs[i]);
    rc = sig ? 128 + sig : failed ? EXIT_FAILURE : 0;
    char err[600];
    if (batch_gallery_build(plan.outdir, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "gprior batch: %s\n", err);
        rc = rc ? rc : EXIT_FAILURE;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "gprior batch: cannot write the summary: %s\n", strerror(errno));
        rc = rc ? rc : EXIT_FAILURE;
    }
    batch_plan_free(&plan);
    return rc;
}

int gallery_main(int argc, char **argv)
{
    if (argc == 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
        fputs("usage: gprior gallery OUT\n\nRebuild OUT/index.html from the run records "
              "(*.run.tsv) in OUT and its folders;\nruns nothing.\n", stdout);
        return 0;
    }
    if (argc != 1 || argv[0][0] == '-') {
        fputs("gprior gallery: expected one folder: gprior gallery OUT (see 'gprior gallery "
              "--help')\n", stderr);
        return EXIT_USAGE;
    }
    char *abs = realpath(argv[0], NULL);
    if (!abs) {
        fprintf(stderr, "gprior gallery: cannot open folder '%s': %s\n", argv[0], strerror(errno));
        return EXIT_USAGE;
    }
    char err[600];
    int rc = 0;
    size_t nruns = 0;
    if (batch_gallery_build(abs, &nruns, err, sizeof err) != 0) {
        fprintf(stderr, "gprior gallery: %s\n", err);
        rc = EXIT_FAILURE;
    } else {
        fprintf(stderr, "gprior gallery: %s/index.html: %zu run%s\n", argv[0], nruns,
                nruns == 1 ? "" : "s");
    }
    free(abs);
    return rc;
}
