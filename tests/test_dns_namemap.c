/* Tests of sim/dns_namemap, the exact-lookup index behind D1 zone and owner lookups: a seeded
 * random sequence of puts and deletes is checked against a brute-force reference after every
 * step, so that backward-shift deletion never loses an entry. */
#include <stdio.h>
#include <string.h>

#include "dns_namemap.h"
#include "testutil.h"

enum { NAMES = 300, STEPS = 20000 };

static uint64_t next_rand(uint64_t *s)
{
    /* xorshift64: a fixed, seeded sequence (no rand()). */
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_matches_reference(void)
{
    ldns_rdf *names[NAMES];
    int present[NAMES];
    void *values[NAMES];
    for (int i = 0; i < NAMES; i++) {
        char text[64];
        snprintf(text, sizeof text, "n%d.z%d.test.", i, i % 7);
        names[i] = ldns_dname_new_frm_str(text);
        CU_ASSERT_PTR_NOT_NULL_FATAL(names[i]);
        present[i] = 0;
        values[i] = NULL;
    }
    dns_namemap_t m;
    dns_namemap_init(&m);
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    int mismatches = 0;
    for (int step = 0; step < STEPS; step++) {
        int i = (int)(next_rand(&seed) % NAMES);
        if (next_rand(&seed) % 3 == 0) {
            dns_namemap_del(&m, names[i]);
            present[i] = 0;
        } else {
            values[i] = &present[(i + step) % NAMES];
            CU_ASSERT_EQUAL(dns_namemap_put(&m, names[i], values[i]), 0);
            present[i] = 1;
        }
        size_t count = 0;
        for (int j = 0; j < NAMES; j++) {
            void *got = dns_namemap_get(&m, names[j]);
            mismatches += present[j] ? got != values[j] : got != NULL;
            count += (size_t)present[j];
        }
        mismatches += count != m.count;
    }
    CU_ASSERT_EQUAL(mismatches, 0);
    dns_namemap_clear(&m);
    CU_ASSERT_PTR_NULL(dns_namemap_get(&m, names[0]));
    for (int i = 0; i < NAMES; i++)
        ldns_rdf_deep_free(names[i]);
}

static void test_case_insensitive(void)
{
    ldns_rdf *lower = ldns_dname_new_frm_str("www.example.com.");
    ldns_rdf *upper = ldns_dname_new_frm_str("WWW.Example.COM");
    ldns_rdf *other = ldns_dname_new_frm_str("www.example.co.");
    dns_namemap_t m;
    dns_namemap_init(&m);
    int v = 1;
    CU_ASSERT_EQUAL(dns_namemap_put(&m, lower, &v), 0);
    CU_ASSERT_PTR_EQUAL(dns_namemap_get(&m, upper), &v);
    CU_ASSERT_PTR_NULL(dns_namemap_get(&m, other));
    dns_namemap_del(&m, upper);
    CU_ASSERT_PTR_NULL(dns_namemap_get(&m, lower));
    CU_ASSERT_EQUAL(m.count, 0);
    dns_namemap_del(&m, upper); /* absent: nothing happens */
    dns_namemap_clear(&m);
    ldns_rdf_deep_free(lower);
    ldns_rdf_deep_free(upper);
    ldns_rdf_deep_free(other);
}

void suite_dns_namemap(void);
void suite_dns_namemap(void)
{
    static CU_TestInfo tests[] = {
        {"D1 name index matches a brute-force reference through puts and deletes",
         test_matches_reference},
        {"D1 name index ignores ASCII case", test_case_insensitive},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("dns_namemap", tests);
}
