/* gp_gnuplot.h: the only door between user strings and gnuplot, and running
 * it. The writer of a figure's script (gp_figure_script, declared in
 * gp_plot.h) is gp_plot_script.c: the one place where gnuplot commands are
 * composed, every string in them through gp_gnuplot_quote.
 *
 * 1. Quoting. Every user string that ends up in a gnuplot script (titles,
 *    labels, key titles, file names) goes through gp_gnuplot_quote, which
 *    writes it as a gnuplot string *expression* built from single-quoted
 *    pieces: it's -> 'it'."'".'s'.
 *    Why not just double the quote ('it''s')? gnuplot 5.4's scanner only takes
 *    '' as an escaped quote after a non-quote character, so 'a''''b' and
 *    '''x' are syntax errors. Single-quoted text is never expanded: no
 *    backslash escapes, no `command` substitution (which gnuplot DOES run
 *    inside double quotes), no @macro expansion, # is not a comment. The only
 *    double-quoted string emitted is "'" itself.
 *    Control characters (bytes < 0x20 and 0x7f, so newline, CR, tab) and
 *    invalid UTF-8 are rejected with an error naming the string: a newline in
 *    a script line is a new command. Multi-line titles are therefore not
 *    supported; use a panel title plus a figure title instead.
 * 2. Colors are never quoted from user text: gp_gnuplot_color accepts a name
 *    from a fixed list, "C0".."C9" (the default line palette) or #rrggbb, and
 *    returns the canonical "#rrggbb".
 * 3. Running: gp_gnuplot_run spawns gnuplot (posix_spawn, no shell) as
 *        gnuplot -e "gprior_output=''" -
 *    feeding the script text on its standard input and copying its standard
 *    output (where the figure scripts write their image when gprior_output is
 *    '') to the caller's stream; stderr is captured for the error message.
 *    So no file name ever reaches gnuplot: a name starting with '|' (a pipe
 *    for `set output`), '<' (a pipe for a script file), '-' or '~' cannot
 *    mean anything but a file, and gprior writes every byte of the image
 *    itself, so it sees every write error. (Reading standard input, gnuplot
 *    goes on after an error and exits with status 1 at the end; its messages
 *    then say "line 0".)
 *    The executable is $GPRIOR_GNUPLOT if set, else "gnuplot" searched on PATH.
 * 4. Scripts saved beside a figure derive their output path from ARG0 when
 *    run by hand (gnuplot plots/x.gp); there every relative output name is
 *    written as ./name, so a folder called '|cmd' is a folder. */
#ifndef GP_GNUPLOT_H
#define GP_GNUPLOT_H

#include <stddef.h>
#include <stdio.h>

#include "gp_error.h"

/* Check that s can be drawn as gnuplot text: no control characters, valid
 * UTF-8. what names the string in the error ("title", "lines: title"). */
gp_code gp_gnuplot_check_text(const char *what, const char *s, gp_error *err);

/* THE quoting function: check s (as above), then write it to out as a gnuplot
 * string expression that evaluates to exactly s. */
gp_code gp_gnuplot_quote(FILE *out, const char *what, const char *s, gp_error *err);

/* The default line colors, "C0".."C9" (matplotlib's tab10). */
#define GP_GNUPLOT_NPALETTE 10
extern const char *const gp_gnuplot_palette[GP_GNUPLOT_NPALETTE];

/* Validate a color: a name (black, gray, red, blue, lightblue, ... see
 * gp_gnuplot.c), "C0".."C9", or "#rrggbb" (case-insensitive). Writes the
 * canonical "#rrggbb" (lower case) to out. The error lists the accepted forms. */
gp_code gp_gnuplot_color(const char *what, const char *name, char out[8], gp_error *err);

/* Find the gnuplot executable ($GPRIOR_GNUPLOT, else gnuplot on PATH) and
 * write its path to path. Error GP_ERR_EXTERNAL with an install hint. */
gp_code gp_gnuplot_find(char *path, size_t cap, gp_error *err);

/* Run gnuplot on script (the text of a gnuplot script) and copy what gnuplot
 * writes on its standard output to out. gnuplot reads the script on its
 * standard input, with the variable gprior_output = '' defined first (see 3.
 * above). Succeeds when gnuplot exits with status 0 and all its output was
 * written to out; otherwise the error names what (the script's name for the
 * user) and quotes the first lines gnuplot printed on stderr, or says why out
 * could not be written (GP_ERR_IO, e.g. "No space left on device"). */
gp_code gp_gnuplot_run(const char *script, const char *what, FILE *out, gp_error *err);

#endif
