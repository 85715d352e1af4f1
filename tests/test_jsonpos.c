/* Tests of sim/jsonpos: every value's start, key and subtree, in jansson's order, and line and
 * column in characters. */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpos.h"
#include "testutil.h"

static void test_entries(void)
{
    const char *t = "{\"a\": [1, \"x]\", {\"k\": null}], \"b\": true, \"c\\\"\": {}}";
    jsonpos_t *p = jsonpos_build(t, t, strlen(t));
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    /* root, a, 1, "x]", {k}, null, b, c */
    CU_ASSERT_EQUAL(jsonpos_count(p), 8);
    uint32_t a = jsonpos_first_child(p, 0);
    CU_ASSERT_EQUAL(a, 1);
    CU_ASSERT_EQUAL(jsonpos_value_offset(p, a), 6);
    CU_ASSERT_EQUAL(jsonpos_key_offset(p, a), 1);
    CU_ASSERT_EQUAL(jsonpos_key_offset(p, 0), JSONPOS_NONE);
    uint32_t b = jsonpos_next_sibling(p, 0, a);
    CU_ASSERT_EQUAL(jsonpos_value_offset(p, b), strstr(t, "true") - t);
    uint32_t c = jsonpos_next_sibling(p, 0, b);
    CU_ASSERT_EQUAL(jsonpos_key_offset(p, c), strstr(t, "\"c") - t);
    CU_ASSERT_EQUAL(jsonpos_next_sibling(p, 0, c), JSONPOS_NONE);
    CU_ASSERT_EQUAL(jsonpos_first_child(p, c), JSONPOS_NONE); /* {} */
    uint32_t obj = jsonpos_child(p, a, 2);
    CU_ASSERT_EQUAL(jsonpos_value_offset(p, obj), strstr(t, "{\"k") - t);
    CU_ASSERT_EQUAL(jsonpos_value_offset(p, jsonpos_child(p, a, 1)), strstr(t, "\"x]") - t);
    CU_ASSERT_EQUAL(jsonpos_child(p, a, 3), JSONPOS_NONE);
    CU_ASSERT_EQUAL(jsonpos_value_offset(p, jsonpos_first_child(p, obj)), strstr(t, "null") - t);
    CU_ASSERT_EQUAL(jsonpos_value_offset(p, 99), JSONPOS_NONE);
    CU_ASSERT_EQUAL(jsonpos_first_child(p, JSONPOS_NONE), JSONPOS_NONE);
    jsonpos_free(p);
}

/* The index and jansson agree on every value of a generated document. */
static void walk(const jsonpos_t *p, const char *text, json_t *j, uint32_t e, int *mismatches)
{
    char first = text[jsonpos_value_offset(p, e)];
    bool ok = (json_is_object(j) && first == '{') || (json_is_array(j) && first == '[') ||
              (json_is_string(j) && first == '"') || (json_is_integer(j) && first != '"') ||
              (json_is_null(j) && first == 'n') || (json_is_true(j) && first == 't');
    if (!ok)
        (*mismatches)++;
    uint32_t c = jsonpos_first_child(p, e);
    if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++, c = jsonpos_next_sibling(p, e, c))
            walk(p, text, json_array_get(j, i), c, mismatches);
    } else if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) {
            uint32_t ko = jsonpos_key_offset(p, c);
            if (ko == JSONPOS_NONE || strncmp(text + ko + 1, k, strlen(k)) != 0)
                (*mismatches)++;
            walk(p, text, v, c, mismatches);
            c = jsonpos_next_sibling(p, e, c);
        }
    }
    if (c != JSONPOS_NONE && (json_is_array(j) || json_is_object(j)))
        (*mismatches)++;
}

static void test_agrees_with_jansson(void)
{
    char *t = malloc(1 << 20);
    size_t o = 0;
    o += (size_t)sprintf(t + o, "{");
    for (int i = 0; i < 500; i++)
        o += (size_t)sprintf(t + o, "%s\"k%d\" :\n [ %d, \"s,:]}\\\"%d\", {\"z\": [null, true]}, [] ]",
                             i == 0 ? "" : " ,\t", i, -i, i);
    o += (size_t)sprintf(t + o, "}");
    json_error_t je;
    json_t *j = json_loadb(t, o, 0, &je);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    jsonpos_t *p = jsonpos_build(t, t, o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    int mismatches = 0;
    walk(p, t, j, 0, &mismatches);
    CU_ASSERT_EQUAL(mismatches, 0);
    CU_ASSERT_EQUAL(jsonpos_count(p), 1 + 500 * 8);
    jsonpos_free(p);
    json_decref(j);
    free(t);
}

static void test_line_col(void)
{
    const char *t = "{\n  \"é\": \"ü\",\n\n\"x\": 1}";
    jsonpos_t *p = jsonpos_build(t, t, strlen(t));
    unsigned line, col;
    jsonpos_line_col(p, 0, &line, &col);
    CU_ASSERT_TRUE(line == 1 && col == 1);
    jsonpos_line_col(p, (size_t)(strstr(t, "\"ü") - t), &line, &col);
    CU_ASSERT_TRUE(line == 2 && col == 8); /* é is one character */
    jsonpos_line_col(p, (size_t)(strstr(t, "\"x") - t), &line, &col);
    CU_ASSERT_TRUE(line == 4 && col == 1);
    jsonpos_line_col(p, strlen(t) + 100, &line, &col); /* clamped to the end */
    CU_ASSERT_TRUE(line == 4 && col == 8);
    jsonpos_text_line_col(t, strlen(t), (size_t)(strstr(t, "\"x") - t), &line, &col);
    CU_ASSERT_TRUE(line == 4 && col == 1);
    jsonpos_free(p);
}

/* Checkpoints every few KiB give the same answer as a scan from the start. */
static void test_line_col_long_text(void)
{
    size_t n = 100000;
    char *t = malloc(n + 3);
    t[0] = '[';
    for (size_t i = 1; i < n; i++)
        t[i] = i % 997 == 0 ? '\n' : ' ';
    t[n] = '1';
    t[n + 1] = ']';
    t[n + 2] = '\0';
    jsonpos_t *p = jsonpos_build(t, t, n + 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    int bad = 0;
    for (size_t off = 0; off <= n + 2; off += 613) {
        unsigned l1, c1, l2, c2;
        jsonpos_line_col(p, off, &l1, &c1);
        jsonpos_text_line_col(t, n + 2, off, &l2, &c2);
        bad += l1 != l2 || c1 != c2;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(jsonpos_value_offset(p, jsonpos_first_child(p, 0)), n);
    jsonpos_free(p);
    free(t);
}

void suite_jsonpos(void);
void suite_jsonpos(void)
{
    static CU_TestInfo tests[] = {
        {"S4 entries give each value's start, key and subtree", test_entries},
        {"S4 the index walks in step with jansson's tree", test_agrees_with_jansson},
        {"S4 line and column count characters, 1-based", test_line_col},
        {"S4 checkpoints agree with a full scan", test_line_col_long_text},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("jsonpos", tests);
}
