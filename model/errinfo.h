/* errinfo: the error record that every fallible function of model/ fills.
 *
 * A function that can fail returns a status and writes a one-line, human-readable message into
 * a caller-provided errinfo_t. The message names the offending input (a prefix, a name, a
 * field); the caller (sim/) adds file:line:col or the field's path. Passing NULL is allowed and
 * discards the message. */
#ifndef APPCSIM_ERRINFO_H
#define APPCSIM_ERRINFO_H

#include <stddef.h>

#define ERRINFO_MSG_MAX 512

typedef struct {
    char msg[ERRINFO_MSG_MAX];
} errinfo_t;

/* Formats the message into err (truncating to fit); does nothing when err is NULL. */
void errinfo_set(errinfo_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
