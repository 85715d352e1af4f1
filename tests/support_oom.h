/* Test support: allocation-failure injection (SQLite-style out-of-memory testing).
 *
 * The test runners are linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,
 * --wrap=strdup,--wrap=strndup (TEST_LDFLAGS in the Makefile): every call to those functions
 * from our own object files (model/, sim/, tests/, and the static libgcov of the coverage
 * build) goes to the __wrap_ functions below, which forward to __real_ (the C library's, or
 * AddressSanitizer's interceptor in the sanitizer build) unless a failure is armed.
 *
 * Limits: the shared libraries we link (ldns, jansson, CUnit, libc itself) keep the real
 * allocator, so their internal allocations never fail here: learn_parse's ldns_wire2dname, a
 * zone load's ldns parsing or a jansson document can not be made to run out of memory by this
 * harness. free is not wrapped (nothing to inject).
 *
 * Use: oom_fail_after(n) makes the (n+1)-th wrapped allocation from now fail (return NULL
 * without allocating); the ones before it and after it succeed. oom_fail_from(n) makes it and
 * every later one fail (a "persistent" failure, to exercise cleanup paths that allocate).
 * oom_triggered() tells whether a failure was injected since arming; oom_disarm() stops
 * injecting. Arm only around the operation under test: the test's own allocations between
 * arming and disarming count too. Single-threaded only. */
#ifndef APPCSIM_SUPPORT_OOM_H
#define APPCSIM_SUPPORT_OOM_H

#include <stdbool.h>
#include <stddef.h>

void oom_fail_after(unsigned long n);
void oom_fail_from(unsigned long n);
void oom_disarm(void);
bool oom_triggered(void);
/* Wrapped allocations seen since the last arming (counted while armed only). */
unsigned long oom_allocations(void);

/* A sweep gives up after this many steps (an operation that allocates without bound would
 * otherwise never finish the sweep); a test asserts that its sweep ended before. */
#define OOM_SWEEP_MAX 100000ul

/* The wrappers the linker routes calls to (prototypes for -Wmissing-prototypes). */
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

#endif
