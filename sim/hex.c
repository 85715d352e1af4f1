#include "hex.h"

#include <stdlib.h>
#include <string.h>

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int hex_decode(const char *hex, size_t max, uint8_t **out, size_t *len, errinfo_t *err)
{
    size_t cap = strlen(hex) / 2;
    uint8_t *buf = malloc(cap ? cap : 1);
    size_t n = 0;
    if (buf == NULL) {
        errinfo_set(err, "out of memory");
        return -1;
    }
    for (size_t i = 0; hex[i] != '\0';) {
        if (is_space((unsigned char)hex[i])) {
            i++;
            continue;
        }
        int hi = hex_value((unsigned char)hex[i]);
        int lo = hi >= 0 ? hex_value((unsigned char)hex[i + 1]) : -1;
        if (hi < 0 || lo < 0) {
            size_t at = hi < 0 ? i : i + 1;
            unsigned char c = (unsigned char)hex[at];
            if (c == '\0')
                errinfo_set(err, "odd number of digits");
            else
                errinfo_set(err, "character '%c' at offset %zu is not a hex digit",
                            c >= 0x20 && c < 0x7f ? c : '?', at);
            free(buf);
            return -1;
        }
        if (n == max) {
            errinfo_set(err, "more than %zu bytes", max);
            free(buf);
            return -1;
        }
        buf[n++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    if (n == 0) {
        free(buf);
        buf = NULL;
    }
    *out = buf;
    *len = n;
    return 0;
}
