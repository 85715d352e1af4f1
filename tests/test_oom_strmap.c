/* Out-of-memory sweeps of model/strmap (tests/support_oom): an insert that fails returns NULL
 * and changes nothing ("NULL on out-of-memory (nothing changed)"), at every size through
 * several growths of the index and of the entry array; finding or re-inserting a present key
 * never allocates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "support_oom.h"
#include "testutil.h"

static size_t key_of(unsigned i, char *buf)
{
    return (size_t)snprintf(buf, 32, "key-%u.example", i * 7919u);
}

static strmap_t *map_with(unsigned k)
{
    strmap_t *m = strmap_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    for (unsigned i = 0; i < k; i++) {
        char key[32];
        size_t n = key_of(i, key);
        uint64_t *v = strmap_insert(m, key, n, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(v);
        *v = i * 3 + 1;
    }
    return m;
}

typedef struct {
    strmap_t *m;
    bool added;
} sstate_t;

static void *s_prepare(const void *arg)
{
    sstate_t *st = calloc(1, sizeof *st);
    st->m = map_with(*(const unsigned *)arg);
    return st;
}

/* Iteration order, values, and every key (and the one being added) found or not. */
static char *s_snapshot(void *state)
{
    sstate_t *st = state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    size_t count = strmap_count(st->m);
    fprintf(f, "count %zu added %d:", count, st->added);
    for (size_t i = 0; i < count; i++) {
        size_t n;
        const char *k = strmap_key_at(st->m, i, &n);
        fprintf(f, " %.*s=%llu", (int)n, k, (unsigned long long)*strmap_value_at(st->m, i));
    }
    fputs("\nfound:", f);
    for (unsigned i = 0; i <= count + 1; i++) {
        char key[32];
        size_t n = key_of(i, key);
        const uint64_t *v = strmap_find(st->m, key, n);
        fprintf(f, " %lld", v != NULL ? (long long)*v : -1LL);
    }
    fputc('\n', f);
    fclose(f);
    return buf;
}

static oom_outcome_t s_run(void *state, const void *arg)
{
    sstate_t *st = state;
    char key[32];
    size_t n = key_of(*(const unsigned *)arg, key);
    bool added = false;
    uint64_t *v = strmap_insert(st->m, key, n, &added);
    if (v == NULL)
        return OOM_FAILED;
    *v = 4242;
    st->added = added;
    return added ? OOM_OK : OOM_WRONG;
}

/* Removals (which move entries and shift the index) and inserts after the failure. */
static void s_follow(void *state)
{
    sstate_t *st = state;
    for (unsigned i = 0; i < 80; i += 3) {
        char key[32];
        size_t n = key_of(i, key);
        strmap_remove(st->m, key, n);
    }
    for (unsigned i = 100; i < 140; i++) {
        char key[32];
        size_t n = key_of(i, key);
        uint64_t *v = strmap_insert(st->m, key, n, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(v);
        *v = i;
    }
}

static void s_release(void *state)
{
    sstate_t *st = state;
    strmap_free(st->m);
    free(st);
}

static void test_insert_new_key(void)
{
    unsigned swept = 0;
    for (unsigned k = 0; k <= 80; k++) {
        oom_case_t c = {"strmap_insert", &k, s_prepare, s_snapshot, s_run, s_follow, s_release,
                        false};
        oom_sweep_both(&c);
        swept++;
    }
    CU_ASSERT_EQUAL(swept, 81);
}

static void test_present_key_never_allocates(void)
{
    strmap_t *m = map_with(40);
    char key[32];
    size_t n = key_of(17, key);
    oom_fail_from(0);
    bool added = true;
    uint64_t *v = strmap_insert(m, key, n, &added);
    const uint64_t *f = strmap_find(m, key, n);
    bool removed = strmap_remove(m, key, n);
    bool triggered = oom_triggered();
    oom_disarm();
    CU_ASSERT_PTR_NOT_NULL(v);
    CU_ASSERT_FALSE(added);
    CU_ASSERT_PTR_NOT_NULL(f);
    CU_ASSERT_TRUE(removed);
    CU_ASSERT_FALSE(triggered);
    CU_ASSERT_EQUAL(strmap_count(m), 39);
    strmap_free(m);
}

static void test_new(void)
{
    oom_fail_after(0);
    strmap_t *m = strmap_new();
    oom_disarm();
    CU_ASSERT_PTR_NULL(m);
}

void suite_oom_strmap(void);
void suite_oom_strmap(void)
{
    static CU_TestInfo tests[] = {
        {"OOM: insert of a new key fails with NULL, nothing changed, at every size",
         test_insert_new_key},
        {"OOM: find, re-insert and remove of a present key never allocate",
         test_present_key_never_allocates},
        {"OOM: new fails with NULL", test_new},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("oom_strmap", tests);
}
