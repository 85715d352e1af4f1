/* Edge cases of model/dname that tests/test_dname.c leaves out: the quoting of long input in
 * messages, a zero-capacity output buffer, and a domain that dn_domain_parse did not make. */
#include <string.h>

#include "dname.h"
#include "testutil.h"

/* N1: a text longer than the quote's room is shown cut ("..."), and the message still ends
 * with what is wrong. */
static void test_long_text_quoted_shortened(void)
{
    char text[400];
    for (int i = 0; i < 400; i++)
        text[i] = i % 5 == 4 ? '.' : 'a';
    text[399] = 'a';
    dn_domain_t d;
    errinfo_t err;
    CU_ASSERT_FALSE(dn_domain_parse(text, 400, &d, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "domain 'aaaa.aaaa."));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "...' is 400 octets, more than 253"));
    CU_ASSERT(strlen(err.msg) < ERRINFO_MSG_MAX - 1);
}

/* N2: no room at all gives no text and no match. */
static void test_from_wire_without_room(void)
{
    static const uint8_t wire[] = {3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
    char out[1] = {'x'};
    size_t n = 99;
    CU_ASSERT_FALSE(dn_name_from_wire(wire, sizeof wire, out, 0, &n));
    CU_ASSERT_EQUAL(out[0], 'x'); /* nothing written */
    CU_ASSERT_EQUAL(n, 99);
}

/* The matcher takes dn_domain_parse's results only: an empty domain, an overlong one, or one
 * whose base lies past its end is refused (-1) and matches nothing. */
static void test_matcher_refuses_unparsed_domains(void)
{
    dn_matcher_t *m = dn_matcher_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    dn_domain_t empty;
    memset(&empty, 0, sizeof empty);
    CU_ASSERT_EQUAL(dn_matcher_add(m, &empty), -1);
    dn_domain_t overlong;
    memset(&overlong, 'a', sizeof overlong);
    overlong.name[sizeof overlong.name - 1] = '\0';
    overlong.len = 254; /* one octet past N1's 253 */
    overlong.wildcard = false;
    overlong.base_off = 0;
    CU_ASSERT_EQUAL(dn_matcher_add(m, &overlong), -1);
    dn_domain_t bad_base = overlong;
    bad_base.len = 1;
    bad_base.wildcard = true;
    bad_base.base_off = 2; /* past the end of the text */
    CU_ASSERT_EQUAL(dn_matcher_add(m, &bad_base), -1);
    CU_ASSERT_EQUAL(dn_matcher_count(m), 0);
    CU_ASSERT_EQUAL(dn_matcher_match(m, "a", 1), 0);
    dn_matcher_free(m);
}

void suite_dname_edges(void);
void suite_dname_edges(void)
{
    static CU_TestInfo tests[] = {
        {"N1 a long text is quoted shortened and the message still says why",
         test_long_text_quoted_shortened},
        {"N2 a name from the wire with no room for text matches nothing",
         test_from_wire_without_room},
        {"N1 N5 the matcher refuses a domain dn_domain_parse did not make",
         test_matcher_refuses_unparsed_domains},
        CU_TEST_INFO_NULL,
    };
    TEST_SUITE("dname_edges", tests);
}
