/* Tests of the bundled scenario suite (scenarios/): every scenario loads without error and says
 * what it checks; every file of scenarios/invalid/ fails to load with the error its README
 * promises (S4); every rule of RULES.md is claimed by some scenario; the index lists every
 * scenario. Run from the repository root (make test does), so paths are relative. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "jsonc.h"
#include "runner.h"
#include "scenario.h"
#include "testutil.h"

#define SUITE_DIR "scenarios"
#define INVALID_DIR "scenarios/invalid"
#define INVALID_README "scenarios/invalid/README.md"
#define INDEX_README "scenarios/README.md"
#define MIN_SCENARIOS 90

/* Every rule ID of RULES.md. */
static const char *const all_rules[] = {
    "T1", "T2", "T3",                                     /* time and order */
    "S1", "S2", "S3", "S4", "S5",                         /* the world */
    "N1", "N2", "N3", "N4", "N5",                         /* names */
    "L1", "L2", "L3", "L4", "L5",                         /* learning */
    "C1", "C2", "C3", "C4", "C5", "C6", "C7",             /* connector configuration */
    "P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8",       /* control plane */
    "K1", "K2", "K3", "K4", "K5",                         /* clients */
    "D1", "D2", "D3", "D4", "D5",                         /* DNS data */
};
#define N_RULES (sizeof all_rules / sizeof all_rules[0])

/* The topic folders the suite is organised in. */
static const char *const topics[] = {
    "names-wildcards", "cname-chains", "learning-coalescing", "removal-restarts",
    "approval", "primaries-failover", "regional-routing", "splitdns-exit",
    "accept-routes-dns", "dns-zones-views", "learning-race", "failures",
};
#define N_TOPICS (sizeof topics / sizeof topics[0])
#define MIN_PER_TOPIC 5

/* ---- a sorted list of file paths ---- */

typedef struct {
    char **paths;
    size_t n, cap;
} paths_t;

static void paths_add(paths_t *p, const char *path)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        char **grown = realloc(p->paths, p->cap * sizeof *grown);
        CU_ASSERT_FATAL(grown != NULL);
        p->paths = grown;
    }
    p->paths[p->n] = strdup(path);
    CU_ASSERT_FATAL(p->paths[p->n] != NULL);
    p->n++;
}

static void paths_free(paths_t *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->paths[i]);
    free(p->paths);
    memset(p, 0, sizeof *p);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Adds every .json file below dir (recursively), skipping the directory `skip` (may be NULL). */
static void collect_json(const char *dir, const char *skip, paths_t *out)
{
    DIR *d = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL(d);
    if (d == NULL) {
        fprintf(stderr, "\ncannot open %s (tests run from the repository root)\n", dir);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        CU_ASSERT_FATAL(n > 0 && (size_t)n < sizeof path);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (skip == NULL || strcmp(path, skip) != 0)
                collect_json(path, skip, out);
        } else if (S_ISREG(st.st_mode) && ends_with(e->d_name, ".json")) {
            paths_add(out, path);
        }
    }
    closedir(d);
    if (out->n > 1)
        qsort(out->paths, out->n, sizeof *out->paths, cmp_str);
}

static char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 4096) {
            cap = cap ? 2 * cap : 8192;
            char *grown = realloc(buf, cap + 1);
            if (grown == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

/* ---- rule coverage bookkeeping ---- */

/* Marks id in table (indexed like all_rules). */
static void claim(bool *table, const char *id)
{
    for (size_t i = 0; i < N_RULES; i++)
        if (strcmp(all_rules[i], id) == 0)
            table[i] = true;
}

/* ---- the tests ---- */

static void print_diags_of(const char *path, const diag_list_t *d)
{
    fprintf(stderr, "\n%s: %zu error(s), %zu warning(s):\n", path, d->n_errors, d->n_warnings);
    diag_list_print(d, stderr);
}

/* Every scenario outside invalid/ loads with no error, names what it checks, and counts. */
static void test_every_scenario_loads(void)
{
    paths_t files = {0};
    collect_json(SUITE_DIR, INVALID_DIR, &files);
    CU_ASSERT(files.n >= MIN_SCENARIOS);
    if (files.n < MIN_SCENARIOS)
        fprintf(stderr, "\nonly %zu scenarios under %s, want at least %d\n", files.n, SUITE_DIR,
                MIN_SCENARIOS);

    size_t per_topic[N_TOPICS] = {0};
    for (size_t i = 0; i < files.n; i++) {
        const char *path = files.paths[i];
        diag_list_t d;
        diag_list_init(&d);
        scenario_t *s = NULL;
        int rc = scenario_load(path, &s, &d);
        CU_ASSERT_EQUAL(rc, 0);
        CU_ASSERT_EQUAL(d.n_errors, 0);
        if (rc != 0 || d.n_errors != 0)
            print_diags_of(path, &d);
        if (s != NULL) {
            /* Each scenario says what it shows and which rules, and so does every expectation. */
            bool described = s->description != NULL && s->description[0] != '\0';
            CU_ASSERT(described);
            CU_ASSERT(s->n_rules > 0);
            CU_ASSERT(s->n_expects > 0);
            if (!described || s->n_rules == 0 || s->n_expects == 0)
                fprintf(stderr, "\n%s: needs a description, rules and expectations\n", path);
            for (size_t k = 0; k < s->n_expects; k++) {
                CU_ASSERT(s->expects[k].n_rules > 0);
                if (s->expects[k].n_rules == 0)
                    fprintf(stderr, "\n%s: expect[%zu] names no rule\n", path, k);
            }
        }
        for (size_t t = 0; t < N_TOPICS; t++) {
            size_t len = strlen(SUITE_DIR) + 1 + strlen(topics[t]);
            if (strncmp(path, SUITE_DIR "/", strlen(SUITE_DIR) + 1) == 0 &&
                strncmp(path + strlen(SUITE_DIR) + 1, topics[t], strlen(topics[t])) == 0 &&
                path[len] == '/')
                per_topic[t]++;
        }
        scenario_free(s);
        diag_list_free(&d);
    }
    for (size_t t = 0; t < N_TOPICS; t++) {
        CU_ASSERT(per_topic[t] >= MIN_PER_TOPIC);
        if (per_topic[t] < MIN_PER_TOPIC)
            fprintf(stderr, "\ntopic %s has %zu scenarios, want at least %d\n", topics[t],
                    per_topic[t], MIN_PER_TOPIC);
    }
    paths_free(&files);
}

/* One row of the invalid/ README table: the file and the fragments its errors must contain. */
typedef struct {
    char file[256];
    char frag[8][512];
    size_t n_frag;
    bool seen;
} expected_error_t;

/* Reads the rows "| `FILE` | `frag` `frag` ... | rules |" of the README. */
static size_t read_expected_errors(expected_error_t *rows, size_t cap)
{
    char *text = read_whole(INVALID_README, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    size_t n = 0;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (strncmp(line, "| `", 3) != 0)
            continue;
        CU_ASSERT_FATAL(n < cap);
        expected_error_t *row = &rows[n];
        memset(row, 0, sizeof *row);
        const char *p = line + 3;
        const char *end = strchr(p, '`');
        CU_ASSERT_FATAL(end != NULL && (size_t)(end - p) < sizeof row->file);
        memcpy(row->file, p, (size_t)(end - p));
        /* The second cell: every backticked fragment up to the next '|'. */
        const char *cell = strchr(end + 1, '|');
        CU_ASSERT_FATAL(cell != NULL);
        const char *cell_end = strchr(cell + 1, '|');
        CU_ASSERT_FATAL(cell_end != NULL);
        for (const char *q = cell + 1; q < cell_end;) {
            const char *open = memchr(q, '`', (size_t)(cell_end - q));
            if (open == NULL)
                break;
            const char *close = memchr(open + 1, '`', (size_t)(cell_end - open - 1));
            CU_ASSERT_FATAL(close != NULL);
            CU_ASSERT_FATAL(row->n_frag < 8 && (size_t)(close - open - 1) < sizeof row->frag[0]);
            memcpy(row->frag[row->n_frag], open + 1, (size_t)(close - open - 1));
            row->n_frag++;
            q = close + 1;
        }
        CU_ASSERT(row->n_frag > 0);
        n++;
    }
    free(text);
    return n;
}

static bool diags_contain(const diag_list_t *d, const char *frag)
{
    for (size_t i = 0; i < d->n; i++) {
        char buf[8192];
        diag_format(&d->items[i], buf, sizeof buf);
        if (strstr(buf, frag) != NULL)
            return true;
    }
    return false;
}

/* The file-level "rules" of a file that fails to load, read with jansson after the HuJSON
 * pre-pass; a file that is not even JSON (the syntax-error case) claims nothing. */
static void claim_file_rules(const char *path, bool *table)
{
    size_t len = 0;
    char *text = read_whole(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    size_t off = 0;
    errinfo_t err;
    json_t *root = NULL;
    if (jsonc_prepare(text, len, SCENARIO_MAX_DEPTH, &off, &err) == 0)
        root = json_loadb(text, len, 0, NULL);
    json_t *rules = json_object_get(root, "rules");
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r)
    {
        if (json_is_string(r))
            claim(table, json_string_value(r));
    }
    json_decref(root);
    free(text);
}

/* Every file of invalid/ fails to load with the error its README row promises. */
static void test_invalid_files_fail(void)
{
    static expected_error_t rows[128];
    size_t n_rows = read_expected_errors(rows, sizeof rows / sizeof rows[0]);
    CU_ASSERT(n_rows > 0);

    paths_t files = {0};
    collect_json(INVALID_DIR, NULL, &files);
    CU_ASSERT(files.n > 0);
    for (size_t i = 0; i < files.n; i++) {
        const char *path = files.paths[i];
        const char *base = path + strlen(INVALID_DIR) + 1;
        diag_list_t d;
        diag_list_init(&d);
        scenario_t *s = NULL;
        int rc = scenario_load(path, &s, &d);
        CU_ASSERT_EQUAL(rc, -1);
        CU_ASSERT_PTR_NULL(s);
        CU_ASSERT(d.n_errors >= 1);
        if (rc == 0 || d.n_errors == 0)
            fprintf(stderr, "\n%s: loaded, but it must fail (S4)\n", path);

        expected_error_t *row = NULL;
        for (size_t k = 0; k < n_rows; k++)
            if (strcmp(rows[k].file, base) == 0)
                row = &rows[k];
        CU_ASSERT_PTR_NOT_NULL(row);
        if (row == NULL) {
            fprintf(stderr, "\n%s: no row in %s\n", path, INVALID_README);
        } else {
            row->seen = true;
            for (size_t f = 0; f < row->n_frag; f++) {
                bool found = diags_contain(&d, row->frag[f]);
                CU_ASSERT(found);
                if (!found) {
                    fprintf(stderr, "\n%s: no diagnostic contains [%s]", path, row->frag[f]);
                    print_diags_of(path, &d);
                }
            }
        }
        scenario_free(s);
        diag_list_free(&d);
    }
    for (size_t k = 0; k < n_rows; k++) {
        CU_ASSERT(rows[k].seen);
        if (!rows[k].seen)
            fprintf(stderr, "\n%s names %s, which is not a file of %s\n", INVALID_README,
                    rows[k].file, INVALID_DIR);
    }
    paths_free(&files);
}

/* Every rule is exercised: S4 and S5 (load-error rules) by the "rules" of a file of invalid/,
 * every other rule by an expectation of a scenario that loads. */
static void test_every_rule_is_covered(void)
{
    bool by_expect[N_RULES] = {false};
    bool by_invalid[N_RULES] = {false};

    paths_t files = {0};
    collect_json(SUITE_DIR, INVALID_DIR, &files);
    for (size_t i = 0; i < files.n; i++) {
        diag_list_t d;
        diag_list_init(&d);
        scenario_t *s = NULL;
        if (scenario_load(files.paths[i], &s, &d) == 0)
            for (size_t k = 0; k < s->n_expects; k++)
                for (size_t r = 0; r < s->expects[k].n_rules; r++)
                    claim(by_expect, s->expects[k].rules[r]);
        scenario_free(s);
        diag_list_free(&d);
    }
    paths_free(&files);

    collect_json(INVALID_DIR, NULL, &files);
    for (size_t i = 0; i < files.n; i++)
        claim_file_rules(files.paths[i], by_invalid);
    paths_free(&files);

    for (size_t i = 0; i < N_RULES; i++) {
        CU_ASSERT(scenario_rule_known(all_rules[i]));
        bool load_rule = strcmp(all_rules[i], "S4") == 0 || strcmp(all_rules[i], "S5") == 0;
        bool covered = load_rule ? by_invalid[i] : by_expect[i];
        CU_ASSERT(covered);
        if (!covered)
            fprintf(stderr, "\nrule %s is named by no %s\n", all_rules[i],
                    load_rule ? "file of scenarios/invalid/" : "expectation of a scenario");
    }
}

/* The index (scenarios/README.md) names every scenario by its path below scenarios/. */
static void test_index_lists_every_scenario(void)
{
    char *index = read_whole(INDEX_README, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(index);
    paths_t files = {0};
    collect_json(SUITE_DIR, INVALID_DIR, &files);
    for (size_t i = 0; i < files.n; i++) {
        char needle[4200];
        snprintf(needle, sizeof needle, "`%s`", files.paths[i] + strlen(SUITE_DIR) + 1);
        bool listed = strstr(index, needle) != NULL;
        CU_ASSERT(listed);
        if (!listed)
            fprintf(stderr, "\n%s does not list %s\n", INDEX_README, needle);
    }
    paths_free(&files);
    free(index);
}

/* The README's first screen shows a small scenario: it must load, run and pass as shown. */
static void test_readme_example_passes(void)
{
    FILE *f = fopen("README.md", "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *section = strstr(text, "## A small scenario");
    CU_ASSERT_PTR_NOT_NULL_FATAL(section);
    char *start = strstr(section, "```json\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(start);
    start += strlen("```json\n");
    char *end = strstr(start, "```");
    CU_ASSERT_PTR_NOT_NULL_FATAL(end);
    char path[] = "/tmp/appcsim-readme-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *out = fdopen(fd, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    fwrite(start, 1, (size_t)(end - start), out);
    fclose(out);
    run_result_t r;
    runner_run_file(path, NULL, &r);
    unlink(path);
    CU_ASSERT_EQUAL(r.status, RUN_PASS);
    CU_ASSERT_EQUAL(r.n_checks, 3);
    for (size_t i = 0; i < r.n_diags; i++)
        printf("\n    %s", r.diags[i]);
    run_result_clear(&r);
}

void suite_suite_files(void);
void suite_suite_files(void)
{
    static CU_TestInfo tests[] = {
        {"S4 every bundled scenario loads with no error and names its rules",
         test_every_scenario_loads},
        {"C3 K5 the README's small scenario passes as shown", test_readme_example_passes},
        {"S4 S5 every file of scenarios/invalid fails to load with its README error",
         test_invalid_files_fail},
        {"every rule of RULES.md is exercised by the suite", test_every_rule_is_covered},
        {"the index lists every scenario", test_index_lists_every_scenario},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("suite_files", tests);
}
