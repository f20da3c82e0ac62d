/* batch_html.h: the gallery's model (what batch_gallery.c found in OUT) and
 * its HTML rendering (batch_html.c). All paths are relative to OUT. */
#ifndef BATCH_HTML_H
#define BATCH_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "batch_record.h"

enum { FMT_PNG, FMT_SVG, FMT_PDF, FMT_TXT, FMT_COUNT };

/* One figure: the files of one name in its formats (x.png, x.svg, x.pdf). */
typedef struct g_figure {
    char *stem;            /* path without the extension, relative to the run's folder */
    char *file[FMT_COUNT]; /* relative to OUT, NULL when not saved in that format */
    char *script[FMT_COUNT]; /* its gnuplot script (x.png.gp, or the older x.gp), or NULL */
    int width, height;     /* of the PNG or SVG, 0 if unknown */
    int clash;             /* another run's record names the same file */
} g_figure;

typedef struct g_run {
    run_record rec;
    char *dir;       /* the run's folder ("" for OUT itself) */
    char *record;    /* the record file */
    char *log;       /* the log, or NULL */
    char *source;    /* the script (copy), or NULL */
    g_figure *figs;
    size_t nfigs, figs_cap;
    char **missing;  /* figures the record names that are not there */
    size_t nmissing, missing_cap;
    char **data;     /* .tsv and .csv files in the run's own folder */
    size_t ndata, data_cap;
    int id;          /* the card's anchor: #r<id> */
} g_run;

typedef struct g_section {
    const char *part;   /* the folder the script came from ("" if the record does not say) */
    const char *script;
    g_run **runs;
    size_t n, cap;
} g_section;

typedef struct g_gallery {
    const char *outdir; /* absolute */
    g_run *runs;
    size_t nruns, runs_cap;
    g_section *sections;
    size_t nsections, sections_cap;
    size_t unreadable; /* records that could not be read */
} g_gallery;

/* Write the page for g to f. Returns 0, or -1 after a write error. */
int batch_html_write(FILE *f, const g_gallery *g);

/* 1 if the run ended ok. */
int g_run_ok(const g_run *run);

#endif
