/* Helpers shared by the CUnit test files. */
#ifndef APPCSIM_TESTUTIL_H
#define APPCSIM_TESTUTIL_H

#include <CUnit/CUnit.h>

/* Adds a suite and its tests; tests is a NULL-terminated CU_TestInfo array. Each test's name
 * should carry the rule IDs it exercises, e.g. "N4 wildcard excludes the parent". */
#define TEST_SUITE(suite_name, tests_array)                                                      \
    do {                                                                                         \
        CU_SuiteInfo suites_[] = {{suite_name, NULL, NULL, NULL, NULL, tests_array},             \
                                  CU_SUITE_INFO_NULL};                                           \
        CU_register_suites(suites_);                                                             \
    } while (0)

#endif
