#include "jsonc.h"

#include <stdbool.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Blanks a comment byte: newlines stay so that line numbers stay. */
static void blank(char *c)
{
    if (*c != '\n' && *c != '\r')
        *c = ' ';
}

int jsonc_prepare(char *text, size_t len, unsigned max_depth, size_t *err_offset, errinfo_t *err)
{
    unsigned depth = 0;
    /* The last two significant bytes outside comments and whitespace (a whole string counts
     * as one '"'), and where the last comma was: a comma is trailing when a closing bracket
     * follows it and a value precedes it. */
    char last = '\0', before_last = '\0';
    size_t comma_at = 0;
    size_t i = 0;
    while (i < len) {
        char c = text[i];
        if (is_space(c)) {
            i++;
            continue;
        }
        if (c == '/' && i + 1 < len && text[i + 1] == '/') {
            while (i < len && text[i] != '\n')
                blank(&text[i++]);
            continue;
        }
        if (c == '/' && i + 1 < len && text[i + 1] == '*') {
            size_t start = i;
            i += 2;
            while (i + 1 < len && !(text[i] == '*' && text[i + 1] == '/'))
                i++;
            if (i + 1 >= len) {
                *err_offset = start;
                errinfo_set(err, "block comment is not closed ('/*' without '*/')");
                return -1;
            }
            for (size_t k = start; k < i + 2; k++)
                blank(&text[k]);
            i += 2;
            continue;
        }
        if (c == '"') {
            i++;
            while (i < len && text[i] != '"') {
                if (text[i] == '\\' && i + 1 < len)
                    i++;
                i++;
            }
            i++; /* past the closing quote (or the end, which jansson will report) */
        } else {
            if (c == '[' || c == '{') {
                if (depth == max_depth) {
                    *err_offset = i;
                    errinfo_set(err, "nesting is deeper than %u levels of arrays and objects",
                                max_depth);
                    return -1;
                }
                depth++;
            } else if (c == ']' || c == '}') {
                if (depth > 0)
                    depth--;
                if (last == ',' && before_last != '\0' && before_last != '[' &&
                    before_last != '{' && before_last != ',' && before_last != ':') {
                    text[comma_at] = ' ';
                    last = before_last; /* the comma is gone */
                }
            } else if (c == ',') {
                comma_at = i;
            }
            i++;
        }
        before_last = last;
        last = c;
    }
    return 0;
}
