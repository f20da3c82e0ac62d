/* batch_gallery.h: OUT/index.html, rebuilt from what is in OUT: every run
 * record (*.run.tsv) in OUT and its folders, with the figures, data files and
 * logs it names. Runs of one script form a section; a sweep (several runs of
 * one script) also gets a grid of thumbnails per figure, rows and columns from
 * the parameters that vary. A static page (inline CSS, no script, nothing
 * external); every link is relative to OUT, so OUT can be copied or published
 * as it is (each run's folder holds a copy of its script). */
#ifndef BATCH_GALLERY_H
#define BATCH_GALLERY_H

#include <stddef.h>

/* Write outdir_abs/index.html (whole or not at all). *nruns (if not NULL) gets
 * the number of runs shown. Returns 0, or -1 with a message in err. */
int batch_gallery_build(const char *outdir_abs, size_t *nruns, char *err, size_t errlen);

#endif
