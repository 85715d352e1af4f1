/* Out-of-memory sweeps of model/conn (tests/support_oom). conn.h: "Every function leaves the
 * state unchanged when it fails." Each operation (apply_config, observe_response, restart,
 * expire, import, export, foreach_record) is run on a prepared connector with its 1st, 2nd, ...
 * allocation failing, under every combination of store_routes (C6) and a learned-route TTL (L5);
 * it must fail with its documented status (-1, CONN_OBSERVE_NOMEM with a message) and leave the
 * advertised set (C3), the records (L3, with their last routed times, L5), the orphans (C6), the
 * next expiry and its output exactly as they were. Retried without injection it must then give
 * what a connector that never failed gives, and so must a sequence of later operations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "support_dns.h"
#include "support_oom.h"
#include "testutil.h"

#define TTL 1000

/* ---- building blocks: configurations and responses as text ---- */

#define CFG_MAX 16

typedef struct {
    dn_domain_t domains[CFG_MAX];
    pfx_t control[CFG_MAX], manual[CFG_MAX];
    conn_config_t cfg;
} config_t;

/* Space-separated lists; connector false when domains is NULL. */
static void config_of(config_t *c, const char *domains, const char *control, const char *manual)
{
    memset(c, 0, sizeof *c);
    c->cfg.connector = domains != NULL;
    const char *lists[3] = {domains, control, manual};
    for (int k = 0; k < 3; k++) {
        size_t count = 0;
        for (const char *p = lists[k]; p != NULL && *p != '\0';) {
            size_t n = strcspn(p, " ");
            errinfo_t err;
            CU_ASSERT_FATAL(count < CFG_MAX);
            bool ok = k == 0 ? dn_domain_parse(p, n, &c->domains[count], &err)
                             : pfx_parse(p, n, false,
                                         k == 1 ? &c->control[count] : &c->manual[count], &err);
            CU_ASSERT_FATAL(ok);
            count++;
            p += n + (p[n] == ' ');
        }
        if (k == 0)
            c->cfg.n_domains = count;
        else if (k == 1)
            c->cfg.n_control = count;
        else
            c->cfg.n_manual = count;
    }
    c->cfg.domains = c->domains;
    c->cfg.control_routes = c->control;
    c->cfg.manual_routes = c->manual;
}

static void configure(conn_t *c, const char *domains, const char *control, const char *manual)
{
    config_t cfg;
    config_of(&cfg, domains, control, manual);
    CU_ASSERT_FATAL(conn_apply_config(c, &cfg.cfg, 0, NULL) >= 0);
}

typedef struct {
    uint8_t *wire;
    size_t len;
} wire_t;

/* Responses are made by ldns from text, which costs more than everything else a sweep step
 * does: each distinct list of records is made once and kept here (static, so nothing leaks). */
#define WIRE_CACHE 16
static struct {
    char key[4096];
    uint8_t wire[4096];
    size_t len;
} wire_cache[WIRE_CACHE];
static size_t n_wire_cached;

static wire_t response_of(const char *const *rrs)
{
    char key[sizeof wire_cache[0].key];
    size_t at = 0;
    for (size_t i = 0; rrs[i] != NULL && at < sizeof key; i++)
        at += (size_t)snprintf(key + at, sizeof key - at, "%s\n", rrs[i]);
    CU_ASSERT_FATAL(at < sizeof key);
    wire_t w;
    for (size_t i = 0; i < n_wire_cached; i++)
        if (strcmp(wire_cache[i].key, key) == 0) {
            w.len = wire_cache[i].len;
            w.wire = malloc(w.len);
            memcpy(w.wire, wire_cache[i].wire, w.len);
            return w;
        }
    w.wire = dns_response(&w.len, rrs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w.wire);
    if (n_wire_cached < WIRE_CACHE && w.len <= sizeof wire_cache[0].wire) {
        memcpy(wire_cache[n_wire_cached].key, key, at + 1);
        memcpy(wire_cache[n_wire_cached].wire, w.wire, w.len);
        wire_cache[n_wire_cached++].len = w.len;
    }
    return w;
}

static void observe(conn_t *c, int64_t now, const char *const *rrs)
{
    wire_t w = response_of(rrs);
    errinfo_t err;
    CU_ASSERT_FATAL(conn_observe_response(c, w.wire, w.len, now, NULL, &err) >= 0);
    free(w.wire);
}

#define RRS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Twenty-two names for one address (holder vectors grow), a new address, a new pair for a known
 * name and address, a CNAME chain: everything observe_new allocates for. */
static const char *const *rrs_new_many(void)
{
    static char text[40][96];
    static const char *rrs[41];
    size_t n = 0;
    for (int i = 0; i < 22; i++)
        snprintf(text[n++], sizeof text[0], "y%d.example.com. 60 IN A 198.51.100.1", i);
    snprintf(text[n++], sizeof text[0], "fresh.example.com. 60 IN CNAME new.example.com.");
    snprintf(text[n++], sizeof text[0], "new.example.com. 60 IN A 198.51.100.77");
    snprintf(text[n++], sizeof text[0], "new.example.com. 60 IN AAAA 2001:db8::77");
    snprintf(text[n++], sizeof text[0], "a.example.com. 60 IN A 198.51.100.2");
    snprintf(text[n++], sizeof text[0], "b.example.com. 60 IN A 198.51.100.1");
    for (size_t i = 0; i < n; i++)
        rrs[i] = text[i];
    rrs[n] = NULL;
    return rrs;
}

/* ---- the prepared connector ---- */

#define BASE_DOMAINS "*.example.com app.example.net svc.example.org *.shared.test"
#define BASE_CONTROL "10.99.0.0/16"
#define BASE_MANUAL "192.168.7.0/24"

/* A connector that has learned shared addresses (holder vectors), CNAME chains, absorbed
 * addresses (C3), and that holds orphans (C6: from a configuration change with store_routes
 * off, and from an import with either setting). */
static conn_t *prepared(bool store_routes, int64_t ttl, bool big)
{
    conn_settings_t s = {.store_routes = store_routes, .learned_route_ttl = ttl};
    conn_t *c = conn_new(&s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    configure(c, BASE_DOMAINS " *.gone.test", BASE_CONTROL " 10.98.0.0/16", BASE_MANUAL);
    observe(c, 10,
            RRS("a.example.com. 60 IN A 198.51.100.1", "b.example.com. 60 IN A 198.51.100.1",
                "c.example.com. 60 IN A 198.51.100.1", "app.example.net. 60 IN A 198.51.100.2",
                "app.example.net. 60 IN AAAA 2001:db8::2", "h.gone.test. 60 IN A 198.51.100.50"));
    observe(c, 20,
            RRS("alias.example.com. 60 IN CNAME svc.example.org.",
                "svc.example.org. 60 IN A 203.0.113.5", "svc.example.org. 60 IN A 10.99.1.1",
                "svc.example.org. 60 IN A 192.168.7.7"));
    observe(c, 30,
            RRS("x1.shared.test. 60 IN A 198.51.100.9", "x2.shared.test. 60 IN A 198.51.100.9",
                "x3.shared.test. 60 IN A 198.51.100.9", "x4.shared.test. 60 IN A 198.51.100.9",
                "x5.shared.test. 60 IN A 198.51.100.9", "x6.shared.test. 60 IN A 198.51.100.9",
                "x6.shared.test. 60 IN A 198.51.100.10"));
    if (big) { /* enough host routes that rebuilding Adv grows its node pool */
        static char text[40][64];
        const char *rrs[41];
        for (int i = 0; i < 40; i++) {
            snprintf(text[i], sizeof text[i], "bulk%d.example.com. 60 IN A 198.18.%d.%d", i,
                     i / 16, i % 16 * 8 + 1);
            rrs[i] = text[i];
        }
        rrs[40] = NULL;
        observe(c, 32, rrs);
    }
    configure(c, BASE_DOMAINS, BASE_CONTROL, BASE_MANUAL); /* store_routes off: orphans */
    /* An imported orphan, with either setting. */
    conn_state_t st;
    CU_ASSERT_FATAL(conn_export(c, &st) == 0);
    pfx_t *orphans = malloc((st.n_orphans + 1) * sizeof *orphans);
    memcpy(orphans, st.orphans, st.n_orphans * sizeof *orphans);
    errinfo_t err;
    CU_ASSERT_FATAL(pfx_parse("203.0.113.200/32", 16, false, &orphans[st.n_orphans], &err));
    conn_state_t with = st;
    with.orphans = orphans;
    with.n_orphans = st.n_orphans + 1;
    CU_ASSERT_FATAL(conn_import(c, &with, 35, NULL, &err) >= 0);
    free(orphans);
    conn_state_clear(&st);
    return c;
}

/* ---- snapshots ---- */

static bool put_prefix(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)value;
    char t[PFX_TEXT_MAX];
    pfx_format(p, t);
    fprintf(ctx, " %s", t);
    return true;
}

static bool put_record(const char *name, const pfx_addr_t *addr, int64_t last, void *ctx)
{
    char t[PFX_ADDR_TEXT_MAX];
    pfx_addr_format(addr, t);
    fprintf(ctx, " %s=%s@%lld", name, t, (long long)last);
    return true;
}

static void put_change(FILE *f, const char *label, int rc, const conn_change_t *ch)
{
    fprintf(f, "%s rc %d:", label, rc);
    for (size_t i = 0; i < ch->n_add; i++) {
        char t[PFX_TEXT_MAX];
        pfx_format(&ch->add[i], t);
        fprintf(f, " +%s", t);
    }
    for (size_t i = 0; i < ch->n_remove; i++) {
        char t[PFX_TEXT_MAX];
        pfx_format(&ch->remove[i], t);
        fprintf(f, " -%s", t);
    }
    fputc('\n', f);
}

static void put_export(FILE *f, const conn_state_t *st)
{
    fprintf(f, "export %zu records:", st->n_records);
    for (size_t i = 0; i < st->n_records; i++) {
        char t[PFX_ADDR_TEXT_MAX];
        pfx_addr_format(&st->records[i].addr, t);
        fprintf(f, " %s=%s@%lld", st->records[i].name, t, (long long)st->records[i].last_routed);
    }
    fprintf(f, "; %zu orphans:", st->n_orphans);
    for (size_t i = 0; i < st->n_orphans; i++)
        put_prefix(&st->orphans[i], 0, f);
    fprintf(f, "; names %s\n", st->names != NULL ? "set" : "NULL");
}

/* Everything observable of a connector. */
static void put_conn(FILE *f, const conn_t *c)
{
    fputs("adv:", f);
    pfxset_foreach(conn_advertised(c), put_prefix, f);
    fputs("\nrecords:", f);
    conn_foreach_record(c, put_record, f);
    conn_state_t st;
    if (conn_export(c, &st) == 0) {
        fputs("\norphans:", f);
        for (size_t i = 0; i < st.n_orphans; i++)
            put_prefix(&st.orphans[i], 0, f);
        conn_state_clear(&st);
    } else {
        fputs("\n(export failed)", f);
    }
    fprintf(f, "\nnext expiry %lld\n", (long long)conn_next_expiry(c));
}

/* ---- the cases ---- */

enum {
    OP_OBSERVE_NEW,     /* names, addresses, pairs and holders to add */
    OP_OBSERVE_PAIR,    /* one new pair of a known name and a known address */
    OP_OBSERVE_KNOWN,   /* nothing new: times only */
    OP_CONFIG_CHANGE,   /* names, control routes and orphans leave; a manual route arrives */
    OP_CONFIG_SAME,     /* the same configuration again */
    OP_CONFIG_OFF,      /* no longer a connector (C1) */
    OP_RESTART,
    OP_EXPIRE,
    OP_IMPORT,
    OP_EXPORT,
    OP_FOREACH,
    OP_OBSERVE_FIRST, /* a large first response: every buffer and table starts empty */
};

static const char *const op_names[] = {
    "observe (new names, addresses, holders)", "observe (a new pair)", "observe (all known)",
    "apply_config (a change)", "apply_config (the same)", "apply_config (connector off)",
    "restart", "expire", "import", "export", "foreach_record", "observe (a large first one)",
};

typedef struct {
    int op;
    bool store_routes;
    int64_t ttl;
    bool big; /* 40 more learned addresses (and imported orphans) */
} ccase_t;

typedef struct {
    conn_t *c;
    wire_t wire;       /* observe */
    config_t cfg;      /* apply_config */
    conn_state_t in;   /* import */
    conn_state_t out;  /* export */
    conn_change_t ch;
    char *output;      /* the last successful operation's own output as text */
    char *follow_log;  /* the changes of the follow-up operations */
    errinfo_t err;
} cstate_t;

static void *c_prepare(const void *arg)
{
    const ccase_t *cc = arg;
    cstate_t *st = calloc(1, sizeof *st);
    st->c = prepared(cc->store_routes, cc->ttl, cc->big);
    switch (cc->op) {
    case OP_OBSERVE_NEW:
        st->wire = response_of(rrs_new_many());
        break;
    case OP_OBSERVE_FIRST: {
        conn_free(st->c);
        conn_settings_t s = {.store_routes = cc->store_routes, .learned_route_ttl = cc->ttl};
        st->c = conn_new(&s);
        CU_ASSERT_PTR_NOT_NULL_FATAL(st->c);
        configure(st->c, BASE_DOMAINS, BASE_CONTROL, BASE_MANUAL);
        /* 36 new names and addresses: more than the first scratch and Adv's first pool. */
        static char text[36][64];
        const char *rrs[37];
        for (int i = 0; i < 36; i++) {
            snprintf(text[i], sizeof text[i], "first%d.example.com. 60 IN A 198.19.%d.%d", i,
                     i / 16, i % 16 * 4 + 1);
            rrs[i] = text[i];
        }
        rrs[36] = NULL;
        st->wire = response_of(rrs);
        break;
    }
    case OP_OBSERVE_PAIR:
        st->wire = response_of(RRS("a.example.com. 60 IN A 198.51.100.9"));
        break;
    case OP_OBSERVE_KNOWN:
        st->wire = response_of(RRS("alias.example.com. 60 IN CNAME svc.example.org.",
                                   "svc.example.org. 60 IN A 203.0.113.5",
                                   "b.example.com. 60 IN A 198.51.100.1"));
        break;
    case OP_CONFIG_CHANGE:
        config_of(&st->cfg, "*.example.com app.example.net svc.example.org", "10.97.0.0/16",
                  BASE_MANUAL " 203.0.113.0/24 0.0.0.0/0");
        break;
    case OP_CONFIG_SAME:
        config_of(&st->cfg, BASE_DOMAINS, BASE_CONTROL, BASE_MANUAL);
        break;
    case OP_CONFIG_OFF:
        config_of(&st->cfg, NULL, NULL, BASE_MANUAL);
        break;
    case OP_IMPORT: {
        /* Another connector's state: some names this one tracks, some it does not. */
        conn_t *other = conn_new(NULL);
        configure(other, "*.example.com *.other.test", NULL, NULL);
        observe(other, 36,
                RRS("a.example.com. 60 IN A 198.51.100.1", "k.example.com. 60 IN A 198.51.100.1",
                    "m.example.com. 60 IN A 198.51.100.60", "z.other.test. 60 IN A 198.51.100.61",
                    "m.example.com. 60 IN AAAA 2001:db8::60"));
        CU_ASSERT_FATAL(conn_export(other, &st->in) == 0);
        conn_free(other);
        if (cc->big) { /* enough orphans that the new orphan set grows */
            pfx_t *orphans = realloc(st->in.orphans, 40 * sizeof *orphans);
            CU_ASSERT_PTR_NOT_NULL_FATAL(orphans);
            for (unsigned i = 0; i < 40; i++) {
                pfx_addr_t a = pfx_addr_v4(0xc6330000u | i << 4); /* 198.51.x.y/28 */
                orphans[i] = pfx_make(&a, 28);
            }
            st->in.orphans = orphans;
            st->in.n_orphans = 40;
        }
        break;
    }
    default:
        break;
    }
    return st;
}

static char *c_snapshot(void *state)
{
    cstate_t *st = state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    put_conn(f, st->c);
    fprintf(f, "output: %s\nfollow: %s\n", st->output != NULL ? st->output : "(none)",
            st->follow_log != NULL ? st->follow_log : "(none)");
    fclose(f);
    return buf;
}

/* Runs the operation; the output text is made after disarming (it is the test's, not conn's). */
static oom_outcome_t c_run(void *state, const void *arg)
{
    const ccase_t *cc = arg;
    cstate_t *st = state;
    int64_t now = 40;
    int rc;
    oom_outcome_t res;
    switch (cc->op) {
    case OP_OBSERVE_NEW:
    case OP_OBSERVE_FIRST:
    case OP_OBSERVE_PAIR:
    case OP_OBSERVE_KNOWN:
        st->err.msg[0] = '\0';
        rc = conn_observe_response(st->c, st->wire.wire, st->wire.len, now, &st->ch, &st->err);
        res = rc >= 0                  ? OOM_OK
              : rc == CONN_OBSERVE_NOMEM && strstr(st->err.msg, "out of memory") != NULL
                  ? OOM_FAILED
                  : OOM_WRONG;
        break;
    case OP_CONFIG_CHANGE:
    case OP_CONFIG_SAME:
    case OP_CONFIG_OFF:
        rc = conn_apply_config(st->c, &st->cfg.cfg, now, &st->ch);
        res = rc >= 0 ? OOM_OK : rc == -1 ? OOM_FAILED : OOM_WRONG;
        break;
    case OP_RESTART:
        rc = conn_restart(st->c, now, &st->ch);
        res = rc == 0 ? OOM_OK : rc == -1 ? OOM_FAILED : OOM_WRONG;
        break;
    case OP_EXPIRE:
        rc = conn_expire(st->c, 10 + TTL, &st->ch);
        res = rc >= 0 ? OOM_OK : rc == -1 ? OOM_FAILED : OOM_WRONG;
        break;
    case OP_IMPORT:
        st->err.msg[0] = '\0';
        rc = conn_import(st->c, &st->in, now, &st->ch, &st->err);
        res = rc >= 0                                                       ? OOM_OK
              : rc == -1 && strstr(st->err.msg, "out of memory") != NULL ? OOM_FAILED
                                                                          : OOM_WRONG;
        break;
    case OP_EXPORT:
        rc = conn_export(st->c, &st->out);
        /* On failure out is empty (nothing to free). */
        res = rc == 0 ? OOM_OK
              : rc == -1 && st->out.records == NULL && st->out.orphans == NULL &&
                        st->out.names == NULL && st->out.n_records + st->out.n_orphans == 0
                  ? OOM_FAILED
                  : OOM_WRONG;
        break;
    default: {
        /* Never fails: out of memory, it walks the records without allocating. (stdio's
         * memory stream allocates inside libc, which is never injected.) */
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        conn_foreach_record(st->c, put_record, f);
        fclose(f);
        oom_disarm();
        free(st->output);
        st->output = buf;
        return OOM_OK;
    }
    }
    /* Through here the injection may still be armed: the text below is the test's. */
    oom_disarm();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (res == OOM_OK) {
        put_change(f, "change", rc, &st->ch);
        if (cc->op == OP_EXPORT) {
            put_export(f, &st->out);
            conn_state_clear(&st->out);
        }
    } else {
        /* A failed operation reports an empty change (its output is unchanged). */
        if (st->ch.n_add + st->ch.n_remove != 0)
            res = OOM_WRONG;
    }
    fclose(f);
    if (res == OOM_OK) {
        free(st->output);
        st->output = buf;
    } else {
        free(buf);
    }
    return res;
}

/* Later operations on a connector that once failed, each reporting its change into the log:
 * they exercise every table the failed operation may have touched. */
static void c_follow(void *state)
{
    cstate_t *st = state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    errinfo_t err;
    wire_t w = response_of(RRS("q.example.com. 60 IN A 198.51.100.1",
                               "y3.example.com. 60 IN A 198.51.100.88",
                               "app.example.net. 60 IN A 198.51.100.2"));
    int rc = conn_observe_response(st->c, w.wire, w.len, 500, &st->ch, &err);
    put_change(f, "observe", rc, &st->ch);
    free(w.wire);
    config_t cfg;
    config_of(&cfg, "*.example.com svc.example.org *.shared.test", BASE_CONTROL, BASE_MANUAL);
    rc = conn_apply_config(st->c, &cfg.cfg, 600, &st->ch);
    put_change(f, "config", rc, &st->ch);
    rc = conn_expire(st->c, 40 + TTL, &st->ch);
    put_change(f, "expire", rc, &st->ch);
    fprintf(f, "next %lld\n", (long long)conn_next_expiry(st->c));
    conn_state_t ex;
    CU_ASSERT_FATAL(conn_export(st->c, &ex) == 0);
    rc = conn_restart(st->c, 700, &st->ch);
    put_change(f, "restart", rc, &st->ch);
    rc = conn_import(st->c, &ex, 800, &st->ch, &err);
    put_change(f, "import", rc, &st->ch);
    conn_state_clear(&ex);
    rc = conn_expire(st->c, 500 + TTL, &st->ch);
    put_change(f, "expire", rc, &st->ch);
    conn_foreach_record(st->c, put_record, f);
    fclose(f);
    free(st->follow_log);
    st->follow_log = buf;
}

static void c_release(void *state)
{
    cstate_t *st = state;
    conn_free(st->c);
    free(st->wire.wire);
    conn_state_clear(&st->in);
    conn_state_clear(&st->out);
    conn_change_clear(&st->ch);
    free(st->output);
    free(st->follow_log);
    free(st);
}

/* Sweeps op under the four settings (on the big state too when big); returns how many failures
 * were injected in all. */
static unsigned long sweep_op_on(int op, bool big)
{
    unsigned long injected = 0;
    for (int v = 0; v < (big ? 8 : 4); v++) {
        ccase_t cc = {op, v % 4 < 2, v % 2 == 1 ? TTL : 0, v >= 4};
        char name[160];
        snprintf(name, sizeof name, "conn %s, store_routes %s, ttl %lld%s", op_names[op],
                 cc.store_routes ? "on" : "off", (long long)cc.ttl, cc.big ? ", big" : "");
        oom_case_t c = {name, &cc, c_prepare, c_snapshot, c_run, c_follow, c_release,
                        op == OP_FOREACH};
        injected += oom_sweep_any(&c);
    }
    return injected;
}

static unsigned long sweep_op(int op)
{
    return sweep_op_on(op, false);
}

static void test_observe_new(void)
{
    CU_ASSERT(sweep_op_on(OP_OBSERVE_NEW, true) > 0);
}

static void test_observe_first(void)
{
    CU_ASSERT(sweep_op(OP_OBSERVE_FIRST) > 0);
}

static void test_observe_pair(void)
{
    CU_ASSERT(sweep_op(OP_OBSERVE_PAIR) > 0);
}

static void test_observe_known(void)
{
    sweep_op(OP_OBSERVE_KNOWN); /* may allocate nothing once the buffers are warm */
}

static void test_config_change(void)
{
    CU_ASSERT(sweep_op_on(OP_CONFIG_CHANGE, true) > 0);
}

static void test_config_same(void)
{
    CU_ASSERT(sweep_op(OP_CONFIG_SAME) > 0);
}

static void test_config_off(void)
{
    CU_ASSERT(sweep_op_on(OP_CONFIG_OFF, true) > 0);
}

static void test_restart(void)
{
    CU_ASSERT(sweep_op_on(OP_RESTART, true) > 0); /* store_routes off allocates the new orphans */
}

static void test_expire(void)
{
    CU_ASSERT(sweep_op(OP_EXPIRE) > 0); /* with a TTL, the reported change */
}

static void test_import(void)
{
    CU_ASSERT(sweep_op_on(OP_IMPORT, true) > 0);
}

static void test_export(void)
{
    CU_ASSERT(sweep_op(OP_EXPORT) > 0);
}

static void test_foreach(void)
{
    CU_ASSERT(sweep_op(OP_FOREACH) > 0);
}

/* conn_new: NULL at every failure, nothing leaked (ASan checks), and then a working conn. */
static void test_new(void)
{
    unsigned long n = 0;
    for (; n < OOM_SWEEP_MAX; n++) {
        oom_fail_after(n);
        conn_t *c = conn_new(NULL);
        bool triggered = oom_triggered();
        oom_disarm();
        if (!triggered) {
            CU_ASSERT_PTR_NOT_NULL(c);
            CU_ASSERT_EQUAL(pfxset_count(conn_advertised(c)), 0);
            conn_free(c);
            break;
        }
        CU_ASSERT_PTR_NULL(c);
        conn_free(c);
    }
    CU_ASSERT(n > 3);
    CU_ASSERT(n < OOM_SWEEP_MAX);
}

void suite_oom_conn(void);
void suite_oom_conn(void)
{
    static CU_TestInfo tests[] = {
        {"OOM L1 L3 L5 C3: observe (new names, addresses, holders) fails with "
         "CONN_OBSERVE_NOMEM, nothing changed",
         test_observe_new},
        {"OOM L1 L3 C3: observe (a large first response) fails with CONN_OBSERVE_NOMEM, "
         "nothing changed",
         test_observe_first},
        {"OOM L3: observe (one new pair) fails with CONN_OBSERVE_NOMEM, nothing changed",
         test_observe_pair},
        {"OOM L5: observe (all known) never fails but as documented", test_observe_known},
        {"OOM C1 C3 C5 C6: apply_config (a change) fails with -1, nothing changed",
         test_config_change},
        {"OOM N5: apply_config (the same) fails with -1, nothing changed", test_config_same},
        {"OOM C1: apply_config (connector off) fails with -1, nothing changed", test_config_off},
        {"OOM C6: restart fails with -1, nothing changed", test_restart},
        {"OOM L5: expire fails with -1, nothing changed", test_expire},
        {"OOM L3 L5 C6: import fails with -1 and a message, nothing changed", test_import},
        {"OOM: export fails with -1, out empty, nothing changed", test_export},
        {"OOM C7: foreach_record falls back to the same order without allocating",
         test_foreach},
        {"OOM: conn_new fails with NULL at every allocation", test_new},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("oom_conn", tests);
}
