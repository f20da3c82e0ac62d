/* gp_plot_save.c: output formats, saving a figure (its script and its image
 * through temporary names, renamed into place together only when gnuplot
 * succeeded and the image is whole) and the text preview. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gp_file.h"
#include "gp_gnuplot.h"
#include "gp_plot_impl.h"

static const char *const format_ext[] = {"png", "svg", "pdf", "txt"};

gp_code gp_format_from_path(const char *path, gp_format *out, gp_error *err)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    for (int i = 0; dot && dot != base && i < 4; i++)
        if (strcasecmp(dot + 1, format_ext[i]) == 0) {
            *out = (gp_format)i;
            return GP_OK;
        }
    if (!dot || dot == base)
        return gp_error_set(err, GP_ERR_ARG,
                            "cannot save '%s': the name has no extension (use .png, .svg, "
                            ".pdf or .txt)", path);
    return gp_error_set(err, GP_ERR_ARG,
                        "cannot save '%s': unsupported extension '%.20s' (use .png, .svg, "
                        ".pdf or .txt)", path, dot);
}

/* Check that the folder of path exists (creating it) and is a writable folder. */
static gp_code prepare_folder(const char *path, gp_error *err)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;
    if (len >= sizeof dir)
        return gp_error_set(err, GP_ERR_IO, "path too long: '%s'", path);
    memcpy(dir, slash ? path : ".", len);
    dir[len] = '\0';
    gp_code rc = gp_file_make_parent(path, err);
    if (rc)
        return rc;
    struct stat st;
    if (stat(dir, &st) != 0)
        return gp_error_set(err, GP_ERR_IO, "cannot write into folder '%s': %s", dir,
                            strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return gp_error_set(err, GP_ERR_IO, "cannot write into folder '%s': it is not a folder",
                            dir);
    if (access(dir, W_OK | X_OK) != 0)
        return gp_error_set(err, GP_ERR_IO, "cannot write into folder '%s': %s", dir,
                            strerror(errno));
    return GP_OK;
}

/* Check that the image gnuplot drew into f (flushed here) is whole: it starts
 * and ends as its format requires: PNG the signature ... the IEND chunk
 * (PNG spec, 5.2 and 11.2.5), PDF "%PDF-" ... "%%EOF" (ISO 32000-1, 7.5.5),
 * SVG "</svg>" last; text only non-empty. A file cut short (a killed or
 * failing gnuplot) fails here, naming what is missing. */
static gp_code check_image(FILE *f, gp_format fmt, gp_error *err)
{
    static const char png_sig[] = "\x89PNG\r\n\x1a\n", png_end[] = "\0\0\0\0IEND\xae\x42\x60\x82";
    static const struct {
        const char *head, *tail, *name;
        size_t head_len, tail_len;
    } want[] = {[GP_FMT_PNG] = {png_sig, png_end, "PNG", 8, 12},
                [GP_FMT_SVG] = {"", "</svg>", "SVG", 0, 6},
                [GP_FMT_PDF] = {"%PDF-", "%%EOF", "PDF", 5, 5},
                [GP_FMT_TXT] = {"", "", "text", 0, 0}};
    struct stat st;
    if (fflush(f) != 0 || fstat(fileno(f), &st) != 0)
        return gp_error_set(err, GP_ERR_IO, "cannot write the image: %s", strerror(errno));
    if (st.st_size == 0)
        return gp_error_set(err, GP_ERR_EXTERNAL, "gnuplot wrote no image");
    char head[8], tail[64];
    size_t size = (size_t)st.st_size, nh = size < sizeof head ? size : sizeof head;
    size_t nt = size < sizeof tail ? size : sizeof tail;
    if (pread(fileno(f), head, nh, 0) != (ssize_t)nh ||
        pread(fileno(f), tail, nt, (off_t)(size - nt)) != (ssize_t)nt)
        return gp_error_set(err, GP_ERR_IO, "cannot read the image back: %s", strerror(errno));
    if (fmt != GP_FMT_PNG) /* text formats may end with blank lines */
        while (nt > 0 && strchr(" \t\r\n", tail[nt - 1]))
            nt--;
    const char *missing = NULL;
    if (nh < want[fmt].head_len || memcmp(head, want[fmt].head, want[fmt].head_len) != 0)
        missing = "start";
    else if (nt < want[fmt].tail_len ||
             memcmp(tail + nt - want[fmt].tail_len, want[fmt].tail, want[fmt].tail_len) != 0)
        missing = "end";
    if (missing)
        return gp_error_set(err, GP_ERR_EXTERNAL,
                            "gnuplot wrote an incomplete %s image (%zu bytes, the %s of the "
                            "format is missing)",
                            want[fmt].name, size, missing);
    return GP_OK;
}

/* Prefix err's message with "cannot save 'path': " unless it already names it. */
static gp_code blame(gp_error *err, const char *path)
{
    if (!err)
        return GP_ERR_IO;
    char quoted[sizeof err->msg];
    snprintf(quoted, sizeof quoted, "'%s'", path); /* 'x.png', not the 'x.png.gp' beside it */
    if (strstr(err->msg, quoted))
        return err->code;
    char msg[sizeof err->msg];
    memcpy(msg, err->msg, sizeof msg);
    return gp_error_set(err, err->code, "cannot save '%s': %s", path, msg);
}

gp_code gp_figure_save(const gp_figure *fig, const char *path, gp_error *err)
{
    gp_format fmt;
    gp_code rc;
    if (!path || !*path)
        return gp_error_set(err, GP_ERR_ARG, "cannot save a figure to an empty file name");
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    /* Only the file's own name goes into the script (quoted); the folder
     * can be anything the file system accepts. One script per image
     * (x.png.gp, x.svg.gp): saving a name in several formats never leaves a
     * script that renders another format. */
    if ((rc = gp_gnuplot_check_text("file name", base, err)) ||
        (rc = gp_format_from_path(path, &fmt, err)))
        return rc;
    char gp_path[4096];
    if (strlen(path) + 4 > sizeof gp_path)
        return gp_error_set(err, GP_ERR_IO, "path too long: '%s'", path);
    snprintf(gp_path, sizeof gp_path, "%s.gp", path);

    char *script = NULL;
    if ((rc = gp_figure_script(fig, fmt, 0, 0, base, &script, err)))
        return blame(err, path);
    gp_file gp_out, image;
    if ((rc = prepare_folder(path, err)) || (rc = gp_file_begin(&gp_out, gp_path, err))) {
        free(script);
        return blame(err, path);
    }
    if ((rc = gp_file_begin(&image, path, err))) {
        gp_file_abort(&gp_out);
        free(script);
        return blame(err, path);
    }
    if (fputs(script, gp_out.f) < 0 || fflush(gp_out.f) != 0)
        rc = gp_error_set(err, GP_ERR_IO, "cannot write '%s': %s", gp_path, strerror(errno));
    else if (!(rc = gp_gnuplot_run(script, gp_path, image.f, err)))
        rc = check_image(image.f, fmt, err);
    free(script);
    gp_file *both[] = {&gp_out, &image}; /* both or neither */
    if (!rc)
        rc = gp_file_commit_all(both, 2, err);
    if (rc) {
        gp_file_abort(&image);
        gp_file_abort(&gp_out);
        return blame(err, path);
    }
    return GP_OK;
}

gp_code gp_figure_render_text(const gp_figure *fig, int width, int height, char **text,
                              gp_error *err)
{
    *text = NULL;
    if (width <= 0 || height <= 0)
        width = 100, height = 30;
    if (width < 20 || height < 10 || width > 1000 || height > 1000)
        return gp_error_set(err, GP_ERR_ARG, "preview size must be 20..1000 x 10..1000, got %d x %d",
                            width, height);
    char *script = NULL;
    gp_code rc = gp_figure_script(fig, GP_FMT_TXT, width, height, "preview.txt", &script, err);
    if (rc)
        return rc;
    size_t len = 0;
    FILE *mem = open_memstream(text, &len);
    if (!mem)
        rc = gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    else
        rc = gp_gnuplot_run(script, "the preview", mem, err);
    free(script);
    if (mem && fclose(mem) != 0 && !rc)
        rc = gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    if (!rc && len == 0)
        rc = gp_error_set(err, GP_ERR_EXTERNAL, "gnuplot wrote no preview");
    if (!rc) { /* the dumb terminal starts each page with a form feed: not for a terminal */
        size_t k = 0;
        for (size_t i = 0; i < len; i++)
            if ((*text)[i] != '\f')
                (*text)[k++] = (*text)[i];
        (*text)[k] = '\0';
    }
    if (rc) {
        free(*text);
        *text = NULL;
    }
    return rc;
}

int gp_figure_text_height(const gp_figure *fig, int width, int max_height)
{
    plot_layout l;
    int h = width * 3 / 10;
    if (plot_layout_make(fig, 0, 0, &l, NULL) == GP_OK) {
        h = (int)lround(width * (double)l.height / l.width / 2);
        plot_layout_free(&l);
    }
    if (max_height < 10)
        max_height = 10;
    return h < 10 ? 10 : h > max_height ? max_height : h;
}
