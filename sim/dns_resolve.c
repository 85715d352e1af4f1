/* dns_resolve: D1/D2 lookup over a dns_db and the wire message built from it with ldns. */
#include "dns_resolve.h"
#include "dns_memo.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

bool dns_qtype_is_meta(uint16_t qtype)
{
    return qtype == LDNS_RR_TYPE_ANY || qtype == LDNS_RR_TYPE_AXFR ||
           qtype == LDNS_RR_TYPE_IXFR || qtype == LDNS_RR_TYPE_MAILB ||
           qtype == LDNS_RR_TYPE_MAILA;
}

void dns_result_clear(dns_result_t *r)
{
    if (r == NULL)
        return;
    ldns_rr_list_deep_free(r->answer);
    ldns_rr_free(r->soa);
    memset(r, 0, sizeof *r);
}

void dns_answer_clear(dns_answer_t *a)
{
    if (a == NULL)
        return;
    free(a->wire);
    memset(a, 0, sizeof *a);
}

/* Appends a copy of rr, with its owner replaced by `owner` when non-NULL (wildcards). */
static int push_copy(ldns_rr_list *list, const ldns_rr *rr, const ldns_rdf *owner)
{
    ldns_rr *c = ldns_rr_clone(rr);
    if (c == NULL)
        return -1;
    if (owner != NULL) {
        ldns_rdf *o = ldns_rdf_clone(owner);
        if (o == NULL) {
            ldns_rr_free(c);
            return -1;
        }
        ldns_rdf_deep_free(ldns_rr_owner(c));
        ldns_rr_set_owner(c, o);
    }
    if (!ldns_rr_list_push_rr(list, c)) {
        ldns_rr_free(c);
        return -1;
    }
    return 0;
}

/* The zone's SOA for a negative answer, its TTL capped by the SOA minimum (RFC 2308 5). */
static ldns_rr *negative_soa(const dns_view_t *view)
{
    ldns_rr *soa = ldns_rr_clone(dns_view_soa(view));
    if (soa != NULL && ldns_rr_rd_count(soa) >= 7) {
        uint32_t minimum = ldns_rdf2native_int32(ldns_rr_rdf(soa, 6));
        if (minimum < ldns_rr_ttl(soa))
            ldns_rr_set_ttl(soa, minimum);
    }
    return soa;
}

enum { FOUND_DATA, FOUND_EMPTY, FOUND_NOTHING };

/* Name exists: it owns data or lies above data (an empty non-terminal). The apex always
 * exists. */
static bool name_exists(const dns_view_t *view, const ldns_rdf *lc)
{
    return dns_view_node(view, lc) != NULL || dns_view_has_below(view, lc) ||
           ldns_dname_compare(lc, dns_view_origin(view)) == 0;
}

/* D1 lookup of the lower-cased name lc in the view: FOUND_DATA with *node (and *wildcard when
 * it is the wildcard node of the closest encloser), FOUND_EMPTY for a name or wildcard that
 * exists without data, FOUND_NOTHING for NXDOMAIN. */
static int lookup(const dns_view_t *view, const ldns_rdf *lc, const dns_node_t **node,
                  bool *wildcard)
{
    *wildcard = false;
    if ((*node = dns_view_node(view, lc)) != NULL)
        return FOUND_DATA;
    if (name_exists(view, lc))
        return FOUND_EMPTY;
    /* RFC 4592 3.3.1: find the closest encloser, walking up the suffixes of lc (stack rdfs
     * into its wire form) until one exists; the origin always does. */
    const uint8_t *wire = ldns_rdf_data(lc);
    size_t size = ldns_rdf_size(lc);
    if (size <= 1)
        return FOUND_NOTHING;
    size_t off = (size_t)wire[0] + 1;
    ldns_rdf ce = {._size = size - off, ._type = LDNS_RDF_TYPE_DNAME, ._data = (void *)(wire + off)};
    while (!name_exists(view, &ce)) {
        if (ce._size <= 1)
            return FOUND_NOTHING; /* not reached: the view's origin encloses lc and exists */
        off += (size_t)wire[off] + 1;
        ce._size = size - off;
        ce._data = (void *)(wire + off);
    }
    /* The source of synthesis: "*." + closest encloser. */
    uint8_t star[LDNS_MAX_DOMAINLEN + 1];
    if (ce._size + 2 > LDNS_MAX_DOMAINLEN)
        return FOUND_NOTHING;
    star[0] = 1;
    star[1] = '*';
    memcpy(star + 2, ce._data, ce._size);
    ldns_rdf wc = {._size = ce._size + 2, ._type = LDNS_RDF_TYPE_DNAME, ._data = star};
    if ((*node = dns_view_node(view, &wc)) != NULL) {
        *wildcard = true;
        return FOUND_DATA;
    }
    return dns_view_has_below(view, &wc) ? FOUND_EMPTY : FOUND_NOTHING;
}

static void servfail(dns_result_t *out)
{
    while (ldns_rr_list_rr_count(out->answer) > 0)
        ldns_rr_free(ldns_rr_list_pop_rr(out->answer));
    out->chain_len = 0;
    out->rcode = LDNS_RCODE_SERVFAIL;
}

int dns_resolve_result(const dns_db_t *db, const ldns_rdf *qname, uint16_t qtype,
                       const char *region, bool use_scripts, dns_result_t *out, errinfo_t *err)
{
    ldns_rdf *lc = NULL;
    memset(out, 0, sizeof *out);
    if (use_scripts && (out->script = dns_db_script_find(db, qname, qtype)) != NULL) {
        out->rcode = out->script->raw ? -1 : out->script->rcode;
        rules_mark(&out->rules, RULE_D5);
        return 0;
    }
    if ((out->answer = ldns_rr_list_new()) == NULL)
        goto oom;
    if (dns_qtype_is_meta(qtype)) {
        out->rcode = LDNS_RCODE_NOTIMPL;
        rules_mark(&out->rules, RULE_D2);
        return 0;
    }
    const ldns_rdf *visited[DNS_MAX_CHAIN + 1];
    size_t nvisited = 0;
    visited[nvisited++] = qname;
    const ldns_rdf *cur = qname;
    for (;;) {
        ldns_rdf_deep_free(lc);
        if ((lc = ldns_rdf_clone(cur)) == NULL)
            goto oom;
        ldns_dname2canonical(lc);
        unsigned how;
        const dns_view_t *view = dns_db_view_pick(db, lc, region, &how);
        if (view == NULL) {
            out->rcode = LDNS_RCODE_REFUSED;
            rules_mark(&out->rules, RULE_D1);
            break;
        }
        if (how & DNS_PICK_REGIONAL)
            rules_mark(&out->rules, RULE_D3);
        if (how & DNS_PICK_NESTED)
            rules_mark(&out->rules, RULE_D1);
        const dns_node_t *node;
        bool wildcard;
        int found = lookup(view, lc, &node, &wildcard);
        if (wildcard || found != FOUND_DATA) /* synthesis, NXDOMAIN, or NODATA of an ENT */
            rules_mark(&out->rules, RULE_D1);
        if (found == FOUND_NOTHING || found == FOUND_EMPTY) {
            out->rcode = found == FOUND_NOTHING ? LDNS_RCODE_NXDOMAIN : LDNS_RCODE_NOERROR;
            if ((out->soa = negative_soa(view)) == NULL)
                goto oom;
            break;
        }
        const ldns_rdf *owner = wildcard ? cur : NULL;
        const dns_rrset_t *set = dns_node_rrset(node, qtype);
        if (set != NULL && (qtype == LDNS_RR_TYPE_CNAME || dns_rrset_count(set) >= 2))
            rules_mark(&out->rules, RULE_D2); /* the CNAME itself, not followed; or records
                                                 to list in zone-file order */
        if (set != NULL) {
            for (size_t i = 0; i < dns_rrset_count(set); i++)
                if (push_copy(out->answer, dns_rrset_rr(set, i), owner) != 0)
                    goto oom;
            out->rcode = LDNS_RCODE_NOERROR;
            break;
        }
        const dns_rrset_t *cname =
            qtype != LDNS_RR_TYPE_CNAME ? dns_node_rrset(node, LDNS_RR_TYPE_CNAME) : NULL;
        if (cname == NULL) {
            out->rcode = LDNS_RCODE_NOERROR;
            if ((out->soa = negative_soa(view)) == NULL)
                goto oom;
            break;
        }
        rules_mark(&out->rules, RULE_D2); /* a CNAME to follow, or the limit */
        if (out->chain_len == DNS_MAX_CHAIN) {
            servfail(out);
            break;
        }
        const ldns_rr *link = dns_rrset_rr(cname, 0);
        if (push_copy(out->answer, link, owner) != 0)
            goto oom;
        out->chain_len++;
        const ldns_rdf *target = ldns_rr_rdf(link, 0);
        bool loop = false;
        for (size_t i = 0; i < nvisited && !loop; i++)
            loop = ldns_dname_compare(target, visited[i]) == 0;
        if (loop) {
            servfail(out);
            break;
        }
        visited[nvisited++] = target;
        cur = target;
    }
    ldns_rdf_deep_free(lc);
    return 0;
oom:
    ldns_rdf_deep_free(lc);
    dns_result_clear(out);
    errinfo_set(err, "out of memory");
    return -1;
}

static void summarise(const ldns_rr_list *answer, size_t count, dns_answer_t *out)
{
    out->ancount = (unsigned)count;
    for (size_t i = 0; i < count; i++) {
        const ldns_rr *rr = ldns_rr_list_rr(answer, i);
        const ldns_rdf *rd = ldns_rr_rd_count(rr) > 0 ? ldns_rr_rdf(rr, 0) : NULL;
        if (rd == NULL)
            continue;
        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A && ldns_rdf_size(rd) == 4) {
            inet_ntop(AF_INET, ldns_rdf_data(rd), out->first_addr, sizeof out->first_addr);
            return;
        }
        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_AAAA && ldns_rdf_size(rd) == 16) {
            inet_ntop(AF_INET6, ldns_rdf_data(rd), out->first_addr, sizeof out->first_addr);
            return;
        }
    }
}

static int build_raw(const dns_scripted_t *s, uint16_t id, dns_answer_t *out, errinfo_t *err)
{
    out->scripted = true;
    out->rcode = -1;
    if (s->wire_len == 0)
        return 0;
    if ((out->wire = malloc(s->wire_len)) == NULL) {
        errinfo_set(err, "out of memory");
        return -1;
    }
    memcpy(out->wire, s->wire, s->wire_len);
    out->len = s->wire_len;
    if (out->len >= 2) {
        out->wire[0] = (uint8_t)(id >> 8);
        out->wire[1] = (uint8_t)id;
    }
    /* K1 takes the header's rcode only from a message ldns can parse: bytes it cannot (a
     * header cut short, counts beyond the data, a bad pointer) answer nothing and are a
     * failure, whatever their fourth byte says. */
    ldns_pkt *pkt = NULL;
    if (ldns_wire2pkt(&pkt, out->wire, out->len) == LDNS_STATUS_OK)
        out->rcode = (int)ldns_pkt_get_rcode(pkt);
    ldns_pkt_free(pkt);
    return 0;
}

/* Lends rr to the packet: build_wire takes it back before freeing the packet, so that records
 * are not copied just to be written. ldns only reads them. */
static bool lend_rr(ldns_pkt *pkt, ldns_pkt_section section, const ldns_rr *rr)
{
    return ldns_pkt_push_rr(pkt, section, (ldns_rr *)rr);
}

#define WIRE_START_CAP 512 /* bytes; the buffer grows as needed */

/* Builds the wire message with the first `count` records of answer and, when given, the SOA in
 * the authority section. ldns_pkt2buffer_wire is what ldns_pkt2wire calls (same bytes, same
 * compression); it is called directly to start from a small buffer instead of a 64 KiB one. */
static ldns_status build_wire(const ldns_rdf *qname, uint16_t qtype, uint16_t id, int rcode,
                              const ldns_rr_list *answer, size_t count, const ldns_rr *soa,
                              bool tc, uint8_t **wire, size_t *len)
{
    ldns_pkt *pkt = ldns_pkt_new();
    ldns_rr *q = ldns_rr_new();
    ldns_rdf *qn = ldns_rdf_clone(qname);
    bool ok = pkt != NULL && q != NULL && qn != NULL;
    if (ok) {
        ldns_pkt_set_id(pkt, id);
        ldns_pkt_set_qr(pkt, true);
        ldns_pkt_set_aa(pkt, true);
        ldns_pkt_set_tc(pkt, tc);
        ldns_pkt_set_rd(pkt, true);
        ldns_pkt_set_ra(pkt, true);
        ldns_pkt_set_opcode(pkt, LDNS_PACKET_QUERY);
        ldns_pkt_set_rcode(pkt, (uint8_t)rcode);
        ldns_rr_set_owner(q, qn);
        qn = NULL;
        ldns_rr_set_type(q, qtype);
        ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
        ldns_rr_set_question(q, true);
        ok = ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, q);
        if (ok)
            q = NULL;
    }
    for (size_t i = 0; ok && i < count; i++)
        ok = lend_rr(pkt, LDNS_SECTION_ANSWER, ldns_rr_list_rr(answer, i));
    if (ok && soa != NULL)
        ok = lend_rr(pkt, LDNS_SECTION_AUTHORITY, soa);
    ldns_buffer *buf = ok ? ldns_buffer_new(WIRE_START_CAP) : NULL;
    ldns_status s = buf != NULL ? ldns_pkt2buffer_wire(buf, pkt) : LDNS_STATUS_MEM_ERR;
    *wire = NULL;
    *len = 0;
    if (s == LDNS_STATUS_OK) {
        /* A copy of exactly the message, which also leaves the buffer its own bytes. */
        if ((*wire = malloc(ldns_buffer_position(buf))) != NULL) {
            *len = ldns_buffer_position(buf);
            memcpy(*wire, ldns_buffer_begin(buf), *len);
        } else {
            s = LDNS_STATUS_MEM_ERR;
        }
    }
    ldns_buffer_free(buf);
    if (pkt != NULL) {
        /* The lent records go back before the packet frees its sections. */
        ldns_rr_list_set_rr_count(ldns_pkt_answer(pkt), 0);
        ldns_rr_list_set_rr_count(ldns_pkt_authority(pkt), 0);
    }
    ldns_rr_free(q);
    ldns_rdf_deep_free(qn);
    ldns_pkt_free(pkt);
    return s;
}

int dns_answer_build(const ldns_rdf *qname, uint16_t qtype, uint16_t id, const dns_result_t *r,
                     dns_answer_t *out, errinfo_t *err)
{
    memset(out, 0, sizeof *out);
    if (r->script != NULL && r->script->raw) {
        int rc = build_raw(r->script, id, out, err);
        if (rc == 0)
            out->d_rules = dns_rules_pack(r->rules | rules_of(RULE_D5));
        return rc;
    }
    const ldns_rr_list *answer = r->script != NULL ? r->script->rrs : r->answer;
    size_t n = answer != NULL ? ldns_rr_list_rr_count(answer) : 0;
    int rcode = r->script != NULL ? r->script->rcode : r->rcode;
    ldns_status s = build_wire(qname, qtype, id, rcode, answer, n, r->soa, false, &out->wire,
                               &out->len);
    size_t kept = n;
    if (s == LDNS_STATUS_OK && out->len > DNS_MAX_MESSAGE) {
        /* Too big for any DNS transport: keep the longest prefix of the answer section that
         * fits, with TC set, as a server must (RFC 2181 9). Found by bisection. */
        size_t lo = 0, hi = n - 1;
        while (lo < hi) {
            size_t mid = lo + (hi - lo + 1) / 2, len = 0;
            uint8_t *w = NULL;
            s = build_wire(qname, qtype, id, rcode, answer, mid, NULL, true, &w, &len);
            free(w);
            if (s != LDNS_STATUS_OK)
                break;
            if (len <= DNS_MAX_MESSAGE)
                lo = mid;
            else
                hi = mid - 1;
        }
        free(out->wire);
        out->wire = NULL;
        kept = lo;
        if (s == LDNS_STATUS_OK)
            s = build_wire(qname, qtype, id, rcode, answer, kept, NULL, true, &out->wire,
                           &out->len);
    }
    if (s != LDNS_STATUS_OK) {
        free(out->wire);
        memset(out, 0, sizeof *out);
        errinfo_set(err, "cannot build the DNS message: %s", ldns_get_errorstr_by_id(s));
        return -1;
    }
    out->rcode = rcode;
    out->truncated = kept < n;
    out->scripted = r->script != NULL;
    out->d_rules = dns_rules_pack(r->rules | (out->scripted ? rules_of(RULE_D5) : 0));
    out->chain_len = r->script != NULL ? 0 : (unsigned)(r->chain_len < kept ? r->chain_len : kept);
    if (answer != NULL)
        summarise(answer, kept, out);
    return 0;
}

int dns_resolve(const dns_db_t *db, const char *qname, uint16_t qtype, uint16_t id,
                const char *region, dns_answer_t *out, errinfo_t *err)
{
    memset(out, 0, sizeof *out);
    /* The same question, asked again of the same contents, gets the same bytes (dns_memo.h). */
    dns_memo_t *memo = dns_db_memo(db);
    uint64_t generation = dns_db_generation(db);
    if (dns_memo_get(memo, generation, qname, qtype, region, id, out))
        return 0;
    ldns_rdf *name = qname != NULL ? ldns_dname_new_frm_str(qname) : NULL;
    if (name == NULL) {
        errinfo_set(err, "query name '%s' is not a valid domain name", qname ? qname : "(null)");
        return -1;
    }
    dns_result_t r;
    int rc = dns_resolve_result(db, name, qtype, region, true, &r, err);
    if (rc == 0)
        rc = dns_answer_build(name, qtype, id, &r, out, err);
    if (rc == 0)
        dns_memo_put(memo, generation, qname, qtype, region, out);
    dns_result_clear(&r);
    ldns_rdf_deep_free(name);
    return rc;
}
