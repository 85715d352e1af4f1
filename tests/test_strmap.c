/* Tests of model/strmap: the FNV-1a-64 hash, basic operations, and a seeded random operation
 * sequence checked step by step against a brute-force reference that keeps the same
 * (documented) iteration order: insertion order, removal moves the last entry into the hole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "testutil.h"

static void test_hash_vectors(void)
{
    /* Published FNV-1a-64 test vectors. */
    CU_ASSERT_EQUAL(strmap_hash("", 0), 0xcbf29ce484222325ULL);
    CU_ASSERT_EQUAL(strmap_hash("a", 1), 0xaf63dc4c8601ec8cULL);
    CU_ASSERT_EQUAL(strmap_hash("foobar", 6), 0x85944171f73967e8ULL);
}

static void test_basic_operations(void)
{
    strmap_t *m = strmap_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(strmap_count(m), 0);
    CU_ASSERT_PTR_NULL(strmap_find(m, "x", 1));
    CU_ASSERT_FALSE(strmap_remove(m, "x", 1));

    bool added = false;
    uint64_t *v = strmap_insert(m, "example.com", 11, &added);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_TRUE(added);
    CU_ASSERT_EQUAL(*v, 0);
    *v = 42;
    v = strmap_insert(m, "example.com", 11, &added);
    CU_ASSERT_FALSE(added);
    CU_ASSERT_EQUAL(*v, 42);
    /* A prefix of a key is a different key. */
    CU_ASSERT_PTR_NULL(strmap_find(m, "example.co", 10));
    CU_ASSERT_PTR_NOT_NULL(strmap_insert(m, "", 0, NULL));
    CU_ASSERT_EQUAL(strmap_count(m), 2);

    size_t n = 99;
    const char *k = strmap_key_at(m, 0, &n);
    CU_ASSERT_EQUAL(n, 11);
    CU_ASSERT_STRING_EQUAL(k, "example.com"); /* keys are NUL-terminated copies */
    CU_ASSERT_EQUAL(*strmap_value_at(m, 0), 42);
    CU_ASSERT(strmap_memory(m) > 0);

    CU_ASSERT_TRUE(strmap_remove(m, "example.com", 11));
    CU_ASSERT_FALSE(strmap_remove(m, "example.com", 11));
    CU_ASSERT_EQUAL(strmap_count(m), 1);
    CU_ASSERT_PTR_NOT_NULL(strmap_find(m, "", 0));
    strmap_free(m);
    strmap_free(NULL);
}

static void test_keys_are_copied(void)
{
    strmap_t *m = strmap_new();
    char buf[8] = "abc";
    *strmap_insert(m, buf, 3, NULL) = 7;
    memcpy(buf, "xyz", 3);
    CU_ASSERT_PTR_NULL(strmap_find(m, "xyz", 3));
    uint64_t *v = strmap_find(m, "abc", 3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_EQUAL(*v, 7);
    /* Binary keys with NUL bytes inside are distinct by length and content. */
    *strmap_insert(m, "a\0b", 3, NULL) = 1;
    *strmap_insert(m, "a\0c", 3, NULL) = 2;
    CU_ASSERT_EQUAL(*strmap_find(m, "a\0b", 3), 1);
    CU_ASSERT_EQUAL(*strmap_find(m, "a\0c", 3), 2);
    strmap_free(m);
}

/* splitmix64: a seeded generator so the sequence is the same on every run. */
static uint64_t next_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#define POOL 700
#define KEY_MAX 12

typedef struct {
    char key[KEY_MAX];
    size_t n;
    uint64_t value;
} ref_entry_t;

typedef struct {
    ref_entry_t e[POOL];
    size_t count;
} ref_map_t;

static long ref_find(const ref_map_t *r, const char *key, size_t n)
{
    for (size_t i = 0; i < r->count; i++)
        if (r->e[i].n == n && memcmp(r->e[i].key, key, n) == 0)
            return (long)i;
    return -1;
}

static bool same_contents(const strmap_t *m, const ref_map_t *r)
{
    if (strmap_count(m) != r->count)
        return false;
    for (size_t i = 0; i < r->count; i++) {
        size_t n;
        const char *k = strmap_key_at(m, i, &n);
        if (n != r->e[i].n || memcmp(k, r->e[i].key, n) != 0 || k[n] != '\0')
            return false;
        if (*strmap_value_at(m, i) != r->e[i].value)
            return false;
    }
    return true;
}

static void run_random_ops(uint64_t seed, size_t ops)
{
    /* A pool of keys: binary bytes, lengths 0..KEY_MAX-1, some sharing prefixes. */
    static char pool[POOL][KEY_MAX];
    static size_t pool_len[POOL];
    uint64_t rs = seed;
    for (size_t i = 0; i < POOL; i++) {
        pool_len[i] = (size_t)(next_rand(&rs) % KEY_MAX);
        for (size_t j = 0; j < pool_len[i]; j++)
            pool[i][j] = (char)(next_rand(&rs) % 4 == 0 ? 'a' : next_rand(&rs) & 0xff);
    }
    strmap_t *m = strmap_new();
    ref_map_t *ref = calloc(1, sizeof *ref);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
    bool ok = true;
    for (size_t step = 0; step < ops && ok; step++) {
        size_t k = (size_t)(next_rand(&rs) % POOL);
        const char *key = pool[k];
        size_t n = pool_len[k];
        long at = ref_find(ref, key, n);
        /* Phases bias towards growth, then towards shrinking, so both paths get exercised. */
        unsigned op = (unsigned)(next_rand(&rs) % 10);
        bool shrinking = (step / 3000) % 2 == 1;
        if (op < (shrinking ? 3u : 6u)) {
            bool added;
            uint64_t *v = strmap_insert(m, key, n, &added);
            if (v == NULL || added != (at < 0)) {
                ok = false;
                break;
            }
            if (at < 0) {
                at = (long)ref->count++;
                memcpy(ref->e[at].key, key, n);
                ref->e[at].n = n;
                ref->e[at].value = 0;
            }
            if (*v != ref->e[at].value) {
                ok = false;
                break;
            }
            *v = ref->e[at].value = next_rand(&rs);
        } else if (op < 8) {
            bool removed = strmap_remove(m, key, n);
            if (removed != (at >= 0)) {
                ok = false;
                break;
            }
            if (at >= 0)
                ref->e[at] = ref->e[--ref->count];
        } else {
            uint64_t *v = strmap_find(m, key, n);
            if ((v != NULL) != (at >= 0) || (v != NULL && *v != ref->e[at].value)) {
                ok = false;
                break;
            }
        }
        if (step % 97 == 0 || step + 1 == ops)
            ok = same_contents(m, ref);
    }
    CU_ASSERT_TRUE(ok);
    /* Every key of the pool is found exactly when the reference has it. */
    for (size_t i = 0; i < POOL && ok; i++) {
        long at = ref_find(ref, pool[i], pool_len[i]);
        uint64_t *v = strmap_find(m, pool[i], pool_len[i]);
        CU_ASSERT_EQUAL(v != NULL, at >= 0);
    }
    strmap_free(m);
    free(ref);
}

static void test_random_against_reference(void)
{
    run_random_ops(1, 30000);
    run_random_ops(0xdecafbad, 30000);
}

static void test_same_ops_same_order(void)
{
    /* Determinism: two maps given the same operations iterate identically. */
    strmap_t *a = strmap_new(), *b = strmap_new();
    char key[16];
    for (int i = 0; i < 2000; i++) {
        int n = snprintf(key, sizeof key, "k%d", (i * 7919) % 1000);
        strmap_insert(a, key, (size_t)n, NULL);
        strmap_insert(b, key, (size_t)n, NULL);
        if (i % 3 == 0) {
            n = snprintf(key, sizeof key, "k%d", (i * 31) % 1000);
            CU_ASSERT_EQUAL(strmap_remove(a, key, (size_t)n), strmap_remove(b, key, (size_t)n));
        }
    }
    CU_ASSERT_EQUAL_FATAL(strmap_count(a), strmap_count(b));
    for (size_t i = 0; i < strmap_count(a); i++)
        CU_ASSERT_STRING_EQUAL(strmap_key_at(a, i, NULL), strmap_key_at(b, i, NULL));
    strmap_free(a);
    strmap_free(b);
}

static void test_remove_everything(void)
{
    strmap_t *m = strmap_new();
    char key[16];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(key, sizeof key, "name%d", i);
        *strmap_insert(m, key, (size_t)n, NULL) = (uint64_t)i;
    }
    CU_ASSERT_EQUAL(strmap_count(m), 5000);
    bool all_found = true;
    for (int i = 0; i < 5000; i += 2) {
        int n = snprintf(key, sizeof key, "name%d", i);
        all_found = all_found && strmap_remove(m, key, (size_t)n);
    }
    CU_ASSERT_TRUE(all_found);
    CU_ASSERT_EQUAL(strmap_count(m), 2500);
    bool values_ok = true;
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(key, sizeof key, "name%d", i);
        uint64_t *v = strmap_find(m, key, (size_t)n);
        values_ok = values_ok && (i % 2 == 0 ? v == NULL : v != NULL && *v == (uint64_t)i);
    }
    CU_ASSERT_TRUE(values_ok);
    for (int i = 1; i < 5000; i += 2) {
        int n = snprintf(key, sizeof key, "name%d", i);
        strmap_remove(m, key, (size_t)n);
    }
    CU_ASSERT_EQUAL(strmap_count(m), 0);
    CU_ASSERT_PTR_NULL(strmap_find(m, "name1", 5));
    strmap_free(m);
}

void suite_strmap(void);
void suite_strmap(void)
{
    static CU_TestInfo tests[] = {
        {"FNV-1a-64 test vectors", test_hash_vectors},
        {"insert, find, remove", test_basic_operations},
        {"keys are copied, binary keys distinct", test_keys_are_copied},
        {"random operations match a brute-force reference", test_random_against_reference},
        {"same operations give the same iteration order", test_same_ops_same_order},
        {"removal keeps every other key reachable", test_remove_everything},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("strmap", tests);
}
