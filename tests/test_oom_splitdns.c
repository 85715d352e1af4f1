/* Out-of-memory sweep of model/splitdns (tests/support_oom): ctrl_splitdns_new returns NULL at
 * every failing allocation, leaks nothing (ASan), and then builds the same table (P2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "splitdns.h"
#include "support_oom.h"
#include "testutil.h"

typedef struct {
    dn_domain_t domains[3][3];
    uint64_t ids[3][3];
    ctrl_splitdns_app_t apps[3];
    ctrl_splitdns_t *table;
} sdstate_t;

static void *sd_prepare(const void *arg)
{
    (void)arg;
    static const char *const names[3][3] = {
        {"example.com", "*.example.com", "corp.example.net"},
        {"*.example.com", "svc.example.org", NULL},
        {"other.test", NULL, NULL},
    };
    static const uint64_t ids[3][3] = {{7, 3, 7}, {9, 0, 0}, {0, 0, 0}};
    static const size_t n_ids[3] = {3, 1, 0}; /* the third app has no connector */
    sdstate_t *st = calloc(1, sizeof *st);
    for (int a = 0; a < 3; a++) {
        size_t nd = 0;
        for (int d = 0; d < 3 && names[a][d] != NULL; d++) {
            errinfo_t err;
            CU_ASSERT_FATAL(dn_domain_parse(names[a][d], strlen(names[a][d]),
                                            &st->domains[a][nd++], &err));
        }
        memcpy(st->ids[a], ids[a], sizeof ids[a]);
        st->apps[a] = (ctrl_splitdns_app_t){st->domains[a], nd, st->ids[a], n_ids[a]};
    }
    return st;
}

static char *sd_snapshot(void *state)
{
    sdstate_t *st = state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (st->table == NULL)
        fputs("(no table)", f);
    for (size_t i = 0; i < ctrl_splitdns_count(st->table); i++) {
        const ctrl_splitdns_entry_t *e = ctrl_splitdns_entry_at(st->table, i);
        fprintf(f, " %s:", e->suffix);
        for (size_t c = 0; c < e->n_connectors; c++)
            fprintf(f, "%s%llu", c > 0 ? "," : "", (unsigned long long)e->connectors[c]);
    }
    fclose(f);
    return buf;
}

static oom_outcome_t sd_run(void *state, const void *arg)
{
    (void)arg;
    sdstate_t *st = state;
    st->table = ctrl_splitdns_new(st->apps, 3);
    return st->table != NULL ? OOM_OK : OOM_FAILED;
}

static void sd_release(void *state)
{
    sdstate_t *st = state;
    ctrl_splitdns_free(st->table);
    free(st);
}

static void test_new(void)
{
    oom_case_t c = {"ctrl_splitdns_new", NULL, sd_prepare, sd_snapshot, sd_run, NULL, sd_release,
                    false};
    oom_sweep_both(&c);
    /* The table the sweep ended with is P2's: merged suffixes, sorted distinct connectors. */
    sdstate_t *st = sd_prepare(NULL);
    CU_ASSERT_EQUAL(sd_run(st, NULL), OOM_OK);
    char *text = sd_snapshot(st);
    CU_ASSERT_STRING_EQUAL(text, " corp.example.net:3,7 example.com:3,7,9 other.test: "
                                 "svc.example.org:9");
    free(text);
    sd_release(st);
}

void suite_oom_splitdns(void);
void suite_oom_splitdns(void)
{
    static CU_TestInfo tests[] = {
        {"OOM P2: splitdns new fails with NULL, and then builds the same table", test_new},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("oom_splitdns", tests);
}
