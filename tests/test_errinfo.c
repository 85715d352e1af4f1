/* Tests of model/errinfo: messages are formatted, truncated safely, and NULL is allowed. */
#include <string.h>

#include "errinfo.h"
#include "testutil.h"

static void test_formats_message(void)
{
    errinfo_t e;
    errinfo_set(&e, "prefix %s has host bits set", "10.0.0.1/8");
    CU_ASSERT_STRING_EQUAL(e.msg, "prefix 10.0.0.1/8 has host bits set");
}

static void test_truncates_long_message(void)
{
    errinfo_t e;
    char big[2 * ERRINFO_MSG_MAX];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    errinfo_set(&e, "%s", big);
    CU_ASSERT_EQUAL(strlen(e.msg), ERRINFO_MSG_MAX - 1);
}

static void test_null_is_ignored(void)
{
    errinfo_set(NULL, "nothing %d", 1);
    CU_PASS("no crash");
}

void suite_errinfo(void);
void suite_errinfo(void)
{
    static CU_TestInfo tests[] = {
        {"formats the message", test_formats_message},
        {"truncates a long message", test_truncates_long_message},
        {"accepts NULL", test_null_is_ignored},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("errinfo", tests);
}
