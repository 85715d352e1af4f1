/* Tests of model/dname: configured domains (N1, N4), names read from wire (N2), exact and
 * wildcard matching (N3, N4) and duplicate collapsing (N5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "testutil.h"

/* Parses text (a C string); on failure returns false and leaves the message in err. */
static bool parse(const char *text, dn_domain_t *d, errinfo_t *err)
{
    err->msg[0] = '\0';
    return dn_domain_parse(text, strlen(text), d, err);
}

/* Asserts that text is rejected and that the message quotes it and contains `why`. */
#define ASSERT_REJECTED(text, why)                                                               \
    do {                                                                                         \
        dn_domain_t d_;                                                                          \
        errinfo_t e_;                                                                            \
        CU_ASSERT_FALSE(parse((text), &d_, &e_));                                                \
        CU_ASSERT_PTR_NOT_NULL(strstr(e_.msg, (why)));                                           \
    } while (0)

/* A string of n copies of c. */
static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* A name of exactly total octets made of labels of at most 63 octets ("aaa...a.aaa...a"). */
static char *name_of_length(size_t total, const char *prefix)
{
    size_t plen = strlen(prefix);
    char *s = malloc(total + 1);
    memcpy(s, prefix, plen);
    size_t label = 0;
    for (size_t i = plen; i < total; i++) {
        if (label == 63 && i + 1 < total) {
            s[i] = '.';
            label = 0;
        } else {
            s[i] = 'a';
            label++;
        }
    }
    /* A dot must never end the name or follow another one. */
    s[total] = '\0';
    return s;
}

static void test_n1_canonical_form(void)
{
    dn_domain_t d;
    errinfo_t e;
    CU_ASSERT_TRUE_FATAL(parse("Example.COM.", &d, &e));
    CU_ASSERT_STRING_EQUAL(d.name, "example.com");
    CU_ASSERT_EQUAL(d.len, 11);
    CU_ASSERT_FALSE(d.wildcard);
    CU_ASSERT_EQUAL(d.base_off, 0);
    CU_ASSERT_TRUE(parse("123.example.com", &d, &e));
    CU_ASSERT_TRUE(parse("_srv.x", &d, &e));
    CU_ASSERT_STRING_EQUAL(d.name, "_srv.x");
    CU_ASSERT_TRUE(parse("xn--bcher-kva.example", &d, &e));
    CU_ASSERT_TRUE(parse("a-b.c1", &d, &e));
    CU_ASSERT_TRUE(parse("com", &d, &e));
}

static void test_n1_only_one_trailing_dot(void)
{
    ASSERT_REJECTED("example.com..", "label 3 of domain 'example.com..' is empty");
    ASSERT_REJECTED("a..b", "label 2 of domain 'a..b' is empty");
    ASSERT_REJECTED(".a", "label 1 of domain '.a' is empty");
    ASSERT_REJECTED("", "domain '' is empty");
    ASSERT_REJECTED(".", "domain '.' is empty");
}

static void test_n1_label_length(void)
{
    dn_domain_t d;
    errinfo_t e;
    char *l63 = repeat('a', 63), *l64 = repeat('b', 64);
    char buf[200];
    snprintf(buf, sizeof buf, "%s.com", l63);
    CU_ASSERT_TRUE(parse(buf, &d, &e));
    snprintf(buf, sizeof buf, "x.%s.com", l64);
    CU_ASSERT_FALSE(parse(buf, &d, &e));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "label 2 of domain 'x.bbbb"));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "is 64 octets, more than 63"));
    free(l63);
    free(l64);
}

static void test_n1_name_length(void)
{
    dn_domain_t d;
    errinfo_t e;
    char *n253 = name_of_length(253, ""), *n254 = name_of_length(254, "");
    CU_ASSERT_EQUAL(strlen(n253), 253);
    CU_ASSERT_TRUE(parse(n253, &d, &e));
    CU_ASSERT_EQUAL(d.len, 253);
    CU_ASSERT_FALSE(parse(n254, &d, &e));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "is 254 octets, more than 253"));
    /* A trailing dot is not counted. */
    char *dotted = malloc(256);
    snprintf(dotted, 256, "%s.", n253);
    CU_ASSERT_TRUE(parse(dotted, &d, &e));
    free(n253);
    free(n254);
    free(dotted);
}

static void test_n4_wildcard_length_counts_star(void)
{
    dn_domain_t d;
    errinfo_t e;
    char *w253 = name_of_length(253, "*."), *w254 = name_of_length(254, "*.");
    CU_ASSERT_TRUE(parse(w253, &d, &e));
    CU_ASSERT_TRUE(d.wildcard);
    CU_ASSERT_EQUAL(d.len, 253);
    CU_ASSERT_FALSE(parse(w254, &d, &e));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "is 254 octets, more than 253"));
    free(w253);
    free(w254);
}

static void test_n1_bad_bytes(void)
{
    ASSERT_REJECTED("a b.com", "domain 'a b.com' has the byte 0x20");
    ASSERT_REJECTED("a!b.com", "has the byte '!' (0x21)");
    ASSERT_REJECTED("a/b.com", "only letters, digits, '-' and '_' are allowed");
    ASSERT_REJECTED("b\xc3\xbc" "cher.example", "non-ASCII byte 0xc3");
    ASSERT_REJECTED("b\xc3\xbc" "cher.example", "xn--");
    ASSERT_REJECTED("b\xc3\xbc" "cher.example", "'b\\xc3\\xbccher.example'");
    dn_domain_t d;
    errinfo_t e;
    CU_ASSERT_FALSE(dn_domain_parse("a\0b.com", 7, &d, &e));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "byte 0x00"));
}

static void test_n1_all_digit_last_label(void)
{
    ASSERT_REJECTED("1.2.3.4", "last label of domain '1.2.3.4' is all digits");
    ASSERT_REJECTED("example.123", "all digits");
    ASSERT_REJECTED("*.10", "all digits");
    dn_domain_t d;
    errinfo_t e;
    CU_ASSERT_TRUE(parse("example.1a", &d, &e));
    CU_ASSERT_TRUE(parse("1.2.3.4x", &d, &e));
}

static void test_n4_star_placement(void)
{
    dn_domain_t d;
    errinfo_t e;
    CU_ASSERT_TRUE_FATAL(parse("*.Example.com.", &d, &e));
    CU_ASSERT_STRING_EQUAL(d.name, "*.example.com");
    CU_ASSERT_TRUE(d.wildcard);
    CU_ASSERT_EQUAL(d.base_off, 2);
    CU_ASSERT_STRING_EQUAL(d.name + d.base_off, "example.com");
    ASSERT_REJECTED("a.*.b", "domain 'a.*.b': '*' is allowed only as the whole first label");
    ASSERT_REJECTED("*.*.b", "only as the whole first label");
    ASSERT_REJECTED("**.a", "domain '**.a': '*' is allowed only as the whole first label");
    ASSERT_REJECTED("*a.b", "only as the whole first label");
    ASSERT_REJECTED("a.b*", "only as the whole first label");
    ASSERT_REJECTED("*", "domain '*' is a bare '*'");
    ASSERT_REJECTED("*.", "is a bare '*'");
}

static void test_n1_messages_quote_input_as_given(void)
{
    ASSERT_REJECTED("EXAMPLE..COM", "label 2 of domain 'EXAMPLE..COM' is empty");
}

/* ---- names from the wire (N2) ---- */

static bool from_wire(const char *wire_literal, size_t n, char *out)
{
    size_t len = 0;
    bool ok = dn_name_from_wire((const uint8_t *)wire_literal, n, out, DN_WIRE_TEXT_MAX, &len);
    CU_ASSERT_EQUAL(len, strlen(out));
    return ok;
}

static void test_n2_wire_lower_cased(void)
{
    char out[DN_WIRE_TEXT_MAX];
    CU_ASSERT_TRUE(from_wire("\7Example\3COM\0", 13, out));
    CU_ASSERT_STRING_EQUAL(out, "example.com");
    CU_ASSERT_TRUE(from_wire("\4_srv\1x\0", 8, out));
    CU_ASSERT_STRING_EQUAL(out, "_srv.x");
}

static void test_n2_wire_root_is_invalid(void)
{
    char out[DN_WIRE_TEXT_MAX];
    CU_ASSERT_FALSE(from_wire("\0", 1, out));
    CU_ASSERT_STRING_EQUAL(out, "");
}

static void test_n2_wire_odd_bytes_escaped(void)
{
    char out[DN_WIRE_TEXT_MAX];
    /* A '.' inside a label is not a label separator: "a.b" as one label differs from a.b. */
    CU_ASSERT_FALSE(from_wire("\3a.b\3com\0", 9, out));
    CU_ASSERT_STRING_EQUAL(out, "a\\.b.com");
    CU_ASSERT_FALSE(from_wire("\3a\\b\0", 5, out));
    CU_ASSERT_STRING_EQUAL(out, "a\\\\b");
    CU_ASSERT_FALSE(from_wire("\3a b\0", 5, out));
    CU_ASSERT_STRING_EQUAL(out, "a\\032b");
    /* Only A-Z are folded: non-ASCII bytes stay as they are, escaped. */
    CU_ASSERT_FALSE(from_wire("\2\xc3\x9c\3com\0", 8, out));
    CU_ASSERT_STRING_EQUAL(out, "\\195\\156.com");
    CU_ASSERT_FALSE(from_wire("\1\0\0", 3, out));
    CU_ASSERT_STRING_EQUAL(out, "\\000");
}

static void test_n2_wire_star_label_is_invalid(void)
{
    char out[DN_WIRE_TEXT_MAX];
    CU_ASSERT_FALSE(from_wire("\1*\7example\3com\0", 15, out));
    CU_ASSERT_STRING_EQUAL(out, "*.example.com");
}

static void test_n2_wire_validity_limits(void)
{
    char out[DN_WIRE_TEXT_MAX];
    /* All-digit last label. */
    CU_ASSERT_FALSE(from_wire("\1" "1\1" "2\0", 5, out));
    CU_ASSERT_STRING_EQUAL(out, "1.2");
    CU_ASSERT_TRUE(from_wire("\3" "123\1x\0", 7, out));
    /* 127 labels of one octet: 253 octets of text is valid; 128 labels give 255, not. */
    uint8_t wire[300];
    size_t n = 0;
    for (int i = 0; i < 127; i++) {
        wire[n++] = 1;
        wire[n++] = 'a';
    }
    wire[n++] = 0;
    size_t len;
    CU_ASSERT_TRUE(dn_name_from_wire(wire, n, out, sizeof out, &len));
    CU_ASSERT_EQUAL(len, 253);
    n--;
    wire[n++] = 1;
    wire[n++] = 'a';
    wire[n++] = 0;
    CU_ASSERT_FALSE(dn_name_from_wire(wire, n, out, sizeof out, &len));
    CU_ASSERT_EQUAL(len, 255);
}

static void test_n2_wire_worst_case_fits(void)
{
    /* Four 63-octet labels of odd bytes: every byte becomes \DDD and the text still fits. */
    uint8_t wire[260];
    size_t n = 0;
    for (int l = 0; l < 4; l++) {
        wire[n++] = 63;
        for (int i = 0; i < 63; i++)
            wire[n++] = 0xff;
    }
    wire[n++] = 0;
    char out[DN_WIRE_TEXT_MAX];
    size_t len;
    CU_ASSERT_FALSE(dn_name_from_wire(wire, n, out, sizeof out, &len));
    CU_ASSERT_EQUAL(len, 4 * 63 * 4 + 3);
    /* A too small buffer truncates safely and never claims validity. */
    char small[8];
    CU_ASSERT_FALSE(dn_name_from_wire((const uint8_t *)"\7example\3com\0", 13, small, sizeof small,
                                      &len));
    CU_ASSERT(len < sizeof small);
    CU_ASSERT_EQUAL(small[len], '\0');
}

static void test_n2_wire_malformed_input_is_safe(void)
{
    char out[DN_WIRE_TEXT_MAX];
    size_t len;
    /* A label running past the data, and a missing root label. */
    CU_ASSERT_FALSE(dn_name_from_wire((const uint8_t *)"\7exa", 4, out, sizeof out, &len));
    CU_ASSERT_TRUE(dn_name_from_wire((const uint8_t *)"\3abc", 4, out, sizeof out, &len));
    CU_ASSERT_STRING_EQUAL(out, "abc");
    CU_ASSERT_FALSE(dn_name_from_wire((const uint8_t *)"\100abc", 4, out, sizeof out, &len));
}

static void test_n1_name_is_valid(void)
{
    CU_ASSERT_TRUE(dn_name_is_valid("example.com", 11));
    CU_ASSERT_TRUE(dn_name_is_valid("123.example.com", 15));
    CU_ASSERT_FALSE(dn_name_is_valid("", 0));
    CU_ASSERT_FALSE(dn_name_is_valid("*.example.com", 13));
    CU_ASSERT_FALSE(dn_name_is_valid("example.com.", 12));
    CU_ASSERT_FALSE(dn_name_is_valid("a..b", 4));
    CU_ASSERT_FALSE(dn_name_is_valid("1.2.3.4", 7));
    CU_ASSERT_FALSE(dn_name_is_valid("Example.com", 11)); /* canonical text only */
    CU_ASSERT_FALSE(dn_name_is_valid("a b.com", 7));
    char *n254 = name_of_length(254, "");
    CU_ASSERT_FALSE(dn_name_is_valid(n254, 254));
    CU_ASSERT_TRUE(dn_name_is_valid(n254, 253 - 1)); /* ends inside a label: still a name */
    free(n254);
    char *l64 = repeat('a', 64);
    CU_ASSERT_FALSE(dn_name_is_valid(l64, 64));
    CU_ASSERT_TRUE(dn_name_is_valid(l64, 63));
    free(l64);
}

/* ---- the matcher (N3, N4, N5) ---- */

static dn_matcher_t *matcher_of(const char *const *domains)
{
    dn_matcher_t *m = dn_matcher_new();
    for (size_t i = 0; domains[i] != NULL; i++) {
        dn_domain_t d;
        errinfo_t e;
        CU_ASSERT_TRUE_FATAL(parse(domains[i], &d, &e));
        CU_ASSERT(dn_matcher_add(m, &d) >= 0);
    }
    return m;
}

static unsigned match(const dn_matcher_t *m, const char *name)
{
    return dn_matcher_match(m, name, strlen(name));
}

static void test_n3_exact_matches_only_itself(void)
{
    dn_matcher_t *m = matcher_of((const char *const[]){"example.com", NULL});
    CU_ASSERT_EQUAL(match(m, "example.com"), DN_MATCH_EXACT);
    CU_ASSERT_EQUAL(match(m, "www.example.com"), 0);
    CU_ASSERT_EQUAL(match(m, "com"), 0);
    CU_ASSERT_EQUAL(match(m, "xexample.com"), 0);
    CU_ASSERT_EQUAL(match(m, "example.co"), 0);
    CU_ASSERT_EQUAL(match(m, "example.com.evil"), 0);
    dn_matcher_free(m);
}

static void test_n4_wildcard_never_matches_parent(void)
{
    dn_matcher_t *m = matcher_of((const char *const[]){"*.example.com", NULL});
    CU_ASSERT_EQUAL(match(m, "example.com"), 0);
    CU_ASSERT_EQUAL(match(m, "x.example.com"), DN_MATCH_WILDCARD);
    CU_ASSERT_EQUAL(match(m, "y.x.example.com"), DN_MATCH_WILDCARD);
    CU_ASSERT_EQUAL(match(m, "xexample.com"), 0);
    CU_ASSERT_EQUAL(match(m, "x.xexample.com"), 0);
    CU_ASSERT_EQUAL(match(m, "com"), 0);
    dn_matcher_free(m);
}

static void test_n4_wildcard_matches_deep_names(void)
{
    dn_matcher_t *m = matcher_of((const char *const[]){"*.com", NULL});
    char *deep = name_of_length(253, "");
    memcpy(deep + 249, ".com", 4); /* ends in .com; labels stay under 64 octets */
    CU_ASSERT_EQUAL(dn_matcher_match(m, deep, 253), DN_MATCH_WILDCARD);
    char labels[300] = "";
    for (int i = 0; i < 100; i++)
        strcat(labels, "a.");
    strcat(labels, "com");
    CU_ASSERT_EQUAL(match(m, labels), DN_MATCH_WILDCARD);
    free(deep);
    dn_matcher_free(m);
}

static void test_n4_exact_and_wildcard_together(void)
{
    dn_matcher_t *m = matcher_of((const char *const[]){"example.com", "*.example.com", NULL});
    CU_ASSERT_EQUAL(dn_matcher_count(m), 2);
    CU_ASSERT_EQUAL(match(m, "example.com"), DN_MATCH_EXACT);
    CU_ASSERT_EQUAL(match(m, "a.example.com"), DN_MATCH_WILDCARD);
    dn_matcher_free(m);
    /* A name can match exactly and through a wildcard of an ancestor at once. */
    m = matcher_of((const char *const[]){"*.com", "api.example.com", NULL});
    CU_ASSERT_EQUAL(match(m, "api.example.com"), DN_MATCH_EXACT | DN_MATCH_WILDCARD);
    CU_ASSERT_EQUAL(match(m, "com"), 0);
    dn_matcher_free(m);
}

static void test_n5_duplicates_collapse(void)
{
    dn_matcher_t *m = dn_matcher_new();
    const char *inputs[] = {"Example.com", "example.com.", "EXAMPLE.COM", "*.example.com",
                            "*.EXAMPLE.com."};
    int added[5];
    for (int i = 0; i < 5; i++) {
        dn_domain_t d;
        errinfo_t e;
        CU_ASSERT_TRUE_FATAL(parse(inputs[i], &d, &e));
        added[i] = dn_matcher_add(m, &d);
    }
    CU_ASSERT_EQUAL(added[0], 1);
    CU_ASSERT_EQUAL(added[1], 0);
    CU_ASSERT_EQUAL(added[2], 0);
    CU_ASSERT_EQUAL(added[3], 1);
    CU_ASSERT_EQUAL(added[4], 0);
    CU_ASSERT_EQUAL(dn_matcher_count(m), 2);
    CU_ASSERT(dn_matcher_memory(m) > 0);
    dn_matcher_free(m);
}

static void test_n5_order_does_not_matter(void)
{
    const char *a[] = {"a.com", "*.b.com", "c.b.com", "*.d.org", NULL};
    const char *b[] = {"*.d.org", "c.b.com", "*.b.com", "a.com", "a.com", NULL};
    dn_matcher_t *ma = matcher_of(a), *mb = matcher_of(b);
    const char *names[] = {"a.com", "x.a.com", "b.com", "c.b.com", "x.c.b.com", "d.org",
                           "e.d.org", "org", "com"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        CU_ASSERT_EQUAL(match(ma, names[i]), match(mb, names[i]));
    CU_ASSERT_EQUAL(dn_matcher_count(ma), dn_matcher_count(mb));
    dn_matcher_free(ma);
    dn_matcher_free(mb);
}

static void test_n2_invalid_names_match_nothing(void)
{
    dn_matcher_t *m = matcher_of((const char *const[]){"*.com", "example.com", NULL});
    char out[DN_WIRE_TEXT_MAX];
    size_t len;
    /* The root. */
    CU_ASSERT_FALSE(dn_name_from_wire((const uint8_t *)"\0", 1, out, sizeof out, &len));
    CU_ASSERT_EQUAL(dn_matcher_match(m, out, len), 0);
    /* A '*' label in a message name is not a wildcard, and matches nothing. */
    CU_ASSERT_FALSE(
        dn_name_from_wire((const uint8_t *)"\1*\7example\3com\0", 15, out, sizeof out, &len));
    CU_ASSERT_EQUAL(dn_matcher_match(m, out, len), 0);
    /* An escaped dot would otherwise look like "a.example.com". */
    CU_ASSERT_FALSE(
        dn_name_from_wire((const uint8_t *)"\11a.example\3com\0", 15, out, sizeof out, &len));
    CU_ASSERT_EQUAL(dn_matcher_match(m, out, len), 0);
    /* Upper case from the wire is folded and then matches. */
    CU_ASSERT_TRUE(
        dn_name_from_wire((const uint8_t *)"\7EXAMPLE\3Com\0", 13, out, sizeof out, &len));
    CU_ASSERT_EQUAL(dn_matcher_match(m, out, len), DN_MATCH_EXACT | DN_MATCH_WILDCARD);
    /* Text that is not canonical is not a name. */
    CU_ASSERT_EQUAL(match(m, "EXAMPLE.com"), 0);
    CU_ASSERT_EQUAL(match(m, "example.com."), 0);
    CU_ASSERT_EQUAL(match(m, ""), 0);
    dn_matcher_free(m);
}

static void test_n3_empty_matcher(void)
{
    dn_matcher_t *m = dn_matcher_new();
    CU_ASSERT_EQUAL(dn_matcher_count(m), 0);
    CU_ASSERT_EQUAL(match(m, "example.com"), 0);
    dn_matcher_free(m);
    dn_matcher_free(NULL);
}

/* A brute-force matcher straight from N3/N4, to compare against on many names. */
static unsigned brute_match(const char *const *domains, size_t n_domains, const char *name)
{
    unsigned how = 0;
    size_t n = strlen(name);
    if (!dn_name_is_valid(name, n))
        return 0;
    for (size_t i = 0; i < n_domains; i++) {
        const char *d = domains[i];
        if (d[0] == '*') {
            const char *base = d + 2;
            size_t bl = strlen(base);
            if (n > bl + 1 && strcmp(name + n - bl, base) == 0 && name[n - bl - 1] == '.')
                how |= DN_MATCH_WILDCARD;
        } else if (strcmp(d, name) == 0) {
            how |= DN_MATCH_EXACT;
        }
    }
    return how;
}

static void test_n3_n4_against_brute_force(void)
{
    /* Many domains so the table grows; names built from the same few labels. */
    /* The last label, "net", is never configured, so some names match nothing. */
    const char *labels[] = {"a", "b", "com", "x1", "ex-ample", "_s", "org", "net"};
    enum { NL = sizeof labels / sizeof labels[0] };
    static char domain_text[400][64];
    const char *domains[400];
    size_t nd = 0;
    uint64_t s = 12345;
    dn_matcher_t *m = dn_matcher_new();
    for (int i = 0; i < 400; i++) {
        char buf[64] = "";
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        int depth = 1 + (int)((s >> 33) % 3);
        if ((s >> 40) % 3 == 0)
            strcat(buf, "*.");
        for (int k = 0; k < depth; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            strcat(buf, labels[(s >> 33) % (NL - 1)]);
            if (k + 1 < depth)
                strcat(buf, ".");
        }
        dn_domain_t d;
        errinfo_t e;
        CU_ASSERT_TRUE_FATAL(parse(buf, &d, &e));
        if (dn_matcher_add(m, &d) == 1) {
            strcpy(domain_text[nd], d.name);
            domains[nd] = domain_text[nd];
            nd++;
        }
    }
    CU_ASSERT_EQUAL(dn_matcher_count(m), nd);
    int mismatches = 0, seen[4] = {0, 0, 0, 0};
    for (int i = 0; i < 3000; i++) {
        char name[64] = "";
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        int depth = 1 + (int)((s >> 33) % 4);
        for (int k = 0; k < depth; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            strcat(name, labels[(s >> 33) % NL]);
            if (k + 1 < depth)
                strcat(name, ".");
        }
        unsigned how = match(m, name);
        if (how != brute_match(domains, nd, name))
            mismatches++;
        seen[how & 3]++;
    }
    CU_ASSERT_EQUAL(mismatches, 0);
    /* The sample covers every outcome, so the comparison means something. */
    for (int k = 0; k < 4; k++) {
        CU_ASSERT(seen[k] > 0);
    }
    dn_matcher_free(m);
}

void suite_dname(void);
void suite_dname(void)
{
    static CU_TestInfo tests[] = {
        {"N1 lower-cased, one trailing dot removed", test_n1_canonical_form},
        {"N1 empty labels and a second trailing dot are errors", test_n1_only_one_trailing_dot},
        {"N1 labels of 63 octets pass, 64 fail", test_n1_label_length},
        {"N1 names of 253 octets pass, 254 fail", test_n1_name_length},
        {"N1 N4 the '*.' of a wildcard counts towards 253", test_n4_wildcard_length_counts_star},
        {"N1 bad bytes and non-ASCII are errors naming the byte", test_n1_bad_bytes},
        {"N1 an all-digit last label is an error", test_n1_all_digit_last_label},
        {"N4 '*' only as the whole first label, never bare", test_n4_star_placement},
        {"N1 messages quote the input as given", test_n1_messages_quote_input_as_given},
        {"N2 wire names are lower-cased A-Z only", test_n2_wire_lower_cased},
        {"N2 the root name is invalid", test_n2_wire_root_is_invalid},
        {"N2 odd bytes, '.' and '\\' in labels are escaped", test_n2_wire_odd_bytes_escaped},
        {"N2 a '*' label in a message name is invalid", test_n2_wire_star_label_is_invalid},
        {"N2 validity limits of wire names", test_n2_wire_validity_limits},
        {"N2 the worst-case escaped name fits", test_n2_wire_worst_case_fits},
        {"N2 malformed wire input is handled safely", test_n2_wire_malformed_input_is_safe},
        {"N1 dn_name_is_valid", test_n1_name_is_valid},
        {"N3 an exact domain matches only itself", test_n3_exact_matches_only_itself},
        {"N4 wildcard never matches its parent nor xd", test_n4_wildcard_never_matches_parent},
        {"N4 wildcard matches at any depth", test_n4_wildcard_matches_deep_names},
        {"N3 N4 d and *.d may both be configured", test_n4_exact_and_wildcard_together},
        {"N5 duplicates collapse in the matcher", test_n5_duplicates_collapse},
        {"N5 the order of domains does not matter", test_n5_order_does_not_matter},
        {"N2 invalid names match nothing, even with *.com", test_n2_invalid_names_match_nothing},
        {"N3 an empty matcher matches nothing", test_n3_empty_matcher},
        {"N3 N4 matcher agrees with a brute-force reference", test_n3_n4_against_brute_force},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("dname", tests);
}
