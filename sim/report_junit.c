/* report_junit: junit.xml, one testcase per scenario. Every text from a scenario (names, paths,
 * messages, trace records) goes through report_xml_escape. No timing attributes: the file must
 * be the same for every run of the same suite (see report.h). */
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when it is not one. Also
 * rejects overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    /* U+FFFE and U+FFFF are not XML characters either. */
    if (cp == 0xfffe || cp == 0xffff)
        return 0;
    return len;
}

void report_xml_escape(FILE *f, const char *str)
{
    if (str == NULL)
        return;
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        switch (c) {
        case '&':
            fputs("&amp;", f);
            i++;
            continue;
        case '<':
            fputs("&lt;", f);
            i++;
            continue;
        case '>':
            fputs("&gt;", f);
            i++;
            continue;
        case '"':
            fputs("&quot;", f);
            i++;
            continue;
        case '\'':
            fputs("&apos;", f);
            i++;
            continue;
        case '\n':
            fputs("&#10;", f);
            i++;
            continue;
        case '\t':
            fputs("&#9;", f);
            i++;
            continue;
        case '\r':
            fputs("&#13;", f);
            i++;
            continue;
        default:
            break;
        }
        if (c < 0x20 || c == 0x7f) {
            fputs("\xef\xbf\xbd", f);
            i++;
            continue;
        }
        size_t len = utf8_len(s + i, n - i);
        if (len == 0) {
            fputs("\xef\xbf\xbd", f);
            i++;
            continue;
        }
        fwrite(s + i, 1, len, f);
        i += len;
    }
}

/* "scenarios/basic/x.json" -> "scenarios.basic": the JUnit class of a testcase. */
static void write_classname(FILE *f, const char *file)
{
    const char *slash = strrchr(file, '/');
    if (slash == NULL) {
        fputs("appcsim", f);
        return;
    }
    while (*file == '/' || (file[0] == '.' && file[1] == '/'))
        file += file[0] == '/' ? 1 : 2;
    slash = strrchr(file, '/');
    if (slash == NULL) {
        fputs("appcsim", f);
        return;
    }
    char *dir = strndup(file, (size_t)(slash - file));
    if (dir == NULL)
        return;
    for (char *c = dir; *c; c++)
        if (*c == '/')
            *c = '.';
    report_xml_escape(f, dir);
    free(dir);
}

static void write_checks(FILE *f, const run_result_t *r)
{
    for (size_t i = 0; i < r->n_checks; i++) {
        const check_result_t *c = &r->checks[i];
        if (c->status == CHECK_PASS)
            continue;
        fprintf(f, "expect[%zu]", c->index);
        if (c->id) {
            fputs(" '", f);
            report_xml_escape(f, c->id);
            fputs("'", f);
        }
        fprintf(f, " %s %s (line %u)\n  expected: ", c->kind ? c->kind : "?",
                check_status_name(c->status), c->line);
        report_xml_escape(f, c->expected);
        fputs("\n  got:      ", f);
        report_xml_escape(f, c->got);
        fputc('\n', f);
        for (size_t k = 0; k < c->n_context; k++) {
            fputs("    ", f);
            report_xml_escape(f, c->context[k]);
            fputc('\n', f);
        }
    }
}

static void write_case(FILE *f, const run_result_t *r)
{
    fputs("    <testcase name=\"", f);
    report_xml_escape(f, r->name);
    fputs("\" classname=\"", f);
    write_classname(f, r->file ? r->file : "");
    fputs("\" file=\"", f);
    report_xml_escape(f, r->file);
    fputs("\">\n", f);
    size_t failed = run_result_count(r, CHECK_FAIL) + run_result_count(r, CHECK_ERROR);
    switch (r->status) {
    case RUN_PASS:
        break;
    case RUN_FAIL:
        fprintf(f, "      <failure type=\"expectation\" message=\"%zu of %zu expectations failed\">",
                failed, r->n_checks);
        write_checks(f, r);
        fputs("</failure>\n", f);
        break;
    case RUN_ERROR:
        fputs("      <error type=\"run\" message=\"", f);
        report_xml_escape(f, r->error ? r->error : "the run stopped");
        fputs("\">", f);
        write_checks(f, r);
        fputs("</error>\n", f);
        break;
    case RUN_INVALID:
        fprintf(f, "      <error type=\"invalid\" message=\"the file is invalid (%zu errors)\">",
                r->n_diag_errors);
        for (size_t i = 0; i < r->n_diags; i++) {
            report_xml_escape(f, r->diags[i]);
            fputc('\n', f);
        }
        fputs("</error>\n", f);
        break;
    }
    fputs("      <system-out>", f);
    fputs("seed ", f);
    fprintf(f, "%llu fingerprint %s", (unsigned long long)r->seed,
            r->fingerprint[0] ? r->fingerprint : "-");
    for (size_t i = 0; i < r->n_warnings; i++) {
        fputs("\nwarning ", f);
        report_xml_escape(f, r->warnings[i]);
    }
    if (r->status != RUN_INVALID)
        for (size_t i = 0; i < r->n_diags; i++) {
            fputc('\n', f);
            report_xml_escape(f, r->diags[i]);
        }
    fputs("</system-out>\n", f);
    fputs("    </testcase>\n", f);
}

int report_junit_fwrite(FILE *f, const run_result_t *rs, size_t n, errinfo_t *err)
{
    size_t failures = 0, errors = 0;
    for (size_t i = 0; i < n; i++) {
        failures += rs[i].status == RUN_FAIL;
        errors += rs[i].status == RUN_ERROR || rs[i].status == RUN_INVALID;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<testsuites name=\"appcsim\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
            n, failures, errors);
    fprintf(f,
            "  <testsuite name=\"appcsim\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
            "skipped=\"0\">\n",
            n, failures, errors);
    for (size_t i = 0; i < n; i++)
        write_case(f, &rs[i]);
    fputs("  </testsuite>\n</testsuites>\n", f);
    if (ferror(f)) {
        errinfo_set(err, "cannot write the JUnit XML");
        return -1;
    }
    return 0;
}

int report_junit_write(const char *path, const run_result_t *rs, size_t n, errinfo_t *err)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        errinfo_set(err, "%s: cannot open for writing", path);
        return -1;
    }
    int rc = report_junit_fwrite(f, rs, n, err);
    if (fclose(f) != 0 && rc == 0) {
        errinfo_set(err, "%s: cannot write", path);
        rc = -1;
    }
    return rc;
}
