/* Tests of model/pfx: parsing and printing both families (C7 canonical text, RFC 5952), host
 * bits (N5), containment and C7 order, and a seeded cross-check of the hand-written parser and
 * formatter against the C library's inet_pton/inet_ntop. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "pfx.h"
#include "testutil.h"

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Parses text as an address and returns its canonical text ("" when it does not parse). */
static const char *addr_roundtrip(const char *text)
{
    static char buf[PFX_ADDR_TEXT_MAX];
    pfx_addr_t a;
    if (!pfx_addr_parse(text, strlen(text), &a))
        return "";
    pfx_addr_format(&a, buf);
    return buf;
}

static pfx_t must_parse(const char *text)
{
    pfx_t p;
    errinfo_t e;
    memset(&p, 0, sizeof p);
    if (!pfx_parse(text, strlen(text), true, &p, &e))
        CU_FAIL_FATAL(e.msg);
    return p;
}

static void test_v4_parse_format(void)
{
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("1.2.3.4"), "1.2.3.4");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("0.0.0.0"), "0.0.0.0");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("255.255.255.255"), "255.255.255.255");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("10.0.100.9"), "10.0.100.9");
    pfx_addr_t a;
    CU_ASSERT_TRUE(pfx_addr_parse("192.168.1.2", 11, &a));
    CU_ASSERT_EQUAL(a.family, PFX_V4);
    CU_ASSERT_EQUAL(a.bits.hi, (uint64_t)0xc0a80102u << 32);
    CU_ASSERT_EQUAL(a.bits.lo, 0);
    uint8_t bytes[16];
    CU_ASSERT_EQUAL(pfx_addr_bytes(&a, bytes), 4);
    CU_ASSERT_EQUAL(bytes[0], 192);
    CU_ASSERT_EQUAL(bytes[3], 2);
    /* Exactly n bytes are read: the rest of the buffer plays no part. */
    CU_ASSERT_TRUE(pfx_addr_parse("1.2.3.45", 7, &a));
    CU_ASSERT_EQUAL(a.bits.hi, (uint64_t)0x01020304u << 32);
}

static void test_v4_bad(void)
{
    static const char *bad[] = {"1.2.3",    "1.2.3.256", "01.2.3.4", "1.2.3.04", "1.2.3.4.",
                                ".1.2.3.4", "1..2.3",    "1.2.3.4.5", "",        " 1.2.3.4",
                                "1.2.3.4 ", "1.2.3.a",   "1.2.3.-1", "1.2.3.1000", "256.0.0.0",
                                "0x1.2.3.4", "1.2.3.4\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pfx_addr_t a;
        if (pfx_addr_parse(bad[i], strlen(bad[i]), &a))
            CU_FAIL(bad[i]);
    }
}

static void test_v6_rfc5952(void)
{
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("2001:db8::1"), "2001:db8::1");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("2001:0db8:0000:0000:0000:0000:0000:0001"),
                           "2001:db8::1");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("2001:db8::"), "2001:db8::");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("::"), "::");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("::1"), "::1");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("1::"), "1::");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("0:0:0:0:0:0:0:0"), "::");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("1:0:0:0:0:0:0:0"), "1::");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("0:1:0:0:0:0:0:0"), "0:1::");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("1:2:3:4:5:6:7:0"), "1:2:3:4:5:6:7:0");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("1:2:3:4:5:6:0:0"), "1:2:3:4:5:6::");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("1::2:3:4:5:6:7"), "1:0:2:3:4:5:6:7");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("::ffff:0102:0304"), "::ffff:1.2.3.4");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("::1.2.3.4"), "::102:304");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("1:2:3:4:5:6:1.2.3.4"), "1:2:3:4:5:6:102:304");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("2001:DB8::ABCD"), "2001:db8::abcd");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF"),
                           "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    /* Ties: the first longest run is compressed. */
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("1:0:0:2:0:0:3:4"), "1::2:0:0:3:4");
    CU_ASSERT_STRING_EQUAL(addr_roundtrip("1:0:0:2:0:0:0:4"), "1:0:0:2::4");
    pfx_addr_t a;
    CU_ASSERT_TRUE(pfx_addr_parse("2001:db8::1", 11, &a));
    CU_ASSERT_EQUAL(a.family, PFX_V6);
    CU_ASSERT_EQUAL(a.bits.hi, 0x20010db800000000u);
    CU_ASSERT_EQUAL(a.bits.lo, 1);
    uint8_t bytes[16];
    CU_ASSERT_EQUAL(pfx_addr_bytes(&a, bytes), 16);
    CU_ASSERT_EQUAL(bytes[0], 0x20);
    CU_ASSERT_EQUAL(bytes[3], 0xb8);
    CU_ASSERT_EQUAL(bytes[15], 1);
    pfx_addr_t b = pfx_addr_v6(bytes);
    CU_ASSERT_TRUE(pfx_addr_equal(&a, &b));
    char longest[PFX_ADDR_TEXT_MAX];
    CU_ASSERT_TRUE(pfx_addr_parse("1111:2222:3333:4444:5555:ffff:255.255.255.255", 45, &a));
    CU_ASSERT_EQUAL(pfx_addr_format(&a, longest), 39);
}

static void test_v6_bad(void)
{
    static const char *bad[] = {":::",      "1::2::3",  ":1::2",   "1::2:",    "1:2:3:4:5:6:7",
                                "1:2:3:4:5:6:7:8:9",    "12345::",  "1:2:3:4:5:6:7:8::",
                                "::1:2:3:4:5:6:7:8",    "1::2:3:4:5:6:7:8",   "g::1",
                                "::1.2.3",  "::1.2.3.04", "1:2:3:4:5:6:7:1.2.3.4",
                                "::1.2.3.4:5", "fe80::1%eth0", ":",     "1:",      "::ffff:1.2.3.4.",
                                "[::1]",    " ::1",     "::1 ",    "2001:db8::/32"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pfx_addr_t a;
        if (pfx_addr_parse(bad[i], strlen(bad[i]), &a))
            CU_FAIL(bad[i]);
    }
}

static void test_prefix_parse_format(void)
{
    char buf[PFX_TEXT_MAX];
    pfx_t p = must_parse("10.0.0.0/8");
    CU_ASSERT_EQUAL(p.family, PFX_V4);
    CU_ASSERT_EQUAL(p.len, 8);
    pfx_format(&p, buf);
    CU_ASSERT_STRING_EQUAL(buf, "10.0.0.0/8");
    p = must_parse("0.0.0.0/0");
    CU_ASSERT_EQUAL(p.len, 0);
    pfx_format(&p, buf);
    CU_ASSERT_STRING_EQUAL(buf, "0.0.0.0/0");
    p = must_parse("1.2.3.4");
    CU_ASSERT_TRUE(pfx_is_host(&p));
    pfx_format(&p, buf);
    CU_ASSERT_STRING_EQUAL(buf, "1.2.3.4/32");
    p = must_parse("2001:DB8:0:0::/64");
    pfx_format(&p, buf);
    CU_ASSERT_STRING_EQUAL(buf, "2001:db8::/64");
    p = must_parse("::/0");
    pfx_format(&p, buf);
    CU_ASSERT_STRING_EQUAL(buf, "::/0");
    p = must_parse("2001:db8::1");
    CU_ASSERT_EQUAL(p.len, 128);
    CU_ASSERT_EQUAL(pfx_format(&p, buf), strlen("2001:db8::1/128"));
    CU_ASSERT_STRING_EQUAL(buf, "2001:db8::1/128");
    p = must_parse("1111:2222:3333:4444:5555:6666:7777:8888/128");
    CU_ASSERT_EQUAL(pfx_format(&p, buf), 43);
}

/* Every bad prefix fails with a message that quotes the text given. */
static void test_prefix_bad(void)
{
    static const struct {
        const char *text;
        const char *want; /* a part of the message */
    } bad[] = {
        {"1.2.3", "\"1.2.3\" is not a valid"},
        {"1.2.3.256", "\"1.2.3.256\""},
        {"01.2.3.4", "\"01.2.3.4\""},
        {"1.2.3.4/33", "\"1.2.3.4/33\" has a prefix length beyond 32"},
        {"1.2.3.4/08", "\"1.2.3.4/08\" has a prefix length with a leading zero"},
        {"1.2.3.4/", "\"1.2.3.4/\" has an empty prefix length"},
        {"1.2.3.4/-1", "malformed prefix length"},
        {"1.2.3.4/3x", "malformed prefix length"},
        {"1.2.3.4/1/2", "malformed prefix length"},
        {"1.2.3.4/0032", "\"1.2.3.4/0032\""},
        {"::/129", "\"::/129\" has a prefix length beyond 128"},
        {":::", "\":::\""},
        {"1::2::3", "\"1::2::3\""},
        {"", "empty prefix"},
        {" 10.0.0.0/8", "\" 10.0.0.0/8\""},
        {"10.0.0.0/8 ", "\"10.0.0.0/8 \""},
        {"10.0.0.0 /8", "\"10.0.0.0 /8\""},
        {"1.2.3.4\t", "\"1.2.3.4\\x09\""},
        {"/8", "\"/8\""},
        {"example.com", "\"example.com\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pfx_t p;
        errinfo_t e;
        e.msg[0] = '\0';
        bool ok = pfx_parse(bad[i].text, strlen(bad[i].text), true, &p, &e);
        CU_ASSERT_FALSE(ok);
        if (strstr(e.msg, bad[i].want) == NULL) {
            char m[ERRINFO_MSG_MAX + 64];
            snprintf(m, sizeof m, "%s -> %s", bad[i].text, e.msg);
            CU_FAIL(m);
        }
    }
    /* NULL discards the message. */
    pfx_t p;
    CU_ASSERT_FALSE(pfx_parse("1.2.3", 5, true, &p, NULL));
    CU_ASSERT_FALSE(pfx_parse("10.0.0.1/8", 10, true, &p, NULL));
}

static void test_long_garbage_is_cut(void)
{
    char text[1000];
    memset(text, 'x', sizeof text);
    pfx_t p;
    errinfo_t e;
    CU_ASSERT_FALSE(pfx_parse(text, sizeof text, true, &p, &e));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "xxx...\""));
    CU_ASSERT_TRUE(strlen(e.msg) < 200);
}

static void test_bare_needs_allow(void)
{
    pfx_t p;
    errinfo_t e;
    CU_ASSERT_FALSE(pfx_parse("1.2.3.4", 7, false, &p, &e));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "\"1.2.3.4\" is not a prefix"));
    CU_ASSERT_TRUE(pfx_parse("1.2.3.4/32", 10, false, &p, &e));
    CU_ASSERT_TRUE(pfx_parse("1.2.3.4", 7, true, &p, &e));
}

static void test_host_bits(void)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"10.0.0.1/8", "10.0.0.1/8 has host bits set; the prefix is 10.0.0.0/8"},
        {"10.1.2.3/8", "10.1.2.3/8 has host bits set; the prefix is 10.0.0.0/8"},
        {"1.2.3.4/0", "1.2.3.4/0 has host bits set; the prefix is 0.0.0.0/0"},
        {"10.0.0.1/31", "10.0.0.1/31 has host bits set; the prefix is 10.0.0.0/31"},
        {"2001:DB8::1/32", "2001:DB8::1/32 has host bits set; the prefix is 2001:db8::/32"},
        {"2001:db8::8000:0:0:0/64",
         "2001:db8::8000:0:0:0/64 has host bits set; the prefix is 2001:db8::/64"},
        {"::1/127", "::1/127 has host bits set; the prefix is ::/127"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pfx_t p;
        errinfo_t e;
        CU_ASSERT_FALSE(pfx_parse(cases[i].text, strlen(cases[i].text), true, &p, &e));
        CU_ASSERT_STRING_EQUAL(e.msg, cases[i].msg);
    }
    pfx_t p;
    errinfo_t e;
    CU_ASSERT_TRUE(pfx_parse("10.0.0.1/32", 11, false, &p, &e));
    CU_ASSERT_TRUE(pfx_parse("2001:db8::8000:0:0:0/65", 23, false, &p, &e));
}

static void test_make_host_first(void)
{
    pfx_addr_t a;
    CU_ASSERT_TRUE(pfx_addr_parse("10.1.2.3", 8, &a));
    pfx_t p = pfx_make(&a, 16);
    char buf[PFX_TEXT_MAX];
    pfx_format(&p, buf);
    CU_ASSERT_STRING_EQUAL(buf, "10.1.0.0/16");
    p = pfx_make(&a, 99); /* clamped to the width */
    CU_ASSERT_EQUAL(p.len, 32);
    CU_ASSERT_TRUE(pfx_is_host(&p));
    pfx_t h = pfx_host(&a);
    CU_ASSERT_TRUE(pfx_equal(&p, &h));
    pfx_addr_t f = pfx_first(&p);
    CU_ASSERT_TRUE(pfx_addr_equal(&f, &a));
    CU_ASSERT_EQUAL(pfx_family_width(PFX_V4), 32);
    CU_ASSERT_EQUAL(pfx_family_width(PFX_V6), 128);
    CU_ASSERT_TRUE(pfx_addr_parse("2001:db8:ffff:ffff:ffff::", 25, &a));
    p = pfx_make(&a, 72);
    pfx_format(&p, buf);
    CU_ASSERT_STRING_EQUAL(buf, "2001:db8:ffff:ffff:ff00::/72");
    p = pfx_make(&a, 0);
    pfx_format(&p, buf);
    CU_ASSERT_STRING_EQUAL(buf, "::/0");
    CU_ASSERT_FALSE(pfx_is_host(&p));
    CU_ASSERT_EQUAL(pfx_bit(&a.bits, 0), 0);
    CU_ASSERT_EQUAL(pfx_bit(&a.bits, 2), 1);
    CU_ASSERT_EQUAL(pfx_bit(&a.bits, 64), 1);
    CU_ASSERT_EQUAL(pfx_bit(&a.bits, 79), 1);
    CU_ASSERT_EQUAL(pfx_bit(&a.bits, 80), 0);
}

static void test_contains_covers_overlaps(void)
{
    pfx_t p8 = must_parse("10.0.0.0/8"), p16 = must_parse("10.1.0.0/16");
    pfx_t other = must_parse("11.0.0.0/8"), all4 = must_parse("0.0.0.0/0");
    pfx_t all6 = must_parse("::/0"), v6 = must_parse("2001:db8::/32");
    pfx_t v6b = must_parse("2001:db8:8000::/33");
    pfx_addr_t a, mapped;
    CU_ASSERT_TRUE(pfx_addr_parse("10.1.2.3", 8, &a));
    CU_ASSERT_TRUE(pfx_addr_parse("::ffff:10.1.2.3", 15, &mapped));
    CU_ASSERT_TRUE(pfx_contains(&p8, &a));
    CU_ASSERT_TRUE(pfx_contains(&p16, &a));
    CU_ASSERT_TRUE(pfx_contains(&all4, &a));
    CU_ASSERT_FALSE(pfx_contains(&other, &a));
    CU_ASSERT_FALSE(pfx_contains(&all6, &a)); /* families never mix */
    CU_ASSERT_FALSE(pfx_contains(&p8, &mapped));
    CU_ASSERT_TRUE(pfx_contains(&all6, &mapped));
    CU_ASSERT_TRUE(pfx_covers(&p8, &p16));
    CU_ASSERT_TRUE(pfx_covers(&p8, &p8));
    CU_ASSERT_FALSE(pfx_covers(&p16, &p8));
    CU_ASSERT_FALSE(pfx_covers(&other, &p16));
    CU_ASSERT_FALSE(pfx_covers(&all6, &p8));
    CU_ASSERT_TRUE(pfx_covers(&v6, &v6b));
    CU_ASSERT_FALSE(pfx_covers(&v6b, &v6));
    CU_ASSERT_TRUE(pfx_overlaps(&p8, &p16));
    CU_ASSERT_TRUE(pfx_overlaps(&p16, &p8));
    CU_ASSERT_FALSE(pfx_overlaps(&p8, &other));
    CU_ASSERT_FALSE(pfx_overlaps(&all4, &all6));
    CU_ASSERT_TRUE(pfx_overlaps(&v6b, &all6));
    pfx_t h = pfx_host(&a);
    CU_ASSERT_TRUE(pfx_covers(&p16, &h));
}

static void test_c7_order(void)
{
    /* Already in C7 order: IPv4 first, then address, then length. */
    static const char *sorted[] = {"0.0.0.0/0",   "10.0.0.0/8",  "10.0.0.0/16", "10.0.0.0/32",
                                   "10.0.0.1/32", "10.1.0.0/16", "11.0.0.0/8",  "255.255.255.255/32",
                                   "::/0",        "::/1",        "::1/128",     "::ffff:0.0.0.0/96",
                                   "2001:db8::/32", "2001:db8::/64", "2001:db8::1/128",
                                   "2001:db8:0:1::/64", "8000::/1", "ffff::/16"};
    size_t n = sizeof sorted / sizeof sorted[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            pfx_t a = must_parse(sorted[i]), b = must_parse(sorted[j]);
            int c = pfx_compare(&a, &b);
            int want = i < j ? -1 : i > j ? 1 : 0;
            if ((c < 0 ? -1 : c > 0 ? 1 : 0) != want) {
                char m[128];
                snprintf(m, sizeof m, "%s vs %s gave %d", sorted[i], sorted[j], c);
                CU_FAIL(m);
            }
            CU_ASSERT_EQUAL(pfx_equal(&a, &b), i == j);
        }
    pfx_addr_t a4 = pfx_addr_v4(0xffffffffu), a6;
    CU_ASSERT_TRUE(pfx_addr_parse("::", 2, &a6));
    CU_ASSERT_TRUE(pfx_addr_compare(&a4, &a6) < 0);
    CU_ASSERT_TRUE(pfx_addr_compare(&a6, &a4) > 0);
    CU_ASSERT_EQUAL(pfx_addr_compare(&a6, &a6), 0);
    CU_ASSERT_FALSE(pfx_addr_equal(&a4, &a6));
}

/* Random addresses rich in zero groups: our text must equal inet_ntop's (glibc follows RFC 5952
 * too, except that it prints ::/96 addresses with a dotted tail) and parse back to itself. */
static void test_format_matches_libc(void)
{
    uint64_t seed = 5952;
    for (int i = 0; i < 20000; i++) {
        uint8_t bytes[16];
        uint64_t r = splitmix64(&seed);
        for (int g = 0; g < 8; g++) {
            unsigned v = (r >> (8 * g)) & 3u ? 0u : (unsigned)(splitmix64(&seed) & 0xffffu);
            if (((r >> (8 * g + 2)) & 7u) == 0)
                v &= 0xfu;
            bytes[2 * g] = (uint8_t)(v >> 8);
            bytes[2 * g + 1] = (uint8_t)v;
        }
        if ((r >> 62) == 0) { /* IPv4-mapped now and then */
            memset(bytes, 0, 10);
            bytes[10] = bytes[11] = 0xff;
        }
        pfx_addr_t a = pfx_addr_v6(bytes);
        char ours[PFX_ADDR_TEXT_MAX], libc[INET6_ADDRSTRLEN];
        size_t n = pfx_addr_format(&a, ours);
        CU_ASSERT_EQUAL(n, strlen(ours));
        bool compat = a.bits.hi == 0 && (a.bits.lo >> 32) == 0;
        if (!compat) {
            inet_ntop(AF_INET6, bytes, libc, sizeof libc);
            if (strcmp(ours, libc) != 0) {
                CU_FAIL(ours);
                return;
            }
        }
        pfx_addr_t back;
        CU_ASSERT_TRUE_FATAL(pfx_addr_parse(ours, n, &back));
        CU_ASSERT_TRUE(pfx_addr_equal(&a, &back));
    }
}

/* Random strings from the address alphabet: we accept exactly what inet_pton accepts, with the
 * same value. */
static void test_parse_matches_libc(void)
{
    static const char *pieces[] = {"0",  "1",  "00", "01", "255", "256", "a",  "F",  "ffff",
                                   "12345", "1f0", ":",  ":",  ":",  "::", ".",  ".",  "9",
                                   "10", "0000", "abcd", "1.2.3.4", "1.2.3.04", ":::", "25"};
    size_t np = sizeof pieces / sizeof pieces[0];
    uint64_t seed = 4291;
    int accepted4 = 0, accepted6 = 0;
    for (int i = 0; i < 60000; i++) {
        char text[64];
        size_t n = 0;
        int k = 1 + (int)(splitmix64(&seed) % 14);
        for (int j = 0; j < k; j++) {
            const char *p = pieces[splitmix64(&seed) % np];
            size_t m = strlen(p);
            if (n + m >= sizeof text)
                break;
            memcpy(text + n, p, m);
            n += m;
        }
        text[n] = '\0';
        uint8_t want[16];
        pfx_addr_t got;
        bool ours = pfx_addr_parse(text, n, &got);
        bool is6 = strchr(text, ':') != NULL;
        bool libc = inet_pton(is6 ? AF_INET6 : AF_INET, text, want) == 1;
        if (ours != libc) {
            char m[128];
            snprintf(m, sizeof m, "'%s': ours %d libc %d", text, ours, libc);
            CU_FAIL(m);
            return;
        }
        if (ours) {
            uint8_t bytes[16];
            size_t nb = pfx_addr_bytes(&got, bytes);
            CU_ASSERT_EQUAL(nb, is6 ? 16u : 4u);
            CU_ASSERT_EQUAL(memcmp(bytes, want, nb), 0);
            if (is6)
                accepted6++;
            else
                accepted4++;
        }
    }
    /* The generator must reach both outcomes for the comparison to mean anything. */
    CU_ASSERT_TRUE(accepted4 > 100);
    CU_ASSERT_TRUE(accepted6 > 100);
}

static void test_c7_sort(void)
{
    const char *in[] = {"2001:db8::/32", "10.0.0.0/16", "10.0.0.0/8", "::/0", "9.0.0.0/8",
                        "10.0.0.0/16"};
    const char *want[] = {"9.0.0.0/8", "10.0.0.0/8", "10.0.0.0/16", "10.0.0.0/16", "::/0",
                          "2001:db8::/32"};
    pfx_t p[6];
    for (size_t i = 0; i < 6; i++)
        CU_ASSERT_TRUE_FATAL(pfx_parse(in[i], strlen(in[i]), false, &p[i], NULL));
    pfx_sort(p, 6);
    for (size_t i = 0; i < 6; i++) {
        char buf[PFX_TEXT_MAX];
        pfx_format(&p[i], buf);
        CU_ASSERT_STRING_EQUAL(buf, want[i]);
    }
    pfx_sort(p, 0); /* nothing to do, no crash */
}

void suite_pfx(void);
void suite_pfx(void)
{
    static CU_TestInfo tests[] = {
        {"C7 pfx_sort: IPv4 first, then address, then length; duplicates kept", test_c7_sort},
        {"C7 IPv4 dotted decimal parses and prints", test_v4_parse_format},
        {"IPv4 rejects short, out-of-range, leading-zero and padded text", test_v4_bad},
        {"C7 IPv6 prints per RFC 5952", test_v6_rfc5952},
        {"IPv6 rejects malformed text", test_v6_bad},
        {"C7 prefixes parse and print canonically", test_prefix_parse_format},
        {"bad prefixes fail with a message quoting the text", test_prefix_bad},
        {"long garbage is cut short in the message", test_long_garbage_is_cut},
        {"a bare address is a prefix only when allowed", test_bare_needs_allow},
        {"N5 host bits set is an error naming the prefix and the fix", test_host_bits},
        {"make, host and first", test_make_host_first},
        {"contains, covers and overlaps stay within a family", test_contains_covers_overlaps},
        {"C7 order: IPv4 first, then address, then length", test_c7_order},
        {"C7 IPv6 text matches inet_ntop on 20000 random addresses", test_format_matches_libc},
        {"parser agrees with inet_pton on 60000 random strings", test_parse_matches_libc},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("pfx", tests);
}
