/* hex: raw bytes written as hex text (scripted DNS answers, D5).
 *
 * Bytes are pairs of hex digits (either case); whitespace may stand between pairs, never inside
 * one. Used by the scenario loader (to check the text, naming the field) and by the DNS
 * database (to hold the bytes), so both accept exactly the same text. */
#ifndef APPCSIM_HEX_H
#define APPCSIM_HEX_H

#include <stddef.h>
#include <stdint.h>

#include "errinfo.h"

/* Decodes hex into a new buffer (*out, malloc'd; NULL when there are no bytes) of *len bytes.
 * Fails, with a message naming the offending character and its offset (0-based), on a non-hex
 * character, an odd number of digits, more than max bytes, or out of memory. */
int hex_decode(const char *hex, size_t max, uint8_t **out, size_t *len, errinfo_t *err);

#endif
