/* test_table_io.c: TSV and CSV files (gp_table_io.h) against files written
 * by hand, and what is refused, with the line and field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp_table_io.h"
#include "test_util.h"

static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = test_make_tmpdir();
    return dir ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    test_remove_tree(dir);
    free(dir);
    return 0;
}

/* dir/name with the given contents; returns the path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_read_csv_with_header(void **state)
{
    (void)state;
    gp_table t;
    gp_error err;
    const char *p = write_file("a.csv", "\xEF\xBB\xBFx,\"f, 1\",\"say \"\"hi\"\"\"\r\n"
                                        "# a comment\r\n"
                                        "0, 1.5,-2\r\n"
                                        "\r\n"
                                        "1e3,2,0.25\r\n");
    assert_int_equal(gp_table_read(p, GP_TABLE_CSV, GP_HEADER_AUTO, &t, &err), GP_OK);
    assert_int_equal(t.rows, 2);
    assert_int_equal(t.cols, 3);
    assert_non_null(t.names);
    assert_string_equal(t.names[0], "x");
    assert_string_equal(t.names[1], "f, 1");
    assert_string_equal(t.names[2], "say \"hi\"");
    gp_matrix *m = gp_matrix_alloc(2, 3);
    gp_table_to_matrix(&t, m);
    assert_close(GP_AT(m, 0, 1), 1.5, 0);
    assert_close(GP_AT(m, 0, 2), -2, 0);
    assert_close(GP_AT(m, 1, 0), 1000, 0);
    assert_close(GP_AT(m, 1, 2), 0.25, 0);
    gp_matrix_free(m);
    gp_table_free(&t);
}

static void test_read_tsv_without_header(void **state)
{
    (void)state;
    gp_table t;
    gp_error err;
    const char *p = write_file("a.tsv", "1\t2\n3\t4\n");
    assert_int_equal(gp_table_read(p, GP_TABLE_TSV, GP_HEADER_AUTO, &t, &err), GP_OK);
    assert_int_equal(t.rows, 2);
    assert_null(t.names);
    assert_close(t.values[3], 4, 0);
    gp_table_free(&t);
    /* forced: the numbers of the first row as names */
    assert_int_equal(gp_table_read(p, GP_TABLE_TSV, GP_HEADER_YES, &t, &err), GP_OK);
    assert_int_equal(t.rows, 1);
    assert_string_equal(t.names[1], "2");
    gp_table_free(&t);
}

/* Each bad file is refused with its name, line and what is wrong. */
static void test_read_errors(void **state)
{
    (void)state;
    gp_table t;
    gp_error err;
    const struct {
        const char *text, *want;
    } bad[] = {
        {"x,y\n1,2\n3\n", ":3: 1 fields, but the header has 2"},
        {"1,2\n3,abc\n", ":2: field 2 (\"abc\") is not a number"},
        {"1,2\n3,\n", ":2: field 2 (\"\") is empty"},
        {"1,nan\n", ":1: field 2 (\"nan\") is not a finite number"},
        {"1,1e999\n", ":1: field 2 (\"1e999\") is not a finite number"},
        {"\"a,b\n1\n", ":1: a quoted field is not closed"},
        {"\"a\"b,c\n", ":1: text after the closing quote of a field"},
        {"x,y\n", "has no rows of data (only a header)"},
        {"# nothing\n\n", "has no rows of data"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *p = write_file("bad.csv", bad[i].text);
        assert_int_equal(gp_table_read(p, GP_TABLE_CSV, GP_HEADER_AUTO, &t, &err) != GP_OK, 1);
        gp_table_free(&t);
        if (!strstr(err.msg, bad[i].want) || !strstr(err.msg, "read_csv: ") ||
            !strstr(err.msg, "bad.csv"))
            fail_msg("case %zu: \"%s\" does not contain \"%s\"", i + 1, err.msg, bad[i].want);
    }
    const char zero[] = "1,2\n3,\0004\n";
    char path[512];
    snprintf(path, sizeof path, "%s/zero.csv", dir);
    FILE *f = fopen(path, "wb");
    fwrite(zero, 1, sizeof zero - 1, f);
    fclose(f);
    assert_int_not_equal(gp_table_read(path, GP_TABLE_CSV, GP_HEADER_AUTO, &t, &err), GP_OK);
    gp_table_free(&t);
    assert_non_null(strstr(err.msg, ":2: the line contains a zero byte"));
    snprintf(path, sizeof path, "%s/missing.csv", dir);
    assert_int_equal(gp_table_read(path, GP_TABLE_CSV, GP_HEADER_AUTO, &t, &err), GP_ERR_IO);
    gp_table_free(&t);
    assert_non_null(strstr(err.msg, "No such file or directory"));
}

static void test_write(void **state)
{
    (void)state;
    gp_error err;
    const double v[] = {0.1, 2, 1.0 / 3, -4};
    gp_matrix *m = test_matrix_rows(2, 2, v);
    char path[512];
    snprintf(path, sizeof path, "%s/w.csv", dir);
    const char *header[] = {"x", "a, \"b\""};
    assert_int_equal(gp_table_write(m, path, GP_TABLE_CSV, header, 2, &err), GP_OK);
    char *text = test_read_file(path, NULL);
    assert_string_equal(text, "x,\"a, \"\"b\"\"\"\n"
                              "0.10000000000000001,2\n"
                              "0.33333333333333331,-4\n");
    free(text);
    snprintf(path, sizeof path, "%s/w.tsv", dir);
    assert_int_equal(gp_table_write(m, path, GP_TABLE_TSV, NULL, 0, &err), GP_OK);
    text = test_read_file(path, NULL);
    assert_string_equal(text, "0.10000000000000001\t2\n0.33333333333333331\t-4\n");
    free(text);

    /* refused, and nothing written */
    snprintf(path, sizeof path, "%s/no.tsv", dir);
    const char *tabbed[] = {"x", "a\tb"};
    assert_int_equal(gp_table_write(m, path, GP_TABLE_TSV, tabbed, 2, &err), GP_ERR_ARG);
    assert_string_equal(err.msg, "write_tsv: header name 2 contains a tab");
    assert_int_equal(gp_table_write(m, path, GP_TABLE_TSV, header, 1, &err), GP_ERR_DIM);
    assert_string_equal(err.msg, "write_tsv: the header has 1 names but the matrix has 2 columns");
    GP_AT(m, 1, 0) = NAN;
    assert_int_equal(gp_table_write(m, path, GP_TABLE_CSV, NULL, 0, &err), GP_ERR_ARG);
    assert_string_equal(err.msg, "write_csv: m(2, 1) is nan (values must be finite)");
    assert_false(test_exists(path));
    gp_matrix_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_csv_with_header), cmocka_unit_test(test_read_tsv_without_header),
        cmocka_unit_test(test_read_errors), cmocka_unit_test(test_write)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
