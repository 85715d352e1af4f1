/* Tests of sim/dns_db: loading zone files and inline records with the D1 load checks, views
 * (D3), changes (D4), script validation (D5), and hostile input. Answers are checked through
 * dns_resolve and parsed back from wire bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dns_testutil.h"

#define ZONES "tests/data/zones/"

static dns_db_t *load_file(const char *path, const char *origin, errinfo_t *err)
{
    dns_db_t *db = dns_db_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    int rc = dns_db_add_zone_file(db, path, origin, NULL, err);
    if (rc != 0) {
        dns_db_free(db);
        return NULL;
    }
    return db;
}

/* Expects loading path to fail with exactly `msg`. */
static void expect_load_error(const char *path, const char *origin, const char *msg)
{
    errinfo_t err = {{0}};
    dns_db_t *db = load_file(path, origin, &err);
    CU_ASSERT_PTR_NULL(db);
    CU_ASSERT_STRING_EQUAL(err.msg, msg);
    if (strcmp(err.msg, msg) != 0)
        fprintf(stderr, "\n  got:  %s\n  want: %s\n", err.msg, msg);
    dns_db_free(db);
}

static void test_file_loads_with_origin_from_dollar_origin(void)
{
    errinfo_t err = {{0}};
    dns_db_t *db = load_file(ZONES "rfc4592.zone", NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    ldns_rdf *n = ldns_dname_new_frm_str("host1.example.");
    const dns_view_t *v = dns_db_view_for(db, n, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_EQUAL(dns_view_record_count(v), 11);
    char *o = ldns_rdf2str(dns_view_origin(v));
    CU_ASSERT_STRING_EQUAL(o, "example.");
    free(o);
    ldns_rdf_deep_free(n);
    dt_msg_t m;
    dt_query(db, "host1.example", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "host1.example. A 192.0.2.1");
    dns_db_free(db);
}

static void test_file_origin_from_leading_soa(void)
{
    errinfo_t err = {{0}};
    dns_db_t *db = load_file(ZONES "soa_first.zone", NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    dt_msg_t m;
    dt_query(db, "www.example.org", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.example.org. A 192.0.2.7 | www.example.org. A 192.0.2.8");
    dt_query(db, "mail.example.org", LDNS_RR_TYPE_MX, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "mail.example.org. MX 10 www.example.org.");
    dns_db_free(db);
}

static void test_file_ttl_rules(void)
{
    errinfo_t err = {{0}};
    dns_db_t *db = load_file(ZONES "ttl.zone", NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    const char *names[] = {"first.ttl.test", "second.ttl.test", "third.ttl.test",
                           "fourth.ttl.test", "fifth.ttl.test"};
    /* explicit; previous record's; $TTL; explicit; $TTL again (not the previous record's) */
    const uint32_t want[] = {120, 120, 900, 30, 900};
    for (size_t i = 0; i < DT_N(names); i++) {
        dt_msg_t m;
        dt_query(db, names[i], LDNS_RR_TYPE_A, NULL, &m);
        CU_ASSERT_EQUAL(m.ancount, 1);
        CU_ASSERT_EQUAL(m.ttl[0], want[i]);
    }
    dns_db_free(db);
}

static void test_cname_plus_a_names_file_line(void)
{
    expect_load_error(ZONES "cname_plus_a.zone", NULL,
                      ZONES "cname_plus_a.zone:5: www.example.com. has a CNAME and other data");
}

static void test_duplicate_names_file_line(void)
{
    expect_load_error(ZONES "duplicate.zone", NULL,
                      ZONES "duplicate.zone:6: duplicate record: A.example.com. 60 IN A "
                            "192.0.2.1");
}

static void test_syntax_error_names_file_line(void)
{
    errinfo_t err = {{0}};
    dns_db_t *db = load_file(ZONES "syntax.zone", NULL, &err);
    CU_ASSERT_PTR_NULL(db);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, ZONES "syntax.zone:4: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "rdata"));
}

static void test_syntax_error_last_line_without_newline(void)
{
    errinfo_t err = {{0}};
    dns_db_t *db = load_file(ZONES "noeol.zone", NULL, &err);
    CU_ASSERT_PTR_NULL(db);
    CU_ASSERT_EQUAL(strncmp(err.msg, ZONES "noeol.zone:3: ", strlen(ZONES "noeol.zone:3: ")), 0);
}

static void test_outside_origin_is_error(void)
{
    expect_load_error(ZONES "outside.zone", NULL,
                      ZONES "outside.zone:3: www.example.org. is outside the zone example.com.");
    /* The same file under a different origin given by the caller: the SOA is outside. */
    expect_load_error(ZONES "soa_first.zone", "example.net",
                      ZONES "soa_first.zone:1: example.org. is outside the zone example.net.");
}

static void test_include_refused(void)
{
    expect_load_error(ZONES "include.zone", NULL,
                      ZONES "include.zone:2: $INCLUDE is not supported");
}

static void test_missing_file_named(void)
{
    expect_load_error(ZONES "no-such.zone", NULL,
                      ZONES "no-such.zone: cannot open: No such file or directory");
}

static void test_empty_file_is_error(void)
{
    expect_load_error(ZONES "empty.zone", "example.com",
                      ZONES "empty.zone: the zone file has no records");
    expect_load_error(ZONES "empty.zone", NULL, ZONES "empty.zone: the zone file has no records");
    expect_load_error(ZONES "comments_only.zone", "example.com",
                      ZONES "comments_only.zone: the zone file has no records");
}

static void test_directory_is_error(void)
{
    expect_load_error("tests/data", "example.com", "tests/data: not a regular file");
}

static void test_no_origin_is_error(void)
{
    expect_load_error(ZONES "no_origin.zone", NULL,
                      ZONES "no_origin.zone:2: cannot tell the zone's origin: start the file "
                            "with $ORIGIN or its SOA record, or give the origin");
    expect_load_error(ZONES "rfc4592.zone", "not..valid",
                      "origin 'not..valid' is not a valid domain name");
}

static void test_failed_load_changes_nothing(void)
{
    dns_db_t *db = dns_db_new();
    errinfo_t err = {{0}};
    const char *first[] = {"www 300 IN A 192.0.2.1"};
    CU_ASSERT_EQUAL(dns_db_add_records(db, "example.com", NULL, first, 1, &err), 0);
    /* The second record of the batch clashes with the zone: the first must not stay. */
    const char *batch[] = {"new 300 IN A 192.0.2.9", "www 300 IN CNAME new"};
    CU_ASSERT_EQUAL(dns_db_add_records(db, "example.com", NULL, batch, 2, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "record 1 ('www 300 IN CNAME new'): www.example.com. has a CNAME and "
                           "other data");
    dt_msg_t m;
    dt_query(db, "new.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    /* A failed file load into a new zone leaves no zone behind. */
    CU_ASSERT_EQUAL(dns_db_add_zone_file(db, ZONES "cname_plus_a.zone", NULL, NULL, &err), -1);
    dt_query(db, "web.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    dt_query(db, "www.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.example.com. A 192.0.2.1");
    /* ...and a failed load of a region view leaves the default view alone. */
    CU_ASSERT_EQUAL(dns_db_add_zone_file(db, ZONES "cname_plus_a.zone", NULL, "eu", &err), -1);
    dt_query(db, "www.example.com", LDNS_RR_TYPE_A, "eu", &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.example.com. A 192.0.2.1");
    dns_db_free(db);
}

static void test_inline_errors_name_record(void)
{
    dns_db_t *db = dns_db_new();
    errinfo_t err = {{0}};
    const char *bad_syntax[] = {"a 300 IN A 192.0.2.1", "b 300 IN A 192.0.2"};
    CU_ASSERT_EQUAL(dns_db_add_records(db, "example.com", NULL, bad_syntax, 2, &err), -1);
    CU_ASSERT_EQUAL(strncmp(err.msg, "record 1 ('b 300 IN A 192.0.2'): ", 33), 0);
    const char *dup[] = {"a 300 IN A 192.0.2.1", "A.EXAMPLE.COM. 5 IN A 192.0.2.1"};
    CU_ASSERT_EQUAL(dns_db_add_records(db, "example.com", NULL, dup, 2, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "record 1 ('A.EXAMPLE.COM. 5 IN A 192.0.2.1'): duplicate "
                                    "record: A.EXAMPLE.COM. 5 IN A 192.0.2.1");
    const char *ch[] = {"a 300 CH A 192.0.2.1"};
    CU_ASSERT_EQUAL(dns_db_add_records(db, "example.com", NULL, ch, 1, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "record 0 ('a 300 CH A 192.0.2.1'): only class IN is "
                                    "supported");
    const char *soas[] = {"@ 300 IN SOA ns hm 1 2 3 4 5", "@ 300 IN SOA ns2 hm 1 2 3 4 5"};
    CU_ASSERT_EQUAL(dns_db_add_records(db, "example.com", NULL, soas, 2, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "record 1 ('@ 300 IN SOA ns2 hm 1 2 3 4 5'): a second SOA "
                                    "record at example.com.");
    const char *low_soa[] = {"x 300 IN SOA ns hm 1 2 3 4 5"};
    CU_ASSERT_EQUAL(dns_db_add_records(db, "example.com", NULL, low_soa, 1, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "record 0 ('x 300 IN SOA ns hm 1 2 3 4 5'): SOA record at "
                                    "x.example.com., which is not the zone's apex");
    const char *two_cnames[] = {"a 300 IN CNAME b", "a 300 IN CNAME c"};
    CU_ASSERT_EQUAL(dns_db_add_records(db, "example.com", NULL, two_cnames, 2, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "a.example.com. has a CNAME and other data"));
    CU_ASSERT_EQUAL(dns_db_add_records(db, NULL, NULL, dup, 1, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "inline records need the zone's origin");
    CU_ASSERT_EQUAL(dns_db_add_records(db, "example.com", "", dup, 1, &err), -1);
    /* None of the failures left a zone behind. */
    dt_msg_t m;
    dt_query(db, "a.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "REFUSED");
    dns_db_free(db);
}

static void test_cname_beside_dnssec_data_allowed(void)
{
    const char *rrs[] = {
        "a 300 IN CNAME b",
        "a 300 IN NSEC b.example.com. CNAME RRSIG NSEC",
    };
    dns_db_t *db = dt_db("example.com", rrs, DT_N(rrs));
    dns_db_free(db);
}

static void test_synthetic_soa_without_soa(void)
{
    const char *rrs[] = {"www 300 IN A 192.0.2.1"};
    dns_db_t *db = dt_db("example.com", rrs, 1);
    dt_msg_t m;
    dt_query(db, "nope.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    CU_ASSERT_STRING_EQUAL(m.authority,
                           "example.com. SOA invalid. hostmaster.invalid. 1 3600 600 86400 60");
    CU_ASSERT_EQUAL(m.auth_ttl, DNS_SYNTH_SOA_TTL);
    /* The apex exists (NODATA), even though it owns nothing. */
    dt_query(db, "example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NOERROR");
    CU_ASSERT_EQUAL(m.ancount, 0);
    CU_ASSERT_EQUAL(m.nscount, 1);
    dns_db_free(db);
}

static void test_view_records_independent(void)
{
    dns_db_t *db = dns_db_new();
    errinfo_t err = {{0}};
    const char *def[] = {"www 300 IN A 192.0.2.1"};
    const char *eu[] = {"www 300 IN A 198.51.100.1", "only-eu 300 IN A 198.51.100.2"};
    CU_ASSERT_EQUAL(dns_db_add_records(db, "example.com", NULL, def, 1, &err), 0);
    CU_ASSERT_EQUAL(dns_db_add_records(db, "example.com", "eu", eu, 2, &err), 0);
    dt_msg_t m;
    dt_query(db, "www.example.com", LDNS_RR_TYPE_A, "eu", &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.example.com. A 198.51.100.1");
    dt_query(db, "www.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.example.com. A 192.0.2.1");
    dt_query(db, "only-eu.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    dns_db_free(db);
}

/* ---- D4 changes ---- */

static dns_db_t *change_db(void)
{
    static const char *rrs[] = {
        "@ 300 IN SOA ns hostmaster 1 3600 600 86400 60",
        "www 300 IN A 192.0.2.1",
        "www 300 IN A 192.0.2.2",
        "alias 300 IN CNAME www",
        "deep.a.b 300 IN TXT \"x\"",
    };
    return dt_db("example.com", rrs, DT_N(rrs));
}

static void test_change_add_rr(void)
{
    dns_db_t *db = change_db();
    errinfo_t err = {{0}};
    CU_ASSERT_EQUAL(dns_db_add_rr(db, "example.com", NULL, "www 60 IN A 192.0.2.3", &err), 0);
    CU_ASSERT_EQUAL(dns_db_add_rr(db, "example.com", NULL, "new.example.com. 60 IN A 192.0.2.4",
                                  &err), 0);
    dt_msg_t m;
    dt_query(db, "www.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.example.com. A 192.0.2.1 | www.example.com. A "
                                     "192.0.2.2 | www.example.com. A 192.0.2.3");
    dt_query(db, "new.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "new.example.com. A 192.0.2.4");
    dns_db_free(db);
}

static void test_change_replace_rrset(void)
{
    dns_db_t *db = change_db();
    errinfo_t err = {{0}};
    const char *repl[] = {"www 30 IN A 203.0.113.5", "www.example.com. 30 IN A 203.0.113.6"};
    CU_ASSERT_EQUAL(dns_db_set_rrs(db, "example.com", NULL, "www.example.com", LDNS_RR_TYPE_A,
                                   repl, 2, &err), 0);
    dt_msg_t m;
    dt_query(db, "alias.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "alias.example.com. CNAME www.example.com. | "
                                     "www.example.com. A 203.0.113.5 | www.example.com. A "
                                     "203.0.113.6");
    CU_ASSERT_EQUAL(m.ttl[1], 30);
    /* Replacing a CNAME by another CNAME is legal. */
    const char *cn[] = {"alias 300 IN CNAME elsewhere.example.net."};
    CU_ASSERT_EQUAL(dns_db_set_rrs(db, "example.com", NULL, "alias.example.com",
                                   LDNS_RR_TYPE_CNAME, cn, 1, &err), 0);
    dt_query(db, "alias.example.com", LDNS_RR_TYPE_CNAME, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "alias.example.com. CNAME elsewhere.example.net.");
    dns_db_free(db);
}

static void test_change_remove(void)
{
    dns_db_t *db = change_db();
    errinfo_t err = {{0}};
    CU_ASSERT_EQUAL(dns_db_remove_rr(db, "example.com", NULL, "www 999 IN A 192.0.2.1", &err), 0);
    dt_msg_t m;
    dt_query(db, "www.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "www.example.com. A 192.0.2.2");
    CU_ASSERT_EQUAL(dns_db_set_rrs(db, "example.com", NULL, "www.example.com", LDNS_RR_TYPE_A,
                                   NULL, 0, &err), 0);
    dt_query(db, "www.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    /* Removing the only data below an empty non-terminal removes the non-terminal too. */
    dt_query(db, "a.b.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NOERROR");
    CU_ASSERT_EQUAL(dns_db_remove_rr(db, "example.com", NULL, "deep.a.b 1 IN TXT \"x\"", &err), 0);
    dt_query(db, "a.b.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.rcode, "NXDOMAIN");
    /* Absent records are an error. */
    CU_ASSERT_EQUAL(dns_db_remove_rr(db, "example.com", NULL, "www 300 IN A 192.0.2.1", &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "record 'www 300 IN A 192.0.2.1' is not in the zone example.com");
    /* Removing the SOA leaves the synthetic one. */
    CU_ASSERT_EQUAL(dns_db_set_rrs(db, "example.com", NULL, "example.com", LDNS_RR_TYPE_SOA, NULL,
                                   0, &err), 0);
    dt_query(db, "gone.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.authority,
                           "example.com. SOA invalid. hostmaster.invalid. 1 3600 600 86400 60");
    dns_db_free(db);
}

static void test_change_illegal_rejected(void)
{
    dns_db_t *db = change_db();
    errinfo_t err = {{0}};
    dt_msg_t m;
    CU_ASSERT_EQUAL(dns_db_add_rr(db, "example.com", NULL, "alias 300 IN A 192.0.2.9", &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "record 'alias 300 IN A 192.0.2.9': alias.example.com. has a "
                                    "CNAME and other data");
    const char *cn[] = {"www 300 IN CNAME alias"};
    CU_ASSERT_EQUAL(dns_db_set_rrs(db, "example.com", NULL, "www.example.com", LDNS_RR_TYPE_CNAME,
                                   cn, 1, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "www.example.com. would have a CNAME and other data");
    const char *dup[] = {"www 300 IN A 192.0.2.1", "www 60 IN A 192.0.2.1"};
    CU_ASSERT_EQUAL(dns_db_set_rrs(db, "example.com", NULL, "www.example.com", LDNS_RR_TYPE_A,
                                   dup, 2, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "record 1 ('www 60 IN A 192.0.2.1'): duplicate record");
    const char *wrong[] = {"other 300 IN A 192.0.2.1"};
    CU_ASSERT_EQUAL(dns_db_set_rrs(db, "example.com", NULL, "www.example.com", LDNS_RR_TYPE_A,
                                   wrong, 1, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "record 0 ('other 300 IN A 192.0.2.1') must have owner "
                                    "www.example.com. and type A");
    const char *outside[] = {"www.example.org. 300 IN A 192.0.2.1"};
    CU_ASSERT_EQUAL(dns_db_set_rrs(db, "example.com", NULL, "www.example.org", LDNS_RR_TYPE_A,
                                   outside, 1, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "record 0 ('www.example.org. 300 IN A 192.0.2.1'): "
                                    "www.example.org. is outside the zone example.com.");
    const char *two[] = {"alias 300 IN CNAME a", "alias 300 IN CNAME b"};
    CU_ASSERT_EQUAL(dns_db_set_rrs(db, "example.com", NULL, "alias.example.com",
                                   LDNS_RR_TYPE_CNAME, two, 2, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "alias.example.com.: at most one CNAME record");
    CU_ASSERT_EQUAL(dns_db_add_rr(db, "example.org", NULL, "www 300 IN A 192.0.2.1", &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "no zone example.org to change");
    CU_ASSERT_EQUAL(dns_db_add_rr(db, "example.com", "eu", "www 300 IN A 192.0.2.1", &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "no zone example.com in view eu to change");
    CU_ASSERT_EQUAL(dns_db_add_rr(db, "example.com", NULL, "www 300 IN A", &err), -1);
    CU_ASSERT_EQUAL(dns_db_add_rr(db, "example.com", NULL, "www 300 IN A 192.0.2.1", &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "duplicate record"));
    /* Nothing changed. */
    dt_query(db, "alias.example.com", LDNS_RR_TYPE_A, NULL, &m);
    CU_ASSERT_STRING_EQUAL(m.answer, "alias.example.com. CNAME www.example.com. | "
                                     "www.example.com. A 192.0.2.1 | www.example.com. A "
                                     "192.0.2.2");
    dns_db_free(db);
}

/* ---- D5 script validation ---- */

static void test_script_bad_hex(void)
{
    dns_db_t *db = dns_db_new();
    errinfo_t err = {{0}};
    dns_script_t s = {.hex = "abcd 12zz"};
    CU_ASSERT_EQUAL(dns_db_script(db, "x.test", 1, &s, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "hex: character 'z' at offset 7 is not a hex digit");
    s.hex = "abc";
    CU_ASSERT_EQUAL(dns_db_script(db, "x.test", 1, &s, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "hex: odd number of digits");
    s.hex = "a bc";
    CU_ASSERT_EQUAL(dns_db_script(db, "x.test", 1, &s, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "hex: character ' ' at offset 1 is not a hex digit");
    const char *rr[] = {"x.test. 60 IN A 192.0.2.1"};
    s = (dns_script_t){.hex = "00", .rr_texts = rr, .n = 1};
    CU_ASSERT_EQUAL(dns_db_script(db, "x.test", 1, &s, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "a script gives either records or hex bytes, not both");
    char *big = malloc(2 * 65536 + 1);
    memset(big, 'a', 2 * 65536);
    big[2 * 65536] = '\0';
    s = (dns_script_t){.hex = big};
    CU_ASSERT_EQUAL(dns_db_script(db, "x.test", 1, &s, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "hex: more than 65535 bytes");
    free(big);
    dns_db_free(db);
}

static void test_script_bad_records_and_rcode(void)
{
    dns_db_t *db = dns_db_new();
    errinfo_t err = {{0}};
    const char *rr[] = {"x.test. 60 IN A 192.0.2.1", "x.test. 60 IN A nope"};
    dns_script_t s = {.rr_texts = rr, .n = 2};
    CU_ASSERT_EQUAL(dns_db_script(db, "x.test", 1, &s, &err), -1);
    CU_ASSERT_EQUAL(strncmp(err.msg, "script record 1 ('x.test. 60 IN A nope'): ", 42), 0);
    s = (dns_script_t){.rcode = 16};
    CU_ASSERT_EQUAL(dns_db_script(db, "x.test", 1, &s, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "rcode 16 is out of range (0..15)");
    s = (dns_script_t){.rcode = 2};
    CU_ASSERT_EQUAL(dns_db_script(db, "bad..name", 1, &s, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "scripted name 'bad..name' is not a valid domain name");
    CU_ASSERT_EQUAL(dns_db_script(db, "x.test", 1, NULL, &err), -1);
    CU_ASSERT_EQUAL(dns_db_unscript(db, "x.test", 1, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "no script for x.test type 1");
    dns_db_free(db);
}

/* Text that ldns reads as a record of type 0 ("garbage here": owner "garbage", type "here") is
 * no record: refused wherever records are read, with the index of the record at fault. */
static void test_type0_text_refused(void)
{
    dns_db_t *db = dns_db_new();
    errinfo_t err = {{0}};
    const char *rr[] = {"x.test. 60 IN A 192.0.2.1", "garbage here"};
    dns_script_t s = {.rr_texts = rr, .n = 2};
    CU_ASSERT_EQUAL(dns_db_script(db, "x.test", 1, &s, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "script record 1 ('garbage here'): no known record type "
                                    "after the owner (want e.g. 'www.example.com. 300 IN A "
                                    "192.0.2.1')");
    size_t bad = 99;
    CU_ASSERT_EQUAL(dns_db_add_records_at(db, "test", NULL, rr, 2, &bad, &err), -1);
    CU_ASSERT_EQUAL(bad, 1);
    CU_ASSERT_EQUAL(strncmp(err.msg, "record 1 ('garbage here'): no known record type", 47), 0);
    const char *dup[] = {"a.test. 1 IN A 192.0.2.1", "b.test. 1 IN A 192.0.2.1",
                         "a.test. 1 IN A 192.0.2.1"};
    CU_ASSERT_EQUAL(dns_db_add_records_at(db, "test", NULL, dup, 3, &bad, &err), -1);
    CU_ASSERT_EQUAL(bad, 2);
    CU_ASSERT_EQUAL(dns_db_add_records_at(db, "bad..origin", NULL, dup, 3, &bad, &err), -1);
    CU_ASSERT_EQUAL(bad, 3); /* no single record's fault */
    CU_ASSERT_EQUAL(dns_db_rr_check("garbage here", NULL, &err), -1);
    CU_ASSERT_EQUAL(dns_db_rr_check("www 60 IN A 192.0.2.1", "example.com", &err), 0);
    CU_ASSERT_EQUAL(dns_db_rr_check("www 60 IN A 192.0.2.1", "", &err), 0); /* the root */
    CU_ASSERT_EQUAL(dns_db_rr_check("www 60 IN A 192.0.2.1", "bad..origin", &err), -1);
    CU_ASSERT_EQUAL(dns_db_rr_check("x. 60 IN TYPE999 \\# 0", NULL, &err), 0); /* RFC 3597 */
    char path[] = "/tmp/appcsim-dns-type0-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("$ORIGIN test.\n@ 60 IN A 192.0.2.1\ngarbage here\n", f);
    fclose(f);
    CU_ASSERT_EQUAL(dns_db_add_zone_file(db, path, NULL, NULL, &err), -1);
    char want[128];
    snprintf(want, sizeof want, "%s:3: no known record type after the owner", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    unlink(path);
    dns_db_free(db);
}

/* ---- scale ---- */

/* Writes a zone of n A records spread under 97 parents, loads it and runs 10,000 queries
 * (hits, NXDOMAIN, empty non-terminals), checking every answer. Speed is measured by
 * bench/bench_dns.c, never here. */
static void big_zone_answers(int n)
{
    char path[] = "/tmp/appcsim-dns-huge-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *f = fdopen(fd, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, "$ORIGIN big.test.\n@ 300 IN SOA ns hostmaster 1 3600 600 86400 60\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "h%d.r%d 300 IN A 10.%d.%d.%d\n", i, i % 97, i >> 16, (i >> 8) & 255, i & 255);
    fclose(f);
    dns_db_t *db = dns_db_new();
    errinfo_t err = {{0}};
    CU_ASSERT_EQUAL(dns_db_add_zone_file(db, path, NULL, NULL, &err), 0);
    unlink(path);
    int good = 0;
    for (int i = 0; i < 10000; i++) {
        char name[64];
        int h = i % n;
        if (i % 3 == 0)
            snprintf(name, sizeof name, "h%d.r%d.big.test", h, h % 97);
        else if (i % 3 == 1)
            snprintf(name, sizeof name, "x%d.r%d.big.test", h, h % 97);
        else
            snprintf(name, sizeof name, "r%d.big.test", h % 97);
        dns_answer_t a;
        if (dns_resolve(db, name, LDNS_RR_TYPE_A, 1, NULL, &a, &err) == 0) {
            int want = i % 3 == 1 ? LDNS_RCODE_NXDOMAIN : LDNS_RCODE_NOERROR;
            unsigned want_an = i % 3 == 0 ? 1 : 0;
            good += a.rcode == want && a.ancount == want_an;
        }
        dns_answer_clear(&a);
    }
    CU_ASSERT_EQUAL(good, 10000);
    dns_db_free(db);
}

static void test_huge_zone_loads_and_answers(void)
{
    big_zone_answers(1000);
    big_zone_answers(10000);
}

/* Loads one RRset of n A records into a fresh db, returned in *out. */
static void load_rrset(int n, dns_db_t **out)
{
    char **texts = malloc((size_t)n * sizeof *texts);
    for (int i = 0; i < n; i++) {
        texts[i] = malloc(64);
        snprintf(texts[i], 64, "many 300 IN A 10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
    }
    dns_db_t *db = dns_db_new();
    errinfo_t err = {{0}};
    CU_ASSERT_EQUAL(dns_db_add_records(db, "big.test", NULL, (const char *const *)texts,
                                       (size_t)n, &err), 0);
    for (int i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    *out = db;
}

static void test_huge_rrset_loads(void)
{
    enum { N = 10000 };
    dns_db_t *db;
    load_rrset(N, &db);
    errinfo_t err = {{0}};
    /* The whole set cannot fit in a DNS message: the answer keeps what fits, in order, TC. */
    dns_answer_t a;
    CU_ASSERT_EQUAL_FATAL(dns_resolve(db, "many.big.test", LDNS_RR_TYPE_A, 7, NULL, &a, &err), 0);
    CU_ASSERT_TRUE(a.truncated);
    CU_ASSERT(a.len <= DNS_MAX_MESSAGE);
    CU_ASSERT(a.len > DNS_MAX_MESSAGE - 64);
    dt_msg_t m;
    dt_parse(a.wire, a.len, &m);
    CU_ASSERT_TRUE(m.ok);
    CU_ASSERT_TRUE(m.tc);
    CU_ASSERT_EQUAL(m.ancount, a.ancount);
    CU_ASSERT(m.ancount > 1000 && m.ancount < N);
    CU_ASSERT_EQUAL(m.nscount, 0);
    CU_ASSERT_STRING_EQUAL(a.first_addr, "10.0.0.0");
    CU_ASSERT_EQUAL(strncmp(m.answer, "many.big.test. A 10.0.0.0 | many.big.test. A 10.0.0.1 |",
                            55), 0);
    dns_answer_clear(&a);
    dns_db_free(db);
}

void suite_dns_db(void);
void suite_dns_db(void)
{
    static CU_TestInfo tests[] = {
        {"D1 zone file loads, origin from $ORIGIN", test_file_loads_with_origin_from_dollar_origin},
        {"D1 zone file origin from a leading SOA", test_file_origin_from_leading_soa},
        {"D1 zone file TTL defaults: $TTL, else the previous record's", test_file_ttl_rules},
        {"D1 CNAME plus A at one name is a load error naming file:line",
         test_cname_plus_a_names_file_line},
        {"D1 duplicate record (case, TTL aside) is a load error naming file:line",
         test_duplicate_names_file_line},
        {"D1 zone file syntax error names file:line", test_syntax_error_names_file_line},
        {"D1 syntax error on a last line without newline names that line",
         test_syntax_error_last_line_without_newline},
        {"D1 record outside the origin is a load error", test_outside_origin_is_error},
        {"D1 $INCLUDE is refused with file:line", test_include_refused},
        {"D1 missing zone file: the error names it", test_missing_file_named},
        {"D1 empty zone file is an error", test_empty_file_is_error},
        {"D1 a directory is not a zone file", test_directory_is_error},
        {"D1 no way to tell the origin is an error", test_no_origin_is_error},
        {"D1 a failed load changes nothing", test_failed_load_changes_nothing},
        {"D1 inline record errors name the record", test_inline_errors_name_record},
        {"D1 CNAME beside DNSSEC records is allowed", test_cname_beside_dnssec_data_allowed},
        {"D1 a zone without SOA answers negatives with the synthetic SOA",
         test_synthetic_soa_without_soa},
        {"D3 views of one zone hold independent records", test_view_records_independent},
        {"D4 change: add a record", test_change_add_rr},
        {"D4 change: replace an RRset", test_change_replace_rrset},
        {"D4 change: remove records and RRsets", test_change_remove},
        {"D4 change: illegal changes are rejected and change nothing",
         test_change_illegal_rejected},
        {"D5 script: bad hex is an error", test_script_bad_hex},
        {"D5 script: bad records, rcode, name are errors", test_script_bad_records_and_rcode},
        {"D1 D5 text read as a record of type 0 is refused everywhere", test_type0_text_refused},
        {"D1 huge zone (10,000 records) loads and answers every query right",
         test_huge_zone_loads_and_answers},
        {"D1 one RRset of 10,000 records loads; its answer is cut to 65535 bytes with TC",
         test_huge_rrset_loads},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("dns_db", tests);
}
