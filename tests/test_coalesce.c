/* Tests of `appcsim coalesce` (sim/cmd_coalesce.c), run in process: standard input, output and
 * error are redirected to temporary files around each call. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pfxset.h"
#include "testutil.h"

typedef struct {
    int status;
    char *out; /* everything written to standard output */
    char err[4096];
} result_t;

/* A temporary file holding text; returns its path in path (PATH_MAX-sized by the caller). */
static void temp_file(char path[64], const char *text, size_t n)
{
    snprintf(path, 64, "/tmp/appcsim_coalesce_XXXXXX");
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(write(fd, text, n) == (ssize_t)n);
    close(fd);
}

static char *slurp(int fd)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    lseek(fd, 0, SEEK_SET);
    ssize_t got;
    while ((got = read(fd, buf + n, cap - n - 1)) > 0) {
        n += (size_t)got;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    return buf;
}

/* Runs `coalesce ARGS...` with stdin_text (may be NULL: empty) on standard input. */
static void run(result_t *r, const char *stdin_text, int nargs, const char **args)
{
    char in_path[64], out_path[64], err_path[64];
    temp_file(in_path, stdin_text ? stdin_text : "", stdin_text ? strlen(stdin_text) : 0);
    temp_file(out_path, "", 0);
    temp_file(err_path, "", 0);
    int in = open(in_path, O_RDONLY), out = open(out_path, O_RDWR), err = open(err_path, O_RDWR);
    fflush(stdout);
    fflush(stderr);
    int saved[3] = {dup(0), dup(1), dup(2)};
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    char *argv[16];
    argv[0] = "coalesce";
    for (int i = 0; i < nargs; i++)
        argv[1 + i] = (char *)args[i];
    argv[1 + nargs] = NULL;
    r->status = cmd_coalesce(1 + nargs, argv);
    fflush(stdout);
    fflush(stderr);
    for (int i = 0; i < 3; i++) {
        dup2(saved[i], i);
        close(saved[i]);
    }
    r->out = slurp(out);
    char *e = slurp(err);
    snprintf(r->err, sizeof r->err, "%s", e);
    free(e);
    close(in);
    close(out);
    close(err);
    unlink(in_path);
    unlink(out_path);
    unlink(err_path);
}

static void done(result_t *r)
{
    free(r->out);
    r->out = NULL;
}

static void test_merges_and_sorts(void)
{
    result_t r;
    run(&r,
        "# a comment line\n"
        "2001:db8::1\n"
        "10.0.0.128/25   # the upper half\n"
        "\n"
        "  10.0.0.0/25\r\n"
        "\t1.2.3.4\t\n"
        "2001:DB8::/127\n"
        "10.0.0.7\n"
        "1.2.3.4/32\n"
        "   \n"
        "::ffff:10.0.0.0/120\n"
        "2001:db8::2/127",
        0, NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_STRING_EQUAL(r.out, "1.2.3.4/32\n"
                                  "10.0.0.0/24\n"
                                  "::ffff:10.0.0.0/120\n"
                                  "2001:db8::/126\n");
    CU_ASSERT_STRING_EQUAL(r.err, "");
    done(&r);
}

static void test_files_in_turn(void)
{
    char a[64], b[64];
    temp_file(a, "10.0.0.0/24\n", 12);
    temp_file(b, "10.0.1.0/24\n::/1\n", 17);
    const char *args[] = {a, "-", b};
    result_t r;
    run(&r, "8000::/1\n10.0.2.0/23\n", 3, args);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_STRING_EQUAL(r.out, "10.0.0.0/22\n::/0\n");
    done(&r);
    const char *dashdash[] = {"--", a};
    run(&r, NULL, 2, dashdash);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_STRING_EQUAL(r.out, "10.0.0.0/24\n");
    done(&r);
    unlink(a);
    unlink(b);
}

static void test_empty_input(void)
{
    result_t r;
    run(&r, "", 0, NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    done(&r);
    run(&r, "# nothing\n\n \r\n", 0, NULL);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    done(&r);
}

static void test_bad_line(void)
{
    result_t r;
    run(&r, "10.0.0.0/8\n\n1.2.3.4/33\n5.6.7.8\n", 0, NULL);
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_STRING_EQUAL(r.err, "<stdin>:3: \"1.2.3.4/33\" has a prefix length beyond 32\n");
    done(&r);
    char a[64];
    temp_file(a, "10.0.0.0/8\n10.0.0.1/8 # oops\n", 29);
    const char *args[] = {a};
    run(&r, NULL, 1, args);
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    char want[256];
    snprintf(want, sizeof want, "%s:2: 10.0.0.1/8 has host bits set; the prefix is 10.0.0.0/8\n",
             a);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    done(&r);
    unlink(a);
    run(&r, "1.2.3.4 5.6.7.8\n", 0, NULL);
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_STRING_EQUAL(r.err, "<stdin>:1: \"1.2.3.4 5.6.7.8\" is not a valid IPv4 or IPv6 "
                                  "address or prefix\n");
    done(&r);
    run(&r, "::1\nexample.com", 0, NULL); /* the last line has no newline */
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "<stdin>:2: \"example.com\""));
    done(&r);
}

static void test_missing_file(void)
{
    const char *args[] = {"/nonexistent/prefixes.txt"};
    result_t r;
    run(&r, "1.2.3.4\n", 1, args);
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "/nonexistent/prefixes.txt"));
    done(&r);
    const char *dir[] = {"/tmp"};
    run(&r, NULL, 1, dir);
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "/tmp"));
    done(&r);
}

static void test_usage(void)
{
    const char *help[] = {"--help"};
    result_t r;
    run(&r, NULL, 1, help);
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "usage: appcsim coalesce [FILE...]"));
    done(&r);
    const char *bad[] = {"--frobnicate"};
    run(&r, NULL, 1, bad);
    CU_ASSERT_EQUAL(r.status, 2);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--frobnicate"));
    done(&r);
}

/* Lines cross the 1 MiB read blocks, and one comment line is longer than a block. */
static void test_big_input(void)
{
    size_t cap = 8u << 20, n = 0;
    char *text = malloc(cap);
    for (unsigned i = 0; i < 150000; i++) /* every other address: nothing merges */
        n += (size_t)snprintf(text + n, cap - n, "10.%u.%u.%u\n", i >> 15, (i >> 7) & 255,
                              (i & 127) * 2);
    text[n++] = '#';
    memset(text + n, 'x', 3u << 20);
    n += 3u << 20;
    n += (size_t)snprintf(text + n, cap - n, "\n11.0.0.0/8");
    char path[64];
    temp_file(path, text, n);
    free(text);
    const char *args[] = {path};
    result_t r;
    run(&r, NULL, 1, args);
    CU_ASSERT_EQUAL(r.status, 0);
    size_t lines = 0;
    for (const char *p = r.out; *p; p++)
        lines += *p == '\n';
    CU_ASSERT_EQUAL(lines, 150001);
    CU_ASSERT_EQUAL(strncmp(r.out, "10.0.0.0/32\n10.0.0.2/32\n", 24), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\n10.4.147.222/32\n11.0.0.0/8\n"));
    done(&r);
    unlink(path);
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static bool append(const pfx_t *p, uint64_t value, void *ctx)
{
    (void)value;
    char buf[PFX_TEXT_MAX];
    pfx_format(p, buf);
    strcat(ctx, buf);
    strcat(ctx, "\n");
    return true;
}

/* On random input in random order (duplicates and both families included) the command prints
 * exactly what aggregating an unsorted set gives. */
static void test_matches_aggregate(void)
{
    uint64_t rng = 77;
    for (int round = 0; round < 20; round++) {
        char *text = calloc(1, 64 * 1024), *want = calloc(1, 256 * 1024);
        pfxset_t *s = pfxset_new(), *agg = pfxset_new();
        for (int i = 0; i < 800; i++) {
            uint64_t r = splitmix64(&rng);
            pfx_addr_t a;
            unsigned len;
            if (r & 1) {
                a = pfx_addr_v4(0xc0a80000u | (uint32_t)(r >> 8 & 0x3ff));
                len = 22 + (unsigned)(r >> 40) % 11;
            } else {
                uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8};
                b[14] = (uint8_t)(r >> 8 & 3);
                b[15] = (uint8_t)(r >> 16);
                a = pfx_addr_v6(b);
                len = 118 + (unsigned)(r >> 40) % 11;
            }
            pfx_t p = pfx_make(&a, len);
            pfxset_insert(s, &p, 0);
            char buf[PFX_TEXT_MAX];
            if (pfx_is_host(&p) && (r >> 50) & 1)
                pfx_addr_format(&a, buf);
            else
                pfx_format(&p, buf);
            strcat(text, buf);
            strcat(text, "\n");
        }
        CU_ASSERT_EQUAL_FATAL(pfxset_aggregate(s, agg), 0);
        pfxset_foreach(agg, append, want);
        result_t r;
        run(&r, text, 0, NULL);
        CU_ASSERT_EQUAL(r.status, 0);
        CU_ASSERT_STRING_EQUAL(r.out, want);
        done(&r);
        pfxset_free(s);
        pfxset_free(agg);
        free(text);
        free(want);
    }
}

void suite_coalesce(void);
void suite_coalesce(void)
{
    static CU_TestInfo tests[] = {
        {"C7 N5 merges, dedupes and sorts; comments, blanks, CRLF, bare hosts", test_merges_and_sorts},
        {"reads files in turn, - is standard input", test_files_in_turn},
        {"empty input prints nothing", test_empty_input},
        {"N5 a bad line is FILE:LINE: message, status 2, no output", test_bad_line},
        {"a missing or unreadable file is named, status 2", test_missing_file},
        {"--help and unknown options", test_usage},
        {"lines across read blocks and a line longer than a block", test_big_input},
        {"C7 output equals pfxset_aggregate on random input", test_matches_aggregate},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("coalesce", tests);
}
