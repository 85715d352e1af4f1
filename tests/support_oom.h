/* Test support: allocation-failure injection (SQLite-style out-of-memory testing).
 *
 * The test runners are linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,
 * --wrap=strdup,--wrap=strndup (TEST_LDFLAGS in the Makefile): every call to those functions
 * from the objects and static archives linked in (model/, sim/, tests/, and libgcov in the
 * coverage build) goes to the __wrap_ functions below, which forward to __real_ (the C
 * library's, or AddressSanitizer's interceptor in the sanitizer build, so leaks and misuse are
 * still caught) unless a failure is armed.
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

/* ---- the sweep: an operation run with its 1st, 2nd, ... allocation failing ----
 *
 * For n = 0, 1, 2, ... a fresh state is prepared (disarmed), its snapshot taken, the failure
 * armed at n, the operation run, and then:
 *   - no failure was injected (the operation made n allocations or fewer): it must have
 *     succeeded with the same snapshot as a reference run without injection; the sweep ends;
 *   - a failure was injected and the operation reported it (OOM_FAILED, its documented status):
 *     the snapshot must be exactly the one taken before (the contract "leaves the state
 *     unchanged"); then the operation is run again without injection on that same state and
 *     must give the reference snapshot, and `follow` (when given) is run on it and on the
 *     reference, which must agree again (a hidden inconsistency shows up in later operations);
 *   - a failure was injected and the operation still succeeded: allowed only with may_recover
 *     (a documented fallback); the snapshot must then be the reference's.
 * Leaks are left to AddressSanitizer's check at exit. A snapshot is text (malloc'd) of
 * everything observable, the last operation's output included. The first mismatch fails the
 * test (naming the case, the mode and n) and ends the sweep. */
typedef enum {
    OOM_OK,     /* the operation succeeded */
    OOM_FAILED, /* it failed with its documented out-of-memory status */
    OOM_WRONG,  /* anything else: a wrong status */
} oom_outcome_t;

typedef struct {
    const char *name;
    const void *arg;                            /* passed to prepare and run */
    void *(*prepare)(const void *arg);          /* a fresh state; NULL fails the test */
    char *(*snapshot)(void *state);             /* malloc'd text; NULL fails the test */
    oom_outcome_t (*run)(void *state, const void *arg);
    void (*follow)(void *state);                /* optional, never under injection */
    void (*release)(void *state);
    bool may_recover;
} oom_case_t;

typedef struct {
    unsigned long steps;    /* values of n tried */
    unsigned long injected; /* steps where a failure was injected */
    bool ok;                /* no mismatch */
} oom_sweep_result_t;

/* Runs the sweep with failures once (persistent false) or from n on (true). */
oom_sweep_result_t oom_sweep(const oom_case_t *c, bool persistent);
/* Both modes; asserts that each ended, found no mismatch, and injected at least one failure
 * (an operation that allocates nothing has nothing to sweep: the case is wrong). */
void oom_sweep_both(const oom_case_t *c);
/* Both modes, for an operation that may allocate nothing in some states (then the sweep only
 * checks that it succeeds as the reference did). Returns the failures injected in all. */
unsigned long oom_sweep_any(const oom_case_t *c);

/* The wrappers the linker routes calls to (prototypes for -Wmissing-prototypes). */
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

#endif
