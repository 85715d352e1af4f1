/* learn: parsing a response for learning (L1) and routing its addresses (L2-L4).
 *
 * learn_parse walks the header, the question and the answer section with ldns's wire helpers;
 * ldns_wire2dname decompresses names and bounds pointer chains. A name field that is just a
 * pointer to where an earlier name of the same message starts is that name again, and is taken
 * from memory instead (see read_name): in a typical answer every owner is such a pointer. Kept
 * names are converted to text (N2) and interned, so that CNAME edges and address owners are
 * small integers.
 *
 * learn_route reverses the CNAME edges into a compact adjacency list and walks backwards from
 * each address owner with a visited mark, so fan-in and cycles terminate. The sorted list of
 * matching names reached from an owner is computed once per owner and reused by every address
 * record of that owner; a (name, address) set drops duplicate pairs when an address comes in
 * more than one record. All working memory lives in msg->scratch and is kept from call to
 * call. */
#include "learn.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "strmap.h"

#define RR_TYPE_A 1
#define RR_TYPE_CNAME 5
#define RR_TYPE_AAAA 28
#define RR_CLASS_IN 1
#define RR_FIXED_LEN 10 /* type, class, ttl, rdlength */
#define NONE UINT32_MAX

/* A name that starts at a wire offset a compression pointer can reach, decoded by ldns in
 * the current message. Direct-mapped by offset: a collision just forgets the older start. */
#define NAME_START_SLOTS 32
#define NAME_BYTES_CAP 1024
#define POINTER_REACH 0x4000 /* a pointer's 14 bits */

typedef struct {
    uint32_t gen;       /* the message it belongs to; stale when not the current one */
    uint32_t index;     /* the interned name, NONE until interned */
    uint16_t off;       /* the wire offset where the name starts */
    uint16_t bytes_off; /* its uncompressed bytes in name_bytes, */
    uint16_t bytes_len; /* 0 when they were not kept */
} name_start_t;

/* The working memory behind msg->scratch. */
typedef struct {
    /* learn_parse: name text hash -> name index + 1, used once a message has many names. */
    uint32_t *intern;
    size_t intern_slots, intern_cap; /* in use for this message; allocated */
    bool intern_live; /* the index holds this message's names */
    /* The last name interned, as uncompressed wire bytes: consecutive records usually share
     * an owner, and a CNAME target is usually the next owner. */
    uint8_t last_wire[LDNS_MAX_DOMAINLEN + 1];
    size_t last_wire_len; /* 0: none in this message */
    uint32_t last_index;
    /* Where names start in this message (see read_name), and the bytes of those names. */
    name_start_t starts[NAME_START_SLOTS];
    uint32_t gen; /* the current message's mark in starts[] */
    uint8_t name_bytes[NAME_BYTES_CAP];
    size_t name_bytes_len;
    /* learn_route, one entry per name. */
    uint8_t *how;
    uint32_t *stamp, *rev_start, *queue, *list_off, *list_len;
    size_t cap_names;
    uint32_t *rev_list;
    size_t cap_edges;
    uint32_t *pool; /* the matching names reached from each owner, back to back */
    size_t pool_len, pool_cap;
    uint8_t *addr_allowed; /* per address record: not disallowed (L4) */
    size_t cap_addr_flags;
    learn_record_t *recs;
    size_t cap_recs;
    uint32_t *pairs; /* (name, address) set: record index + 1 */
    size_t pair_slots;
} learn_work_t;

void learn_msg_init(learn_msg_t *msg)
{
    memset(msg, 0, sizeof *msg);
}

static void work_free(learn_work_t *w)
{
    if (w == NULL)
        return;
    free(w->intern);
    free(w->how);
    free(w->stamp);
    free(w->rev_start);
    free(w->queue);
    free(w->list_off);
    free(w->list_len);
    free(w->rev_list);
    free(w->pool);
    free(w->addr_allowed);
    free(w->recs);
    free(w->pairs);
    free(w);
}

void learn_msg_free(learn_msg_t *msg)
{
    free(msg->names);
    free(msg->text);
    free(msg->edges);
    free(msg->addrs);
    work_free(msg->scratch);
    learn_msg_init(msg);
}

size_t learn_msg_memory(const learn_msg_t *msg)
{
    size_t m = msg->cap_names * sizeof *msg->names + msg->text_cap +
               msg->cap_edges * sizeof *msg->edges + msg->cap_addrs * sizeof *msg->addrs;
    const learn_work_t *w = msg->scratch;
    if (w == NULL)
        return m;
    m += sizeof *w + w->intern_cap * sizeof *w->intern;
    /* how, stamp, queue, list_off, list_len: cap_names each; rev_start: one more. */
    if (w->cap_names > 0)
        m += w->cap_names * (sizeof *w->how + 4 * sizeof(uint32_t)) +
             (w->cap_names + 1) * sizeof *w->rev_start;
    m += w->cap_edges * sizeof *w->rev_list + w->pool_cap * sizeof *w->pool;
    m += w->cap_addr_flags * sizeof *w->addr_allowed + w->cap_recs * sizeof *w->recs;
    m += w->pair_slots * sizeof *w->pairs;
    return m;
}

static void msg_clear(learn_msg_t *msg)
{
    msg->n_names = 0;
    msg->text_len = 0;
    msg->n_edges = 0;
    msg->n_addrs = 0;
}

static learn_work_t *work_of(learn_msg_t *msg)
{
    if (msg->scratch == NULL) {
        msg->scratch = calloc(1, sizeof(learn_work_t));
        msg->scratch_cap = msg->scratch != NULL ? sizeof(learn_work_t) : 0;
    }
    return msg->scratch;
}

/* Makes room for want elements of size elem in *p (capacity *cap, in elements). */
static bool reserve(void *p, size_t *cap, size_t want, size_t elem)
{
    if (want <= *cap)
        return true;
    size_t n = *cap < 8 ? 8 : *cap;
    while (n < want)
        n *= 2;
    void *q = realloc(*(void **)p, n * elem);
    if (q == NULL)
        return false;
    *(void **)p = q;
    *cap = n;
    return true;
}

/* ---- L4 ---- */

typedef struct {
    uint8_t family, len;
    uint64_t hi, lo;           /* the range's first address */
    uint64_t hi_mask, lo_mask; /* its first len bits */
} range_t;

#define MASK_HI(len) ((len) >= 64 ? ~0ULL : ~0ULL << (64 - (len)))
#define MASK_LO(len) ((len) <= 64 ? 0 : ~0ULL << (128 - (len)))
#define RANGE(fam, len, hi, lo) {fam, len, hi, lo, MASK_HI(len), MASK_LO(len)}

/* The disallowed ranges in the layout of pfx.h (IPv4 in bits 63..32 of hi), as
 * X(family, len, hi, lo). No range has length 0, so the shifts above stay in range. */
#define DISALLOWED_RANGES(X)                                                                    \
    X(PFX_V4, 8, 0x0000000000000000ULL, 0)  /* 0.0.0.0/8, 0.0.0.0 included */                   \
    X(PFX_V4, 8, 0x7f00000000000000ULL, 0)  /* 127.0.0.0/8 */                                   \
    X(PFX_V4, 16, 0xa9fe000000000000ULL, 0) /* 169.254.0.0/16 */                                \
    X(PFX_V4, 4, 0xe000000000000000ULL, 0)  /* 224.0.0.0/4 */                                   \
    X(PFX_V4, 4, 0xf000000000000000ULL, 0)  /* 240.0.0.0/4 */                                   \
    X(PFX_V4, 10, 0x6440000000000000ULL, 0) /* 100.64.0.0/10 */                                 \
    X(PFX_V6, 128, 0, 0)                    /* :: */                                            \
    X(PFX_V6, 128, 0, 1)                    /* ::1 */                                           \
    X(PFX_V6, 96, 0, 0x0000ffff00000000ULL) /* ::ffff:0:0/96, never unmapped */                 \
    X(PFX_V6, 10, 0xfe80000000000000ULL, 0) /* fe80::/10 */                                     \
    X(PFX_V6, 8, 0xff00000000000000ULL, 0)  /* ff00::/8 */                                      \
    X(PFX_V6, 48, 0xfd7a115ca1e00000ULL, 0) /* fd7a:115c:a1e0::/48 */

#define AS_RANGE(fam, len, hi, lo) RANGE(fam, len, hi, lo),
static const range_t disallowed[] = {DISALLOWED_RANGES(AS_RANGE)};

/* Every range is at least 4 bits long, so the top 4 bits of whatever lies in it are those of
 * its first address: the set of those nibbles per family rules most addresses out at once. */
#define AS_AT_LEAST_4(fam, len, hi, lo) &&(len) >= 4
_Static_assert(1 DISALLOWED_RANGES(AS_AT_LEAST_4), "a disallowed range shorter than 4 bits");
#define AS_V4_NIBBLE(fam, len, hi, lo) | ((fam) == PFX_V4 ? 1u << ((uint64_t)(hi) >> 60) : 0u)
#define AS_V6_NIBBLE(fam, len, hi, lo) | ((fam) == PFX_V6 ? 1u << ((uint64_t)(hi) >> 60) : 0u)
static const unsigned v4_nibbles = 0u DISALLOWED_RANGES(AS_V4_NIBBLE);
static const unsigned v6_nibbles = 0u DISALLOWED_RANGES(AS_V6_NIBBLE);

/* True when bits of length len are equal to or inside a disallowed range. */
static bool bits_disallowed(uint8_t family, unsigned len, uint64_t hi, uint64_t lo)
{
    unsigned nibbles = family == PFX_V4 ? v4_nibbles : family == PFX_V6 ? v6_nibbles : 0;
    if (len < 4 || !(nibbles >> (hi >> 60) & 1))
        return false; /* shorter than every range, or outside all of them */
    for (size_t i = 0; i < sizeof disallowed / sizeof disallowed[0]; i++) {
        const range_t *r = &disallowed[i];
        if (r->family == family && len >= r->len && (hi & r->hi_mask) == r->hi &&
            (lo & r->lo_mask) == r->lo)
            return true;
    }
    return false;
}

bool learn_addr_disallowed(const pfx_addr_t *a)
{
    return bits_disallowed(a->family, a->family == PFX_V4 ? 32 : 128, a->bits.hi, a->bits.lo);
}

bool learn_prefix_disallowed(const pfx_t *p)
{
    /* Equal to or inside a range: at least as long, and inside it. A host route of one of the
     * single addresses is a range of full length in the table. */
    return bits_disallowed(p->family, p->len, p->bits.hi, p->bits.lo);
}

/* ---- L1: parsing ---- */

/* Messages with at most this many names are interned by a linear scan; larger ones by hash. */
#define INTERN_SCAN_MAX 16

/* Sizes the index for this message: it grows when needed, and is otherwise reused (the hot
 * path allocates nothing once warm). */
static bool intern_index_rebuild(learn_msg_t *msg, learn_work_t *w, size_t slots)
{
    if (slots > w->intern_cap) {
        uint32_t *grown = realloc(w->intern, slots * sizeof *grown);
        if (grown == NULL)
            return false;
        w->intern = grown;
        w->intern_cap = slots;
    }
    uint32_t *t = w->intern;
    w->intern_slots = slots;
    memset(t, 0, slots * sizeof *t);
    for (size_t i = 0; i < msg->n_names; i++) {
        const learn_name_t *nm = &msg->names[i];
        size_t s = (size_t)strmap_hash(msg->text + nm->text_off, nm->len) & (slots - 1);
        while (t[s] != 0)
            s = (s + 1) & (slots - 1);
        t[s] = (uint32_t)(i + 1);
    }
    return true;
}

/* The index of the name with this text, added when new; NONE on out-of-memory. */
static uint32_t intern(learn_msg_t *msg, learn_work_t *w, const char *text, size_t n,
                       bool valid)
{
    size_t slot = 0;
    bool hashed = msg->n_names >= INTERN_SCAN_MAX;
    if (!hashed) {
        for (size_t i = 0; i < msg->n_names; i++) {
            const learn_name_t *nm = &msg->names[i];
            if (nm->len == n && memcmp(msg->text + nm->text_off, text, n) == 0)
                return (uint32_t)i;
        }
    } else {
        /* Keep the index at most half full. It is built on the first use in each message
         * (entries of the previous message are stale) and rebuilt when it grows. */
        if (!w->intern_live || 2 * (msg->n_names + 1) > w->intern_slots) {
            size_t want = 64;
            while (want < 4 * (msg->n_names + 1))
                want *= 2;
            if (!intern_index_rebuild(msg, w, want))
                return NONE;
            w->intern_live = true;
        }
        for (slot = (size_t)strmap_hash(text, n) & (w->intern_slots - 1); w->intern[slot] != 0;
             slot = (slot + 1) & (w->intern_slots - 1)) {
            const learn_name_t *nm = &msg->names[w->intern[slot] - 1];
            if (nm->len == n && memcmp(msg->text + nm->text_off, text, n) == 0)
                return w->intern[slot] - 1;
        }
    }
    if (msg->n_names >= NONE - 1 || msg->text_len + n + 1 > UINT32_MAX)
        return NONE;
    if (!reserve(&msg->names, &msg->cap_names, msg->n_names + 1, sizeof *msg->names) ||
        !reserve(&msg->text, &msg->text_cap, msg->text_len + n + 1, 1))
        return NONE;
    learn_name_t *nm = &msg->names[msg->n_names];
    nm->text_off = (uint32_t)msg->text_len;
    nm->len = (uint16_t)n;
    nm->valid = valid;
    memcpy(msg->text + msg->text_len, text, n);
    msg->text[msg->text_len + n] = '\0';
    msg->text_len += n + 1;
    if (hashed)
        w->intern[slot] = (uint32_t)(msg->n_names + 1);
    return (uint32_t)msg->n_names++;
}

typedef struct {
    const uint8_t *wire;
    size_t len, pos;
    errinfo_t *err;
    bool *nomem; /* set when a failure is for lack of memory, not a malformed message */
} reader_t;

/* A name read from the message: its uncompressed wire bytes (valid until the next message),
 * its interned index once known, and the known start it came from, to tell when interned. */
typedef struct {
    const uint8_t *data;
    size_t size;
    uint32_t index;       /* NONE until interned */
    name_start_t *start;  /* NULL when the name's start is not remembered */
    uint16_t start_off;
} name_ref_t;

static name_start_t *start_slot(learn_work_t *w, size_t off)
{
    return &w->starts[(off ^ off >> 5) & (NAME_START_SLOTS - 1)];
}

/* The known start at off (a compression pointer's target), or NULL. A start whose bytes were
 * not kept and that was never interned cannot stand for its name: NULL as well. */
static name_start_t *known_start(learn_work_t *w, size_t off)
{
    name_start_t *s = start_slot(w, off);
    if (s->gen == w->gen && s->off == off && (s->index != NONE || s->bytes_len != 0))
        return s;
    return NULL;
}

/* Remembers that a name was decoded from off; keeps its bytes while the buffer has room. */
static name_start_t *remember_start(learn_work_t *w, size_t off, const uint8_t *data,
                                    size_t size)
{
    name_start_t *s = start_slot(w, off);
    s->gen = w->gen;
    s->off = (uint16_t)off;
    s->index = NONE;
    s->bytes_len = 0;
    if (size <= sizeof w->name_bytes - w->name_bytes_len) {
        memcpy(w->name_bytes + w->name_bytes_len, data, size);
        s->bytes_off = (uint16_t)w->name_bytes_len;
        s->bytes_len = (uint16_t)size;
        w->name_bytes_len += size;
    }
    return s;
}

/* read_name without the shortcut: ldns_wire2dname, its checks, and remembering the start. */
/* L1 "a bad compression pointer": RFC 1035 (4.1.4) lets a pointer name only a prior
 * occurrence of a name. We hold every pointer of a name to that: its target must lie past the
 * 12-byte header and strictly before the start of the run of labels that contains the pointer,
 * so every jump goes further back than anything this name has read. That rejects pointers into
 * the header, forward pointers and every loop at the first bad jump (ldns alone accepts the
 * first two and follows a loop 65,535 times before giving up). This only checks jump targets;
 * ldns_wire2dname still decodes the name and reports every other fault. Returns the offset of
 * the bad pointer, or 0 when there is none. */
static size_t bad_pointer_at(const uint8_t *wire, size_t len, size_t start)
{
    size_t pos = start, run_start = start;
    while (pos < len) {
        uint8_t b = wire[pos];
        if (b == 0 || (b & 0xC0) == 0x40 || (b & 0xC0) == 0x80)
            return 0; /* the end, or a label type ldns rejects itself */
        if ((b & 0xC0) == 0) {
            pos += 1u + b;
            continue;
        }
        if (len - pos < 2)
            return 0; /* cut short: ldns reports it */
        size_t target = (size_t)(b & 0x3F) << 8 | wire[pos + 1];
        if (target < LDNS_HEADER_SIZE || target >= run_start)
            return pos;
        pos = run_start = target;
    }
    return 0;
}

static bool read_name_ldns(reader_t *r, learn_work_t *w, const char *what, unsigned no,
                           uint8_t *buf, name_ref_t *ref)
{
    size_t start = r->pos;
    size_t bad = bad_pointer_at(r->wire, r->len, start);
    if (bad != 0) {
        size_t target = (size_t)(r->wire[bad] & 0x3F) << 8 | r->wire[bad + 1];
        errinfo_set(r->err,
                    "%s %u: bad name at offset %zu: the compression pointer at offset %zu "
                    "points to %zu, %s",
                    what, no, start, bad, target,
                    target < LDNS_HEADER_SIZE ? "inside the header"
                                              : "not to a prior name (RFC 1035 4.1.4)");
        return false;
    }
    ldns_rdf *dname = NULL;
    ldns_status st = ldns_wire2dname(&dname, r->wire, r->len, &r->pos);
    if (st != LDNS_STATUS_OK) {
        ldns_rdf_deep_free(dname);
        if (st == LDNS_STATUS_MEM_ERR)
            *r->nomem = true;
        errinfo_set(r->err, "%s %u: bad name at offset %zu: %s", what, no, start,
                    ldns_get_errorstr_by_id(st));
        return false;
    }
    const uint8_t *data = ldns_rdf_data(dname);
    size_t size = ldns_rdf_size(dname);
    if (size > LDNS_MAX_DOMAINLEN + 1) { /* not what ldns gives; refuse rather than overrun */
        ldns_rdf_deep_free(dname);
        errinfo_set(r->err, "%s %u: bad name at offset %zu: too long", what, no, start);
        return false;
    }
    ref->index = NONE;
    ref->size = size;
    ref->start = NULL;
    ref->start_off = 0;
    if (start < POINTER_REACH) {
        ref->start = remember_start(w, start, data, size);
        ref->start_off = (uint16_t)start;
    }
    if (ref->start != NULL && ref->start->bytes_len != 0) {
        ref->data = w->name_bytes + ref->start->bytes_off;
    } else {
        memcpy(buf, data, size);
        ref->data = buf;
    }
    ldns_rdf_deep_free(dname);
    return true;
}

/* Reads the name at r->pos and advances past it. buf (LDNS_MAX_DOMAINLEN + 1 bytes) holds
 * the name's bytes when they are not kept elsewhere.
 *
 * A name field that is a compression pointer to the start of a name already decoded in this
 * message denotes that same name: ldns would follow the pointer and decode the same bytes with
 * the same bounds, and one more pointer cannot reach its limit (LDNS_MAX_POINTERS, 65535),
 * since a name that decoded never visits a pointer twice and pointers reach only the first
 * 16 KiB of the message. Only that exact case is taken from memory; every other name,
 * pointers into the middle of names and to any other offset included, goes through
 * ldns_wire2dname and its checks. */
static inline bool read_name(reader_t *r, learn_work_t *w, const char *what, unsigned no,
                             uint8_t *buf, name_ref_t *ref)
{
    size_t start = r->pos;
    if (start < r->len && r->len - start >= 2 && r->wire[start] >= 0xC0) {
        size_t target = (size_t)(r->wire[start] & 0x3F) << 8 | r->wire[start + 1];
        name_start_t *s = known_start(w, target);
        if (s != NULL) {
            ref->index = s->index;
            ref->data = w->name_bytes + s->bytes_off;
            ref->size = s->bytes_len;
            ref->start = s;
            ref->start_off = s->off;
            r->pos = start + 2;
            return true;
        }
    }
    return read_name_ldns(r, w, what, no, buf, ref);
}

/* True when a label of the uncompressed wire name holds an upper-case ASCII letter (length
 * bytes are skipped: 'A'..'Z' are also label lengths). */
static bool wire_has_upper(const uint8_t *data, size_t size)
{
    for (size_t pos = 0; pos < size && data[pos] != 0; pos += (size_t)data[pos] + 1)
        for (size_t i = pos + 1; i <= pos + data[pos] && i < size; i++)
            if (data[i] >= 'A' && data[i] <= 'Z')
                return true;
    return false;
}

/* Converts a name to text (N2) and interns it; NONE on out-of-memory. */
static uint32_t intern_name(learn_msg_t *msg, learn_work_t *w, const uint8_t *data, size_t size)
{
    if (size == w->last_wire_len && memcmp(data, w->last_wire, size) == 0)
        return w->last_index;
    char text[DN_WIRE_TEXT_MAX];
    size_t n = 0;
    bool valid = dn_name_from_wire(data, size, text, sizeof text, &n);
    /* Coverage: N2 decided something when it lowered a letter or the name can match nothing. */
    if (!rules_has(msg->rules, RULE_N2) && (!valid || wire_has_upper(data, size)))
        rules_mark(&msg->rules, RULE_N2);
    uint32_t index = intern(msg, w, text, n, valid);
    if (index != NONE && size <= sizeof w->last_wire) {
        memcpy(w->last_wire, data, size);
        w->last_wire_len = size;
        w->last_index = index;
    }
    return index;
}

/* The index of a name read by read_name, interned on first use; NONE on out-of-memory. */
static uint32_t intern_ref(learn_msg_t *msg, learn_work_t *w, name_ref_t *ref)
{
    if (ref->index != NONE)
        return ref->index;
    ref->index = intern_name(msg, w, ref->data, ref->size);
    name_start_t *s = ref->start;
    /* The start may have been taken over by another name meanwhile. */
    if (ref->index != NONE && s != NULL && s->gen == w->gen && s->off == ref->start_off)
        s->index = ref->index;
    return ref->index;
}

static bool parse_question(reader_t *r, learn_work_t *w, unsigned no)
{
    uint8_t buf[LDNS_MAX_DOMAINLEN + 1];
    name_ref_t name;
    if (!read_name(r, w, "question", no, buf, &name))
        return false;
    if (r->len - r->pos < 4) {
        errinfo_set(r->err, "question %u: type and class run past the end of the message", no);
        return false;
    }
    r->pos += 4;
    return true;
}

static uint64_t read_u64(const uint8_t *p)
{
    return (uint64_t)ldns_read_uint32(p) << 32 | ldns_read_uint32(p + 4);
}

/* An IN A or AAAA record (RDATA length already checked) or an IN CNAME record. */
static bool keep_record(reader_t *r, learn_msg_t *msg, learn_work_t *w, unsigned no,
                        name_ref_t *owner_name, uint16_t type, size_t rdata, size_t rdlen)
{
    uint32_t owner = intern_ref(msg, w, owner_name);
    if (owner == NONE) {
        *r->nomem = true;
        errinfo_set(r->err, "answer record %u: out of memory", no);
        return false;
    }
    if (type == RR_TYPE_CNAME) {
        reader_t target_r = {r->wire, r->len, rdata, r->err, r->nomem};
        uint8_t buf[LDNS_MAX_DOMAINLEN + 1];
        name_ref_t target_name;
        if (!read_name(&target_r, w, "answer record", no, buf, &target_name))
            return false;
        uint32_t target = intern_ref(msg, w, &target_name);
        if (target_r.pos != rdata + rdlen) {
            errinfo_set(r->err,
                        "answer record %u: CNAME RDATA is %zu bytes but its name takes %zu", no,
                        rdlen, target_r.pos - rdata);
            return false;
        }
        if (target == NONE ||
            !reserve(&msg->edges, &msg->cap_edges, msg->n_edges + 1, sizeof *msg->edges)) {
            *r->nomem = true;
            errinfo_set(r->err, "answer record %u: out of memory", no);
            return false;
        }
        msg->edges[msg->n_edges].owner = owner;
        msg->edges[msg->n_edges].target = target;
        msg->n_edges++;
        return true;
    }
    if (!reserve(&msg->addrs, &msg->cap_addrs, msg->n_addrs + 1, sizeof *msg->addrs)) {
        *r->nomem = true;
        errinfo_set(r->err, "answer record %u: out of memory", no);
        return false;
    }
    /* The layout of pfx.h: big-endian bits left-aligned in {hi, lo}. */
    const uint8_t *d = r->wire + rdata;
    learn_addr_t *a = &msg->addrs[msg->n_addrs++];
    memset(&a->addr, 0, sizeof a->addr);
    a->owner = owner;
    if (type == RR_TYPE_A) {
        a->addr.family = PFX_V4;
        a->addr.bits.hi = (uint64_t)ldns_read_uint32(d) << 32;
    } else {
        a->addr.family = PFX_V6;
        a->addr.bits.hi = read_u64(d);
        a->addr.bits.lo = read_u64(d + 8);
    }
    return true;
}

static bool parse_answer(reader_t *r, learn_msg_t *msg, learn_work_t *w, unsigned no)
{
    uint8_t buf[LDNS_MAX_DOMAINLEN + 1];
    name_ref_t owner_name;
    if (!read_name(r, w, "answer record", no, buf, &owner_name))
        return false;
    if (r->len - r->pos < RR_FIXED_LEN) {
        errinfo_set(r->err, "answer record %u: the fixed fields run past the end of the message",
                    no);
        return false;
    }
    const uint8_t *p = r->wire + r->pos;
    uint16_t type = ldns_read_uint16(p), cls = ldns_read_uint16(p + 2);
    size_t rdlen = ldns_read_uint16(p + 8);
    size_t rdata = r->pos + RR_FIXED_LEN;
    if (r->len - rdata < rdlen) {
        errinfo_set(r->err,
                    "answer record %u: RDATA of %zu bytes runs past the end of the message", no,
                    rdlen);
        return false;
    }
    r->pos = rdata + rdlen;
    if (cls != RR_CLASS_IN || (type != RR_TYPE_A && type != RR_TYPE_AAAA && type != RR_TYPE_CNAME))
        return true; /* L1: only IN A, AAAA and CNAME count */
    if (type != RR_TYPE_CNAME) {
        size_t want = type == RR_TYPE_A ? 4 : 16;
        if (rdlen != want) {
            errinfo_set(r->err, "answer record %u: %s RDATA is %zu bytes, not %zu", no,
                        type == RR_TYPE_A ? "A" : "AAAA", rdlen, want);
            return false;
        }
    }
    return keep_record(r, msg, w, no, &owner_name, type, rdata, rdlen);
}

/* Starts a new message: the known starts and kept name bytes of the last one are dropped. */
static void work_new_message(learn_work_t *w)
{
    w->intern_live = false;
    w->last_wire_len = 0;
    w->name_bytes_len = 0;
    if (++w->gen == 0) { /* wrapped: stale entries could look current */
        memset(w->starts, 0, sizeof w->starts);
        w->gen = 1;
    }
}

int learn_parse_status(const uint8_t *wire, size_t len, learn_msg_t *msg, errinfo_t *err)
{
    msg_clear(msg);
    learn_work_t *w = work_of(msg);
    if (w == NULL) {
        errinfo_set(err, "out of memory");
        return LEARN_NOMEM;
    }
    if (wire == NULL || len < LDNS_HEADER_SIZE) {
        errinfo_set(err, "the header is truncated: %zu bytes, not %d", wire == NULL ? 0 : len,
                    LDNS_HEADER_SIZE);
        rules_mark(&msg->rules, RULE_L1); /* coverage: malformed */
        return LEARN_MALFORMED;
    }
    work_new_message(w);
    unsigned qd = LDNS_QDCOUNT(wire), an = LDNS_ANCOUNT(wire);
    bool nomem = false;
    reader_t r = {wire, len, LDNS_HEADER_SIZE, err, &nomem};
    bool ok = true;
    for (unsigned i = 1; ok && i <= qd; i++)
        ok = parse_question(&r, w, i);
    for (unsigned i = 1; ok && i <= an; i++)
        ok = parse_answer(&r, msg, w, i);
    if (!ok)
        msg_clear(msg); /* rejected whole (L1), or given up for lack of memory */
    if (!ok || an > 0)
        rules_mark(&msg->rules, RULE_L1); /* coverage: answer records read, or malformed */
    if (ok)
        return LEARN_PARSED;
    return nomem ? LEARN_NOMEM : LEARN_MALFORMED;
}

bool learn_parse(const uint8_t *wire, size_t len, learn_msg_t *msg, errinfo_t *err)
{
    return learn_parse_status(wire, len, msg, err) == LEARN_PARSED;
}

/* ---- L2, L3: routing ---- */

static bool grow_to(void *p, size_t n, size_t elem)
{
    void *q = realloc(*(void **)p, n * elem);
    if (q == NULL)
        return false;
    *(void **)p = q;
    return true;
}

/* The per-name arrays share one capacity; a failed grow leaves it unchanged (the arrays
 * already grown stay valid and are simply grown again next time). */
static bool work_reserve_names(learn_work_t *w, size_t n)
{
    if (n <= w->cap_names)
        return true;
    size_t cap = w->cap_names < 16 ? 16 : w->cap_names;
    while (cap < n)
        cap *= 2;
    if (!grow_to(&w->how, cap, sizeof *w->how) || !grow_to(&w->stamp, cap, sizeof *w->stamp) ||
        !grow_to(&w->queue, cap, sizeof *w->queue) ||
        !grow_to(&w->list_off, cap, sizeof *w->list_off) ||
        !grow_to(&w->list_len, cap, sizeof *w->list_len) ||
        !grow_to(&w->rev_start, cap + 1, sizeof *w->rev_start))
        return false;
    w->cap_names = cap;
    return true;
}

/* rev_start/rev_list: for each name t, the owners of the CNAME edges that point at t. */
static bool build_reverse_edges(const learn_msg_t *msg, learn_work_t *w)
{
    size_t n = msg->n_names;
    if (!reserve(&w->rev_list, &w->cap_edges, msg->n_edges, sizeof *w->rev_list))
        return false;
    memset(w->rev_start, 0, (n + 1) * sizeof *w->rev_start);
    for (size_t e = 0; e < msg->n_edges; e++)
        w->rev_start[msg->edges[e].target + 1]++;
    for (size_t i = 0; i < n; i++)
        w->rev_start[i + 1] += w->rev_start[i];
    /* Fill using queue[] as the per-name cursor; order within a name follows the message. */
    for (size_t i = 0; i < n; i++)
        w->queue[i] = w->rev_start[i];
    for (size_t e = 0; e < msg->n_edges; e++)
        w->rev_list[w->queue[msg->edges[e].target]++] = msg->edges[e].owner;
    return true;
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void sort_u32(uint32_t *v, size_t n)
{
    if (n > 16) {
        qsort(v, n, sizeof *v, compare_u32);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Computes, once per owner, the sorted matching names in {o} and every name from which o is
 * reached over the CNAME edges (L2, L3). walk is false when the message has no edges (the
 * reverse edges are then not built). */
static bool collect_matching(learn_work_t *w, uint32_t o, uint32_t generation, bool walk,
                             rules_t *rules)
{
    if (w->list_off[o] != NONE)
        return true;
    size_t head = 0, tail = 0;
    size_t start = w->pool_len;
    w->queue[tail++] = o;
    w->stamp[o] = generation;
    while (head < tail) {
        uint32_t x = w->queue[head++];
        if (w->how[x] != 0) {
            if (!reserve(&w->pool, &w->pool_cap, w->pool_len + 1, sizeof *w->pool))
                return false;
            w->pool[w->pool_len++] = x;
        }
        for (uint32_t k = walk ? w->rev_start[x] : 0; walk && k < w->rev_start[x + 1]; k++) {
            uint32_t y = w->rev_list[k];
            if (w->stamp[y] != generation) {
                w->stamp[y] = generation;
                w->queue[tail++] = y;
            }
        }
    }
    if (tail > 1)
        rules_mark(rules, RULE_L2); /* coverage: a CNAME edge was followed back from o */
    sort_u32(w->pool + start, w->pool_len - start);
    w->list_off[o] = (uint32_t)start;
    w->list_len[o] = (uint32_t)(w->pool_len - start);
    return true;
}

static bool same_addr(const pfx_addr_t *a, const pfx_addr_t *b)
{
    return a->family == b->family && a->bits.hi == b->bits.hi && a->bits.lo == b->bits.lo;
}

/* Up to this many allowed addresses are checked for repeats pairwise rather than hashed. */
#define PAIRWISE_MAX 8

/* True when no two allowed address records carry the same address, so that no (name,
 * address) pair can come twice: every owner's list of names has no repeats. Checked pairwise
 * for a few addresses; false (hash the pairs) for more. */
static bool allowed_addrs_distinct(const learn_msg_t *msg, const learn_work_t *w)
{
    if (msg->n_addrs > PAIRWISE_MAX)
        return false;
    for (size_t k = 1; k < msg->n_addrs; k++) {
        if (!w->addr_allowed[k])
            continue;
        for (size_t j = 0; j < k; j++)
            if (w->addr_allowed[j] && same_addr(&msg->addrs[j].addr, &msg->addrs[k].addr))
                return false;
    }
    return true;
}

static size_t pair_hash(uint32_t name, const pfx_addr_t *a)
{
    uint64_t v = a->bits.hi * 0x9e3779b97f4a7c15ULL ^ a->bits.lo * 0xc2b2ae3d27d4eb4fULL ^
                 ((uint64_t)name << 8 | a->family);
    v ^= v >> 30;
    v *= 0xbf58476d1ce4e5b9ULL;
    v ^= v >> 27;
    return (size_t)v;
}

long learn_route(learn_msg_t *msg, const dn_matcher_t *m, const learn_record_t **out)
{
    learn_work_t *w = work_of(msg);
    if (w == NULL)
        return -1;
    *out = w->recs;
    size_t n = msg->n_names;
    if (msg->n_addrs == 0)
        return 0;
    if (!work_reserve_names(w, n))
        return -1;

    unsigned any = 0; /* every DN_MATCH_* bit seen */
    for (size_t i = 0; i < n; i++) {
        const learn_name_t *nm = &msg->names[i];
        w->how[i] = nm->valid ? (uint8_t)dn_matcher_match(m, learn_name_text(msg, (uint32_t)i),
                                                          nm->len)
                              : 0;
        any |= w->how[i];
        w->stamp[i] = 0;
        w->list_off[i] = NONE;
    }
    if (any & DN_MATCH_EXACT)
        rules_mark(&msg->rules, RULE_N3);
    if (any & DN_MATCH_WILDCARD)
        rules_mark(&msg->rules, RULE_N4);
    if (!any)
        return 0; /* nothing in this message can be routed */
    bool walk = msg->n_edges > 0;
    if (walk && !build_reverse_edges(msg, w))
        return -1;

    /* Pass 1: the matching names of every owner that has an allowed address. */
    if (!reserve(&w->addr_allowed, &w->cap_addr_flags, msg->n_addrs, 1))
        return -1;
    w->pool_len = 0;
    size_t total = 0;
    uint32_t generation = 0;
    for (size_t k = 0; k < msg->n_addrs; k++) {
        const learn_addr_t *a = &msg->addrs[k];
        w->addr_allowed[k] = !learn_addr_disallowed(&a->addr);
        /* A disallowed address needs its owner's names only to tell whether L4 made a
         * difference (coverage), and only until that is known. */
        if (!w->addr_allowed[k] && rules_has(msg->rules, RULE_L4))
            continue;
        if (w->list_off[a->owner] == NONE &&
            !collect_matching(w, a->owner, ++generation, walk, &msg->rules))
            return -1;
        if (!w->addr_allowed[k]) {
            if (w->list_len[a->owner] > 0)
                rules_mark(&msg->rules, RULE_L4); /* coverage: it would have been routed */
            continue;
        }
        total += w->list_len[a->owner];
    }
    if (total == 0)
        return 0;
    rules_mark(&msg->rules, RULE_L2); /* coverage: an address record is routed */
    if (total > UINT32_MAX / 4 || !reserve(&w->recs, &w->cap_recs, total, sizeof *w->recs))
        return -1;
    *out = w->recs;

    /* Pass 2: records in address order, then name order; each (name, address) pair once. */
    if (allowed_addrs_distinct(msg, w)) {
        size_t count = 0;
        for (size_t k = 0; k < msg->n_addrs; k++) {
            const learn_addr_t *a = &msg->addrs[k];
            if (!w->addr_allowed[k])
                continue;
            const uint32_t *names = w->pool + w->list_off[a->owner];
            for (uint32_t j = 0; j < w->list_len[a->owner]; j++) {
                learn_record_t *r = &w->recs[count++];
                r->name = names[j];
                r->how = w->how[names[j]];
                r->addr = a->addr;
            }
        }
        return (long)count;
    }
    size_t slots = 16;
    while (slots < 2 * total)
        slots *= 2;
    if (slots > w->pair_slots) {
        uint32_t *p = realloc(w->pairs, slots * sizeof *p);
        if (p == NULL)
            return -1;
        w->pairs = p;
        w->pair_slots = slots;
    }
    memset(w->pairs, 0, slots * sizeof *w->pairs);
    size_t count = 0;
    for (size_t k = 0; k < msg->n_addrs; k++) {
        const learn_addr_t *a = &msg->addrs[k];
        if (!w->addr_allowed[k])
            continue;
        const uint32_t *names = w->pool + w->list_off[a->owner];
        for (uint32_t j = 0; j < w->list_len[a->owner]; j++) {
            uint32_t name = names[j];
            size_t s = pair_hash(name, &a->addr) & (slots - 1);
            bool seen = false;
            for (; w->pairs[s] != 0; s = (s + 1) & (slots - 1)) {
                const learn_record_t *r = &w->recs[w->pairs[s] - 1];
                if (r->name == name && same_addr(&r->addr, &a->addr)) {
                    seen = true;
                    break;
                }
            }
            if (seen)
                continue;
            learn_record_t *r = &w->recs[count];
            r->name = name;
            r->how = w->how[name];
            r->addr = a->addr;
            w->pairs[s] = (uint32_t)(++count);
        }
    }
    return (long)count;
}
