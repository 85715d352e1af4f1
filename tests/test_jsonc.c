/* Tests of sim/jsonc: the HuJSON pre-pass keeps every byte offset, respects strings, removes
 * only real trailing commas, and bounds nesting depth. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "jsonc.h"
#include "testutil.h"

/* Runs the pre-pass on a copy; returns the result (to free) or NULL on error. */
static char *prepare(const char *in, unsigned depth, size_t *err_off, errinfo_t *err)
{
    size_t n = strlen(in);
    char *buf = malloc(n + 1);
    memcpy(buf, in, n + 1);
    if (jsonc_prepare(buf, n, depth, err_off, err) != 0) {
        free(buf);
        return NULL;
    }
    CU_ASSERT_EQUAL(strlen(buf), n); /* same length: offsets stay */
    return buf;
}

static void check(const char *in, const char *want)
{
    size_t off;
    errinfo_t e;
    char *out = prepare(in, 64, &off, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_STRING_EQUAL(out, want);
    free(out);
}

static void test_comments(void)
{
    check("{} // c", "{}     ");
    check("// c\n{}", "    \n{}");
    check("{/* a\nb */}", "{    \n    }");
    check("[1/**/,2]", "[1    ,2]");
    check("{/***/}", "{     }");
    check("{/* // */}", "{        }");
    check("{\"a\": 1}", "{\"a\": 1}");
    check("1/2", "1/2"); /* not a comment: left for jansson to reject */
    check("\r\n// x\r\n", "\r\n    \r\n");
}

static void test_strings_are_respected(void)
{
    check("[\"// not a comment\"]", "[\"// not a comment\"]");
    check("[\"/* nor this */\", 1,]", "[\"/* nor this */\", 1 ]");
    check("[\"a\\\"// still a string\"]", "[\"a\\\"// still a string\"]");
    check("[\"\\\\\"// comment]\n]", "[\"\\\\\"           \n]");
    check("[\"x,]\"]", "[\"x,]\"]");
}

static void test_trailing_commas(void)
{
    check("[1,]", "[1 ]");
    check("{\"a\": 1,}", "{\"a\": 1 }");
    check("[1, // c\n]", "[1      \n]");
    check("[1, /* c */ ]", "[1          ]");
    check("[[1,],{\"a\":[],},]", "[[1 ],{\"a\":[] } ]");
    check("[\"s\",]", "[\"s\" ]");
    /* not trailing commas: jansson must still reject these */
    check("[,]", "[,]");
    check("{,}", "{,}");
    check("[1,,]", "[1,,]");
    check("{\"a\":,}", "{\"a\":,}");
    check("[1, 2]", "[1, 2]");
}

static void test_result_parses_with_same_positions(void)
{
    const char *in = "{\n  // comment\n  \"a\": [1, 2,],\n  /* x */ \"b\": nope\n}";
    size_t off;
    errinfo_t e;
    char *out = prepare(in, 64, &off, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    CU_ASSERT_PTR_NULL(j);
    CU_ASSERT_EQUAL(je.line, 4);
    CU_ASSERT_EQUAL(je.column, 19); /* the end of "nope", as in the original */
    json_decref(j);
    free(out);
}

static void test_depth(void)
{
    size_t off = 0;
    errinfo_t e;
    char *out = prepare("[[[]]]", 3, &off, &e);
    CU_ASSERT_PTR_NOT_NULL(out);
    free(out);
    CU_ASSERT_PTR_NULL(prepare("[[{\"a\":[]}]]", 3, &off, &e));
    CU_ASSERT_EQUAL(off, 7);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "deeper than 3 levels"));
    /* brackets inside strings and comments do not count */
    out = prepare("[\"[[[[\", /* [[[[ */ []]", 2, &off, &e);
    CU_ASSERT_PTR_NOT_NULL(out);
    free(out);
    /* closing brackets restore depth: many siblings at depth 2 are fine */
    out = prepare("[[],[],[],[],[],[]]", 2, &off, &e);
    CU_ASSERT_PTR_NOT_NULL(out);
    free(out);
    /* stray closers never underflow */
    out = prepare("]]]][[", 2, &off, &e);
    CU_ASSERT_PTR_NOT_NULL(out);
    free(out);
    size_t n = 1000000;
    char *deep = malloc(n + 1);
    memset(deep, '{', n);
    deep[n] = '\0';
    CU_ASSERT_PTR_NULL(prepare(deep, 64, &off, &e));
    CU_ASSERT_EQUAL(off, 64);
    free(deep);
}

static void test_unclosed_comment(void)
{
    size_t off = 0;
    errinfo_t e;
    CU_ASSERT_PTR_NULL(prepare("{} /* never", 64, &off, &e));
    CU_ASSERT_EQUAL(off, 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "not closed"));
    CU_ASSERT_PTR_NULL(prepare("/*/", 64, &off, &e));
    CU_ASSERT_EQUAL(off, 0);
    /* an unterminated string is left for jansson */
    char *out = prepare("[\"abc", 64, &off, &e);
    CU_ASSERT_PTR_NOT_NULL(out);
    free(out);
    out = prepare("[\"abc\\", 64, &off, &e);
    CU_ASSERT_PTR_NOT_NULL(out);
    free(out);
}

void suite_jsonc(void);
void suite_jsonc(void)
{
    static CU_TestInfo tests[] = {
        {"S4 line and block comments become spaces, newlines kept", test_comments},
        {"S4 string literals and escapes are left alone", test_strings_are_respected},
        {"S4 only real trailing commas are removed", test_trailing_commas},
        {"S4 jansson positions after the pre-pass are those of the file",
         test_result_parses_with_same_positions},
        {"S4 nesting depth is bounded before parsing", test_depth},
        {"S4 an unclosed block comment is an error at its start", test_unclosed_comment},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("jsonc", tests);
}
