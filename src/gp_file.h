/* gp_file.h: write a file so that it appears whole or not at all.
 *
 * gp_file_begin opens a temporary file in the target's folder; the caller
 * writes to f; gp_file_commit closes, checks for write errors and renames it
 * onto the target; gp_file_abort closes and removes it. */
#ifndef GP_FILE_H
#define GP_FILE_H

#include <stdio.h>

#include "gp_error.h"

typedef struct gp_file {
    FILE *f;
    char target[4096];
    char temp[4096 + 16];
} gp_file;

gp_code gp_file_begin(gp_file *file, const char *path, gp_error *err);
gp_code gp_file_commit(gp_file *file, gp_error *err);
void gp_file_abort(gp_file *file);

/* Make the temporary name for path (same folder, hidden, unique per process
 * and call) without opening it; used for files written by another program. */
gp_code gp_file_temp_name(const char *path, char *out, size_t cap, gp_error *err);

/* Create the folder that will hold path (and its parents), like mkdir -p
 * on dirname(path). A folder that exists is fine. */
gp_code gp_file_make_parent(const char *path, gp_error *err);

#endif
