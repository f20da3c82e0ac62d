/* gp_file.c: files written whole or not at all; see gp_file.h. */
#define _POSIX_C_SOURCE 200809L
#include "gp_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the registry of temporaries ---------------------------------------------
 * Slots hold malloc'ed entries; a signal handler only loads them atomically
 * and calls unlink, so the pointers must be lock-free atomics. The pid guards
 * against a forked child removing its parent's files. */
#if ATOMIC_POINTER_LOCK_FREE != 2
#error "gp_file.c needs lock-free atomic pointers (async-signal-safe registry)"
#endif

#define MAX_TEMPS 256

typedef struct temp_entry {
    pid_t pid;
    char path[];
} temp_entry;

static temp_entry *_Atomic registry[MAX_TEMPS];

/* Register path; its slot, or -1 (err filled) when memory or slots run out. */
static int register_temp(const char *path, gp_error *err)
{
    size_t len = strlen(path);
    temp_entry *e = malloc(sizeof *e + len + 1);
    if (!e) {
        gp_error_set(err, GP_ERR_NOMEM, "out of memory");
        return -1;
    }
    e->pid = getpid();
    memcpy(e->path, path, len + 1);
    for (int i = 0; i < MAX_TEMPS; i++) {
        temp_entry *expected = NULL;
        if (atomic_compare_exchange_strong(&registry[i], &expected, e))
            return i;
    }
    free(e);
    gp_error_set(err, GP_ERR_IO, "more than %d temporary files at once", MAX_TEMPS);
    return -1;
}

static void unregister_temp(int *slot)
{
    if (*slot < 0)
        return;
    free(atomic_exchange(&registry[*slot], NULL));
    *slot = -1;
}

void gp_file_remove_temporaries(void)
{
    pid_t me = getpid();
    for (int i = 0; i < MAX_TEMPS; i++) {
        temp_entry *e = atomic_load(&registry[i]);
        if (e && e->pid == me)
            unlink(e->path);
    }
}

/* ---- names ------------------------------------------------------------------ */

#define TEMP_TAG ".tmp-"
#define RANDOM_LEN 12
#define MAX_BASE 200 /* of the target's name kept in the temporary's (NAME_MAX 255) */

static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";

/* RANDOM_LEN letters from the kernel's generator; if that is unavailable, a
 * mix of clock, pid and a counter (still unique, less unpredictable). */
static void random_letters(char *out)
{
    unsigned char b[RANDOM_LEN];
    if (getrandom(b, sizeof b, GRND_NONBLOCK) != (ssize_t)sizeof b) {
        static atomic_uint counter;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t z = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
                     ((uint64_t)getpid() << 16) ^ atomic_fetch_add(&counter, 1u);
        for (size_t i = 0; i < sizeof b; i++) { /* splitmix64 steps */
            z += 0x9e3779b97f4a7c15u;
            uint64_t y = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
            b[i] = (unsigned char)((y ^ (y >> 27)) * 0x94d049bb133111ebu >> 56);
        }
    }
    for (size_t i = 0; i < sizeof b; i++)
        out[i] = alphabet[b[i] % 36];
}

/* A fresh temporary name for target in its folder (not created). */
static gp_code temp_name(const char *target, char *out, size_t cap, gp_error *err)
{
    const char *slash = strrchr(target, '/');
    size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
    const char *base = target + dirlen;
    size_t baselen = strlen(base);
    char letters[RANDOM_LEN + 1];
    random_letters(letters);
    letters[RANDOM_LEN] = '\0';
    int n = snprintf(out, cap, "%.*s.%.*s" TEMP_TAG "%ld-%s", (int)dirlen, target,
                     (int)(baselen < MAX_BASE ? baselen : MAX_BASE), base, (long)getpid(), letters);
    if (n < 0 || (size_t)n >= cap)
        return gp_error_set(err, GP_ERR_IO, "path too long: '%s'", target);
    return GP_OK;
}

/* The pid in a temporary's name, or -1 if name is not one of ours. */
static long temp_owner(const char *name)
{
    size_t n = strlen(name), tag = strlen(TEMP_TAG);
    if (name[0] != '.' || n < 1 + tag + 1 + 1 + RANDOM_LEN)
        return -1;
    const char *r = name + n - RANDOM_LEN;
    for (size_t i = 0; i < RANDOM_LEN; i++)
        if (!memchr(alphabet, r[i], sizeof alphabet - 1))
            return -1;
    if (r[-1] != '-')
        return -1;
    const char *d = r - 1;
    long pid = 0, scale = 1;
    while (d > name && d[-1] >= '0' && d[-1] <= '9' && scale <= 1000000000L) {
        d--;
        pid += (d[0] - '0') * scale;
        scale *= 10;
    }
    if (d == r - 1 || (size_t)(d - name) < 1 + tag || memcmp(d - tag, TEMP_TAG, tag) != 0)
        return -1;
    return pid > 0 ? pid : -1;
}

size_t gp_file_sweep(const char *dir)
{
    DIR *d = opendir(dir && *dir ? dir : ".");
    if (!d)
        return 0;
    size_t removed = 0;
    pid_t me = getpid();
    uid_t uid = geteuid();
    struct dirent *e;
    while ((e = readdir(d))) {
        long pid = temp_owner(e->d_name);
        if (pid < 0 || pid == (long)me || (pid_t)pid != pid)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* running (or someone else's process) */
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            st.st_uid != uid)
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}

/* The folder part of path ("" for a bare name). */
static gp_code folder_of(const char *path, char *dir, size_t cap, gp_error *err)
{
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 0;
    if (len >= cap)
        return gp_error_set(err, GP_ERR_IO, "path too long: '%s'", path);
    memcpy(dir, path, len);
    dir[len] = '\0';
    return GP_OK;
}

/* ---- writing ------------------------------------------------------------------- */

/* Forget file's registry entries, removing the temporaries that still exist:
 * the temporary unless it was renamed onto the target, the backup unless it
 * was renamed back. */
static void forget(gp_file *file, int temp_exists, int backup_exists)
{
    if (temp_exists)
        unlink(file->temp);
    if (backup_exists && file->backup[0])
        unlink(file->backup);
    unregister_temp(&file->temp_slot);
    unregister_temp(&file->backup_slot);
    file->backup[0] = '\0';
}

gp_code gp_file_begin(gp_file *file, const char *path, gp_error *err)
{
    file->f = NULL;
    file->temp[0] = file->backup[0] = '\0';
    file->temp_slot = file->backup_slot = -1;
    file->backup_moved = 0;
    if (path == NULL || path[0] == '\0')
        return gp_error_set(err, GP_ERR_ARG, "empty file name");
    if (strlen(path) >= sizeof file->target)
        return gp_error_set(err, GP_ERR_IO, "path too long: '%s'", path);
    strcpy(file->target, path);
    char dir[GP_FILE_PATH_MAX];
    gp_code rc = folder_of(path, dir, sizeof dir, err);
    if (rc)
        return rc;
    gp_file_sweep(dir);
    int fd = -1;
    for (int attempt = 0; fd < 0 && attempt < 100; attempt++) {
        if ((rc = temp_name(path, file->temp, sizeof file->temp, err)))
            return rc;
        fd = open(file->temp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0)
        return gp_error_set(err, GP_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    file->temp_slot = register_temp(file->temp, err);
    if (file->temp_slot < 0) {
        close(fd);
        unlink(file->temp);
        return err ? err->code : GP_ERR_NOMEM;
    }
    if (!(file->f = fdopen(fd, "w"))) {
        rc = gp_error_set(err, GP_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
        close(fd);
        forget(file, 1, 1);
    }
    return rc;
}

void gp_file_abort(gp_file *file)
{
    if (file->f) {
        fclose(file->f);
        file->f = NULL;
    }
    forget(file, file->temp_slot >= 0, 1);
}

/* Flush, fsync and close file->f; the first error, or 0. */
static int finish(gp_file *file)
{
    int e = 0;
    errno = 0;
    if (fflush(file->f) != 0)
        e = errno ? errno : EIO;
    else if (ferror(file->f))
        e = EIO;
    if (!e && fsync(fileno(file->f)) != 0 && errno != EINVAL)
        e = errno;
    if (fclose(file->f) != 0 && !e)
        e = errno;
    file->f = NULL;
    return e;
}

/* Keep the current target of file (if any) under a temporary name, so that
 * it can be put back: a hard link, or where the file system has none, the
 * old file moved aside. 0 or an errno. */
static int keep_old(gp_file *file)
{
    struct stat st;
    if (lstat(file->target, &st) != 0)
        return errno == ENOENT ? 0 : errno;
    if (S_ISDIR(st.st_mode))
        return EISDIR;
    int e = EEXIST;
    for (int attempt = 0; attempt < 100; attempt++) {
        if (temp_name(file->target, file->backup, sizeof file->backup, NULL)) {
            e = ENAMETOOLONG;
            break;
        }
        if (access(file->backup, F_OK) == 0)
            continue; /* taken: another name */
        if (link(file->target, file->backup) != 0) {
            if (errno == EEXIST)
                continue;
            if (rename(file->target, file->backup) != 0) { /* no hard links here */
                e = errno;
                break;
            }
            file->backup_moved = 1;
        }
        file->backup_slot = register_temp(file->backup, NULL);
        return 0;
    }
    file->backup[0] = '\0';
    return e;
}

/* fsync the folder holding path, so that a rename survives a power cut
 * (best effort: some file systems cannot sync a folder). */
static void sync_folder(const char *path)
{
    char dir[GP_FILE_PATH_MAX];
    if (folder_of(path, dir, sizeof dir, NULL))
        return;
    int fd = open(dir[0] ? dir : ".", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

gp_code gp_file_commit_all(gp_file *const *files, size_t n, gp_error *err)
{
    int e = 0;
    size_t i, bad = 0;
    for (i = 0; i < n; i++) {
        int ei = finish(files[i]);
        if (ei && !e)
            e = ei, bad = i;
    }
    if (e) {
        for (i = 0; i < n; i++)
            gp_file_abort(files[i]);
        return gp_error_set(err, GP_ERR_IO, "cannot write '%s': %s", files[bad]->target,
                            strerror(e));
    }
    /* Rename in order; no signal may stop us half way. */
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    for (i = 0; i < n && !e; i++) {
        if (i + 1 < n) /* the last one never needs rolling back */
            e = keep_old(files[i]);
        if (!e && rename(files[i]->temp, files[i]->target) != 0)
            e = errno;
    }
    if (!e) {
        for (i = 0; i < n; i++)
            forget(files[i], 0, 1);
    } else {
        bad = i - 1;
        for (i = 0; i < bad; i++) { /* installed: put the old file back, or remove it */
            gp_file *F = files[i];
            if (F->backup[0])
                rename(F->backup, F->target); /* if this fails, the old file stays there */
            else
                unlink(F->target);
            forget(F, 0, 0);
        }
        gp_file *B = files[bad];
        if (B->backup_moved) { /* put it back (should that fail, leave it there) */
            rename(B->backup, B->target);
            B->backup[0] = '\0';
        }
        for (i = bad; i < n; i++)
            forget(files[i], 1, 1);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (e)
        return gp_error_set(err, GP_ERR_IO, "cannot write '%s': %s", files[bad]->target,
                            strerror(e));
    for (i = 0; i < n; i++)
        sync_folder(files[i]->target);
    return GP_OK;
}

gp_code gp_file_commit(gp_file *file, gp_error *err)
{
    return gp_file_commit_all(&file, 1, err);
}

gp_code gp_file_make_dir(const char *dir, gp_error *err)
{
    char d[GP_FILE_PATH_MAX];
    if (snprintf(d, sizeof d, "%s", dir) >= (int)sizeof d)
        return gp_error_set(err, GP_ERR_IO, "folder name too long: '%.64s...'", dir);
    for (char *p = d + 1;; p++) {
        char c = *p;
        if (c == '/' || c == '\0') {
            *p = '\0';
            if (mkdir(d, 0777) != 0 && errno != EEXIST)
                return gp_error_set(err, GP_ERR_IO, "cannot create folder '%s': %s", d,
                                    strerror(errno));
            *p = c;
        }
        if (c == '\0')
            break;
    }
    struct stat st;
    if (stat(dir, &st) != 0)
        return gp_error_set(err, GP_ERR_IO, "cannot create folder '%s': %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return gp_error_set(err, GP_ERR_IO, "cannot create folder '%s': it exists and is not a folder",
                            dir);
    return GP_OK;
}

gp_code gp_file_make_parent(const char *path, gp_error *err)
{
    char dir[GP_FILE_PATH_MAX];
    gp_code rc = folder_of(path, dir, sizeof dir, err);
    if (rc || dir[0] == '\0' || strcmp(dir, "/") == 0)
        return rc;
    return gp_file_make_dir(dir, err);
}
