/* Out-of-memory sweeps of sim/dns_db (tests/support_oom). dns_db.h: "Every loading or change
 * function is all-or-nothing: it returns 0 on success, or -1 with a message in err ... and the
 * db exactly as before." Each operation runs on a prepared db with its 1st, 2nd, ... allocation
 * failing; the whole db (every zone, view, owner, RRset and record, in order, and the scripts)
 * is compared with its state before. The db is walked through its private header (white box,
 * like conn_debug.h): its public reads answer one name at a time. Only dns_db's own allocations
 * fail: ldns parses records with the real allocator (see support_oom.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_db_priv.h"
#include "support_oom.h"
#include "testutil.h"

#define ZONES "tests/data/zones/"

/* ---- the snapshot: the whole db as text ---- */

static void put_rdf(FILE *f, const ldns_rdf *r)
{
    char *s = ldns_rdf2str(r);
    fputs(s != NULL ? s : "?", f);
    free(s);
}

static void put_view(FILE *f, const char *label, const dns_view_t *v)
{
    if (v == NULL)
        return;
    fprintf(f, "  view %s: %zu records\n", label, v->nrecords);
    ldns_rbnode_t *rb;
    LDNS_RBTREE_FOR(rb, ldns_rbnode_t *, v->names)
    {
        const dns_node_t *node = (const dns_node_t *)rb;
        fputs("    ", f);
        put_rdf(f, node->owner);
        if (dns_view_node(v, node->owner) != node)
            fputs(" (not indexed!)", f);
        for (size_t i = 0; i < node->nsets; i++) {
            const dns_rrset_t *set = &node->sets[i];
            fprintf(f, " [type %u:", set->type);
            for (size_t j = 0; j < set->n; j++) {
                char *s = ldns_rdf2str(ldns_rr_rdf(set->rrs[j], 0));
                fprintf(f, " %s/%u", s != NULL ? s : "?", ldns_rr_ttl(set->rrs[j]));
                free(s);
            }
            fputc(']', f);
        }
        fputc('\n', f);
    }
}

static void put_script(FILE *f, const dns_db_t *db, const char *name, uint16_t type)
{
    ldns_rdf *n = ldns_dname_new_frm_str(name);
    const dns_scripted_t *s = dns_db_script_find(db, n, type);
    ldns_rdf_deep_free(n);
    if (s == NULL)
        return;
    fprintf(f, "script %s/%u: raw %d, %zu bytes, rcode %u, %zu records\n", name, type, s->raw,
            s->wire_len, s->rcode, s->rrs != NULL ? ldns_rr_list_rr_count(s->rrs) : 0);
}

static char *db_text(const dns_db_t *db)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ldns_rbnode_t *rb;
    LDNS_RBTREE_FOR(rb, ldns_rbnode_t *, db->zones)
    {
        const dns_zone_t *z = (const dns_zone_t *)rb;
        fputs("zone ", f);
        put_rdf(f, z->origin);
        fputs(dns_namemap_get(&db->zone_index, z->origin) == z ? "\n" : " (not indexed!)\n", f);
        put_view(f, "default", z->deflt);
        for (size_t i = 0; i < z->nregions; i++)
            put_view(f, z->regions[i].region, z->regions[i].view);
    }
    fprintf(f, "scripts %zu\n", db->scripts->count);
    put_script(f, db, "s.example.com.", 0);
    put_script(f, db, "s.example.com.", LDNS_RR_TYPE_A);
    put_script(f, db, "t.example.org.", 0);
    fclose(f);
    return buf;
}

/* ---- the cases ---- */

enum {
    OP_ADD_RECORDS_NEW_ZONE,
    OP_ADD_RECORDS_NEW_VIEW,
    OP_ADD_RECORDS_EXISTING,
    OP_ADD_RECORDS_D1_FAIL,
    OP_ADD_RR,
    OP_REMOVE_RR,
    OP_SET_RRS,
    OP_SET_RRS_NEW_OWNER,
    OP_SCRIPT,
    OP_SCRIPT_REPLACE,
    OP_UNSCRIPT,
    OP_ZONE_FILE,
};

static const char *const op_names[] = {
    "add_records (a new zone)", "add_records (a new region view)",
    "add_records (an existing view)", "add_records (the last record breaks D1)", "add_rr",
    "remove_rr", "set_rrs", "set_rrs (a new owner)", "script", "script (a replacement)",
    "unscript", "add_zone_file",
};

typedef struct {
    dns_db_t *db;
} dstate_t;

#define RR(...) ((const char *const[]){__VA_ARGS__})

static void *d_prepare(const void *arg)
{
    (void)arg;
    dstate_t *st = calloc(1, sizeof *st);
    st->db = dns_db_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(st->db);
    errinfo_t err;
    CU_ASSERT_FATAL(dns_db_add_records(st->db, "example.com.", NULL,
                                       RR("@ 300 IN SOA ns hostmaster 1 3600 600 86400 60",
                                          "www 300 IN A 192.0.2.1", "www 300 IN A 192.0.2.2",
                                          "www 300 IN AAAA 2001:db8::1",
                                          "alias 300 IN CNAME www", "mail 300 IN MX 10 www"),
                                       6, &err) == 0);
    CU_ASSERT_FATAL(dns_db_add_records(st->db, "example.com.", "eu",
                                       RR("www 60 IN A 198.51.100.1"), 1, &err) == 0);
    dns_script_t s = {RR("s.example.com. 60 IN A 192.0.2.99"), 1, 0, NULL};
    CU_ASSERT_FATAL(dns_db_script(st->db, "s.example.com.", 0, &s, &err) == 0);
    return st;
}

static char *d_snapshot(void *state)
{
    return db_text(((dstate_t *)state)->db);
}

static oom_outcome_t d_run(void *state, const void *arg)
{
    int op = *(const int *)arg;
    dstate_t *st = state;
    errinfo_t err = {{0}};
    int rc;
    switch (op) {
    case OP_ADD_RECORDS_NEW_ZONE:
        rc = dns_db_add_records(st->db, "example.org.", NULL,
                                RR("a 60 IN A 203.0.113.1", "b 60 IN A 203.0.113.2",
                                   "b 60 IN TXT \"hello\""),
                                3, &err);
        break;
    case OP_ADD_RECORDS_NEW_VIEW:
        rc = dns_db_add_records(st->db, "example.com.", "us",
                                RR("www 60 IN A 198.51.100.7", "api 60 IN A 198.51.100.8"), 2,
                                &err);
        break;
    case OP_ADD_RECORDS_EXISTING:
        rc = dns_db_add_records(st->db, "example.com.", NULL,
                                RR("www 300 IN A 192.0.2.3", "new 60 IN A 192.0.2.50",
                                   "new 60 IN TXT \"x\"", "www 300 IN A 192.0.2.4",
                                   "www 300 IN A 192.0.2.5"),
                                5, &err);
        break;
    case OP_ADD_RECORDS_D1_FAIL:
        /* Fails whatever the memory: the rollback itself runs under injection. */
        rc = dns_db_add_records(st->db, "example.com.", NULL,
                                RR("x1 60 IN A 192.0.2.61", "x2 60 IN A 192.0.2.62",
                                   "www 300 IN A 192.0.2.1"),
                                3, &err);
        return rc == -1 ? OOM_OK : OOM_WRONG;
    case OP_ADD_RR:
        rc = dns_db_add_rr(st->db, "example.com.", NULL, "www 300 IN A 192.0.2.9", &err);
        break;
    case OP_REMOVE_RR:
        rc = dns_db_remove_rr(st->db, "example.com.", NULL, "www 300 IN A 192.0.2.1", &err);
        break;
    case OP_SET_RRS:
        rc = dns_db_set_rrs(st->db, "example.com.", NULL, "www.example.com.", LDNS_RR_TYPE_A,
                            RR("www 60 IN A 192.0.2.11", "www 60 IN A 192.0.2.12",
                               "www 60 IN A 192.0.2.13"),
                            3, &err);
        break;
    case OP_SET_RRS_NEW_OWNER:
        /* Three records: the new set grows once (a failure then takes back the first two). */
        rc = dns_db_set_rrs(st->db, "example.com.", NULL, "fresh.example.com.",
                            LDNS_RR_TYPE_A,
                            RR("fresh 60 IN A 192.0.2.21", "fresh 60 IN A 192.0.2.22",
                               "fresh 60 IN A 192.0.2.23"),
                            3, &err);
        break;
    case OP_SCRIPT: {
        dns_script_t s = {NULL, 0, 0, "12 34 81 80 00 00 00 00 00 00 00 00"};
        rc = dns_db_script(st->db, "t.example.org.", 0, &s, &err);
        break;
    }
    case OP_SCRIPT_REPLACE: {
        dns_script_t s = {NULL, 0, 0, "12 34 81 83 00 00 00 00 00 00 00 00"};
        rc = dns_db_script(st->db, "s.example.com.", 0, &s, &err);
        break;
    }
    case OP_UNSCRIPT:
        rc = dns_db_unscript(st->db, "s.example.com.", 0, &err);
        break;
    default:
        rc = dns_db_add_zone_file(st->db, ZONES "rfc4592.zone", NULL, "eu", &err);
        break;
    }
    if (rc == 0)
        return OOM_OK;
    return rc == -1 && err.msg[0] != '\0' ? OOM_FAILED : OOM_WRONG;
}

static void d_release(void *state)
{
    dstate_t *st = state;
    dns_db_free(st->db);
    free(st);
}

static void sweep_op(int op, bool must_allocate)
{
    char name[96];
    snprintf(name, sizeof name, "dns_db %s", op_names[op]);
    /* The D1 case's "success" is its documented failure: under injection it must still
     * return -1 and leave the db as the reference run does, that is, as it was. */
    oom_case_t c = {name, &op, d_prepare, d_snapshot, d_run, NULL, d_release,
                    op == OP_ADD_RECORDS_D1_FAIL};
    if (must_allocate)
        oom_sweep_both(&c);
    else
        oom_sweep_any(&c);
}

static void test_add_records(void)
{
    sweep_op(OP_ADD_RECORDS_NEW_ZONE, true);
    sweep_op(OP_ADD_RECORDS_NEW_VIEW, true);
    sweep_op(OP_ADD_RECORDS_EXISTING, true);
}

/* The D1 failure must also leave the db as it was while its own rollback is short of memory:
 * a sweep whose every run fails as documented. */
static void test_add_records_rollback(void)
{
    sweep_op(OP_ADD_RECORDS_D1_FAIL, true);
}

static void test_add_remove(void)
{
    sweep_op(OP_ADD_RR, true);
    sweep_op(OP_REMOVE_RR, false);
}

static void test_set_rrs(void)
{
    sweep_op(OP_SET_RRS, true);
    sweep_op(OP_SET_RRS_NEW_OWNER, true);
}

static void test_scripts(void)
{
    sweep_op(OP_SCRIPT, true);
    sweep_op(OP_SCRIPT_REPLACE, true);
    sweep_op(OP_UNSCRIPT, false);
}

static void test_zone_file(void)
{
    sweep_op(OP_ZONE_FILE, true);
}

static void test_new(void)
{
    oom_fail_after(0);
    dns_db_t *db = dns_db_new();
    oom_disarm();
    CU_ASSERT_PTR_NULL(db);
    dns_db_free(db);
}

void suite_oom_dns_db(void);
void suite_oom_dns_db(void)
{
    static CU_TestInfo tests[] = {
        {"OOM D1 D3: add_records fails with -1, the db exactly as before", test_add_records},
        {"OOM D1: a rejected batch rolls back also when memory runs out",
         test_add_records_rollback},
        {"OOM D4: add_rr fails with -1, the db as before; remove_rr never half-done",
         test_add_remove},
        {"OOM D4: set_rrs fails with -1, the db exactly as before", test_set_rrs},
        {"OOM D5: script and unscript fail with -1, the scripts as before", test_scripts},
        {"OOM D1 D3: add_zone_file fails with -1, the db as before", test_zone_file},
        {"OOM: dns_db_new fails with NULL", test_new},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("oom_dns_db", tests);
}
