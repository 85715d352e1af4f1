/* Tests of sim/diag: the diagnostics list keeps, counts, sorts and formats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "testutil.h"

static void test_format(void)
{
    diag_list_t l;
    diag_list_init(&l);
    diag_add(&l, DIAG_ERROR, "s.json", 12, 7, "nodes[1]", "unknown key '%s'", "x");
    diag_add(&l, DIAG_WARNING, "p.hujson", 0, 0, "", "whole file");
    diag_add(&l, DIAG_ERROR, "", 0, 0, "", "no file");
    diag_add(&l, DIAG_ERROR, "s.json", 3, 0, "a", "line only");
    char buf[256];
    diag_format(&l.items[0], buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "s.json:12:7: error: nodes[1]: unknown key 'x'");
    diag_format(&l.items[1], buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "p.hujson: warning: whole file");
    diag_format(&l.items[2], buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "error: no file");
    diag_format(&l.items[3], buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "s.json:3: error: a: line only");
    CU_ASSERT_EQUAL(l.n_errors, 3);
    CU_ASSERT_EQUAL(l.n_warnings, 1);
    diag_list_free(&l);
}

static void test_sort(void)
{
    diag_list_t l;
    diag_list_init(&l);
    diag_add(&l, DIAG_ERROR, "b", 5, 1, "", "b5");
    diag_add(&l, DIAG_ERROR, "a", 9, 9, "", "a9");
    diag_add(&l, DIAG_ERROR, "b", 2, 8, "", "b2-8");
    diag_add(&l, DIAG_ERROR, "b", 2, 3, "", "b2-3 first");
    diag_add(&l, DIAG_ERROR, "b", 2, 3, "", "b2-3 second");
    diag_add(&l, DIAG_ERROR, "a", 1, 1, "", "a1");
    diag_list_finish(&l);
    const char *want[] = {"b2-3 first", "b2-3 second", "b2-8", "b5", "a1", "a9"};
    for (size_t i = 0; i < 6; i++)
        CU_ASSERT_STRING_EQUAL(l.items[i].message, want[i]);
    diag_list_free(&l);
}

static void test_cap_and_summary(void)
{
    diag_list_t l;
    diag_list_init(&l);
    l.max = 3;
    char buf[128];
    CU_ASSERT_FALSE(diag_list_summary(&l, buf, sizeof buf));
    for (int i = 0; i < 5; i++)
        diag_add(&l, DIAG_ERROR, "f", (unsigned)i + 1, 1, "", "e%d", i);
    diag_add(&l, DIAG_WARNING, "f", 9, 1, "", "w");
    CU_ASSERT_EQUAL(l.n, 3);
    CU_ASSERT_EQUAL(l.n_errors, 5);
    CU_ASSERT_EQUAL(l.n_warnings, 1);
    CU_ASSERT_TRUE(diag_list_summary(&l, buf, sizeof buf));
    CU_ASSERT_STRING_EQUAL(buf, "... and 2 more errors and 1 more warnings");
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    diag_list_print(&l, f);
    fclose(f);
    CU_ASSERT_STRING_EQUAL(out, "f:1:1: error: e0\nf:2:1: error: e1\nf:3:1: error: e2\n"
                                "... and 2 more errors and 1 more warnings\n");
    free(out);
    diag_list_clear(&l);
    CU_ASSERT_EQUAL(l.n + l.n_errors + l.n_warnings + l.dropped_errors, 0);
    CU_ASSERT_EQUAL(l.max, 3);
    diag_list_free(&l);
}

void suite_diag(void);
void suite_diag(void)
{
    static CU_TestInfo tests[] = {
        {"S4 diagnostics format as file:line:col: severity: path: message", test_format},
        {"S4 diagnostics sort by file, line and column, stably", test_sort},
        {"S4 diagnostics beyond the cap are counted in a summary", test_cap_and_summary},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("diag", tests);
}
