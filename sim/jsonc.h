/* jsonc: the lexical pre-pass run over every input file before jansson parses it.
 *
 * Policy files are HuJSON: JSON plus // line comments, block comments and trailing commas.
 * jsonc_prepare rewrites such text into plain JSON in place, replacing each comment byte and
 * each trailing comma by a space and keeping every newline, so that jansson's line, column and
 * byte positions are those of the file as written. String literals (with their escapes) are
 * left alone. It also bounds the nesting depth of arrays and objects, so that a hostile file
 * ("[[[[...") is rejected before any recursive parser sees it.
 *
 * It is not a parser: anything it does not recognise is left for jansson to reject. */
#ifndef APPCSIM_JSONC_H
#define APPCSIM_JSONC_H

#include <stddef.h>

#include "errinfo.h"

/* Rewrites text[0..len) in place. Returns 0, or -1 with *err_offset (the byte offset of the
 * culprit: the start of an unterminated block comment, or the bracket that opens level
 * max_depth + 1) and err set. */
int jsonc_prepare(char *text, size_t len, unsigned max_depth, size_t *err_offset, errinfo_t *err);

#endif
