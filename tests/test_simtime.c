/* Tests of sim/simtime: exact parsing of durations, rejection of bad text, and printing that
 * reads back to the same value (T1: integer nanoseconds). */
#include <stdio.h>
#include <string.h>

#include "simtime.h"
#include "testutil.h"

static sim_time_t parse_ok(const char *text)
{
    errinfo_t err = {{0}};
    sim_time_t t = -12345;
    int rc = simtime_parse(text, &t, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "unexpected error for \"%s\": %s\n", text, err.msg);
    return t;
}

/* Asserts that text is rejected, that *out is untouched, and that the message quotes the text
 * and contains the word given. */
static void parse_bad(const char *text, const char *word)
{
    errinfo_t err = {{0}};
    sim_time_t t = -12345;
    CU_ASSERT_EQUAL(simtime_parse(text, &t, &err), -1);
    CU_ASSERT_EQUAL(t, -12345);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, word));
    if (text != NULL && text[0] != '\0') {
        char quoted[128];
        snprintf(quoted, sizeof quoted, "\"%s\"", text);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, quoted));
    }
}

static void test_units(void)
{
    CU_ASSERT_EQUAL(parse_ok("20ns"), 20);
    CU_ASSERT_EQUAL(parse_ok("10us"), 10000);
    CU_ASSERT_EQUAL(parse_ok("150ms"), 150000000);
    CU_ASSERT_EQUAL(parse_ok("3s"), 3000000000LL);
    CU_ASSERT_EQUAL(parse_ok("1m"), 60000000000LL);
    CU_ASSERT_EQUAL(parse_ok("1h"), 3600000000000LL);
    CU_ASSERT_EQUAL(parse_ok("2d"), 172800000000000LL);
    CU_ASSERT_EQUAL(parse_ok("0"), 0);
    CU_ASSERT_EQUAL(parse_ok("0s"), 0);
    CU_ASSERT_EQUAL(parse_ok("0ms"), 0);
    CU_ASSERT_EQUAL(parse_ok("007ms"), 7000000);
}

static void test_decimals_exact(void)
{
    CU_ASSERT_EQUAL(parse_ok("2.5s"), 2500000000LL);
    CU_ASSERT_EQUAL(parse_ok("1.3s"), 1300000000LL);
    CU_ASSERT_EQUAL(parse_ok("0.1s"), 100000000LL);
    CU_ASSERT_EQUAL(parse_ok("1.000000001s"), 1000000001LL);
    CU_ASSERT_EQUAL(parse_ok("1.5ms"), 1500000);
    CU_ASSERT_EQUAL(parse_ok("0.001us"), 1);
    CU_ASSERT_EQUAL(parse_ok("1.5m"), 90000000000LL);
    CU_ASSERT_EQUAL(parse_ok("0.25h"), 900000000000LL);
    /* Trailing zeros carry no precision: allowed beyond the unit's resolution. */
    CU_ASSERT_EQUAL(parse_ok("2.50000000000000000000s"), 2500000000LL);
    CU_ASSERT_EQUAL(parse_ok("5.000ns"), 5);
    /* More decimals than 9 are fine for minutes when the value is still whole nanoseconds:
     * 0.00000000005 min = 3 ns. */
    CU_ASSERT_EQUAL(parse_ok("0.00000000005m"), 3);
    /* 1/2^16 day = 1318359375 ns exactly: 16 decimals, the longest fraction that can be exact. */
    CU_ASSERT_EQUAL(parse_ok("0.0000152587890625d"), 1318359375LL);
}

static void test_limits(void)
{
    CU_ASSERT_EQUAL(parse_ok("9223372036854775807ns"), SIMTIME_MAX);
    CU_ASSERT_EQUAL(parse_ok("9223372036.854775807s"), SIMTIME_MAX);
    parse_bad("9223372036854775808ns", "too large");
    parse_bad("9223372036.854775808s", "too large");
    parse_bad("99999999999999999999999999s", "too large");
    parse_bad("106752d", "too large");
}

static void test_rejects_bad_text(void)
{
    parse_bad("-1s", "negative");
    parse_bad("5", "no unit");
    parse_bad("2.5", "no unit");
    parse_bad("1.5ns", "whole number of nanoseconds");
    parse_bad("0.0000000001s", "whole number of nanoseconds");
    parse_bad("1.0001us", "whole number of nanoseconds");
    parse_bad("0.0000000000000000001m", "whole number of nanoseconds");
    parse_bad("1.s", "no digit after the decimal point");
    parse_bad(".5s", "does not start with a digit");
    parse_bad("+1s", "does not start with a digit");
    parse_bad(" 1s", "does not start with a digit");
    parse_bad("1 s", "unknown unit");
    parse_bad("1s ", "unknown unit");
    parse_bad("1sec", "unknown unit");
    parse_bad("1S", "unknown unit");
    parse_bad("1e9ns", "unknown unit");
    parse_bad("1.2.3s", "unknown unit");
    parse_bad("abc", "does not start with a digit");
    parse_bad("", "empty");
    parse_bad(NULL, "empty");
}

static const char *fmt(sim_time_t t, char buf[SIMTIME_BUF])
{
    return simtime_format(t, buf);
}

static void test_format(void)
{
    char b[SIMTIME_BUF];
    CU_ASSERT_STRING_EQUAL(fmt(0, b), "0s");
    CU_ASSERT_STRING_EQUAL(fmt(2500000000LL, b), "2.5s");
    CU_ASSERT_STRING_EQUAL(fmt(1300000000LL, b), "1.3s");
    CU_ASSERT_STRING_EQUAL(fmt(150000000LL, b), "150ms");
    CU_ASSERT_STRING_EQUAL(fmt(1000000001LL, b), "1.000000001s");
    CU_ASSERT_STRING_EQUAL(fmt(3600 * SIMTIME_S, b), "3600s");
    CU_ASSERT_STRING_EQUAL(fmt(1500000, b), "1.5ms");
    CU_ASSERT_STRING_EQUAL(fmt(10000, b), "10us");
    CU_ASSERT_STRING_EQUAL(fmt(1001, b), "1.001us");
    CU_ASSERT_STRING_EQUAL(fmt(20, b), "20ns");
    CU_ASSERT_STRING_EQUAL(fmt(SIMTIME_MAX, b), "9223372036.854775807s");
    CU_ASSERT_STRING_EQUAL(fmt(-1500000, b), "-1.5ms");
    CU_ASSERT_STRING_EQUAL(fmt(INT64_MIN, b), "-9223372036.854775808s");
    CU_ASSERT(strlen(fmt(INT64_MIN, b)) < SIMTIME_BUF);
}

static void test_format_round_trip(void)
{
    /* Every non-negative value prints as text that parses back to itself. */
    const sim_time_t fixed[] = {0, 1, 999, 1000, 1001, 999999, 1000000, 123456789, 999999999,
                                1000000000, 1000000001, 59999999999LL, SIMTIME_MAX,
                                SIMTIME_MAX - 1};
    char b[SIMTIME_BUF];
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        CU_ASSERT_EQUAL(parse_ok(fmt(fixed[i], b)), fixed[i]);
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 2000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sim_time_t t = (sim_time_t)(x >> (1 + i % 63));
        sim_time_t back = -1;
        CU_ASSERT_EQUAL(simtime_parse(fmt(t, b), &back, NULL), 0);
        CU_ASSERT_EQUAL(back, t);
    }
}

/* Sums of times saturate instead of overflowing (UBSan would stop the run otherwise). */
static void test_add_saturating(void)
{
    CU_ASSERT_EQUAL(simtime_add_sat(2, 3), 5);
    CU_ASSERT_EQUAL(simtime_add_sat(SIMTIME_MAX - 1, 1), SIMTIME_MAX);
    CU_ASSERT_EQUAL(simtime_add_sat(SIMTIME_MAX - 1, 2), SIMTIME_MAX);
    CU_ASSERT_EQUAL(simtime_add_sat(SIMTIME_MAX, SIMTIME_MAX), SIMTIME_MAX);
    CU_ASSERT_EQUAL(simtime_add_sat(SIMTIME_MAX / 2 + 1, SIMTIME_MAX / 2 + 1), SIMTIME_MAX);
    CU_ASSERT_EQUAL(simtime_add_sat(SIMTIME_MAX, -1), SIMTIME_MAX - 1);
    CU_ASSERT_EQUAL(simtime_add_sat(INT64_MIN + 1, -2), INT64_MIN);
    CU_ASSERT_EQUAL(simtime_add_sat(-5, 0), -5);
}

void suite_simtime(void);
void suite_simtime(void)
{
    static CU_TestInfo tests[] = {
        {"T1 T2 sums of times saturate at the end of time", test_add_saturating},
        {"T1 units ns us ms s m h d, and a bare 0", test_units},
        {"T1 decimals are exact integer nanoseconds", test_decimals_exact},
        {"T1 the largest time parses, one more overflows", test_limits},
        {"T1 bad durations are rejected with the text quoted", test_rejects_bad_text},
        {"T1 short exact printing", test_format},
        {"T1 printing reads back to the same value", test_format_round_trip},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("simtime", tests);
}
