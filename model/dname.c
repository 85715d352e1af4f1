/* dname: configured domains (N1, N4), names read from messages (N2), and the matcher (N3-N5).
 *
 * The matcher keeps one open-addressing table keyed by domain text, each key carrying two flags:
 * "d is configured" and "*.d is configured". Keys are hashed with FNV-1a-64 run over the text
 * from its last byte to its first, so that a single right-to-left pass over a name yields the
 * hash of every label suffix in turn: matching a name costs one byte pass plus at most one
 * probe per label, and never allocates. The lengths of the keys are kept as bit sets, so only
 * suffixes as long as some key are probed. */
#include "dname.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DN_NAME_MAX 253
#define DN_LABEL_MAX 63
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* Byte classes of canonical name text: what N1 allows, digits apart (the last label must not
 * be all digits). A table, because these loops are on the learning hot path. Both allowed
 * classes carry BYTE_OK, so that AND-ing a label's classes tells whether all its bytes are
 * allowed and OR-ing them whether it is all digits (== BYTE_DIGIT). */
enum { BYTE_OTHER = 0, BYTE_OK = 4, BYTE_NAME = BYTE_OK | 1, BYTE_DIGIT = BYTE_OK | 2 };
#define CLASS_OF(c)                                                                             \
    (((c) >= 'a' && (c) <= 'z') || (c) == '-' || (c) == '_' ? BYTE_NAME                         \
     : (c) >= '0' && (c) <= '9'                               ? BYTE_DIGIT                        \
                                                              : BYTE_OTHER)
#define LOWER_OF(c) ((c) >= 'A' && (c) <= 'Z' ? (c) - 'A' + 'a' : (c))
/* A byte read from the wire: its lower-cased value, and that value's class in bits 8..15. */
#define FOLDED_OF(c) (CLASS_OF(LOWER_OF(c)) << 8 | LOWER_OF(c))
#define ROW4(F, c) F(c), F((c) + 1), F((c) + 2), F((c) + 3)
#define ROW16(F, c) ROW4(F, c), ROW4(F, (c) + 4), ROW4(F, (c) + 8), ROW4(F, (c) + 12)
#define ROW64(F, c) ROW16(F, c), ROW16(F, (c) + 16), ROW16(F, (c) + 32), ROW16(F, (c) + 48)
#define TABLE256(F) {ROW64(F, 0), ROW64(F, 64), ROW64(F, 128), ROW64(F, 192)}
static const uint8_t byte_class[256] = TABLE256(CLASS_OF);
static const uint16_t byte_folded[256] = TABLE256(FOLDED_OF);

static bool is_name_byte(unsigned char c)
{
    return byte_class[c] != BYTE_OTHER;
}

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Writes text for an error message: printable ASCII as is, other bytes as \xNN, at most a few
 * hundred characters so that the rest of the message survives. */
static void quote_text(const char *text, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (o + 8 >= cap) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (c >= 0x20 && c < 0x7f && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
    }
    out[o] = '\0';
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool dn_domain_parse(const char *text, size_t n, dn_domain_t *out, errinfo_t *err)
{
    char q[320];
    quote_text(text, n, q, sizeof q);
    size_t len = n;
    if (len > 0 && text[len - 1] == '.')
        len--; /* one trailing dot, as in a fully qualified name */
    if (len == 0) {
        errinfo_set(err, "domain '%s' is empty", q);
        return false;
    }

    char name[DN_NAME_MAX + 1];
    size_t label_no = 0, last_start = 0;
    for (size_t start = 0; start <= len;) {
        size_t end = start;
        while (end < len && text[end] != '.')
            end++;
        size_t label_len = end - start;
        label_no++;
        if (label_len == 0) {
            errinfo_set(err, "label %zu of domain '%s' is empty", label_no, q);
            return false;
        }
        if (label_len > DN_LABEL_MAX) {
            errinfo_set(err, "label %zu of domain '%s' is %zu octets, more than %d", label_no, q,
                        label_len, DN_LABEL_MAX);
            return false;
        }
        bool star_label = label_len == 1 && text[start] == '*';
        if (star_label && label_no != 1) {
            errinfo_set(err, "domain '%s': '*' is allowed only as the whole first label", q);
            return false;
        }
        if (star_label && end == len) {
            errinfo_set(err, "domain '%s' is a bare '*': a wildcard needs a domain after '*.'", q);
            return false;
        }
        for (size_t i = start; i < end && !star_label; i++) {
            unsigned char c = ascii_lower((unsigned char)text[i]);
            if (c == '*') {
                errinfo_set(err, "domain '%s': '*' is allowed only as the whole first label", q);
                return false;
            }
            if (c >= 0x80) {
                errinfo_set(err,
                            "domain '%s' has the non-ASCII byte 0x%02x: give internationalised "
                            "names as xn-- A-labels",
                            q, c);
                return false;
            }
            if (!is_name_byte(c)) {
                if (c > 0x20 && c < 0x7f)
                    errinfo_set(err,
                                "domain '%s' has the byte '%c' (0x%02x): only letters, digits, "
                                "'-' and '_' are allowed",
                                q, c, c);
                else
                    errinfo_set(err,
                                "domain '%s' has the byte 0x%02x: only letters, digits, '-' and "
                                "'_' are allowed",
                                q, c);
                return false;
            }
        }
        last_start = start;
        start = end + 1;
    }
    if (len > DN_NAME_MAX) {
        errinfo_set(err, "domain '%s' is %zu octets, more than %d", q, len, DN_NAME_MAX);
        return false;
    }
    if (all_digits(text + last_start, len - last_start)) {
        errinfo_set(err, "the last label of domain '%s' is all digits: that is an address, not a name",
                    q);
        return false;
    }
    for (size_t i = 0; i < len; i++)
        name[i] = (char)ascii_lower((unsigned char)text[i]);
    name[len] = '\0';
    memcpy(out->name, name, len + 1);
    out->len = (uint8_t)len;
    out->wildcard = name[0] == '*';
    out->base_off = out->wildcard ? 2 : 0;
    return true;
}

bool dn_name_is_valid(const char *text, size_t n)
{
    if (n == 0 || n > DN_NAME_MAX)
        return false;
    size_t label_len = 0;
    unsigned label_classes = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '.') {
            if (label_len == 0)
                return false;
            label_len = 0;
            label_classes = 0;
            continue;
        }
        unsigned cls = byte_class[c];
        if (cls == BYTE_OTHER || ++label_len > DN_LABEL_MAX)
            return false;
        label_classes |= cls;
    }
    return label_len > 0 && label_classes != BYTE_DIGIT;
}

/* Appends the text of one odd byte (not allowed by N1) to out at o; returns the new o. */
static size_t put_odd_byte(char *out, size_t o, unsigned char c)
{
    if (c == '.' || c == '\\') {
        out[o++] = '\\';
        out[o++] = (char)c;
    } else if (c > 0x20 && c < 0x7f) {
        out[o++] = (char)c; /* printable: unambiguous as it is */
    } else {
        /* \DDD keeps other bytes printable and distinct. */
        out[o++] = '\\';
        out[o++] = (char)('0' + c / 100);
        out[o++] = (char)('0' + c / 10 % 10);
        out[o++] = (char)('0' + c % 10);
    }
    return o;
}

/* Copies one label of wire bytes to out lower-cased; returns BYTE_OK when N1 allows every
 * byte (0 otherwise) and gives the OR of their classes in *any. */
static unsigned copy_label_fast(const uint8_t *src, size_t n, char *out, unsigned *any)
{
    unsigned all = ~0u, or_classes = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v = byte_folded[src[i]];
        all &= v;
        or_classes |= v;
        out[i] = (char)v;
    }
    *any = or_classes >> 8;
    return all >> 8 & BYTE_OK;
}

bool dn_name_from_wire(const uint8_t *wire, size_t n, char *out, size_t cap, size_t *out_len)
{
    size_t o = 0, pos = 0;
    bool valid = true;
    unsigned label_classes = 0;
    if (cap == 0)
        return false;
    while (pos < n && wire[pos] != 0) {
        size_t label_len = wire[pos++];
        /* Not a name as ldns gives them, or no room left for the worst case of this label
         * (a dot and four characters a byte): keep what was read; it matches nothing. */
        if (label_len > DN_LABEL_MAX || label_len > n - pos || o + 1 + 4 * label_len >= cap) {
            valid = false;
            break;
        }
        if (o > 0)
            out[o++] = '.';
        /* Usually every byte is allowed: copy the label as it is; else write it again with
         * the odd bytes escaped. */
        if (copy_label_fast(wire + pos, label_len, out + o, &label_classes) == BYTE_OK) {
            o += label_len;
        } else {
            valid = false;
            for (size_t i = 0; i < label_len; i++) {
                unsigned char c = ascii_lower(wire[pos + i]);
                if (is_name_byte(c))
                    out[o++] = (char)c;
                else
                    o = put_odd_byte(out, o, c);
            }
        }
        pos += label_len;
    }
    out[o] = '\0';
    if (out_len != NULL)
        *out_len = o;
    /* The root (o == 0) is not a name N1 allows; neither is a text past 253 octets. */
    return valid && o > 0 && o <= DN_NAME_MAX && label_classes != BYTE_DIGIT;
}

/* ---- the matcher ---- */

enum { KEY_EXACT = 1, KEY_WILDCARD_BASE = 2 };

typedef struct {
    uint64_t hash;
    uint32_t off;  /* into the key arena */
    uint16_t len;  /* 0 marks an empty slot: no key is empty */
    uint8_t flags; /* KEY_* */
} dn_slot_t;

/* Bit k of a length set: some key of length k carries the flag. A name's suffix whose
 * length has no key is not looked up at all. */
typedef struct {
    uint64_t bits[4];
} dn_lengths_t;

static void lengths_add(dn_lengths_t *set, size_t len)
{
    set->bits[len >> 6 & 3] |= 1ULL << (len & 63);
}

static bool lengths_has(const dn_lengths_t *set, size_t len)
{
    return set->bits[len >> 6 & 3] >> (len & 63) & 1;
}

struct dn_matcher {
    dn_lengths_t exact_lens, wildcard_lens; /* lengths of keys with KEY_EXACT, KEY_WILDCARD_BASE */
    size_t min_wildcard_len;                /* the shortest KEY_WILDCARD_BASE key; 0: none */
    dn_slot_t *slots;
    size_t n_slots; /* power of two, or 0 */
    size_t n_keys;
    size_t n_domains;
    char *arena;
    size_t arena_len, arena_cap;
};

static void note_key_length(dn_matcher_t *m, bool wildcard, size_t len)
{
    if (!wildcard) {
        lengths_add(&m->exact_lens, len);
        return;
    }
    lengths_add(&m->wildcard_lens, len);
    if (m->min_wildcard_len == 0 || len < m->min_wildcard_len)
        m->min_wildcard_len = len;
}

static uint64_t reverse_hash(const char *s, size_t n)
{
    uint64_t h = FNV_OFFSET;
    for (size_t i = n; i-- > 0;) {
        h ^= (unsigned char)s[i];
        h *= FNV_PRIME;
    }
    return h;
}

dn_matcher_t *dn_matcher_new(void)
{
    return calloc(1, sizeof(dn_matcher_t));
}

void dn_matcher_free(dn_matcher_t *m)
{
    if (m == NULL)
        return;
    free(m->slots);
    free(m->arena);
    free(m);
}

size_t dn_matcher_count(const dn_matcher_t *m)
{
    return m->n_domains;
}

size_t dn_matcher_memory(const dn_matcher_t *m)
{
    return sizeof *m + m->n_slots * sizeof *m->slots + m->arena_cap;
}

static dn_slot_t *find_slot(const dn_matcher_t *m, uint64_t hash, const char *key, size_t n)
{
    size_t mask = m->n_slots - 1;
    for (size_t s = (size_t)hash & mask;; s = (s + 1) & mask) {
        dn_slot_t *slot = &m->slots[s];
        if (slot->len == 0 ||
            (slot->hash == hash && slot->len == n && memcmp(m->arena + slot->off, key, n) == 0))
            return slot;
    }
}

static bool grow_slots(dn_matcher_t *m)
{
    size_t n_slots = m->n_slots == 0 ? 16 : m->n_slots * 2;
    dn_slot_t *slots = calloc(n_slots, sizeof *slots);
    if (slots == NULL)
        return false;
    for (size_t i = 0; i < m->n_slots; i++) {
        if (m->slots[i].len == 0)
            continue;
        size_t s = (size_t)m->slots[i].hash & (n_slots - 1);
        while (slots[s].len != 0)
            s = (s + 1) & (n_slots - 1);
        slots[s] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->n_slots = n_slots;
    return true;
}

int dn_matcher_add(dn_matcher_t *m, const dn_domain_t *d)
{
    const char *key = d->name + d->base_off;
    size_t n = (size_t)d->len - d->base_off;
    uint8_t flag = d->wildcard ? KEY_WILDCARD_BASE : KEY_EXACT;
    if (n == 0 || n > DN_NAME_MAX)
        return -1; /* not a dn_domain_parse result */
    uint64_t hash = reverse_hash(key, n);
    if (m->n_slots > 0) {
        dn_slot_t *slot = find_slot(m, hash, key, n);
        if (slot->len != 0) {
            if (slot->flags & flag)
                return 0; /* N5: duplicates collapse */
            slot->flags |= flag;
            note_key_length(m, d->wildcard, n);
            m->n_domains++;
            return 1;
        }
    }
    if (m->n_slots == 0 || (m->n_keys + 1) * 10 > m->n_slots * 7) {
        if (!grow_slots(m))
            return -1;
    }
    if (m->arena_len + n > m->arena_cap) {
        size_t cap = m->arena_cap == 0 ? 256 : m->arena_cap;
        while (cap < m->arena_len + n)
            cap *= 2;
        char *arena = realloc(m->arena, cap);
        if (arena == NULL)
            return -1;
        m->arena = arena;
        m->arena_cap = cap;
    }
    memcpy(m->arena + m->arena_len, key, n);
    dn_slot_t *slot = find_slot(m, hash, key, n);
    slot->hash = hash;
    slot->off = (uint32_t)m->arena_len;
    slot->len = (uint16_t)n;
    slot->flags = flag;
    note_key_length(m, d->wildcard, n);
    m->arena_len += n;
    m->n_keys++;
    m->n_domains++;
    return 1;
}

unsigned dn_matcher_match(const dn_matcher_t *m, const char *name, size_t n)
{
    if (m->n_keys == 0 || n == 0 || n > DN_NAME_MAX)
        return 0;
    /* No key as long as the name, and every wildcard's base too long to lie strictly above
     * it (a label and a dot at least): nothing can match, valid or not. */
    if (!lengths_has(&m->exact_lens, n) &&
        (m->min_wildcard_len == 0 || m->min_wildcard_len + 2 > n))
        return 0;
    const unsigned char *begin = (const unsigned char *)name, *p = begin + n;
    unsigned how = 0;
    uint64_t h = FNV_OFFSET;
    bool last_label = true;
    /* Right to left, a label at a time: at each label start, h is the hash of the suffix from
     * there. The N1 check runs in the same pass; an invalid name returns 0 whatever was
     * found. */
    for (;;) {
        const unsigned char *end = p;
        unsigned all = BYTE_OK, any = 0;
        while (p != begin && p[-1] != '.') {
            unsigned c = *--p;
            unsigned cls = byte_class[c];
            all &= cls;
            any |= cls;
            h = (h ^ c) * FNV_PRIME;
        }
        size_t label_len = (size_t)(end - p);
        if (all != BYTE_OK || label_len == 0 || label_len > DN_LABEL_MAX ||
            (last_label && any == BYTE_DIGIT))
            return 0;
        last_label = false;
        size_t suffix_len = (size_t)(begin + n - p);
        if (p == begin) {
            if (lengths_has(&m->exact_lens, n)) {
                const dn_slot_t *slot = find_slot(m, h, name, n);
                if (slot->len != 0 && (slot->flags & KEY_EXACT))
                    how |= DN_MATCH_EXACT;
            }
            return how;
        }
        /* p is a proper suffix d: "*.d" matches the name, which lies strictly below d. */
        if (!(how & DN_MATCH_WILDCARD) && lengths_has(&m->wildcard_lens, suffix_len)) {
            const dn_slot_t *slot = find_slot(m, h, (const char *)p, suffix_len);
            if (slot->len != 0 && (slot->flags & KEY_WILDCARD_BASE))
                how |= DN_MATCH_WILDCARD;
        }
        h = (h ^ '.') * FNV_PRIME;
        p--; /* past the dot */
    }
}
