/* Tests of sim/trace: the JSON Lines writer (escaping, nesting, misuse), read-back, streaming
 * and the fingerprint. jansson reads the output back to prove it is valid JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "testutil.h"
#include "trace.h"

/* Record i as a NUL-terminated copy (static buffer, enough for these tests). */
static const char *rec(const trace_t *t, size_t i)
{
    static char buf[4096];
    size_t len = 0;
    const char *r = trace_record(t, i, &len);
    if (r == NULL || len >= sizeof buf)
        return "<none>";
    memcpy(buf, r, len);
    buf[len] = '\0';
    return buf;
}

/* Parses record i with jansson; NULL (and a failed assertion) when it is not valid JSON. */
static json_t *parse_rec(const trace_t *t, size_t i)
{
    size_t len = 0;
    const char *r = trace_record(t, i, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    json_error_t jerr;
    json_t *j = json_loadb(r, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    CU_ASSERT_PTR_NOT_NULL(j);
    if (j == NULL)
        fprintf(stderr, "invalid JSON: %s in %s\n", jerr.text, rec(t, i));
    return j;
}

static void test_record_time_read_back(void)
{
    trace_t *t = trace_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    trace_begin(t, 1300000007, "c1", "netmap");
    trace_end(t);
    trace_begin(t, 0, NULL, "policy");
    trace_end(t);
    size_t len = 0;
    const char *rec = trace_record(t, 0, &len);
    CU_ASSERT_EQUAL(trace_record_time(rec, len), 1300000007);
    rec = trace_record(t, 1, &len);
    CU_ASSERT_EQUAL(trace_record_time(rec, len), 0);
    CU_ASSERT_EQUAL(trace_record_time("{\"node\":\"x\"}", 12), -1);
    CU_ASSERT_EQUAL(trace_record_time("{\"t\":", 5), -1);
    trace_free(t);
}

static void test_record_layout(void)
{
    trace_t *t = trace_new();
    trace_begin(t, 1300000000, "c1", "route_change");
    const char *add[] = {"1.2.3.4/32"};
    trace_str_array(t, "add", add, 1);
    trace_str_array(t, "remove", NULL, 0);
    trace_end(t);
    CU_ASSERT_STRING_EQUAL(rec(t, 0), "{\"t\":1300000000,\"node\":\"c1\",\"kind\":\"route_change\","
                                      "\"add\":[\"1.2.3.4/32\"],\"remove\":[]}");
    CU_ASSERT_EQUAL(trace_count(t), 1);
    CU_ASSERT_PTR_NULL(trace_error(t));
    trace_free(t);
}

static void test_all_value_kinds(void)
{
    trace_t *t = trace_new();
    trace_begin(t, 0, NULL, "k");
    trace_int(t, "neg", INT64_MIN);
    trace_int(t, "pos", INT64_MAX);
    trace_uint(t, "big", (uint64_t)INT64_MAX);
    trace_bool(t, "yes", true);
    trace_bool(t, "no", false);
    trace_null(t, "nothing");
    trace_str(t, "nullstr", NULL);
    trace_raw(t, "raw", "{\"a\":[1,2]}");
    trace_object_begin(t, "obj");
    trace_int(t, "x", 0);
    trace_array_begin(t, "arr");
    trace_int(t, NULL, -5);
    trace_object_begin(t, NULL);
    trace_object_end(t);
    trace_array_begin(t, NULL);
    trace_array_end(t);
    trace_array_end(t);
    trace_object_end(t);
    trace_end(t);
    CU_ASSERT_STRING_EQUAL(rec(t, 0),
                           "{\"t\":0,\"kind\":\"k\",\"neg\":-9223372036854775808,"
                           "\"pos\":9223372036854775807,\"big\":9223372036854775807,"
                           "\"yes\":true,\"no\":false,\"nothing\":null,\"nullstr\":null,"
                           "\"raw\":{\"a\":[1,2]},\"obj\":{\"x\":0,\"arr\":[-5,{},[]]}}");
    CU_ASSERT_PTR_NULL(trace_error(t));
    json_t *j = parse_rec(t, 0);
    json_decref(j);
    /* Valid JSON, but beyond what jansson reads (see trace.h). */
    trace_begin(t, 0, NULL, "k");
    trace_uint(t, "max", UINT64_MAX);
    trace_end(t);
    CU_ASSERT_STRING_EQUAL(rec(t, 1), "{\"t\":0,\"kind\":\"k\",\"max\":18446744073709551615}");
    trace_free(t);
}

static void test_escaping(void)
{
    trace_t *t = trace_new();
    trace_begin(t, 5, "n\"1", "k\\");
    trace_str(t, "q", "say \"hi\" \\ back/slash");
    trace_str(t, "ctl", "\b\f\n\r\t\x01\x1f\x7f");
    trace_strn(t, "nul", "a\0b", 3);
    trace_str(t, "utf8", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    trace_str(t, "k\"ey", "v");
    trace_end(t);
    CU_ASSERT_STRING_EQUAL(rec(t, 0),
                           "{\"t\":5,\"node\":\"n\\\"1\",\"kind\":\"k\\\\\","
                           "\"q\":\"say \\\"hi\\\" \\\\ back/slash\","
                           "\"ctl\":\"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\","
                           "\"nul\":\"a\\u0000b\","
                           "\"utf8\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\","
                           "\"k\\\"ey\":\"v\"}");
    /* jansson reads the same strings back. */
    json_t *j = parse_rec(t, 0);
    if (j != NULL) {
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "node")), "n\"1");
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "q")),
                               "say \"hi\" \\ back/slash");
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "ctl")),
                               "\b\f\n\r\t\x01\x1f\x7f");
        CU_ASSERT_EQUAL(json_string_length(json_object_get(j, "nul")), 3);
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "utf8")),
                               "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    }
    json_decref(j);
    trace_free(t);
}

static void test_invalid_utf8_replaced(void)
{
    /* Lone continuation, truncated sequence, overlong, surrogate, above U+10FFFF, 0xff. */
    const char *bad[] = {"\x80", "\xc3", "\xe2\x82", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                         "\xff", "ok\xe0\x80\x80!"};
    const char *want[] = {"\\ufffd", "\\ufffd", "\\ufffd\\ufffd", "\\ufffd\\ufffd",
                          "\\ufffd\\ufffd\\ufffd", "\\ufffd\\ufffd\\ufffd\\ufffd", "\\ufffd",
                          "ok\\ufffd\\ufffd\\ufffd!"};
    trace_t *t = trace_new();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        trace_begin(t, 0, NULL, "k");
        trace_str(t, "s", bad[i]);
        trace_end(t);
        char expect[128];
        snprintf(expect, sizeof expect, "{\"t\":0,\"kind\":\"k\",\"s\":\"%s\"}", want[i]);
        CU_ASSERT_STRING_EQUAL(rec(t, i), expect);
        json_decref(parse_rec(t, i));
    }
    /* The largest code point and the edges around the surrogates pass through. */
    trace_begin(t, 0, NULL, "k");
    trace_str(t, "s", "\xf4\x8f\xbf\xbf\xed\x9f\xbf\xee\x80\x80");
    trace_end(t);
    CU_ASSERT_STRING_EQUAL(rec(t, trace_count(t) - 1),
                           "{\"t\":0,\"kind\":\"k\",\"s\":\"\xf4\x8f\xbf\xbf\xed\x9f\xbf\xee\x80\x80\"}");
    trace_free(t);
}

/* 50 records; variant v > 0 changes one digit of record v - 1. */
static void write_sample(trace_t *t, int variant)
{
    for (int i = 0; i < 50; i++) {
        trace_begin(t, (sim_time_t)i * 1000, i % 2 ? "a" : "b", "tick");
        trace_int(t, "i", variant == i + 1 ? i + 1 : i);
        trace_end(t);
    }
}

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t k = 0; k < n; k++) {
        h ^= (unsigned char)p[k];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static void test_fingerprint(void)
{
    char fp[17];
    trace_t *empty = trace_new();
    CU_ASSERT_STRING_EQUAL(trace_fingerprint(empty, fp), "cbf29ce484222325");
    trace_free(empty);

    /* FNV-1a-64 of the text "{\"t\":0,\"kind\":\"x\"}\n", computed independently. */
    trace_t *one = trace_new();
    trace_begin(one, 0, NULL, "x");
    trace_end(one);
    const char *line = "{\"t\":0,\"kind\":\"x\"}\n";
    uint64_t h = fnv1a(line, strlen(line));
    CU_ASSERT_EQUAL(trace_hash(one), h);
    char want[17];
    snprintf(want, sizeof want, "%016llx", (unsigned long long)h);
    CU_ASSERT_STRING_EQUAL(trace_fingerprint(one, fp), want);
    CU_ASSERT_STRING_EQUAL(fp, "2ee194d3498b424f"); /* computed once with Python */
    CU_ASSERT_EQUAL(strlen(fp), 16);
    trace_free(one);

    trace_t *a = trace_new(), *b = trace_new(), *c = trace_new();
    write_sample(a, 0);
    write_sample(b, 0);
    write_sample(c, 1);
    CU_ASSERT_EQUAL(trace_hash(a), trace_hash(b));
    CU_ASSERT_NOT_EQUAL(trace_hash(a), trace_hash(c));
    trace_free(a);
    trace_free(b);
    trace_free(c);
}

static void test_fingerprint_every_byte(void)
{
    trace_t *t = trace_new();
    write_sample(t, 0);
    size_t len = 0;
    const char *text = trace_text(t, &len);
    uint64_t base = trace_hash(t);
    CU_ASSERT_EQUAL(fnv1a(text, len), base);

    /* A change in any one record changes the fingerprint, each to a different value. */
    uint64_t seen[50];
    for (int v = 1; v <= 50; v++) {
        trace_t *u = trace_new();
        write_sample(u, v);
        seen[v - 1] = trace_hash(u);
        CU_ASSERT_NOT_EQUAL(seen[v - 1], base);
        for (int w = 1; w < v; w++)
            CU_ASSERT_NOT_EQUAL(seen[v - 1], seen[w - 1]);
        trace_free(u);
    }

    /* And any single flipped byte of the text would (the hash is FNV-1a over exactly it). */
    char *copy = malloc(len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
    memcpy(copy, text, len);
    int unchanged = 0;
    for (size_t i = 0; i < len; i++) {
        copy[i] ^= 0x01;
        unchanged += fnv1a(copy, len) == base;
        copy[i] ^= 0x01;
    }
    CU_ASSERT_EQUAL(unchanged, 0);
    free(copy);

    /* Moving a record boundary changes it too. */
    trace_t *u = trace_new();
    trace_begin(u, 1, NULL, "ab");
    trace_end(u);
    trace_t *v = trace_new();
    trace_begin(v, 1, NULL, "a");
    trace_end(v);
    trace_begin(v, 1, NULL, "b");
    trace_end(v);
    CU_ASSERT_NOT_EQUAL(trace_hash(u), trace_hash(v));
    trace_free(u);
    trace_free(v);
    trace_free(t);
}

static void test_read_back(void)
{
    trace_t *t = trace_new();
    write_sample(t, 0);
    CU_ASSERT_EQUAL(trace_count(t), 50);
    CU_ASSERT_STRING_EQUAL(rec(t, 0), "{\"t\":0,\"node\":\"b\",\"kind\":\"tick\",\"i\":0}");
    CU_ASSERT_STRING_EQUAL(rec(t, 49), "{\"t\":49000,\"node\":\"a\",\"kind\":\"tick\",\"i\":49}");
    size_t len = 99;
    CU_ASSERT_PTR_NULL(trace_record(t, 50, &len));
    /* The text is the records joined by newlines. */
    size_t total = 0;
    const char *text = trace_text(t, &total);
    size_t off = 0;
    for (size_t i = 0; i < trace_count(t); i++) {
        const char *r = trace_record(t, i, &len);
        CU_ASSERT_PTR_EQUAL(r, text + off);
        CU_ASSERT_EQUAL(text[off + len], '\n');
        off += len + 1;
    }
    CU_ASSERT_EQUAL(off, total);
    trace_free(t);
}

static char *read_stream(FILE *f, size_t *len)
{
    fflush(f);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    return buf;
}

static void test_stream_equals_memory(void)
{
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    trace_t *t = trace_new();
    trace_set_stream(t, f);
    write_sample(t, 0);
    trace_begin(t, 7, "x", "unicode");
    trace_str(t, "s", "\xe2\x82\xac\n");
    trace_end(t);
    size_t mem_len = 0, file_len = 0;
    const char *mem = trace_text(t, &mem_len);
    char *file = read_stream(f, &file_len);
    CU_ASSERT_EQUAL(file_len, mem_len);
    CU_ASSERT(file_len == mem_len && memcmp(file, mem, mem_len) == 0);
    free(file);
    fclose(f);
    trace_free(t);
}

static void test_no_keep_still_hashes_and_streams(void)
{
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    trace_t *kept = trace_new();
    trace_t *lean = trace_new();
    CU_ASSERT_TRUE(trace_set_keep(lean, false));
    trace_set_stream(lean, f);
    write_sample(kept, 0);
    write_sample(lean, 0);
    CU_ASSERT_EQUAL(trace_count(lean), 50);
    CU_ASSERT_EQUAL(trace_hash(lean), trace_hash(kept));
    size_t len = 0;
    CU_ASSERT_PTR_NULL(trace_record(lean, 0, &len));
    trace_text(lean, &len);
    CU_ASSERT_EQUAL(len, 0);
    size_t mem_len = 0, file_len = 0;
    const char *mem = trace_text(kept, &mem_len);
    char *file = read_stream(f, &file_len);
    CU_ASSERT(file_len == mem_len && memcmp(file, mem, mem_len) == 0);
    free(file);
    fclose(f);
    /* Keep can be changed only before the first record. */
    CU_ASSERT_FALSE(trace_set_keep(kept, false));
    CU_ASSERT_EQUAL(trace_count(kept), 50);
    CU_ASSERT_PTR_NOT_NULL(trace_record(kept, 0, &len));
    trace_free(kept);
    trace_free(lean);
}

static void test_misuse_is_reported_not_fatal(void)
{
    trace_t *t = trace_new();
    trace_int(t, "x", 1); /* outside a record */
    CU_ASSERT_PTR_NOT_NULL(trace_error(t));
    CU_ASSERT_PTR_NOT_NULL(strstr(trace_error(t), "outside a record"));
    CU_ASSERT_EQUAL(trace_count(t), 0);
    trace_free(t);

    t = trace_new();
    trace_begin(t, 1, NULL, "k");
    trace_int(t, NULL, 1);          /* no key in an object: ignored */
    trace_array_begin(t, "a");
    trace_int(t, "x", 2);           /* key in an array: ignored */
    trace_object_end(t);            /* wrong closer: ignored */
    trace_begin(t, 2, NULL, "k2");  /* nested begin: ignored */
    trace_end(t);                   /* closes the array */
    CU_ASSERT_STRING_EQUAL(rec(t, 0), "{\"t\":1,\"kind\":\"k\",\"a\":[]}");
    json_decref(parse_rec(t, 0));
    CU_ASSERT_PTR_NOT_NULL(strstr(trace_error(t), "without a key"));
    trace_end(t); /* no open record */
    CU_ASSERT_EQUAL(trace_count(t), 1);
    trace_free(t);

    t = trace_new();
    trace_begin(t, 1, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(trace_error(t), "without a kind"));
    trace_end(t);
    CU_ASSERT_EQUAL(trace_count(t), 0);
    trace_free(t);

    t = trace_new();
    trace_begin(t, 1, NULL, "k");
    trace_raw(t, "r", "1\n2");
    trace_object_end(t); /* would close the record itself */
    for (int i = 0; i < 20; i++)
        trace_array_begin(t, i == 0 ? "deep" : NULL);
    trace_end(t);
    CU_ASSERT_PTR_NOT_NULL(strstr(trace_error(t), "trace_raw"));
    json_decref(parse_rec(t, 0));
    trace_free(t);
}

static void test_stream_failure_reported(void)
{
    FILE *f = fopen("/dev/full", "w");
    if (f == NULL) {
        CU_PASS("no /dev/full on this system");
        return;
    }
    setvbuf(f, NULL, _IONBF, 0);
    trace_t *t = trace_new();
    trace_set_stream(t, f);
    trace_begin(t, 0, NULL, "k");
    trace_end(t);
    CU_ASSERT_PTR_NOT_NULL(trace_error(t));
    CU_ASSERT_EQUAL(trace_count(t), 1);
    fclose(f);
    trace_free(t);
}

static void test_negative_time_and_big_records(void)
{
    trace_t *t = trace_new();
    trace_begin(t, -5, "n", "k");
    trace_end(t);
    CU_ASSERT_STRING_EQUAL(rec(t, 0), "{\"t\":-5,\"node\":\"n\",\"kind\":\"k\"}");
    /* A record larger than the initial buffer, and many records, grow the storage. */
    char *big = malloc(100000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    memset(big, 'x', 99999);
    big[99999] = '\0';
    trace_begin(t, 1, "n", "big");
    trace_str(t, "s", big);
    trace_end(t);
    for (int i = 0; i < 3000; i++) {
        trace_begin(t, i, "n", "k");
        trace_end(t);
    }
    size_t len = 0;
    CU_ASSERT_PTR_NOT_NULL(trace_record(t, 1, &len));
    CU_ASSERT_EQUAL(len, 100000 + strlen("{\"t\":1,\"node\":\"n\",\"kind\":\"big\",\"s\":\"\"}") - 1);
    CU_ASSERT_STRING_EQUAL(rec(t, 3001), "{\"t\":2999,\"node\":\"n\",\"kind\":\"k\"}");
    CU_ASSERT_PTR_NULL(trace_error(t));
    free(big);
    trace_free(t);
}

void suite_trace(void);
void suite_trace(void)
{
    static CU_TestInfo tests[] = {
        {"T1 record layout: t, node, kind, then details in written order", test_record_layout},
        {"T1 a record's time is read back without parsing", test_record_time_read_back},
        {"every value kind and nesting is valid JSON", test_all_value_kinds},
        {"RFC 8259 escaping: quotes, backslash, control chars, UTF-8", test_escaping},
        {"invalid UTF-8 becomes \\ufffd, valid edges pass", test_invalid_utf8_replaced},
        {"fingerprint is FNV-1a-64 of the text, equal for equal runs", test_fingerprint},
        {"fingerprint changes when any byte changes", test_fingerprint_every_byte},
        {"T1 records read back in execution order", test_read_back},
        {"streamed text equals the in-memory text", test_stream_equals_memory},
        {"keep off still hashes and streams", test_no_keep_still_hashes_and_streams},
        {"misuse is reported, ignored, and the line stays valid", test_misuse_is_reported_not_fatal},
        {"a failed stream write is reported", test_stream_failure_reported},
        {"negative times and records larger than the buffer", test_negative_time_and_big_records},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("trace", tests);
}
