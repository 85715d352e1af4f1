/* Tests of model/approve: autoApprovers for routes and exit nodes (P1, P8). */
#include <string.h>

#include "approve.h"
#include "testutil.h"

static pfx_t P(const char *text)
{
    pfx_t p;
    memset(&p, 0, sizeof p);
    CU_ASSERT_TRUE_FATAL(pfx_parse(text, strlen(text), false, &p, NULL));
    return p;
}

static const char *const web[] = {"tag:web"};
static const char *const db[] = {"tag:db"};
static const char *const web_db[] = {"tag:db", "tag:web"};

static void test_exit_routes_recognised(void)
{
    pfx_t v4 = P("0.0.0.0/0"), v6 = P("::/0"), one = P("0.0.0.0/1"), host = P("10.0.0.1/32");
    CU_ASSERT_TRUE(ctrl_is_exit_route(&v4));
    CU_ASSERT_TRUE(ctrl_is_exit_route(&v6));
    CU_ASSERT_FALSE(ctrl_is_exit_route(&one));
    CU_ASSERT_FALSE(ctrl_is_exit_route(&host));
}

static void test_route_equal_and_contained(void)
{
    ctrl_approver_t rules[] = {{P("10.0.0.0/8"), web, 1}};
    pfx_t equal = P("10.0.0.0/8"), inside = P("10.1.2.0/24"), host = P("10.255.255.255/32");
    CU_ASSERT_TRUE(ctrl_route_auto_approved(rules, 1, &equal, web, 1));
    CU_ASSERT_TRUE(ctrl_route_auto_approved(rules, 1, &inside, web, 1));
    CU_ASSERT_TRUE(ctrl_route_auto_approved(rules, 1, &host, web, 1));
}

static void test_route_not_contained(void)
{
    ctrl_approver_t rules[] = {{P("10.0.0.0/8"), web, 1}, {P("fd00::/8"), web, 1}};
    pfx_t wider = P("10.0.0.0/7"), outside = P("11.0.0.1/32"), other_family = P("::a00:0/104"),
          v6_in = P("fd12::/64"), v6_out = P("fe00::/64");
    CU_ASSERT_FALSE(ctrl_route_auto_approved(rules, 2, &wider, web, 1));
    CU_ASSERT_FALSE(ctrl_route_auto_approved(rules, 2, &outside, web, 1));
    CU_ASSERT_FALSE(ctrl_route_auto_approved(rules, 2, &other_family, web, 1));
    CU_ASSERT_TRUE(ctrl_route_auto_approved(rules, 2, &v6_in, web, 1));
    CU_ASSERT_FALSE(ctrl_route_auto_approved(rules, 2, &v6_out, web, 1));
}

static void test_route_needs_one_of_the_node_tags(void)
{
    ctrl_approver_t rules[] = {{P("10.0.0.0/8"), web, 1}, {P("192.168.0.0/16"), db, 1}};
    pfx_t ten = P("10.1.0.0/16"), home = P("192.168.1.0/24");
    CU_ASSERT_FALSE(ctrl_route_auto_approved(rules, 2, &ten, db, 1));
    CU_ASSERT_TRUE(ctrl_route_auto_approved(rules, 2, &home, db, 1));
    /* A node with several tags needs only one of them listed, for each rule. */
    CU_ASSERT_TRUE(ctrl_route_auto_approved(rules, 2, &ten, web_db, 2));
    CU_ASSERT_TRUE(ctrl_route_auto_approved(rules, 2, &home, web_db, 2));
    /* A similar tag is a different tag. */
    const char *const webx[] = {"tag:webx", "tag:we"};
    CU_ASSERT_FALSE(ctrl_route_auto_approved(rules, 2, &ten, webx, 2));
}

static void test_route_any_covering_rule_counts(void)
{
    /* The narrower rule lists the wrong tag; the wider one approves. */
    ctrl_approver_t rules[] = {{P("10.1.0.0/16"), db, 1}, {P("10.0.0.0/8"), web, 1}};
    pfx_t p = P("10.1.2.3/32");
    CU_ASSERT_TRUE(ctrl_route_auto_approved(rules, 2, &p, web, 1));
    CU_ASSERT_TRUE(ctrl_route_auto_approved(rules, 2, &p, db, 1));
    pfx_t q = P("10.2.0.0/16");
    CU_ASSERT_FALSE(ctrl_route_auto_approved(rules, 2, &q, db, 1));
}

static void test_route_non_tag_approvers_never_count(void)
{
    /* Users, groups and autogroups are not modelled: they never approve, tagged node or not. */
    const char *const people[] = {"alice@example.com", "group:eng", "autogroup:member", "web"};
    ctrl_approver_t rules[] = {{P("10.0.0.0/8"), people, 4}};
    pfx_t p = P("10.1.0.0/16");
    const char *const odd[] = {"alice@example.com", "group:eng", "web"};
    CU_ASSERT_FALSE(ctrl_route_auto_approved(rules, 1, &p, web, 1));
    CU_ASSERT_FALSE(ctrl_route_auto_approved(rules, 1, &p, odd, 3));
    CU_ASSERT_FALSE(ctrl_route_auto_approved(rules, 1, &p, NULL, 0));
    /* Mixed lists: the tag approver still counts. */
    const char *const mixed[] = {"alice@example.com", "tag:web"};
    ctrl_approver_t rules2[] = {{P("10.0.0.0/8"), mixed, 2}};
    CU_ASSERT_TRUE(ctrl_route_auto_approved(rules2, 1, &p, web, 1));
}

static void test_route_untagged_node_never_approved(void)
{
    ctrl_approver_t rules[] = {{P("10.0.0.0/8"), web, 1}};
    pfx_t p = P("10.1.0.0/16");
    CU_ASSERT_FALSE(ctrl_route_auto_approved(rules, 1, &p, NULL, 0));
}

static void test_route_never_approves_slash_zero(void)
{
    ctrl_approver_t rules[] = {{P("0.0.0.0/0"), web, 1}, {P("::/0"), web, 1}};
    pfx_t v4 = P("0.0.0.0/0"), v6 = P("::/0"), half = P("128.0.0.0/1"), v6_half = P("8000::/1");
    CU_ASSERT_FALSE(ctrl_route_auto_approved(rules, 2, &v4, web, 1));
    CU_ASSERT_FALSE(ctrl_route_auto_approved(rules, 2, &v6, web, 1));
    /* An entry for /0 does approve everything else of its family. */
    CU_ASSERT_TRUE(ctrl_route_auto_approved(rules, 2, &half, web, 1));
    CU_ASSERT_TRUE(ctrl_route_auto_approved(rules, 2, &v6_half, web, 1));
}

static void test_route_empty_policy(void)
{
    pfx_t p = P("10.0.0.0/8");
    CU_ASSERT_FALSE(ctrl_route_auto_approved(NULL, 0, &p, web, 1));
    ctrl_approver_t no_approvers[] = {{P("10.0.0.0/8"), NULL, 0}};
    CU_ASSERT_FALSE(ctrl_route_auto_approved(no_approvers, 1, &p, web, 1));
}

static void test_exit_node_approvers(void)
{
    const char *const exit_list[] = {"group:admins", "tag:exit"};
    const char *const exit_tag[] = {"tag:exit"};
    const char *const both[] = {"tag:web", "tag:exit"};
    CU_ASSERT_TRUE(ctrl_exit_auto_approved(exit_list, 2, exit_tag, 1));
    CU_ASSERT_TRUE(ctrl_exit_auto_approved(exit_list, 2, both, 2));
    CU_ASSERT_FALSE(ctrl_exit_auto_approved(exit_list, 2, web, 1));
    CU_ASSERT_FALSE(ctrl_exit_auto_approved(exit_list, 2, NULL, 0));
    CU_ASSERT_FALSE(ctrl_exit_auto_approved(NULL, 0, exit_tag, 1));
    const char *const group_tag[] = {"group:admins"};
    CU_ASSERT_FALSE(ctrl_exit_auto_approved(exit_list, 2, group_tag, 1));
}

static void test_combined_decision(void)
{
    const char *const exit_list[] = {"tag:exit"};
    const char *const exit_tag[] = {"tag:exit"};
    ctrl_approver_t rules[] = {{P("0.0.0.0/0"), web, 1}, {P("::/0"), web, 1}};
    ctrl_autoapprovers_t aa = {rules, 2, exit_list, 1};
    pfx_t v4 = P("0.0.0.0/0"), v6 = P("::/0"), net = P("10.0.0.0/8");
    /* Exit routes go through exitNode only, both families. */
    CU_ASSERT_TRUE(ctrl_auto_approved(&aa, &v4, exit_tag, 1));
    CU_ASSERT_TRUE(ctrl_auto_approved(&aa, &v6, exit_tag, 1));
    CU_ASSERT_FALSE(ctrl_auto_approved(&aa, &v4, web, 1));
    CU_ASSERT_FALSE(ctrl_auto_approved(&aa, &v6, web, 1));
    /* Other prefixes through routes only; exitNode approvers do not approve them. */
    CU_ASSERT_TRUE(ctrl_auto_approved(&aa, &net, web, 1));
    CU_ASSERT_FALSE(ctrl_auto_approved(&aa, &net, exit_tag, 1));
    /* No autoApprovers section at all. */
    CU_ASSERT_FALSE(ctrl_auto_approved(NULL, &net, web, 1));
}

void suite_approve(void);
void suite_approve(void)
{
    static CU_TestInfo tests[] = {
        {"P8 0.0.0.0/0 and ::/0 are the exit routes", test_exit_routes_recognised},
        {"P1 a rule approves its prefix and prefixes inside it", test_route_equal_and_contained},
        {"P1 a rule does not approve wider, outside or other-family prefixes",
         test_route_not_contained},
        {"P1 a rule must list one of the node's tags", test_route_needs_one_of_the_node_tags},
        {"P1 any covering rule may approve", test_route_any_covering_rule_counts},
        {"P1 non-tag approvers never count", test_route_non_tag_approvers_never_count},
        {"P1 an untagged node is never auto-approved", test_route_untagged_node_never_approved},
        {"P1 routes entries never approve /0, even an entry for /0",
         test_route_never_approves_slash_zero},
        {"P1 no rules, or a rule without approvers, approves nothing", test_route_empty_policy},
        {"P1 exitNode approvers approve tagged exit nodes", test_exit_node_approvers},
        {"P1 P8 exit routes via exitNode, others via routes", test_combined_decision},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("approve", tests);
}
