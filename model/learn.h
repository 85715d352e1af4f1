/* learn: what a connector learns from one DNS response (L1-L4).
 *
 * learn_parse reads a response in wire format with ldns's wire functions (header, question,
 * answer section only, L1) into a learn_msg_t: the distinct names of the answer (interned, in
 * order of first appearance), its CNAME edges, and its address records. A malformed message is
 * rejected whole with a message saying what is wrong, and the learn_msg_t is left empty.
 * A "bad compression pointer" is one into the header, or one that does not point strictly
 * back to a prior occurrence (RFC 1035 4.1.4), which also covers every loop; a name longer
 * than 255 octets on the wire cannot be parsed either (RFC 1035 2.3.4), so it makes the
 * message malformed, unlike a name that is merely invalid under N1 (N2).
 *
 * learn_route then applies L2-L4 against the configured domains: an address record with owner o
 * is routed when some name in {o} plus every name from which o can be reached over the CNAME
 * edges matches (N3, N4); it is recorded under every such matching name (L3); disallowed
 * addresses (L4) are never recorded. Fan-in, long chains and cycles are handled; every walk
 * terminates.
 *
 * A learn_msg_t is reusable: learn_msg_init once, then parse into it again and again (buffers
 * are kept, so the hot path does not allocate after warm-up), learn_msg_free at the end.
 *
 * Rule coverage (rules.h): msg->rules accumulates, over every call on msg, the rules whose logic
 * decided something (nothing clears it but learn_msg_init and learn_msg_free):
 *   L1  learn_parse read at least one answer record, or rejected a message as malformed;
 *   N2  a name read from a message had upper-case letters to lower, or is invalid under N1 (it
 *       can then match nothing);
 *   N3, N4  learn_route found a name of the message matching a configured domain exactly, or
 *       through a wildcard (the DN_MATCH_* bits of dn_matcher_match);
 *   L2  learn_route routed an address record, or followed a CNAME edge back from an owner;
 *   L4  learn_route skipped a disallowed address whose owner would have been routed. */
#ifndef APPCSIM_LEARN_H
#define APPCSIM_LEARN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dname.h"
#include "errinfo.h"
#include "pfx.h"
#include "rules.h"

typedef struct {
    uint32_t text_off; /* into learn_msg_t.text */
    uint16_t len;
    bool valid;        /* N1 holds (N2): only valid names can match */
} learn_name_t;

typedef struct {
    uint32_t owner, target; /* name indices */
} learn_edge_t;

typedef struct {
    uint32_t owner; /* name index */
    pfx_addr_t addr;
} learn_addr_t;

typedef struct {
    learn_name_t *names;
    size_t n_names, cap_names;
    char *text; /* NUL-terminated name texts */
    size_t text_len, text_cap;
    learn_edge_t *edges;
    size_t n_edges, cap_edges;
    learn_addr_t *addrs;
    size_t n_addrs, cap_addrs;
    void *scratch; /* private working memory of learn_route */
    size_t scratch_cap;
    rules_t rules; /* rule coverage, accumulated (see above) */
} learn_msg_t;

/* One routed (name, address) pair: addr is recorded under name (L3); how is DN_MATCH_* for name. */
typedef struct {
    uint32_t name;
    unsigned how;
    pfx_addr_t addr;
} learn_record_t;

void learn_msg_init(learn_msg_t *msg);
void learn_msg_free(learn_msg_t *msg);
/* Bytes held by msg: its buffers and learn's working memory (0 for a message never used). */
size_t learn_msg_memory(const learn_msg_t *msg);
static inline const char *learn_name_text(const learn_msg_t *msg, uint32_t i)
{
    return msg->text + msg->names[i].text_off;
}

/* L1: returns true and fills msg, or false with err set when the message is malformed or
 * memory ran out (msg is then empty; learn_parse_status tells the two apart). Only class IN
 * records of type A, AAAA and CNAME are kept; the authority and additional sections, trailing
 * bytes, flags, rcode and TTLs play no part. */
bool learn_parse(const uint8_t *wire, size_t len, learn_msg_t *msg, errinfo_t *err);

/* learn_parse with the reason for a failure: LEARN_PARSED, LEARN_MALFORMED (L1: the message is
 * rejected), or LEARN_NOMEM (out of memory: nothing is known about the message). Either
 * failure leaves msg empty and says why in err. */
enum { LEARN_PARSED = 0, LEARN_MALFORMED = -1, LEARN_NOMEM = -2 };
int learn_parse_status(const uint8_t *wire, size_t len, learn_msg_t *msg, errinfo_t *err);

/* L4: true when a is never recorded or advertised. */
bool learn_addr_disallowed(const pfx_addr_t *a);
/* L4 as prefixes: true when p is equal to or inside a disallowed range (or is one of the
 * disallowed single addresses). Used by C2 to reject control routes. */
bool learn_prefix_disallowed(const pfx_t *p);

/* L2-L4: the routed records of msg, in a deterministic order (by address record, then by name
 * index). *out points into memory owned by msg, valid until the next call on msg. Returns the
 * number of records, or -1 on out-of-memory. */
long learn_route(learn_msg_t *msg, const dn_matcher_t *m, const learn_record_t **out);

#endif
