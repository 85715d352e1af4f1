/* The CUnit runner: registers every suite (tests/test_NAME.c defines suite_NAME, listed in the
 * generated suites.inc) and runs them, or only the suites named on the command line.
 * CUnit's basic runner returns success even when assertions fail, so the exit status is taken
 * from the failure counts. */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "testutil.h"

#define SUITE(name) void suite_##name(void);
#include "suites.inc"
#undef SUITE

static int wanted(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "run_tests: cannot initialise CUnit: %s\n", CU_get_error_msg());
        return 2;
    }
    int registered = 0;
#define SUITE(name)                                                                              \
    if (wanted(#name, argc, argv)) {                                                             \
        suite_##name();                                                                          \
        registered++;                                                                            \
    }
#include "suites.inc"
#undef SUITE
    if (registered == 0) {
        fprintf(stderr, "run_tests: no suite matches the names given\n");
        CU_cleanup_registry();
        return 2;
    }
    if (CU_get_error() != CUE_SUCCESS) {
        fprintf(stderr, "run_tests: cannot register tests: %s\n", CU_get_error_msg());
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed() +
                        CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    unsigned failed_tests = CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    printf("\n%u passed, %u failed\n", run - failed_tests, failed_tests);
    return failures == 0 && run > 0 ? 0 : 1;
}
