/* Tests of model/splitdns: a client's split-DNS table (P2). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "splitdns.h"
#include "testutil.h"

/* A configured domain as dname.h lays it out (the text is assumed valid under N1). */
static dn_domain_t D(const char *text)
{
    dn_domain_t d;
    memset(&d, 0, sizeof d);
    size_t n = strlen(text);
    CU_ASSERT_FATAL(n < DN_TEXT_MAX);
    memcpy(d.name, text, n);
    d.len = (uint8_t)n;
    d.wildcard = n > 2 && text[0] == '*' && text[1] == '.';
    d.base_off = d.wildcard ? 2 : 0;
    return d;
}

static const ctrl_splitdns_entry_t *lookup(const ctrl_splitdns_t *t, const char *name)
{
    return ctrl_splitdns_lookup(t, name, strlen(name));
}

static void check_entry(const ctrl_splitdns_entry_t *e, const char *suffix, const uint64_t *ids,
                        size_t n)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_STRING_EQUAL(e->suffix, suffix);
    CU_ASSERT_EQUAL(e->suffix_len, strlen(suffix));
    CU_ASSERT_EQUAL_FATAL(e->n_connectors, n);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(e->connectors[i], ids[i]);
}

static void test_exact_and_wildcard_same_suffix(void)
{
    dn_domain_t doms[] = {D("example.com"), D("*.example.com")};
    uint64_t conns[] = {4};
    ctrl_splitdns_app_t app = {doms, 2, conns, 1};
    ctrl_splitdns_t *t = ctrl_splitdns_new(&app, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(ctrl_splitdns_count(t), 1);
    check_entry(ctrl_splitdns_entry_at(t, 0), "example.com", conns, 1);
    CU_ASSERT_PTR_NULL(ctrl_splitdns_entry_at(t, 1));
    ctrl_splitdns_free(t);
}

static void test_merge_connectors_across_apps(void)
{
    /* Two apps give the same suffix (one exact, one wildcard): their connectors merge, sorted,
     * without duplicates. */
    dn_domain_t a_doms[] = {D("*.corp.example")};
    dn_domain_t b_doms[] = {D("corp.example"), D("db.internal")};
    uint64_t a_conns[] = {30, 10, 30};
    uint64_t b_conns[] = {20, 10};
    ctrl_splitdns_app_t apps[] = {{a_doms, 1, a_conns, 3}, {b_doms, 2, b_conns, 2}};
    ctrl_splitdns_t *t = ctrl_splitdns_new(apps, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL_FATAL(ctrl_splitdns_count(t), 2);
    const uint64_t merged[] = {10, 20, 30};
    const uint64_t db[] = {10, 20};
    check_entry(ctrl_splitdns_entry_at(t, 0), "corp.example", merged, 3);
    check_entry(ctrl_splitdns_entry_at(t, 1), "db.internal", db, 2);
    ctrl_splitdns_free(t);
}

static void test_order_of_apps_does_not_matter(void)
{
    dn_domain_t a_doms[] = {D("b.test"), D("*.a.test")};
    dn_domain_t b_doms[] = {D("a.test"), D("c.test")};
    uint64_t a_conns[] = {2, 1};
    uint64_t b_conns[] = {3};
    ctrl_splitdns_app_t fwd[] = {{a_doms, 2, a_conns, 2}, {b_doms, 2, b_conns, 1}};
    ctrl_splitdns_app_t rev[] = {{b_doms, 2, b_conns, 1}, {a_doms, 2, a_conns, 2}};
    ctrl_splitdns_t *t1 = ctrl_splitdns_new(fwd, 2);
    ctrl_splitdns_t *t2 = ctrl_splitdns_new(rev, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t2);
    CU_ASSERT_TRUE(ctrl_splitdns_equal(t1, t2));
    /* Entries are sorted by suffix text. */
    CU_ASSERT_EQUAL_FATAL(ctrl_splitdns_count(t1), 3);
    const uint64_t a_ids[] = {1, 2, 3};
    check_entry(ctrl_splitdns_entry_at(t1, 0), "a.test", a_ids, 3);
    check_entry(ctrl_splitdns_entry_at(t1, 1), "b.test", a_ids, 2);
    check_entry(ctrl_splitdns_entry_at(t1, 2), "c.test", b_conns, 1);
    ctrl_splitdns_free(t1);
    ctrl_splitdns_free(t2);
}

static void test_longest_suffix_wins(void)
{
    dn_domain_t outer[] = {D("*.example.com")};
    dn_domain_t inner[] = {D("*.eu.example.com")};
    uint64_t o_conns[] = {1};
    uint64_t i_conns[] = {2};
    ctrl_splitdns_app_t apps[] = {{outer, 1, o_conns, 1}, {inner, 1, i_conns, 1}};
    ctrl_splitdns_t *t = ctrl_splitdns_new(apps, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    check_entry(lookup(t, "db.eu.example.com"), "eu.example.com", i_conns, 1);
    check_entry(lookup(t, "a.b.eu.example.com"), "eu.example.com", i_conns, 1);
    check_entry(lookup(t, "eu.example.com"), "eu.example.com", i_conns, 1);
    check_entry(lookup(t, "us.example.com"), "example.com", o_conns, 1);
    check_entry(lookup(t, "example.com"), "example.com", o_conns, 1);
    check_entry(lookup(t, "x.eux.example.com"), "example.com", o_conns, 1);
    ctrl_splitdns_free(t);
}

static void test_label_boundaries(void)
{
    dn_domain_t doms[] = {D("example.com")};
    uint64_t conns[] = {1};
    ctrl_splitdns_app_t app = {doms, 1, conns, 1};
    ctrl_splitdns_t *t = ctrl_splitdns_new(&app, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_PTR_NULL(lookup(t, "xexample.com"));
    CU_ASSERT_PTR_NULL(lookup(t, "example.co"));
    CU_ASSERT_PTR_NULL(lookup(t, "example.com.au"));
    CU_ASSERT_PTR_NULL(lookup(t, "com"));
    CU_ASSERT_PTR_NULL(lookup(t, ""));
    CU_ASSERT_PTR_NOT_NULL(lookup(t, "a.example.com"));
    CU_ASSERT_PTR_NOT_NULL(lookup(t, "_srv._tcp.example.com"));
    /* Only the n bytes given count. */
    CU_ASSERT_PTR_NOT_NULL(ctrl_splitdns_lookup(t, "a.example.comXYZ", 13));
    ctrl_splitdns_free(t);
}

static void test_escaped_dots_are_not_boundaries(void)
{
    /* "a\.example.com" is the two labels "a.example" and "com": not under example.com. */
    dn_domain_t doms[] = {D("example.com"), D("com")};
    uint64_t conns[] = {1};
    ctrl_splitdns_app_t app = {doms, 2, conns, 1};
    ctrl_splitdns_t *t = ctrl_splitdns_new(&app, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    check_entry(lookup(t, "a\\.example.com"), "com", conns, 1);
    check_entry(lookup(t, "b.a\\.example.com"), "com", conns, 1);
    /* \DDD is one byte of its label; the label ends at the next plain '.'. */
    check_entry(lookup(t, "\\046x.example.com"), "example.com", conns, 1);
    check_entry(lookup(t, "x\\\\.example.com"), "example.com", conns, 1);
    /* A dangling backslash at the end must not read past the name. */
    CU_ASSERT_PTR_NULL(lookup(t, "x\\"));
    ctrl_splitdns_free(t);
}

static void test_app_without_connectors(void)
{
    /* P2 gives the entry with an empty list; another app's connectors still merge into it. */
    dn_domain_t doms[] = {D("*.empty.test")};
    ctrl_splitdns_app_t lone = {doms, 1, NULL, 0};
    ctrl_splitdns_t *t = ctrl_splitdns_new(&lone, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL_FATAL(ctrl_splitdns_count(t), 1);
    check_entry(lookup(t, "x.empty.test"), "empty.test", NULL, 0);
    ctrl_splitdns_free(t);

    uint64_t conns[] = {9};
    dn_domain_t exact[] = {D("empty.test")};
    ctrl_splitdns_app_t apps[] = {{doms, 1, NULL, 0}, {exact, 1, conns, 1}};
    t = ctrl_splitdns_new(apps, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL_FATAL(ctrl_splitdns_count(t), 1);
    check_entry(lookup(t, "x.empty.test"), "empty.test", conns, 1);
    ctrl_splitdns_free(t);
}

static void test_empty_table(void)
{
    ctrl_splitdns_t *t = ctrl_splitdns_new(NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(ctrl_splitdns_count(t), 0);
    CU_ASSERT_PTR_NULL(lookup(t, "example.com"));
    CU_ASSERT_TRUE(ctrl_splitdns_equal(t, NULL));
    ctrl_splitdns_free(t);
    /* Apps without domains give no entry. */
    uint64_t conns[] = {1};
    ctrl_splitdns_app_t app = {NULL, 0, conns, 1};
    t = ctrl_splitdns_new(&app, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(ctrl_splitdns_count(t), 0);
    ctrl_splitdns_free(t);
    CU_ASSERT_EQUAL(ctrl_splitdns_count(NULL), 0);
    CU_ASSERT_PTR_NULL(ctrl_splitdns_lookup(NULL, "a", 1));
    ctrl_splitdns_free(NULL);
}

static void test_equality_sees_changes(void)
{
    dn_domain_t doms[] = {D("a.test")};
    dn_domain_t other[] = {D("b.test")};
    uint64_t one[] = {1}, two[] = {1, 2}, three[] = {3};
    ctrl_splitdns_app_t base = {doms, 1, one, 1};
    ctrl_splitdns_app_t more = {doms, 1, two, 2};
    ctrl_splitdns_app_t swapped = {doms, 1, three, 1};
    ctrl_splitdns_app_t renamed = {other, 1, one, 1};
    ctrl_splitdns_t *t0 = ctrl_splitdns_new(&base, 1);
    ctrl_splitdns_t *t1 = ctrl_splitdns_new(&more, 1);
    ctrl_splitdns_t *t2 = ctrl_splitdns_new(&swapped, 1);
    ctrl_splitdns_t *t3 = ctrl_splitdns_new(&renamed, 1);
    ctrl_splitdns_t *t4 = ctrl_splitdns_new(&base, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t0 && t1 && t2 && t3 && t4);
    CU_ASSERT_FALSE(ctrl_splitdns_equal(t0, t1));
    CU_ASSERT_FALSE(ctrl_splitdns_equal(t0, t2));
    CU_ASSERT_FALSE(ctrl_splitdns_equal(t0, t3));
    CU_ASSERT_FALSE(ctrl_splitdns_equal(t0, NULL));
    CU_ASSERT_TRUE(ctrl_splitdns_equal(t0, t4));
    ctrl_splitdns_free(t0);
    ctrl_splitdns_free(t1);
    ctrl_splitdns_free(t2);
    ctrl_splitdns_free(t3);
    ctrl_splitdns_free(t4);
}

/* A small deterministic generator for the property test (no rand()). */
static uint64_t lcg_next(uint64_t *state)
{
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    return *state >> 33;
}

/* A random name of 1..4 labels over a tiny alphabet, so that suffixes collide often. */
static void random_name(uint64_t *state, char *out, size_t cap)
{
    static const char *const labels[] = {"a", "b", "ab", "ba", "c"};
    size_t n_labels = 1 + lcg_next(state) % 4, len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n_labels; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "." : "",
                                labels[lcg_next(state) % 5]);
}

/* Brute force: the longest configured suffix s with name == s or name ending in "." + s. */
static const char *reference_lookup(const dn_domain_t *doms, size_t n, const char *name)
{
    const char *best = NULL;
    size_t best_len = 0, nl = strlen(name);
    for (size_t i = 0; i < n; i++) {
        const char *s = doms[i].name + doms[i].base_off;
        size_t sl = strlen(s);
        bool under = sl == nl ? strcmp(s, name) == 0
                              : sl < nl && name[nl - sl - 1] == '.' && strcmp(name + nl - sl, s) == 0;
        if (under && (best == NULL || sl > best_len)) {
            best = s;
            best_len = sl;
        }
    }
    return best;
}

static void test_lookup_agrees_with_brute_force(void)
{
    uint64_t state = 12345;
    int hits = 0, misses = 0;
    for (int round = 0; round < 50; round++) {
        enum { N = 12 };
        dn_domain_t doms[N];
        uint64_t ids[N];
        ctrl_splitdns_app_t apps[N];
        char text[DN_TEXT_MAX];
        for (int i = 0; i < N; i++) {
            /* Leave room for a "*." in front. */
            bool wildcard = lcg_next(&state) % 2;
            memcpy(text, "*.", 2);
            random_name(&state, text + 2, sizeof text - 2);
            doms[i] = D(wildcard ? text : text + 2);
            ids[i] = lcg_next(&state) % 8;
            apps[i] = (ctrl_splitdns_app_t){&doms[i], 1, &ids[i], 1};
        }
        ctrl_splitdns_t *t = ctrl_splitdns_new(apps, N);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        for (int q = 0; q < 40; q++) {
            char name[DN_TEXT_MAX];
            random_name(&state, name, sizeof name);
            const char *want = reference_lookup(doms, N, name);
            const ctrl_splitdns_entry_t *got = lookup(t, name);
            if (want == NULL) {
                CU_ASSERT_PTR_NULL(got);
                misses++;
                continue;
            }
            hits++;
            CU_ASSERT_PTR_NOT_NULL_FATAL(got);
            CU_ASSERT_STRING_EQUAL(got->suffix, want);
            /* The entry lists exactly the connectors of the apps with that suffix. */
            uint64_t want_ids[N];
            size_t n_want = 0;
            for (int i = 0; i < N; i++) {
                if (strcmp(doms[i].name + doms[i].base_off, want) != 0)
                    continue;
                bool seen = false;
                for (size_t k = 0; k < n_want; k++)
                    seen = seen || want_ids[k] == ids[i];
                if (!seen)
                    want_ids[n_want++] = ids[i];
            }
            CU_ASSERT_EQUAL_FATAL(got->n_connectors, n_want);
            for (size_t k = 0; k < got->n_connectors; k++) {
                bool listed = false;
                for (size_t j = 0; j < n_want; j++)
                    listed = listed || want_ids[j] == got->connectors[k];
                CU_ASSERT_TRUE(listed);
                if (k > 0)
                    CU_ASSERT_TRUE(got->connectors[k - 1] < got->connectors[k]);
            }
        }
        ctrl_splitdns_free(t);
    }
    /* The generator exercises both outcomes. */
    CU_ASSERT_TRUE(hits > 100 && misses > 100);
}

void suite_splitdns(void);
void suite_splitdns(void)
{
    static CU_TestInfo tests[] = {
        {"P2 d and *.d give one suffix d", test_exact_and_wildcard_same_suffix},
        {"P2 entries with the same suffix merge their connectors",
         test_merge_connectors_across_apps},
        {"P2 N5 the order of apps does not matter", test_order_of_apps_does_not_matter},
        {"P2 the longest enclosing suffix wins", test_longest_suffix_wins},
        {"P2 suffixes match on label boundaries only", test_label_boundaries},
        {"P2 escaped dots are not label boundaries", test_escaped_dots_are_not_boundaries},
        {"P2 an app without connectors gives an empty entry", test_app_without_connectors},
        {"P2 empty tables and NULL", test_empty_table},
        {"P2 P7 table equality sees every change", test_equality_sees_changes},
        {"P2 lookup and merging agree with brute force", test_lookup_agrees_with_brute_force},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("splitdns", tests);
}
