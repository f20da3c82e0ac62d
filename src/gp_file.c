#define _POSIX_C_SOURCE 200809L
#include "gp_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

gp_code gp_file_temp_name(const char *path, char *out, size_t cap, gp_error *err)
{
    static atomic_uint counter;
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    int n = snprintf(out, cap, "%.*s.%s.tmp%ld.%u", (int)dirlen, path, path + dirlen,
                     (long)getpid(), atomic_fetch_add(&counter, 1u));
    if (n < 0 || (size_t)n >= cap)
        return gp_error_set(err, GP_ERR_IO, "path too long: '%s'", path);
    return GP_OK;
}

gp_code gp_file_begin(gp_file *file, const char *path, gp_error *err)
{
    file->f = NULL;
    if (path == NULL || path[0] == '\0')
        return gp_error_set(err, GP_ERR_ARG, "empty file name");
    if (strlen(path) >= sizeof file->target)
        return gp_error_set(err, GP_ERR_IO, "path too long: '%s'", path);
    strcpy(file->target, path);
    gp_code rc = gp_file_temp_name(path, file->temp, sizeof file->temp, err);
    if (rc)
        return rc;
    int fd = open(file->temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return gp_error_set(err, GP_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    file->f = fdopen(fd, "w");
    if (!file->f) {
        int e = errno;
        close(fd);
        unlink(file->temp);
        return gp_error_set(err, GP_ERR_IO, "cannot write '%s': %s", path, strerror(e));
    }
    return GP_OK;
}

gp_code gp_file_commit(gp_file *file, gp_error *err)
{
    int bad = ferror(file->f);
    int e = errno;
    if (fclose(file->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    file->f = NULL;
    if (bad) {
        unlink(file->temp);
        return gp_error_set(err, GP_ERR_IO, "cannot write '%s': %s", file->target, strerror(e));
    }
    if (rename(file->temp, file->target) != 0) {
        e = errno;
        unlink(file->temp);
        return gp_error_set(err, GP_ERR_IO, "cannot write '%s': %s", file->target, strerror(e));
    }
    return GP_OK;
}

void gp_file_abort(gp_file *file)
{
    if (file->f) {
        fclose(file->f);
        file->f = NULL;
        unlink(file->temp);
    }
}

gp_code gp_file_make_parent(const char *path, gp_error *err)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return GP_OK;
    size_t len = (size_t)(slash - path);
    if (len >= sizeof dir)
        return gp_error_set(err, GP_ERR_IO, "path too long: '%s'", path);
    memcpy(dir, path, len);
    dir[len] = '\0';
    for (char *p = dir + 1;; p++) {
        char c = *p;
        if (c == '/' || c == '\0') {
            *p = '\0';
            if (mkdir(dir, 0755) != 0 && errno != EEXIST)
                return gp_error_set(err, GP_ERR_IO, "cannot create folder '%s': %s", dir,
                                    strerror(errno));
            *p = c;
        }
        if (c == '\0')
            break;
    }
    return GP_OK;
}
