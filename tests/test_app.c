/* Tests of model/app: connector selectors and who serves an app (C1), control routes (C2). */
#include <string.h>

#include "app.h"
#include "testutil.h"

static pfx_t route(const char *text)
{
    pfx_t p;
    errinfo_t err;
    CU_ASSERT_FATAL(pfx_parse(text, strlen(text), false, &p, &err));
    return p;
}

/* The route is rejected and the message contains every needle. */
static void expect_route_error(const char *text, const char *needle1, const char *needle2)
{
    pfx_t p = route(text);
    errinfo_t err = {{0}};
    CU_ASSERT_FALSE(app_check_route(&p, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, needle1));
    if (needle2 != NULL)
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, needle2));
}

static void test_star_selector_is_rejected(void)
{
    errinfo_t err = {{0}};
    CU_ASSERT_FALSE(app_check_connector("*", &err));
    CU_ASSERT_STRING_EQUAL(err.msg, "connector selector '*' is not allowed: name a tag such as "
                                    "tag:connector");
    CU_ASSERT_FALSE(app_check_connector("*", NULL)); /* no error record is fine */
}

static void test_tag_selectors_are_accepted(void)
{
    errinfo_t err;
    CU_ASSERT_TRUE(app_check_connector("tag:connector", &err));
    CU_ASSERT_TRUE(app_check_connector("tag:*", &err)); /* only a bare '*' is C1's case */
    CU_ASSERT_FALSE(app_check_connector(NULL, &err));
}

static void test_default_routes_are_rejected(void)
{
    expect_route_error("0.0.0.0/0", "route 0.0.0.0/0", "use an exit node");
    expect_route_error("::/0", "route ::/0", "use an exit node");
}

static void test_disallowed_ranges_are_rejected_by_name(void)
{
    expect_route_error("127.0.0.0/8", "route 127.0.0.0/8", "range 127.0.0.0/8");
    expect_route_error("127.1.0.0/16", "route 127.1.0.0/16", "inside the never-routed range "
                                                             "127.0.0.0/8");
    expect_route_error("0.0.0.0/8", "route 0.0.0.0/8", "range 0.0.0.0/8");
    expect_route_error("169.254.169.254/32", "169.254.169.254/32", "169.254.0.0/16");
    expect_route_error("224.0.0.0/4", "224.0.0.0/4", "range 224.0.0.0/4");
    expect_route_error("239.1.2.0/24", "239.1.2.0/24", "224.0.0.0/4");
    expect_route_error("240.0.0.0/4", "240.0.0.0/4", "range 240.0.0.0/4");
    expect_route_error("255.255.255.255/32", "255.255.255.255/32", "240.0.0.0/4");
    expect_route_error("100.100.100.0/24", "100.100.100.0/24", "100.64.0.0/10");
    expect_route_error("::1/128", "route ::1/128", "range ::1/128");
    expect_route_error("::/128", "route ::/128", "range ::/128");
    expect_route_error("::ffff:10.0.0.0/104", "::ffff:10.0.0.0/104", "::ffff:0.0.0.0/96");
    expect_route_error("fe80::/64", "fe80::/64", "fe80::/10");
    expect_route_error("ff02::/16", "ff02::/16", "ff00::/8");
    expect_route_error("fd7a:115c:a1e0:ab12::/64", "fd7a:115c:a1e0:ab12::/64",
                       "fd7a:115c:a1e0::/48");
}

static void test_ordinary_routes_are_accepted(void)
{
    const char *ok[] = {"10.0.0.0/8",   "192.0.2.0/24",  "192.0.2.7/32", "2001:db8::/32",
                        "100.128.0.0/9", "100.63.0.0/16", "128.0.0.0/1",  "fd7a:115c:a1e1::/48",
                        "fe00::/9",      "::2/128"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        pfx_t p = route(ok[i]);
        errinfo_t err;
        CU_ASSERT_TRUE(app_check_route(&p, &err));
    }
}

static void test_routes_containing_a_range_are_accepted(void)
{
    /* C2 rejects routes equal to or inside a range; one that merely contains a range is
     * advertised as configured (its disallowed addresses are still never learned, L4). */
    pfx_t p = route("0.0.0.0/1");
    errinfo_t err;
    CU_ASSERT_TRUE(app_check_route(&p, &err));
    p = route("fc00::/7");
    CU_ASSERT_TRUE(app_check_route(&p, &err));
}

static const char *const tags_conn[] = {"tag:web", "tag:connector"};

static void test_serves_needs_flag_and_tag(void)
{
    const char *const connectors[] = {"tag:connector"};
    app_t app = {.name = "a", .connectors = connectors, .n_connectors = 1};
    CU_ASSERT_TRUE(app_serves(&app, tags_conn, 2, true));
    CU_ASSERT_FALSE(app_serves(&app, tags_conn, 2, false));
    CU_ASSERT_FALSE(app_serves(&app, tags_conn, 1, true));
    CU_ASSERT_FALSE(app_serves(&app, NULL, 0, true));
}

static void test_serves_any_listed_tag(void)
{
    const char *const connectors[] = {"tag:other", "tag:web"};
    app_t app = {.name = "a", .connectors = connectors, .n_connectors = 2};
    CU_ASSERT_TRUE(app_serves(&app, tags_conn, 2, true));
    app.n_connectors = 1;
    CU_ASSERT_FALSE(app_serves(&app, tags_conn, 2, true));
}

static void test_star_serves_nobody(void)
{
    const char *const connectors[] = {"*"};
    app_t app = {.name = "a", .connectors = connectors, .n_connectors = 1};
    const char *const star_tag[] = {"*"};
    CU_ASSERT_FALSE(app_serves(&app, tags_conn, 2, true));
    CU_ASSERT_FALSE(app_serves(&app, star_tag, 1, true));
}

void suite_app(void);
void suite_app(void)
{
    static CU_TestInfo tests[] = {
        {"C1 connector selector '*' is rejected with its message", test_star_selector_is_rejected},
        {"C1 tag selectors are accepted", test_tag_selectors_are_accepted},
        {"C2 0.0.0.0/0 and ::/0 are rejected: use an exit node", test_default_routes_are_rejected},
        {"C2 L4 routes equal to or inside an L4 range are rejected naming both",
         test_disallowed_ranges_are_rejected_by_name},
        {"C2 ordinary routes are accepted", test_ordinary_routes_are_accepted},
        {"C2 routes containing an L4 range are accepted", test_routes_containing_a_range_are_accepted},
        {"C1 a node serves an app with advertise_connector and a listed tag",
         test_serves_needs_flag_and_tag},
        {"C1 any listed tag serves", test_serves_any_listed_tag},
        {"C1 '*' in connectors serves nobody", test_star_serves_nobody},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("app", tests);
}
