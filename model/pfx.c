/* pfx: addresses and prefixes in one 128-bit left-aligned layout (see pfx.h).
 *
 * Parsing is hand-written for both families: `appcsim coalesce` parses a million lines, so the
 * common case (dotted decimal) must not copy, allocate or call into the C library. */
#include "pfx.h"

#include <stdlib.h>

#include <string.h>

unsigned pfx_family_width(uint8_t family)
{
    return family == PFX_V4 ? 32u : 128u;
}

/* The mask of the first len bits (len 0..128) of the 128-bit layout. */
static pfx_bits_t mask_bits(unsigned len)
{
    pfx_bits_t m;
    m.hi = len == 0 ? 0 : len >= 64 ? UINT64_MAX : UINT64_MAX << (64 - len);
    m.lo = len <= 64 ? 0 : len >= 128 ? UINT64_MAX : UINT64_MAX << (128 - len);
    return m;
}

static pfx_bits_t and_bits(pfx_bits_t a, pfx_bits_t m)
{
    pfx_bits_t r = {a.hi & m.hi, a.lo & m.lo};
    return r;
}

static bool bits_equal(pfx_bits_t a, pfx_bits_t b)
{
    return a.hi == b.hi && a.lo == b.lo;
}

static int bits_compare(pfx_bits_t a, pfx_bits_t b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo)
        return a.lo < b.lo ? -1 : 1;
    return 0;
}

pfx_addr_t pfx_addr_v4(uint32_t host_order)
{
    pfx_addr_t a;
    a.bits.hi = (uint64_t)host_order << 32;
    a.bits.lo = 0;
    a.family = PFX_V4;
    return a;
}

pfx_addr_t pfx_addr_v6(const uint8_t bytes[16])
{
    pfx_addr_t a;
    a.bits.hi = 0;
    a.bits.lo = 0;
    for (int i = 0; i < 8; i++) {
        a.bits.hi = a.bits.hi << 8 | bytes[i];
        a.bits.lo = a.bits.lo << 8 | bytes[8 + i];
    }
    a.family = PFX_V6;
    return a;
}

size_t pfx_addr_bytes(const pfx_addr_t *a, uint8_t out[16])
{
    size_t n = a->family == PFX_V4 ? 4 : 16;
    for (size_t i = 0; i < n; i++) {
        uint64_t word = i < 8 ? a->bits.hi : a->bits.lo;
        out[i] = (uint8_t)(word >> (56 - 8 * (i % 8)));
    }
    return n;
}

/* Dotted decimal: four octets 0..255, no leading zeros, nothing else. */
static bool parse_v4(const char *s, size_t n, uint32_t *out)
{
    uint32_t addr = 0;
    size_t i = 0;
    for (int octet = 0; octet < 4; octet++) {
        if (octet > 0) {
            if (i >= n || s[i] != '.')
                return false;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
            v = v * 10 + (unsigned)(s[i] - '0');
            i++;
        }
        size_t digits = i - start;
        if (digits == 0 || v > 255 || (digits > 1 && s[start] == '0'))
            return false;
        addr = addr << 8 | v;
    }
    if (i != n)
        return false;
    *out = addr;
    return true;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* RFC 4291 section 2.2: eight groups of 1-4 hex digits; one "::" stands for one or more zero
 * groups; the last 32 bits may be dotted decimal. */
static bool parse_v6(const char *s, size_t n, uint16_t groups[8])
{
    int count = 0;      /* groups written so far */
    int gap = -1;       /* index where "::" was seen */
    size_t i = 0;
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
        if (i == n)
            goto done;
    } else if (n >= 1 && s[0] == ':') {
        return false;
    }
    for (;;) {
        /* A group starts at i: hex digits, or the embedded dotted IPv4 tail. */
        size_t start = i;
        unsigned v = 0;
        while (i < n && i - start < 5 && hex_value(s[i]) >= 0) {
            v = v << 4 | (unsigned)hex_value(s[i]);
            i++;
        }
        if (i < n && s[i] == '.') {
            uint32_t v4;
            if (count > 6 || !parse_v4(s + start, n - start, &v4))
                return false;
            groups[count++] = (uint16_t)(v4 >> 16);
            groups[count++] = (uint16_t)v4;
            break;
        }
        size_t digits = i - start;
        if (digits == 0 || digits > 4 || count == 8)
            return false;
        groups[count++] = (uint16_t)v;
        if (i == n)
            break;
        if (s[i] != ':')
            return false;
        i++;
        if (i < n && s[i] == ':') {
            if (gap >= 0)
                return false;
            gap = count;
            i++;
            if (i == n)
                break;
        } else if (i == n) {
            return false; /* a trailing single ':' */
        }
    }
done:
    if (gap < 0)
        return count == 8;
    if (count > 7)
        return false;
    int tail = count - gap;
    memmove(groups + 8 - tail, groups + gap, (size_t)tail * sizeof groups[0]);
    for (int k = gap; k < 8 - tail; k++)
        groups[k] = 0;
    return true;
}

bool pfx_addr_parse(const char *text, size_t n, pfx_addr_t *out)
{
    if (memchr(text, ':', n) == NULL) {
        uint32_t v4;
        if (!parse_v4(text, n, &v4))
            return false;
        *out = pfx_addr_v4(v4);
        return true;
    }
    uint16_t g[8];
    if (!parse_v6(text, n, g))
        return false;
    out->family = PFX_V6;
    out->bits.hi = (uint64_t)g[0] << 48 | (uint64_t)g[1] << 32 | (uint64_t)g[2] << 16 | g[3];
    out->bits.lo = (uint64_t)g[4] << 48 | (uint64_t)g[5] << 32 | (uint64_t)g[6] << 16 | g[7];
    return true;
}

static size_t format_v4(uint32_t v, char *out)
{
    size_t k = 0;
    for (int octet = 3; octet >= 0; octet--) {
        unsigned b = (v >> (8 * octet)) & 0xffu;
        if (b >= 100) {
            out[k++] = (char)('0' + b / 100);
            out[k++] = (char)('0' + b / 10 % 10);
        } else if (b >= 10) {
            out[k++] = (char)('0' + b / 10);
        }
        out[k++] = (char)('0' + b % 10);
        if (octet > 0)
            out[k++] = '.';
    }
    out[k] = '\0';
    return k;
}

static size_t format_hex_group(unsigned g, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t k = 0;
    int shift = 12;
    while (shift > 0 && (g >> shift) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        out[k++] = digits[(g >> shift) & 0xfu];
    return k;
}

/* RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups becomes
 * "::" (the first such run on ties), IPv4-mapped addresses end in dotted decimal. */
static size_t format_v6(const pfx_bits_t *b, char *out)
{
    unsigned g[8];
    for (int i = 0; i < 4; i++) {
        g[i] = (unsigned)(b->hi >> (48 - 16 * i)) & 0xffffu;
        g[4 + i] = (unsigned)(b->lo >> (48 - 16 * i)) & 0xffffu;
    }
    if (b->hi == 0 && (b->lo >> 32) == 0xffffu) {
        memcpy(out, "::ffff:", 7);
        return 7 + format_v4((uint32_t)b->lo, out + 7);
    }
    int best = -1, best_len = 1;
    for (int i = 0; i < 8;) {
        if (g[i] != 0) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && g[j] == 0)
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    size_t k = 0;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            out[k++] = ':';
            if (i == 0)
                out[k++] = ':';
            i += best_len - 1;
            continue;
        }
        k += format_hex_group(g[i], out + k);
        if (i < 7)
            out[k++] = ':';
    }
    out[k] = '\0';
    return k;
}

size_t pfx_addr_format(const pfx_addr_t *a, char out[PFX_ADDR_TEXT_MAX])
{
    if (a->family == PFX_V4)
        return format_v4((uint32_t)(a->bits.hi >> 32), out);
    return format_v6(&a->bits, out);
}

int pfx_addr_compare(const pfx_addr_t *a, const pfx_addr_t *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    return bits_compare(a->bits, b->bits);
}

bool pfx_addr_equal(const pfx_addr_t *a, const pfx_addr_t *b)
{
    return a->family == b->family && bits_equal(a->bits, b->bits);
}

/* Writes text into err's message quoted, escaping what would not print and cutting it short:
 * the text is user input and may be anything. */
static void quote_text(const char *text, size_t n, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t k = 0, limit = 80;
    out[k++] = '"';
    for (size_t i = 0; i < n && k + 8 < cap; i++) {
        if (i == limit) {
            memcpy(out + k, "...", 3);
            k += 3;
            break;
        }
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
            out[k++] = '\\';
            out[k++] = 'x';
            out[k++] = hex[c >> 4];
            out[k++] = hex[c & 0xfu];
        } else {
            out[k++] = (char)c;
        }
    }
    out[k++] = '"';
    out[k] = '\0';
}

bool pfx_parse(const char *text, size_t n, bool allow_bare, pfx_t *out, errinfo_t *err)
{
    const char *slash = memchr(text, '/', n);
    size_t addr_n = slash != NULL ? (size_t)(slash - text) : n;
    pfx_addr_t a;
    if (!pfx_addr_parse(text, addr_n, &a)) {
        if (err != NULL) {
            char q[4 * 80 + 16];
            quote_text(text, n, q, sizeof q);
            if (n == 0)
                errinfo_set(err, "empty prefix");
            else if (slash == NULL && !allow_bare)
                errinfo_set(err, "%s is not a prefix (ADDRESS/LENGTH)", q);
            else
                errinfo_set(err, "%s is not a valid IPv4 or IPv6 %s", q,
                            slash != NULL ? "prefix" : "address or prefix");
        }
        return false;
    }
    unsigned width = pfx_family_width(a.family);
    unsigned len = width;
    if (slash != NULL) {
        const char *d = slash + 1;
        size_t dn = n - addr_n - 1;
        const char *why = NULL;
        len = 0;
        for (size_t i = 0; i < dn && why == NULL; i++) {
            if (d[i] < '0' || d[i] > '9' || i >= 3)
                why = "a malformed prefix length";
            else
                len = len * 10 + (unsigned)(d[i] - '0');
        }
        if (why == NULL && dn == 0)
            why = "an empty prefix length";
        else if (why == NULL && dn > 1 && d[0] == '0')
            why = "a prefix length with a leading zero";
        else if (why == NULL && len > width)
            why = width == 32 ? "a prefix length beyond 32" : "a prefix length beyond 128";
        if (why != NULL) {
            if (err != NULL) {
                char q[4 * 80 + 16];
                quote_text(text, n, q, sizeof q);
                errinfo_set(err, "%s has %s", q, why);
            }
            return false;
        }
    } else if (!allow_bare) {
        if (err != NULL) {
            char q[4 * 80 + 16];
            quote_text(text, n, q, sizeof q);
            errinfo_set(err, "%s is not a prefix (ADDRESS/LENGTH)", q);
        }
        return false;
    }
    pfx_t p = pfx_make(&a, len);
    if (!bits_equal(p.bits, a.bits)) {
        if (err != NULL) {
            char right[PFX_TEXT_MAX];
            pfx_format(&p, right);
            /* Valid prefix syntax, so the text prints as is (and n < 64 here). */
            errinfo_set(err, "%.*s has host bits set; the prefix is %s", (int)n, text, right);
        }
        return false;
    }
    *out = p;
    return true;
}

size_t pfx_format(const pfx_t *p, char out[PFX_TEXT_MAX])
{
    pfx_addr_t a = pfx_first(p);
    size_t k = pfx_addr_format(&a, out);
    unsigned len = p->len;
    out[k++] = '/';
    if (len >= 100)
        out[k++] = (char)('0' + len / 100);
    if (len >= 10)
        out[k++] = (char)('0' + len / 10 % 10);
    out[k++] = (char)('0' + len % 10);
    out[k] = '\0';
    return k;
}

pfx_t pfx_host(const pfx_addr_t *a)
{
    return pfx_make(a, pfx_family_width(a->family));
}

bool pfx_is_host(const pfx_t *p)
{
    return p->len == pfx_family_width(p->family);
}

pfx_t pfx_make(const pfx_addr_t *a, unsigned len)
{
    unsigned width = pfx_family_width(a->family);
    if (len > width)
        len = width;
    pfx_t p;
    p.bits = and_bits(a->bits, mask_bits(len));
    p.family = a->family;
    p.len = (uint8_t)len;
    return p;
}

pfx_addr_t pfx_first(const pfx_t *p)
{
    pfx_addr_t a;
    a.bits = p->bits;
    a.family = p->family;
    return a;
}

bool pfx_contains(const pfx_t *p, const pfx_addr_t *a)
{
    return p->family == a->family && bits_equal(and_bits(a->bits, mask_bits(p->len)), p->bits);
}

bool pfx_covers(const pfx_t *outer, const pfx_t *inner)
{
    return outer->family == inner->family && outer->len <= inner->len &&
           bits_equal(and_bits(inner->bits, mask_bits(outer->len)), outer->bits);
}

bool pfx_overlaps(const pfx_t *a, const pfx_t *b)
{
    return pfx_covers(a, b) || pfx_covers(b, a);
}

bool pfx_equal(const pfx_t *a, const pfx_t *b)
{
    return a->family == b->family && a->len == b->len && bits_equal(a->bits, b->bits);
}

int pfx_compare(const pfx_t *a, const pfx_t *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    int c = bits_compare(a->bits, b->bits);
    if (c != 0)
        return c;
    return a->len < b->len ? -1 : a->len > b->len ? 1 : 0;
}

static int pfx_compare_v(const void *a, const void *b)
{
    return pfx_compare(a, b);
}

void pfx_sort(pfx_t *p, size_t n)
{
    if (n > 1)
        qsort(p, n, sizeof *p, pfx_compare_v);
}
