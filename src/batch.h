/* batch.h: `gprior batch`, which runs many scripts as separate processes, N at
 * a time, prints a summary and writes the HTML gallery OUTDIR/index.html. */
#ifndef BATCH_H
#define BATCH_H

/* argv: the arguments after "batch"; self: path of the running gprior binary (argv[0] resolved, e.g. via /proc/self/exe). Returns the exit status. */
int batch_main(int argc, char **argv, const char *self);

#endif
