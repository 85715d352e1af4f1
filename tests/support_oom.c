/* Allocation-failure injection: see support_oom.h. The __real_ symbols are resolved by the
 * linker's --wrap to the unwrapped functions. */
#include "support_oom.h"

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
