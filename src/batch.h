/* batch.h: `gprior batch` (many runs as separate processes, N at a time, with
 * sweeps and seeds, a summary and the gallery) and `gprior gallery OUT`. */
#ifndef BATCH_H
#define BATCH_H

/* argv: the arguments after "batch"; self: path of the running gprior binary
 * (e.g. from /proc/self/exe). Returns the exit status. */
int batch_main(int argc, char **argv, const char *self);

/* argv: the arguments after "gallery". Returns the exit status. */
int gallery_main(int argc, char **argv);

#endif
