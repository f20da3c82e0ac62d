/* gp_file.h: files that appear whole or not at all, and the temporary files
 * behind them.
 *
 * Writing a file: gp_file_begin creates a temporary file beside the target;
 * the caller writes to file->f; gp_file_commit checks that every byte reached
 * the disk (fflush, fsync and close, each checked) and renames the temporary
 * onto the target; gp_file_abort removes it. gp_file_commit_all installs
 * several files all or none (a figure and its script): if one rename fails,
 * the files already installed are rolled back to what was there before.
 *
 * Temporary names are  <folder>/.<name>.tmp-<pid>-<12 random [0-9a-z]>,
 * created with O_CREAT | O_EXCL: never through an existing file or symbolic
 * link, and not guessable in advance. Every temporary is registered until it
 * is renamed or removed, so that
 *   - gp_file_remove_temporaries(), which is async-signal-safe, removes them
 *     from a host's SIGINT / SIGTERM handler;
 *   - gp_file_sweep() (run by gp_file_begin on the target's folder) removes
 *     the ones left by processes that died without cleaning up (SIGKILL, a
 *     crash): the pid in the name is no running process and the file is ours.
 * Signals are blocked while a group of renames runs, so a signal cannot
 * leave half of a group installed. */
#ifndef GP_FILE_H
#define GP_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "gp_error.h"

#define GP_FILE_PATH_MAX 4096

typedef struct gp_file {
    FILE *f;                           /* the caller writes here */
    char target[GP_FILE_PATH_MAX];     /* the file being written */
    char temp[GP_FILE_PATH_MAX + 32];  /* its temporary */
    char backup[GP_FILE_PATH_MAX + 32]; /* the old target during gp_file_commit_all */
    int temp_slot, backup_slot;        /* registry entries, -1 = none */
    int backup_moved;                  /* the old target was renamed, not linked */
} gp_file;

/* Start writing path: sweep stale temporaries from its folder (which must
 * exist), create a fresh temporary there (mode 0666 minus the umask) and open
 * file->f on it. Errors name path. */
gp_code gp_file_begin(gp_file *file, const char *path, gp_error *err);

/* Finish file (flush, fsync, close: every error is reported, e.g. "No space
 * left on device") and rename its temporary onto the target. On failure the
 * temporary is removed and the target is untouched. */
gp_code gp_file_commit(gp_file *file, gp_error *err);

/* gp_file_commit for n files, all or none: each is finished first, then they
 * are renamed in order; if a rename fails, the targets already replaced get
 * their previous contents back (kept meanwhile under a temporary name) or are
 * removed if they did not exist. On failure every temporary is removed. */
gp_code gp_file_commit_all(gp_file *const *files, size_t n, gp_error *err);

/* Close and remove the temporary (nothing happens after a commit or abort). */
void gp_file_abort(gp_file *file);

/* Remove every registered temporary of this process. Async-signal-safe (only
 * atomic loads, getpid and unlink): call it from SIGINT / SIGTERM handlers. */
void gp_file_remove_temporaries(void);

/* Remove the temporaries in folder dir ("" = the current folder) that were
 * left by processes that no longer run: regular files named as above, owned
 * by this user, whose pid is not a process. Best effort; returns how many
 * were removed. */
size_t gp_file_sweep(const char *dir);

/* Create the folder dir and its parents, like mkdir -p. A folder that exists
 * is fine; something else of that name is an error. */
gp_code gp_file_make_dir(const char *dir, gp_error *err);

/* Create the folder that will hold path (and its parents), like mkdir -p
 * on dirname(path). A folder that exists is fine. */
gp_code gp_file_make_parent(const char *path, gp_error *err);

#endif
