/* Edge cases of model/splitdns that tests/test_splitdns.c leaves out: sizes whose product or
 * sum does not fit a size_t fail with NULL before anything is read or allocated. */
#include <stdint.h>
#include <string.h>

#include "splitdns.h"
#include "testutil.h"

static void test_overflowing_sizes(void)
{
    dn_domain_t d[2];
    errinfo_t err;
    CU_ASSERT_FATAL(dn_domain_parse("example.com", 11, &d[0], &err));
    CU_ASSERT_FATAL(dn_domain_parse("example.net", 11, &d[1], &err));
    uint64_t id = 7;
    /* The connector list is never read: the count is refused first. */
    ctrl_splitdns_app_t product = {d, 2, &id, SIZE_MAX / 2 + 1};
    CU_ASSERT_PTR_NULL(ctrl_splitdns_new(&product, 1));
    ctrl_splitdns_app_t sum[2] = {{d, 1, &id, SIZE_MAX / 2 + 1}, {d, 1, &id, SIZE_MAX / 2 + 1}};
    CU_ASSERT_PTR_NULL(ctrl_splitdns_new(sum, 2));
    /* The same apps with sane counts build their table. */
    sum[0].n_connectors = sum[1].n_connectors = 1;
    ctrl_splitdns_t *t = ctrl_splitdns_new(sum, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(ctrl_splitdns_count(t), 1);
    ctrl_splitdns_free(t);
}

void suite_splitdns_edges(void);
void suite_splitdns_edges(void)
{
    static CU_TestInfo tests[] = {
        {"P2 counts that overflow fail with NULL", test_overflowing_sizes},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("splitdns_edges", tests);
}
