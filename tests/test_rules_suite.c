/* Rule coverage of the bundled scenario suite (scenarios/, invalid/ excepted): every scenario is
 * run and its rules_reached compared with the rules its expectations claim.
 *
 * A few scenarios chosen for their spread of rules must reach every rule they claim (a mark that
 * went missing fails here). For the whole suite the test prints, without failing, how many
 * scenarios reach each rule and which claimed rules were not reached: a claim can be looser than
 * a mark (see sim/world.h for what each mark means). Run from the repository root. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rules.h"
#include "runner.h"
#include "scenario.h"
#include "testutil.h"

#define SUITE_DIR "scenarios"

typedef struct {
    char **paths;
    size_t n, cap;
} list_t;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every .json file below dir, folders named `invalid` skipped (as `appcsim run` does). */
static void collect(const char *dir, list_t *out)
{
    DIR *d = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "invalid") == 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        size_t n = strlen(e->d_name);
        if (S_ISDIR(st.st_mode)) {
            collect(path, out);
        } else if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0) {
            if (out->n == out->cap) {
                out->cap = out->cap ? 2 * out->cap : 64;
                out->paths = realloc(out->paths, out->cap * sizeof *out->paths);
                CU_ASSERT_PTR_NOT_NULL_FATAL(out->paths);
            }
            out->paths[out->n] = strdup(path);
            CU_ASSERT_PTR_NOT_NULL_FATAL(out->paths[out->n]);
            out->n++;
        }
    }
    closedir(d);
}

/* The rules the expectations of the scenario at path claim; false when it does not load. */
static bool claimed_rules(const char *path, rules_t *out)
{
    diag_list_t d;
    diag_list_init(&d);
    scenario_t *s = NULL;
    *out = 0;
    bool ok = scenario_load(path, &s, &d) == 0;
    for (size_t k = 0; ok && k < s->n_expects; k++)
        for (size_t r = 0; r < s->expects[k].n_rules; r++)
            rules_mark(out, rule_parse(s->expects[k].rules[r]));
    scenario_free(s);
    diag_list_free(&d);
    return ok;
}

/* Scenarios that must reach every rule their expectations claim. */
static const char *const complete[] = {
    SUITE_DIR "/names-wildcards/exact-domain-only.json",
    SUITE_DIR "/cname-chains/fan-in.json",
    SUITE_DIR "/cname-chains/chain-length-limit.json",
    SUITE_DIR "/dns-zones-views/views-per-region.json",
    SUITE_DIR "/learning-race/coalesce-without-gap.json",
    SUITE_DIR "/removal-restarts/store-routes-off-orphans.json",
};

static bool is_complete(const char *path)
{
    for (size_t i = 0; i < sizeof complete / sizeof complete[0]; i++)
        if (strcmp(path, complete[i]) == 0)
            return true;
    return false;
}

static void test_suite_coverage(void)
{
    list_t files = {0};
    collect(SUITE_DIR, &files);
    qsort(files.paths, files.n, sizeof *files.paths, cmp_str);
    CU_ASSERT(files.n >= 90);
    size_t reached_by[RULE_COUNT] = {0}, claimed_by[RULE_COUNT] = {0}, missed_by[RULE_COUNT] = {0};
    size_t n_complete = 0;
    char text[3 * RULE_COUNT + 1];
    printf("\n  claimed by an expectation but not reached:\n");
    for (size_t i = 0; i < files.n; i++) {
        const char *path = files.paths[i];
        rules_t claimed;
        CU_ASSERT(claimed_rules(path, &claimed));
        run_result_t r;
        runner_run_file(path, NULL, &r);
        CU_ASSERT_EQUAL(r.status, RUN_PASS);
        rules_t reached = r.rules_reached;
        CU_ASSERT(rules_has(reached, RULE_S1)); /* every bundled scenario has nodes */
        for (int k = 0; k < RULE_COUNT; k++) {
            reached_by[k] += rules_has(reached, k);
            claimed_by[k] += rules_has(claimed, k);
            missed_by[k] += rules_has(claimed & ~reached, k);
        }
        rules_t missing = claimed & ~reached;
        if (missing != 0) {
            rules_format(missing, text, sizeof text);
            printf("    %-60s %s\n", path + strlen(SUITE_DIR) + 1, text);
        }
        if (is_complete(path)) {
            n_complete++;
            CU_ASSERT_EQUAL(missing, 0);
        }
        run_result_clear(&r);
        free(files.paths[i]);
    }
    CU_ASSERT_EQUAL(n_complete, sizeof complete / sizeof complete[0]);
    printf("  rule: scenarios reaching it / claiming it in an expectation / claiming, not "
           "reaching (of %zu)\n   ", files.n);
    for (int k = 0; k < RULE_COUNT; k++)
        printf(" %s %zu/%zu/%zu%s", rule_name(k), reached_by[k], claimed_by[k], missed_by[k],
               k + 1 < RULE_COUNT && rule_name(k + 1)[0] != rule_name(k)[0] ? "\n   " : "");
    printf("\n  reached by no scenario:");
    for (int k = 0; k < RULE_COUNT; k++)
        if (reached_by[k] == 0)
            printf(" %s", rule_name(k));
    printf("\n");
    free(files.paths);
}

void suite_rules_suite(void);
void suite_rules_suite(void)
{
    static CU_TestInfo tests[] = {
        {"rules reached by the bundled suite against the rules it claims", test_suite_coverage},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("rules_suite", tests);
}
