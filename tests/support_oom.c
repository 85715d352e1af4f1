/* Allocation-failure injection: see support_oom.h. The __real_ symbols are resolved by the
 * linker's --wrap to the unwrapped functions. */
#include "support_oom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

static struct {
    bool armed;
    bool sticky;            /* every allocation from the chosen one on fails */
    unsigned long fail_at;  /* index (from arming) of the first allocation that fails */
    unsigned long seen;     /* allocations since arming */
    bool triggered;
} oom;

static void arm(unsigned long n, bool sticky)
{
    oom.armed = true;
    oom.sticky = sticky;
    oom.fail_at = n;
    oom.seen = 0;
    oom.triggered = false;
}

void oom_fail_after(unsigned long n)
{
    arm(n, false);
}

void oom_fail_from(unsigned long n)
{
    arm(n, true);
}

void oom_disarm(void)
{
    oom.armed = false;
}

bool oom_triggered(void)
{
    return oom.triggered;
}

unsigned long oom_allocations(void)
{
    return oom.seen;
}

/* Counts one allocation; true when it must fail. */
static bool must_fail(void)
{
    if (!oom.armed)
        return false;
    unsigned long i = oom.seen++;
    if (i == oom.fail_at || (oom.sticky && i > oom.fail_at)) {
        oom.triggered = true;
        return true;
    }
    return false;
}

void *__wrap_malloc(size_t size)
{
    return must_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return must_fail() ? NULL : __real_calloc(n, size);
}

/* A failed realloc leaves the block as it was, as the real one does. */
void *__wrap_realloc(void *p, size_t size)
{
    return must_fail() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
    return must_fail() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return must_fail() ? NULL : __real_strndup(s, n);
}

/* ---- the sweep ---- */

/* Records a failed check with a message naming the case, the mode and the step. */
static void sweep_fail(const oom_case_t *c, bool persistent, unsigned long n, const char *what,
                       const char *expected, const char *got)
{
    char msg[1536];
    snprintf(msg, sizeof msg, "OOM sweep '%s' (%s, failing allocation %lu): %s%s%.500s%s%.500s",
             c->name, persistent ? "persistent" : "once", n + 1, what,
             expected != NULL ? "\n  expected: " : "", expected != NULL ? expected : "",
             got != NULL ? "\n  got:      " : "", got != NULL ? got : "");
    CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
}

static bool same_text(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* The reference: the operation without injection (and then follow), as snapshots. */
static bool sweep_reference(const oom_case_t *c, char **after, char **followed)
{
    *after = *followed = NULL;
    void *st = c->prepare(c->arg);
    if (st == NULL)
        return false;
    oom_outcome_t r = c->run(st, c->arg);
    *after = c->snapshot(st);
    if (c->follow != NULL) {
        c->follow(st);
        *followed = c->snapshot(st);
    }
    c->release(st);
    return r == OOM_OK && *after != NULL && (c->follow == NULL || *followed != NULL);
}

oom_sweep_result_t oom_sweep(const oom_case_t *c, bool persistent)
{
    oom_sweep_result_t res = {0, 0, false};
    char *ref_after, *ref_followed;
    if (!sweep_reference(c, &ref_after, &ref_followed)) {
        sweep_fail(c, persistent, 0, "the reference run (no injection) did not succeed", NULL,
                   NULL);
        goto out;
    }
    for (unsigned long n = 0; n < OOM_SWEEP_MAX; n++) {
        res.steps++;
        void *st = c->prepare(c->arg);
        char *before = st != NULL ? c->snapshot(st) : NULL;
        if (before == NULL) {
            sweep_fail(c, persistent, n, "cannot prepare the state", NULL, NULL);
            if (st != NULL)
                c->release(st);
            goto out;
        }
        if (persistent)
            oom_fail_from(n);
        else
            oom_fail_after(n);
        oom_outcome_t r = c->run(st, c->arg);
        bool triggered = oom_triggered();
        oom_disarm();
        char *after = c->snapshot(st);
        bool good = true, done = false;
        if (!triggered) {
            done = true;
            if (r != OOM_OK) {
                sweep_fail(c, persistent, n, "failed with no failure injected", NULL, NULL);
                good = false;
            } else if (!same_text(after, ref_after)) {
                sweep_fail(c, persistent, n, "succeeded, but not as the reference run",
                           ref_after, after);
                good = false;
            }
        } else {
            res.injected++;
            if (r == OOM_OK) {
                if (!c->may_recover) {
                    sweep_fail(c, persistent, n, "succeeded although an allocation failed", NULL,
                               NULL);
                    good = false;
                } else if (!same_text(after, ref_after)) {
                    sweep_fail(c, persistent, n, "recovered, but not as the reference run",
                               ref_after, after);
                    good = false;
                }
            } else if (r == OOM_WRONG) {
                sweep_fail(c, persistent, n, "wrong status for out-of-memory", NULL, NULL);
                good = false;
            } else if (!same_text(after, before)) {
                sweep_fail(c, persistent, n, "failed, but changed the state", before, after);
                good = false;
            } else if (c->run(st, c->arg) != OOM_OK) {
                sweep_fail(c, persistent, n, "the retry without injection failed", NULL, NULL);
                good = false;
            } else {
                char *retried = c->snapshot(st);
                if (!same_text(retried, ref_after)) {
                    sweep_fail(c, persistent, n, "the retry differs from the reference run",
                               ref_after, retried);
                    good = false;
                } else if (c->follow != NULL) {
                    c->follow(st);
                    char *followed = c->snapshot(st);
                    if (!same_text(followed, ref_followed)) {
                        sweep_fail(c, persistent, n,
                                   "later operations differ from the reference run's",
                                   ref_followed, followed);
                        good = false;
                    }
                    free(followed);
                }
                free(retried);
            }
        }
        free(before);
        free(after);
        c->release(st);
        if (!good)
            goto out;
        if (done) {
            res.ok = true;
            goto out;
        }
    }
    sweep_fail(c, persistent, OOM_SWEEP_MAX, "the sweep did not end", NULL, NULL);
out:
    free(ref_after);
    free(ref_followed);
    return res;
}

void oom_sweep_both(const oom_case_t *c)
{
    for (int persistent = 0; persistent <= 1; persistent++) {
        oom_sweep_result_t r = oom_sweep(c, persistent);
        if (r.ok && r.injected == 0)
            sweep_fail(c, persistent, 0, "no allocation to fail: nothing was swept", NULL, NULL);
        if (!r.ok)
            return;
    }
}

unsigned long oom_sweep_any(const oom_case_t *c)
{
    unsigned long injected = 0;
    for (int persistent = 0; persistent <= 1; persistent++) {
        oom_sweep_result_t r = oom_sweep(c, persistent);
        injected += r.injected;
        if (!r.ok)
            break;
    }
    return injected;
}
