/* `appcsim coalesce [FILE...]`: prints the minimal prefix set covering exactly the addresses of
 * the prefixes read (pfxset_aggregate), in C7 order.
 *
 * Built for a million lines: input is read in large blocks and parsed in place (no per-line
 * allocation or system call), prefixes are collected in flat arrays and sorted before they
 * enter the tree (sorted insertion walks the same few nodes again and again, which stay in
 * cache, where random insertion would miss on nearly every node), and output goes through one
 * large buffer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pfx.h"
#include "pfxset.h"

#define READ_BLOCK (1u << 20)
#define OUT_BLOCK (1u << 16)

static const char usage_text[] =
    "usage: appcsim coalesce [FILE...]\n"
    "\n"
    "Reads IPv4 and IPv6 prefixes, one per line, from each FILE in turn (standard input\n"
    "when no FILE is given, or for \"-\"), and prints the fewest prefixes that cover exactly\n"
    "the same addresses, one per line, sorted: IPv4 first, then by address, then by length.\n"
    "A bare address is a host route (/32 or /128). \"#\" starts a comment; blank lines and\n"
    "surrounding white space are ignored.\n"
    "\n"
    "Exit status: 0 done; 2 a bad line (FILE:LINE: message), an unreadable file or bad usage,\n"
    "with nothing printed on standard output.\n";

/* What was read: IPv4 prefixes packed as address << 8 | length, whose numeric order is C7
 * order, and IPv6 prefixes as they are. */
typedef struct {
    uint64_t *v4;
    size_t n4, cap4;
    pfx_t *v6;
    size_t n6, cap6;
} input_t;

static bool grow(void **array, size_t *cap, size_t elem)
{
    size_t want = *cap ? *cap * 2 : 4096;
    void *p = realloc(*array, want * elem);
    if (p == NULL)
        return false;
    *array = p;
    *cap = want;
    return true;
}

static bool input_add(input_t *in, const pfx_t *p)
{
    if (p->family == PFX_V4) {
        if (in->n4 == in->cap4 && !grow((void **)&in->v4, &in->cap4, sizeof *in->v4))
            return false;
        in->v4[in->n4++] = (p->bits.hi >> 32) << 8 | p->len;
    } else {
        if (in->n6 == in->cap6 && !grow((void **)&in->v6, &in->cap6, sizeof *in->v6))
            return false;
        in->v6[in->n6++] = *p;
    }
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Parses one line (without its newline). Returns 0, or 2 after reporting the error. */
static int parse_line(const char *line, size_t n, const char *name, unsigned long lineno,
                      input_t *in)
{
    const char *hash = memchr(line, '#', n);
    if (hash != NULL)
        n = (size_t)(hash - line);
    while (n > 0 && is_space(line[n - 1]))
        n--;
    while (n > 0 && is_space(line[0])) {
        line++;
        n--;
    }
    if (n == 0)
        return 0;
    pfx_t p;
    errinfo_t err;
    if (!pfx_parse(line, n, true, &p, &err)) {
        fprintf(stderr, "%s:%lu: %s\n", name, lineno, err.msg);
        return 2;
    }
    if (!input_add(in, &p)) {
        fprintf(stderr, "appcsim coalesce: out of memory\n");
        return 2;
    }
    return 0;
}

/* Reads every line of fd. Returns 0, or 2 after reporting the error. */
static int read_lines(int fd, const char *name, input_t *in)
{
    size_t cap = READ_BLOCK, have = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        fprintf(stderr, "appcsim coalesce: out of memory\n");
        return 2;
    }
    unsigned long lineno = 0;
    int status = 0;
    for (;;) {
        if (have == cap) { /* one line fills the buffer: make room for more of it */
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                fprintf(stderr, "appcsim coalesce: out of memory\n");
                status = 2;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + have, cap - have);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "appcsim coalesce: %s: %s\n", name, strerror(errno));
            status = 2;
            break;
        }
        size_t end = have + (size_t)got;
        size_t start = 0;
        /* A partial last line waits for the next block, unless this was the end. */
        for (;;) {
            const char *nl = memchr(buf + start, '\n', end - start);
            if (nl == NULL)
                break;
            size_t len = (size_t)(nl - (buf + start));
            status = parse_line(buf + start, len, name, ++lineno, in);
            if (status != 0)
                goto out;
            start += len + 1;
        }
        if (got == 0) {
            if (start < end)
                status = parse_line(buf + start, end - start, name, ++lineno, in);
            break;
        }
        memmove(buf, buf + start, end - start);
        have = end - start;
    }
out:
    free(buf);
    return status;
}

static int read_file(const char *path, input_t *in)
{
    if (strcmp(path, "-") == 0)
        return read_lines(STDIN_FILENO, "<stdin>", in);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "appcsim coalesce: %s: %s\n", path, strerror(errno));
        return 2;
    }
    int status = read_lines(fd, path, in);
    close(fd);
    return status;
}

/* LSD radix sort of keys below 2^44, 11 bits a pass; passes where every key has the same digit
 * are skipped. */
static bool sort_keys(uint64_t *keys, size_t n)
{
    enum { BITS = 11, BUCKETS = 1 << BITS, PASSES = 4 };
    if (n < 2)
        return true;
    uint64_t *tmp = malloc(n * sizeof *tmp);
    size_t(*count)[BUCKETS] = calloc(PASSES, sizeof *count);
    if (tmp == NULL || count == NULL) {
        free(tmp);
        free(count);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        for (int p = 0; p < PASSES; p++)
            count[p][(keys[i] >> (p * BITS)) & (BUCKETS - 1)]++;
    uint64_t *src = keys, *dst = tmp;
    for (int p = 0; p < PASSES; p++) {
        size_t *c = count[p];
        if (c[(src[0] >> (p * BITS)) & (BUCKETS - 1)] == n)
            continue;
        size_t sum = 0;
        for (int b = 0; b < BUCKETS; b++) {
            size_t k = c[b];
            c[b] = sum;
            sum += k;
        }
        for (size_t i = 0; i < n; i++)
            dst[c[(src[i] >> (p * BITS)) & (BUCKETS - 1)]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != keys)
        memcpy(keys, src, n * sizeof *keys);
    free(tmp);
    free(count);
    return true;
}

/* Puts the input into a set in C7 order, skipping duplicates. */
static bool build_set(input_t *in, pfxset_t *s)
{
    if (!sort_keys(in->v4, in->n4))
        return false;
    for (size_t i = 0; i < in->n4; i++) {
        if (i > 0 && in->v4[i] == in->v4[i - 1])
            continue;
        pfx_addr_t a = pfx_addr_v4((uint32_t)(in->v4[i] >> 8));
        pfx_t p = pfx_make(&a, (unsigned)(in->v4[i] & 0xff));
        if (pfxset_insert(s, &p, 0) < 0)
            return false;
    }
    pfx_sort(in->v6, in->n6);
    for (size_t i = 0; i < in->n6; i++) {
        if (i > 0 && pfx_equal(&in->v6[i], &in->v6[i - 1]))
            continue;
        if (pfxset_insert(s, &in->v6[i], 0) < 0)
            return false;
    }
    return true;
}

typedef struct {
    char *buf;
    size_t n;
    bool failed;
} out_t;

static void out_flush(out_t *o)
{
    if (o->n > 0 && fwrite(o->buf, 1, o->n, stdout) != o->n)
        o->failed = true;
    o->n = 0;
}

static bool print_prefix(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)value;
    out_t *o = ctx;
    if (o->n + PFX_TEXT_MAX + 1 > OUT_BLOCK)
        out_flush(o);
    o->n += pfx_format(p, o->buf + o->n);
    o->buf[o->n++] = '\n';
    return !o->failed;
}

int cmd_coalesce(int argc, char **argv)
{
    int first = 1;
    for (; first < argc; first++) {
        const char *a = argv[first];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
        if (strcmp(a, "--") == 0) {
            first++;
            break;
        }
        if (a[0] != '-' || strcmp(a, "-") == 0)
            break;
        fprintf(stderr, "appcsim coalesce: unknown option '%s' (try appcsim coalesce --help)\n",
                a);
        return 2;
    }
    input_t in = {0};
    int status = 0;
    if (first == argc)
        status = read_file("-", &in);
    for (int i = first; i < argc && status == 0; i++)
        status = read_file(argv[i], &in);

    pfxset_t *all = NULL, *min = NULL;
    out_t out = {0};
    if (status == 0) {
        all = pfxset_new();
        min = pfxset_new();
        out.buf = malloc(OUT_BLOCK);
        if (all == NULL || min == NULL || out.buf == NULL || !build_set(&in, all) ||
            pfxset_aggregate(all, min) < 0) {
            fprintf(stderr, "appcsim coalesce: out of memory\n");
            status = 2;
        }
    }
    free(in.v4);
    free(in.v6);
    in.v4 = NULL;
    in.v6 = NULL;
    pfxset_free(all);
    if (status == 0) {
        pfxset_foreach(min, print_prefix, &out);
        out_flush(&out);
        if (fflush(stdout) != 0 || out.failed) {
            fprintf(stderr, "appcsim coalesce: cannot write the output: %s\n", strerror(errno));
            status = 2;
        }
    }
    free(out.buf);
    pfxset_free(min);
    return status;
}
