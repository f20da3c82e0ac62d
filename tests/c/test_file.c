/* test_file.c: files written whole or not at all (gp_file.h): temporary
 * names, signals, stale temporaries, groups of files, write errors. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gp_file.h"
#include "test_util.h"

/* Write text to path directly (the "old" contents of a target). */
static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Fail unless path holds exactly text. */
static void expect_text(const char *path, const char *text)
{
    char *got = test_read_file(path, NULL);
    if (!got)
        fail_msg("%s is missing (expected '%s')", path, text);
    if (strcmp(got, text) != 0)
        fail_msg("%s holds '%s', expected '%s'", path, got, text);
    free(got);
}

/* Fail unless dir holds exactly n entries. */
static void expect_entries(const char *dir, int n)
{
    char names[2048];
    int got = test_count_files(dir, names, sizeof names);
    if (got != n)
        fail_msg("%s holds %d entries (%s), expected %d", dir, got, names, n);
}

/* Begin path and write text to it, failing the test on error. */
static void begin(gp_file *f, const char *path, const char *text)
{
    gp_error err;
    if (gp_file_begin(f, path, &err))
        fail_msg("begin %s: %s", path, err.msg);
    fputs(text, f->f);
}

/* ---- names ---------------------------------------------------------------- */

/* The temporary is ".<name>.tmp-<pid>-<12 of [0-9a-z]>" beside the target,
 * a new name each time, created exclusively. */
static void test_temporary_names(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char target[512], prefix[600];
    snprintf(target, sizeof target, "%s/x.png", dir);
    snprintf(prefix, sizeof prefix, "%s/.x.png.tmp-%ld-", dir, (long)getpid());
    gp_file a, b;
    begin(&a, target, "a");
    begin(&b, target, "b");
    const char *names[] = {a.temp, b.temp};
    for (int i = 0; i < 2; i++) {
        assert_memory_equal(names[i], prefix, strlen(prefix));
        const char *r = names[i] + strlen(prefix);
        assert_int_equal(strlen(r), 12);
        assert_int_equal(strspn(r, "0123456789abcdefghijklmnopqrstuvwxyz"), 12);
        assert_true(test_exists(names[i]));
    }
    assert_string_not_equal(a.temp, b.temp);
    gp_file_abort(&a);
    gp_file_abort(&b);
    gp_file_abort(&b); /* twice is fine */
    expect_entries(dir, 0);
    test_remove_tree(dir);
    free(dir);
}

/* A file planted under the name of a target's temporary is never written
 * through: gprior <= 0.1 used ".x.png.tmp<pid>.<n>", a name another user
 * could predict and link to a file of the victim's. */
static void test_planted_links_are_not_followed(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char victim[512], link_name[600], target[512];
    snprintf(victim, sizeof victim, "%s/victim", dir);
    snprintf(target, sizeof target, "%s/x.txt", dir);
    put(victim, "precious");
    for (int n = 0; n < 50; n++) {
        snprintf(link_name, sizeof link_name, "%s/.x.txt.tmp%ld.%d", dir, (long)getpid(), n);
        assert_int_equal(symlink(victim, link_name), 0);
    }
    for (int i = 0; i < 5; i++) {
        gp_file f;
        gp_error err;
        begin(&f, target, "new");
        if (gp_file_commit(&f, &err))
            fail_msg("commit: %s", err.msg);
    }
    expect_text(victim, "precious");
    expect_text(target, "new");
    test_remove_tree(dir);
    free(dir);
}

/* ---- signals and stale temporaries ------------------------------------------ */

static void test_remove_temporaries(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/one.gp", dir);
    snprintf(p2, sizeof p2, "%s/two.png", dir);
    gp_file a, b;
    begin(&a, p1, "1");
    begin(&b, p2, "2");
    expect_entries(dir, 2);
    /* A forked child (pid differs) must not remove its parent's files. */
    pid_t pid = fork();
    if (pid == 0) {
        gp_file_remove_temporaries();
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    expect_entries(dir, 2);
    gp_file_remove_temporaries(); /* what a signal handler calls */
    expect_entries(dir, 0);
    gp_file_abort(&a);
    gp_file_abort(&b);
    expect_entries(dir, 0);
    test_remove_tree(dir);
    free(dir);
}

/* A child starts writing and dies without cleaning up (as on SIGKILL). */
static void leave_stale_temporary(const char *target)
{
    pid_t pid = fork();
    if (pid == 0) {
        gp_file f;
        if (gp_file_begin(&f, target, NULL) || fputs("half", f.f) < 0 || fflush(f.f) != 0)
            _exit(1);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_sweep_stale_temporaries(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char target[512], alive[600], other[600], sub[600];
    snprintf(target, sizeof target, "%s/x.png", dir);
    leave_stale_temporary(target);
    expect_entries(dir, 1);
    leave_stale_temporary(target); /* its begin swept the first one */
    expect_entries(dir, 1);
    /* Kept: a live process's temporary (the parent of this test), names
     * that are not temporaries, and a folder with a temporary's name. */
    snprintf(alive, sizeof alive, "%s/.x.png.tmp-%ld-abcdefghijkl", dir, (long)getppid());
    put(alive, "busy");
    snprintf(other, sizeof other, "%s/.x.png.tmp-999999999-ABCDEFGHIJKL", dir);
    put(other, "not ours");
    snprintf(sub, sizeof sub, "%s/.y.tmp-999999999-abcdefghijkl", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    expect_entries(dir, 4);
    assert_int_equal(gp_file_sweep(dir), 1);
    expect_entries(dir, 3);
    assert_true(test_exists(alive) && test_exists(other) && test_exists(sub));
    /* The next save into the folder sweeps by itself. */
    leave_stale_temporary(target);
    expect_entries(dir, 4);
    gp_file f;
    gp_error err;
    begin(&f, target, "new");
    assert_int_equal(gp_file_commit(&f, &err), GP_OK);
    expect_entries(dir, 4); /* 3 kept + x.png */
    expect_text(target, "new");
    test_remove_tree(dir);
    free(dir);
}

/* ---- groups of files ------------------------------------------------------------ */

/* Commit a.gp and a.png as a pair; rc and err. */
static gp_code commit_pair(const char *dir, const char *gp_text, const char *png_text,
                           gp_error *err)
{
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/a.gp", dir);
    snprintf(p2, sizeof p2, "%s/a.png", dir);
    gp_file a, b;
    begin(&a, p1, gp_text);
    begin(&b, p2, png_text);
    gp_file *both[] = {&a, &b};
    return gp_file_commit_all(both, 2, err);
}

static void test_commit_pair_all_or_nothing(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char gp[512], png[512];
    snprintf(gp, sizeof gp, "%s/a.gp", dir);
    snprintf(png, sizeof png, "%s/a.png", dir);
    gp_error err;

    assert_int_equal(commit_pair(dir, "gp 1", "png 1", &err), GP_OK);
    expect_text(gp, "gp 1");
    expect_text(png, "png 1");
    assert_int_equal(commit_pair(dir, "gp 2", "png 2", &err), GP_OK); /* replaces both */
    expect_text(gp, "gp 2");
    expect_text(png, "png 2");
    expect_entries(dir, 2);

    /* A folder at a.png: a.gp gets its old contents back. */
    assert_int_equal(unlink(png), 0);
    assert_int_equal(mkdir(png, 0700), 0);
    assert_int_equal(commit_pair(dir, "gp 3", "png 3", &err), GP_ERR_IO);
    assert_non_null(strstr(err.msg, png));
    expect_text(gp, "gp 2");
    expect_entries(dir, 2);

    /* ... and if there was no a.gp, none is left. */
    assert_int_equal(unlink(gp), 0);
    assert_int_equal(commit_pair(dir, "gp 4", "png 4", &err), GP_ERR_IO);
    assert_false(test_exists(gp));
    expect_entries(dir, 1);

    /* A folder at a.gp: a.png is not written, the old one stays. */
    assert_int_equal(rmdir(png), 0);
    put(png, "png old");
    assert_int_equal(mkdir(gp, 0700), 0);
    assert_int_equal(commit_pair(dir, "gp 5", "png 5", &err), GP_ERR_IO);
    assert_non_null(strstr(err.msg, gp));
    assert_non_null(strstr(err.msg, "Is a directory"));
    expect_text(png, "png old");
    expect_entries(dir, 2);
    assert_int_equal(rmdir(gp), 0);
    assert_int_equal(unlink(png), 0);
    assert_int_equal(commit_pair(dir, "gp 6", "png 6", &err), GP_OK);
    expect_entries(dir, 2);
    test_remove_tree(dir);
    free(dir);
}

/* ---- write errors --------------------------------------------------------------- */

/* A child under a 10 kB file size limit (SIGXFSZ ignored, so writes fail with
 * EFBIG, as a full disk fails them with ENOSPC) writes 100 kB: the commit must
 * fail naming the file and the system's reason, and leave nothing. */
static void test_write_errors_are_reported(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char target[512];
    snprintf(target, sizeof target, "%s/m.tsv", dir);
    pid_t pid = fork();
    if (pid == 0) {
        free(dir); /* the child's copy (valgrind checks the child too) */
        struct rlimit lim = {10000, 10000};
        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
            _exit(2);
        gp_file f;
        gp_error err;
        if (gp_file_begin(&f, target, &err))
            _exit(3);
        for (int i = 0; i < 10000; i++)
            fprintf(f.f, "%.17g\n", i * 0.1);
        gp_code rc = gp_file_commit(&f, &err);
        if (rc != GP_ERR_IO || !strstr(err.msg, target) || !strstr(err.msg, "File too large")) {
            fprintf(stderr, "commit: rc %d, '%s'\n", (int)rc, err.msg);
            _exit(4);
        }
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    expect_entries(dir, 0);
    test_remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_temporary_names),
        cmocka_unit_test(test_planted_links_are_not_followed),
        cmocka_unit_test(test_remove_temporaries),
        cmocka_unit_test(test_sweep_stale_temporaries),
        cmocka_unit_test(test_commit_pair_all_or_nothing),
        cmocka_unit_test(test_write_errors_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
